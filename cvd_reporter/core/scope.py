"""The scope decision (issue 5): is a target in scope, out of scope or unknown? Pure: no network,
no files, no prompts.

The target is parsed by the one parser (:mod:`cvd_reporter.core.target`, the WHATWG URL Standard);
:class:`ScopeTarget` is how the scope check reports it. The decision (:func:`decide`) takes what the
network layer found as plain data (a :class:`Resolution` and a :class:`SecurityTxtEvidence`), so it
is testable table by table. The policy's scope lists are parsed in :mod:`cvd_reporter.core.scope_file`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, Literal

from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.findings import Finding
from cvd_reporter.core.i18n import N_, Phrase, say
from cvd_reporter.core.scope_file import PolicyScope, ScopeRule
from cvd_reporter.core.target import IPAddress, Kind, Target, display_target, parse_target


class Reason(str):
    """A reason for a verdict: the English sentence as the string itself (JSON, logs, tests), and its
    catalogue id and values, so ``say_reason`` can say it in the reader's language. A rule's own note
    (the policy's words) and contact follow the sentence unchanged."""

    msgid: str
    params: dict[str, Any]
    note: str | None
    contact: str | None

    def __new__(cls, msgid: str, /, *, note: str | None = None, contact: str | None = None,
                **params: Any) -> Reason:
        self = super().__new__(cls, _reason_text("en", msgid, params, note, contact))
        self.msgid, self.params, self.note, self.contact = msgid, params, note, contact
        return self

    def say(self, lang: str) -> str:
        return _reason_text(lang, self.msgid, self.params, self.note, self.contact)

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle rebuild it from its id, not its text
        return _rebuild, (self.msgid, self.note, self.contact, self.params)


def _rebuild(msgid: str, note: str | None, contact: str | None, params: dict[str, Any]) -> Reason:
    return Reason(msgid, note=note, contact=contact, **params)


def _reason_text(lang: str, msgid: str, params: dict[str, Any], note: str | None, contact: str | None) -> str:
    text = say(lang, msgid, **params)
    if note:
        text += f" {note}."
    if contact:
        text += " " + say(lang, "scope.reason.rule_contact", contact=contact)
    return text


def _said_note(code: str, text: Phrase) -> Finding:
    """A DNS note: the English text in ``--json``; its id, so ``scope --lang nl`` says it in Dutch."""
    return Finding(code=code, severity="warning", message=text, msgid=text.msgid, params=text.params)


def say_reason(reason: str, lang: str) -> str:
    """A reason in ``lang``: a ``Reason`` by its id, any other text (the policy's own note) as it is."""
    return reason.say(lang) if isinstance(reason, Reason) else reason


def say_reasons(reasons: list[str], lang: str) -> str:
    return "; ".join(say_reason(r, lang) for r in reasons)


class Reasons(str):
    """Several reasons joined with "; ", English as the text; filled into a catalogue sentence, they are
    said in that sentence's language (core/i18n.Translator asks ``say_in``)."""

    reasons: tuple[str, ...]

    def __new__(cls, reasons: list[str]) -> Reasons:
        self = super().__new__(cls, say_reasons(list(reasons), "en"))
        self.reasons = tuple(reasons)
        return self

    def say_in(self, lang: str) -> str:
        return say_reasons(list(self.reasons), lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return Reasons, (list(self.reasons),)

VerdictName = Literal["in_scope", "out_of_scope", "unknown"]


# ---------------------------------------------------------------------------------------- target
@dataclass
class ScopeTarget:
    """A target as the scope check reports it: ``ip`` is the address as text whenever the host is
    one (also inside a URL); ``notes`` grow with the decision's own."""

    original: str
    kind: Kind
    host: str
    ip: str | None = None
    port: int | None = None
    url: str | None = None
    registrable_domain: str | None = None
    unicode_host: str | None = None
    zone: str | None = None
    notes: list[Finding] = field(default_factory=list)

    @property
    def address(self) -> IPAddress | None:
        return ipaddress.ip_address(self.ip) if self.ip else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": display_target(self.original), "kind": self.kind, "host": self.host, "ip": self.ip,
            "port": self.port, "url": self.url, "registrable_domain": self.registrable_domain,
            "unicode_host": self.unicode_host, "zone": self.zone,
            "notes": [n.to_dict() for n in self.notes],
        }

    @classmethod
    def of(cls, t: Target) -> ScopeTarget:
        return cls(original=t.original, kind=t.kind, host=t.host, ip=None if t.ip is None else t.host,
                   port=t.port, url=t.url,
                   registrable_domain=t.registrable_domain, unicode_host=t.unicode_host, zone=t.zone,
                   notes=list(t.notes))


def normalise(target: str) -> ScopeTarget:
    """Parse ``target`` as a browser would; raises :class:`~cvd_reporter.errors.TargetError`."""
    return ScopeTarget.of(parse_target(target))


# ---------------------------------------------------------------------------------------- evidence
@dataclass(frozen=True)
class Resolution:
    """What DNS said about a host: A/AAAA addresses and the CNAME chain that led to them."""

    name: str
    addresses: tuple[str, ...] = ()
    cname_chain: tuple[str, ...] = ()  # the names ``name`` is an alias of, in order
    status: Literal["ok", "nxdomain", "nodata", "timeout", "error"] = "ok"
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "addresses": list(self.addresses),
                "cname_chain": list(self.cname_chain), "error": self.error}


