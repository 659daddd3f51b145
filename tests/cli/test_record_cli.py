"""The record's commands end to end: a real record in the isolated home, every command and its errors.

The clock is real, so dates are either fixed in the past (hand-checked in test_workdays) or computed
from today with the working-day functions that test_workdays pins down.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pytest

from cvd_reporter.core.workdays import add_working_days, local_date
from cvd_reporter.store.record import FILENAME, Record
from tests.support.paths import ROOT
from tests.support.record import FPR, add, deliver, file_digest

CSAF_SCHEMA = json.loads((ROOT / "tests" / "data" / "csaf_json_schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def home(isolated_env: Path) -> Path:
    return isolated_env


@pytest.fixture
def seed(home: Path):
    """Open the record of the isolated home, let the test add reports, close it before the CLI runs."""

    def _seed(fn):
        with Record.open(home) as rec:
            fn(rec)

    return _seed


def sent_report(rec: Record, rid: str = "R-1", **kw) -> None:
    add(rec, rid, **kw)
    deliver(rec, rid)


def today() -> date:
    return local_date(datetime.now(timezone.utc), "nl-gemeente")


def one_sentence(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# ---------------------------------------------------------------------------- status
def test_status_of_an_empty_record(cli):
    out = cli("status")
    assert out.exit_code == 0 and "No open reports" in out.stdout


def test_status_lists_deadlines_and_marks_overdue(cli, seed):
    seed(lambda rec: (sent_report(rec, "NEW"), add(rec, "OLD"), add(rec, "DRAFT")))
    # OLD was sent from the user's own mail client on Thu 28 Mar 2024: due Fri 5 Apr 2024 (Easter Monday off)
    assert cli("mark", "OLD", "sent", "--date", "2024-03-28").exit_code == 0
    out = cli("status")
    assert out.exit_code == 0
    lines = out.stdout.splitlines()
    assert lines[1].startswith("OLD") and "due 2024-04-05" in lines[1] and "OVERDUE" in lines[1]  # overdue first
    due_new = add_working_days(today(), 5, "nl-gemeente")
    assert f"due {due_new.isoformat()}" in out.stdout
    assert "OVERDUE" not in next(line for line in lines if line.startswith("NEW"))
    data = cli("status", "--json").json
    assert data["status"] == "ok" and data["data"]["count"] == 3 and data["data"]["overdue"] == 1
    nxt = {r["id"]: r["next"] for r in data["data"]["reports"]}
    assert nxt["OLD"]["due"] == "2024-04-05" and nxt["OLD"]["due_lenient"] == "2024-04-08"
    assert nxt["OLD"]["overdue"] is True and nxt["NEW"]["overdue"] is False
    assert nxt["DRAFT"]["due"] is None


def test_status_of_one_report_shows_the_timeline_and_the_proof(cli, seed):
    seed(sent_report)
    assert cli("mark", "R-1", "acknowledged", "--note", "ticket INC-77").exit_code == 0
    out = cli("status", "R-1")
    assert out.exit_code == 0
    for text in ("Report R-1", "Timeline:", "acknowledged", "ticket INC-77", FPR, "<R-1@cvd-reporter.invalid>",
                 "250 2.0.0 Ok: queued as 4F2A1", "5 working days, calendar nl-gemeente"):
        assert text in out.stdout, text
    data = cli("status", "R-1", "--json").json["data"]
    assert [e["state"] for e in data["timeline"]] == ["draft", "sent", "acknowledged"]
    assert data["deliveries"][0]["encrypted_sha256"] and data["next"]["what"] == "assessment and expected fix date"


def test_status_reminds_to_purge_once_fixed(cli, seed):
    seed(sent_report)
    assert "purge" not in cli("status").stdout
    assert cli("mark", "R-1", "fixed").exit_code == 0
    assert "cvd-reporter purge ID" in cli("status").stdout and "R-1" in cli("status").stdout
    assert "Reminder: the report is fixed" in cli("status", "R-1").stdout
    assert cli("status", "--json").json["data"]["purge_reminders"] == ["R-1"]


def test_closed_reports_only_with_all(cli, seed):
    seed(sent_report)
    assert cli("mark", "R-1", "closed").exit_code == 0
    assert "No open reports" in cli("status").stdout
    assert "R-1" in cli("status", "--all").stdout


def test_status_of_an_unknown_id(cli, seed):
    seed(sent_report)
    out = cli("status", "R-404")
    assert out.exit_code == 3 and "no report R-404" in one_sentence(out.stderr)
    assert cli("status", "R-404", "--json").json["errors"][0]["code"] == "unknown_report"


# ---------------------------------------------------------------------------- mark
def test_mark_moves_a_report_and_says_what_is_next(cli, seed):
    seed(sent_report)
    out = cli("mark", "R-1", "fix-promised", "--date", "2030-01-31", "--note", "per phone")
    assert out.exit_code == 0 and "fixed by 2030-01-31" in out.stdout and "fix promised" in out.stdout
    data = cli("mark", "R-1", "fix-promised", "--date", "2030-02-28", "--json").json["data"]
    assert data["state"] == "fix_promised" and data["fix_date"] == "2030-02-28" and data["next"]["due"] == "2030-02-28"


@pytest.mark.parametrize(("args", "code", "words"), [
    (("R-D", "fixed"), "bad_transition", "never sent"),                      # fixed before sent
    (("R-1", "draft"), "bad_transition", "cannot become draft"),
    (("R-1", "done"), "bad_state", "Unknown state"),
    (("R-1", "acknowledged", "--date", "02-04-2026"), "bad_date", "YYYY-MM-DD"),
    (("R-1", "acknowledged", "--date", "2026-02-30"), "bad_date", "YYYY-MM-DD"),
    (("R-1", "acknowledged", "--date", "2999-01-01"), "future_date", "in the future"),
    (("R-1", "fix-promised"), "date_needed", "--date"),
    (("R-1", "no-response"), "not_overdue", "mark no-response from the day after"),
    (("R-404", "acknowledged"), "unknown_report", "no report R-404"),
])
def test_mark_refuses_with_one_sentence_and_changes_nothing(cli, seed, home, args, code, words):
    seed(lambda rec: (sent_report(rec), add(rec, "R-D")))
    before = file_digest(home / FILENAME)
    out = cli("mark", *args)
    assert out.exit_code == 3
    assert words in one_sentence(out.stderr)
    assert cli("mark", *args, "--json").json["errors"][0]["code"] == code
    assert file_digest(home / FILENAME) == before


# ---------------------------------------------------------------------------- damaged and locked
@pytest.mark.parametrize("command", [("status",), ("status", "R-1"), ("mark", "R-1", "closed"), ("purge", "R-1", "--yes"),
                                     ("export", "R-1")])
def test_a_damaged_record_is_named_and_left_alone(cli, home, command):
    home.mkdir(mode=0o700, parents=True)
    garbage = b"\x00garbage, not a database\n" * 100
    (home / FILENAME).write_bytes(garbage)
    out = cli(*command)
    assert out.exit_code == 3
    assert "damaged" in one_sentence(out.stderr)
    assert (home / FILENAME).read_bytes() == garbage
    assert sorted(p.name for p in home.iterdir()) == [FILENAME]


def test_a_locked_record_is_named_and_left_alone(cli, seed, home):
    seed(sent_report)
    before = file_digest(home / FILENAME)
    other = sqlite3.connect(str(home / FILENAME), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        out = cli("mark", "R-1", "acknowledged")  # waits out the 1 s busy timeout, then one sentence
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert out.exit_code == 3 and "in use by another cvd-reporter" in one_sentence(out.stderr)
    assert file_digest(home / FILENAME) == before


# ---------------------------------------------------------------------------- purge
@pytest.fixture
def evidence(tmp_path: Path) -> dict[str, Path]:
    ev = tmp_path / "work"
    ev.mkdir()
    (ev / "request.txt").write_text("GET /zoeken?q=<script>\n")
    (ev / "screenshot.png").write_bytes(b"\x89PNG not really")
    report = ev / "report.yaml"
    shutil.copy(ROOT / "examples" / "report.yaml", report)
    return {"request": ev / "request.txt", "shot": ev / "screenshot.png", "report": report}


def test_purge_asks_first_and_without_a_terminal_needs_yes(cli, seed, evidence):
    seed(lambda rec: sent_report(rec, evidence=[str(evidence["request"])], report_path=str(evidence["report"])))
    out = cli("purge", "R-1")
    assert out.exit_code == 8 and "--yes" in one_sentence(out.stderr)
    assert evidence["request"].exists()


def test_purge_deletes_evidence_and_drafts_and_keeps_a_receipt(cli, seed, home, evidence):
    seed(lambda rec: sent_report(rec, evidence=[str(evidence["request"]), str(evidence["shot"])],
                                 report_path=str(evidence["report"])))
    drafts = home / "drafts"
    drafts.mkdir()
    (drafts / "R-1.yaml").write_text("draft\n")
    (drafts / "R-10.yaml").write_text("another report's draft\n")
    digests = {str(p): file_digest(p) for p in (evidence["request"], evidence["shot"], drafts / "R-1.yaml")}
    assert cli("mark", "R-1", "fixed").exit_code == 0

    out = cli("purge", "R-1", "--yes", "--json")

    assert out.exit_code == 0, out.stderr
    assert not evidence["request"].exists() and not evidence["shot"].exists() and not (drafts / "R-1.yaml").exists()
    assert (drafts / "R-10.yaml").exists() and evidence["report"].exists()  # other drafts and the report file stay
    files = out.json["data"]["files"]
    assert {f["path"]: f["sha256"] for f in files} == digests
    shown = cli("status", "R-1", "--json").json["data"]
    assert shown["state"] == "data_deleted" and shown["purge_reminder"] is False
    assert shown["deletion_receipts"][0]["files"] == files
    assert "purge" not in cli("status").stdout


def test_purge_can_include_the_report_file(cli, seed, evidence):
    seed(lambda rec: sent_report(rec, report_path=str(evidence["report"])))
    out = cli("purge", "R-1", "--yes", "--include-report")
    assert out.exit_code == 0 and not evidence["report"].exists()
    assert "not marked fixed" in out.stderr  # deleting before the fix is allowed, with a warning


def test_purge_never_deletes_outside_the_reports_own_folder(cli, seed, evidence, tmp_path):
    """A report file written by someone else may point its evidence anywhere; purge keeps those."""
    precious = tmp_path / "Documents" / "thesis.pdf"
    precious.parent.mkdir()
    precious.write_bytes(b"%PDF four years of work")
    sneaky = evidence["report"].parent / ".." / "Documents" / "thesis.pdf"
    seed(lambda rec: sent_report(rec, evidence=[str(evidence["request"]), str(precious), str(sneaky),
                                                str(evidence["report"].parent)],
                                 report_path=str(evidence["report"])))
    out = cli("purge", "R-1", "--yes", "--json")
    assert out.exit_code == 0, out.stderr
    assert precious.read_bytes() == b"%PDF four years of work"
    assert evidence["report"].exists()  # the report's folder itself is never evidence to delete
    assert not evidence["request"].exists()
    assert {str(precious), str(evidence["report"].parent)} <= set(out.json["data"]["kept"])
    assert not any(f["path"] in (str(precious), str(sneaky)) for f in out.json["data"]["files"])
    assert "outside the report's folder" in cli("status", "R-1", "--json").json["data"]["deletion_receipts"][0]["note"]


def test_purge_with_nothing_recorded_and_of_an_unknown_id(cli, seed):
    seed(sent_report)
    out = cli("purge", "R-1")
    assert out.exit_code == 0 and "nothing to delete" in out.stdout
    assert cli("purge", "R-404", "--yes").exit_code == 3


# ---------------------------------------------------------------------------- export
def test_export_json_is_the_proof_bundle(cli, seed, evidence, tmp_path):
    seed(lambda rec: sent_report(rec, report_path=str(evidence["report"]), evidence=[str(evidence["request"])]))
    out = cli("export", "R-1", "--format", "json")
    assert out.exit_code == 0
    bundle = json.loads(out.stdout)
    assert bundle["format"] == "cvd-reporter-proof/1"
    assert bundle["report_file"]["sha256"] == file_digest(evidence["report"])
    assert "delete-after-fix" in bundle["attestations"] and bundle["source_ips"] == ["203.0.113.7"]
    d = bundle["deliveries"][0]
    assert (d["key_fingerprint"], d["message_id"], d["ok"]) == (FPR, "<R-1@cvd-reporter.invalid>", True)
    assert len(d["plaintext_sha256"]) == len(d["encrypted_sha256"]) == 64
    assert bundle["deadline"]["answer_due"] == add_working_days(today(), 5, "nl-gemeente").isoformat()
    assert [e["state"] for e in bundle["timeline"]] == ["draft", "sent"]

    target = tmp_path / "out" / "R-1.proof.json"
    out = cli("export", "R-1", "--output", str(target))
    assert out.exit_code == 0 and str(target) in out.stdout
    assert (target.stat().st_mode & 0o777) == 0o600 and json.loads(target.read_text())["report"]["id"] == "R-1"


def test_export_csaf_validates_and_turns_white_when_published(cli, seed, evidence):
    seed(lambda rec: sent_report(rec, report_path=str(evidence["report"])))
    doc = json.loads(cli("export", "R-1", "--format", "csaf").stdout)
    jsonschema.validate(doc, CSAF_SCHEMA)
    assert doc["document"]["publisher"] == {"category": "discoverer", "name": "Alex (pseudoniem)",
                                            "namespace": "mailto:alex.reporter@example.org",
                                            "contact_details": "alex.reporter@example.org"}
    assert doc["document"]["distribution"]["tlp"]["label"] == "RED" and doc["document"]["lang"] == "nl"
    assert doc["vulnerabilities"][0]["notes"][0]["text"].startswith("De parameter q van /zoeken")
    assert "CWE-79" in doc["vulnerabilities"][0]["notes"][1]["text"]
    for state in ("fixed", "published"):
        assert cli("mark", "R-1", state).exit_code == 0
    doc = cli("export", "R-1", "--format", "csaf", "--json").json["data"]["document"]
    jsonschema.validate(doc, CSAF_SCHEMA)
    assert doc["document"]["distribution"]["tlp"]["label"] == "WHITE"
    assert doc["document"]["tracking"]["status"] == "final"


def test_export_without_the_report_file_still_works_and_says_so(cli, seed, evidence):
    seed(lambda rec: sent_report(rec, report_path=str(evidence["report"])))
    evidence["report"].unlink()
    out = cli("export", "R-1", "--format", "csaf")
    assert out.exit_code == 0 and "does not exist" in out.stderr
    doc = json.loads(out.stdout)
    jsonschema.validate(doc, CSAF_SCHEMA)
    assert doc["document"]["publisher"]["name"] == "Anonymous reporter"
    assert cli("export", "R-404").exit_code == 3
    assert cli("export", "R-1", "--format", "pdf").exit_code == 2


# ---------------------------------------------------------------------------- follow-up, notify-publication
# Past the checks, a notice looks up the organisation again (tests/app/test_submit_e2e.py sends real ones);
# here the seeded target gemeente.example has no security.txt reachable, so that lookup ends in exit 5.
PAST_THE_CHECKS = 5


def test_follow_up_checks_then_looks_up_the_organisation(cli, seed):
    seed(lambda rec: (sent_report(rec), add(rec, "R-D")))
    out = cli("follow-up", "R-1", "--message", "Did you receive it?", "--timeout", "1")
    assert out.exit_code == PAST_THE_CHECKS, out.stderr
    out = cli("follow-up", "R-D")
    assert out.exit_code == 3 and "never sent" in one_sentence(out.stderr)
    assert cli("follow-up", "R-404").exit_code == 3


def test_follow_up_at_most_once_a_week_unless_forced(cli, seed):
    def two_days_ago(rec):
        sent_report(rec)
        deliver(rec, "R-1", kind="follow_up", at=datetime.now(timezone.utc) - timedelta(days=2))

    seed(two_days_ago)
    out = cli("follow-up", "R-1")
    assert out.exit_code == 3
    assert "the next one can go from" in one_sentence(out.stderr)
    assert cli("follow-up", "R-1", "--force", "--timeout", "1").exit_code == PAST_THE_CHECKS


def test_follow_up_after_a_week_is_fine(cli, seed):
    def eight_days_ago(rec):
        sent_report(rec)
        deliver(rec, "R-1", kind="follow_up", at=datetime.now(timezone.utc) - timedelta(days=8))

    seed(eight_days_ago)
    assert cli("follow-up", "R-1", "--timeout", "1").exit_code == PAST_THE_CHECKS


def test_notify_publication_refuses_before_the_fix(cli, seed):
    seed(lambda rec: (sent_report(rec), add(rec, "R-D")))
    out = cli("notify-publication", "R-1", "--date", "2030-06-01")
    assert out.exit_code == 3 and "not marked fixed" in one_sentence(out.stderr)
    out = cli("notify-publication", "R-1", "--date", "2030-06-01", "--force")
    assert out.exit_code == 3 and "--reason" in one_sentence(out.stderr)
    out = cli("notify-publication", "R-1", "--date", "2030-06-01", "--force", "--reason", "actively exploited",
              "--timeout", "1")
    assert out.exit_code == PAST_THE_CHECKS
    assert cli("notify-publication", "R-D", "--date", "2030-06-01", "--force", "--reason", "x").exit_code == 3
    assert cli("notify-publication", "R-1", "--date", "1 June").exit_code == 3
    assert cli("notify-publication", "R-1").exit_code == 2  # --date is required
    assert cli("notify-publication", "R-404", "--date", "2030-06-01").exit_code == 3


def test_notify_publication_once_fixed(cli, seed):
    seed(sent_report)
    assert cli("mark", "R-1", "fixed").exit_code == 0
    out = cli("notify-publication", "R-1", "--date", "2030-06-01", "--json", "--timeout", "1")
    assert out.exit_code == PAST_THE_CHECKS


# ---------------------------------------------------------------------------- a fresh interpreter
def test_status_in_a_fresh_process(process, seed):
    seed(sent_report)
    done = process("status", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["data"]["reports"][0]["id"] == "R-1"


def test_purge_on_a_terminal_asks_and_no_deletes_nothing(seed, home, evidence):
    """A real pseudo-terminal (pexpect): the question is asked, "n" keeps the files, "y" deletes them."""
    import os
    import sys

    pexpect = pytest.importorskip("pexpect")
    seed(lambda rec: sent_report(rec, evidence=[str(evidence["request"])], report_path=str(evidence["report"])))
    env = dict(os.environ, PYTHONPATH=str(ROOT), CVD_REPORTER_HOME=str(home))
    for answer, kept in (("n", True), ("y", False)):
        child = pexpect.spawn(sys.executable, ["-m", "cvd_reporter", "purge", "R-1"], env=env, cwd=str(ROOT),
                              timeout=20, encoding="utf-8")
        child.expect(str(evidence["request"]))
        child.expect(r"Delete them\? \[y/N\]")
        child.sendline(answer)
        child.expect("Nothing was deleted" if kept else "Deletion receipt for R-1")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        assert evidence["request"].exists() is kept


def test_an_anonymous_report_stays_anonymous_in_the_csaf_export(cli, seed, evidence):
    text = evidence["report"].read_text().replace("  email: alex.reporter@example.org\n",
                                                  "  email: alex.reporter@example.org\n  anonymous: true\n")
    evidence["report"].write_text(text)
    seed(lambda rec: sent_report(rec, report_path=str(evidence["report"])))
    out = cli("export", "R-1", "--format", "csaf", env={"CVD_REPORTER_NAME": "Alex Real Name",
                                                       "CVD_REPORTER_EMAIL": "alex@real.example"})
    assert out.exit_code == 0, out.stderr
    assert "Alex" not in out.stdout and "real.example" not in out.stdout
    assert json.loads(out.stdout)["document"]["publisher"]["name"] == "Anonymous reporter"
