"""`validate REPORT` and `schema`: check a report file against the schema and a policy profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.core import model
from cvd_reporter.core.i18n import translator
from cvd_reporter.errors import EXIT_OK, EXIT_VALIDATION

if TYPE_CHECKING:
    from pathlib import Path


@click.command()
@click.argument("report", type=click.Path())
@click.option("--policy", "policy_name", metavar="NAME|FILE",
              help="Policy profile (built-in name or YAML/JSON file) [default: config `policy`, nl-gemeente].")
@global_options
@cvd_command
def validate(app: AppContext, report: Path, policy_name: str | None) -> Result:
    """Check a report file (YAML or JSON, schema cvd-report/1) against the schema and a policy profile.

    Also scans the report text and its text evidence for personal data and secrets (warnings).
    Writes nothing. Exit 0 when there are no errors, 3 when there are.
    """
    from cvd_reporter.app.reportfile import check_report_file  # noqa: PLC0415 - YAML etc.: `schema` needs none

    report = Path(report)
    checked = check_report_file(report, policy_name=policy_name or app.settings.policy, lang=app.lang,
                                today=app.context.clock().astimezone().date(),  # the user's calendar day
                                settings=app.settings, home=app.context.home, explicit=policy_name is not None)
    policy, findings = checked.policy, checked.findings
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    t = translator(app.lang)
    verdict = t("validate.not_ready") if errors else t("validate.ready") if not warnings else "."
    summary = t("validate.summary", report=report, errors=errors, warnings=warnings, policy=policy.id) + verdict
    lines = [f.human(app.lang) for f in findings] + [summary]
    return Result(
        data={"report": str(report), "policy": policy.id, "valid": errors == 0, "errors": errors,
              "warnings": warnings, "profile": policy.profile.to_dict() if policy.profile else None,
              "deadline": {"days": policy.response_working_days, "calendar": policy.calendar}
              if policy.response_working_days is not None else None},
        findings=findings, text="\n".join(lines), exit_code=EXIT_VALIDATION if errors else EXIT_OK)


@click.command()
@global_options
@cvd_command
def schema(app: AppContext) -> Result:
    """Print the JSON Schema of the report file (cvd-report/1)."""

    doc = model.json_schema()
    return Result(data={"schema": doc}, text=json.dumps(doc, indent=2, ensure_ascii=False))
