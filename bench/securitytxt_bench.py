"""Benchmark (issue 3): security.txt parse + validate speed and linear time on hostile input.

1. The real-world corpus (tests/data/securitytxt-corpus/, or the folder given) parsed by ours and
   by sectxt's Parser in the same run: files per second and the ratio (target: ours >= sectxt).
2. The hostile file of 400 ``-----BEGIN PGP SIGNED MESSAGE-----`` lines (14 KB): ours < 50 ms.
   sectxt re-parses the whole blob with PGPy for every such line; it is timed on 25/50/100 lines
   here (the full 400 takes it about a minute: pass --full to time that too, in a subprocess).
3. 32 KiB of many kinds of junk: ours < 100 ms for each; the slowest is printed.

Run: python bench/securitytxt_bench.py [--full] [CORPUS_FOLDER]
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cvd_reporter.core.securitytxt import parse  # noqa: E402

NOW = dt.datetime(2026, 11, 28, tzinfo=dt.timezone.utc)
BEGIN = b"-----BEGIN PGP SIGNED MESSAGE-----\n"


CORPUS = ROOT / "tests" / "data" / "securitytxt-corpus"


def corpus(folder: Path = CORPUS) -> list[bytes]:
    files = [p.read_bytes() for p in sorted(folder.glob("*.txt"))]
    if not files:
        sys.exit(f"no *.txt files in {folder}")
    return files


def rate(fn, files: list[bytes], seconds: float = 1.5) -> float:
    for b in files:  # warm up (imports, caches)
        fn(b)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for b in files:
            fn(b)
        n += len(files)
    return n / (time.perf_counter() - t0)


def best_ms(fn, data: bytes, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(data)
        times.append((time.perf_counter() - t0) * 1000)
    return min(times)


def junk_32k() -> dict[str, bytes]:
    rng = random.Random(3)
    k = 32 * 1024
    return {
        "random bytes": bytes(rng.getrandbits(8) for _ in range(k)),
        "random printable": "".join(rng.choice("Contact:mailto@ \n-#é") for _ in range(k)).encode()[:k],
        "one line, no newline": b"x" * k,
        "only newlines": b"\n" * k,
        "colons": b":" * k,
        "8000 tiny fields": b"a:b\n" * 8000,
        "tel: digit runs": (b"Contact: tel:+" + b"1" * 2000 + b"x\n") * 16,
        "mailto lists": (b"Contact: mailto:" + b"a@b.c," * 330 + b"\n") * 16,
        "language lists": (b"Preferred-Languages: " + b"aa," * 600 + b"\n") * 16,
        "Expires x1000": b"Expires: 2027-01-01T00:00:00Z\n" * 1000,
        "BEGIN x900": BEGIN * 900,
        "signature block": BEGIN + b"Hash: SHA256\n\n\n-----BEGIN PGP SIGNATURE-----\n\n"
                           + (b"A" * 64 + b"\n") * 490 + b"-----END PGP SIGNATURE-----\n",
        "dash-escapes": BEGIN + b"Hash: SHA256\n\n" + b"- - - - -\n" * 3000,
        "control bytes": b"\x1b\x00\r" * (k // 3),
        "bad UTF-8": b"\xff\xfe" * (k // 2),
        "HTML": b"<!DOCTYPE html><html>" + b"<p>a:b</p>\n" * 2900,
    }


def sectxt_hostile_subprocess(lines: int, timeout: float) -> str:
    code = ("import time,warnings;warnings.simplefilter('ignore');from sectxt import Parser;"
            f"b=b'-----BEGIN PGP SIGNED MESSAGE-----\\n'*{lines};t=time.perf_counter();Parser(b);"
            "print(round((time.perf_counter()-t)*1000))")
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
        return f"{out.stdout.strip()} ms"
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} s (stopped)"


def main() -> None:
    ours = lambda b: parse(b, now=NOW)  # noqa: E731
    folders = [Path(a) for a in sys.argv[1:] if not a.startswith("--")]
    files = corpus(folders[0] if folders else CORPUS)
    try:
        warnings.simplefilter("ignore")
        from sectxt import Parser  # noqa: PLC0415 - optional (the test extra): compared only when installed
    except ImportError:
        Parser = None
    print(f"corpus: {len(files)} files, {sum(map(len, files)):,} bytes")
    r_ours = rate(ours, files)
    print(f"  ours   {r_ours:10,.0f} files/s")
    if Parser is not None:
        r_theirs = rate(Parser, files)
        print(f"  sectxt {r_theirs:10,.0f} files/s   (baseline, same run)")
        print(f"  ratio  ours/sectxt = {r_ours / r_theirs:.2f}x  (target >= 1)")

    hostile = BEGIN * 400
    ms = best_ms(ours, hostile)
    print(f"\nhostile: 400 BEGIN lines ({len(hostile):,} bytes): ours {ms:.2f} ms (target < 50 ms)")
    if Parser is not None:
        for n in (25, 50, 100):
            t = best_ms(Parser, BEGIN * n, runs=1)
            print(f"  sectxt on {n:3} lines: {t:8.0f} ms   ours on {n:3} lines: {best_ms(ours, BEGIN * n):.3f} ms"
                  f"   ratio {t / max(best_ms(ours, BEGIN * n), 1e-3):,.0f}x")
        if "--full" in sys.argv:
            print(f"  sectxt on 400 lines: {sectxt_hostile_subprocess(400, 180)}")

    print("\n32 KiB of junk (target < 100 ms each):")
    worst = ("", 0.0)
    for name, data in junk_32k().items():
        t = best_ms(ours, data)
        worst = max(worst, (name, t), key=lambda x: x[1])
        print(f"  {name:22} {len(data):6,} B  {t:7.2f} ms")
    print(f"  slowest: {worst[0]} {worst[1]:.2f} ms -> {'OK' if worst[1] < 100 else 'TOO SLOW'}")
    print(f"\n(python {sys.version.split()[0]}, {os.cpu_count()} cpu)")


if __name__ == "__main__":
    main()
