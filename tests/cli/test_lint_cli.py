"""`cvd-reporter lint FILE...` as users and scripts see it: listing, exit codes, --redact, bad input."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.support.paths import ROOT

SECRET = "Zomer2024!"
EVIDENCE = (
    "GET /api/burgers/42 HTTP/1.1\n"
    "Host: loket.gemeente.example\n"
    f"Cookie: PHPSESSID=8f3b2a1c9d7e6f5a4b3c; wachtwoord: {SECRET}\n"
    "\n"
    '{"naam": "Jan Jansen", "bsn": "123456782", "email": "jan@voorbeeld.nl", "tel": "06-12345678"}\n'
)


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "response.txt"
    path.parent.mkdir()
    path.write_text(EVIDENCE, encoding="utf-8")
    return path


def test_lists_each_hit_with_file_line_column_and_never_the_secret(cli, evidence):
    before = _files(evidence.parent.parent)
    out = cli("lint", str(evidence))
    assert out.exit_code == 0
    lines = out.stdout.splitlines()
    assert f"{evidence}:3:19: a session cookie (PHPSESSID=…)" in lines
    assert f"{evidence}:3:53: a password (wachtwoord:********)" in lines
    assert any(f"{evidence}:5:" in ln and "BSN" in ln and "[lint_" not in ln for ln in lines)
    assert lines[-1] == "5 possible personal data or secret(s) in 1 file(s); nothing written " \
                        "(--redact OUT writes redacted copies)."
    for secret in (SECRET, "123456782", "jan@voorbeeld.nl", "8f3b2a1c9d7e6f5a4b3c", "12345678"):
        assert secret not in out.stdout + out.stderr
    assert _files(evidence.parent.parent) == before  # nothing written without --redact


def test_json_findings_are_warnings_with_location(cli, evidence):
    out = cli("--json", "lint", str(evidence))
    doc = out.json
    assert out.exit_code == 0 and doc["status"] == "ok" and doc["command"] == "lint"
    assert doc["data"]["hits"] == 5 and doc["data"]["files"] == [
        {"path": str(evidence), "hits": 5, "redacted_to": None}]
    codes = [f["code"] for f in doc["findings"]]
    assert codes == ["lint_session_cookie", "lint_password", "lint_bsn", "lint_email", "lint_phone"]
    first = doc["findings"][0]
    assert (first["severity"], first["line"], first["column"], first["field"]) == ("warning", 3, 19, str(evidence))
    assert first["preview"] == "PHPSESSID=…" and first["detector"] == "session_cookie"
    assert SECRET not in out.stdout


def test_strict_exits_3_when_anything_is_found_and_0_when_clean(cli, evidence, tmp_path):
    assert cli("lint", "--strict", str(evidence)).exit_code == 3
    clean = tmp_path / "clean.txt"
    clean.write_text("Versie 1.2.3, 2024-01-15, status 200.\n", encoding="utf-8")
    out = cli("lint", "--strict", str(clean))
    assert out.exit_code == 0 and out.stdout.strip() == "No personal data or secrets found in 1 file(s)."


def test_redact_one_file_writes_a_private_clean_copy(cli, evidence, tmp_path):
    target = tmp_path / "out" / "response.redacted.txt"
    out = cli("lint", str(evidence), "--redact", str(target))
    assert out.exit_code == 0 and out.stdout.splitlines()[-1].endswith(f"redacted copies written to {target}.")
    text = target.read_text(encoding="utf-8")
    assert SECRET not in text and "123456782" not in text and "jan@voorbeeld.nl" not in text
    assert "Cookie: PHPSESSID=[REDACTED:session_cookie]; wachtwoord: [REDACTED:password]" in text
    assert '"bsn": "[REDACTED:bsn]"' in text and "Host: loket.gemeente.example" in text
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert evidence.read_text(encoding="utf-8") == EVIDENCE  # the original is untouched
    assert cli("lint", "--strict", str(target)).exit_code == 0  # and the copy is clean


def test_redact_several_files_into_a_folder(cli, evidence, tmp_path):
    second = tmp_path / "notes.md"
    second.write_text("Niets bijzonders.\n", encoding="utf-8")
    folder = tmp_path / "redacted"
    out = cli("--json", "lint", str(evidence), str(second), "--redact", str(folder))
    assert out.exit_code == 0
    assert [f["redacted_to"] for f in out.json["data"]["files"]] == [str(folder / "response.txt"),
                                                                    str(folder / "notes.md")]
    assert (folder / "notes.md").read_text(encoding="utf-8") == "Niets bijzonders.\n"
    assert "[REDACTED:bsn]" in (folder / "response.txt").read_text(encoding="utf-8")
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}


def test_redact_into_an_existing_folder_with_one_file(cli, evidence, tmp_path):
    folder = tmp_path / "existing"
    folder.mkdir()
    assert cli("lint", str(evidence), "--redact", str(folder)).exit_code == 0
    assert "[REDACTED:password]" in (folder / "response.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("problem", ["overwrite", "same name", "file not folder"])
def test_redact_paths_that_cannot_work_are_usage_errors_and_nothing_is_written(cli, evidence, tmp_path, problem):
    other = tmp_path / "other" / "response.txt"
    other.parent.mkdir()
    other.write_text("x\n", encoding="utf-8")
    if problem == "overwrite":
        args, expect = [str(evidence), "--redact", str(evidence)], "would overwrite the input file"
    elif problem == "same name":
        args, expect = [str(evidence), str(other), "--redact", str(tmp_path / "r")], "are called response.txt"
    else:
        args, expect = [str(evidence), str(other), "--redact", str(other)], "must be a folder"
    before = _files(tmp_path)
    out = cli("lint", *args)
    assert out.exit_code == 2 and expect in out.stderr and "Traceback" not in out.stderr
    assert _files(tmp_path) == before
    assert evidence.read_text(encoding="utf-8") == EVIDENCE


def _make(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"bad-{kind}"
    if kind == "missing":
        return path
    if kind == "folder":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    elif kind == "latin-1":
        path.write_bytes("caf\u00e9 123456782\n".encode("latin-1"))
    elif kind == "too large":  # sparse: 26 MiB on paper, nothing on disk
        with path.open("wb") as fh:
            fh.truncate(26 * 1024 * 1024)
    return path


@pytest.mark.parametrize(("kind", "sentence"), [
    ("missing", "does not exist."),
    ("folder", "is a folder, not a file."),
    ("binary", "is a binary file, not text."),
    ("latin-1", "is not UTF-8 text"),
    ("too large", "the limit is 25 MiB."),
])
def test_unusable_input_is_one_sentence_exit_3_and_nothing_written(cli, evidence, tmp_path, kind, sentence):
    bad = _make(tmp_path, kind)
    out = cli("lint", str(evidence), str(bad), "--redact", str(tmp_path / "red"))
    assert out.exit_code == 3
    assert out.stderr.count("\n") == 1 and sentence in out.stderr and str(bad) in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    assert not (tmp_path / "red").exists()
    doc = cli("--json", "lint", str(bad)).json
    assert doc["exit_code"] == 3 and doc["errors"][0]["code"] == "input_file"


def test_own_contact_details_from_flags_config_and_the_report_file(cli, tmp_path):
    path = tmp_path / "mail.txt"
    path.write_text("Ik ben alex@example.org, 06-12345678. Collega: piet@voorbeeld.nl\n", encoding="utf-8")
    assert cli("--json", "lint", str(path)).json["data"]["hits"] == 3
    out = cli("--json", "lint", str(path), "--own-email", "Alex@Example.org", "--own-phone", "+31612345678")
    assert [f["preview"] for f in out.json["findings"]] == ["p…@voorbeeld.nl"]
    env = {"CVD_REPORTER_EMAIL": "alex@example.org", "CVD_REPORTER_PHONE": "+31 6 12345678"}
    assert cli("--json", "lint", str(path), env=env).json["data"]["hits"] == 1


def test_quick_start_example_report_and_evidence_are_clean(cli):
    # the example's reporter.email is the reporter's own: a report file's reporter block counts
    out = cli("lint", "--strict", str(ROOT / "examples" / "report.yaml"),
              str(ROOT / "examples" / "evidence" / "request.txt"))
    assert out.exit_code == 0, out.stdout
    assert out.stdout.strip() == "No personal data or secrets found in 2 file(s)."


def test_dutch_output(cli, evidence):
    out = cli("--lang", "nl", "lint", str(evidence))
    assert "een wachtwoord (wachtwoord:********)" in out.stdout and "lint_password" not in out.stdout
    assert out.stdout.splitlines()[-1].startswith("5 mogelijke persoonsgegevens of geheimen in 1 bestand(en)")
    doc = cli("--json", "--lang", "nl", "lint", str(evidence)).json
    assert doc["findings"][1]["message"].startswith("Lijkt op een wachtwoord")


@pytest.mark.parametrize(("flag", "value"), [("--own-email", "alex"), ("--own-phone", "geen nummer")])
def test_bad_own_contact_is_a_usage_error(cli, evidence, flag, value):
    out = cli("lint", str(evidence), flag, value)
    assert out.exit_code == 2 and flag in out.stderr


def test_no_file_is_a_click_usage_error(cli):
    assert cli("lint").exit_code == 2
