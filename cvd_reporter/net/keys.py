"""Find an organisation's OpenPGP key, from every source that may hold it, and compare them.

Order (issue 4): the security.txt ``Encryption:`` URIs (https:, openpgp4fpr: via the keyserver's
VKS API, dns:), then for each e-mail contact WKD (advanced when ``openpgpkey.<domain>`` exists in
DNS, else direct), DNS OPENPGPKEY (RFC 7929), and the keyserver by e-mail. Every source is asked;
each answer becomes a candidate with the source named. Sources that agree on one fingerprint raise
confidence; usable keys that disagree are an error the user must resolve.

HTTPS goes through net.http.Fetcher (verified TLS, size cap, deadline); DNS through a dnspython
resolver from net.dns.make_resolver (its AD flag is reported, never trusted blindly).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

import dns.exception
import dns.flags
import dns.resolver

from cvd_reporter.core.findings import Said, tr
from cvd_reporter.core.i18n import Phrase, Spoken, as_phrase
from cvd_reporter.core.pgp.certificates import MAX_KEY_BYTES, Certificate, parse_certificates
from cvd_reporter.core.pgp.keys import KeyVerdict, judge
from cvd_reporter.core.wkd import AddressError, openpgpkey_name, parse_encryption_uri, split_address, wkd_urls
from cvd_reporter.errors import CvdError, DiscoveryError, KeyProblem, NetworkError

KEY_ACCEPT = "application/pgp-keys, application/octet-stream;q=0.9, text/plain;q=0.8, */*;q=0.1"
SOURCE_LABELS = {  # English as the string (--json), said in the reader's language on the terminal
    "encryption-uri": Phrase("net.keys.source.encryption_uri"),
    "openpgp4fpr": Phrase("net.keys.source.openpgp4fpr"),
    "report-fingerprint": Phrase("net.keys.source.report_fingerprint"),
    "dns-uri": Phrase("net.keys.source.dns_uri"),
    "wkd-advanced": Phrase("net.keys.source.wkd_advanced"),
    "wkd-direct": Phrase("net.keys.source.wkd_direct"),
    "dns": Phrase("net.keys.source.dns"),
    "keyserver": Phrase("net.keys.source.keyserver"),
    "report-file": Phrase("net.keys.source.report_file"),
}


@dataclass
class Candidate:
    source: str  # a key of SOURCE_LABELS
    url: str  # the URL or DNS name asked
    certificate: Certificate
    verdict: KeyVerdict
    address: str | None = None  # the contact this source was asked for
    dnssec: bool | None = None  # DNS sources: the resolver's AD bit
    encrypt_to: Any = field(default=None, repr=False, compare=False)  # the key pgp.keys.judge chose

    @property
    def judged(self) -> tuple[KeyVerdict, Any]:
        """What pgp.encrypt.encrypt needs to skip judging the key again."""
        return self.verdict, self.encrypt_to

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "source_label": SOURCE_LABELS.get(self.source, self.source),
                "url": self.url, "address": self.address, "dnssec": self.dnssec,
                "fingerprint": self.fingerprint, "verdict": self.verdict.to_dict()}


@dataclass
class SourceFailure:
    source: str
    url: str
    code: str
    message: str  # English as the string; a core/i18n.Spoken that says the error in the reader's language
    address: str | None = None
    error: Any = field(default=None, repr=False, compare=False)  # the error, with its catalogue id

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "source_label": SOURCE_LABELS.get(self.source, self.source),
                "url": self.url, "code": self.code, "message": self.message, "address": self.address}


@dataclass
class KeyDiscovery:
    candidates: list[Candidate] = field(default_factory=list)
    failures: list[SourceFailure] = field(default_factory=list)  # sources that answered nothing usable
    conflicts: list[str] = field(default_factory=list)
    chosen: Candidate | None = None
    agreeing_sources: list[str] = field(default_factory=list)
    expected_fingerprints: list[str] = field(default_factory=list)  # from openpgp4fpr:
    report_fingerprint: str | None = None  # the report's organisation.key: only this key is accepted
    warnings: list[str] = field(default_factory=list)
    # pgp.keys.judge's answers by (certificate, address), so one key from several sources is judged once
    judged: dict[tuple[Certificate, str | None], tuple[KeyVerdict, Any]] = field(
        default_factory=dict, repr=False, compare=False)

    @property
    def confidence(self) -> str:
        """high: two or more independent sources agree; low: a single unauthenticated DNS answer."""
        if self.chosen is None:
            return "none"
        if len(set(self.agreeing_sources)) >= 2 or self.chosen.fingerprint in self.expected_fingerprints:
            return "high"
        if all(s in ("dns", "dns-uri") for s in self.agreeing_sources) and not self.chosen.dnssec:
            return "low"
        return "medium"

    def to_dict(self) -> dict[str, Any]:
        return {
            "chosen": self.chosen.to_dict() if self.chosen else None,
            "fingerprint": self.chosen.fingerprint if self.chosen else None,
            "confidence": self.confidence, "agreeing_sources": sorted(set(self.agreeing_sources)),
            "expected_fingerprints": self.expected_fingerprints,
            "candidates": [c.to_dict() for c in self.candidates],
            "failures": [f.to_dict() for f in self.failures],
            "conflicts": list(self.conflicts), "warnings": list(self.warnings),
        }

    def require(self) -> Candidate:
        """The chosen key, or DiscoveryError (exit 5, nothing found) / KeyProblem (exit 6)."""
        data = self.to_dict()
        if self.conflicts:
            conflict = self.conflicts[0]
            if not self.report_fingerprint:  # the conflict's own sentence, then which key is current
                raise KeyProblem.t("net.keys.conflict_check", conflict=conflict, code="key_conflict", data=data)
            raise KeyProblem(conflict, code="key_conflict", data=data, msgid=getattr(conflict, "msgid", None),
                             params=getattr(conflict, "params", None))
        if self.chosen is not None:
            return self.chosen
        if not self.candidates:
            unsupported = [f for f in self.failures if f.code == "unsupported_key"]
            if unsupported:
                why = unsupported[0].error
                raise KeyProblem(unsupported[0].message, code="unsupported_key", data=data,
                                 msgid=getattr(why, "msgid", None), params=getattr(why, "params", None))
            if self.failures:
                raise DiscoveryError.t("net.keys.no_key_tried", code="no_key", data=data, n=len(self.failures))
            raise DiscoveryError.t("net.keys.no_key_nothing", code="no_key", data=data)
        first = self.candidates[0]
        reason = first.verdict.text(first.verdict.reasons[0]) if first.verdict.reasons else tr("pgpkey.not_usable")
        raise KeyProblem.t("net.keys.unusable", fingerprint=first.fingerprint,
                           source=SOURCE_LABELS.get(first.source, first.source), reason=reason,
                           code=first.verdict.code or "key_unusable", data=data)


# ---------------------------------------------------------------------------- the search
class _Budget:
    """One deadline over the whole key search (``--timeout``), shared by every HTTPS and DNS request.

    Each request gets what is left of it, so ten slow key URIs cannot take ten times the timeout;
    once it is spent, the remaining sources are not asked and say so.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0.05:
            raise NetworkError.t("net.keys.out_of_time", seconds=f"{self.seconds:g}", code="timeout")
        return remaining


