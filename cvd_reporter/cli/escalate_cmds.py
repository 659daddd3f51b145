"""`cvd-reporter escalate REPORT --to ibd|ncsc|ADDRESS`: when the organisation did not answer in time,
send the timeline of attempts and the original report, encrypted, to an escalation point.

The use case is app/escalate.py (pure parts in core/escalation.py); this module parses and prints.
"""

from __future__ import annotations

import click

from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.core.i18n import said_in, say
from cvd_reporter.errors import InputNeeded


@click.command(name="escalate")
@click.argument("report_id")
@click.option("--to", "to", required=True, metavar="ibd|ncsc|ADDRESS",
              help="The IBD (municipalities), NCSC-NL (central government, and the last resort), or any "
                   "e-mail address; its key is discovered like an organisation's.")
@click.option("--message", help="Your own words for the covering note (the timeline and the report are added).")
@click.option("--force", is_flag=True, help="Escalate although the organisation's answer is not yet overdue.")
@click.option("--unusual-point", is_flag=True,
              help="Escalate to the --to point although it does not serve the organisation's kind (such as "
                   "--to ncsc for a municipality, whose point is the IBD).")
@click.option("--accept-new-key", is_flag=True,
              help="Accept a key that differs from the one pinned for this point before (check it first).")
@click.option("--yes", is_flag=True, help="Send without asking (for tooling).")
@global_options
@cvd_command
def escalate(app: AppContext, report_id: str, to: str, message: str | None, force: bool, unusual_point: bool,
             accept_new_key: bool, yes: bool) -> Result:
    """Escalate a report the organisation did not answer in time: the timeline of every attempt and
    the original report, with a covering note, encrypted to the escalation point's key and recorded.

    Refused before the deadline unless --force, and for a report that was never sent.
    """
    from cvd_reporter.app.escalate import escalate as run  # noqa: PLC0415 - the network stack is slow to import

    lang = app.lang

    def confirm(summary: str) -> bool:
        app.info(summary)
        if yes:
            return True
        if not app.terminal.can_confirm:
            raise InputNeeded(say(lang, "escalate.confirmation_needed"), code="confirmation_needed")
        return click.confirm(say(lang, "escalate.ask"), default=False, err=True)

    def ask_point(warning: str) -> bool:
        app.warn(warning)
        return click.confirm(say(lang, "escalate.unusual.ask"), default=False, err=True)

    # --yes is for tooling: it confirms the send, never a point that does not fit (that takes --unusual-point)
    asking = app.terminal.can_confirm and not yes
    done = run(report_id, to=to, ctx=app.context, lang=lang, confirm=confirm, force=force, message=message,
               accept_new_key=accept_new_key, progress=app.info, unusual_point=unusual_point,
               ask_point=ask_point if asking else None)
    for warning in done.warnings:
        app.warn(warning)
    point = done.point.name if done.point.id else done.point.address
    if done.status == "already_escalated":
        assert done.previous is not None
        text = say(lang, "escalate.already", id=report_id, point=point, date=done.previous.isoformat())
    elif done.status == "sent":
        text = say(lang, "escalate.sent", id=report_id, point=point, address=done.point.address)
    elif done.status == "queued":
        hint = done.outcome.hint if done.outcome is not None else ""
        text = say(lang, "escalate.queued", id=report_id, point=point, hint=hint or "")
    else:
        hint = done.outcome.hint if done.outcome is not None else None
        text = said_in(hint, lang) if hint else done.status
    return Result(data=done.to_dict(), text=text)
