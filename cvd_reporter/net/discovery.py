"""Find the security.txt that covers a target, safely (RFC 9116 §3, §3.1, §5.2, §5.4).

Every fetch goes through :class:`~cvd_reporter.net.http.Fetcher` (https only, verified TLS, at most 5
redirects and never to http, no private addresses unless allowed, one deadline). On top of that:

- per host, ``/.well-known/security.txt`` first, then the legacy ``/security.txt`` (finding ``location``);
- a body is capped at the RFC's 32 KiB; an HTML page (soft-404) or an empty body counts as "no file";
- Content-Type must be ``text/plain`` (case-insensitive, RFC 2045 §5.1) and the charset, if given, utf-8;
- when the host has no file, its parent domains up to the registrable domain (Public Suffix List,
  offline) are tried, and a file found there is reported as covering the parent, not the host;
- a redirect to another registrable domain is reported as a scope change (``cross_domain_redirect``);
- finding the file is one network operation with one total deadline (``--timeout``); fetching the
  key behind an https Encryption field to verify the signature is a second one.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cvd_reporter.core.domains import parent_domains, registrable_domain
from cvd_reporter.core.findings import Finding, Said, shown, tr
from cvd_reporter.core.i18n import N_, say
from cvd_reporter.core.securitytxt import (
    CODES,
    LEGACY_PATH,
    MAX_BYTES,
    WELL_KNOWN_PATH,
    SecurityTxt,
    apply_signature,
    looks_like_html,
    parse,
    verify_signature,
)
from cvd_reporter.core.target import WEB_SCHEMES, Target
from cvd_reporter.core.target import parse_target as parse_target_text
from cvd_reporter.errors import DiscoveryError, NetworkError, TargetError
from cvd_reporter.net.http import Fetcher, FetchResult

MAX_REDIRECTS = 5
KEY_MAX_BYTES = 1 << 20  # an OpenPGP certificate with many signatures is rarely above 100 KiB
MAX_KEY_URLS = 3
# These failures say nothing about the other path on the same host being different: skip it.
_HOST_FATAL = {"dns_failed", "connection_failed", "invalid_cert", "private_address", "timeout", "deadline"}
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?")


@dataclass(frozen=True)
class Origin:
    """Where discovery fetches from: a host and a port, always over https."""

    host: str  # lower-case A-label host name or IP address (no brackets)
    port: int | None  # None for 443

    def url(self, path: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}{f':{self.port}' if self.port else ''}{path}"

    @property
    def is_ip(self) -> bool:
        try:
            ipaddress.ip_address(self.host)
            return True
        except ValueError:
            return False


def parse_target(target: str) -> Origin:
    """A URL, ``host``, ``host:port`` or IP address -> the :class:`Origin` to fetch from.

    Parsed by the one target parser (:func:`cvd_reporter.core.target.parse_target`, the URL
    Standard); on top of it discovery needs an http(s) URL and a host name DNS can hold (letters,
    digits and hyphens, RFC 1123 section 2.1). Raises TargetError (exit 3).
    """
    return _origin(_parse(target), target)


def _origin(t: Target, target: str) -> Origin:
    if t.scheme is not None and t.scheme not in WEB_SCHEMES:
        raise TargetError.t("target.not_web", target=repr(shown(target, 80)))
    if t.ip is None and not all(_LABEL.fullmatch(label) for label in t.host.split(".")):
        raise TargetError.t("target.not_a_target", target=repr(shown(target, 80)))
    return Origin(t.host, None if t.port in (None, 443) else t.port)


def _parse(target: str) -> Target:
    if any(c.isspace() for c in target.strip()):  # a browser would drop a tab; a host with one is a typo
        raise TargetError.t("target.not_a_target", target=repr(shown(target, 80)))
    return parse_target_text(target)


@dataclass
class Attempt:
    """One URL tried: what came back, in one sentence."""

    url: str
    outcome: str  # "found" | "not_found" | "http_status" | "html_page" | "empty" | a NetworkError code
    message: str
    status: int | None = None
    chain: list[dict[str, Any]] = field(default_factory=list)
    msgid: str | None = None  # the catalogue id of ``message`` (English), said in the reader's language
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def said(cls, url: str, outcome: str, said: Said, status: int | None = None,
             chain: list[dict[str, Any]] | None = None) -> Attempt:
        return cls(url, outcome, said.english, status, chain or [], said.msgid, said.params)

    def say(self, lang: str | None) -> str:
        return say(lang, self.msgid, **self.params) if self.msgid and lang not in (None, "en") else self.message

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "outcome": self.outcome, "status": self.status, "message": self.message,
                "chain": self.chain}


@dataclass
class Discovery:
    target: str
    host: str  # the target's host
    url: str  # where the file came from (the end of the redirect chain)
    requested_url: str  # the URL asked for (the start of the chain)
    chain: list[dict[str, Any]]  # every hop: url, status, location, address
    covers_host: bool  # False when the file came from a parent domain (RFC 9116 §3.1)
    from_parent: str | None
    cross_domain_redirect: bool
    security_txt: SecurityTxt
    findings: list[Finding]  # fetch-level findings; the file's own are in security_txt.findings
    tried: list[Attempt] = field(default_factory=list)
    content_type: str | None = None
    sha256: str = ""
    fetched_at: str = ""
    canonical_lists_source: bool | None = None  # None: the file has no Canonical
    canonical_lists_host: bool | None = None
    keys: list[dict[str, Any]] = field(default_factory=list)  # Encryption key fetches for the signature

    @property
    def all_findings(self) -> list[Finding]:
        return [*self.findings, *self.security_txt.findings]

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self.all_findings)

    def to_dict(self, *, include_findings: bool = True) -> dict[str, Any]:
        out = {
            "target": self.target, "host": self.host, "url": self.url, "requested_url": self.requested_url,
            "chain": self.chain, "covers_host": self.covers_host, "from_parent": self.from_parent,
            "cross_domain_redirect": self.cross_domain_redirect, "valid": self.valid,
            "canonical_lists_source": self.canonical_lists_source,
            "canonical_lists_host": self.canonical_lists_host,
            "content_type": self.content_type, "sha256": self.sha256, "fetched_at": self.fetched_at,
            "tried": [a.to_dict() for a in self.tried], "keys": self.keys,
            "security_txt": self.security_txt.to_dict(include_findings=include_findings),
        }
        if include_findings:
            out["findings"] = [f.to_dict() for f in self.findings]
        return out


def _finding(code: str, message: str | Said, **extra: Any) -> Finding:
    if isinstance(message, Said):
        return Finding(code, CODES[code][0], message.english, extra=extra, msgid=message.msgid,
                       params=message.params)
    return Finding(code, CODES[code][0], message, extra=extra)


def content_type_findings(value: str | None) -> list[Finding]:
    """RFC 9116 §3: ``text/plain``, charset utf-8 if a charset is given (sectxt's rule; internet.nl's too)."""
    if not value or not value.strip():
        return [_finding("no_content_type", tr("net.discovery.no_content_type"))]
    media, *params = (p.strip() for p in value.split(";"))
    out = []
    if media.lower() != "text/plain":
        out.append(_finding("invalid_media", tr("net.discovery.invalid_media", media=repr(media)), content_type=value))
    charset = None
    for p in params:
        name, _, v = p.partition("=")
        if name.strip().lower() == "charset":
            charset = v.strip().strip('"').lower()  # the last one wins, as in sectxt
    if charset is not None and charset not in ("utf-8", "csutf8"):
        out.append(_finding("invalid_charset", tr("net.discovery.invalid_charset", charset=repr(charset)),
                            content_type=value))
    return out


def _site(host: str) -> str:
    return registrable_domain(host) or host


def _hop_host(hop: dict[str, Any]) -> str:
    return (urlsplit(hop["url"]).hostname or "").lower()


class _Clock:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()


def _try(url: str, fetcher: Fetcher, clock: _Clock) -> tuple[Attempt, FetchResult | None]:
    if clock.left() <= 0:
        return Attempt.said(url, "deadline", tr("net.discovery.not_tried", url=url)), None
    try:
        r = fetcher.get(url, max_bytes=MAX_BYTES, max_redirects=MAX_REDIRECTS, accept="text/plain, */*;q=0.5",
                        timeout=clock.left())
    except NetworkError as e:
        return Attempt(url, e.code, e.message, chain=list(e.data.get("chain", [])), msgid=e.msgid,
                       params=e.params), None
    chain = [h.to_dict() for h in r.chain]
    if r.status != 200:
        outcome = "not_found" if r.status in (404, 410) else "http_status"
        return Attempt.said(url, outcome, tr("net.discovery.http_status", url=r.final_url, status=r.status),
                           r.status, chain), None
    head = r.body[:2048].decode("utf-8", "replace")
    if looks_like_html(head):
        return Attempt.said(url, "html_page", tr("net.discovery.html_page", url=r.final_url), r.status, chain), None
    if not r.body.strip():
        return Attempt.said(url, "empty", tr("net.discovery.empty", url=r.final_url), r.status, chain), None
    return Attempt.said(url, "found", tr("net.discovery.found", url=r.final_url), r.status, chain), r


def discover(target: str, fetcher: Fetcher, *, now: datetime, walk_parents: bool = True,
             user_keys: Sequence[bytes] = (), verify: bool = True) -> Discovery:
    """The security.txt that covers ``target`` (URL, host or domain), validated.

    Raises DiscoveryError ``no_security_txt`` (exit 5) when no usable file is found; ``data`` holds
    every URL tried and what came back.
    """
    t = parse_target(target)
    hosts = [t.host] + (parent_domains(t.host) if walk_parents and not t.is_ip else [])
    clock = _Clock(fetcher.timeout)
    tried: list[Attempt] = []
    for host in hosts:
        base = Origin(host, t.port if host == t.host else None)
        for path in (WELL_KNOWN_PATH, LEGACY_PATH):
            attempt, result = _try(base.url(path), fetcher, clock)
            tried.append(attempt)
            if result is not None:
                return _analyse(target, t, host, path, result, tried, fetcher, now, user_keys, verify)
            if attempt.outcome in _HOST_FATAL:
                break
        if tried[-1].outcome == "deadline":
            break
    raise _not_found(t.host, tried)


def fetch_url(url: str, fetcher: Fetcher, *, now: datetime, user_keys: Sequence[bytes] = (),
              verify: bool = True) -> Discovery:
    """Fetch and validate the security.txt at exactly ``url`` (``securitytxt check URL``)."""
    parsed = _parse(url)
    t = _origin(parsed, url)
    exact = t.url((parsed.path or "/") + (f"?{parsed.query}" if parsed.query else ""))
    attempt, result = _try(exact, fetcher, _Clock(fetcher.timeout))
    if result is None:
        raise _not_found(t.host, [attempt])
    return _analyse(url, t, t.host, None, result, [attempt], fetcher, now, user_keys, verify)


class NoSecurityTxt(DiscoveryError):
    """No usable security.txt: the count of URLs tried and the most telling attempt, in the reader's language."""

    def __init__(self, host: str, tried: list[Attempt]) -> None:
        interesting = [a for a in tried if a.outcome not in ("not_found",)] or tried
        self.host, self.count, self.first = host, len(tried), (interesting[0] if interesting else None)
        super().__init__(self.say("en"), code="no_security_txt",
                         data={"host": host, "tried": [a.to_dict() for a in tried]})

    def say(self, lang: str | None) -> str:
        reason = self.first.say(lang) if self.first else say(lang, "net.discovery.nothing_tried")
        return say(lang, "net.discovery.not_found", host=self.host, n=self.count, reason=reason)


