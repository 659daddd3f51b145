"""The wizard's one door to the rest of the product: scope, discovery, keys, lint, render, submit.

Those modules are built by other parts of the project and may be absent from an installation (or
fail on the network). Every use goes through this module, which imports them lazily and, when they
are missing or the network fails, says "could not check now" instead of failing: the wizard then
accepts the answer with a warning that ``submit`` checks it again before anything is sent (issue 7,
"Bad input"). Nothing here prompts or prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvd_reporter.errors import CvdError

if TYPE_CHECKING:
    from cvd_reporter.core.findings import Finding
    from cvd_reporter.core.model import Report
    from cvd_reporter.core.policy import Policy
    from cvd_reporter.settings import Settings

NOT_INSTALLED = "these checks are not part of this installation"


@dataclass
class LookupResult:
    """What the wizard shows after the target: scope verdict, who receives the report, how, which key."""

    target: str
    verdict: str | None = None  # in_scope | out_of_scope | unknown; None: could not check now
    reasons: list[str] = field(default_factory=list)
    organisation: str | None = None  # registrable domain of the organisation
    found_at: str | None = None  # where the security.txt came from
    contacts: list[str] = field(default_factory=list)  # preference order, e.g. "mailto:security@x"
    key: str | None = None  # "fingerprint …, expires …"
    policy_url: str | None = None
    languages: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why something could not be checked now

    @property
    def checked(self) -> bool:
        return self.verdict is not None

    @property
    def out_of_scope(self) -> bool:
        return self.verdict == "out_of_scope"

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "verdict": self.verdict, "reasons": self.reasons,
                "organisation": self.organisation, "found_at": self.found_at, "contacts": self.contacts,
                "key": self.key, "policy_url": self.policy_url, "languages": self.languages, "notes": self.notes}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _read_discovery(result: LookupResult, found: Any) -> None:
    """Copy what the wizard shows from a net.discovery Discovery (attributes read defensively)."""
    result.found_at = _text(getattr(found, "url", None))
    sec = getattr(found, "security_txt", None)
    for contact in getattr(sec, "contacts", None) or []:
        uri = getattr(contact, "uri", None) or getattr(contact, "address", None)
        if uri:
            result.contacts.append(str(uri))
    result.languages = [str(x) for x in getattr(sec, "preferred_languages", None) or []]
    policy = getattr(sec, "policy", None)
    result.policy_url = _text(policy[0] if isinstance(policy, (list, tuple)) and policy else policy)
    domain = getattr(found, "registrable_domain", None) or getattr(found, "domain", None)
    result.organisation = _text(domain)


def _describe_key(key: Any) -> str:
    fpr = getattr(key, "fingerprint", None) or key
    expires = getattr(key, "expires", None)
    when = expires.isoformat()[:10] if hasattr(expires, "isoformat") else (str(expires) if expires else "no expiry")
    return f"{fpr} ({'expires ' + when if expires else when})"


def lookup_target(target: str, settings: Settings, *, policy: Policy, now: dt.datetime) -> LookupResult:
    """Scope verdict, security.txt and key for a target; never raises for missing modules or the network.

    Runs in the wizard's background thread while the user goes on typing; every network step is
    bounded by ``settings.timeout`` through the Fetcher and the resolver.
    """
    result = LookupResult(target)
    try:
        from cvd_reporter.core import scope  # noqa: PLC0415
        from cvd_reporter.net import discovery  # noqa: PLC0415
    except ImportError:
        result.notes.append(NOT_INSTALLED)
        return result
    from cvd_reporter.net.dns import make_resolver  # noqa: PLC0415
    from cvd_reporter.net.http import Fetcher  # noqa: PLC0415

    try:
        normalised = scope.normalise(target)
    except CvdError as e:
        result.notes.append(e.message)
        return result
    fetcher = Fetcher.from_settings(settings)
    found = None
    try:
        found = discovery.discover(normalised, fetcher, now=now)
        _read_discovery(result, found)
    except CvdError as e:  # no security.txt, network down: scope may still decide (policy networks)
        result.notes.append(e.message)
    try:
        decision = scope.decide(normalised, policy=policy, discovery=found, resolver=make_resolver(settings))
        verdict = getattr(decision, "verdict", decision)
        result.verdict = str(getattr(verdict, "value", verdict))
        result.reasons = [str(r) for r in getattr(decision, "reasons", None) or []]
        result.organisation = result.organisation or _text(getattr(decision, "registrable_domain", None))
    except CvdError as e:
        result.notes.append(e.message)
    if found is not None and not result.out_of_scope:
        try:
            from cvd_reporter.net import keys  # noqa: PLC0415

            candidates = keys.find_keys(found, fetcher=fetcher, settings=settings, now=now)
            usable = [k for k in candidates or [] if getattr(k, "usable", True)]
            if usable:
                result.key = _describe_key(usable[0])
        except ImportError:
            result.notes.append("key lookup: " + NOT_INSTALLED)
        except CvdError as e:
            result.notes.append(e.message)
    return result


@dataclass
class LintOutcome:
    findings: list[Finding]
    redacted: str | None  # the text with every hit replaced; None when nothing was found


def lint_text(text: str, *, own_emails: list[str], own_phones: list[str], path: str) -> LintOutcome | None:
    """The personal-data and secret scan (core.lint) on one evidence text; None when not installed."""
    try:
        from cvd_reporter.core.lint import redact, scan_text  # noqa: PLC0415
    except ImportError:
        return None
    hits = scan_text(text, own_emails=own_emails, own_phones=own_phones, path=path)
    return LintOutcome([h.to_finding() for h in hits], redact(text, hits) if hits else None)


def render_preview(report: Report, *, policy: Policy, lang: str) -> str | None:
    """The exact text the organisation will read (core.render); None when not installed."""
    try:
        from cvd_reporter.core.render import render_text  # noqa: PLC0415
    except ImportError:
        return None
    return render_text(report, policy=policy, lang=lang)


def send_report(path: Path, settings: Settings, *, lang: str) -> str | None:
    """Hand a saved report file to ``submit`` (encrypt, deliver, record). None when not installed.

    Returns one line for the user saying where it went. Errors (CvdError) propagate: the command
    maps them to their exit code, and the report file stays where it was saved.
    """
    try:
        from cvd_reporter.submit import submit_report  # noqa: PLC0415
    except ImportError:
        return None
    outcome = submit_report(path, settings=settings, lang=lang)
    return str(getattr(outcome, "summary", None) or outcome)