class _BudgetFetcher:
    def __init__(self, fetcher: Any, budget: _Budget) -> None:
        self._fetcher, self._budget = fetcher, budget

    def get(self, url: str, **kw: Any) -> Any:
        kw["timeout"] = min(self._budget.left(), kw.get("timeout") or self._fetcher.timeout)
        return self._fetcher.get(url, **kw)


class _BudgetResolver:
    def __init__(self, resolver: Any, budget: _Budget) -> None:
        self._resolver, self._budget = resolver, budget

    def resolve(self, name: str, rdtype: str, **kw: Any) -> Any:
        try:
            left = self._budget.left()
        except NetworkError:
            raise dns.exception.Timeout() from None
        kw["lifetime"] = min(left, getattr(self._resolver, "lifetime", left) or left)
        return self._resolver.resolve(name, rdtype, **kw)


def collect_keys(*, encryption_uris: list[str], contacts: list[str], fetcher: Any, resolver: Any,
                 keyserver: str, now: datetime, report_fingerprint: str | None = None) -> KeyDiscovery:
    """Ask every source; never raises for a source that fails (it becomes a SourceFailure).

    ``report_fingerprint``: the key the report names (organisation.key); it is asked from the keyserver
    by fingerprint, every other source is still asked, and any usable key with another fingerprint is a
    contradiction that names both keys and where each came from.

    The whole search shares one deadline: the fetcher's timeout (``--timeout``)."""
    budget = _Budget(float(getattr(fetcher, "timeout", 10.0)))
    fetcher, resolver = _BudgetFetcher(fetcher, budget), _BudgetResolver(resolver, budget)
    found = KeyDiscovery()
    emails = _emails(contacts, found)
    primary_address = emails[0] if emails else None
    keyserver = keyserver.rstrip("/")
    dns_uris = []
    if report_fingerprint:
        found.report_fingerprint = report_fingerprint
        _from_vks_fingerprint(found, report_fingerprint, fetcher, keyserver, now, primary_address,
                              source="report-fingerprint")
    for raw in encryption_uris:
        uri = parse_encryption_uri(raw)
        if uri.kind == "https":
            _from_url(found, "encryption-uri", uri.uri, fetcher, now, primary_address)
        elif uri.kind == "openpgp4fpr":
            assert uri.fingerprint is not None
            found.expected_fingerprints.append(uri.fingerprint)
            _from_vks_fingerprint(found, uri.fingerprint, fetcher, keyserver, now, primary_address)
        elif uri.kind == "dns":
            dns_uris.append(uri)
        else:
            found.failures.append(SourceFailure("encryption-uri", uri.uri, "unsupported_uri",
                                                Phrase("net.keys.unsupported_uri", uri=uri.uri, problem=uri.problem)))
    for uri in dns_uris:
        # RFC 9116's own example label is not a valid RFC 7929 name, so compute the owner name from
        # each contact in the URI's domain and ask for the literal name only when none matches.
        names: list[tuple[str, str | None]] = [
            (openpgpkey_name(a), a) for a in emails if a.rsplit("@", 1)[1].lower() == uri.domain]
        if uri.name not in {n for n, _ in names}:
            names.append((uri.name or "", None))
        for name, address in names:
            _from_dns(found, "dns-uri", name, address, resolver, now)
    for address in emails:
        _from_wkd(found, address, fetcher, resolver, now)
        _from_dns(found, "dns", openpgpkey_name(address), address, resolver, now)
        _from_url(found, "keyserver", f"{keyserver}/vks/v1/by-email/{quote(address, safe='@')}", fetcher, now,
                  address, require_address=True, not_found_ok=True)
    _decide(found)
    return found


