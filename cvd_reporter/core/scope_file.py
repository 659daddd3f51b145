"""A policy's scope section (the ``scope:`` key of a policy file): include and exclude lists of
domains and networks. Pure: parses text or data handed in; reading the file is the app layer's
(:func:`cvd_reporter.app.scoping.load_policy_scope`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.findings import Finding, shown
from cvd_reporter.core.i18n import N_
from cvd_reporter.core.target import IPAddress, parse_host
from cvd_reporter.errors import InputFileError, TargetError, ValidationError

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_POLICY_BYTES = 1 << 20


# ---------------------------------------------------------------------------------------- policy scope
@dataclass(frozen=True)
class ScopeRule:
    """One entry of a policy's include or exclude list: a domain (exact or ``*.`` wildcard, which
    matches every subdomain at any depth but not the domain itself) or a network (CIDR)."""

    kind: Literal["domain", "network"]
    pattern: str
    note: str | None = None
    application: str | None = None  # the (third-party) application this entry belongs to
    contact: str | None = None
    network: IPNetwork | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind == "network" and self.network is None:
            object.__setattr__(self, "network", ipaddress.ip_network(self.pattern))

    @property
    def wildcard(self) -> bool:
        return self.pattern.startswith("*.")

    def matches_host(self, host: str) -> bool:
        if self.kind != "domain":
            return False
        if self.wildcard:
            return host.endswith(self.pattern[1:])  # ".gemeente.nl": a label boundary, not a suffix trick
        return host == self.pattern

    def matches_ip(self, addr: IPAddress) -> bool:
        net = self.network
        if net is None:
            return False
        if addr.version == net.version:
            return addr in net
        mapped = getattr(addr, "ipv4_mapped", None)
        return mapped is not None and mapped in net

    def describe(self) -> str:
        out = self.pattern
        if self.application:
            out += f", the third-party application {self.application!r}"
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "pattern": self.pattern}
        for key in ("note", "application", "contact"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class PolicyScope:
    """A policy's scope: include and exclude lists. Exclusions are checked first."""

    include: tuple[ScopeRule, ...] = ()
    exclude: tuple[ScopeRule, ...] = ()
    exclude_note: str | None = None
    source: str | None = None

    @property
    def has_includes(self) -> bool:
        return bool(self.include)

    @property
    def include_networks(self) -> tuple[ScopeRule, ...]:
        return tuple(r for r in self.include if r.kind == "network")

    def included_host(self, host: str) -> ScopeRule | None:
        return next((r for r in self.include if r.matches_host(host)), None)

    def excluded_host(self, host: str) -> ScopeRule | None:
        return next((r for r in self.exclude if r.matches_host(host)), None)

    def included_ip(self, addr: IPAddress) -> ScopeRule | None:
        return next((r for r in self.include if r.matches_ip(addr)), None)

    def excluded_ip(self, addr: IPAddress) -> ScopeRule | None:
        return next((r for r in self.exclude if r.matches_ip(addr)), None)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "include": [r.to_dict() for r in self.include],
                "exclude": [r.to_dict() for r in self.exclude], "exclude_note": self.exclude_note}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, source: str | None = None) -> PolicyScope:
        """Build from a ``scope:`` section (format in the README, "Scope")."""
        if not isinstance(d, Mapping):
            raise ValidationError.t("scope_file.not_mapping")
        _only_keys(d, ("include", "exclude"), "scope")
        include = _rules(d.get("include"), "scope.include", allow_note=False)
        exclude = _rules(d.get("exclude"), "scope.exclude", allow_note=True)
        note = (d.get("exclude") or {}).get("note") if isinstance(d.get("exclude"), Mapping) else None
        if note is not None and not isinstance(note, str):
            raise ValidationError.t("scope_file.exclude_note")
        if not include and not exclude:
            raise ValidationError.t("scope_file.empty")
        return cls(include=include, exclude=exclude, exclude_note=note, source=source)

    @classmethod
    def from_text(cls, text: str, *, name: str = "policy") -> PolicyScope | None:
        """Parse a YAML or JSON policy file's text; None when it has no ``scope`` section."""
        import yaml  # noqa: PLC0415 - only when a policy is given

        try:
            data = yaml.safe_load(text)  # JSON is YAML, so one parser reads both
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            if mark is not None:
                raise InputFileError.t("scope_file.not_yaml_line", name=name, line=mark.line + 1) from None
            raise InputFileError.t("scope_file.not_yaml", name=name) from None
        if data is None:
            return None
        if not isinstance(data, Mapping):
            raise InputFileError.t("scope_file.no_mapping", name=name)
        if "scope" not in data:
            return None
        return cls.from_dict(data["scope"], source=name)


