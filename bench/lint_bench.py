"""Benchmark (issue 2): `lint` over 20 evidence files of 1 MB text, and linearity on hostile lines.

Part 1 scans 20 generated 1 MB files of the kinds evidence comes in (prose in nl and en, HTTP
request/response dumps, web-server logs, JSON API output, CSV exports) with some personal data and
secrets sprinkled in, and prints MB/s against a named baseline measured in the same run: one pass
of a single naive regex (``\\b\\d{9}\\b``, what a quick grep for BSNs would do). Target: the 20 MB in
well under 1 s (the issue's budget for `validate` with 20 evidence files).

Part 2 scans adversarial single lines at 100 kB and 1 MB; a ratio near 10 means linear time, a
ratio near 100 would mean quadratic backtracking.

Times are CPU seconds of this process (best of ``runs``), so other load on a shared machine
disturbs them less than wall-clock time would.

Run: python bench/lint_bench.py [files] [runs]
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cvd_reporter.core.lint import scan_text

MB = 1_000_000

PROSE = ["De", "gemeente", "heeft", "een", "kwetsbaarheid", "in", "het", "loket", "op",
         "https://loket.gemeente.example/zoeken?q=test", "gevonden", "in", "versie", "1.2.3", "op", "2024-01-15", "om",
         "10:30.", "The", "search", "page", "reflects", "the", "parameter", "without", "escaping,", "so", "a", "script",
         "runs", "in", "the", "browser", "of", "a", "resident", "who", "follows", "a", "link.", "Neem", "contact", "op",
         "via", "alex.reporter@example.org", "of", "bel", "06-12345678.", "Status", "200", "OK,", "4312", "bytes,",
         "kenmerk", "2024/0042."]
HTTP = """GET /api/v1/burgers/{n}?fields=naam,adres HTTP/1.1
Host: loket.gemeente.example
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0
Accept: application/json
Cookie: _ga=GA1.2.{n}.1699999999; lang=nl

HTTP/1.1 200 OK
Date: Mon, 15 Jan 2024 10:{m:02d}:00 GMT
Content-Type: application/json; charset=utf-8
Content-Length: {n}

{{"id": {n}, "status": "ok", "version": "10.0.19041.{n}", "items": [1, 2, 3]}}
"""
LOG = ('203.0.113.{a} - - [15/Jan/2024:10:{m:02d}:{s:02d} +0100] "GET /zoeken?q=test&page={n} HTTP/1.1" '
       '200 {n} "https://loket.gemeente.example/" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"\n')
JSON = ('{{"id": {n}, "created": "2024-01-{d:02d}T10:{m:02d}:00Z", "amount": {n}.50, "ref": "ORD-{n}", '
        '"tags": ["a", "b"], "ok": true}},\n')
CSV = "{n};2024-01-{d:02d};{a}.{s};product {m};{n}{a}\n"
SPRINKLE = ["BSN 123456782", "IBAN NL91 ABNA 0417 1643 00", "kaart 4111 1111 1111 1111", "jan@voorbeeld.nl",
            "password=hunter2", "Authorization: Bearer abcdefGHIJ1234567890klmnop", "bel +31 20 123 4567"]


def make_file(kind: int, rng: random.Random) -> str:
    parts: list[str] = []
    size = 0
    while size < MB:
        n, m, s, a, d = rng.randrange(10**6), rng.randrange(60), rng.randrange(60), rng.randrange(256), \
            rng.randrange(1, 29)
        if kind == 0:
            chunk = " ".join(rng.choice(PROSE) for _ in range(15)) + "\n"
        elif kind == 1:
            chunk = HTTP.format(n=n, m=m)
        elif kind == 2:
            chunk = LOG.format(a=a, m=m, s=s, n=n)
        elif kind == 3:
            chunk = JSON.format(n=n, d=d, m=m)
        else:
            chunk = CSV.format(n=n, d=d, a=a, s=s, m=m)
        if rng.random() < 0.002:
            chunk += rng.choice(SPRINKLE) + "\n"
        parts.append(chunk)
        size += len(chunk)
    return "".join(parts)


ADVERSARIAL = {
    "letters": "a",
    "digits": "0",
    "digits+spaces": "0 ",
    "card-like groups": "4000 ",
    "at-signs": "a@",
    "dotted domain": "a.",
    "pem begin": "-----BEGIN PRIVATE KEY-----",
    "eyJ": "eyJ",
    "base64": "QUJD",
    "password=": "password=",
    "cookie: sess=": "Cookie: sess=",
    "url userinfo": "://a:b",
    "IBAN-like": "NL91 ",
    "phones": "0612345678 ",
}


def best_of(runs: int, fn, *args) -> float:
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        fn(*args)
        times.append(time.process_time() - t0)
    return min(times)


def main() -> None:
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = random.Random(2)
    texts = [make_file(i % 5, rng) for i in range(files)]
    total = sum(len(t) for t in texts) / MB
    scan_text("warm up 06-12345678")  # first use loads phonenumbers' metadata

    naive = re.compile(r"\b\d{9}\b")
    base = best_of(runs, lambda: [naive.findall(t) for t in texts])
    lint = best_of(runs, lambda: [scan_text(t) for t in texts])
    hits = sum(len(scan_text(t)) for t in texts)
    print(f"{files} files, {total:.1f} MB of text, {hits} hits; CPU time, best of {runs}")
    print(f"baseline one naive regex (\\b\\d{{9}}\\b): {base:6.3f} s  {total / base:7.1f} MB/s")
    print(f"scan_text, all detectors            : {lint:6.3f} s  {total / lint:7.1f} MB/s "
          f"({lint / base:.1f}x the baseline)")
    print(f"target: 20 MB in under 1 s -> {'OK' if lint * 20 / total < 1 else 'OVER'}")
    print()
    print("adversarial single lines          100 kB     1 MB   ratio (10 = linear)")
    for name, unit in ADVERSARIAL.items():
        small = best_of(runs, scan_text, unit * (100_000 // len(unit)))
        big = best_of(runs, scan_text, unit * (MB // len(unit)))
        print(f"  {name:28} {small * 1000:8.1f} ms {big * 1000:8.1f} ms  {big / max(small, 1e-9):5.1f}")


if __name__ == "__main__":
    main()
