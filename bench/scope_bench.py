"""Benchmark (issue 5): the scope command on big batches. Run: python bench/scope_bench.py [--hosts N]

1. 10,000 host targets from stdin (``scope --json-lines -``) against a local DNS server: concurrent
   lookups (the default pool, --jobs 32) against the same lookups one after another (--jobs 1), in
   the same run. Target: at least 5x faster.
   The local server (FastDNS below) answers every query after a fixed delay (--latency, default 2 ms):
   a resolver on the network is never instant, and that wait is what a pool overlaps. With zero
   delay both runs only measure Python's CPU time on 2 cores, which no pool can multiply.
2. Normalising 100,000 URLs (hosts, tricks, IDNs, IPv4 forms) in one process. Target: under 2 s.
   Baseline in the same run: urllib.parse.urlsplit on the same URLs (which checks almost nothing).
3. Memory as the batch grows: peak RSS of the whole process for 1,000 and for 10,000 targets.
   Target: flat (the 10k run within a few MB of the 1k run): input and output are streamed.
"""

from __future__ import annotations

import argparse
import heapq
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from dnslib import AAAA, CNAME, QTYPE, RR, A, DNSHeader, DNSLabel, DNSQuestion, DNSRecord

from cvd_reporter.core.scope import normalise

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _question(wire: bytes) -> bytes:
    """The question section of a DNS message (name, type, class), lower-cased: the lookup key."""
    i = 12
    while i < len(wire) and wire[i]:
        i += wire[i] + 1
    return wire[12:i + 5].lower()


