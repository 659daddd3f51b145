"""`validate REPORT` and `schema`: check a report file against the schema and a policy profile."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.errors import EXIT_OK, EXIT_VALIDATION


def check_report(path: Path, *, policy_name: str, lang: str, today: dt.date):
    """Load, parse, validate and lint a report file and its evidence. Returns (loaded, policy, findings)."""
    from cvd_reporter.core.lint import scan_text  # noqa: PLC0415
    from cvd_reporter.core.validate import validate_report  # noqa: PLC0415
    from cvd_reporter.profiles import load_policy  # noqa: PLC0415
    from cvd_reporter.reportfile import load_report_file, read_evidence  # noqa: PLC0415

    policy = load_policy(policy_name)
    loaded = load_report_file(path, lang=lang)
    findings = list(loaded.findings)
    findings += validate_report(loaded.report, policy=policy, today=today, lang=lang)
    own_emails = [loaded.report.reporter.email] if loaded.report.reporter.email else []
    own_phones = [loaded.report.reporter.phone] if loaded.report.reporter.phone else []
    v = loaded.report.vulnerability
    report_text = "\n".join(x for x in (v.title, v.description, *v.steps, v.impact, v.remediation,
                                        loaded.report.conduct.data_accessed,
                                        loaded.report.conduct.data_downloaded) if x)
    hits = scan_text(report_text, own_emails=own_emails, own_phones=own_phones, path=str(path))
    findings += [h.to_finding() for h in hits]
    for ev in read_evidence(loaded, lang=lang):
        findings += ev.findings
        if ev.text is not None:
            findings += [h.to_finding() for h in scan_text(ev.text, own_emails=own_emails, own_phones=own_phones,
                                                           path=str(ev.path))]
    return loaded, policy, findings


@click.command()
@click.argument("report", type=click.Path(path_type=Path))
@click.option("--policy", "policy_name", metavar="NAME|FILE",
              help="Policy profile (built-in name or YAML/JSON file) [default: config `policy`, nl-gemeente].")
@global_options
@cvd_command
def validate(app: AppContext, report: Path, policy_name: str | None) -> Result:
    """Check a report file (YAML or JSON, schema cvd-report/1) against the schema and a policy profile.

    Also scans the report text and its text evidence for personal data and secrets (warnings).
    Writes nothing. Exit 0 when there are no errors, 3 when there are.
    """
    loaded, policy, findings = check_report(report, policy_name=policy_name or app.settings.policy,
                                            lang=app.lang, today=dt.date.today())
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    summary = (f"{report}: {errors} error(s), {warnings} warning(s) against policy {policy.id}"
               + (" — not ready to send." if errors else " — ready to send." if not warnings else "."))
    lines = [f.human() for f in findings] + [summary]
    return Result(
        data={"report": str(report), "policy": policy.id, "valid": errors == 0, "errors": errors,
              "warnings": warnings, "report_data": loaded.report.to_dict()},
        findings=findings, text="\n".join(lines), exit_code=EXIT_VALIDATION if errors else EXIT_OK)


@click.command()
@global_options
@cvd_command
def schema(app: AppContext) -> Result:
    """Print the JSON Schema of the report file (cvd-report/1)."""
    from cvd_reporter.core.model import json_schema  # noqa: PLC0415

    doc = json_schema()
    return Result(data={"schema": doc}, text=json.dumps(doc, indent=2, ensure_ascii=False))