def _not_found(host: str, tried: list[Attempt]) -> DiscoveryError:
    return NoSecurityTxt(host, tried)


def _analyse(target: str, t: Origin, host: str, path: str | None, r: FetchResult, tried: list[Attempt],
             fetcher: Fetcher, now: datetime, user_keys: Sequence[bytes], verify: bool) -> Discovery:
    urls = [r.url] if r.url == r.final_url else [r.url, r.final_url]
    stx = parse(r.body, now=now, urls=urls)
    chain = [h.to_dict() for h in r.chain]
    findings: list[Finding] = []
    for a in tried[:-1]:
        if a.outcome not in ("not_found", "http_status", "html_page", "empty", "deadline"):
            code = "invalid_cert" if a.outcome == "invalid_cert" else "fetch_failed"
            findings.append(_finding(code, f"{a.message} (another URL gave the file)", url=a.url))
    if path == LEGACY_PATH:
        findings.append(_finding("location", tr("net.discovery.location", url=r.url, path=WELL_KNOWN_PATH), url=r.url))
    findings += content_type_findings(r.headers.get("content-type"))
    first_site = _site(urlsplit(r.url).hostname or host)
    other = next((_hop_host(h) for h in chain[1:] if _site(_hop_host(h)) != first_site), None)
    if other:
        findings.append(_finding(
            "cross_domain_redirect",
            tr("net.discovery.cross_domain", url=r.url, other=other, site=_site(other), first=first_site),
            from_domain=first_site, to_domain=_site(other)))
    from_parent = host if host != t.host else None
    has_canonical = bool(stx.canonical)
    lists_source = any(stx.canonical_lists(u) for u in urls) if has_canonical else None
    own_url = t.url(WELL_KNOWN_PATH)
    lists_host = stx.canonical_lists(own_url) if has_canonical else None
    if from_parent:
        msgid = (N_("net.discovery.parent_domain.no_canonical") if not has_canonical else
                 N_("net.discovery.parent_domain.lists") if lists_host else N_("net.discovery.parent_domain.unlisted"))
        findings.append(_finding("parent_domain", Said(msgid, {"target": t.host, "host": host, "url": own_url}),
                                 parent=host))
    keys_info: list[dict[str, Any]] = []
    if verify and stx.signature.status == "unknown_key":
        keys, keys_info, key_findings = _encryption_keys(stx, fetcher)
        findings += key_findings
        stx = apply_signature(stx, verify_signature(stx, keys, user_keys=user_keys))
    return Discovery(
        target=target, host=t.host, url=r.final_url, requested_url=r.url, chain=chain,
        covers_host=from_parent is None, from_parent=from_parent, cross_domain_redirect=other is not None,
        security_txt=stx, findings=findings, tried=tried, content_type=r.headers.get("content-type"),
        sha256=hashlib.sha256(r.body).hexdigest(), fetched_at=now.isoformat(),
        canonical_lists_source=lists_source, canonical_lists_host=lists_host, keys=keys_info)


