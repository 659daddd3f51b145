"""A progress bar on stderr for long byte counts (encrypting large evidence, an SMTP upload).

Only on a terminal and never with --json: scripts and logs get no carriage-return noise. The label is
said by the caller in the run's language (``cli.progress.*`` in the catalogue).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

MIN_BYTES = 4 * 1000 * 1000  # below this a bar would only flicker
WIDTH = 24


class Bar:
    """``bar(done, total)`` redraws one line, at most ten times a second, and ends it at 100 %."""

    def __init__(self, label: str, stream: TextIO) -> None:
        self.label = label
        self.stream = stream
        self._last = 0.0
        self._ended = False

    def __call__(self, done: int, total: int) -> None:
        if total < MIN_BYTES or self._ended:
            return
        now = time.monotonic()
        finished = done >= total
        if not finished and now - self._last < 0.1:
            return
        self._last = now
        share = min(1.0, done / total) if total else 1.0
        filled = int(share * WIDTH)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] "
                          f"{done / 1e6:6.1f} / {total / 1e6:.1f} MB")
        if finished:
            self.stream.write("\n")
            self._ended = True
        self.stream.flush()


def bar_for(label: str, *, json_mode: bool, stream: TextIO | None = None) -> Callable[[int, int], None] | None:
    """A Bar when ``stream`` (stderr) is a terminal and the output is not JSON; None otherwise."""
    stream = stream if stream is not None else sys.stderr
    if json_mode or not stream.isatty():
        return None
    return Bar(label, stream)
