"""`practice` names a draft to continue only when that draft still exists (issue 17): its folder is
temporary unless --keep is given. Real pseudo-terminal (pexpect), real practice servers on loopback."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from tests.support.terminal import ANSI, CTRL_C, ENTER, wizard_env

pexpect = pytest.importorskip("pexpect")


def spawn(tmp_path: Path, *args: str):
    child = pexpect.spawn(sys.executable, ["-m", "cvd_reporter", "practice", "--lang", "en", *args], cwd=str(tmp_path),
                          env=wizard_env(tmp_path / "home"), dimensions=(50, 140), encoding="utf-8", timeout=20)
    child.logfile_read = io.StringIO()
    child.delaybeforesend = None
    return child


def expect(child, text: str) -> None:
    try:
        child.expect(re.escape(text))
    except pexpect.TIMEOUT:
        raise AssertionError(f"waiting for {text!r}; screen so far:\n"
                             + ANSI.sub("", child.logfile_read.getvalue())[-2500:]) from None


def stop_at_the_first_report_question(child) -> tuple[int, str]:
    expect(child, "Which URL or IP address is vulnerable?")
    child.send("https://www.oefendorp.test/zoeken" + ENTER)
    expect(child, "Is this where your report should go?")
    child.send("y" + ENTER)
    expect(child, "Name or pseudonym")
    child.send(CTRL_C)
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, ANSI.sub("", child.logfile_read.getvalue())


def test_ctrl_c_in_a_throwaway_practice_names_no_draft(tmp_path: Path):
    child = spawn(tmp_path)
    try:
        code, screen = stop_at_the_first_report_question(child)
    finally:
        child.terminate(force=True)
    assert code == 130, screen
    assert "no draft is kept" in screen and "--resume" not in screen
    assert not (tmp_path / "home" / "drafts").exists() or not list((tmp_path / "home" / "drafts").iterdir())


def test_ctrl_c_with_keep_names_the_folder_and_the_next_run_offers_the_draft(tmp_path: Path):
    folder = tmp_path / "oefening"
    child = spawn(tmp_path, "--keep", str(folder))
    try:
        code, screen = stop_at_the_first_report_question(child)
    finally:
        child.terminate(force=True)
    assert code == 130, screen
    assert f"`cvd-reporter practice --keep {folder}` continues it" in screen and "--resume" not in screen
    (draft,) = (folder / "home" / "drafts").glob("*.json")

    child = spawn(tmp_path, "--keep", str(folder))
    try:
        expect(child, "You have unfinished reports. Continue one?")
        expect(child, draft.stem)  # the draft the hint promised is there to continue
    finally:
        child.terminate(force=True)
