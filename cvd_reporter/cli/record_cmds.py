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
from cvd_reporter.core.channels import channel_word, kind_word
from cvd_reporter.core.csaf import build_csaf
from cvd_reporter.core.i18n import N_, said_in, say, translator
from cvd_reporter.core.states import answer_due, needs_purge, next_due, normalise_state
from cvd_reporter.core.workdays import local_date
from cvd_reporter.errors import CvdError, InputNeeded, ValidationError
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
        raise ValidationError.t("record.bad_date", code="bad_date", option=option, text=text) from None


def _today(calendar: str, now: datetime) -> date:
    return local_date(now, calendar)


def _was_fixed(report: ReportRecord) -> bool:
    return any(e.state == "fixed" for e in report.events)


def _due_text(due: Any, lang: str = "en") -> str:
    t = translator(lang)
    if due is None:
        return t("record.nothing_due")
    text = due.say(lang)
    if due.due:
        text += t("record.due_on", due=due.due.isoformat())
        if due.due_lenient and due.due_lenient != due.due:
            text += t("record.due_lenient", lenient=due.due_lenient.isoformat())
    if due.overdue:
        text += t("record.overdue")
    return text


def _state_word(state: str, lang: str) -> str:
    """A state as a person reads it: the Dutch word with the command's name beside it."""
    name = state.replace("_", "-")
    return name if lang == "en" else f"{translator(lang)(f'state.name.{state}')} ({name})"


def _org_names(app: AppContext, reports: list[ReportRecord]) -> dict[str, str]:
    """The organisation's name where the record keeps only its host and the directory knows the name."""
    hosts = {r.organisation for r in reports if r.organisation and "." in r.organisation and " " not in r.organisation}
    if not hosts:
        return {}
    from cvd_reporter.app.directory import load_all  # noqa: PLC0415 - the bundled list, only when needed
    from cvd_reporter.core.directory import find  # noqa: PLC0415 - see above

    try:
        entries, _ = load_all(app.settings.home)
    except CvdError:
        return {}
    names = {}
    for host in hosts:
        hits = find(entries, host)
        if len(hits) == 1:
            names[host] = hits[0].name
    return names


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
            one = record.get(report_id)
            return _status_one(one, now, app.lang, _org_names(app, [one]) if not app.json else {}, app)
        reports = record.list(open_only=not show_all)
        channels = record.last_attempts()
    return _status_list(reports, now, channels, app.lang, _org_names(app, reports) if not app.json else {})


def _via(attempt: Any, lang: str = "en") -> str:
    """How and when a report last reached the organisation: ``webformulier 2026-11-20``."""
    if attempt is None:
        return "-"
    return f"{said_in(channel_word(attempt.channel), lang)} {attempt.at.date().isoformat()}"


def _attempt_line(d: Any, lang: str = "en") -> str:
    """One attempt at contact for the status timeline, worded for its channel."""
    t = translator(lang)
    ok = t("record.ok") if d.ok else t("record.failed")
    ref = t("record.reference", reference=d.reference) if d.reference else ""
    none_given, name_not_given = t("record.none_given"), t("record.name_not_given")
    if d.channel == "form":
        return "  " + t("record.attempt.form", at=d.at.isoformat(), kind=kind_word(d.kind),
                        recipient=d.recipient or "-", ok=ok, reference=d.reference or none_given)
    if d.channel == "phone":
        return "  " + t("record.attempt.phone", at=d.at.isoformat(), recipient=d.recipient or "-",
                        name=d.server_answer or name_not_given) + ref
    if d.encrypted:
        key = t("record.key", fpr=d.key_fingerprint or "-")
    else:  # a first contact is unencrypted by design: it carries no word of the report
        key = t("record.first_contact_clear") if d.kind == "first_contact" else t("record.not_encrypted")
    return "  " + t("record.delivery", at=d.at.isoformat(), kind=kind_word(d.kind),
                    channel=channel_word(d.channel), recipient=d.recipient or "-", ok=ok, key=key,
                    message_id=(d.message_id or "-") + ref, answer=d.server_answer or "-")


