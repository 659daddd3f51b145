"""Shared test data for the scope tests: a municipality's zone on the loopback DNS server (with a
SaaS provider's domain, NXDOMAIN, no-data, a name that never answers, a SERVFAIL) and its policy."""

from __future__ import annotations

import socket
from pathlib import Path

ZONE = """
@          IN A     192.0.2.10
@          IN AAAA  2001:db8:1::10
www        IN A     192.0.2.11
www        IN AAAA  2001:db8:1::11
alias      IN CNAME www.gemeente.test.
loket      IN CNAME gemeente.saasprovider.test.
hosted     IN A     198.51.100.7
intern     IN A     192.0.2.12
nodata     IN TXT   "no addresses here"
dangling   IN CNAME gone.saasprovider.test.
afspraken  IN CNAME gemeente.acme-saas.test.
"""
PROVIDER = """
gemeente   IN CNAME lb.eu.saasprovider.test.
lb.eu      IN A     203.0.113.50
lb.eu      IN AAAA  2001:db8:ffff::50
"""
ACME = """
gemeente   IN A     203.0.113.80
"""
SILENT = "slow.gemeente.test."
SERVFAIL = "broken.gemeente.test."

POLICY_YAML = """\
# The scope section of a policy, as a user would write it.
scope:
  include:
    domains: [gemeente.test, "*.gemeente.test"]
    networks: [192.0.2.0/24, "2001:db8:1::/48"]
  exclude:
    domains:
      - {domain: intern.gemeente.test, note: Internal systems}
    applications:
      - name: Afspraken (Acme)
        domains: ["*.acme-saas.test"]
        contact: https://acme.test/security
    note: Systems of suppliers are out of scope.
"""


def load_zone(dns) -> None:
    dns.resolver.add_zone(ZONE, "gemeente.test")
    dns.resolver.add_zone(PROVIDER, "saasprovider.test")
    dns.resolver.add_zone(ACME, "acme-saas.test")
    dns.resolver.silent.add(SILENT)
    dns.resolver.servfail.add(SERVFAIL)


def write_policy(folder: Path, text: str = POLICY_YAML) -> str:
    path = folder / "policy.yaml"
    path.write_text(text, "utf-8")
    return str(path)


def closed_udp_port() -> int:
    """A loopback port where no DNS server listens (a resolver that is down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
