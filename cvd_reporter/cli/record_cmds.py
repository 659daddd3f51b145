"""The record's commands: status, mark, follow-up, notify-publication, purge, export.

Logic lives in core/states.py (rules, what is due), core/workdays.py (deadlines), core/csaf.py and
store/record.py (the SQLite record, deletion, the proof bundle); these commands parse and print.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cvd_reporter import __version__
from cvd_reporter.app.export import proof_bundle, read_report_facts
from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.core.csaf import build_csaf
from cvd_reporter.core.states import answer_due, needs_purge, next_due
from cvd_reporter.core.workdays import local_date
from cvd_reporter.errors import InputNeeded, ValidationError
from cvd_reporter.store.record import Record

if TYPE_CHECKING:
    from pathlib import Path

    from cvd_reporter.store.record import Record, ReportRecord

FOLLOW_UP_INTERVAL = timedelta(days=7)  # "at most one follow-up a week" (issue 8)


# ---------------------------------------------------------------------------- helpers
def _now(app: AppContext) -> datetime:
    """The command's one reading of the context's clock."""
    return app.context.clock()


def _open(app: AppContext) -> Record:
    return Record.open(app.settings.home)


def _parse_date(text: str | None, option: str = "--date") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{option} {text!r} is not a date; write it as YYYY-MM-DD, like 2026-11-20.",
                              code="bad_date") from None


def _today(calendar: str, now: datetime) -> date:
    return local_date(now, calendar)


def _was_fixed(report: ReportRecord) -> bool:
    return any(e.state == "fixed" for e in report.events)


def _due_text(due: Any) -> str:
    if due is None:
        return "nothing due"
    text = due.what
    if due.due:
        text += f", due {due.due.isoformat()}"
        if due.due_lenient and due.due_lenient != due.due:
            text += f" (lenient reading {due.due_lenient.isoformat()})"
    if due.overdue:
        text += " - OVERDUE"
    return text


# ---------------------------------------------------------------------------- status
@click.command(name="status")
@click.argument("report_id", required=False)
@click.option("--all", "show_all", is_flag=True, help="Also list closed reports.")
@global_options
@cvd_command
def status(app: AppContext, report_id: str | None, show_all: bool) -> Result:
    """Open reports with what is due next and what is overdue; with ID, that report's timeline.

    Deadlines count working days on the report's calendar from the first working day after sending;
    an answer is overdue from the day after its due date.
    """
    now = _now(app)
    with _open(app) as record:
        if report_id:
            return _status_one(record.get(report_id), now)
        reports = record.list(open_only=not show_all)
        channels = record.last_attempts()
    return _status_list(reports, now, channels)


def _via(attempt: Any) -> str:
    """How and when a report last reached the organisation: ``form 2026-11-20``."""
    return f"{attempt.channel} {attempt.at.date().isoformat()}" if attempt is not None else "-"


def _attempt_line(d: Any) -> str:
    """One attempt at contact for the status timeline, worded for its channel."""
    ok = "ok" if d.ok else "FAILED"
    ref = f"; reference {d.reference}" if d.reference else ""
    if d.channel == "form":
        return (f"  {d.at.isoformat()}  {d.kind} through the web form {d.recipient or '-'}: {ok}; TLS only, "
                f"not end-to-end encrypted; reference {d.reference or 'none given'}")
    if d.channel == "phone":
        return f"  {d.at.isoformat()}  call to {d.recipient or '-'}: {d.server_answer or 'name not given'}{ref}"
    return (f"  {d.at.isoformat()}  {d.kind} by {d.channel} to {d.recipient or '-'}: {ok}; "
            f"{'key ' + (d.key_fingerprint or 'none') if d.encrypted else 'NOT ENCRYPTED'}; "
            f"id {d.message_id or '-'}{ref}; server: {d.server_answer or '-'}")


def _status_list(reports: list[ReportRecord], now: datetime, channels: dict[str, Any] | None = None) -> Result:
    channels = channels or {}
    today = {cal: _today(cal, now) for cal in {r.calendar for r in reports}}
    rows = [(r, next_due(r, today[r.calendar])) for r in reports]
    rows.sort(key=lambda rd: (not (rd[1] and rd[1].overdue), rd[1].due if rd[1] and rd[1].due else date.max))
    if not rows:
        return Result(data={"reports": [], "count": 0, "overdue": 0}, text="No open reports in the record.")
    lines = [f"{'ID':<20} {'STATE':<17} {'ORGANISATION':<24} {'LAST CONTACT':<17} NEXT"]  # 17: contact-requested
    lines += [f"{r.id:<20} {r.state.replace('_', '-'):<17} {r.organisation[:24]:<24} {_via(channels.get(r.id)):<17} "
              f"{_due_text(d)}" for r, d in rows]
    purge = [r.id for r, _ in rows if needs_purge(r)]
    if purge:
        lines.append(f"Fixed, evidence not deleted yet (the policy asks you to): {', '.join(purge)}; "
                     f"run cvd-reporter purge ID.")
    overdue = sum(1 for _, d in rows if d and d.overdue)
    data = {"count": len(rows), "overdue": overdue, "purge_reminders": purge,
            "reports": [{"id": r.id, "organisation": r.organisation, "state": r.state,
                         "sent_on": r.sent_on.isoformat() if r.sent_on else None,
                         "response_working_days": r.response_days,
                         "last_contact": channels[r.id].to_dict() if r.id in channels else None,
                         "next": d.to_dict() if d else None} for r, d in rows]}
    return Result(data=data, text="\n".join(lines))


def _status_one(r: ReportRecord, now: datetime) -> Result:
    due = next_due(r, _today(r.calendar, now))
    unit = "calendar days" if r.calendar == "calendar-days" else "working days"  # see docs/policy-profiles.md
    days = f"{r.response_days} {unit}" if r.response_days is not None else "no promised answer time"
    title = read_report_facts(r.report_path).get("title")  # the record keeps no title: the file has it
    lines = [f"Report {r.id}: {title or '(the report file is gone; the record keeps no title)'}",
             f"  organisation : {r.organisation}", f"  target       : {r.target}",
             f"  policy       : {r.policy} ({days}, calendar {r.calendar})",
             f"  state        : {r.state.replace('_', '-')} since {r.state_at.date().isoformat()}",
             f"  next         : {_due_text(due)}"]
    if due and due.hint:
        lines.append(f"                 {due.hint}")
    lines.append("Timeline:")
    for e in r.events:
        extra = f" (fix promised by {e.fix_date.isoformat()})" if e.fix_date else ""
        lines.append(f"  {e.day.isoformat()}  {e.state.replace('_', '-'):<13}{extra} {e.note or ''}".rstrip())
    due_on = answer_due(r)
    if due_on:
        lines.insert(5, f"  answer due   : {due_on[0].isoformat()} (promised within {r.response_days} working days)")
    if r.deliveries:
        lines.append("Attempts at contact (every channel):")
    lines += [_attempt_line(d) for d in r.deliveries]
    for rc in r.receipts:
        lines.append(f"Deleted on {rc.at.date().isoformat()}: "
                     + ", ".join(f"{f['path']} ({f['result']})" for f in rc.files))
    if needs_purge(r):
        lines.append(f"Reminder: the report is fixed; delete the confidential data you kept: cvd-reporter purge {r.id}")
    data = dict(r.to_dict(), title=title, next=due.to_dict() if due else None, purge_reminder=needs_purge(r),
                attempts=[d.attempt().to_dict() for d in r.deliveries],
                answer_due=due_on[0].isoformat() if due_on else None)
    return Result(data=data, text="\n".join(lines))


# ---------------------------------------------------------------------------- mark
@click.command(name="mark")
@click.argument("report_id")
@click.argument("state", metavar="STATE")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="For fix-promised: the promised date (required). Otherwise the day it happened, if not today.")
@click.option("--note", help="A note for the timeline (what was said, by whom, a ticket number).")
@global_options
@cvd_command
def mark(app: AppContext, report_id: str, state: str, date_text: str | None, note: str | None) -> Result:
    """Move a report to STATE: contact-requested, sent, acknowledged, assessed, fix-promised, fixed, published,
    data-deleted, closed, no-response or escalated. Changes that make no sense (fixed before sent) are refused."""
    when = _parse_date(date_text)
    now = _now(app)
    with _open(app) as record:
        change = record.set_state(report_id, state, at=now, note=note, date=when)
        report = record.get(report_id)
    due = next_due(report, _today(report.calendar, now))
    text = f"{report_id} is now {change.state.replace('_', '-')} ({change.day.isoformat()})."
    if change.fix_date:
        text = f"{report_id} is now fix-promised: fixed by {change.fix_date.isoformat()}."
    text += f"\nNext: {_due_text(due)}"
    return Result(data={"id": report_id, "state": change.state, "day": change.day.isoformat(),
                        "fix_date": change.fix_date.isoformat() if change.fix_date else None,
                        "next": due.to_dict() if due else None}, text=text)


# ---------------------------------------------------------------------------- follow-up, notify-publication
def _deliver_notice(app: AppContext, report: ReportRecord, *, kind: str, yes: bool, message: str | None = None,
                    publication_date: date | None = None, reason: str | None = None,
                    now: datetime | None = None) -> Result:
    """Send a follow-up or publication notice through cvd_reporter.app.submit.send_notice: the same channel
    and key checks as submit, encrypted, only the notice's id in the outer headers, recorded as a
    delivery of ``kind``."""
    from cvd_reporter.app.notices import send_notice  # noqa: PLC0415 - kept lazy, see above

    def confirm(summary: str) -> bool:
        app.info(summary)
        if yes:
            return True
        if not app.terminal.can_confirm:
            raise InputNeeded("Confirmation needed: run again with --yes to send.", code="confirmation_needed")
        return click.confirm("Send it now?", default=False, err=True)

    text = message
    if kind == "publication_notice" and reason:
        text = (message + "\n\n" if message else "") + reason
    outcome = send_notice(report.id, ctx=app.context, kind=kind, lang=app.lang, confirm=confirm,
                          message=text, publication_date=publication_date, progress=app.info, now=now)
    what = "Follow-up" if kind == "follow_up" else "Publication notice"
    line = (f"{what} for {report.id} sent to {outcome.plan.recipient}." if outcome.status == "sent"
            else f"{what} for {report.id} is encrypted and waiting in the outbox. {outcome.hint or ''}".strip())
    return Result(data=outcome.to_dict(), text=line)


@click.command(name="follow-up")
@click.argument("report_id")
@click.option("--message", help="Your reminder or question (the report id and sending date are quoted for you).")
@click.option("--force", is_flag=True, help="Send even though a follow-up went out less than a week ago.")
@click.option("--yes", is_flag=True, help="Send without asking (for tooling).")
@global_options
@cvd_command
def follow_up(app: AppContext, report_id: str, message: str | None, force: bool, yes: bool) -> Result:
    """Send an encrypted reminder or question about a sent report, through the same channel and key.

    At most one follow-up a week, unless --force.
    """
    now = _now(app)
    with _open(app) as record:
        report = record.get(report_id)
    if report.state in ("draft", "contact_requested"):  # a first contact holds no word of the report
        raise ValidationError(f"Report {report_id} was never sent, so there is nothing to follow up.", code="not_sent")
    if report.state == "closed":
        raise ValidationError(f"Report {report_id} is closed; there is nothing to follow up.", code="closed")
    last = max((d.at for d in report.deliveries if d.kind == "follow_up" and d.ok), default=None)
    if last is not None and now - last < FOLLOW_UP_INTERVAL and not force:
        raise ValidationError(f"A follow-up went out on {last.date().isoformat()}; the next one can go from "
                              f"{(last + FOLLOW_UP_INTERVAL).date().isoformat()}, or pass --force.", code="too_soon")
    return _deliver_notice(app, report, kind="follow_up", yes=yes, message=message, now=now)


@click.command(name="notify-publication")
@click.argument("report_id")
@click.option("--date", "date_text", required=True, metavar="YYYY-MM-DD", help="The day you will publish.")
@click.option("--force", is_flag=True, help="Send although the report is not marked fixed (needs --reason).")
@click.option("--reason", help="Why you publish before the fix (goes into the notice and the record).")
@click.option("--message", help="Your own words for the notice (the report id and dates are quoted for you).")
@click.option("--yes", is_flag=True, help="Send without asking (for tooling).")
@global_options
@cvd_command
def notify_publication(app: AppContext, report_id: str, date_text: str, force: bool, reason: str | None,
                       message: str | None, yes: bool) -> Result:
    """Tell the organisation when you will publish, as the policy asks. Refused while the report is not
    marked fixed, unless --force with --reason."""
    when = _parse_date(date_text)
    with _open(app) as record:
        report = record.get(report_id)
    if report.state in ("draft", "contact_requested"):
        raise ValidationError(f"Report {report_id} was never sent; the organisation does not know of it yet.",
                              code="not_sent")
    if not _was_fixed(report):
        if not force:
            raise ValidationError(f"Report {report_id} is not marked fixed, and the policy asks you not to publish "
                                  f"before the fix; mark it fixed, or pass --force --reason TEXT.", code="not_fixed")
        if not (reason and reason.strip()):
            raise ValidationError("--force needs --reason: say why you publish before the fix.", code="reason_needed")
    return _deliver_notice(app, report, kind="publication_notice", yes=yes, message=message,
                           publication_date=when, reason=reason)


# ---------------------------------------------------------------------------- purge
@click.command(name="purge")
@click.argument("report_id")
@click.option("--yes", is_flag=True, help="Do not ask; required when not running in a terminal.")
@click.option("--include-report", is_flag=True, help="Also delete the report file itself.")
@global_options
@cvd_command
def purge(app: AppContext, report_id: str, yes: bool, include_report: bool) -> Result:
    """Delete the evidence files and drafts of a report and record a deletion receipt (which files, their
    SHA-256, when): the policy asks you to delete confidential data once the problem is fixed."""
    now = _now(app)
    with _open(app) as record:
        report = record.get(report_id)
        paths, kept = _purge_paths(app.settings.home, report, include_report=include_report)
        kept_note = [f"  kept     {p}  (outside the report's folder: delete it yourself if it holds report data)"
                     for p in kept]
        if not paths:
            return Result(data={"id": report_id, "files": [], "kept": [str(p) for p in kept]},
                          text="\n".join([f"No evidence files or drafts of {report_id} in its folder; "
                                           "nothing to delete.", *kept_note]))
        if not yes and not app.terminal.interactive:
            raise InputNeeded(f"purge deletes {len(paths)} file(s) or folder(s); pass --yes to confirm "
                              f"when not running in a terminal.", code="confirmation_needed")
        if not _was_fixed(report):
            app.warn(f"{report_id} is not marked fixed: once deleted, the evidence is gone if the organisation "
                     f"asks for it again.")
        if not yes:
            listing = "\n".join(f"  {p}{'' if p.exists() or p.is_symlink() else ' (already gone)'}" for p in paths)
            app.info(f"This deletes, for {report_id}:\n{listing}" + "".join(f"\n{k}" for k in kept_note))
            if not click.confirm("Delete them?", default=False, err=True):
                return Result(data={"id": report_id, "files": [], "deleted": False}, text="Nothing was deleted.")
        note = f"kept outside the report's folder: {', '.join(map(str, kept))}" if kept else None
        entries = record.purge(report_id, paths, at=now, note=note)
    lines = [f"Deletion receipt for {report_id} ({now.date().isoformat()}), kept in the record:"]
    lines += [f"  {e['result']:<8} {e['path']}" + (f"  sha256 {e['sha256']}" if e["sha256"] else "") for e in entries]
    lines += kept_note
    lines.append("The files are unlinked, not overwritten: on SSDs and journaling file systems only full-disk "
                 "encryption makes deleted data unrecoverable.")
    return Result(data={"id": report_id, "files": entries, "kept": [str(p) for p in kept], "deleted": True},
                  text="\n".join(lines))


def _purge_paths(home: Path, report: ReportRecord, *, include_report: bool) -> tuple[list[Path], list[Path]]:
    """(to delete, kept): the report's evidence files, its drafts (``drafts/ID`` and ``drafts/ID.*`` in
    the home) and, when asked, the report file itself.

    Deletion stays inside the report's own folder and the drafts: a report file is often a template
    someone else wrote, and its evidence paths (``../../Documents``, an absolute path) must not make
    purge delete anything else. Those are kept and named."""
    drafts = home / "drafts"
    folder = Path(report.report_path).parent if report.report_path else None
    candidates = [Path(p) for p in report.evidence_paths]
    if include_report and report.report_path:
        candidates.append(Path(report.report_path))
    delete: list[Path] = []
    kept: list[Path] = []
    for p in candidates:
        (delete if folder is not None and _strictly_inside(p, folder) else kept).append(p)
    if drafts.is_dir():
        delete += sorted(p for p in drafts.iterdir() if p.name == report.id or p.name.startswith(report.id + "."))
    return list({str(p): p for p in delete}.values()), kept  # each file once, in order


def _strictly_inside(path: Path, folder: Path) -> bool:
    """Is ``path`` (its folder resolved, the last component itself not followed) below ``folder``?"""
    try:
        where = path.parent.resolve() / path.name
        root = folder.resolve()
    except (OSError, RuntimeError):
        return False
    return where != root and root in where.parents


# ---------------------------------------------------------------------------- export
@click.command(name="export")
@click.argument("report_id")
@click.option("--format", "fmt", type=click.Choice(["json", "csaf"]), default="json", show_default=True,
              help="json: the proof bundle (timeline, hashes, key, ids, server answers, attestations); "
                   "csaf: a CSAF 2.0 document with you as discoverer (TLP:RED while unpublished).")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (0600) instead of stdout.")
@global_options
@cvd_command
def export(app: AppContext, report_id: str, fmt: str, output: str | None) -> Result:
    """Export one report: the proof bundle NCSC-NL asks for before it mediates, or a CSAF 2.0 document."""

    now = _now(app)
    with _open(app) as record:
        report = record.get(report_id)
    facts = read_report_facts(report.report_path)
    if facts.get("error"):
        app.warn(f"{facts['error']}; the export has what the record holds.")
    if fmt == "json":
        doc = proof_bundle(report, facts=facts, now=now, tool_version=__version__)
    else:
        doc = _csaf(app, report, facts)
    body = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if output:
        from pathlib import Path  # noqa: PLC0415 - network and OpenPGP: only follow-up/notify-publication need them

        from cvd_reporter.store.fs import write_private  # noqa: PLC0415 - kept lazy, see above

        write_private(Path(output), body, user_path=True)
        return Result(data={"id": report_id, "format": fmt, "output": output, "document": doc},
                      text=f"Wrote the {fmt} export of {report_id} to {output}.")
    return Result(data={"id": report_id, "format": fmt, "document": doc}, text=body)


def _csaf(app: AppContext, report: ReportRecord, facts: dict[str, Any]) -> dict[str, Any]:

    settings = app.settings
    if facts.get("anonymous"):  # an anonymous report stays anonymous: no fallback to the configured name
        name, email = "Anonymous reporter", None
    else:
        name = facts.get("reporter_name") or settings.reporter_name or "Anonymous reporter"
        email = facts.get("reporter_email") or settings.reporter_email
    # publisher.namespace must be a URI the publisher controls; a pseudonymous reporter has none,
    # so a name-based UUID URN stands in (stable across exports, reveals nothing).
    namespace = f"mailto:{email}" if email else f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'cvd-reporter:' + name)}"
    return build_csaf(report_id=report.id, title=facts.get("title") or f"Vulnerability report {report.id}",
                      organisation=report.organisation,
                      target=report.target, policy=report.policy, timeline=report.events, reporter_name=name,
                      namespace=namespace, reporter_contact=email, lang=facts.get("language"),
                      description=facts.get("description"), cwe=facts.get("cwe"), cvss=facts.get("cvss"),
                      discovered=facts.get("discovered"))