def _status_list(reports: list[ReportRecord], now: datetime, channels: dict[str, Any] | None = None,
                 lang: str = "en", names: dict[str, str] | None = None) -> Result:
    channels = channels or {}
    t, names = translator(lang), names or {}
    today = {cal: _today(cal, now) for cal in {r.calendar for r in reports}}
    rows = [(r, next_due(r, today[r.calendar])) for r in reports]
    rows.sort(key=lambda rd: (not (rd[1] and rd[1].overdue), rd[1].due if rd[1] and rd[1].due else date.max))
    if not rows:
        return Result(data={"reports": [], "count": 0, "overdue": 0}, text=t("record.no_open"))
    width = 17 if lang == "en" else 30  # 17: contact-requested
    cols = (t("record.col.id"), t("record.col.state"), t("record.col.org"), t("record.col.last_contact"),
            t("record.col.next"))
    lines = [f"{cols[0]:<20} {cols[1]:<{width}} {cols[2]:<24} {cols[3]:<17} {cols[4]}"]
    lines += [f"{r.id:<20} {_state_word(r.state, lang):<{width}} {names.get(r.organisation, r.organisation)[:24]:<24} "
              f"{_via(channels.get(r.id), lang):<17} {_due_text(d, lang)}" for r, d in rows]
    purge = [r.id for r, _ in rows if needs_purge(r)]
    if purge:
        lines.append(t("record.purge_reminder_list", ids=", ".join(purge)))
    overdue = sum(1 for _, d in rows if d and d.overdue)
    data = {"count": len(rows), "overdue": overdue, "purge_reminders": purge,
            "reports": [{"id": r.id, "organisation": r.organisation, "state": r.state,
                         "sent_on": r.sent_on.isoformat() if r.sent_on else None,
                         "response_working_days": r.response_days,
                         "last_contact": channels[r.id].to_dict() if r.id in channels else None,
                         "next": d.to_dict() if d else None} for r, d in rows]}
    return Result(data=data, text="\n".join(lines))


def _usual_point(app: AppContext, r: ReportRecord, due: Any) -> Any:
    """Where `status ID` suggests escalating (no-response): the point that serves the organisation's kind
    (app/escalation_fit.py), or None for the generic hint."""
    if due is None or due.hint_code != "no_response":
        return None
    from cvd_reporter.app.escalation_fit import usual_point_for  # noqa: PLC0415 - the directory, only when needed

    try:
        return usual_point_for(app.settings.home, organisation=r.organisation, target=r.target)
    except CvdError:
        return None