class FastDNS:
    """A lean local DNS responder for the benchmark: every answer is packed once at start (with
    dnslib), a query costs a dict lookup, and each answer leaves after a fixed delay, scheduled on a
    heap by one sender thread (like a resolver with that round-trip time, without a thread per query).
    The tests use the full dnslib server; here its CPU time would be counted against the client,
    since both share the machine's two cores."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.answers: dict[bytes, bytes] = {}
        self.queries = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.heap: list[tuple[float, int, bytes, tuple[str, int]]] = []
        self.cond = threading.Condition()
        self.stopped = False

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def add(self, name: str, rrs_by_type: dict[int, list[RR]]) -> None:
        for qtype, rrs in rrs_by_type.items():
            reply = DNSRecord(DNSHeader(qr=1, aa=1, ra=1, rd=1), q=DNSQuestion(name, qtype))
            for rr in rrs:
                reply.add_answer(rr)
            wire = bytes(reply.pack())
            self.answers[_question(wire)] = wire[2:]

    def _receive(self) -> None:
        seq = 0
        while not self.stopped:
            try:
                data, addr = self.sock.recvfrom(2048)
            except OSError:
                return
            answer = self.answers.get(_question(data))
            if answer is None:
                reply = DNSRecord.parse(data).reply()
                reply.header.rcode = 3  # NXDOMAIN
                answer = bytes(reply.pack())[2:]
            self.queries += 1
            seq += 1
            with self.cond:
                heapq.heappush(self.heap, (time.monotonic() + self.latency, seq, data[:2] + answer, addr))
                self.cond.notify()

    def _send(self) -> None:
        while True:
            with self.cond:
                while not self.stopped and (not self.heap or self.heap[0][0] > time.monotonic()):
                    self.cond.wait(self.heap[0][0] - time.monotonic() if self.heap else None)
                if self.stopped:
                    return
                _, _, wire, addr = heapq.heappop(self.heap)
            self.sock.sendto(wire, addr)

    def __enter__(self) -> FastDNS:
        for target in (self._receive, self._send):
            threading.Thread(target=target, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped = True
        with self.cond:
            self.cond.notify_all()
        self.sock.close()


def hosts(n: int) -> list[str]:
    return [f"h{i}.gemeente{i % 50}.test" for i in range(n)]


def fill(server: FastDNS, names: list[str]) -> None:
    for i, name in enumerate(names):
        a = RR(name, QTYPE.A, rdata=A(f"192.0.{(i >> 8) & 255}.{i & 255}"), ttl=60)
        aaaa = RR(name, QTYPE.AAAA, rdata=AAAA(f"2001:db8::{i:x}"), ttl=60)
        if i % 10 == 0:  # every tenth host is an alias into a provider's domain
            target = f"t{i}.saasprovider.test"
            alias = RR(name, QTYPE.CNAME, rdata=CNAME(target), ttl=60)
            a.rname, aaaa.rname = DNSLabel(target), DNSLabel(target)
            server.add(name, {QTYPE.A: [alias, a], QTYPE.AAAA: [alias, aaaa]})
        else:
            server.add(name, {QTYPE.A: [a], QTYPE.AAAA: [aaaa]})


def run_scope(server: str, names: list[str], jobs: int, policy: str, output: str = "--json-lines"
              ) -> tuple[float, int, int]:
    """Wall time, peak RSS (KiB) and output lines of one `scope --json-lines -` process."""
    data = ("\n".join(names) + "\n").encode()
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stdout:
        stdin.write(data)
        stdin.seek(0)
        env = dict(os.environ, PYTHONPATH=str(ROOT), CVD_REPORTER_HOME=tempfile.gettempdir() + "/cvd-bench-home")
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "cvd_reporter", "scope", output, "--no-securitytxt",
                                 "--policy", policy, "--dns-server", server, "--timeout", "10", "--jobs", str(jobs),
                                 "-"], stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err = proc.stderr.read().decode() if proc.stderr else ""
        code = os.waitstatus_to_exitcode(status)
        assert code in (0, 4), f"scope exited {code}: {err[-500:]}"
        stdout.seek(0)
        lines = sum(1 for _ in stdout)
    return wall, usage.ru_maxrss, lines


def urls(n: int) -> list[str]:
    forms = [
        "https://www{i}.gemeente{j}.nl/loket/zoek?q={i}", "HTTPS://Loket{i}.Gemeente{j}.NL.:443/a/../b",
        "https://gemeente{j}.nl@evil{i}.example/", "https:\\\\portal{i}.gemeente{j}.nl\\x", "gemeente{j}.nl/p/{i}",
        "https://%67emeente{j}.nl/{i}", "http://{ip}/", "https://[2001:db8::{v6}]:8443/",
        "https://bücher{j}.de/{i}", "h{i}.gemeente{j}.nl",
    ]
    # nearly every host distinct (a per-host cache must not flatter the figure); IDNs repeat, as they do
    return [forms[i % len(forms)].format(i=i, j=i % 97, ip=3232235520 + i, v6=f"{i >> 16:x}:{i & 0xffff:x}")
            for i in range(n)]


def bench_normalise(n: int) -> None:
    items = urls(n)
    normalise(items[0])  # load the Public Suffix List once, as the first target of a batch does
    runs = []
    for _ in range(3):  # other processes share the 2 cores: report the median, and the CPU time
        normalise.__globals__["_host_info"].cache_clear()  # every run starts cold
        t0, c0 = time.perf_counter(), time.process_time()
        for u in items:
            normalise(u)
        runs.append((time.perf_counter() - t0, time.process_time() - c0))
    took, cpu = sorted(runs)[1]
    t0 = time.perf_counter()
    for u in items:
        urlsplit(u)
    base = time.perf_counter() - t0
    print(f"normalise {n:,} URLs: {took:.2f} s wall, {cpu:.2f} s CPU (median of 3; {took / n * 1e6:.1f} us each); "
          f"baseline urlsplit {base:.2f} s ({took / base:.1f}x)  target < 2 s: {'OK' if took < 2 else 'OVER'}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=10_000)
    ap.add_argument("--latency", type=float, default=0.002, help="DNS answer delay in seconds")
    args = ap.parse_args()

    bench_normalise(100_000)

    names = hosts(args.hosts)
    with FastDNS(args.latency) as dns, tempfile.TemporaryDirectory() as tmp:
        fill(dns, names)
        policy = Path(tmp) / "policy.yaml"
        domains = ", ".join(f"'*.gemeente{j}.test'" for j in range(50))
        policy.write_text(f"scope:\n  include:\n    domains: [{domains}]\n"
                          "    networks: [192.0.0.0/16, '2001:db8::/32']\n")
        # a quick warm-up (imports, the PSL file in the page cache)
        run_scope(dns.address, names[:50], 32, str(policy))

        conc, rss_10k, lines = run_scope(dns.address, names, 32, str(policy))
        assert lines == len(names), (lines, len(names))
        q_conc = dns.queries
        seq, _, lines = run_scope(dns.address, names, 1, str(policy))
        assert lines == len(names)
        _, rss_1k, _ = run_scope(dns.address, names[:1000], 32, str(policy))
        # control: --json keeps every result for its one document, so its memory must grow
        _, rss_json, _ = run_scope(dns.address, names, 32, str(policy), output="--json")

        print(f"{len(names):,} hosts, DNS answer delay {args.latency * 1000:.1f} ms, A + AAAA each "
              f"({q_conc:,} queries in the concurrent run incl. warm-up):")
        print(f"  sequential (--jobs 1):  {seq:6.2f} s  ({len(names) / seq:6.0f} targets/s)")
        print(f"  concurrent (--jobs 32): {conc:6.2f} s  ({len(names) / conc:6.0f} targets/s)")
        print(f"  speed-up: {seq / conc:.1f}x  target >= 5x: {'OK' if seq / conc >= 5 else 'UNDER'}")
        print(f"peak RSS: 1,000 targets {rss_1k / 1024:.1f} MiB, {len(names):,} targets {rss_10k / 1024:.1f} MiB "
              f"(+{(rss_10k - rss_1k) / 1024:.1f} MiB)  flat: {'OK' if rss_10k - rss_1k < 8 * 1024 else 'GROWS'}")
        print(f"  control: --json (one document, results kept) at {len(names):,} targets: {rss_json / 1024:.1f} MiB "
              f"(+{(rss_json - rss_1k) / 1024:.1f} MiB), so the measurement does see growth")


if __name__ == "__main__":
    main()
