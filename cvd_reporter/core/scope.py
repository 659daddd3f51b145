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
from cvd_reporter.core.findings import note as _note
from cvd_reporter.core.scope_file import PolicyScope, ScopeRule
from cvd_reporter.core.target import IPAddress, Kind, Target, display_target, parse_target

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
    def _rule_text(rule: ScopeRule) -> str:
        extra = f" {rule.note.rstrip('.')}." if rule.note else ""
        if rule.contact:
            extra += f" Contact for that application: {rule.contact}."
        return extra

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
            msg = f"{host} does not exist in DNS (NXDOMAIN)"
            if r.cname_chain:
                self.notes.append(_note("dangling_cname", "warning", f"{host} is an alias of {r.cname_chain[-1]}, "
                                        "which does not exist: a possible subdomain takeover (report that too)."))
            self.notes.append(_note("dns_nxdomain", "warning", msg + "."))
        elif r.status == "nodata":
            self.notes.append(_note("dns_nodata", "warning", f"{host} exists in DNS but has no A or AAAA address."))
        elif r.status in ("timeout", "error"):
            self.notes.append(_note(f"dns_{r.status}", "warning",
                                    f"The DNS lookup of {host} failed ({r.error or r.status}); its addresses and "
                                    "aliases were not checked."))

    # -- 1. policy exclusions (the host, every name in its CNAME chain, every address)
    def excluded(self) -> bool:
        p = self.policy
        assert p is not None
        host = self.t.host
        if self.t.ip is None:
            rule = p.excluded_host(host)
            if rule:
                self.set("out_of_scope", f"{host} is excluded by the policy ({rule.describe()})."
                         + self._rule_text(rule), self._by(rule, "exclude"))
                self._exclude_note()
                return True
            for name in (self.res.cname_chain if self.res else ()):
                rule = p.excluded_host(name)
                if rule:
                    self.set("out_of_scope", f"{host} is an alias (CNAME) of {name}, which the policy excludes "
                             f"({rule.describe()})." + self._rule_text(rule), self._by(rule, "exclude"))
                    self._exclude_note()
                    return True
        addresses = [self.t.address] if self.t.ip else self.addresses
        for addr in addresses:
            rule = p.excluded_ip(addr) if addr is not None else None
            if rule:
                what = f"{addr} is" if self.t.ip else f"{host} resolves to {addr}, which is"
                self.set("out_of_scope", f"{what} in the network {rule.describe()}, which the policy excludes."
                         + self._rule_text(rule), self._by(rule, "exclude"))
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
            self.set("unknown", f"{addr} is an IP address: it is in scope only when a policy lists its network, "
                     "never by guess; give --policy or check the host name instead.")
            return
        rule = p.included_ip(addr)
        if rule:
            self.set("in_scope", f"{addr} is in the policy's network {rule.pattern}.", self._by(rule, "include"))
        elif p.include_networks:
            self.set("out_of_scope", f"{addr} is in none of the networks the policy lists.",
                     {"source": "policy", "list": "include", "policy": p.source})
        else:
            self.set("unknown", f"The policy lists no networks, so the IP address {addr} cannot be placed; "
                     "check the host name instead.", {"source": "policy", "policy": p.source})

    # -- 1b. policy includes for host names
    def policy_host_rule(self) -> None:
        p = self.policy
        assert p is not None
        host = self.t.host
        rule = p.included_host(host)
        if rule:
            self.set("in_scope", f"{host} is in the policy's scope ({rule.pattern}).", self._by(rule, "include"))
            return
        nets = p.include_networks
        inside = [a for a in self.addresses if p.included_ip(a)]
        if nets and self.addresses and len(inside) == len(self.addresses):
            first = p.included_ip(inside[0])
            self.set("in_scope", f"{host} is not listed by name, but all its addresses "
                     f"({', '.join(map(str, self.addresses))}) lie in the policy's networks.",
                     self._by(first, "include") if first else None)
            return
        if nets and (self.res is None or self.res.status in ("timeout", "error")):
            self.set("unknown", f"{host} matches none of the policy's domains, and its addresses could not be "
                     "checked against the policy's networks.", {"source": "policy", "policy": p.source})
            return
        self.set("out_of_scope", f"{host} is not in the policy's scope: it matches none of its domains"
                 + (" and none of its networks." if nets else "."),
                 {"source": "policy", "list": "include", "policy": p.source})

    # -- 2. security.txt (RFC 9116 section 3.1)
    def securitytxt_rule(self, ev: SecurityTxtEvidence | None) -> None:
        host = self.t.host
        if ev is None:
            self.set("unknown", f"No policy scope was given and no security.txt was found for {host} or its "
                     "parent domains, so it is not clear that this organisation asks for reports about it; "
                     "give --policy with the policy's scope.")
            return
        by = {"source": "securitytxt", **ev.to_dict()}
        rd = self.t.registrable_domain
        if not ev.covers_host and (rd is None or registrable_domain(ev.file_host) != rd):
            self.set("unknown", f"The security.txt that answered for {host} comes from {ev.file_host}, another "
                     f"registrable domain; it does not show that {host} is theirs.", by)
            return
        if ev.canonical_agrees is False:
            self.set("unknown", f"The security.txt at {ev.found_url} does not list that URL in its Canonical "
                     "field, so it may be a copy that belongs elsewhere (RFC 9116 section 2.5.2).", by)
            return
        if ev.covers_host:
            self.set("in_scope", f"{host} publishes its own security.txt ({ev.found_url}); under RFC 9116 "
                     "section 3.1 a file covers the host it was fetched from.", by)
        else:
            self.set("in_scope", f"{host} has no security.txt of its own; the nearest parent domain "
                     f"{ev.file_host} has one ({ev.found_url}), within the same registrable domain {rd}. "
                     "RFC 9116 section 3.1 says a file covers only its own host, so this is the parent's "
                     "policy applied to a subdomain.", by)
        if ev.redirected_to:
            self.reasons.append(f"{ev.file_host} redirects its security.txt to {ev.redirected_to}, another "
                                "organisation's domain (a central file, such as the Dutch government's at "
                                "ncsc.nl, is a legitimate case): the organisation sends reporters there itself.")

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
            self.set("unknown", f"{host} is an alias (CNAME) of {name} at {self.provider}, another organisation's "
                     f"domain: the system may be run by that provider, who may need to be told too.")
            return
        p = self.policy
        if p is not None and p.include_networks and self.addresses:
            outside = [a for a in self.addresses if not p.included_ip(a)]
            if outside:
                self.set("unknown", f"{host} resolves to {', '.join(map(str, outside))}, outside the policy's "
                         "networks: the system may be hosted by a provider, who may need to be told too.")
