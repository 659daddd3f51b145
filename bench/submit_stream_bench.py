"""Benchmark (issue 16): `submit --dry-run` of a report with large random evidence, whole process.

Baseline in the same run: `gpg --encrypt --armor` (its default compression) of the same evidence to
the same key (the practice municipality's cv25519 subkey), also as a whole process.

Printed:
- wall time, median of RUNS (each under /usr/bin/time), of `cvd-reporter submit --dry-run --output FILE` with one 20 MB
  random evidence file, against gpg; the ratio (target <= 3x);
- peak RSS (os.wait4's ru_maxrss) of that submit at 20 MB and at 100 MB of evidence (five 20 MB
  files: one evidence file may be at most 25 MiB); target <= 120 MiB and flat within 10 %;
- the message size against the evidence size (target <= 1.45x);
- the time of each stage of one in-process run (read report, scope, discovery, build,
  compress+encrypt, armor, write, deliver), so the next person knows where the time goes. That run
  keeps compression in the main thread so the stages add up; the timed child processes overlap
  compression (a second thread) with building the message.

The loopback servers (HTTPS, DNS, SMTP) of the practice municipality run inside this process; the
submit runs in a child process configured through CVD_* variables. Run:
    python bench/submit_stream_bench.py [RUNS] [--big]
(--big adds the 100 MB case; it needs about 250 MB of free space in /tmp).
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

import yaml

from cvd_reporter.app import stream_message
from cvd_reporter.app.context import Context
from cvd_reporter.app.dispatch import RecordSession
from cvd_reporter.app.profiles import load_policy
from cvd_reporter.app.reportfile import check_report, load_report_file
from cvd_reporter.app.submit import SubmitOptions, deliver, plan_submission
from cvd_reporter.core.i18n import say
from cvd_reporter.practice.run import practice_world, write_sample

MB = 1000 * 1000
PIECE = 20 * MB


def run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MiB, exit code) of one child process.

    The peak comes from /usr/bin/time (GNU time's %M), not from this process's wait4: on Linux a
    child's ru_maxrss starts from the RSS of the process it was forked from (the high-water mark of
    the old address space is kept across exec), so a large benchmark process would inflate it.
    """
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    rss_kib = int(proc.stderr.decode().strip().splitlines()[-1])
    return wall, rss_kib / 1024, proc.returncode


