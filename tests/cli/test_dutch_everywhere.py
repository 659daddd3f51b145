"""`--lang nl` from the first word to the last, outside the wizard (issue 17).

Each leaf command of the click root (enumerated from the root, so a new command is checked the day it
is added) runs in Dutch and human mode twice: `--help`, and a failure a user typically meets (an unknown
report id, a file that is not what it should be, a target that is none). Its whole output, stdout and
stderr, must hold no English sentence.

The detector is tests/support/english.py (a line with two English-only words is an English sentence,
after commands, options, quoted text, paths, metavars and allowed technical terms are taken out).
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from cvd_reporter.cli.app import cli as root
from cvd_reporter.cli.localise import walk
from tests.support.english import english_lines


def leaf_paths() -> list[str]:
    return [path for path, command in walk(root) if path and not isinstance(command, click.Group)]


# path -> the arguments of a typical failure (files are made in the test's folder; R-404 is no report).
def _failures(tmp: Path) -> dict[str, list[str]]:
    (tmp / "bad.yaml").write_text("schema: cvd-report/1\n", encoding="utf-8")
    (tmp / "notes.txt").write_text("BSN 111222333, wachtwoord: hunter2hunter2\n", encoding="utf-8")
    (tmp / "list.json").write_text("[1, 2", encoding="utf-8")
    (tmp / "page.txt").write_text("Welkom op onze website. Hier vindt u het laatste nieuws.\n", encoding="utf-8")
    return {
        "new": ["new", "--resume", "no-such-draft"],
        "practice": ["practice"],
        "submit": ["submit", str(tmp / "bad.yaml"), "--yes"],
        "outbox list": ["outbox", "list"],
        "outbox send": ["outbox", "send", "no-such-entry"],
        "validate": ["validate", str(tmp / "bad.yaml")],
        "lint": ["lint", str(tmp / "notes.txt")],
        "schema": ["schema", "extra"],
        "discover": ["discover", "http://exa mple"],
        "securitytxt check": ["securitytxt", "check", str(tmp / "missing.txt")],
        "scope": ["scope", "http://exa mple", "--no-securitytxt"],
        "key fetch": ["key", "fetch", "http://exa mple"],
        "key forget": ["key", "forget", "nobody@example.org"],
        "key list": ["key", "list"],
        "key import": ["key", "import", str(tmp / "notes.txt"), "--for", "R-404"],
        "key show": ["key", "show", "0123456789ABCDEF"],
        "status": ["status", "R-404"],
        "mark": ["mark", "R-404", "acknowledge"],
        "follow-up": ["follow-up", "R-404"],
        "notify-publication": ["notify-publication", "R-404", "--date", "2030-01-01"],
        "purge": ["purge", "R-404", "--yes"],
        "export": ["export", "R-404"],
        "escalate": ["escalate", "R-404", "--to", "ibd"],
        "policy read": ["policy", "read", str(tmp / "page.txt")],
        "policy profile": ["policy", "profile", "--no-such-option"],
        "directory import": ["directory", "import", str(tmp / "list.json")],
        "directory list": ["directory", "list", "--no-such-option"],
        "directory show": ["directory", "show", "Nergenshuizen"],
        "config show": ["config", "show", "--no-such-option"],
    }


def test_the_detector_finds_english_and_lets_dutch_and_names_pass():
    assert english_lines("There is no report R-404 in the record; `cvd-reporter status --all` lists them.")
    assert english_lines("Show this message and exit.")
    assert not english_lines("Er staat geen melding R-404 in uw administratie; `cvd-reporter status --all` toont ze.")
    assert not english_lines("Controleer security.txt-bestanden (RFC 9116) in /tmp/the/file --with-the-option.")


def test_every_leaf_command_has_a_typical_failure(tmp_path):
    assert sorted(set(leaf_paths()) - set(_failures(tmp_path))) == []


@pytest.mark.parametrize("path", leaf_paths())
def test_help_is_dutch(cli, path):
    out = cli("--lang", "nl", *path.split(), "--help")
    assert out.exit_code == 0
    assert "Gebruik:" in out.stdout and "Opties:" in out.stdout
    assert english_lines(out.stdout) == []


def test_the_root_help_is_dutch_whatever_comes_first(cli):
    for args in (["--lang", "nl", "--help"], ["--help", "--lang", "nl"], ["--help", "--lang=nl"]):
        out = cli(*args)
        assert "Opdrachten:" in out.stdout and english_lines(out.stdout) == [], args


def test_cvd_lang_makes_help_dutch_and_english_stays_english(cli):
    assert "Toon deze hulptekst en stop." in cli("status", "--help", env={"CVD_LANG": "nl"}).stdout
    assert "Show this message and exit." in cli("--lang", "en", "status", "--help").stdout


@pytest.mark.parametrize("path", leaf_paths())
def test_a_typical_failure_is_dutch(cli, tmp_path, path):
    args = _failures(tmp_path)[path]
    out = cli("--lang", "nl", *args)
    shown = out.stdout + out.stderr
    assert shown.strip()
    assert english_lines(shown) == []


def test_the_help_languages_are_the_catalogues():
    from cvd_reporter.cli import localise
    from cvd_reporter.core import i18n

    assert localise.LANGUAGES == i18n.LANGUAGES


def test_the_english_catalogue_repeats_each_help_text_as_the_source_says_it():
    """An edited English help fails here until both catalogues follow, so no stale Dutch help stays behind."""
    from cvd_reporter.cli.localise import english_help_texts
    from cvd_reporter.core.i18n import say

    texts = english_help_texts(root)
    assert texts and {i: say("en", i) for i in texts} == texts
