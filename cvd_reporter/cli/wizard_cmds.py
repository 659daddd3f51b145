"""`cvd-reporter new [--resume ID]`: the guided wizard (issue 7). Only on a terminal."""

from __future__ import annotations

import sys

import click

from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.cli.prompter import QuestionaryPrompter
from cvd_reporter.cli.wizard import open_wizard
from cvd_reporter.errors import InputNeeded


@click.command()
@click.option("--resume", "resume_id", metavar="ID", help="Continue the unfinished draft ID.")
@click.option("--policy", "policy_name", metavar="NAME|FILE",
              help="Policy profile (built-in name or YAML/JSON file) [default: config `policy`, nl-gemeente].")
@global_options
@cvd_command
def new(app: AppContext, resume_id: str | None, policy_name: str | None) -> Result:
    """Write a report step by step, each answer checked on the spot; then send it or save it.

    The draft is saved after every answer: Ctrl-C keeps it (exit 130) and `new --resume ID`
    continues it. Needs a terminal; without one, write a report file and use `submit` (exit 8).
    """
    screen = sys.stderr if app.json else sys.stdout  # under --json, stdout holds only the JSON document
    terminal = app.terminal
    if not (terminal.stdin and (terminal.stderr if app.json else terminal.stdout)):
        raise InputNeeded("`cvd-reporter new` asks questions and needs a terminal; without one, write a "
                          "report file (`cvd-reporter schema` describes it) and run `cvd-reporter submit REPORT`.")

    prompter = QuestionaryPrompter(output=screen, lang=app.lang)
    wizard = open_wizard(app.context, lang=app.lang, prompter=prompter, policy_name=policy_name,
                         resume_id=resume_id, status=sys.stderr if terminal.stderr else None)
    outcome = wizard.run()
    return Result(data={"status": outcome.status, "draft": outcome.draft_id,
                        "report": str(outcome.path) if outcome.path else None, "sent": outcome.sent})
