"""What happens after a report is sent (issue 17): the due date of the organisation's answer in
working days, the commands to record its answer, `status`, and the day the reporter may escalate.

Shown after every send: the wizard's, `practice`'s and `submit`'s human output (never in --json,
whose data already holds the report id and the policy's answer time).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from cvd_reporter.core.i18n import N_, say
from cvd_reporter.core.workdays import due_date
from cvd_reporter.errors import CvdError


def next_steps(plan: Any, *, sent: dt.datetime, lang: str, practice: bool = False, home: Path | None = None) -> str:
    """The lines for one sent report; ``plan`` is app.submit.Plan (report_id, response_days, calendar,
    organisation, target). The escalation point named is the one that serves the organisation's kind
    (app/escalation_fit.py; the directory in ``home``, else the bundled one), else both."""
    rid = plan.report_id
    heading = N_("next.practice_intro") if practice else N_("next.title")
    lines = [say(lang, heading)]
    due = due_date(sent, plan.response_days, plan.calendar) if plan.response_days else None
    if due is not None:
        lines.append("  " + say(lang, "next.due", days=plan.response_days, due=due.isoformat()))
    else:
        lines.append("  " + say(lang, "next.no_due"))
    lines.append("  " + say(lang, "next.mark", id=rid))
    lines.append("  " + say(lang, "next.status"))
    if due is not None:  # overdue from the day after the due date (core.workdays.overdue)
        day = (due + dt.timedelta(days=1)).isoformat()
        fit = _usual_point(plan, home)
        if fit is not None:
            lines.append("  " + say(lang, "next.escalate_fit", due=due.isoformat(), date=day,
                                    command=fit.command(rid, lang)))
        else:
            lines.append("  " + say(lang, "next.escalate", due=due.isoformat(), date=day, id=rid))
    return "\n".join(lines)


def _usual_point(plan: Any, home: Path | None) -> Any:
    """The Fit (core/escalation_fit.py) for the plan's organisation, or None; a suggestion never stops a send."""
    from cvd_reporter.app.escalation_fit import usual_point_for  # noqa: PLC0415 - the directory, only after a send

    try:
        return usual_point_for(home, organisation=getattr(plan, "organisation", None),
                               target=getattr(plan, "target", None))
    except CvdError:
        return None


def after_submit(outcome: Any, ctx: Any, lang: str) -> str | None:
    """The next steps for `submit`'s human output (``ctx``: app.context.Context, for its clock); only
    when a report (not a first contact) was really sent now."""
    if outcome.status != "sent" or getattr(outcome.plan, "kind", "report") != "report":
        return None  # queued, a dry run, or a first contact (no report has gone yet)
    return next_steps(outcome.plan, sent=ctx.clock(), lang=lang, home=getattr(ctx, "home", None))
