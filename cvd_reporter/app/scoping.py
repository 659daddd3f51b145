"""The scope check with the network: normalise -> DNS -> (security.txt) -> decide (issue 5).

One pipeline behind ``cvd-reporter scope``, ``submit`` and the wizard, so they cannot disagree. The
decision itself is pure (core/scope.py); this module gathers its evidence. Heavy imports (dnspython,
requests, the discovery module) happen inside the functions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from cvd_reporter.app.context import Context
from cvd_reporter.core.scope import Resolution, ScopeTarget, SecurityTxtEvidence, Verdict, decide, normalise
from cvd_reporter.core.scope_file import MAX_POLICY_BYTES, PolicyScope
from cvd_reporter.core.target import parse_target
from cvd_reporter.errors import CvdError, DiscoveryError, InputFileError
from cvd_reporter.net.discovery import discover
from cvd_reporter.net.resolve import map_bounded

Lookup = Callable[[ScopeTarget], "SecurityTxtEvidence | None"]


def load_policy_scope(path: str | Path, *, required: bool = True) -> PolicyScope | None:
    """Read a YAML/JSON policy file whose top-level ``scope`` key holds the scope section.

    Without that key: an error, or None when not ``required`` (a policy profile may have no
    scope). Parsing stays in core (:meth:`PolicyScope.from_text`)."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            raw = fh.read(MAX_POLICY_BYTES + 1)
    except OSError as e:
        raise InputFileError.t("scoping.unreadable", path=p, reason=e.strerror or e) from None
    if len(raw) > MAX_POLICY_BYTES:
        raise InputFileError.t("scoping.too_large", path=p)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError.t("scoping.not_utf8", path=p) from None
    scope = PolicyScope.from_text(text, name=str(p))
    if scope is None and required:
        raise InputFileError.t("scoping.no_scope", path=p)
    return scope


def securitytxt_evidence(host: str, fetcher: Any, *, now: datetime,
                         discoveries: dict[str, Any] | None = None) -> SecurityTxtEvidence | None:
    """The adapter from :func:`cvd_reporter.net.discovery.discover` to the scope rule's evidence.
    None when no security.txt covers the host (or the network failed while looking: that is a
    DiscoveryError too)."""
    try:
        found = discover(host, fetcher, now=now)
    except DiscoveryError as e:
        if discoveries is not None:
            discoveries[host] = e
        return None
    if discoveries is not None:  # submit reuses it instead of fetching the same file again
        discoveries[host] = found
    asked = getattr(found, "requested_url", None) or found.url  # RFC 9116 §3.1: where it was fetched from
    asked_host = _host(asked)
    if hasattr(found, "canonical_lists_source"):
        agrees = found.canonical_lists_source
    else:
        canonical = list(getattr(getattr(found, "security_txt", None), "canonical", None) or [])
        agrees = any(_same_url(c, u) for c in canonical for u in {asked, found.url}) if canonical else None
    return SecurityTxtEvidence(
        found_url=found.url, file_host=asked_host, covers_host=bool(found.covers_host),
        from_parent=bool(found.from_parent), canonical_agrees=agrees,
        redirected_to=_host(found.url) if getattr(found, "cross_domain_redirect", False) else None)


def _host(url: str) -> str:
    try:
        return parse_target(url).host
    except CvdError:
        return ""


def _same_url(a: str, b: str) -> bool:
    try:
        return normalise(a.strip()).url == normalise(b.strip()).url
    except CvdError:
        return False


def securitytxt_lookup(fetcher: Any, now: datetime, *, remember: int = 4096,
                       discoveries: dict[str, Any] | None = None) -> Lookup:
    """:func:`securitytxt_evidence` per host, remembered for a batch (many targets share a host);
    bounded, so memory stays flat on long batches."""
    memo: dict[str, SecurityTxtEvidence | None] = {}
    lock = threading.Lock()

    def lookup(target: ScopeTarget) -> SecurityTxtEvidence | None:
        with lock:
            if target.host in memo:
                return memo[target.host]
        evidence = securitytxt_evidence(target.host, fetcher, now=now, discoveries=discoveries)
        with lock:
            if len(memo) >= remember:
                memo.clear()
            memo[target.host] = evidence
        return evidence

    return lookup


def make_checker(policy: PolicyScope | None, resolve: Callable[[str], Resolution],
                 securitytxt: Lookup | None = None) -> Callable[[str], Verdict]:
    """``text -> Verdict`` for one target. Raises ValidationError for text that is no target.

    security.txt is fetched only when the policy did not decide (no includes, not excluded) and the
    target is a host name: an IP address is in scope only by a policy network.
    """

    def check(text: str) -> Verdict:
        target = normalise(text)
        resolution = resolve(target.host) if target.ip is None else None
        verdict = decide(target, policy=policy, resolution=resolution)
        if securitytxt is not None and target.ip is None and verdict.decided_by.get("source") == "none":
            evidence = securitytxt(target)
            if evidence is not None:
                verdict = decide(target, policy=policy, resolution=resolution, securitytxt=evidence)
        return verdict

    return check


def as_policy_scope(scope: PolicyScope | Mapping[str, Any] | None, *, source: str | None = None
                    ) -> PolicyScope | None:
    """A policy profile's raw ``scope`` section (or a PolicyScope, or nothing) as a PolicyScope."""
    if scope is None or isinstance(scope, PolicyScope):
        return scope
    return PolicyScope.from_dict(scope, source=source)


def check_targets(targets: Iterable[str], *, ctx: Context, policy_scope: PolicyScope | Mapping[str, Any] | None = None,
                  fetcher: Any = None, now: datetime | None = None, securitytxt: bool = True,
                  jobs: int = 8, discoveries: dict[str, Any] | None = None) -> list[Verdict]:
    """Verdicts for a few targets (submit, the wizard), in order. Raises ValidationError (exit 3) for
    a target that is no URL, host name or IP address; DNS and HTTPS trouble only make a verdict
    ``unknown`` or add notes. ``discoveries`` (host -> Discovery or DiscoveryError) collects the
    security.txt lookups made, so the caller need not fetch them again. ``now`` defaults to the
    context's clock."""
    policy = as_policy_scope(policy_scope)
    lookup = None
    if securitytxt:
        lookup = securitytxt_lookup(fetcher if fetcher is not None else ctx.network.fetcher(),
                                    now or ctx.clock(), discoveries=discoveries)
    check = make_checker(policy, ctx.network.host_resolver(), lookup)
    return list(map_bounded(check, targets, workers=jobs))
