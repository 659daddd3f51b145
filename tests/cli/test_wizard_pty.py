"""`cvd-reporter new` in a real pseudo-terminal (pexpect), and without one.

The pattern: expect the next question, then send keys (type-ahead can be eaten while
prompt_toolkit switches applications). The keys and the terminal's environment are in
tests/support/terminal.py.
"""

from __future__ import annotations

import io
import json
import re
import stat
import sys
from pathlib import Path

import pytest

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.core.model import ATTESTATIONS
from tests.support.paths import ROOT
from tests.support.terminal import ANSI, CTRL_C, DOWN, ENTER, ESC_ENTER, wizard_env

pexpect = pytest.importorskip("pexpect")


def spawn(args: list[str], cwd: Path, home: Path):
    child = pexpect.spawn(sys.executable, ["-m", "cvd_reporter", "new", "--lang", "en", *args], cwd=str(cwd),
                          env=wizard_env(home), dimensions=(40, 120), encoding="utf-8", timeout=8)
    child.logfile_read = io.StringIO()
    child.delaybeforesend = None  # we always expect the question first, so pexpect's 50 ms pause is not needed
    return child


def answer(child, question: str, keys: str) -> None:
    child.expect(re.escape(question))
    child.send(keys)


def transcript(child) -> str:
    return ANSI.sub("", child.logfile_read.getvalue())


def test_new_in_a_terminal_ctrl_c_then_resume_to_a_valid_report_file(tmp_path: Path):
    home = tmp_path / "home"
    child = spawn([], tmp_path, home)
    try:
        answer(child, "Which URL or IP address is vulnerable?", "https://www.gemeente.invalid/zoeken" + ENTER)
        answer(child, "Name or pseudonym", ENTER)  # default from CVD_REPORTER_NAME
        answer(child, "E-mail address for replies", ENTER)
        answer(child, "Phone number for replies", "12" + ENTER)  # invalid: the reason shows, asked again
        child.expect(re.escape("That is not a valid phone number"))
        child.send("\x15" + ENTER)  # Ctrl-U clears the line; empty is fine (an e-mail address was given)
        answer(child, "Your public OpenPGP key", ENTER)
        answer(child, "A short title", "Reflected XSS in the search page" + ENTER)
        answer(child, "What kind of weakness is it?", ENTER)  # the first: CWE-79
        answer(child, "Severity as CVSS?", ENTER)  # skip
        answer(child, "Which product or system is affected?", ENTER)
        answer(child, "Which version is affected?", ENTER)
        answer(child, "What is the vulnerability?", CTRL_C)
        child.expect(r"draft (\d{8}-[0-9a-f]{6})")
        draft_id = child.match.group(1)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130, transcript(child)
    finally:
        child.terminate(force=True)
    draft = home / "drafts" / f"{draft_id}.json"
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    assert json.loads(draft.read_text())["answers"]["title"] == "Reflected XSS in the search page"

    child = spawn(["--resume", draft_id], tmp_path, home)
    rules = [a.say("en") for a in load_policy("nl-gemeente").attestations]
    assert len(rules) == len(ATTESTATIONS)
    try:
        answer(child, "What is the vulnerability?", "The q parameter is echoed" + ENTER + "without escaping." + ESC_ENTER)
        answer(child, "Steps to reproduce", "1. Open /zoeken?q=<script>alert(1)</script>" + ENTER + "2. See the alert"
               + ESC_ENTER)
        for question in ("What an attacker could do", "How could it be fixed?", "Evidence file 1: path",
                         "When did you find it?", "The IP addresses you tested from", "Tools you used",
                         "What data did you see?", "What data did you download?"):
            answer(child, question, ENTER)
        for rule in rules:  # each rule of the policy, in its own words, confirmed one by one
            answer(child, rule[:60], "y" + ENTER)
        answer(child, "Anyone you already told", ENTER)
        answer(child, "Do you intend to publish about it?", ENTER)
        answer(child, "How do you want to be credited", ENTER)
        answer(child, "Someone else to credit (1)", ENTER)
        answer(child, "What do you want to do now?", DOWN + ENTER)  # "Save it as a report file"
        answer(child, "Save as", ENTER)  # the default name in the current folder
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, transcript(child)
    finally:
        child.terminate(force=True)
    text = transcript(child)
    assert "Could not check https://www.gemeente.invalid/zoeken now" in text or "Receives the report" in text
    saved = tmp_path / f"cvd-report-{draft_id}.yaml"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert not draft.exists()  # the report file holds it now
    _assert_validate_accepts(saved, home)


def _assert_validate_accepts(path: Path, home: Path) -> None:
    import subprocess

    out = subprocess.run([sys.executable, "-m", "cvd_reporter", "validate", str(path), "--json"],
                         capture_output=True, text=True, env=wizard_env(home), cwd=str(ROOT), timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["data"]["valid"] is True
