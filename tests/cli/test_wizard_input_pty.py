"""The wizard's input in a real pseudo-terminal (pexpect), in Dutch and in English (issue 17):
Enter on a statement does not answer it (and does not end the wizard), `j` is accepted, a wrong IP
address is refused with an example, an answer that contradicts a statement is caught, a refused
statement can be answered again or the draft kept, $EDITOR writes the long answers, and Ctrl-C
keeps the draft. The questions are found by their catalogue text, so rewording them keeps this
test honest about what the screen shows.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.core.i18n import say
from tests.support.terminal import ANSI, CTRL_C, DOWN, ENTER, wizard_env

pexpect = pytest.importorskip("pexpect")

RULES = load_policy("nl-gemeente").attestations


def spawn(lang: str, cwd: Path, home: Path, **env: str):
    child = pexpect.spawn(sys.executable, ["-m", "cvd_reporter", "new", "--lang", lang], cwd=str(cwd),
                          env={**wizard_env(home), **env}, dimensions=(40, 160), encoding="utf-8", timeout=8)
    child.logfile_read = io.StringIO()
    child.delaybeforesend = None
    return child


def q(lang: str, name: str, **params) -> str:
    """The start of a question as the screen shows it (wrapping aside)."""
    return re.escape(say(lang, f"question.{name}", **params)[:40])


def answer(child, pattern: str, keys: str) -> None:
    child.expect(pattern)
    child.send(keys)


def transcript(child) -> str:
    return ANSI.sub("", child.logfile_read.getvalue())


def through_to_conduct(child, lang: str, *, target: str = "https://www.gemeente.invalid/zoeken") -> None:
    answer(child, q(lang, "target"), "10.0.0.300" + ENTER)  # not an IP address: refused with an example
    child.expect(re.escape("192.0.2.10"))
    answer(child, "", "\x15" + target + ENTER)  # Ctrl-U clears the line
    answer(child, q(lang, "reporter_name"), ENTER)
    answer(child, q(lang, "reporter_email"), ENTER)
    answer(child, q(lang, "reporter_phone"), ENTER)
    answer(child, q(lang, "reporter_pgp_key"), ENTER)
    answer(child, q(lang, "title"), "XSS in zoeken" + ENTER)
    answer(child, q(lang, "cwe"), ENTER)
    answer(child, q(lang, "cvss_mode"), ENTER)
    answer(child, q(lang, "product"), "Zoekmachine" + ENTER)
    answer(child, q(lang, "version"), ENTER)


def test_dutch_enter_on_a_statement_then_j_and_a_contradiction_caught_then_ctrl_c_keeps_the_draft(tmp_path: Path):
    home = tmp_path / "home"
    editor = tmp_path / "editor.sh"  # stands in for $EDITOR: writes what a person would type, per file
    editor.write_text("#!/bin/sh\nprintf 'De parameter q wordt ongefilterd getoond.\\n' > \"$1\"\n")
    editor.chmod(0o755)
    child = spawn("nl", tmp_path, home, EDITOR=str(editor))
    try:
        through_to_conduct(child, "nl")
        child.expect(re.escape("wordt geopend"))  # description: $EDITOR, not a prompt
        child.expect(re.escape("wordt geopend"))  # steps
        for name in ("impact", "remediation"):
            answer(child, q("nl", name), ENTER)
        answer(child, q("nl", "evidence.path", n=1), ENTER)
        for name in ("discovered", "source_ips", "tools"):
            answer(child, q("nl", name), ENTER)
        answer(child, q("nl", "data_accessed"), "namen en adressen van inwoners" + ENTER)
        answer(child, q("nl", "data_downloaded"), ENTER)
        first, *rest = RULES
        answer(child, re.escape(first.say("nl")[:40]), ENTER)  # Enter: no answer, and the wizard goes on
        child.expect(re.escape("verklaring die u zelf aflegt"))
        child.send("j" + ENTER)
        for rule in rest:
            answer(child, re.escape(rule.say("nl")[:40]), "ja" + ENTER)
            if rule.id == "no-data-abuse":
                child.expect(re.escape("Dat kan niet allebei waar zijn"))
                answer(child, re.escape(say("nl", "question.conflict_action")), ENTER)  # change what I wrote
                answer(child, q("nl", "data_accessed"), "geen" + ENTER)
                answer(child, re.escape(rule.say("nl")[:40]), "j" + ENTER)
        answer(child, q("nl", "shared_with"), CTRL_C)
        child.expect(r"(\d{8}-[0-9a-f]{6})")
        draft_id = child.match.group(1)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130, transcript(child)
    finally:
        child.terminate(force=True)
    answers = json.loads((home / "drafts" / f"{draft_id}.json").read_text())["answers"]
    assert answers["data_accessed"] == "geen" and answers["description"].startswith("De parameter q")
    assert answers["product"] == "Zoekmachine"
    assert all(answers[f"attest.{r.id}"] is True for r in RULES)
    assert "Use arrow keys" not in transcript(child) and "(y/N)" not in transcript(child)


def test_english_a_no_explains_and_stop_keeps_the_draft_with_exit_0(tmp_path: Path):
    home = tmp_path / "home"
    child = spawn("en", tmp_path, home)
    try:
        through_to_conduct(child, "en")
        answer(child, q("en", "description"), "The q parameter is echoed." + "\x1b\r")
        answer(child, q("en", "steps"), "\x1b\r")
        for name in ("impact", "remediation"):
            answer(child, q("en", name), ENTER)
        answer(child, q("en", "evidence.path", n=1), ENTER)
        for name in ("discovered", "source_ips", "tools", "data_accessed", "data_downloaded"):
            answer(child, q("en", name), ENTER)
        first = RULES[0]
        answer(child, re.escape(first.say("en")[:40]), ENTER)
        child.expect(re.escape("a statement you make yourself"))
        child.send("n" + ENTER)
        child.expect(re.escape(first.explain("en")[:40]))  # what the policy says about why
        answer(child, re.escape(say("en", "question.rule_refused_action")), DOWN + ENTER)  # stop, keep the draft
        child.expect(r"(\d{8}-[0-9a-f]{6})")
        draft_id = child.match.group(1)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, transcript(child)
    finally:
        child.terminate(force=True)
    answers = json.loads((home / "drafts" / f"{draft_id}.json").read_text())["answers"]
    assert answers["title"] == "XSS in zoeken" and f"attest.{first.id}" not in answers
