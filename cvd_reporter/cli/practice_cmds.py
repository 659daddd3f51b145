"""`cvd-reporter practice`: a whole municipality on loopback, to learn and demo the flow offline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cvd_reporter.app.submit import submit_report
from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.cli.prompter import QuestionaryPrompter
from cvd_reporter.cli.wizard import open_wizard
from cvd_reporter.core.i18n import say
from cvd_reporter.errors import InputNeeded
from cvd_reporter.practice.run import practice_world, received, show_received, write_sample


@click.command()
@click.option("--auto", is_flag=True, help="Send a sample report without questions (for demos and CI).")
@click.option("--keep", metavar="FOLDER", help="Keep the organisation, the record and the mail in FOLDER.")
@global_options
@cvd_command
def practice(app: AppContext, auto: bool, keep: str | None) -> Result:
    """Report to Gemeente Oefendorp, a practice municipality that runs on this machine only: its own
    website with a signed security.txt, its key on WKD, a DNS server and an SMTP server.

    Walk through the wizard (or --auto), then see what the municipality received: the encrypted
    mail as it arrived, and decrypted with the municipality's key. Nothing leaves the machine.
    """

    lang = app.lang
    if not auto and not app.terminal.interactive:
        raise InputNeeded.t("practice.needs_terminal")
    echo = app.info
    with practice_world(folder=Path(keep).expanduser() if keep else None, timeout=app.settings.timeout) as world:
        echo(world.describe(lang))
        if auto:
            path = write_sample(world, lang)
            echo(say(lang, "practice.sample", path=path))

            def confirm(summary: str) -> bool:
                echo(summary)
                return True

            outcome = submit_report(path, ctx=app.context.with_settings(world.settings), lang=lang, confirm=confirm,
                                    progress=echo)
            report_id = outcome.plan.report_id
            echo(say(lang, "practice.sent", id=report_id, recipient=outcome.plan.recipient))
        else:
            echo(say(lang, "practice.tip"))
            screen = sys.stderr if app.json else sys.stdout
            wizard = open_wizard(app.context.with_settings(world.settings), lang=lang,
                                 prompter=QuestionaryPrompter(output=screen, lang=lang),
                                 status=sys.stderr if app.terminal.stderr else None)
            report_id = wizard.run().draft_id
        messages = received(world)
        if not app.json:
            show_received(messages, lang, click.echo)
        for m in messages:
            m.pop("raw", None)
        data = {"organisation": "oefendorp.test", "fingerprint": world.org.fingerprint, "report_id": report_id,
                "received": messages, "folder": str(world.folder) if keep else None}
    return Result(data=data)
