"""docs/commands.md is generated from the click commands; a stale copy fails here.

A user reads the reference on the web, not `--help`; when an option is added, renamed or its help
changes, the committed reference must change with it.
"""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

from cvd_reporter.cli.app import COMMANDS
from cvd_reporter.cli.docgen import render
from tests.support.paths import ROOT

DOC = ROOT / "docs" / "commands.md"
FIX = "run python -m cvd_reporter.cli.docgen > docs/commands.md"


def test_committed_reference_equals_the_generated_one() -> None:
    generated = render()
    committed = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
    if committed != generated:
        diff = "".join(difflib.unified_diff(committed.splitlines(keepends=True), generated.splitlines(keepends=True),
                                            "docs/commands.md (committed)", "generated", n=1))
        raise AssertionError(f"docs/commands.md is stale: {FIX}\n{diff[:4000]}")


def test_reference_lists_every_command_subcommand_and_option() -> None:
    text = render()
    for name in COMMANDS:
        assert f"## `cvd-reporter {name}`" in text, name
    for sub in ("outbox list", "outbox send", "securitytxt check", "key fetch", "key show", "key list",
                "key forget", "config show"):
        assert f"### `cvd-reporter {sub}`" in text, sub
    # options of a lazily loaded command, with their help and default
    assert "| `--jobs INTEGER RANGE` | Targets checked at once." in text
    assert "| `--via [email\\|api\\|github\\|outbox\\|form\\|phone]` |" in text
    assert "Usage: cvd-reporter key fetch [OPTIONS] TARGET|EMAIL" in text


def test_generation_does_not_depend_on_the_environment(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COLUMNS": "40", "LANG": "nl_NL.UTF-8",
           "CVD_LANG": "nl", "CVD_REPORTER_HOME": str(tmp_path / "h"), "CVD_TIMEOUT": "3"}
    out = subprocess.run([sys.executable, "-m", "cvd_reporter.cli.docgen"], env=env, capture_output=True,
                         text=True, check=True, timeout=60).stdout
    assert out == render()
    assert str(tmp_path) not in out
