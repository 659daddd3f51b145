"""`cvd-reporter submit REPORT`, `outbox list` and `outbox send [ID]`.

submit runs cvd_reporter.app.submit (validate -> scope -> discover -> key -> render -> encrypt -> confirm
-> deliver -> record). Sending goes through cvd_reporter.app.submit.send_and_record (delivery/send.py's
send_entry, plus the record), which reuses the stored bytes, so a retry carries the same Message-ID /
Idempotency-Key, and an entry once sent is never sent again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.cli.next_steps import after_submit
from cvd_reporter.cli.progress import bar_for
from cvd_reporter.core.channels import channel_word
from cvd_reporter.core.i18n import N_, said_in, say, translator

if TYPE_CHECKING:
    from cvd_reporter.core.findings import Finding

from cvd_reporter.errors import EXIT_DELIVERY, EXIT_OK, DeliveryError, InputNeeded, StoreError, UsageError


@click.group(name="outbox")
def outbox() -> None:
    """Encrypted reports that wait to be sent, and sending them again."""


def _outbox(app: AppContext) -> Any:
    from cvd_reporter.delivery.outbox import Outbox  # noqa: PLC0415 - kept out of start-up, as every command module's imports

    return Outbox(app.settings.home)


def _row(entry: Any, shown_id: str, lang: str) -> str:
    t = translator(lang)
    last = entry.last_attempt
    answer = f"{last.answer[:50]}" if last else "-"
    flag = " " + t("outbox.plaintext") if entry.plaintext else ""
    state = t(OUTBOX_STATES[entry.state]) if entry.state in OUTBOX_STATES else entry.state
    return (f"{shown_id:<20}  {state:<9}  {entry.channel:<6}  {entry.recipient[:32]:<32}  "
            f"{len(entry.attempts):>2}  {answer}{flag}")


def _shown_ids(entries: list[Any]) -> dict[str, str]:
    """Each entry under its report's id, the one id a person knows the report by; the entry id is added
    only where one report has several entries (a follow-up, a notice)."""
    count: dict[str, int] = {}
    for e in entries:
        count[e.report_id] = count.get(e.report_id, 0) + 1
    return {e.id: e.report_id if count[e.report_id] == 1 else f"{e.report_id} ({e.id})" for e in entries}


OUTBOX_STATES = {"pending": N_("outbox.state.pending"), "sent": N_("outbox.state.sent"),
                 "failed": N_("outbox.state.failed")}


@outbox.command(name="list")
@global_options
@cvd_command
def list_(app: AppContext) -> Result:
    """List the outbox: id, state, channel, recipient, attempts and the last answer."""
    box = _outbox(app)
    entries = box.list()
    data = {"outbox": str(box.dir), "entries": [e.to_dict() for e in entries]}
    if not entries:
        return Result(data=data, text=say(app.lang, "outbox.empty", dir=box.dir))
    t = translator(app.lang)
    cols = (t("outbox.col.report"), t("outbox.col.state"), t("outbox.col.via"), t("outbox.col.to"),
            t("outbox.col.n"), t("outbox.col.answer"))
    lines = [f"{cols[0]:<20}  {cols[1]:<9}  {cols[2]:<6}  {cols[3]:<32}  {cols[4]:>2}  {cols[5]}"]
    shown = _shown_ids(entries)
    lines += [_row(e, shown[e.id], app.lang) for e in entries]
    pending = [e for e in entries if e.state == "pending"]
    if pending:
        lines.append(t("outbox.waiting", n=len(pending), dir=box.dir))
    return Result(data=data, text="\n".join(lines))


@outbox.command(name="send")
@click.argument("ident", metavar="[ID]", required=False)
@click.option("--force", is_flag=True, help="Send a GitHub report again although the last attempt may have "
                                            "reached GitHub (check its security advisories first).")
@global_options
@cvd_command
def send(app: AppContext, ident: str | None, force: bool) -> Result:
    """Send one waiting entry (ID or report id), or every waiting entry.

    A retry sends the stored message unchanged (same Message-ID / Idempotency-Key); an entry that
    was sent is never sent again. Exit 7 when a message could not be sent: it stays in the outbox.
    """
    from cvd_reporter.app.dispatch import RecordSession, send_and_record  # noqa: PLC0415 - `outbox list` needs no sending code

    box = _outbox(app)
    ctx = app.context
    with RecordSession(ctx.home) as records:
        if ident is not None:
            entry = box.get(ident)
            if entry.state == "sent":
                note = say(app.lang, "outbox.already_sent", id=entry.report_id, at=entry.sent_at)
                return Result(data={"sent": [], "failed": [], "skipped": [entry.id]}, text=note,
                              findings=[_finding("already_sent", "info", note)])
            try:
                done = send_and_record(box, entry, ctx=ctx, records=records, force=force,
                                       meter=bar_for(say(app.lang, "cli.progress.sending"), json_mode=app.json))
            except StoreError as e:
                if e.code != "already_sent":
                    raise
                return Result(data={"sent": [], "failed": [], "skipped": [entry.id]}, text=e.say(app.lang),
                              findings=[_finding("already_sent", "info", e.message, e)])
            return Result(data={"sent": [done.to_dict()], "failed": [], "skipped": []},
                          text=_sent_line(done, app.lang))

        sent, failed, skipped, errors, lines = [], [], [], [], []
        findings: list[Finding] = []
        for entry in [e for e in box.list() if e.state == "pending"]:
            try:
                done = send_and_record(box, entry, ctx=ctx, records=records, force=force,
                                       meter=bar_for(say(app.lang, "cli.progress.sending"), json_mode=app.json))
            except (DeliveryError, StoreError) as e:
                if e.code == "check_first":
                    findings.append(_finding("check_first", "warning", e.message, e))
                    continue
                if e.code == "already_sent":
                    skipped.append(entry.id)
                    findings.append(_finding("already_sent", "info", e.message, e))
                    continue
                failed.append(entry.id)
                errors.append(e.to_dict())
                continue
            sent.append(done.to_dict())
            lines.append(_sent_line(done, app.lang))
    if not sent and not failed:
        lines.append(say(app.lang, "outbox.nothing_waits") if not findings else say(app.lang, "outbox.nothing_sent"))
    if failed:
        lines.append(say(app.lang, "outbox.failed", n=len(failed)))
    return Result(data={"sent": sent, "failed": failed, "skipped": skipped}, text="\n".join(lines), findings=findings,
                  errors=errors, exit_code=EXIT_DELIVERY if failed else EXIT_OK)


def _sent_line(entry: Any, lang: str = "en") -> str:
    last = entry.last_attempt
    return say(lang, "outbox.sent", id=entry.report_id, channel=channel_word(entry.channel), recipient=entry.recipient,
               answer=last.answer if last else "ok")


def _terminal_choices(app: AppContext) -> dict[str, Any]:
    """On a terminal: the pick between the ways on without a key, and yes/no questions; else nothing."""
    if not app.terminal.can_confirm:
        return {}

    from cvd_reporter.app.first_contact import CHOICE_TEXT  # noqa: PLC0415 - only on a terminal

    def choose(choices: list[str], why: str) -> str:
        app.info(why)
        for n, c in enumerate(choices, 1):
            app.info(f"  {n}. {say(app.lang, CHOICE_TEXT[c])}")
        n = click.prompt(say(app.lang, "first_contact.pick"), type=click.IntRange(1, len(choices)), default=1,
                         err=True)
        return choices[n - 1]

    def ask(question: str) -> bool:
        return click.confirm(question, default=False, err=True)

    return {"choose": choose, "ask": ask}


def _finding(code: str, severity: str, message: str, error: Any = None) -> Finding:
    """A finding; from an error made with a catalogue id, it keeps the id, so it is said in the run's language."""
    from cvd_reporter.core.findings import Finding  # noqa: PLC0415 - kept out of start-up

    msgid, params = getattr(error, "msgid", None), getattr(error, "params", None) or {}
    return Finding(code, severity, message, msgid=msgid, params=params)  # type: ignore[arg-type]


