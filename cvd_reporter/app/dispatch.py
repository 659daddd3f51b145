"""After the plan: keep the finished message in the outbox, send it, and record every attempt.

Used by submit, follow-up, the publication notice and ``outbox send``. One use case opens the record
at most once (:class:`RecordSession`) and reads each outbox entry once, under its lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvd_reporter.app.context import Context
from cvd_reporter.app.stream_message import write_output
from cvd_reporter.core.i18n import Phrase
from cvd_reporter.core.states import NOT_YET_SENT
from cvd_reporter.delivery.outbox import Outbox, OutboxEntry, manual_send_hint
from cvd_reporter.delivery.send import send_entry
from cvd_reporter.errors import DeliveryError, StoreError
from cvd_reporter.store import journal
from cvd_reporter.store.pins import PinStore
from cvd_reporter.store.record import Record, ReportRecord

if TYPE_CHECKING:
    from datetime import datetime

    from cvd_reporter.app.submit import Plan, SubmitOptions

RECORD_FILE = "record.sqlite3"


class RecordSession:
    """The record of one use case: opened on first use and then kept, closed at the end (``with``).
    :meth:`existing` does not create a record that is not there (a dry run leaves no trace)."""

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self._record: Record | None = None
        self.journaled: list[str] = []  # report ids whose delivery went to the journal, not the record

    def existing(self) -> Record | None:
        if self._record is None and not (self.home / RECORD_FILE).exists():
            return None
        return self.open()

    def open(self) -> Record:
        """The record (Record.open adds any deliveries an earlier run could only journal)."""
        if self._record is None:
            self._record = Record.open(self.home)
        return self._record

    def close(self) -> None:
        if self._record is not None:
            self._record.close()
            self._record = None

    def __enter__(self) -> RecordSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def find_report(record: Record | None, report_id: str) -> ReportRecord | None:
    """The record's entry for ``report_id``, or None when the record does not know it."""
    if record is None:
        return None
    try:
        return record.get(report_id)
    except StoreError as e:
        if e.code == "unknown_report":
            return None
        raise


def left_already(entry: ReportRecord) -> bool:
    """Has this report left, whichever way: a delivery through this tool, or `mark ID sent` after the
    reporter sent it from a mail client or a web form? Either way it must never be sent again.
    A first contact (state ``contact_requested``) carried no word of the report: it has not left."""
    return entry.state not in NOT_YET_SENT or any(d.ok and d.kind == "report" for d in entry.deliveries)


def how_it_left(entry: ReportRecord) -> tuple[str, Phrase]:
    """(when, how) for the sentence that says why nothing is sent again."""
    sent = next((d for d in entry.deliveries if d.ok and d.kind == "report"), None)
    if sent is not None:
        return str(sent.at)[:10], Phrase("app.dispatch.how.to", recipient=sent.recipient)
    marked = next((e for e in entry.events if e.state == "sent"), None)
    when = marked.day.isoformat() if marked is not None else str(entry.sent_on or "?")
    return when, (Phrase("app.dispatch.how.marked") if marked is not None
                  else Phrase("app.dispatch.how.state", state=entry.state))


@dataclass
class Outcome:
    plan: Plan
    status: str  # sent | queued | dry_run | already_sent | in_progress
    outbox_id: str | None = None
    outbox_path: str | None = None
    receipt: dict[str, Any] | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "outbox_id": self.outbox_id, "outbox_path": self.outbox_path,
                "receipt": self.receipt, "hint": self.hint, **self.plan.to_dict()}


