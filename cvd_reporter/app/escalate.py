"""Escalate a report nobody answered to the IBD, NCSC-NL or another address (issue 14).

The same machinery as a follow-up (app/notices.py): the escalation point's key is discovered (its
domain's security.txt, WKD, DNS, the keyserver; a location or fingerprint the directory records
first) and checked against the pins; the note, the timeline of attempts and the original report travel
encrypted in one PGP/MIME message whose outer header names only the escalation's id; it leaves by the
usual channel (SMTP, or the outbox) and the record keeps it as a delivery of kind ``escalation``, with
the report's state moved to ``escalated`` once it has gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cvd_reporter.app.context import Context
from cvd_reporter.app.dispatch import Outcome, RecordSession, deliver
from cvd_reporter.app.escalation_fit import escalation_points
from cvd_reporter.app.profiles import organisation_policy
from cvd_reporter.app.reportfile import load_report_file, read_evidence
from cvd_reporter.app.sender import resolve_sender
from cvd_reporter.app.stream_message import read_attachments
from cvd_reporter.app.submit import Plan, SubmitOptions, find_key, sha256
from cvd_reporter.core import mime, states, workdays
from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.escalation import (
    Facts,
    Point,
    check_escalation,
    previous_escalation,
    render_escalation,
    resolve_point,
    timeline_lines,
)
from cvd_reporter.core.escalation_fit import Fit, fit_for, fits, kind_label
from cvd_reporter.core.i18n import say
from cvd_reporter.core.pgp.encrypt import encrypt
from cvd_reporter.core.render import render_text
from cvd_reporter.delivery.outbox import Outbox
from cvd_reporter.errors import CvdError, DiscoveryError, InputNeeded, KeyProblem, StoreError
from cvd_reporter.net.discovery import discover
from cvd_reporter.store.record import Record, ReportRecord

MAX_ID = 80  # core/mime.py REPORT_ID_RE


@dataclass
class Escalation:
    """What ``escalate`` did: the point, the outcome of the delivery (None when it was done before)."""

    report_id: str
    point: Point
    status: str  # sent | queued | already_escalated | in_progress
    outcome: Outcome | None = None
    previous: dt.date | None = None
    timeline: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    usual: Fit | None = None  # the point that usually serves the organisation's kind, when it is known

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"report_id": self.report_id, "point": self.point.to_dict(), "status": self.status,
                               "escalated_before": self.previous.isoformat() if self.previous else None,
                               "timeline": self.timeline, "warnings": self.warnings,
                               "usual_point": self.usual.to_dict() if self.usual else None}
        if self.outcome is not None:
            out["delivery"] = self.outcome.to_dict()
        return out


def report_with_attempts(record: Record, report_id: str) -> ReportRecord:
    """The report with every attempt at contact of every channel (its deliveries: e-mail, API, web
    forms with their references, phone calls) and every state change (its events).

    The one place escalation reads attempts. Record.attempts(report_id) lists the same attempts, but
    without the key and the server's answer, which the escalation point should see."""
    return record.get(report_id)


def escalate(report_id: str, *, to: str, ctx: Context, lang: str, confirm: Callable[[str], bool],
             force: bool = False, message: str | None = None, accept_new_key: bool = False,
             progress: Callable[[str], None] = lambda _m: None, now: dt.datetime | None = None,
             unusual_point: bool = False, ask_point: Callable[[str], bool] | None = None) -> Escalation:
    """Escalate ``report_id`` to ``to`` (an escalation id of the directory, or an e-mail address).

    ValidationError (exit 3) for a report never sent, finished, or not yet overdue without ``force``;
    InputNeeded (exit 8) when not confirmed. A second escalation to the same point is not sent again.
    A point that does not serve the organisation's kind (``--to ncsc`` for a municipality) is asked
    about with ``ask_point`` (a terminal) unless ``unusual_point``; without ``ask_point``, InputNeeded
    (exit 8, ``unusual_point``) names the usual point and the flag."""
    now = now or ctx.clock()
    with RecordSession(ctx.home) as records:
        report = report_with_attempts(records.open(), report_id)
        entries = escalation_points(ctx.home)
        point = resolve_point(to, entries, lang=lang, fallback_lang=lang)
        usual = fit_for(entries, organisation=report.organisation, target=report.target)
        unfit = not fits(point.id, usual, entries)
        check_escalation(report, today=workdays.local_date(now, report.calendar), force=force, lang=lang,
                         suggest=usual if unfit else None)
        previous = previous_escalation(report.deliveries, point.address)
        if previous is not None:
            return Escalation(report_id, point, "already_escalated", previous=previous, usual=usual)
        if unfit and not unusual_point:
            assert usual is not None
            _confirm_point(report, point, usual, lang=lang, ask=ask_point)
        warnings: list[str] = []
        progress(say(lang, "escalate.progress_key", address=point.address))
        options = SubmitOptions(accept_new_key=accept_new_key)
        key_info, chosen, pin = _find_point_key(point, ctx=ctx, now=now, warnings=warnings, options=options)
        progress(say(lang, "submit.encrypt"))
        plan, timeline = _build_plan(report, point, ctx=ctx, now=now, message=message, key=(key_info, chosen, pin),
                                     warnings=warnings, ui_lang=lang)
        if not confirm(plan.summary(lang)):
            raise InputNeeded(say(lang, "escalate.not_confirmed"), code="not_confirmed")
        outcome = deliver(plan, ctx=ctx, options=options, now=now, records=records, known=report)
        if outcome.status == "sent":
            try:
                _mark_escalated(records.open(), report, point, now=now)
            except StoreError as e:  # it has gone, and the delivery is recorded: say what the state lacks
                warnings.append(say(lang, "escalate.state_not_recorded", id=report_id, reason=e.message))
        return Escalation(report_id, point, outcome.status, outcome=outcome, timeline=timeline, warnings=warnings,
                          usual=usual)