@click.command()
@click.argument("report", type=click.Path())
@click.option("--via", type=click.Choice(["email", "api", "github", "outbox", "form", "phone"]),
              help="Channel [default: the first usable contact of the security.txt; e-mail goes to the outbox "
                   "when no SMTP server is configured]. form: prepare the fields for the organisation's web form "
                   "and record it as sent; phone: a script for the call, recorded when you confirm it.")
@click.option("--repo", metavar="OWNER/NAME", help="Repository for --via github.")
@click.option("--dry-run", is_flag=True, help="Do everything but deliver; nothing is sent or recorded.")
@click.option("--output", metavar="FILE", help="With --dry-run: write the finished message here (0600).")
@click.option("--yes", is_flag=True, help="Confirm without asking (for tooling).")
@click.option("--policy", "policy_name", metavar="NAME|FILE", help="Policy profile [default: nl-gemeente].")
@click.option("--accept-new-key", is_flag=True, help="Accept a key that differs from the pinned one.")
@click.option("--allow-plaintext", is_flag=True,
              help="Send UNENCRYPTED when no usable key exists (needs confirmation; the record says so).")
@click.option("--despite-policy", is_flag=True,
              help="With --allow-plaintext: send unencrypted even though the organisation's policy requires "
                   "encryption (without a terminal it stops with exit 6 otherwise).")
