"""The prompter interface: the ScriptedPrompter's contract (tests rely on it being strict), and the
questionary adapter driven by real keystrokes in a pseudo-terminal."""

from __future__ import annotations

import io
import json
import os
import re
import sys
import textwrap
from pathlib import Path

import pytest

from cvd_reporter.cli.prompter import DEFAULT, INTERRUPT, Choice, ScriptedPrompter, Seq, UnscriptedQuestion
from tests.support.paths import ROOT

CHOICES = [Choice("a", "Apple"), Choice("b", "Banana"), Choice("c", "Cherry")]


def not_empty(value: str) -> str | None:
    return None if value.strip() else "say something"


def test_scripted_answers_by_name_in_any_order():
    p = ScriptedPrompter({"fruit": "b", "name": "Alice", "ok": False, "many": ["a", "c"]})
    assert p.confirm("ok", "OK?") is False
    assert p.select("fruit", "Fruit?", CHOICES) == "b"
    assert p.text("name", "Name?") == "Alice"
    assert p.checkbox("many", "Which?", CHOICES) == ["a", "c"]
    assert p.asked == ["ok", "fruit", "name", "many"]


def test_unscripted_question_raises():
    with pytest.raises(UnscriptedQuestion, match="'age'"):
        ScriptedPrompter({}).text("age", "Age?")


def test_invalid_answers_are_recorded_and_the_next_one_is_taken():
    p = ScriptedPrompter({"name": Seq("  ", "", "Bob")})
    assert p.text("name", "Name?", validate=not_empty) == "Bob"
    assert p.errors == {"name": ["say something", "say something"]}


def test_running_out_of_answers_raises_instead_of_looping():
    p = ScriptedPrompter({"name": Seq("")})
    with pytest.raises(UnscriptedQuestion, match="no scripted answers left"):
        p.text("name", "Name?", validate=not_empty)


def test_default_and_interrupt():
    p = ScriptedPrompter({"name": DEFAULT, "stop": INTERRUPT})
    assert p.text("name", "Name?", default="Alice") == "Alice" and p.defaults["name"] == "Alice"
    with pytest.raises(KeyboardInterrupt):
        p.confirm("stop", "Go on?")


def test_a_plain_value_is_reused_a_seq_is_consumed():
    p = ScriptedPrompter({"name": "Alice", "n": Seq("1", "2")})
    assert [p.text("name", "?"), p.text("name", "?")] == ["Alice", "Alice"]
    assert [p.text("n", "?"), p.text("n", "?")] == ["1", "2"]


@pytest.mark.parametrize("method, answer, match", [
    ("select", "z", "not one of the choices"),
    ("confirm", "yes", "yes/no question"),
    ("checkbox", ["a", "z"], "not among the choices"),
])
def test_wrongly_typed_scripts_are_caught(method: str, answer, match: str):
    p = ScriptedPrompter({"q": answer})
    with pytest.raises(UnscriptedQuestion, match=match):
        getattr(p, method)("q", "?", CHOICES) if method != "confirm" else p.confirm("q", "?")


PROBE = textwrap.dedent("""
    import json
    from cvd_reporter.cli.prompter import Choice, QuestionaryPrompter
    p = QuestionaryPrompter()
    out = {}
    out["name"] = p.text("name", "Your name?", default="", validate=lambda v: None if v.strip() else "Give a name.")
    out["fruit"] = p.select("fruit", "Fruit?", [Choice("a", "Apple"), Choice("b", "Banana"), Choice("c", "Cherry")],
                            default="b")
    out["ok"] = p.confirm("ok", "Agree?", default=False)
    out["many"] = p.checkbox("many", "Which ones?", [Choice("x", "Ex"), Choice("y", "Why"), Choice("z", "Zed")])
    out["long"] = p.editor("long", "Tell more", validate=lambda v: None if "editor" in v else "Not from the editor.")
    print("ANSWERS=" + json.dumps(out))
""")