@dataclass(frozen=True)
class SecurityTxtEvidence:
    """The security.txt found for a target, reduced to what the scope rule needs (RFC 9116 §3.1)."""

    found_url: str
    file_host: str
    covers_host: bool  # fetched from the target's own host
    from_parent: bool  # fetched from a parent domain of the target
    canonical_agrees: bool | None = None  # None: the file has no Canonical field
    redirected_to: str | None = None  # the host a cross-domain redirect ended at (e.g. a central file)

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.found_url, "file_host": self.file_host, "covers_host": self.covers_host,
                "from_parent": self.from_parent, "canonical_agrees": self.canonical_agrees,
                "redirected_to": self.redirected_to}


# ---------------------------------------------------------------------------------------- decision
@dataclass
class Verdict:
    target: ScopeTarget
    verdict: VerdictName
    reasons: list[str]
    decided_by: dict[str, Any]
    resolution: Resolution | None = None
    provider: str | None = None  # registrable domain of a hosting/SaaS provider the host points into
    notes: list[Finding] = field(default_factory=list)  # the target's notes and the decision's

    def to_dict(self) -> dict[str, Any]:
        out = self.target.to_dict()
        notes = out.pop("notes")
        out.update({
            "verdict": self.verdict, "reasons": list(self.reasons), "decided_by": self.decided_by,
            "resolution": self.resolution.to_dict() if self.resolution else None, "provider": self.provider,
            "notes": notes + [n.to_dict() for n in self.notes[len(self.target.notes):]],
        })
        return out


def needs_securitytxt(target: ScopeTarget, policy: PolicyScope | None) -> bool:
    """Whether :func:`decide` would look at security.txt evidence (so the caller can skip fetching)."""
    if target.ip is not None:
        return False
    return not (policy is not None and (policy.has_includes or policy.excluded_host(target.host)))


def decide(target: ScopeTarget, *, policy: PolicyScope | None = None, resolution: Resolution | None = None,
           securitytxt: SecurityTxtEvidence | None = None) -> Verdict:
    """In scope, out of scope or unknown, with reasons. The order (issue 5):

    1. the policy's scope, exclusions first;
    2. otherwise the security.txt rule (RFC 9116 §3.1: a file covers the host it was fetched from;
       a parent's file within the same registrable domain is accepted and said so; Canonical agrees);
    3. DNS: a CNAME into another organisation's registrable domain, or addresses outside the
       policy's networks, make an in-scope verdict ``unknown`` (the provider may need to be told).
    An IP target is in scope only by a policy network, never by guess.
    """
    d = _Decision(target, policy, resolution)
    d.dns_notes()
    if policy is not None and d.excluded():
        return d.result()
    if target.ip is not None:
        d.ip_rule()
        return d.result()
    if policy is not None and policy.has_includes:
        d.policy_host_rule()
    else:
        d.securitytxt_rule(securitytxt)
    if d.verdict == "in_scope":
        d.dns_rule()
    return d.result()


