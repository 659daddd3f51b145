"""A real DNS server (dnslib) on loopback, UDP and TCP on one port, with the recipe's fixes:
NODATA is not NXDOMAIN, and truncation keeps the question so dnspython retries over TCP."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from dnslib import QTYPE, RCODE, RD, RR, DNSRecord
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer

SOA = "@ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300"


def openpgpkey_owner(address: str) -> str:
    """RFC 7929 owner name (the test's own oracle; gpg --export-options export-dane agrees)."""
    local, domain = address.rsplit("@", 1)
    return hashlib.sha256(local.encode()).hexdigest()[:56] + "._openpgpkey." + domain + "."


class ZoneResolver(BaseResolver):
    def __init__(self) -> None:
        self.rrs: list[RR] = []
        self.silent: set[str] = set()  # names the server never answers (timeout tests)
        self.servfail: set[str] = set()
        self.ad = False  # set the AD bit (pretend the resolver validated DNSSEC)

    def add_zone(self, text: str, origin: str) -> None:
        self.rrs += RR.fromZone(f"$ORIGIN {origin.rstrip('.')}.\n$TTL 300\n{SOA}\n{text}")

    def add(self, rr: RR) -> None:
        self.rrs.append(rr)

    def add_openpgpkey(self, address: str, key: bytes) -> None:
        self.rrs.append(RR(openpgpkey_owner(address), QTYPE.OPENPGPKEY, rdata=RD(key), ttl=300))

    def resolve(self, request: DNSRecord, handler: Any) -> DNSRecord | None:
        reply = request.reply()
        q = request.q
        name = str(q.qname).lower()
        if name in self.silent:
            return None
        if name in self.servfail:
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        for rr in self.rrs:
            if str(rr.rname).lower() == name and (q.qtype in (rr.rtype, QTYPE.ANY)
                                                 or (rr.rtype == QTYPE.CNAME and q.qtype != QTYPE.CNAME)):
                reply.add_answer(rr)
        # follow CNAMEs inside our own data, as a recursive resolver would
        seen = set()
        while reply.rr and reply.rr[-1].rtype == QTYPE.CNAME and q.qtype != QTYPE.CNAME:
            target = str(reply.rr[-1].rdata).lower()
            if target in seen:
                break
            seen.add(target)
            found = [rr for rr in self.rrs if str(rr.rname).lower() == target
                     and rr.rtype in (q.qtype, QTYPE.CNAME)]
            if not found:
                break
            for rr in found:
                reply.add_answer(rr)
        if not reply.rr:
            soa = next((rr for rr in self.rrs if rr.rtype == QTYPE.SOA and name.endswith(str(rr.rname).lower())),
                       None)
            if soa is not None:
                reply.add_auth(soa)
            if not any(str(rr.rname).lower() == name for rr in self.rrs):
                reply.header.rcode = RCODE.NXDOMAIN
        # dnslib's reply() copies the query's flags, so the AD bit a client asks with would come
        # back set: answer with AD only when this server pretends to validate.
        reply.header.ad = 1 if self.ad else 0
        return reply


class TruncatingHandler(DNSHandler):
    """UDP reply over 512 bytes -> TC=1 with the question kept (dnslib's own drops it)."""

    def get_reply(self, data: bytes) -> bytes:
        request = DNSRecord.parse(data)
        reply = self.server.resolver.resolve(request, self)
        if reply is None:  # a server that never answers
            return b""
        rdata = reply.pack()
        if self.protocol == "udp" and len(rdata) > 512:
            reply.rr, reply.auth, reply.ar = [], [], []
            reply.header.tc = 1
            rdata = reply.pack()
        return rdata

    def handle(self) -> None:
        try:
            super().handle()
        except Exception:
            pass


class LocalDNS:
    def __init__(self, resolver: ZoneResolver | None = None, host: str = "127.0.0.1") -> None:
        quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
        self.resolver = resolver or ZoneResolver()
        # The TCP server wants the UDP server's port number, which another socket may hold already:
        # then take a new pair (bounded, so a real failure still shows).
        for attempt in range(20):
            self.udp = DNSServer(self.resolver, port=0, address=host, logger=quiet, handler=TruncatingHandler)
            self.port = self.udp.server.server_address[1]
            try:
                self.tcp = DNSServer(self.resolver, port=self.port, address=host, tcp=True, logger=quiet,
                                     handler=TruncatingHandler)
                break
            except OSError:
                self.udp.server.server_close()
                if attempt == 19:
                    raise
        self.host = host

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def start(self) -> LocalDNS:
        for s in (self.udp, self.tcp):
            s.server.daemon_threads = True
            threading.Thread(target=s.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        for s in (self.udp, self.tcp):
            s.server.shutdown()
            s.server.server_close()

    def __enter__(self) -> LocalDNS:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