def _only_keys(d: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    for key in d:
        if key not in allowed:
            raise ValidationError.t("scope_file.unknown_key", where=where, key=repr(str(key)),
                                    allowed=", ".join(allowed))


def _rules(section: Any, where: str, *, allow_note: bool) -> tuple[ScopeRule, ...]:
    if section is None:
        return ()
    if not isinstance(section, Mapping):
        raise ValidationError.t("scope_file.rules_mapping", where=where)
    keys = ("domains", "networks") + (("applications", "note") if allow_note else ())
    _only_keys(section, keys, where)
    rules: list[ScopeRule] = []
    rules += _entries(section.get("domains"), f"{where}.domains", "domain")
    rules += _entries(section.get("networks"), f"{where}.networks", "network")
    apps = section.get("applications") or []
    if not isinstance(apps, list):
        raise ValidationError.t("scope_file.applications_list", where=where)
    for i, app in enumerate(apps):
        w = f"{where}.applications[{i}]"
        if not isinstance(app, Mapping) or not isinstance(app.get("name"), str) or not app["name"].strip():
            raise ValidationError.t("scope_file.application_name", where=w)
        _only_keys(app, ("name", "domains", "networks", "note", "contact"), w)
        for key in ("note", "contact"):
            if app.get(key) is not None and not isinstance(app[key], str):
                raise ValidationError.t("scope_file.field_text", where=f"{w}.{key}")
        common = {"application": app["name"].strip(), "note": app.get("note"), "contact": app.get("contact")}
        found = _entries(app.get("domains"), f"{w}.domains", "domain", **common)
        found += _entries(app.get("networks"), f"{w}.networks", "network", **common)
        if not found:
            raise ValidationError.t("scope_file.application_empty", where=w)
        rules += found
    return tuple(rules)


def _entries(items: Any, where: str, kind: str, **common: Any) -> list[ScopeRule]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise ValidationError.t("scope_file.must_be_list", where=where)
    out = []
    for i, item in enumerate(items):
        w = f"{where}[{i}]"
        note = common.get("note")
        if isinstance(item, Mapping):
            _only_keys(item, (kind, "note"), w)
            value, note = item.get(kind), item.get("note", note)
            if note is not None and not isinstance(note, str):
                raise ValidationError.t("scope_file.field_text", where=f"{w}.note")
        else:
            value = item
        if not isinstance(value, str) or not value.strip():
            if kind == "domain":
                raise ValidationError.t("scope_file.entry_domain", where=w)
            raise ValidationError.t("scope_file.entry_network", where=w)
        pattern = domain_pattern(value, w) if kind == "domain" else network_pattern(value, w)
        out.append(ScopeRule(kind=kind, pattern=pattern, note=note,  # type: ignore[arg-type]
                             application=common.get("application"), contact=common.get("contact")))
    return out


def domain_pattern(value: str, where: str = "domain") -> str:
    """``gemeente.nl`` or ``*.gemeente.nl``, normalised like a target host (A-labels, lower case)."""
    text = value.strip()
    wildcard = text.startswith("*.")
    base = text[2:] if wildcard else text
    if "*" in base:
        raise ValidationError.t("scope_file.wildcard", where=where, value=repr(shown(value, 80)))
    notes: list[Finding] = []
    if any(c in base for c in "/:@?#[]\\"):
        raise ValidationError.t("scope_file.bare_domain", where=where, value=repr(shown(value, 80)))
    try:
        host, ip, _, _ = parse_host(base, notes)
    except TargetError as e:
        raise ValidationError(f"{where}: {e.message}", msgid=N_("scope_file.bad_host"),
                              params={"where": where, "reason": e.say("nl")}) from None
    if ip is not None:
        raise ValidationError.t("scope_file.ip_as_domain", where=where, value=repr(shown(value, 80)))
    if wildcard and registrable_domain(host) is None:
        raise ValidationError.t("scope_file.public_suffix", where=where, value=repr(shown(value, 80)))
    return ("*." if wildcard else "") + host


def network_pattern(value: str, where: str = "network") -> str:
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        raise ValidationError.t("scope_file.bad_network", where=where, value=repr(shown(value, 80))) from None