def _confirm_point(report: ReportRecord, point: Point, usual: Fit, *, lang: str,
                   ask: Callable[[str], bool] | None) -> None:
    """The reporter means this point, not the one that usually serves the organisation's kind: asked on a
    terminal (default No), else InputNeeded naming the usual point and --unusual-point."""
    values = {"organisation": report.organisation, "usual": usual.point_name, "usual_id": usual.point_id,
              "point": point.name}
    if ask is None:
        raise UnusualPoint(values, usual.kind, data={"organisation_kind": usual.kind, "usual_point": usual.point_id,
                                                     "to": point.id})
    if not ask(say(lang, "escalate.unusual.warning", kind=usual.kind_text(lang), **values)):
        raise InputNeeded(say(lang, "escalate.not_confirmed"), code="not_confirmed")


class UnusualPoint(InputNeeded):
    """Exit 8, ``unusual_point``: the point does not serve the organisation's kind and nobody could be
    asked. Says the kind in the reader's language too (``params`` hold only the names)."""

    def __init__(self, values: dict[str, str], kind: str, *, data: dict[str, Any]) -> None:
        self.kind = kind
        super().__init__(say("en", "escalate.unusual.refused", kind=kind_label(kind, "en"), **values),
                         code="unusual_point", data=data, msgid="escalate.unusual.refused", params=values)

    def say(self, lang: str | None) -> str:
        return say(lang, "escalate.unusual.refused", kind=kind_label(self.kind, lang), **self.params)


def _find_point_key(point: Point, *, ctx: Context, now: dt.datetime, warnings: list[str],
                    options: SubmitOptions) -> tuple[dict[str, Any] | None, Any, Any]:
    """The point's key: the directory's hints, then the Encryption fields of its domain's security.txt,
    then WKD, DNS and the keyserver for its address. Judged and pinned like an organisation's."""
    fetcher = ctx.network.fetcher()
    hints = list(point.key_hints)
    try:
        found = discover(point.domain, fetcher, now=now)
        hints += [h for h in found.security_txt.encryption if h not in hints]
    except DiscoveryError as e:
        warnings.append(e.message)
    key_info, chosen, pin = find_key(SimpleNamespace(encryption=hints), [point.address], ctx=ctx, fetcher=fetcher,
                                     now=now, options=options, warnings=warnings,
                                     organisation=registrable_domain(point.domain))
    if chosen is None:  # without --allow-plaintext find_key raises instead: an escalation is never plaintext
        raise KeyProblem.t("escalate.no_key", address=point.address)
    return key_info, chosen, pin


def _original(report: ReportRecord, *, lang: str, ui_lang: str, now: dt.datetime, ctx_home: Path,
              settings: Any, warnings: list[str],
              ) -> tuple[str | None, str | None, list[tuple[str, bytes, str]], dict[str, Any]]:
    """(report text, why it is missing, evidence attachments, reporter facts) from the report file the
    record points to, rendered as the organisation received it. Without it, the outbox copy of the
    message as it left (encrypted to the organisation's key: proof of what was sent, by its hash)."""
    if not report.report_path:
        return None, say(lang, "escalate.no_report_path"), _outbox_copy(report, ctx_home, warnings), {}
    try:
        loaded = load_report_file(Path(report.report_path), lang=lang)
        # the organisation's own profile (its promise, its words), as submit rendered it
        policy = organisation_policy(loaded.report, policy_name=report.policy, default=settings.policy,
                                     settings=settings, home=ctx_home)
    except CvdError as e:
        return None, e.message.rstrip("."), _outbox_copy(report, ctx_home, warnings), {}
    r = loaded.report
    evidence = [e for e in read_evidence(loaded, lang=lang) if e.file is not None]
    try:
        attachments = read_attachments(evidence)
    except (CvdError, OSError) as e:
        warnings.append(say(ui_lang, "escalate.evidence_unreadable", reason=getattr(e, "message", None) or str(e)))
        attachments, evidence = [], []
    sent = next((d for d in report.deliveries if d.ok and d.kind == "report"), None)
    text = render_text(r, policy=policy, lang=r.language or lang, report_id=report.id,
                       date=(sent.at if sent else now).date(), evidence_names=[Path(e.path).name for e in evidence])
    facts = {"reporter_name": None if r.reporter.anonymous else r.reporter.name,
             "reporter_email": None if r.reporter.anonymous else r.reporter.email}
    return text, None, attachments, facts