def keys_from_file(body: bytes, path: str, *, now: datetime, address: str | None) -> KeyDiscovery:
    """The key a report names as a file beside it (``organisation.key``): judged like any other; the
    reporter chose it, so it need not carry the contact's address. No network."""
    found = KeyDiscovery()
    _add(found, "report-file", path, _load(found, "report-file", path, body, address), now, address,
         require_address=False)
    _decide(found)
    found.require()
    return found


def find_keys(*, encryption_uris: list[str], contacts: list[str], fetcher: Any, resolver: Any,
              keyserver: str, now: datetime, report_fingerprint: str | None = None) -> KeyDiscovery:
    """collect_keys, then raise DiscoveryError (5) when nothing was found and KeyProblem (6) when
    what was found is unusable or the sources disagree. The exceptions carry the discovery as data."""
    found = collect_keys(encryption_uris=encryption_uris, contacts=contacts, fetcher=fetcher,
                         resolver=resolver, keyserver=keyserver, now=now, report_fingerprint=report_fingerprint)
    found.require()
    return found


def _emails(contacts: list[str], found: KeyDiscovery) -> list[str]:
    out: list[str] = []
    for contact in contacts:
        text = contact.strip()
        low = text.lower()
        if low.startswith(("https:", "http:", "tel:")):
            continue
        try:
            local, domain = split_address(text)
        except AddressError:
            continue
        address = f"{local}@{domain}"
        if address.lower() not in {a.lower() for a in out}:
            out.append(address)
    return out


def _judge(found: KeyDiscovery, cert: Certificate, now: datetime, address: str | None) -> tuple[KeyVerdict, Any]:
    """pgp.keys.judge, once per certificate (same bytes) and address in one discovery: the same key from
    two sources is judged once. Each candidate gets its own copy of the verdict (callers amend it)."""
    memo = found.judged
    if (cert, address) not in memo:
        memo[(cert, address)] = judge(cert, now=now, address=address)
    verdict, target = memo[(cert, address)]
    return copy.deepcopy(verdict), target