def is_openpgp_key(data: bytes) -> bool:
    """Armored or binary OpenPGP public key material (RFC 4880 §6.2 / §5.5.1.1: packet tag 6)."""
    if b"-----BEGIN PGP PUBLIC KEY BLOCK-----" in data[:4096]:
        return True
    if not data:
        return False
    first = data[0]
    tag = (first & 0x3F) if first & 0x40 else (first >> 2) & 0x0F
    return bool(first & 0x80) and tag == 6


def _encryption_keys(stx: SecurityTxt, fetcher: Fetcher) -> tuple[list[bytes], list[dict[str, Any]], list[Finding]]:
    """GET the https Encryption URLs (at most 3, 1 MiB each, one deadline for all) for the signature."""
    keys: list[bytes] = []
    info: list[dict[str, Any]] = []
    findings: list[Finding] = []
    clock = _Clock(fetcher.timeout)
    urls = [u for u in stx.encryption if u.lower().startswith("https://")][:MAX_KEY_URLS]
    for url in urls:
        if clock.left() <= 0:
            break
        try:
            r = fetcher.get(url, max_bytes=KEY_MAX_BYTES, max_redirects=MAX_REDIRECTS,
                            accept="application/pgp-keys, text/plain;q=0.9, */*;q=0.1", timeout=clock.left())
        except NetworkError as e:
            findings.append(_finding("encryption_key_unavailable", f"Encryption {url}: {e.message}", url=url))
            info.append({"url": url, "ok": False, "reason": e.code})
            continue
        if r.status != 200:
            findings.append(_finding("encryption_key_unavailable",
                                     tr("net.discovery.key_http_status", url=url, status=r.status), url=url))
            info.append({"url": url, "ok": False, "reason": f"http_{r.status}"})
        elif not is_openpgp_key(r.body):
            html = looks_like_html(r.body[:2048].decode("utf-8", "replace"))
            said = tr("net.discovery.key_html", url=url) if html else tr("net.discovery.key_none", url=url)
            findings.append(_finding("encryption_not_a_key", said, url=url))
            info.append({"url": url, "ok": False, "reason": "not_a_key"})
        else:
            keys.append(r.body)
            info.append({"url": url, "ok": True, "final_url": r.final_url,
                         "sha256": hashlib.sha256(r.body).hexdigest()})
    return keys, info, findings