@click.option("--allow-private", is_flag=True, help="Allow names that resolve to private addresses.")
@click.option("--strict", is_flag=True, help="Treat an unknown scope verdict as out of scope.")
@click.option("--first-contact", is_flag=True,
              help="No usable key: send only a short first contact without the details, asking for their key.")
@click.option("--name-host", is_flag=True, help="Let the first contact name the vulnerable system's host.")
@click.option("--sign-with", metavar="KEYFILE",
              help="Also sign with your own OpenPGP secret key (passphrase: CVD_SIGNING_PASSPHRASE or a prompt).")
@click.option("--report-lang", type=click.Choice(["nl", "en"]),
              help="Language of the report itself [default: the report file's, else the organisation's "
                   "Preferred-Languages, else nl for a Dutch organisation, else --lang].")
@click.option("--reference", metavar="REF", help="--via form: the confirmation or ticket number the form gave "
                                                    "(records the report as sent through the form).")
@click.option("--no-browser", is_flag=True, help="--via form: do not open the form in the browser ($BROWSER).")
@click.option("--spoke-to", metavar="NAME", help="--via phone: who you spoke to (records the call).")
@click.option("--again", is_flag=True, help="--via form: record a report that already left as sent once more.")
@global_options
@cvd_command
def submit(app: AppContext, report: str, via: str | None, repo: str | None, dry_run: bool, output: str | None,
           yes: bool, policy_name: str | None, accept_new_key: bool, allow_plaintext: bool, despite_policy: bool,
           allow_private: bool, strict: bool, sign_with: str | None, report_lang: str | None, reference: str | None,
           no_browser: bool, spoke_to: str | None, again: bool, first_contact: bool = False,
           name_host: bool = False) -> Result:
    """Encrypt REPORT to the organisation's key and deliver it (non-interactive; see `new` for the wizard).

    Exit 3 report errors, 4 out of scope, 5 no security.txt/contact/key, 6 key not usable, 7 delivery
    failed (kept in the outbox), 8 confirmation needed (pass --yes). A report already sent is not sent
    again. Without a usable key by e-mail, a terminal offers a first contact without the details;
    a script gets exit 6 naming the choices (--first-contact, --via form, --allow-plaintext).
    """
    given = [name for name, value in (("--reference", reference), ("--no-browser", no_browser),
                                      ("--spoke-to", spoke_to), ("--again", again)) if value]
    if given and via not in ("form", "phone"):
        raise UsageError.t("submit.option_form_phone", option=given[0])
    if despite_policy and not allow_plaintext:
        raise UsageError.t("submit.despite_needs_plaintext")
    if first_contact and via not in (None, "email", "outbox"):
        raise UsageError.t("submit.first_contact_email")
    if via in ("form", "phone"):
        from cvd_reporter.cli import channel_cmds  # noqa: PLC0415 - only these channels need it

        if via == "form":
            return channel_cmds.submit_form(app, report, policy_name=policy_name, dry_run=dry_run, yes=yes,
                                            no_browser=no_browser, reference=reference, again=again,
                                            allow_private=allow_private, strict=strict)
        return channel_cmds.submit_phone(app, report, policy_name=policy_name, dry_run=dry_run, yes=yes,
                                         spoke_to=spoke_to, reference=reference, allow_private=allow_private)

    from cvd_reporter.app.submit import SubmitOptions, submit_report  # noqa: PLC0415 - `outbox` needs none of the submit pipeline

    if output and not dry_run:
        raise InputNeeded.t("submit.output_dry_run", code="usage")

    def confirm(summary: str) -> bool:
        app.info(summary)
        if yes:
            return True
        if not app.terminal.can_confirm:
            raise InputNeeded.t("submit.confirmation_needed")
        return click.confirm(say(app.lang, "submit.confirm"), default=False, err=True)  # a report or a first contact

    def ask_passphrase() -> str | None:
        if not app.terminal.can_confirm:
            return None
        return click.prompt(say(app.lang, "submit.passphrase"), hide_input=True, err=True)

    options = SubmitOptions(via=via, repo=repo, dry_run=dry_run, output=Path(output) if output else None,
                            allow_plaintext=allow_plaintext, despite_policy=despite_policy,
                            accept_new_key=accept_new_key, policy=policy_name,
                            allow_private=allow_private, strict_scope=strict, lang=report_lang,
                            sign_with=Path(sign_with).expanduser() if sign_with else None,
                            ask_passphrase=ask_passphrase,
                            meter=bar_for(say(app.lang, "cli.progress.encrypting"), json_mode=app.json),
                            upload_meter=bar_for(say(app.lang, "cli.progress.sending"), json_mode=app.json),
                            first_contact=first_contact,
                            name_host=name_host, yes=yes, **_terminal_choices(app))
    outcome = submit_report(Path(report), ctx=app.context, lang=app.lang, confirm=confirm,
                            progress=app.info, options=options)
    plan = outcome.plan
    t = translator(app.lang)
    how = t("submit.encrypted_to", fpr=plan.key["fingerprint"]) if plan.key else t("submit.not_encrypted")
    where = {"id": plan.report_id, "recipient": plan.recipient, "channel": channel_word(plan.channel)}
    lines = {"sent": t("submit.sent", how=how, **where),
             "queued": t("submit.queued", **where),
             "dry_run": t("submit.dry_run", **where),
             "already_sent": t("submit.already_sent", **where),
             "in_progress": t("submit.in_progress", **where)}
    if plan.kind == "first_contact" and outcome.status in ("sent", "queued"):
        lines[outcome.status] = (say(app.lang, "first_contact.sent", id=plan.report_id, to=plan.recipient)
                                 if outcome.status == "sent" else
                                 say(app.lang, "first_contact.queued", id=plan.report_id, path=outcome.outbox_path))
    text = "\n".join(x for x in (lines[outcome.status], said_in(outcome.hint, app.lang) if outcome.hint else None,
                              after_submit(outcome, app.context, app.lang)) if x)
    if outcome.status == "dry_run":
        text = plan.summary(app.lang) + "\n" + text
    return Result(data=outcome.to_dict(), findings=[f for f in plan.findings if f.severity != "info"], text=text)
