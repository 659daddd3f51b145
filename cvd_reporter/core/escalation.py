"""Escalation when nobody answers: who the escalation point is, whether a report may be escalated
now, and the text it receives (a covering note, the timeline of attempts, the original report).

Pure: the record's entries, the directory's entries, today's date and the rendered report come in as
values; nothing here reads a file, the clock or the network. The use case is app/escalate.py.

The NCSC-NL guideline on Coordinated Vulnerability Disclosure names the national CERT as the place to
turn to when an organisation does not respond; for municipalities the IBD (their CERT at the VNG)
plays that part. What they need to act is proof of the attempts at contact, so the timeline lists
every attempt (failed ones too) with its date, channel, Message-ID or form reference and the answer.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Protocol

from cvd_reporter.core import states
from cvd_reporter.core.channels import channel_word, kind_word
from cvd_reporter.core.escalation_fit import Fit
from cvd_reporter.core.i18n import N_, translator
from cvd_reporter.errors import ValidationError

WIDTH = 76
# Where nothing can be escalated any more: the organisation fixed it, or the reporter closed it.
FINISHED = frozenset({"fixed", "published", "data_deleted", "closed"})


@dataclass(frozen=True)
class Point:
    """An escalation point: a directory entry with an ``escalation:`` id, or an address given as is."""

    id: str  # ibd, ncsc, ...; "" for an address given with --to
    name: str
    address: str
    languages: tuple[str, ...] = ("en",)
    key_hints: tuple[str, ...] = ()  # Encryption URIs (RFC 9116 2.5.4): a key location or openpgp4fpr:FPR
    source: dict[str, Any] = field(default_factory=dict)

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[1].lower()

    @property
    def language(self) -> str:
        return next((x for x in self.languages if x in ("nl", "en")), "en")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id or None, "name": self.name, "address": self.address, "languages": list(self.languages),
                "key_hints": list(self.key_hints), "source": self.source}


class DeliveryView(Protocol):
    """What the timeline needs of a delivery (store.record.Delivery has it)."""

    @property
    def kind(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def recipient(self) -> str | None: ...
    @property
    def message_id(self) -> str | None: ...
    @property
    def key_fingerprint(self) -> str | None: ...
    @property
    def server_answer(self) -> str | None: ...
    @property
    def ok(self) -> bool: ...
    @property
    def at(self) -> datetime: ...
    @property
    def reference(self) -> str | None: ...  # a web form's confirmation or ticket number
    @property
    def encrypted(self) -> bool: ...


class EventView(Protocol):
    @property
    def state(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def note(self) -> str | None: ...


def _address(text: str) -> str | None:
    value = text.strip()
    value = value[7:] if value.lower().startswith("mailto:") else value
    local, _, domain = value.rpartition("@")
    if not local or "." not in domain or any(c.isspace() or c in "<>,;:\"" for c in value):
        return None
    return value


def point_from_entry(entry: Any) -> Point:
    """The Point of a directory entry (core.directory.Entry) with an ``escalation:`` mapping."""
    info = entry.escalation or {}
    addresses = [a for a in (_address(c) for c in entry.contacts if c.lower().startswith("mailto:")) if a]
    if not addresses:
        raise ValidationError.t("escalate.no_address", code="no_escalation_address", name=entry.name)
    hints = []
    for key in entry.keys:
        if key.get("url"):
            hints.append(str(key["url"]))
        if key.get("fingerprint"):
            hints.append(f"openpgp4fpr:{key['fingerprint']}")
    return Point(id=str(info.get("id") or ""), name=entry.name, address=addresses[0],
                 languages=tuple(info.get("languages") or ("en",)), key_hints=tuple(hints), source=dict(entry.source))


def resolve_point(to: str, entries: Iterable[Any], *, lang: str, fallback_lang: str) -> Point:
    """``--to``: an escalation id from the directory (the first entry wins, so an imported one overrides
    the bundled one) or any e-mail address (``mailto:`` optional), whose key is discovered like any
    organisation's."""
    t = translator(lang)
    wanted = to.strip().lower()
    points = [e for e in entries if e.escalation]
    for entry in points:
        if entry.escalation.get("id") == wanted:
            return point_from_entry(entry)
    address = _address(to)
    if address is None:
        known = ", ".join(sorted({str(e.escalation.get("id")) for e in points})) or "-"
        raise ValidationError(t("escalate.unknown_point", to=to, known=known), code="unknown_escalation_point")
    return Point(id="", name=address, address=address, languages=(fallback_lang,))


def previous_escalation(deliveries: Sequence[DeliveryView], address: str) -> date | None:
    """The day this report went to this escalation point before, if it did."""
    done = [d.at for d in deliveries if d.kind == "escalation" and d.ok
            and (d.recipient or "").lower() == address.lower()]
    return min(done).astimezone(timezone.utc).date() if done else None


