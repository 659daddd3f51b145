"""What the organisation's profile says about encryption and sharing, acted on before a report leaves.

- ``encryption: required`` and the report would travel in the clear (``--allow-plaintext``, or
  plaintext picked on a terminal): the preview of the clear text says the policy requires encryption
  (and where that came from) and recommends a first contact instead. On a terminal the reporter is
  asked once more, default No. Without a terminal it stops with exit 6 (``encryption_required``)
  unless ``--despite-policy`` says the reporter accepts it: ``--yes`` never picks a channel.
- ``encryption: preferred``: a warning only (``encryption_preferred``).
- ``shares_with``: one neutral sentence in the summary, so the reporter knows who else will read it.

The policy is a ``core.policy.Policy`` with the merged profile applied (app/profiles.py). No I/O: the
question on a terminal is the caller's ``ask`` callback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cvd_reporter.core.findings import Finding
from cvd_reporter.core.i18n import say
from cvd_reporter.errors import InputNeeded, KeyProblem

DESPITE_FLAG = "--despite-policy"


def _stance(policy: Any, name: str) -> tuple[Any, str, str]:
    """(value, the source it came from, the organisation's name) of one profile field."""
    profile = getattr(policy, "profile", None)
    organisation = (profile.name if profile is not None else None) or policy.id
    return getattr(policy, name, None), policy.source_of(name), organisation


def encryption_of(policy: Any) -> str | None:
    value = _stance(policy, "encryption")[0]
    return value if value in ("required", "preferred") else None


def plaintext_note(policy: Any, lang: str) -> str | None:
    """The sentence above the clear text: the policy requires (or prefers) encryption; a first contact instead."""
    stance, source, organisation = _stance(policy, "encryption")
    if stance == "required":
        return say(lang, "stance.encryption_required", organisation=organisation, source=source)
    if stance == "preferred":
        return say(lang, "stance.encryption_preferred", organisation=organisation, source=source)
    return None


def with_note(policy: Any, lang: str, cleartext: str) -> str:
    """The clear text as the reporter is shown it before choosing, with the policy's stance above it."""
    note = plaintext_note(policy, lang)
    return f"{note}\n{cleartext}" if note and cleartext else cleartext


def before_plaintext(policy: Any, *, lang: str, despite_policy: bool, ask: Callable[[str], bool] | None,
                     findings: list[Finding], warnings: list[str]) -> None:
    """The report is about to travel unencrypted: hold the organisation's encryption stance against it.

    ``required``: without ``despite_policy``, a terminal (``ask``) is asked (default No; no stops with
    exit 8) and a script stops with exit 6 (``encryption_required``); going on adds the warning
    ``plaintext_against_policy``. ``preferred``: the warning ``encryption_preferred``."""
    stance, source, organisation = _stance(policy, "encryption")
    values = {"organisation": organisation, "source": source}
    if stance == "required":
        if not despite_policy:
            if ask is None:
                raise KeyProblem(say(lang, "stance.plaintext_refused", flag=DESPITE_FLAG, **values),
                                 code="encryption_required",
                                 data={"encryption": "required", "source": source,
                                       "choices": ["--first-contact", DESPITE_FLAG]})
            if not ask(say(lang, "stance.plaintext_ask", **values)):
                raise InputNeeded(say(lang, "first_contact.stopped"), code="not_confirmed")
        _warn(findings, warnings, "plaintext_against_policy", say(lang, "stance.plaintext_against_policy", **values))
    elif stance == "preferred":
        _warn(findings, warnings, "encryption_preferred", say(lang, "stance.encryption_preferred", **values))


def shares_note(policy: Any, lang: str) -> str | None:
    """"The policy of X says reports are shared with IBD (source)." or None."""
    parties, source, organisation = _stance(policy, "shares_with")
    if not parties:
        return None
    return say(lang, "stance.shares_with", organisation=organisation, parties=", ".join(parties), source=source)


def _warn(findings: list[Finding], warnings: list[str], code: str, message: str) -> None:
    findings.append(Finding(code, "warning", message))
    warnings.append(message)