def _status_one(r: ReportRecord, now: datetime, lang: str = "en", names: dict[str, str] | None = None,
                app: AppContext | None = None) -> Result:
    t = translator(lang)
    due = next_due(r, _today(r.calendar, now))
    fit = _usual_point(app, r, due) if app is not None else None
    # a promise in days or hours counts calendar days (docs/policy-profiles.md)
    unit = N_("record.calendar_days") if r.calendar == "calendar-days" else N_("record.working_days")
    days = (t(unit, n=r.response_days) if r.response_days is not None
            else t("record.no_answer_time"))
    title = read_report_facts(r.report_path).get("title")  # the record keeps no title: the file has it
    org = (names or {}).get(r.organisation, r.organisation)
    label = {k: t(k) for k in (N_("record.f.org"), N_("record.f.target"), N_("record.f.policy"),
                               N_("record.f.state"), N_("record.f.next"))}
    calendar = t("record.calendar", calendar=r.calendar)
    since = t("record.since", day=r.state_at.date().isoformat())
    lines = [t("record.heading", id=r.id, title=title or t("record.no_title")),
             f"  {label['record.f.org']}: {org}", f"  {label['record.f.target']}: {r.target}",
             f"  {label['record.f.policy']}: {r.policy} ({days}, {calendar})",
             f"  {label['record.f.state']}: {_state_word(r.state, lang)} {since}",
             f"  {label['record.f.next']}: {_due_text(due, lang)}"]
    hint = fit.command(r.id, lang) if fit else (due.say_hint(lang) if due else None)
    if hint:
        lines.append(f"                 {hint}")
    lines.append(t("record.timeline"))
    for e in r.events:
        extra = " " + t("record.fix_promised_by", day=e.fix_date.isoformat()) if e.fix_date else ""
        lines.append(f"  {e.day.isoformat()}  {_state_word(e.state, lang):<13}{extra} {e.note or ''}".rstrip())
    due_on = answer_due(r)
    if due_on:
        lines.insert(5, "  " + t("record.answer_due", day=due_on[0].isoformat(), n=r.response_days))
    if r.deliveries:
        lines.append(t("record.attempts"))
    lines += [_attempt_line(d, lang) for d in r.deliveries]
    for rc in r.receipts:
        lines.append(t("record.deleted_on", day=rc.at.date().isoformat(),
                       files=", ".join(f"{f['path']} ({f['result']})" for f in rc.files)))
    if needs_purge(r):
        lines.append(t("record.purge_reminder", id=r.id))
    nxt = dict(due.to_dict(), hint=fit.command(r.id, "en"), usual_point=fit.to_dict()) if due and fit else (
        due.to_dict() if due else None)
    data = dict(r.to_dict(), title=title, next=nxt, purge_reminder=needs_purge(r),
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
    normalise_state(state)  # a mistyped state gets its "did you mean" before the report is looked up
    when = _parse_date(date_text)
    now = _now(app)
    with _open(app) as record:
        change = record.set_state(report_id, state, at=now, note=note, date=when)
        report = record.get(report_id)
    due = next_due(report, _today(report.calendar, now))
    t = translator(app.lang)
    text = t("record.marked", id=report_id, state=_state_word(change.state, app.lang), day=change.day.isoformat())
    if change.fix_date:
        text = t("record.marked_fix", id=report_id, state=_state_word(change.state, app.lang),
                 day=change.fix_date.isoformat())
    text += "\n" + t("record.next", next=_due_text(due, app.lang))
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
            raise InputNeeded.t("notice.confirmation_needed", code="confirmation_needed")
        return click.confirm(say(app.lang, "notice.confirm"), default=False, err=True)

    text = message
    if kind == "publication_notice" and reason:
        text = (message + "\n\n" if message else "") + reason
    outcome = send_notice(report.id, ctx=app.context, kind=kind, lang=app.lang, confirm=confirm,
                          message=text, publication_date=publication_date, progress=app.info, now=now)
    sent, waiting = ((N_("record.notice.follow_up_sent"), N_("record.notice.follow_up_waiting")) if kind == "follow_up"
                     else (N_("record.notice.publication_sent"), N_("record.notice.publication_waiting")))
    line = (say(app.lang, sent, id=report.id, recipient=outcome.plan.recipient) if outcome.status == "sent"
            else say(app.lang, waiting, id=report.id, hint=outcome.hint or "").strip())
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
        raise ValidationError.t("follow_up.not_sent", code="not_sent", id=report_id)
    if report.state == "closed":
        raise ValidationError.t("follow_up.closed", code="closed", id=report_id)
    last = max((d.at for d in report.deliveries if d.kind == "follow_up" and d.ok), default=None)
    if last is not None and now - last < FOLLOW_UP_INTERVAL and not force:
        raise ValidationError.t("follow_up.too_soon", code="too_soon", last=last.date().isoformat(),
                                next=(last + FOLLOW_UP_INTERVAL).date().isoformat())
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
        raise ValidationError.t("publication.not_sent", code="not_sent", id=report_id)
    if not _was_fixed(report):
        if not force:
            raise ValidationError.t("publication.not_fixed", code="not_fixed", id=report_id)
        if not (reason and reason.strip()):
            raise ValidationError.t("publication.reason_needed", code="reason_needed")
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
        t = translator(app.lang)
        kept_note = [t("purge.kept", path=str(p)) for p in kept]
        if not paths:
            return Result(data={"id": report_id, "files": [], "kept": [str(p) for p in kept]},
                          text="\n".join([t("purge.nothing", id=report_id), *kept_note]))
        if not yes and not app.terminal.interactive:
            raise InputNeeded.t("purge.confirmation_needed", code="confirmation_needed", n=len(paths))
        if not _was_fixed(report):
            app.warn(t("purge.not_fixed", id=report_id))
        if not yes:
            gone = " " + t("purge.already_gone")
            listing = "\n".join(f"  {p}{'' if p.exists() or p.is_symlink() else gone}" for p in paths)
            app.info(t("purge.listing", id=report_id) + f"\n{listing}" + "".join(f"\n{k}" for k in kept_note))
            if not click.confirm(t("purge.confirm"), default=False, err=True):
                return Result(data={"id": report_id, "files": [], "deleted": False}, text=t("purge.none_deleted"))
        note = f"kept outside the report's folder: {', '.join(map(str, kept))}" if kept else None
        entries = record.purge(report_id, paths, at=now, note=note)
    lines = [t("purge.receipt", id=report_id, date=now.date().isoformat())]
    lines += [f"  {e['result']:<8} {e['path']}" + (f"  sha256 {e['sha256']}" if e["sha256"] else "") for e in entries]
    lines += kept_note
    lines.append(t("purge.unlinked"))
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
                      text=say(app.lang, "export.written", format=fmt, id=report_id, path=str(output)))
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
