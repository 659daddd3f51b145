"""Checks across the wizard's answers (issue 17): yes/no in the reporter's language, answers that
contradict an attested rule, a publication date before the answer is due, targets that only look
like IP addresses, and a reporter key that cannot be encrypted to.

Pure: no prompts, no files, no network; ``today`` and ``now`` are parameters. Each check returns a
catalogue id with its parameters (or None), so the words live in the message catalogue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from cvd_reporter.core.i18n import N_
from cvd_reporter.core.pgp.certificates import parse_certificates
from cvd_reporter.core.pgp.keys import inspect
from cvd_reporter.core.policy import Policy
from cvd_reporter.core.workdays import add_working_days
from cvd_reporter.errors import KeyProblem

Problem = tuple[str, dict[str, Any]]
"""A catalogue id and the values for its placeholders."""

# ---------------------------------------------------------------------------- yes / no
_YES = ("j", "ja", "y", "yes")
_NO = ("n", "nee", "no")


def parse_yes_no(text: str | None) -> bool | None:
    """``j``/``ja``/``y``/``yes`` is True, ``n``/``nee``/``no`` is False (either language, any case);
    anything else, including an empty answer, is None: not an answer."""
    word = (text or "").strip().lower().rstrip(".!")
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


# ---------------------------------------------------------------------------- contradictions
# What a "what data did you see / download" answer says when it says there was none, or only the
# reporter's own or test data: then it cannot contradict a rule about other people's data.
_NOTHING = re.compile(
    r"^\s*(?:-+|n\.?v\.?t\.?|n/?a|geen\b.*|niets\b.*|niks\b.*|none\b.*|nothing\b.*|no\b.*|nee\b.*)\s*$",
    re.IGNORECASE)
_OWN = re.compile(r"\b(?:mijn eigen|eigen|testaccount|test account|testgegevens|test data|my own|own)\b",
                  re.IGNORECASE)
# Words that say more than a sample was taken: a whole table, a dump, all records, hundreds of rows.
_BULK = re.compile(r"\b(?:alle|all|hele|volledige|complete|entire|whole|database|dump|export|"
                   r"tabel|table|\d{3,}\s*(?:records|rijen|rows|regels|lines|klanten|customers|inwoners|"
                   r"residents|personen|people|users|gebruikers))\b", re.IGNORECASE)


def says_data(text: str | None) -> bool:
    """True when an answer names data of others (not empty, not "none", not only one's own)."""
    value = (text or "").strip()
    return bool(value) and not _NOTHING.match(value) and not _OWN.search(value)


def rule_conflict(rule_id: str, answers: Mapping[str, Any]) -> Problem | None:
    """The answer that contradicts attesting ``rule_id`` ("no-data-abuse": I viewed no one else's
    data; "minimal-data": I downloaded no more than needed), or None."""
    seen = str(answers.get("data_accessed") or "").strip()
    downloaded = str(answers.get("data_downloaded") or "").strip()
    if rule_id == "no-data-abuse" and says_data(seen):
        return N_("check.conflict.data_seen"), {"answer": seen}
    if rule_id == "minimal-data" and says_data(downloaded) and _BULK.search(downloaded):
        return N_("check.conflict.data_downloaded"), {"answer": downloaded}
    return None


# ---------------------------------------------------------------------------- publication
DEFAULT_RESPONSE_DAYS = 5  # the model policy's promise when a profile names none


def response_due(policy: Policy, today: dt.date) -> dt.date:
    """The day the organisation's first answer is due when the report goes out ``today``."""
    days = policy.response_working_days
    return add_working_days(today, DEFAULT_RESPONSE_DAYS if days is None else days, policy.calendar)


def publication_problem(intent: str | None, date: dt.date | None, policy: Policy, today: dt.date) -> Problem | None:
    """A publication date that comes before the organisation must even answer, or a date that
    contradicts "after the fix" (a fix cannot be promised for a day before the answer is due)."""
    if date is None or intent == "none":
        return None
    due = response_due(policy, today)
    if date > due:
        return None
    if intent == "after-fix":
        return N_("check.publication.after_fix"), {"date": date.isoformat(), "due": due.isoformat()}
    return N_("check.publication.before_due"), {"date": date.isoformat(), "due": due.isoformat(),
                                            "first": (due + dt.timedelta(days=1)).isoformat()}


# ---------------------------------------------------------------------------- addresses
_DOTTED_NUMBERS = re.compile(r"^\[?[0-9.]+\]?$")


def fake_ipv4(host: str) -> bool:
    """A host of only digits and dots that is no IPv4 address (``10.0.0.300``, ``10.0.0``): a typo
    for an address, never a host name (no top-level domain is numeric, RFC 3696 §2)."""
    host = host.strip().rstrip(".")
    if not host or not _DOTTED_NUMBERS.match(host):
        return False
    parts = host.strip("[]").split(".")
    return len(parts) != 4 or any(not p.isdigit() or int(p) > 255 for p in parts)


# ---------------------------------------------------------------------------- the reporter's key
def reporter_key_problem(data: bytes, now: dt.datetime) -> Problem | None:
    """Why the organisation could not answer encrypted to this public key (or None): it must parse,
    and the first certificate must have a usable encryption key at ``now`` (a sign-only key has none)."""
    try:
        certs, problems = parse_certificates(data, what="The key file")
    except KeyProblem as e:
        return N_("check.key.unreadable"), {"reason": e.message}
    if not certs:
        return N_("check.key.unreadable"), {"reason": problems[0].message if problems else "?"}
    verdict = inspect(certs[0], now=now)
    if verdict.usable:
        return None
    if "no_encryption_key" in verdict.codes:
        return N_("check.key.sign_only"), {"fingerprint": verdict.fingerprint}
    return N_("check.key.unusable"), {"fingerprint": verdict.fingerprint, "reason": verdict.text(verdict.reasons[0])}
