#!/usr/bin/env python3
"""Encrypt N MB of random data to cv25519 and to RSA-3072: cvd-reporter against gpg, same run.

Each encryption runs in its own process; wall time from the parent, peak RSS from GNU time's %M
(/usr/bin/time; without it, from os.wait4, which also counts the forked parent's pages before
exec and so overstates small tools like gpg). Every cvd-reporter output is decrypted by gpg and
compared.
Targets (issue 4): 20 MB within 3x gpg's wall time, peak RSS under 8x the input.

    python bench/openpgp_encrypt_bench.py            # 20 MB
    python bench/openpgp_encrypt_bench.py --mb 100   # the size cap check
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers.gpg import GnuPG  # noqa: E402

OURS = """
import sys
from datetime import datetime, timezone
from cvd_reporter.core.pgp.certificates import load_certificates
from cvd_reporter.core.pgp.encrypt import encrypt
cert = load_certificates(open(sys.argv[1], "rb").read())[0]
data = open(sys.argv[2], "rb").read()
out = encrypt(data, cert, now=datetime.now(timezone.utc))
open(sys.argv[3], "wb").write(out)
"""


GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """(wall seconds, peak RSS bytes) of one child process."""
    report = None
    if GNU_TIME:
        fd, report = tempfile.mkstemp(prefix="cvdbench-rss")
        os.close(fd)
        cmd = [GNU_TIME, "-f", "%M", "-o", report, *cmd]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[0]} failed: {proc.stderr.read().decode(errors='replace')[-500:]}")
    if report:
        rss_kib = int(Path(report).read_text().split()[-1])
        os.unlink(report)
    else:
        rss_kib = usage.ru_maxrss
    return wall, rss_kib * 1024


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def best_of(n: int, cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    runs = [run(cmd, env) for _ in range(n)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=20)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    size = args.mb * 1_000_000
    gpg = GnuPG()
    work = Path(tempfile.mkdtemp(prefix="cvdbench"))
    try:
        plain = work / "plain.bin"
        with plain.open("wb") as fh:
            for _ in range(args.mb):
                fh.write(os.urandom(1_000_000))
        digest = sha256_file(plain)  # the parent stays small: its pages are not the children's
        keys = {"cv25519": gpg.gen("Bench Cv <cv@bench.test>"),
                "rsa3072": gpg.gen("Bench RSA <rsa@bench.test>", "rsa3072")}
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore")
        print(f"{args.mb} MB random, best wall of {args.reps}, peak RSS via {GNU_TIME or 'os.wait4'}; "
              f"Python {sys.version.split()[0]}")
        print(f"{'recipient':10} {'tool':22} {'wall s':>7} {'RSS MiB':>8} {'wall/gpg':>9} {'RSS/input':>10}")
        for name, fpr in keys.items():
            keyfile = work / f"{name}.asc"
            keyfile.write_bytes(gpg.export(fpr, armor=True))
            out = work / f"{name}.ours.asc"
            ours = best_of(args.reps, [sys.executable, "-c", OURS, str(keyfile), str(plain), str(out)], env)
            gpg_cmd = ["gpg", "--batch", "--yes", "--trust-model", "always", "--armor", "-e", "-r", fpr]
            base = best_of(args.reps, [*gpg_cmd, "-o", str(work / "g.asc"), str(plain)], gpg.env)
            z0 = best_of(args.reps, [*gpg_cmd, "-z", "0", "-o", str(work / "g0.asc"), str(plain)], gpg.env)
            gpg.gpg("--decrypt", "-o", str(work / "back.bin"), str(out))
            ok = sha256_file(work / "back.bin") == digest
            for tool, (wall, rss) in (("gpg (default, zlib)", base), ("gpg -z0", z0), ("cvd-reporter", ours)):
                print(f"{name:10} {tool:22} {wall:7.2f} {rss / 2**20:8.1f} {wall / base[0]:9.2f} {rss / size:10.2f}")
            print(f"{'':10} gpg decrypts cvd-reporter's output byte for byte: {'yes' if ok else 'NO'}")
            if not ok:
                raise SystemExit(1)
    finally:
        gpg.close()
        for f in work.iterdir():
            f.unlink()
        work.rmdir()


if __name__ == "__main__":
    main()