def _add(found: KeyDiscovery, source: str, url: str, certs: list[Certificate], now: datetime,
         address: str | None, *, require_address: bool, dnssec: bool | None = None) -> None:
    kept = []
    for cert in certs:
        if require_address and address and address.lower() not in cert.addresses:
            # WKD draft §3.1 / RFC 7929: only keys that carry the queried address count. A server
            # that answers with someone else's key is shown, but the key is never used.
            verdict, _ = _judge(found, cert, now, address)
            verdict.usable = False
            _reason(verdict, tr("net.keys.address_mismatch", address=address))
            verdict.codes.insert(0, "address_mismatch")
            found.candidates.append(Candidate(source, url, cert, verdict, address, dnssec))
            continue
        kept.append(cert)
    for cert in kept:
        verdict, target = _judge(found, cert, now, address)
        found.candidates.append(Candidate(source, url, cert, verdict, address, dnssec, encrypt_to=target))


def _fail(found: KeyDiscovery, source: str, url: str, error: CvdError, address: str | None) -> None:
    found.failures.append(SourceFailure(source, url, error.code, Spoken(error), address, error))


def _load(found: KeyDiscovery, source: str, url: str, body: bytes, address: str | None) -> list[Certificate]:
    what = f"The key from {url}"
    try:
        certs, problems = parse_certificates(body, what=what)
    except KeyProblem as e:
        _fail(found, source, url, e, address)
        return []
    for problem in problems:
        _fail(found, source, url, problem, address)
    return certs


def _from_url(found: KeyDiscovery, source: str, url: str, fetcher: Any, now: datetime, address: str | None,
              *, require_address: bool = False, not_found_ok: bool = False) -> bool:
    """GET a key; True when the server answered 200 (with anything)."""
    try:
        result = fetcher.get(url, max_bytes=MAX_KEY_BYTES, accept=KEY_ACCEPT)
    except NetworkError as e:
        _fail(found, source, url, e, address)
        return False
    if result.status != 200:
        if not (not_found_ok and result.status == 404):
            _fail(found, source, url, DiscoveryError.t("net.keys.http_status", url=url, status=result.status,
                                                       code="http_status"), address)
        else:
            _fail(found, source, url, DiscoveryError.t("net.keys.no_key_for_address", url=url, code="not_found"),
                  address)
        return False
    certs = _load(found, source, url, result.body, address)
    _add(found, source, url, certs, now, address, require_address=require_address)
    return True


def _from_vks_fingerprint(found: KeyDiscovery, fpr: str, fetcher: Any, keyserver: str, now: datetime,
                          address: str | None, source: str = "openpgp4fpr") -> None:
    url = f"{keyserver}/vks/v1/by-fingerprint/{fpr}"
    if len(fpr) != 40:
        _fail(found, source, url, KeyProblem.t("net.keys.v6_fingerprint", fpr=fpr, code="unsupported_key"), address)
        return
    before = len(found.candidates)
    _from_url(found, source, url, fetcher, now, address)
    for cand in found.candidates[before:]:
        subkeys = {str(sk.fingerprint).replace(" ", "").upper() for sk in cand.certificate.key.subkeys.values()}
        if cand.fingerprint != fpr and fpr not in subkeys:
            cand.verdict.usable = False
            _reason(cand.verdict, tr("net.keys.fingerprint_mismatch", returned=cand.fingerprint, fpr=fpr))
            cand.verdict.codes.insert(0, "fingerprint_mismatch")


def _openpgpkey_host_exists(resolver: Any, host: str) -> bool | None:
    """Does ``host`` exist in DNS? True/False, or None when DNS could not tell (timeout, SERVFAIL)."""
    try:
        resolver.resolve(host, "A")
        return True
    except dns.resolver.NXDOMAIN:
        return False
    except dns.resolver.NoAnswer:
        return True  # the name exists (maybe AAAA or CNAME only)
    except (dns.exception.DNSException, OSError):
        return None


def _from_wkd(found: KeyDiscovery, address: str, fetcher: Any, resolver: Any, now: datetime) -> None:
    urls = wkd_urls(address)
    exists = _openpgpkey_host_exists(resolver, urls.advanced_host)
    # draft §3.1: use the direct method only when the openpgpkey sub-domain does not exist.
    if exists is not False:
        before = len(found.failures)
        answered = _from_url(found, "wkd-advanced", urls.advanced, fetcher, now, address,
                             require_address=True, not_found_ok=True)
        if answered or exists is True:
            return
        del found.failures[before:]  # DNS could not tell, and advanced failed: try direct instead
    _from_url(found, "wkd-direct", urls.direct, fetcher, now, address, require_address=True, not_found_ok=True)