def _outbox_copy(report: ReportRecord, home: Path, warnings: list[str]) -> list[tuple[str, bytes, str]]:
    """The report's message as it waits or waited in the outbox, checked against its saved hash."""
    box = Outbox(home)
    try:
        entries = [e for e in box.list() if e.report_id == report.id
                   and ((e.route or {}).get("record") or {}).get("kind", "report") == "report"]
        if not entries:
            return []
        entry = entries[0]
        data = box.read(entry)
    except StoreError as e:
        warnings.append(e.message)
        return []
    name = "original-report.eml" if entry.channel == "email" else f"original-report.{entry.channel}"
    return [(name, data, "application/octet-stream")]


def escalation_id(report_id: str, now: dt.datetime) -> str:
    suffix = f".escalation-{now:%Y%m%d%H%M%S}"
    return report_id[: MAX_ID - len(suffix)].rstrip(".") + suffix


def _build_plan(report: ReportRecord, point: Point, *, ctx: Context, now: dt.datetime, message: str | None,
                key: tuple[dict[str, Any] | None, Any, Any], warnings: list[str],
                ui_lang: str) -> tuple[Plan, list[str]]:
    """The finished message in the point's language; ``warnings`` for the reporter in ``ui_lang``."""
    settings = ctx.settings
    lang = point.language
    key_info, chosen, pin = key
    report_text, missing, attachments, facts = _original(report, lang=lang, ui_lang=ui_lang, now=now,
                                                         ctx_home=ctx.home, settings=settings, warnings=warnings)
    copy = next((a for a in attachments if a[0].startswith("original-report.")), None) if missing else None
    original_note = say(lang, "escalate.outbox_copy", name=copy[0], sha=sha256(copy[1])) if copy else None
    if missing:
        warnings.append(say(ui_lang, "escalate.original_missing", reason=missing))
    if copy:
        warnings.append(say(ui_lang, "escalate.outbox_copy", name=copy[0], sha=sha256(copy[1])))
    first = next((d for d in report.deliveries if d.ok and d.kind == "report"), None)
    sent_on = report.sent_on or (first.at if first is not None else report.created_at).date()
    due = states.answer_due(report)
    subject, text = render_escalation(
        Facts(report_id=report.id, organisation=report.organisation, target=report.target, sent_on=sent_on,
              due=due[0] if due else None, days=report.response_days,
              reporter_name=facts.get("reporter_name") or settings.reporter_name),
        point=point, deliveries=report.deliveries, events=report.events, report_text=report_text,
        missing_reason=missing, message=message, lang=lang, original_note=original_note)
    sender = resolve_sender(settings, facts.get("reporter_email"))
    ident = escalation_id(report.id, now)
    message_id = mime.message_id_for(ident, sender.domain)
    inner = mime.build_inner(report_text=text, subject=subject, from_addr=sender.header_from, to_addr=point.address,
                             message_id=message_id, date=now, attachments=attachments, reporter_key=None, lang=lang)
    wire = mime.build_encrypted(
        inner, encrypt=lambda data: encrypt(data, chosen.certificate, now=now, judged=chosen.judged),
        from_addr=sender.header_from, to_addr=point.address, message_id=message_id, date=now, report_id=ident)
    plan = Plan(report_id=report.id, title=subject, channel="email" if settings.smtp_host else "outbox",
                recipient=point.address, lang=lang, policy_id=report.policy, organisation=report.organisation,
                message=wire, message_id=message_id, plaintext_sha256=sha256(inner), encrypted_sha256=sha256(wire),
                encrypted=True, key=key_info, contact_source=_source(point), warnings=warnings,
                calendar=report.calendar, response_days=report.response_days, target=report.target, pin=pin,
                kind="escalation", envelope_from=sender.envelope_from)
    return plan, timeline_lines(report.deliveries, report.events, lang=lang)


def _source(point: Point) -> str | None:
    url = point.source.get("url")
    if not point.id:
        return None
    return f"directory: {point.name}" + (f", {url} (seen {point.source.get('seen')})" if url else "")


def _mark_escalated(record: Record, report: ReportRecord, point: Point, *, now: dt.datetime) -> None:
    """The record's state follows the delivery: a report still only ``sent`` (or a first contact still
    ``contact_requested``) whose answer is overdue becomes ``no_response`` first (the fact the
    escalation rests on), then ``escalated``. One escalated with ``--force`` before its deadline
    becomes ``escalated`` straight from ``sent`` (core/states.py): it is an escalation all the same.
    Already escalated (to another point): kept."""
    if report.state == "escalated":
        return
    if report.state in ("sent", "contact_requested"):
        due = states.next_due(report, workdays.local_date(now, report.calendar))
        if due is not None and due.overdue:
            record.set_state(report.id, "no_response", at=now, note="no answer by the deadline")
    record.set_state(report.id, "escalated", at=now, note=f"escalated to {point.id or point.address}")
