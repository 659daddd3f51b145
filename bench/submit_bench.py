"""Benchmark (issue 6): a complete `submit` against loopback servers — discovery (scope, security.txt,
key), encryption, SMTP — of a report with 2 MB of evidence. Target: under 1.5 s wall.

The servers are the practice municipality's (HTTPS, DNS, SMTP with STARTTLS and AUTH), started once.
Baseline in the same run: `gpg --encrypt` of the same 2 MB to the same kind of key is shown when gpg
is on the machine. Run: python bench/submit_bench.py [runs]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cvd_reporter.app.context import Context
from cvd_reporter.app.dispatch import RecordSession, deliver
from cvd_reporter.app.profiles import load_policy
from cvd_reporter.app.reportfile import check_report, load_report_file
from cvd_reporter.app.submit import SubmitOptions, plan_submission
from cvd_reporter.core.i18n import say
from cvd_reporter.practice.run import practice_world, write_sample


def one_run(world, report: Path) -> dict[str, float]:
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()

    def progress(message: str) -> None:
        marks.append((message, time.perf_counter()))

    ctx = Context(world.settings)
    now = ctx.clock()
    checked = check_report(load_report_file(report, lang="nl"), policy=load_policy(world.settings.policy),
                           lang="nl", today=now.date())
    plan = plan_submission(checked, ctx=ctx, options=SubmitOptions(), now=now, lang="nl", progress=progress)
    planned = time.perf_counter()
    with RecordSession(ctx.home) as records:
        deliver(plan, ctx=ctx, options=SubmitOptions(), now=now, records=records)
    end = time.perf_counter()
    at = dict(marks)
    scope_start, encrypt_start = at[say("nl", "submit.scope")], at[say("nl", "submit.encrypt")]
    return {"check": scope_start - start, "discovery": encrypt_start - scope_start,
            "encryption": planned - encrypt_start, "smtp+record": end - planned, "total": end - start}


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results = []
    with practice_world() as world:
        for i in range(runs):
            report = write_sample(world, "nl")
            evidence = report.parent / "request.txt"
            evidence.write_bytes(os.urandom(1024 * 1024).hex().encode()[:2 * 1024 * 1024])  # 2 MB of text
            text = report.read_text().replace("description: Oefenaar", f"description: run {i}")
            report.write_text(text.replace("title: Reflected XSS", f"title: Run {i} reflected XSS"))
            results.append(one_run(world, report))
        gpg_time = None
        if shutil.which("gpg"):
            with tempfile.TemporaryDirectory(dir="/tmp") as home:
                env = dict(os.environ, GNUPGHOME=home)
                subprocess.run(["gpg", "--batch", "--import"], input=world.org.key_armored.encode(), env=env,
                               capture_output=True, check=True)
                t0 = time.perf_counter()
                subprocess.run(["gpg", "--batch", "--trust-model", "always", "--encrypt", "--armor", "-r",
                                world.org.fingerprint], input=evidence.read_bytes(), env=env, capture_output=True,
                               check=True)
                gpg_time = time.perf_counter() - t0
    for key in ("check", "discovery", "encryption", "smtp+record", "total"):
        print(f"{key:<12} median {statistics.median(r[key] for r in results) * 1000:7.1f} ms")
    total = statistics.median(r["total"] for r in results)
    if gpg_time is not None:
        print(f"baseline: gpg --encrypt of the 2 MB evidence alone: {gpg_time * 1000:.1f} ms "
              f"(submit total = {total / gpg_time:.1f}x)")
    print(f"target < 1500 ms total: {'OK' if total < 1.5 else 'OVER'}")


if __name__ == "__main__":
    main()
