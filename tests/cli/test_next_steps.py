"""After a send the reporter reads what comes next (issue 17): the answer's due date in working days,
the commands to record the answer and to see every report, and the day they may escalate. The
wizard's and practice's sends are in tests/practice/test_practice.py; here the text itself and
`submit`'s human output against the loopback municipality (real HTTPS, DNS, SMTP)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from cvd_reporter.cli.next_steps import after_submit, next_steps
from tests.support.municipality import env_for, serve, write_report

FRIDAY = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone.utc)


def plan(days: int | None = 5, **org: str) -> SimpleNamespace:
    return SimpleNamespace(report_id="20261120-abc123", response_days=days, calendar="nl-gemeente", **org)


def test_due_date_counts_working_days_and_escalation_starts_the_day_after():
    text = next_steps(plan(), sent=FRIDAY, lang="en")
    assert text.splitlines()[0] == "Next steps:"
    # Friday 20 November + 5 working days (no public holiday that week) = Friday 27 November
    assert "The organisation promises an answer within 5 working days: by 2026-11-27." in text
    assert "cvd-reporter mark 20261120-abc123 acknowledged" in text and "cvd-reporter status" in text
    assert ("No answer by 2026-11-27? From 2026-11-28 you may escalate: "
            "cvd-reporter escalate 20261120-abc123 --to ibd") in text


def test_the_point_named_is_the_one_that_serves_the_organisations_kind():
    """The bundled directory knows RIVM (central government), Epe (a municipality) and the water boards."""
    rivm = next_steps(plan(organisation="RIVM", target="https://www.rivm.nl/x"), sent=FRIDAY, lang="en")
    assert ("From 2026-11-28 you may escalate: cvd-reporter escalate 20261120-abc123 --to ncsc (NCSC-NL (Nationaal "
            "Cyber Security Centrum) is the escalation point for a central-government organisation).") in rivm
    assert "--to ibd" not in rivm
    epe = next_steps(plan(organisation="epe.nl", target="https://www.epe.nl/x"), sent=FRIDAY, lang="nl")
    assert "cvd-reporter escalate 20261120-abc123 --to ibd (IBD" in epe and "voor een gemeente" in epe
    water = next_steps(plan(organisation="Waterschap Noorderzijlvest", target="https://noorderzijlvest.nl/"),
                       sent=FRIDAY, lang="en")
    assert "--to ncsc (NCSC-NL" in water and "the last resort" in water and "CERT-WM" in water


def test_the_holiday_calendar_moves_the_due_date():
    christmas = dt.datetime(2026, 12, 23, 10, 0, tzinfo=dt.timezone.utc)  # Wednesday before Christmas
    text = next_steps(plan(3), sent=christmas, lang="en")
    assert "by 2026-12-29." in text  # 24 Dec counts; 25 and 26 Dec and the weekend do not


def test_in_dutch_and_without_a_promised_answer_time():
    text = next_steps(plan(), sent=FRIDAY, lang="nl")
    assert text.splitlines()[0] == "Volgende stappen:" and "binnen 5 werkdagen: uiterlijk 2026-11-27" in text
    none = next_steps(plan(None), sent=FRIDAY, lang="en")
    assert "The policy promises no answer time" in none and "escalate" not in none


def test_only_a_report_sent_now_gets_next_steps():
    clock = SimpleNamespace(clock=lambda: FRIDAY)
    assert after_submit(SimpleNamespace(status="queued", plan=plan()), clock, "en") is None
    assert after_submit(SimpleNamespace(status="sent", plan=plan()), clock, "en").startswith("Next steps:")


def test_submit_human_output_ends_with_the_next_steps(cli, https, pki, zone, smtp, municipality, tmp_path):
    serve(https, municipality.key)
    env = env_for(https, pki, zone, smtp)
    out = cli("submit", str(write_report(tmp_path)), "--yes", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    rid = re.search(r"Sent report (\S+) to security@gemeente.test", out.stdout).group(1)
    due = cli("--json", "status", rid, env=env).json["data"]["next"]["due"]
    assert f"within 5 working days: by {due}." in out.stdout  # the same date `status` keeps
    assert f"cvd-reporter mark {rid} acknowledged" in out.stdout
    json_out = cli("--json", "submit", str(write_report(tmp_path / "again")), "--yes", "--dry-run", env=env)
    assert "Next steps" not in json_out.stdout  # --json keeps to the envelope; a dry run sends nothing
