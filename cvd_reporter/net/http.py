"""The one HTTPS client: every fetch of security.txt, keys, WKD, VKS and API calls goes through it.

Rules (the reporter's safety, issue 3):
- https only, certificates always verified (system trust + ``--ca-bundle``), also on every redirect;
- redirects followed by hand, at most ``max_redirects``, never to http, each hop recorded;
- the body is streamed and capped at ``max_bytes``; one total deadline covers connect, headers and
  body, so a server that drips a byte a second cannot stretch it (a watchdog shuts the socket);
- a name that resolves to a loopback, private, link-local or otherwise non-public address is refused
  unless ``allow_private`` (split-horizon DNS or rebinding); ``--connect-to`` mappings are the user's
  own choice and always allowed. The checked address is the one connected to (no second lookup);
- no proxies, no .netrc, no environment CA overrides (``trust_env=False``): only our settings count.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPSConnectionPool

from cvd_reporter import __version__
from cvd_reporter.errors import NetworkError
from cvd_reporter.net.deadline import SocketDeadline
from cvd_reporter.net.tls import make_ssl_context
from cvd_reporter.settings import Settings

USER_AGENT = f"cvd-reporter/{__version__} (+https://pypi.org/project/cvd-reporter/)"
REDIRECT_CODES = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Hop:
    url: str
    status: int
    location: str | None = None
    address: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "location": self.location, "address": self.address}


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    chain: list[Hop] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


class PrivateAddressRefused(Exception):
    """Raised inside the connection; deliberately not an OSError so urllib3 does not retry or wrap it."""

    def __init__(self, host: str, address: str):
        super().__init__(host, address)
        self.host, self.address = host, address


# IPv6 prefixes that carry an IPv4 address in their low bits and reach it through a translator or
# tunnel: NAT64 (RFC 6052 §2.1, well-known prefix; RFC 8215 local-use prefix) and the deprecated
# IPv4-compatible form (RFC 4291 §2.5.5.1). 6to4 (RFC 3056) carries it in bits 16-47.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def is_public_address(address: str) -> bool:
    """May we connect here? Public unicast only; an IPv6 form that wraps an IPv4 address (mapped,
    NAT64, 6to4, IPv4-compatible) is judged by the IPv4 address it reaches. Python's own ``is_global``
    differs between versions for these prefixes, so the rule is spelled out here."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL or ip.teredo is not None:
            return False  # a site's own translator, or a tunnel whose far end we cannot judge
        inner = _embedded_ipv4(ip)
        if inner is not None:
            ip = inner
    return ip.is_global and not ip.is_multicast


