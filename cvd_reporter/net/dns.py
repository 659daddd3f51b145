"""The one DNS resolver factory (dnspython). ``--dns-server`` selects an explicit server;
otherwise the system configuration. Every wait is bounded by the total ``timeout``."""

from __future__ import annotations

import dns.flags
import dns.resolver

from cvd_reporter.errors import NetworkError
from cvd_reporter.settings import Settings


def make_resolver(settings: Settings | None = None, *, server: tuple[str, int] | None = None,
                  timeout: float | None = None) -> dns.resolver.Resolver:
    """A resolver honouring ``--dns-server`` and ``--timeout`` (lifetime = total deadline)."""
    server = server or (settings.dns_server if settings is not None else None)
    total = timeout if timeout is not None else (settings.timeout if settings is not None else 10.0)
    if server:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [server[0]]
        resolver.port = server[1]
    else:
        try:
            resolver = dns.resolver.Resolver()
        except (dns.resolver.NoResolverConfiguration, OSError) as e:
            raise NetworkError.t("net.dns.no_resolver", code="dns_failed", reason=str(e)) from None
    resolver.lifetime = total
    resolver.timeout = min(2.0, total)
    resolver.cache = None
    # Ask for DNSSEC validation status: the AD bit tells whether the resolver validated the answer.
    resolver.use_edns(0, dns.flags.DO, 1232)
    resolver.flags = (resolver.flags or 0) | dns.flags.AD | dns.flags.RD
    return resolver
