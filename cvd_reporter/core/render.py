"""Render a report (and the notices that follow it) as plain text in Dutch or English.

Pure. The text is what the organisation reads after decrypting: every field, the attestations in
the policy's own words, and how to reach the reporter. Wrapped at 76 columns for mail clients.
"""

from __future__ import annotations

import datetime as dt
import textwrap

from cvd_reporter.core.i18n import N_, translator
from cvd_reporter.core.model import Report
from cvd_reporter.core.policy import Policy

WIDTH = 76
# The sentence for each disclosure.intent and disclosure.credit value (core/model.py enums).
INTENTS = {"none": N_("render.intent_none"), "after-fix": N_("render.intent_after-fix"),
           "date": N_("render.intent_date")}
# a promise stated in other units than working days, said as the policy said it: (plural, singular)
PROMISE_UNITS = {"days": (N_("render.unit_days"), N_("render.unit_day")),
                 "hours": (N_("render.unit_hours"), N_("render.unit_hour")),
                 "office_hours": (N_("render.unit_office_hours"), N_("render.unit_office_hour"))}
CREDITS = {"name": N_("render.credit_name"), "pseudonym": N_("render.credit_pseudonym"),
           "none": N_("render.credit_none")}

def _para(text: str, indent: str = "  ") -> list[str]:
    out: list[str] = []
    for block in text.strip().split("\n\n"):
        joined = " ".join(line.strip() for line in block.splitlines())
        out += textwrap.wrap(joined, WIDTH, initial_indent=indent, subsequent_indent=indent,
                             break_long_words=False, break_on_hyphens=False) or [indent]
        out.append("")
    return out[:-1]