def check_escalation(report: Any, *, today: date, force: bool, lang: str,
                     suggest: Fit | None = None) -> states.Due | None:
    """Raise ValidationError (exit 3) when ``report`` (a store.record.ReportRecord) may not be escalated
    now: never sent, finished, or its answer not yet overdue without ``force``. Returns what was due.
    ``suggest``: the point that fits the organisation, named in the refusal (given when ``--to`` differs)."""
    t = translator(lang)
    # A first contact that went unanswered counts: the organisation was reached and did not answer,
    # which is exactly what an escalation point is for.
    sent = report.sent_on is not None or any(d.ok and d.kind in ("report", "first_contact")
                                             for d in report.deliveries)
    if report.state == "draft" or not sent:
        raise ValidationError(t("escalate.never_sent", id=report.id), code="not_sent")
    if report.state in FINISHED:
        raise ValidationError(t("escalate.finished", id=report.id, state=report.state.replace("_", " ")),
                              code="finished")
    due = states.next_due(report, today)
    overdue = report.state in ("no_response", "escalated") or (due is not None and due.overdue)
    if not overdue and not force:
        fit = {"point": suggest.point_id, "why": suggest.why_text(lang)} if suggest else {}
        if due is not None and due.due is not None:
            msgid = N_("escalate.not_overdue_fit") if suggest else N_("escalate.not_overdue")
            raise ValidationError(t(msgid, id=report.id, due=due.due.isoformat(), **fit), code="not_overdue")
        msgid = N_("escalate.no_deadline_fit") if suggest else N_("escalate.no_deadline")
        raise ValidationError(t(msgid, id=report.id, **fit), code="not_overdue")
    return due


# ---------------------------------------------------------------------------- the text
def _para(text: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), WIDTH, break_long_words=False, break_on_hyphens=False) or [""]


def _when(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def timeline_lines(deliveries: Sequence[DeliveryView], events: Sequence[EventView], *, lang: str) -> list[str]:
    """Every attempt at contact and every state change, oldest first, one block each."""
    t = translator(lang)
    rows: list[tuple[datetime, int, list[str]]] = []
    for i, d in enumerate(deliveries):
        kind = kind_word(d.kind)
        if d.kind == "phone_call":
            result = t("escalate.call_held")
        else:
            result = t("escalate.delivered") if d.ok else t("escalate.failed")
        head = t("escalate.attempt", when=_when(d.at), kind=kind, channel=channel_word(d.channel),
                 to=d.recipient or "-", result=result)
        block = [f"- {head}"]
        for label, value in ((t("escalate.message_id"), d.message_id), (t("escalate.reference"), d.reference),
                             (t("escalate.key"), d.key_fingerprint), (t("escalate.answer"), d.server_answer)):
            if value:
                block.append(f"    {label}: {' '.join(str(value).split())}")
        if d.ok and not d.encrypted and d.kind != "phone_call":
            block.append("    " + t("escalate.unencrypted"))
        rows.append((d.at, i, block))
    for j, e in enumerate(events):
        note = f" ({' '.join(e.note.split())})" if e.note else ""
        change = t("escalate.state_change", when=_when(e.at), state=e.state.replace("_", " "))
        rows.append((e.at, len(deliveries) + j, [f"- {change}{note}"]))
    return [line for _at, _i, block in sorted(rows, key=lambda r: (r[0], r[1])) for line in block]


@dataclass(frozen=True)
class Facts:
    """What the covering note says of the report (no content of the report itself)."""

    report_id: str
    organisation: str
    target: str
    sent_on: date
    due: date | None
    days: int | None
    reporter_name: str | None


def render_escalation(facts: Facts, *, point: Point, deliveries: Sequence[DeliveryView],
                      events: Sequence[EventView], report_text: str | None, missing_reason: str | None,
                      message: str | None, lang: str, original_note: str | None = None) -> tuple[str, str]:
    """(inner subject, text): the covering note in the point's language, the timeline and the original
    report as rendered for the organisation. Only the encrypted part carries any of it."""
    t = translator(lang)
    lines = _para(t("escalate.note_intro", point=point.name, sent=facts.sent_on.isoformat(), id=facts.report_id,
                    organisation=facts.organisation, target=facts.target))
    if facts.due and facts.days:
        lines += ["", *_para(t("escalate.note_due", days=facts.days, due=facts.due.isoformat()))]
    lines += ["", *_para(t("escalate.note_ask"))]
    if message:
        lines += ["", *[w for block in message.strip().split("\n\n") for w in [*_para(block), ""]][:-1]]
    lines += ["", t("escalate.closing"), facts.reporter_name or ""]
    heading = t("escalate.timeline")
    lines += ["", heading, "=" * len(heading), "", *timeline_lines(deliveries, events, lang=lang)]
    heading = t("escalate.original")
    lines += ["", heading, "=" * len(heading), ""]
    if report_text is not None:
        lines += report_text.rstrip("\n").split("\n")
    else:
        lines += _para(t("escalate.original_missing", reason=missing_reason or "?"))
    if original_note:
        lines += ["", *_para(original_note)]
    subject = t("escalate.subject", id=facts.report_id, organisation=" ".join(facts.organisation.split()))
    return subject, "\n".join(lines).rstrip() + "\n"