def make_report(world, folder: Path, total: int) -> Path:
    report = write_sample(world, "nl")
    data = yaml.safe_load(report.read_text())
    items = []
    for i in range(max(1, total // PIECE)):
        name = f"capture-{i}.bin"
        with open(folder / name, "wb") as fh:
            for _ in range(PIECE // MB):
                fh.write(os.urandom(MB))
        items.append({"path": str(folder / name), "description": f"packet capture {i}"})
    data["evidence"] = items
    report.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return report


def child_env(world, home: Path) -> dict[str, str]:
    s = world.settings
    return dict(os.environ, CVD_REPORTER_HOME=str(home), CVD_CA_BUNDLE=str(s.ca_bundle),
                CVD_CONNECT_TO=",".join(str(c) for c in s.connect_to),
                CVD_DNS_SERVER=f"{s.dns_server[0]}:{s.dns_server[1]}", CVD_POLICY=str(s.policy),
                CVD_KEYSERVER=s.keyserver, CVD_SMTP_HOST=s.smtp_host, CVD_SMTP_PORT=str(s.smtp_port),
                CVD_SMTP_USER=s.smtp_user, CVD_SMTP_FROM=s.smtp_from, CVD_TIMEOUT="30",
                CVD_SMTP_PASSWORD=world.org.smtp_password)


def stages(world, report: Path) -> dict[str, float]:
    """One in-process run, timed per stage with the pipeline's own progress marks and counters."""
    stream_message.THREADED = False  # one stage after the other, so their times add up

    marks: dict[str, float] = {}
    start = time.perf_counter()
    ctx = Context(world.settings)
    now = ctx.clock()
    out = Path(tempfile.mkdtemp(dir="/tmp")) / "message.eml"
    options = SubmitOptions(dry_run=True, output=out)
    checked = check_report(load_report_file(report, lang="nl"), policy=load_policy(world.settings.policy),
                           lang="nl", today=now.date())
    plan = plan_submission(checked, ctx=ctx, options=options, now=now, lang="nl",
                           progress=lambda m: marks.setdefault(m, time.perf_counter()))
    planned = time.perf_counter()
    with RecordSession(ctx.home) as records:
        deliver(plan, ctx=ctx, options=options, now=now, records=records)
    end = time.perf_counter()
    shutil.rmtree(out.parent, ignore_errors=True)
    at = lambda key: marks.get(say("nl", f"submit.{key}"), start)  # noqa: E731
    result = {"read report": at("scope") - start, "scope": at("discover") - at("scope"),
              "discovery": at("encrypt") - at("discover")}
    written = getattr(plan, "written", None)  # the streaming pipeline counts its own stages
    timing = dict(written.timings) if written is not None else {}
    built = planned - at("encrypt")
    if timing:
        for name in ("build", "compress+encrypt", "armor", "write"):
            result[name] = timing.get(name, 0.0)
    else:
        result["build (all of mime + encrypt + armor)"] = built
    result["deliver"] = end - planned
    result["total"] = end - start
    return result


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(args[0]) if args else 5
    big = "--big" in sys.argv
    tmp = Path(tempfile.mkdtemp(prefix="cvd-bench-", dir="/tmp"))
    gpghome = tempfile.mkdtemp(prefix="g", dir="/tmp")
    try:
        with practice_world(timeout=30) as world:
            genv = dict(os.environ, GNUPGHOME=gpghome)
            subprocess.run(["gpg", "--batch", "--import"], input=world.org.key_armored.encode(), env=genv,
                           capture_output=True, check=True)
            env = child_env(world, tmp / "home")
            cases = [20 * MB] + ([100 * MB] if big else [])
            results = {}
            for total in cases:
                folder = tmp / f"ev{total}"
                folder.mkdir()
                report = make_report(world, folder, total)
                evidence = sorted(folder.glob("capture-*.bin"))
                out = tmp / "message.eml"
                argv = [sys.executable, "-m", "cvd_reporter", "submit", str(report), "--dry-run", "--json",
                        "--output", str(out)]
                n = runs if total == cases[0] else max(1, runs // 2)
                ours = []
                for _ in range(n):
                    out.unlink(missing_ok=True)
                    wall, rss, code = run_measured(argv, env)
                    if code != 0:
                        raise SystemExit(f"submit exited {code}; run it by hand to see why")
                    ours.append((wall, rss))
                size = out.stat().st_size
                theirs = []
                for _ in range(n):
                    gout = tmp / "gpg.asc"
                    gout.unlink(missing_ok=True)
                    # gpg takes one input file: the same bytes as the evidence (cat of the pieces for 100 MB).
                    src = evidence[0] if len(evidence) == 1 else tmp / "all.bin"
                    if not src.exists():
                        with open(src, "wb") as fh:
                            for p in evidence:
                                fh.write(p.read_bytes())
                    theirs.append(run_measured(["gpg", "--batch", "--trust-model", "always", "--encrypt",
                                                "--armor", "-r", world.org.fingerprint, "-o", str(gout), str(src)],
                                               genv)[:2])
                results[total] = {
                    "ours": statistics.median(w for w, _ in ours), "rss": max(r for _, r in ours),
                    "gpg": statistics.median(w for w, _ in theirs), "gpg_rss": max(r for _, r in theirs),
                    "size": size, "stages": stages(world, report) if total == cases[0] else None,
                }
                (tmp / "all.bin").unlink(missing_ok=True)
                shutil.rmtree(folder)
    finally:
        subprocess.run(["gpgconf", "--kill", "all"], env=dict(os.environ, GNUPGHOME=gpghome), capture_output=True)
        shutil.rmtree(gpghome, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)

    for total, r in results.items():
        mb = total // MB
        print(f"{mb} MB random evidence ({runs if total == 20 * MB else max(1, runs // 2)} runs, median wall):")
        print(f"  submit --dry-run   {r['ours']:6.2f} s   peak RSS {r['rss']:6.1f} MiB")
        print(f"  gpg -e --armor     {r['gpg']:6.2f} s   peak RSS {r['gpg_rss']:6.1f} MiB")
        ratio = r["ours"] / r["gpg"]
        print(f"  time ratio         {ratio:6.2f}x gpg   (target <= 3x: {'OK' if ratio <= 3 else 'OVER'})")
        size_ratio = r["size"] / total
        print(f"  message size       {r['size'] / MB:6.1f} MB = {size_ratio:.2f}x the evidence "
              f"(target <= 1.45x: {'OK' if size_ratio <= 1.45 else 'OVER'})")
        if r["stages"]:
            print("  stages of one in-process run:")
            for name, seconds in r["stages"].items():
                print(f"    {name:<20} {seconds * 1000:8.1f} ms")
    rss = [r["rss"] for r in results.values()]
    print(f"peak RSS target <= 120 MiB: {'OK' if max(rss) <= 120 else 'OVER'}")
    if len(rss) == 2:
        growth = rss[1] / rss[0] - 1
        verdict = "OK" if abs(growth) <= 0.10 else "OVER"
        print(f"RSS 20 MB -> 100 MB: {growth * 100:+.1f} % (target within 10 %: {verdict})")


if __name__ == "__main__":
    main()