def _section(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def _kv(label: str, value: str | None) -> list[str]:
    if not value:
        return []
    first, *rest = textwrap.wrap(str(value), WIDTH - 22, break_long_words=False, break_on_hyphens=False) or [""]
    return [f"{label + ':':<21} {first}"] + [" " * 22 + r for r in rest]


def subject(report: Report, lang: str) -> str:
    """The real subject; it lives only inside the encrypted part (RFC 9788)."""
    title = " ".join((report.vulnerability.title or "").split())  # never a header line break
    t = translator(lang)
    return t("render.subject", title=title)


def render_text(report: Report, *, policy: Policy, lang: str, report_id: str | None = None,
                date: dt.date | None = None, has_reporter_key: bool = False,
                evidence_names: list[str] | None = None) -> str:
    t = translator(lang)
    r, tg, v, c, d = report.reporter, report.target, report.vulnerability, report.conduct, report.disclosure
    lines = [t("render.heading"), "=" * len(t("render.heading")), "", *_para(t("render.intro"), ""), ""]
    lines += _kv(t("render.id"), report_id or report.id) + _kv(t("render.date"), date.isoformat() if date else None)
    lines += _kv(t("render.policy"), policy.title(lang))

    lines += _section(t("render.reporter"))
    if r.anonymous:
        lines.append(t("render.anonymous"))
    else:
        lines += _kv(t("render.name"), r.name) + _kv(t("render.email"), r.email) + _kv(t("render.phone"), r.phone)
        if has_reporter_key:
            lines.append(t("render.key_attached"))

    lines += _section(t("render.target"))
    lines += _kv(t("render.urls"), ", ".join(tg.urls)) + _kv(t("render.ips"), ", ".join(tg.ips))
    lines += _kv(t("render.asset"), tg.asset)
    lines += _kv(t("render.product"), tg.product) + _kv(t("render.version"), tg.version)

    lines += _section(t("render.vulnerability"))
    lines += _kv(t("render.title"), v.title) + _kv(t("render.cwe"), v.cwe) + _kv(t("render.cvss"), v.cvss)
    if v.description:
        lines += ["", t("render.description") + ":", *_para(v.description)]
    if v.steps:
        lines += ["", t("render.steps") + ":"]
        for i, step in enumerate(v.steps, 1):
            wrapped = textwrap.wrap(step.strip(), WIDTH - 6, break_long_words=False, break_on_hyphens=False) or [""]
            lines += [f"  {i:>2}. {wrapped[0]}"] + [f"      {w}" for w in wrapped[1:]]
    for label, text in ((t("render.impact"), v.impact), (t("render.remediation"), v.remediation)):
        if text:
            lines += ["", label + ":", *_para(text)]

    if report.evidence:
        lines += _section(t("render.evidence"))
        names = evidence_names or [e.path or "" for e in report.evidence]
        for name, ev in zip(names, report.evidence, strict=False):
            lines.append(f"  - {name}" + (f": {ev.description}" if ev.description else ""))

    lines += _section(t("render.conduct"))
    lines += _kv(t("render.discovered"), c.discovered.isoformat() if c.discovered else None)
    lines += _kv(t("render.source_ips"), ", ".join(c.source_ips)) + _kv(t("render.tools"), ", ".join(c.tools))
    lines += _kv(t("render.data_accessed"), c.data_accessed) + _kv(t("render.data_downloaded"), c.data_downloaded)
    if c.attestations:
        lines += ["", t("render.rules") + ":"]
        for aid in c.attestations:
            att = policy.attestation(aid)
            text = att.say(lang) if att else aid
            wrapped = textwrap.wrap(text, WIDTH - 6, break_long_words=False) or [""]
            lines += [f"  [x] {wrapped[0]}"] + [f"      {w}" for w in wrapped[1:]]

    lines += _section(t("render.disclosure"))
    lines += _kv(t("render.shared_with"), ", ".join(d.shared_with) or t("render.nobody"))
    if d.intent:
        lines += _kv(t("render.intent"), t(INTENTS[d.intent], date=d.date.isoformat() if d.date else "?"))
    if d.credits:
        lines += _kv(t("render.credit"), "; ".join(
            t("render.credit_one", name=c.name or "?", how=t(CREDITS.get(c.credit or "name", CREDITS["name"])))
            for c in d.credits))
    elif d.credit:
        lines += _kv(t("render.credit"), t(CREDITS[d.credit]))
    promise = policy.response_promise
    if promise is not None and promise.amount and promise.unit != "working_days":
        unit = t(PROMISE_UNITS[promise.unit][promise.amount == 1], n=promise.amount)
        lines += ["", *_para(t("render.response_promise", promise=unit), "")]
    elif policy.response_working_days:
        lines += ["", *_para(t("render.response", days=policy.response_working_days), "")]
    lines += ["", t("render.closing"), (r.name if r.name and not r.anonymous else "")]
    return "\n".join(lines).rstrip() + "\n"


def render_follow_up(*, report_id: str, title: str, sent: dt.date, due: dt.date | None, days: int | None,
                     message: str | None, reporter_name: str | None, lang: str) -> tuple[str, str]:
    """(subject, text) of a reminder that quotes the report id and date, never its content."""
    t = translator(lang)
    lines = [*_para(t("render.followup_intro", sent=sent.isoformat(), id=report_id, title=title), "")]
    if due and days:
        lines += ["", *_para(t("render.followup_due", days=days, due=due.isoformat()), "")]
    lines += ["", *_para(message or t("render.followup_ask"), "")]
    lines += ["", t("render.closing"), reporter_name or ""]
    return t("render.followup_subject", id=report_id), "\n".join(lines).rstrip() + "\n"


def render_publication_notice(*, report_id: str, title: str, sent: dt.date, publish_on: dt.date,
                              message: str | None, reporter_name: str | None, lang: str) -> tuple[str, str]:
    t = translator(lang)
    lines = [*_para(t("render.publication_intro", sent=sent.isoformat(), id=report_id, title=title), ""), "",
             *_para(t("render.publication_date", date=publish_on.isoformat()), ""), "",
             *_para(message or t("render.publication_ask"), ""), "", t("render.closing"), reporter_name or ""]
    return t("render.publication_subject", id=report_id), "\n".join(lines).rstrip() + "\n"
