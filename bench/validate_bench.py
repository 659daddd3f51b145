"""Benchmark (issue 2): validate a report with 20 evidence files of 1 MB text each. Target: under 1 s.

Baseline in the same run: reading the same 20 MB from disk. Run: python bench/validate_bench.py
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["GET", "/zoeken", "HTTP/1.1", "Host:", "loket.gemeente.example", "Accept:", "text/html", "200", "OK",
         "response", "Content-Type", "text/plain", "resultaten", "geen", "voor", "de", "het", "een", "van", "gemeente",
         "inwoner", "2026-11-20", "12:30:01", "v1.2.3", "127.0.0.1", "session=abc", "id=42"]


def make_fixture(folder: Path) -> Path:
    rng = random.Random(7)
    evidence = []
    for i in range(20):
        lines, size = [], 0
        while size < 1_000_000:
            line = " ".join(rng.choice(WORDS) for _ in range(12))
            lines.append(line)
            size += len(line) + 1
        (folder / f"ev{i:02}.txt").write_text("\n".join(lines))
        evidence.append({"path": f"ev{i:02}.txt", "description": f"log {i}"})
    report = yaml.safe_load((ROOT / "examples" / "report.yaml").read_text())
    report["evidence"] = evidence
    path = folder / "report.yaml"
    path.write_text(yaml.safe_dump(report, allow_unicode=True))
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        report = make_fixture(Path(tmp))
        t0 = time.perf_counter()
        for p in Path(tmp).glob("ev*.txt"):
            p.read_text()
        read_time = time.perf_counter() - t0
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            p = subprocess.run([sys.executable, "-m", "cvd_reporter", "--json", "validate", str(report)],
                               capture_output=True, cwd=ROOT)
            runs.append(time.perf_counter() - t0)
            assert p.returncode in (0, 3), p.stderr.decode()
        wall = statistics.median(runs)
        print(f"baseline  read 20 x 1 MB: {read_time * 1000:7.1f} ms")
        print(f"validate (whole process, median of 3): {wall * 1000:7.1f} ms  ({wall / read_time:.0f}x the read)")
        print(f"target < 1000 ms: {'OK' if wall < 1.0 else 'OVER'}")


if __name__ == "__main__":
    main()