class _Decision:
    def __init__(self, target: ScopeTarget, policy: PolicyScope | None, resolution: Resolution | None) -> None:
        self.t = target
        self.policy = policy
        self.res = resolution
        self.verdict: VerdictName = "unknown"
        self.reasons: list[str] = []
        self.decided_by: dict[str, Any] = {"source": "none"}
        self.provider: str | None = None
        self.notes = list(target.notes)
        self.addresses: list[IPAddress] = []
        if resolution is not None:
            for a in resolution.addresses:
                try:
                    self.addresses.append(ipaddress.ip_address(a))
                except ValueError:
                    continue

    def result(self) -> Verdict:
        return Verdict(self.t, self.verdict, self.reasons, self.decided_by, self.res, self.provider, self.notes)

    def set(self, verdict: VerdictName, reason: str, decided_by: dict[str, Any] | None = None) -> None:
        self.verdict = verdict
        self.reasons.append(reason)
        if decided_by is not None:
            self.decided_by = decided_by

    @staticmethod
    def _ruled(msgid: str, scope_rule: ScopeRule, /, **params: Any) -> Reason:
        """A reason that names a policy rule, followed by the rule's own note (the policy's words) and
        the contact it gives for that application."""
        note = scope_rule.note.rstrip(".") if scope_rule.note else None
        return Reason(msgid, note=note, contact=scope_rule.contact or None, **params)

    def _by(self, rule: ScopeRule, which: str) -> dict[str, Any]:
        out = {"source": "policy", "list": which, **rule.to_dict()}
        if self.policy is not None and self.policy.source:
            out["policy"] = self.policy.source
        return out

    # -- DNS facts, whatever the verdict
    def dns_notes(self) -> None:
        r, host = self.res, self.t.host
        if r is None or self.t.ip is not None:
            return
        if r.status == "nxdomain":
            if r.cname_chain:
                self.notes.append(_said_note("dangling_cname", Phrase("scope.dns.dangling_cname", host=host,
                                                                      alias=r.cname_chain[-1])))
            self.notes.append(_said_note("dns_nxdomain", Phrase("scope.dns.nxdomain", host=host)))
        elif r.status == "nodata":
            self.notes.append(_said_note("dns_nodata", Phrase("scope.dns.nodata", host=host)))
        elif r.status in ("timeout", "error"):
            self.notes.append(_said_note("dns_" + r.status, Phrase("scope.dns.failed", host=host,
                                                                   why=r.error or r.status)))

    # -- 1. policy exclusions (the host, every name in its CNAME chain, every address)
    def excluded(self) -> bool:
        p = self.policy
        assert p is not None
        host = self.t.host
        if self.t.ip is None:
            rule = p.excluded_host(host)
            if rule:
                self.set("out_of_scope", self._ruled("scope.reason.excluded_host", rule, host=host,
                                                     rule=rule.describe()), self._by(rule, "exclude"))
                self._exclude_note()
                return True
            for name in (self.res.cname_chain if self.res else ()):
                rule = p.excluded_host(name)
                if rule:
                    self.set("out_of_scope", self._ruled("scope.reason.excluded_alias", rule, host=host, name=name,
                                                         rule=rule.describe()), self._by(rule, "exclude"))
                    self._exclude_note()
                    return True
        addresses = [self.t.address] if self.t.ip else self.addresses
        for addr in addresses:
            rule = p.excluded_ip(addr) if addr is not None else None
            if rule:
                msgid = N_("scope.reason.excluded_ip") if self.t.ip else N_("scope.reason.excluded_address")
                self.set("out_of_scope", self._ruled(msgid, rule, host=host, addr=str(addr), rule=rule.describe()),
                         self._by(rule, "exclude"))
                self._exclude_note()
                return True
        return False

    def _exclude_note(self) -> None:
        if self.policy is not None and self.policy.exclude_note:
            self.reasons.append(self.policy.exclude_note)

    # -- IP targets: only a policy network puts them in scope
    def ip_rule(self) -> None:
        addr = self.t.address
        assert addr is not None
        p = self.policy
        if p is None or not p.has_includes:
            self.set("unknown", Reason("scope.reason.ip_needs_network", addr=str(addr)))
            return
        rule = p.included_ip(addr)
        if rule:
            self.set("in_scope", Reason("scope.reason.ip_in_network", addr=str(addr), pattern=rule.pattern),
                     self._by(rule, "include"))
        elif p.include_networks:
            self.set("out_of_scope", Reason("scope.reason.ip_in_no_network", addr=str(addr)),
                     {"source": "policy", "list": "include", "policy": p.source})
        else:
            self.set("unknown", Reason("scope.reason.ip_no_networks", addr=str(addr)),
                     {"source": "policy", "policy": p.source})

    # -- 1b. policy includes for host names
    def policy_host_rule(self) -> None:
        p = self.policy
        assert p is not None
        host = self.t.host
        rule = p.included_host(host)
        if rule:
            self.set("in_scope", Reason("scope.reason.host_in_scope", host=host, pattern=rule.pattern),
                     self._by(rule, "include"))
            return
        nets = p.include_networks
        inside = [a for a in self.addresses if p.included_ip(a)]
        if nets and self.addresses and len(inside) == len(self.addresses):
            first = p.included_ip(inside[0])
            self.set("in_scope", Reason("scope.reason.host_by_addresses", host=host,
                                        addresses=", ".join(map(str, self.addresses))),
                     self._by(first, "include") if first else None)
            return
        if nets and (self.res is None or self.res.status in ("timeout", "error")):
            self.set("unknown", Reason("scope.reason.host_unchecked", host=host),
                     {"source": "policy", "policy": p.source})
            return
        msgid = N_("scope.reason.host_not_in_scope_nets") if nets else N_("scope.reason.host_not_in_scope")
        self.set("out_of_scope", Reason(msgid, host=host),
                 {"source": "policy", "list": "include", "policy": p.source})

    # -- 2. security.txt (RFC 9116 section 3.1)
    def securitytxt_rule(self, ev: SecurityTxtEvidence | None) -> None:
        host = self.t.host
        if ev is None:
            self.set("unknown", Reason("scope.reason.no_policy_no_securitytxt", host=host))
            return
        by = {"source": "securitytxt", **ev.to_dict()}
        rd = self.t.registrable_domain
        if not ev.covers_host and (rd is None or registrable_domain(ev.file_host) != rd):
            self.set("unknown", Reason("scope.reason.securitytxt_other_domain", host=host, file_host=ev.file_host), by)
            return
        if ev.canonical_agrees is False:
            self.set("unknown", Reason("scope.reason.securitytxt_not_canonical", url=ev.found_url), by)
            return
        if ev.covers_host:
            self.set("in_scope", Reason("scope.reason.securitytxt_own", host=host, url=ev.found_url), by)
        else:
            self.set("in_scope", Reason("scope.reason.securitytxt_parent", host=host, file_host=ev.file_host,
                                        url=ev.found_url, domain=rd), by)
        if ev.redirected_to:
            self.reasons.append(Reason("scope.reason.securitytxt_redirected", file_host=ev.file_host,
                                       to=ev.redirected_to))

    # -- 3. DNS: CNAME into a provider, addresses outside the policy's networks
    def dns_rule(self) -> None:
        r, host = self.res, self.t.host
        if r is None:
            return
        rd = self.t.registrable_domain
        for name in r.cname_chain:
            name_rd = registrable_domain(name)
            own = name_rd is not None and name_rd == rd
            if own or (self.policy is not None and self.policy.included_host(name)):
                continue
            self.provider = name_rd or name
            self.set("unknown", Reason("scope.reason.cname_provider", host=host, name=name, provider=self.provider))
            return
        p = self.policy
        if p is not None and p.include_networks and self.addresses:
            outside = [a for a in self.addresses if not p.included_ip(a)]
            if outside:
                self.set("unknown", Reason("scope.reason.outside_networks", host=host,
                                           addresses=", ".join(map(str, outside))))
