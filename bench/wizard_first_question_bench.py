"""Benchmark (issue 7): time until `cvd-reporter new` shows its first question in a pseudo-terminal.

Target: median under 0.5 s. Baselines measured in the same run on the same machine:
  - `python -c "import click"` to EOF (a bare interpreter start with click),
  - a bare questionary text prompt (`questionary.text(...).unsafe_ask()`) until its question shows.
Each run: spawn in a pty (TERM=xterm-256color, PROMPT_TOOLKIT_NO_CPR=1), wait for the question,
press Ctrl-C, wait for the exit. Run: python bench/wizard_first_question_bench.py [runs]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.5


def env(home: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("CVD_")}
    e.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", PYTHONPATH=str(ROOT), CVD_REPORTER_HOME=home,
             LANG="C.UTF-8", PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return e


def time_to(args: list[str], pattern: str | None, home: str) -> float:
    t0 = time.perf_counter()
    child = pexpect.spawn(sys.executable, args, env=env(home), cwd=home, dimensions=(30, 100),
                          encoding="utf-8", timeout=10)
    try:
        if pattern is None:
            child.expect(pexpect.EOF)
            return time.perf_counter() - t0
        child.expect(pattern)
        elapsed = time.perf_counter() - t0
        child.send("\x03")
        child.expect(pexpect.EOF)
        return elapsed
    finally:
        child.terminate(force=True)


def median(args: list[str], pattern: str | None, runs: int, home: str) -> float:
    time_to(args, pattern, home)  # warm the file cache
    return statistics.median(time_to(args, pattern, home) for _ in range(runs))


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with tempfile.TemporaryDirectory() as home:
        click_only = median(["-c", "import click"], None, runs, home)
        bare = median(["-c", "import questionary; questionary.text('Bare question?').unsafe_ask()"],
                      "Bare question", runs, home)
        wizard = median(["-m", "cvd_reporter", "new", "--lang", "en"], "Which URL or IP address", runs, home)
    print(f"baseline python -c 'import click'        : {click_only * 1000:7.1f} ms (median of {runs})")
    print(f"baseline bare questionary prompt shown   : {bare * 1000:7.1f} ms")
    print(f"cvd-reporter new, first question shown   : {wizard * 1000:7.1f} ms")
    print(f"ratio to the bare questionary prompt {wizard / bare:.2f}x; "
          f"target < {TARGET_S * 1000:.0f} ms: {'OK' if wizard < TARGET_S else 'OVER'}")


if __name__ == "__main__":
    main()
