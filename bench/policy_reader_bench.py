"""Benchmark (issue 13): the policy reader's accuracy per field and its time per page.

Usage: python bench/policy_reader_bench.py FOLDER [--verbose] [--runs N]

FOLDER holds ``pages/*.txt`` (or ``.html``) and a hand-made ``labels.tsv`` with (at least) the columns
``file, contact_emails, web_form, response_working_days``; conventions:
  contact_emails          addresses as written, comma-separated; ``none`` (the page gives none),
                          ``unknown``, ``obfuscated`` or ``missing (...)``: no address in the text
  web_form                ``yes ...`` / ``no`` / ``unknown``
  response_working_days   an integer (working days), ``N days``, ``N office hours``, ``none``, ``unknown``
Pages are other people's text: keep them outside the repository; this script only reads them.

Targets: e-mail exactly right on >= 95 % of pages that name one and none invented on pages that
name none; response time right on >= 90 % of pages that state one; form-only pages recognised on
>= 90 %; under 100 ms a page. The time is also given as a ratio against a named baseline in the same
run: ``extract`` (decoding and HTML-to-text alone).
"""

from __future__ import annotations

import csv
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cvd_reporter.core.policypage import read_policy
from cvd_reporter.core.policypage.extract import extract


def expected_response(label: str) -> tuple[int, str] | str | None:
    label = label.strip().lower()
    if label.isdigit():
        return int(label), "working_days"
    m = re.match(r"(\d+)\s*(days|office hours|hours)$", label)
    if m:
        return int(m.group(1)), {"days": "days", "office hours": "office_hours", "hours": "hours"}[m.group(2)]
    return "none" if label == "none" else "skip"


def pct(ok: int, total: int) -> str:
    return f"{ok}/{total} = {100 * ok / total:.1f} %" if total else "n/a (no such pages)"


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__)
        return 2
    folder = Path(argv[0])
    verbose = "--verbose" in argv
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    with open(folder / "labels.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    tally: dict[str, list[int]] = {k: [0, 0] for k in ("email_named", "email_none", "response_stated",
                                                       "response_none", "form_only", "no_false_form_only",
                                                       "encryption", "shares_ibd")}
    misses: list[str] = []
    raws: list[bytes] = []
    for row in rows:
        raw = (folder / "pages" / row["file"]).read_bytes()
        raws.append(raw)
        r = read_policy(raw, url=row.get("url") or None)
        got_emails = set(r.emails)
        label = row["contact_emails"].strip()
        if "@" in label:
            want = {a.strip() for a in label.split(",") if "@" in a}
            ok = got_emails == want
            tally["email_named"][0] += ok
            tally["email_named"][1] += 1
        else:
            want, ok = set(), not got_emails
            tally["email_none"][0] += ok
            tally["email_none"][1] += 1
        if not ok:
            misses.append(f"{row['file']} e-mail: want {sorted(want)} got {sorted(got_emails)}")
        exp = expected_response(row["response_working_days"])
        got = (r.response.value["amount"], r.response.value["unit"]) if r.response.known else "none"
        if exp != "skip":
            key = "response_none" if exp == "none" else "response_stated"
            tally[key][0] += got == exp
            tally[key][1] += 1
            if got != exp:
                misses.append(f"{row['file']} response: want {exp} got {got}")
        form_only_label = row["web_form"].lower().startswith("yes") and label == "none"
        if form_only_label:
            tally["form_only"][0] += r.channel == "form_only"
            tally["form_only"][1] += 1
            if r.channel != "form_only":
                misses.append(f"{row['file']} form-only: got channel {r.channel}")
        elif "@" in label:
            tally["no_false_form_only"][0] += r.channel != "form_only"
            tally["no_false_form_only"][1] += 1
        # informative fields (no target): present only when the folder's labels have the column
        enc = (row.get("encryption") or "unknown").split(" ")[0].lower()
        want_enc = {"required": "required", "if-possible": "preferred", "offered-key": "preferred",
                    "not-mentioned": "not_mentioned"}.get(enc)
        if want_enc:
            tally["encryption"][0] += r.encryption.value == want_enc
            tally["encryption"][1] += 1
            if r.encryption.value != want_enc:
                misses.append(f"{row['file']} encryption: want {want_enc} got {r.encryption.value}")
        ibd = (row.get("shares_with_ibd") or "unknown").lower()
        if ibd.startswith(("yes", "no")):
            ok = any(f.value == "IBD" for f in r.shares_with) == ibd.startswith("yes")
            tally["shares_ibd"][0] += ok
            tally["shares_ibd"][1] += 1
            if not ok:
                misses.append(f"{row['file']} IBD sharing: want {ibd} got {[f.value for f in r.shares_with]}")
    for raw in raws:  # warm-up: regular expressions compile on first use, once per process
        read_policy(raw)
    per_page, baseline, cpu = [], [], []
    for _ in range(runs):
        for raw in raws:
            t0, c0 = time.perf_counter(), time.process_time()
            read_policy(raw)
            per_page.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            t0 = time.perf_counter()
            extract(raw)
            baseline.append(time.perf_counter() - t0)
    print(f"pages: {len(rows)}")
    print(f"e-mail exactly right, pages that name one:      {pct(*tally['email_named'])}   (target >= 95 %)")
    print(f"no e-mail invented, pages that name none:        {pct(*tally['email_none'])}")
    print(f"response time right, pages that state one:       {pct(*tally['response_stated'])}   (target >= 90 %)")
    print(f"response unknown, pages that state none:         {pct(*tally['response_none'])}")
    print(f"form-only recognised:                            {pct(*tally['form_only'])}   (target >= 90 %)")
    print(f"e-mail pages not called form-only:               {pct(*tally['no_false_form_only'])}")
    print(f"(informative) encryption stance right:           {pct(*tally['encryption'])}")
    print(f"(informative) sharing with the IBD right:       {pct(*tally['shares_ibd'])}")
    med, worst = statistics.median(per_page) * 1000, max(per_page) * 1000
    p95 = sorted(per_page)[int(len(per_page) * 0.95)] * 1000
    ratio = statistics.median(per_page) / max(statistics.median(baseline), 1e-9)
    print(f"time a page: median {med:.2f} ms, 95th percentile {p95:.2f} ms, max {worst:.2f} ms (target < 100 ms); "
          f"{ratio:.1f}x the extract baseline ({statistics.median(baseline) * 1000:.2f} ms)")
    print("CPU time a page (what the reader itself costs on a busy machine): "
          f"mean {statistics.fmean(cpu) * 1000:.2f} ms, "
          f"max {max(cpu) * 1000:.2f} ms")
    if verbose and misses:
        print("\nmisses:\n  " + "\n  ".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