def deliver(plan: Plan, *, ctx: Context, options: SubmitOptions, now: datetime, records: RecordSession,
            known: ReportRecord | None = None) -> Outcome:
    """Keep the finished message in the outbox, send it (unless the channel is the outbox), record it.
    ``known`` is the record's entry for the report when the caller has read it already."""
    settings = ctx.settings
    if options.dry_run:
        if options.output:
            write_output(options.output, plan.written, plan.message)
        return Outcome(plan, "dry_run", hint=Phrase("app.dispatch.dry_run_kept", path=str(options.output))
                       if options.output else Phrase("app.dispatch.dry_run"))
    channel = "email" if plan.channel == "outbox" else plan.channel
    route: dict[str, Any] = {}
    if channel == "email":
        route = {"mail_from": plan.envelope_from, "rcpt_to": [plan.recipient]}
    elif channel == "api":
        route = {"url": plan.api_url}
    elif channel == "github":
        route = {"repo": plan.recipient, "api_url": settings.github_api_url}
    # What the record needs when this message is sent later by `outbox send` (no secrets, no content).
    route["record"] = {"kind": plan.kind, "key_fingerprint": (plan.key or {}).get("fingerprint"),
                       "plaintext_sha256": plan.plaintext_sha256, "encrypted_sha256": plan.encrypted_sha256,
                       "encrypted": plan.encrypted}
    box = Outbox(ctx.home)
    # a streamed message is a file in the outbox folder already: saving it is a rename, not a copy
    payload = plan.written.path if plan.written is not None and plan.written.path is not None else plan.message
    try:
        entry = box.save(report_id=plan.report_id, channel=channel, recipient=plan.recipient, payload=payload,
                         key=plan.message_id, route=route, allow_plaintext=not plan.encrypted, now=now)
    except StoreError as e:
        if e.code != "busy":
            raise
        return _in_progress(plan)
    # The record first: a locked or unwritable record stops the run here, before a pin is written or
    # anything leaves (what can still fail after the send goes to the journal, see _record_attempt).
    record = records.open()
    if known is None and find_report(record, plan.report_id) is None:
        record.add_report(plan.report_id, organisation=plan.organisation or "", target=plan.target,
                          report_path=plan.report_path, policy=plan.policy_id, calendar=plan.calendar,
                          response_days=plan.response_days, evidence_paths=plan.evidence_paths, created_at=now)
    if plan.pin:
        contact, fingerprint, source, organisation = plan.pin
        PinStore(ctx.home).check_and_pin(contact, fingerprint, accept_new=options.accept_new_key, source=source,
                                         now=now, organisation=organisation)
    if plan.channel == "outbox":
        return Outcome(plan, "queued", outbox_id=entry.id, outbox_path=str(entry.path), hint=manual_send_hint(entry))
    try:
        sent = send_and_record(box, entry, ctx=ctx, records=records, known=True, meter=options.upload_meter)
    except StoreError as e:
        if e.code != "busy":
            raise
        return _in_progress(plan)
    receipt = sent.receipt or {}
    hint = (Phrase("app.dispatch.journaled", file=RECORD_FILE)
            if plan.report_id in records.journaled else None)
    return Outcome(plan, "sent", outbox_id=entry.id, outbox_path=str(entry.path), receipt=receipt, hint=hint)


def _in_progress(plan: Plan) -> Outcome:
    """Another cvd-reporter holds this entry's lock: the same report, submitted by a second run at the
    same moment. It leaves once, from there; this run says so instead of failing."""
    return Outcome(plan, "in_progress",
                   hint=Phrase("app.dispatch.in_progress", id=plan.report_id))


def send_and_record(box: Outbox, ident: str | OutboxEntry, *, ctx: Context, records: RecordSession,
                    force: bool = False, known: bool = False, meter: Any = None) -> OutboxEntry:
    """Send one outbox entry (delivery/send.py) and keep every attempt in the record, failed ones too:
    they are the proof of attempts at contact. Used by submit and by `outbox send`. ``known``: the
    caller has just made sure the record holds the report."""
    entry = ident if isinstance(ident, OutboxEntry) else box.get(ident)
    if ((entry.route or {}).get("record") or {}).get("kind", "report") == "report" and entry.state != "sent":
        previous = find_report(records.existing(), entry.report_id)
        if previous is not None and left_already(previous):
            when, how = how_it_left(previous)
            raise StoreError.t("app.dispatch.already_sent", id=entry.report_id, when=when, how=how,
                               entry=entry.id, code="already_sent",
                               data={"id": entry.id, "report_id": entry.report_id})
    try:
        sent = send_entry(box, entry, settings=ctx.settings, force=force, clock=ctx.clock, meter=meter)
    except DeliveryError as e:
        if e.code not in ("smtp_not_configured", "check_first"):  # those made no attempt
            _record_attempt(entry, ctx=ctx, records=records, ok=False, answer=e.message, known=known)
        raise
    last = sent.last_attempt
    _record_attempt(sent, ctx=ctx, records=records, ok=True, answer=last.answer if last else None, known=known)
    return sent


def _record_attempt(entry: OutboxEntry, *, ctx: Context, records: RecordSession, ok: bool, answer: str | None,
                    known: bool) -> None:
    facts = (entry.route or {}).get("record") or {}
    receipt = entry.receipt or {}
    delivery = {"report_id": entry.report_id, "channel": entry.channel, "recipient": entry.recipient,
                    "key_fingerprint": facts.get("key_fingerprint"),
                    "plaintext_sha256": facts.get("plaintext_sha256"),
                    "encrypted_sha256": facts.get("encrypted_sha256") or entry.sha256,
                    "message_id": (receipt.get("id") or receipt.get("ghsa_id") or entry.key) if ok else entry.key,
                    "server_answer": answer, "ok": ok, "at": ctx.clock(),
                    "kind": facts.get("kind", "report"), "encrypted": not entry.plaintext}
    try:
        record = records.open()
        if not known and find_report(record, entry.report_id) is None:
            return  # an outbox entry from before the record existed: nothing to add it to
        record.add_delivery(**delivery)
    except StoreError:
        # The message has gone (or the attempt happened): that fact is never lost. It waits in the
        # journal, and the next run that opens the record adds it.
        journal.append(records.home, delivery)
        records.journaled.append(entry.report_id)
