"""A report rendered field by field for an organisation's web form or reporting platform.

Pure. About a third of Dutch public bodies take reports only through a web form: the reporter pastes
the report into it. Each field is rendered in the form's language and checked against common field
limits. A field that is too long is never cut silently: the description is split into numbered parts
that each fit (the reporter pastes the first and sends the rest when the organisation answers, or
shortens it), and a title that is too long says how much to shorten it by.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cvd_reporter.core.i18n import N_, translator
from cvd_reporter.core.model import Report
from cvd_reporter.core.policy import Policy
from cvd_reporter.core.render import INTENTS

# Common limits of municipal and platform forms (characters). Only these fields are split or flagged.
FIELD_LIMITS: dict[str, int] = {"title": 200, "description": 5000}
SPLITTABLE = frozenset({"description"})
PART_MARK = "[{n}/{total}] "  # room is kept for it in every part

_LABELS = {"title": N_("form.field_title"), "url": N_("form.field_url"), "description": N_("form.field_description"),
           "name": N_("form.field_name"), "email": N_("form.field_email"), "phone": N_("form.field_phone")}


@dataclass(frozen=True)
class FormField:
    """One field to paste: its value, and when too long, the parts that each fit and what to do."""

    name: str
    label: str
    value: str
    limit: int | None = None
    parts: tuple[str, ...] = ()
    note: str | None = None  # what to shorten or how to paste the parts; None when the value fits

    @property
    def over(self) -> int:
        return max(0, len(self.value) - self.limit) if self.limit else 0

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "value": self.value, "length": len(self.value),
                "limit": self.limit, "fits": self.over == 0, "parts": list(self.parts), "note": self.note}


@dataclass(frozen=True)
class FormText:
    lang: str
    fields: tuple[FormField, ...]
    evidence: tuple[str, ...] = field(default_factory=tuple)  # file names to upload, in order

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def problems(self) -> list[str]:
        return [f.note for f in self.fields if f.note]

    def pasted(self) -> str:
        """Every field as pasted, one after the other: what the record hashes as the text that left."""
        return "\n\n".join(f"{f.label}:\n{f.value}" for f in self.fields)


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` characters each, including a ``[n/total]`` mark when there
    is more than one part. Breaks at paragraphs, then lines, then spaces; a single word longer than a
    part is broken inside (nothing is dropped). Joining the parts without their marks gives the text back
    up to the whitespace at the breaks."""
    if len(text) <= limit:
        return [text]
    room = limit - len(PART_MARK.format(n=999, total=999))
    if room < 20:
        raise ValueError("limit too small to split into parts")
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        if len(rest) <= room:
            chunks.append(rest)
            break
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = rest.rfind(sep, room // 2, room + 1)
            if cut > 0:
                break
        if cut <= 0:
            cut = room
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    total = len(chunks)
    return [PART_MARK.format(n=i, total=total) + c for i, c in enumerate(chunks, 1)]


def _description(report: Report, *, policy: Policy, lang: str, report_id: str, evidence_names: list[str]) -> str:
    """The body of the report as one form text: no hard line wrapping (a form's text box wraps itself)."""
    t = translator(lang)
    v, tg, c, d = report.vulnerability, report.target, report.conduct, report.disclosure
    blocks: list[str] = []
    if v.description:
        blocks.append(v.description.strip())
    if v.steps:
        blocks.append(t("render.steps") + ":\n" + "\n".join(f"{i}. {s.strip()}" for i, s in enumerate(v.steps, 1)))
    for label, text in ((t("render.impact"), v.impact), (t("render.remediation"), v.remediation)):
        if text:
            blocks.append(f"{label}: {text.strip()}")
    facts = [(t("render.cwe"), v.cwe), (t("render.cvss"), v.cvss), (t("render.urls"), ", ".join(tg.urls)),
             (t("render.ips"), ", ".join(tg.ips)), (t("render.asset"), tg.asset),
             (t("render.discovered"), c.discovered.isoformat() if c.discovered else None),
             (t("render.source_ips"), ", ".join(c.source_ips)), (t("render.tools"), ", ".join(c.tools)),
             (t("render.data_accessed"), c.data_accessed), (t("render.data_downloaded"), c.data_downloaded)]
    lines = [f"{label}: {value}" for label, value in facts if value]
    if lines:
        blocks.append("\n".join(lines))
    if evidence_names:
        blocks.append(t("form.evidence_uploaded", files=", ".join(evidence_names)))
    if c.attestations:
        found = [(a, policy.attestation(a)) for a in c.attestations]
        rules = [att.say(lang) if att is not None else aid for aid, att in found]
        blocks.append(t("render.rules") + ":\n" + "\n".join(f"- {r}" for r in rules))
    if d.intent:
        blocks.append(f"{t('render.intent')}: {t(INTENTS[d.intent], date=d.date.isoformat() if d.date else '?')}")
    blocks.append(f"{t('render.id')}: {report_id}")
    return "\n\n".join(blocks)


def _checked(name: str, label: str, value: str, lang: str, limits: dict[str, int]) -> FormField:
    limit = limits.get(name)
    if not limit or len(value) <= limit:
        return FormField(name, label, value, limit)
    t = translator(lang)
    over = len(value) - limit
    if name in SPLITTABLE:
        parts = tuple(split_text(value, limit))
        return FormField(name, label, value, limit, parts,
                         t("form.split", field=label, length=len(value), limit=limit, parts=len(parts)))
    return FormField(name, label, value, limit, (), t("form.shorten", field=label, over=over, limit=limit))


def render_form(report: Report, *, policy: Policy, lang: str, report_id: str, evidence_names: list[str],
                limits: dict[str, int] | None = None) -> FormText:
    """The fields a reporting form asks for, in ``lang`` (nl or en): title, address, description and the
    reporter's contact details (none for an anonymous report), with the evidence files to upload."""
    t = translator(lang)
    limits = FIELD_LIMITS if limits is None else limits
    r, tg = report.reporter, report.target
    values = [("title", " ".join((report.vulnerability.title or "").split())),
              ("url", ", ".join([*tg.urls, *tg.ips])),
              ("description", _description(report, policy=policy, lang=lang, report_id=report_id,
                                           evidence_names=evidence_names))]
    if not r.anonymous:
        values += [("name", r.name or ""), ("email", r.email or ""), ("phone", r.phone or "")]
    fields = tuple(_checked(name, t(_LABELS[name]), value, lang, limits) for name, value in values if value)
    return FormText(translator(lang).lang, fields, tuple(evidence_names))
