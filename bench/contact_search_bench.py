"""Benchmark (issue 13): from a bare host to a contact with provenance when security.txt is absent.

Real HTTPS on loopback (the test suite's trustme CA and server, tests/servers/), a fresh Fetcher per
run, the same safe rules as in use (verified TLS, size caps, one deadline). Scenarios:

  baseline    a valid security.txt answers (net.discovery.discover alone; the old path)
  home_link   no security.txt; the home page's footer links to the policy page
  well_known  no security.txt; the policy page at the LAST well-known path on the www host, and no
              home page anywhere (the worst case: every path on both hosts)
  www_home    the same page, but the bare host sends its home page to www (as most sites do), so
              only www's paths are tried
  directory   nothing online; the directory names the contact (every online step tried first)

Prints the median and the worst of N runs per scenario and each one's ratio to the baseline.
Target: every scenario under 2 s on loopback.

Run: python bench/contact_search_bench.py [RUNS]
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cvd_reporter.app.contacts import search_contacts  # noqa: E402
from cvd_reporter.app.directory import import_file  # noqa: E402
from cvd_reporter.core.contacts import WELL_KNOWN_PATHS  # noqa: E402
from cvd_reporter.net.discovery import discover  # noqa: E402
from cvd_reporter.net.http import Fetcher  # noqa: E402
from tests.servers.https import LocalHTTPS, redirect  # noqa: E402
from tests.servers.pki import make_pki  # noqa: E402
from tests.support.policy_sites import home_page, policy_page  # noqa: E402

HOSTS = ("gemeente.test", "www.gemeente.test", "other.test", "www.other.test")
NOW = dt.datetime.now(dt.timezone.utc)


def fetcher(https: LocalHTTPS, pki) -> Fetcher:
    return Fetcher(ca_bundle=pki.ca_pem, connect_to={(h, 443): (https.host, https.port) for h in HOSTS},
                   timeout=10)


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    work = Path(tempfile.mkdtemp(prefix="cvd-bench-"))
    pki = make_pki(work / "pki")
    home = work / "home"
    listing = work / "bench.yaml"
    listing.write_text("schema: cvd-directory/1\norganisations:\n  - name: Gemeente Voorbeeld\n"
                       "    domains: [gemeente.test]\n    contacts: [mailto:ciso@werkorganisatie.example]\n"
                       "    source: {url: null, seen: 2026-12-01}\n")
    import_file(home, listing, NOW.date())
    results: dict[str, list[float]] = {}
    with LocalHTTPS(pki.chain, pki.key) as https:
        def check(found, kind: str) -> None:
            assert found.contacts and found.contacts[0].source.kind == kind, [s.to_dict() for s in found.steps]

        https.add("/.well-known/security.txt", "Contact: mailto:security@gemeente.test\n"
                  "Expires: 2030-01-01T00:00:00Z\n", host="gemeente.test")
        results["baseline"] = timed(lambda: discover("gemeente.test", fetcher(https, pki), now=NOW), runs)
        https.clear()
        https.add("/", home_page(("/over-ons/kwetsbaarheid-melden", "Kwetsbaarheid melden")), host="gemeente.test")
        https.add("/over-ons/kwetsbaarheid-melden", policy_page("ciso@werkorganisatie.example"), host="gemeente.test")
        results["home_link"] = timed(lambda: check(search_contacts(
            "gemeente.test", fetcher(https, pki), now=NOW, home=home), "policy_page"), runs)
        https.clear()
        https.add(WELL_KNOWN_PATHS[-1], policy_page("ciso@werkorganisatie.example"), host="www.gemeente.test")
        results["well_known"] = timed(lambda: check(search_contacts(
            "gemeente.test", fetcher(https, pki), now=NOW, home=home), "policy_page"), runs)
        https.add("/", redirect("https://www.gemeente.test/", 301), host="gemeente.test")
        https.add("/", home_page(), host="www.gemeente.test")
        results["www_home"] = timed(lambda: check(search_contacts(
            "gemeente.test", fetcher(https, pki), now=NOW, home=home), "policy_page"), runs)
        https.clear()
        results["directory"] = timed(lambda: check(search_contacts(
            "gemeente.test", fetcher(https, pki), now=NOW, home=home), "directory"), runs)
    base = statistics.median(results["baseline"])
    print(f"{'scenario':<12} {'median s':>9} {'worst s':>8} {'x baseline':>11}  (runs: {runs})")
    for name, times in results.items():
        median = statistics.median(times)
        print(f"{name:<12} {median:>9.3f} {max(times):>8.3f} {median / base:>11.1f}"
              + ("" if name == "baseline" else ("  ok (< 2 s)" if max(times) < 2 else "  OVER 2 s")))


if __name__ == "__main__":
    main()
