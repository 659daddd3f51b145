"""`submit REPORT --via form` and `--via phone`: the channels a person uses, not cvd-reporter.

The use cases are app/forms.py and app/phone.py; this module asks the questions (on a terminal) and
prints. Without a terminal nothing is recorded unless the run says what happened: ``--reference REF``
(or ``--yes`` when the form gave none) for a form, ``--spoke-to NAME`` (or ``--yes``) for a call.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from cvd_reporter.cli.app import AppContext, Result
from cvd_reporter.cli.next_steps import next_steps
from cvd_reporter.core.i18n import say
from cvd_reporter.errors import InputNeeded


def _again(app: AppContext, previous: str | None, again: bool) -> None:
    """A report leaves exactly once: recording it as sent a second time needs --again or a yes."""
    if previous is None or again:
        return
    question = say(app.lang, "form.again_question", previous=previous)
    if app.terminal.can_confirm:
        app.warn(question)
        if click.confirm(say(app.lang, "form.again_confirm"), default=False, err=True):
            return
        raise InputNeeded(say(app.lang, "form.again_refused", previous=previous), code="already_sent")
    raise InputNeeded(say(app.lang, "form.again_refused", previous=previous), code="already_sent")


def submit_form(app: AppContext, report: str, *, policy_name: str | None, dry_run: bool, yes: bool,
                no_browser: bool, reference: str | None, again: bool, allow_private: bool,
                strict: bool) -> Result:
    from cvd_reporter.app.forms import check_reference, open_in_browser, prepare_form, record_form  # noqa: PLC0415 - only --via form needs them

    lang = app.lang
    ref = check_reference(reference)
    plan = prepare_form(Path(report), ctx=app.context, lang=lang, policy_name=policy_name,
                        allow_private=allow_private, strict_scope=strict)
    p = plan.prepared
    data: dict[str, Any] = plan.to_dict()
    findings = p.findings
    if not dry_run:
        _again(app, p.previous, again)
    ask = not dry_run and ref is None and not yes and app.terminal.can_confirm
    done = ref is not None or yes  # the run says the form was sent
    browser = "skipped"
    if not dry_run and not done and not no_browser:
        browser = "opened" if open_in_browser(p.url, os.environ.get("BROWSER")) else "not_opened"
    data.update(browser=browser, reference=ref, recorded=False, recorded_at=None)
    sheet = plan.sheet(lang)
    if browser == "not_opened":
        app.warn(say(lang, "form.no_browser", url=p.url))
    if ask:
        app.info(sheet)
        if not click.confirm(say(lang, "form.ask_sent"), default=False, err=True):
            data["status"] = "prepared"
            return Result(data=data, findings=findings, text=say(lang, "form.not_recorded", id=p.report_id))
        ref = check_reference(click.prompt(say(lang, "form.ask_reference"), default="", show_default=False,
                                           err=True))
        done = True
    if not done:
        data["status"] = "dry_run" if dry_run else "prepared"
        hint = say(lang, "form.run_again", report=report) if not dry_run else say(lang, "form.dry_run")
        return Result(data=data, findings=findings, text=sheet + "\n\n" + hint)
    if ref is None:
        app.warn(say(lang, "form.no_reference"))
    now = app.context.clock()
    record_form(plan, ctx=app.context, reference=ref, at=now)
    data.update(status="recorded", reference=ref, recorded=True, recorded_at=now.isoformat())
    line = say(lang, "form.recorded", id=p.report_id, url=p.url, at=now.isoformat(timespec="minutes"),
               reference=ref or say(lang, "form.without_reference"))
    # the report has left through the form: the same next steps as after an e-mail
    return Result(data=data, findings=findings, text=line + "\n" + next_steps(p, sent=now, lang=lang,
                                                                               home=app.context.home))


def submit_phone(app: AppContext, report: str, *, policy_name: str | None, dry_run: bool, yes: bool,
                 spoke_to: str | None, reference: str | None, allow_private: bool) -> Result:
    from cvd_reporter.app.phone import check_name, prepare_call, record_call  # noqa: PLC0415 - only --via phone needs them

    lang = app.lang
    name = check_name(spoke_to)
    plan = prepare_call(Path(report), ctx=app.context, lang=lang, policy_name=policy_name,
                        allow_private=allow_private)
    p = plan.prepared
    data: dict[str, Any] = dict(plan.to_dict(), recorded=False, spoke_to=name)
    done = not dry_run and (name is not None or yes or reference is not None)
    if not dry_run and not done and app.terminal.can_confirm:
        app.info(plan.script)
        if not click.confirm(say(lang, "phone.ask_called"), default=False, err=True):
            return Result(data=dict(data, status="prepared"), text=say(lang, "phone.not_recorded", id=p.report_id))
        name = check_name(click.prompt(say(lang, "phone.ask_name"), default="", show_default=False, err=True))
        done = True
    if not done:
        hint = say(lang, "form.dry_run") if dry_run else say(lang, "phone.run_again", report=report)
        return Result(data=dict(data, status="dry_run" if dry_run else "prepared"), text=plan.script + "\n\n" + hint)
    now = app.context.clock()
    record_call(plan, ctx=app.context, at=now, spoke_to=name, reference=reference)
    data.update(status="recorded", recorded=True, spoke_to=name, recorded_at=now.isoformat())
    who = say(lang, "phone.with", name=name) if name else ""
    return Result(data=data, text=say(lang, "phone.recorded", id=p.report_id, number=plan.number, who=who,
                                      at=now.isoformat(timespec="minutes")))
