"""Benchmark (issue 8): `cvd-reporter status` with 10,000 reports in the record, target under 0.5 s.

Measured two ways, each against a baseline taken in the same run:
- in-process: the `status` command through the real entry point (click, settings, SQLite, deadlines,
  rendering), against the same entry point running `--help`;
- as a subprocess (what a user waits for): `python -m cvd_reporter status`, against `python -c pass`
  and `python -m cvd_reporter --help`.

The record is seeded through the Record API (with fsync off for the seeding only) with a mix of
states: sent on dates over the last two years (many overdue), drafts, fix promises, fixed, closed.

Run: python bench/record_status_bench.py [reports] [runs]
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cvd_reporter.cli import app as cli_app  # noqa: E402 - after the sys.path line above
from cvd_reporter.store.record import Record  # noqa: E402

TARGET = 0.5


def seed(home: Path, n: int) -> None:
    now = datetime.now(timezone.utc)
    with Record.open(home) as rec:
        rec.db.execute("PRAGMA synchronous = OFF")  # seeding speed only; the product keeps the default
        for i in range(n):
            rid = f"CVD-{i:05d}"
            created = now - timedelta(days=730 * i // n + 1)
            rec.add_report(rid, title=f"Finding {i}", organisation=f"Gemeente {i % 342}",
                           target=f"https://www.gemeente{i % 342}.example/", report_path=None, policy="nl-gemeente",
                           calendar=("nl-gemeente", "nl-public", "weekends")[i % 3], response_days=5,
                           evidence_paths=[f"/tmp/evidence/{rid}.png"], created_at=created)
            if i % 10 == 0:
                continue  # a draft
            rec.add_delivery(rid, channel="email", recipient="ciso@example.org", key_fingerprint="AB" * 20,
                             plaintext_sha256="0" * 64, encrypted_sha256="1" * 64, message_id=f"<{rid}@x>",
                             server_answer="250 ok", ok=True, at=created)
            if i % 10 == 3:
                rec.set_state(rid, "fix_promised", at=now, date=date.today() + timedelta(days=i % 90 - 30))
            elif i % 10 == 5:
                rec.set_state(rid, "fixed", at=now)
            elif i % 10 == 7:
                rec.set_state(rid, "closed", at=now)


def run_in_process(args: list[str]) -> float:
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            cli_app.main(args)
        except SystemExit as e:
            if e.code not in (0, None):
                raise RuntimeError(f"{args} exited {e.code}") from None
    return time.perf_counter() - t0


def median(fn, runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def wall(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT, env=env)
    return time.perf_counter() - t0


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        t0 = time.perf_counter()
        seed(home, n)
        print(f"seeded {n} reports in {time.perf_counter() - t0:.1f} s "
              f"({(home / 'record.sqlite3').stat().st_size / 1e6:.1f} MB)")
        os.environ["CVD_REPORTER_HOME"] = str(home)
        env = dict(os.environ, PYTHONPATH=str(ROOT))

        run_in_process(["status"])  # warm: imports and the holiday tables, as a second call would be
        help_in = median(lambda: run_in_process(["--help"]), runs)
        status_in = median(lambda: run_in_process(["status"]), runs)
        status_json_in = median(lambda: run_in_process(["status", "--json"]), runs)

        py = sys.executable
        base_pass = median(lambda: wall([py, "-c", "pass"], env), runs)
        base_help = median(lambda: wall([py, "-m", "cvd_reporter", "--help"], env), runs)
        status_sub = median(lambda: wall([py, "-m", "cvd_reporter", "status"], env), runs)
        status_json_sub = median(lambda: wall([py, "-m", "cvd_reporter", "status", "--json"], env), runs)

    def line(label: str, value: float, base: float | None = None, target: bool = False) -> None:
        extra = f"  {value / base:5.1f}x baseline" if base else ""
        verdict = f"  target < {TARGET:.1f} s: {'OK' if value < TARGET else 'OVER'}" if target else ""
        print(f"{label:<44} {value * 1000:8.1f} ms{extra}{verdict}")

    print(f"medians of {runs} runs, {n} reports")
    print("in-process (warm):")
    line("  baseline: entry point with --help", help_in)
    line("  status", status_in, help_in, target=True)
    line("  status --json", status_json_in, help_in, target=True)
    print("subprocess (cold interpreter):")
    line("  baseline: python -c pass", base_pass)
    line("  baseline: python -m cvd_reporter --help", base_help, base_pass)
    line("  python -m cvd_reporter status", status_sub, base_pass, target=True)
    line("  python -m cvd_reporter status --json", status_json_sub, base_pass, target=True)


if __name__ == "__main__":
    main()