def _from_dns(found: KeyDiscovery, source: str, name: str, address: str | None, resolver: Any,
              now: datetime) -> None:
    try:
        answer = resolver.resolve(name, "OPENPGPKEY")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        _fail(found, source, name, DiscoveryError.t("net.keys.dns_none", name=name, code="not_found"), address)
        return
    except dns.exception.Timeout:
        _fail(found, source, name, NetworkError.t("net.keys.dns_timeout", name=name, code="timeout"), address)
        return
    except dns.resolver.NoNameservers:
        _fail(found, source, name, NetworkError.t("net.keys.dns_servfail", name=name, code="dns_failed"), address)
        return
    except (dns.exception.DNSException, ValueError, OSError) as e:
        _fail(found, source, name, NetworkError.t("net.keys.dns_unreadable", name=name, error=type(e).__name__,
                                                  code="dns_failed"), address)
        return
    dnssec = bool(answer.response.flags & dns.flags.AD)
    for rdata in answer:
        body = bytes(getattr(rdata, "key", b""))
        certs = _load(found, source, name, body, address)
        _add(found, source, name, certs, now, address, require_address=address is not None, dnssec=dnssec)


# ---------------------------------------------------------------------------- deciding
def _decide(found: KeyDiscovery) -> None:
    usable = [c for c in found.candidates if c.verdict.usable]
    if found.report_fingerprint:
        mine = found.report_fingerprint
        for c in usable:
            if c.fingerprint != mine:
                found.conflicts.append(Phrase("net.keys.conflict_report_key", mine=mine, url=c.url,
                                              source=SOURCE_LABELS.get(c.source, c.source), fpr=c.fingerprint))
                break
        usable = [c for c in usable if c.fingerprint == mine]
    elif found.expected_fingerprints:
        wrong = [c for c in usable if c.fingerprint not in found.expected_fingerprints]
        for c in wrong:
            found.conflicts.append(Phrase("net.keys.conflict_openpgp4fpr", source=SOURCE_LABELS.get(c.source, c.source),
                                          fpr=c.fingerprint, expected=", ".join(found.expected_fingerprints)))
        usable = [c for c in usable if c.fingerprint in found.expected_fingerprints]
    by_source: dict[str, set[str]] = {}
    for c in usable:
        by_source.setdefault(f"{c.source} {c.url}", set()).add(c.fingerprint)
    sets = list(by_source.values())
    if not found.conflicts:
        for i, a in enumerate(sets):
            for b in sets[i + 1:]:
                if not a & b:
                    fprs = sorted(a | b)
                    found.conflicts.append(Phrase("net.keys.conflict_sources", fprs=", ".join(fprs)))
                    break
            if found.conflicts:
                break
    if not usable or found.conflicts:
        return
    counts: dict[str, int] = {}
    for fps in sets:
        for fp in fps:
            counts[fp] = counts.get(fp, 0) + 1
    best = max(usable, key=lambda c: (counts[c.fingerprint], c.verdict.created))
    found.chosen = best
    found.agreeing_sources = [c.source for c in usable if c.fingerprint == best.fingerprint]
    for c in found.candidates:
        if c.fingerprint != best.fingerprint and not c.verdict.usable:
            label = SOURCE_LABELS.get(c.source, c.source)
            found.warnings.append(Phrase("net.keys.other_key_unusable", source=label, url=c.url, fpr=c.fingerprint,
                                         reason=as_phrase(c.verdict.text(c.verdict.reasons[0])))
                                  if c.verdict.reasons else
                                  Phrase("net.keys.other_key", source=label, url=c.url, fpr=c.fingerprint))
    if best.source in ("dns", "dns-uri") and len(set(found.agreeing_sources)) == 1 and not best.dnssec:
        found.warnings.append(Phrase("net.keys.dns_only"))


def _reason(verdict: KeyVerdict, said: Said) -> None:
    """A reason this module adds in front of the verdict's own, kept said in the reader's language."""
    verdict.reasons.insert(0, said.english)
    verdict.said[said.english] = said