class _CallState(SocketDeadline):
    """The call's deadline, plus the address of the last connection (recorded in each Hop)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.last_peer: str | None = None

    def register(self, sock: socket.socket) -> None:
        super().register(sock)
        try:
            self.last_peer = sock.getpeername()[0]
        except OSError:
            pass


def _adapter(fetcher: Fetcher, state: _CallState) -> HTTPAdapter:
    connect_map = fetcher.connect_map

    class Conn(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            host = self.host.lower().rstrip(".")
            target = connect_map.get((host, self.port))
            if target is None:
                target = (fetcher.resolve_checked(host, self.port), self.port)
            sock = urllib3.util.connection.create_connection(
                target, self.timeout, source_address=self.source_address, socket_options=self.socket_options)
            state.register(sock)
            return sock

    class Pool(HTTPSConnectionPool):
        ConnectionCls = Conn

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            kwargs["ssl_context"] = fetcher.ssl_context
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"https": Pool}

    return Adapter(max_retries=0)


class Fetcher:
    """HTTPS fetches under the rules above. Cheap to create; thread-safe per call."""

    def __init__(
        self,
        *,
        ca_bundle: str | None = None,
        connect_to: Mapping[tuple[str, int], tuple[str, int]] | None = None,
        timeout: float = 10.0,
        allow_private: bool = False,
        resolver: Callable[[str, int], list[str]] | None = None,
    ) -> None:
        self.ca_bundle = ca_bundle
        self.connect_map = {(h.lower(), p): t for (h, p), t in (connect_to or {}).items()}
        self.timeout = timeout
        self.allow_private = allow_private
        self._resolver = resolver or _system_resolve
        self.ssl_context = make_ssl_context(ca_bundle)

    @classmethod
    def from_settings(cls, settings: Settings, *, allow_private: bool = False) -> Fetcher:
        """The fetcher for a command: --ca-bundle, --connect-to, --timeout, and --dns-server for the
        names it connects to (so the private-address rule sees what that resolver says)."""
        resolver = _dns_resolver(settings) if settings.dns_server else None
        return cls(ca_bundle=settings.ca_bundle, connect_to=settings.connect_map,
                   timeout=settings.timeout, allow_private=allow_private, resolver=resolver)

    # ---- name resolution with the private-address rule ---------------------------------
    def resolve_checked(self, host: str, port: int) -> str:
        try:
            addresses = self._resolver(host, port)
        except OSError as e:
            raise NetworkError.t("net.http.dns_failed", code="dns_failed", host=host,
                                 reason=str(e.strerror or e)) from None
        if not addresses:
            raise NetworkError.t("net.http.no_address", code="dns_failed", host=host)
        if not self.allow_private:
            for address in addresses:
                if not is_public_address(address):
                    raise PrivateAddressRefused(host, address)
        return addresses[0]

    # ---- requests ------------------------------------------------------------------------
    def get(self, url: str, *, max_bytes: int, max_redirects: int = 5, accept: str = "*/*",
            timeout: float | None = None, headers: Mapping[str, str] | None = None) -> FetchResult:
        """GET ``url`` following at most ``max_redirects`` https redirects within one deadline."""
        return self.request("GET", url, max_bytes=max_bytes, max_redirects=max_redirects,
                            timeout=timeout, headers={"Accept": accept, **(headers or {})})

    def request(self, method: str, url: str, *, max_bytes: int, max_redirects: int = 0,
                timeout: float | None = None, headers: Mapping[str, str] | None = None,
                body: Any = None) -> FetchResult:
        deadline = timeout if timeout is not None else self.timeout
        start = time.monotonic()
        state = _CallState(deadline).__enter__()
        session = requests.Session()
        session.trust_env = False  # no proxies, .netrc credentials or env CA overrides
        session.mount("https://", _adapter(self, state))
        session.mount("http://", HTTPAdapter(max_retries=0))  # never used: http is refused first
        chain: list[Hop] = []
        seen: set[str] = set()
        current = url
        try:
            while True:
                _require_https(current, first=not chain)
                if current in seen:
                    raise NetworkError.t("net.http.redirect_loop", code="redirect_loop",
                                         data={"chain": [h.to_dict() for h in chain]}, host=_host(url))
                seen.add(current)
                remaining = deadline - (time.monotonic() - start)
                if remaining <= 0:
                    raise _deadline_error(url, deadline)
                resp = self._one(session, method, current, headers, body, remaining, max_bytes, state, deadline, url)
                status, resp_headers, content = resp
                location = resp_headers.get("location") if status in REDIRECT_CODES else None
                chain.append(Hop(current, status, location, state.last_peer))
                if location is None or method != "GET":
                    return FetchResult(url=url, final_url=current, status=status, headers=resp_headers,
                                       body=content, chain=chain, elapsed=time.monotonic() - start)
                if len(chain) > max_redirects:
                    raise NetworkError.t("net.http.too_many_redirects", code="too_many_redirects",
                                         data={"chain": [h.to_dict() for h in chain]}, host=_host(url),
                                         n=max_redirects)
                current = urljoin(current, location)
                if urlsplit(current).scheme.lower() != "https":
                    raise NetworkError.t("net.http.insecure_redirect", code="insecure_redirect",
                                         data={"chain": [h.to_dict() for h in chain]}, host=_host(url),
                                         url=current)
        except PrivateAddressRefused as e:
            raise NetworkError.t("net.http.private_address", code="private_address", host=e.host,
                                 address=e.address) from None
        finally:
            session.close()
            state.__exit__(None, None, None)

    def _one(self, session: requests.Session, method: str, url: str, headers: Mapping[str, str] | None,
             body: Any, remaining: float, max_bytes: int, state: _CallState, deadline: float,
             first_url: str) -> tuple[int, dict[str, str], bytes]:
        hdrs = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})}
        try:
            with session.request(method, url, headers=hdrs, data=body, stream=True, allow_redirects=False,
                                 timeout=(min(remaining, self.timeout), min(remaining, self.timeout))) as r:
                resp_headers = {k.lower(): v for k, v in r.headers.items()}
                if r.status_code in REDIRECT_CODES:
                    return r.status_code, resp_headers, b""
                declared = resp_headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise NetworkError.t("net.http.announced_too_large", code="too_large", host=_host(url),
                                         size=f"{int(declared):,}", limit=f"{max_bytes:,}")
                buf = bytearray()
                for chunk in r.iter_content(16384):
                    buf += chunk
                    if len(buf) > max_bytes:
                        raise NetworkError.t("net.http.too_large", code="too_large", host=_host(url),
                                             limit=f"{max_bytes:,}")
                    if state.expired:
                        raise _deadline_error(first_url, deadline)
                if state.expired:  # a read cut short by the watchdog can look like a clean end
                    raise _deadline_error(first_url, deadline)
                return r.status_code, resp_headers, bytes(buf)
        except NetworkError:
            raise
        except requests.exceptions.SSLError as e:
            if state.expired:
                raise _deadline_error(first_url, deadline) from None
            raise NetworkError.t("net.http.invalid_cert", code="invalid_cert", host=_host(url),
                                 reason=_reason(e)) from None
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as e:
            if state.expired:
                raise _deadline_error(first_url, deadline) from None
            if isinstance(e, requests.exceptions.Timeout):
                raise NetworkError.t("net.http.timeout", code="timeout", host=_host(url),
                                     seconds=f"{deadline:g}") from None
            inner = e.args[0] if e.args else e
            reason = getattr(inner, "reason", None)
            if isinstance(reason, PrivateAddressRefused):
                raise reason from None
            if isinstance(inner, PrivateAddressRefused):
                raise inner from None
            raise NetworkError.t("net.http.connection_failed", code="connection_failed", host=_host(url),
                                 reason=_reason(e)) from None


def _reason(e: BaseException) -> str:
    text = str(e)
    for marker in ("certificate verify failed: ", "Hostname mismatch", "Connection refused", "Name or service"):
        if marker in text:
            i = text.index(marker)
            return text[i:].split("'", maxsplit=1)[0].split(")", maxsplit=1)[0].strip()
    return type(e).__name__


def _deadline_error(url: str, deadline: float) -> NetworkError:
    return NetworkError.t("net.http.deadline", code="deadline", host=_host(url), seconds=f"{deadline:g}")


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _require_https(url: str, *, first: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise NetworkError.t("net.http.insecure_url", code="insecure_url" if first else "insecure_redirect", url=url)


def _dns_resolver(settings: Settings) -> Callable[[str, int], list[str]]:
    """A/AAAA lookups through --dns-server (dnspython); failures become OSError like getaddrinfo's."""
    # dnspython (~100 ms) only with --dns-server: the ordinary path resolves through getaddrinfo.
    import dns.exception  # noqa: PLC0415 - see above
    import dns.resolver  # noqa: PLC0415 - see above

    from cvd_reporter.net.dns import make_resolver  # noqa: PLC0415 - see above

    resolver = make_resolver(settings)

    def resolve(host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host))]  # an address needs no lookup
        except ValueError:
            pass
        found: list[str] = []
        for rdtype in ("A", "AAAA"):
            try:
                found += [r.address for r in resolver.resolve(host, rdtype)]
            except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN):
                continue
            except dns.exception.DNSException as e:
                raise OSError(f"DNS lookup failed ({type(e).__name__})") from None
        if not found:
            raise OSError(f"no A or AAAA record for {host}")
        return found

    return resolve


def _system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        addr = str(info[4][0])
        if addr not in seen:
            seen.append(addr)
    return seen