def test_questionary_adapter_with_real_keystrokes(tmp_path: Path):
    pexpect = pytest.importorskip("pexpect")
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    editor = tmp_path / "fake-editor.sh"  # stands in for $EDITOR: writes the text a person would type
    editor.write_text("#!/bin/sh\nprintf 'written in the editor\\n' > \"$1\"\n")
    editor.chmod(0o755)
    env = dict(os.environ, TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", PYTHONPATH=str(ROOT), EDITOR=str(editor))
    child = pexpect.spawn(sys.executable, [str(probe)], env=env, dimensions=(30, 100), encoding="utf-8", timeout=8)
    child.logfile_read = log = io.StringIO()
    child.delaybeforesend = None
    try:
        child.expect("Your name")
        child.send("\r")  # empty: refused with the reason, in the prompt
        child.expect("Give a name.")
        child.send("Alice\r")
        child.expect("Fruit")
        child.send("\x1b[B\r")  # starts on the default (Banana); Down -> Cherry
        child.expect("Agree")
        child.send("y\r")  # typed and Enter: one stray key press never answers
        child.expect("Which ones")
        child.send(" \x1b[B\x1b[B \r")  # tick the first and the third
        child.expect(r"ANSWERS=(\{.*\})")
        answers = json.loads(re.sub(r"\x1b\[[0-9;?]*[ -/]*[@-~]", "", child.match.group(1)))
        child.expect(pexpect.EOF)
    finally:
        child.terminate(force=True)
    assert answers == {"name": "Alice", "fruit": "c", "ok": True, "many": ["x", "z"],
                       "long": "written in the editor"}, log.getvalue()


DUTCH_PROBE = textwrap.dedent("""
    from cvd_reporter.cli.prompter import Choice, QuestionaryPrompter
    p = QuestionaryPrompter(lang="nl")
    pick = p.select("fruit", "Fruit?", [Choice("a", "Appel"), Choice("b", "Peer")], default="a")
    said = p.confirm("rule", "Ik heb niets gestolen.", default=None)
    print(f"ANSWERS={pick}/{said}")
""")


def test_dutch_widgets_speak_dutch_and_a_statement_needs_j_or_n(tmp_path: Path):
    pexpect = pytest.importorskip("pexpect")
    probe = tmp_path / "probe.py"
    probe.write_text(DUTCH_PROBE)
    env = dict(os.environ, TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", PYTHONPATH=str(ROOT))
    child = pexpect.spawn(sys.executable, [str(probe)], env=env, dimensions=(30, 120), encoding="utf-8", timeout=8)
    child.logfile_read = log = io.StringIO()
    child.delaybeforesend = None
    try:
        child.expect("pijltjestoetsen")  # not questionary's "(Use arrow keys)"
        child.send("\r")
        child.expect(r"typ j of n")
        child.send("\r")  # Enter alone: no answer, the reason shows
        child.expect("verklaring die u zelf aflegt")
        child.send("ja\r")
        child.expect(r"ANSWERS=(\S+)")
        assert child.match.group(1) == "a/True"
        child.expect(pexpect.EOF)
    finally:
        child.terminate(force=True)
    assert "Use arrow keys" not in log.getvalue() and "(y/N)" not in log.getvalue()


def test_ctrl_c_raises_keyboard_interrupt_through_unsafe_ask(tmp_path: Path):
    pexpect = pytest.importorskip("pexpect")
    probe = tmp_path / "probe.py"
    probe.write_text("from cvd_reporter.cli.prompter import QuestionaryPrompter\n"
                     "try:\n    QuestionaryPrompter().text('n', 'Name?')\n"
                     "except KeyboardInterrupt:\n    print('GOT-KEYBOARD-INTERRUPT')\n")
    env = dict(os.environ, TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", PYTHONPATH=str(ROOT))
    child = pexpect.spawn(sys.executable, [str(probe)], env=env, dimensions=(30, 100), encoding="utf-8", timeout=8)
    child.delaybeforesend = None
    try:
        child.expect("Name")
        child.send("\x03")
        child.expect("GOT-KEYBOARD-INTERRUPT")
        child.expect(pexpect.EOF)
    finally:
        child.terminate(force=True)
