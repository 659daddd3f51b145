"""The progress bar (cli/progress.py): on a terminal only, never with --json, only for large counts."""

from __future__ import annotations

import io

from cvd_reporter.cli.progress import MIN_BYTES, Bar, bar_for


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_in_json_mode_or_without_a_terminal():
    assert bar_for("Encrypting", json_mode=True, stream=Tty()) is None
    assert bar_for("Encrypting", json_mode=False, stream=io.StringIO()) is None
    assert isinstance(bar_for("Encrypting", json_mode=False, stream=Tty()), Bar)


def test_the_bar_ends_its_line_at_the_end_and_stays_quiet_for_small_files():
    out = Tty()
    bar = Bar("Sending", out)
    bar(1, MIN_BYTES - 1)
    assert out.getvalue() == ""  # a small upload draws nothing
    total = 20_000_000
    for done in range(0, total + 1, 1_000_000):
        bar(done, total)
    text = out.getvalue()
    assert text.startswith("\rSending [") and text.endswith("20.0 / 20.0 MB\n")
    assert text.count("\n") == 1
