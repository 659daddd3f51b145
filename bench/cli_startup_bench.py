"""Benchmark (issue 2): `cvd-reporter --help` start-up against `python -c "import click"`.

Target: median ratio at most 1.3x (issue 12; was 1.5x in issue 2). Run: python bench/cli_startup_bench.py [runs]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    baseline = median_wall([sys.executable, "-c", "import click"], runs)
    # What the installed `cvd-reporter` console script runs (pipx's entry point), not `python -m`,
    # whose runpy machinery adds import time a user of the command never pays.
    entry = "import sys; from cvd_reporter.cli.app import main; sys.argv[0] = 'cvd-reporter'; main()"
    helptime = median_wall([sys.executable, "-c", entry, "--help"], runs)
    modtime = median_wall([sys.executable, "-m", "cvd_reporter", "--help"], runs)
    ratio = helptime / baseline
    print(f"baseline  python -c 'import click': {baseline * 1000:7.1f} ms (median of {runs})")
    print(f"cvd-reporter --help               : {helptime * 1000:7.1f} ms")
    print(f"(python -m cvd_reporter --help    : {modtime * 1000:7.1f} ms, for reference)")
    print(f"ratio {ratio:.2f}x (target <= 1.3x): {'OK' if ratio <= 1.3 else 'OVER'}")


if __name__ == "__main__":
    main()
