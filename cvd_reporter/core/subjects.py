"""A Subject an organisation's policy requires ("Beveiliging ICT", "Melding kwetsbaarheid in ..."):
checked when the profile is read, and turned into the text of the outer Subject.

The outer Subject travels unencrypted (anyone on the mail path reads it), so it carries the required
text and the report id, never a word of the report. A required text that asks to name the system (a
placeholder such as ``{system}`` or ``[naam]``, or a sentence ending in "in ...") would reveal what is
vulnerable: the placeholder is left out and the reporter is warned, so nothing is filled in for them.

Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata

from cvd_reporter.errors import ValidationError

MAX_SUBJECT = 200
# {system}, [naam systeem], <host>, %s, and a trailing "..." / "…" that stands for the system's name
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|\[[^\[\]]*\]|<[^<>]*>|%s|\.{3,}|…")
# a dangling word that asks for a name after it: "Melding kwetsbaarheid in", "... van", "for"
_DANGLING = re.compile(r"\s+(in|van|op|bij|voor|betreffende|inzake|m\.?b\.?t\.?|about|on|for|at|of|re:?)\s*[:\-–]?$",
                       re.I)
_SYSTEM_WORDS = re.compile(r"\b(naam van (het|uw)|systeemnaam|name of the|system name|url|domein(naam)?|"
                           r"hostname|website)\b", re.I)


def has_control(text: str) -> bool:
    """True for any control or format character (newlines, ESC, bidi overrides, ...)."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def check_required(text: object, where: str) -> str:
    """The required subject, stripped; ValidationError (exit 3) for one that cannot travel as a Subject:
    control characters (a header injection or a terminal escape) or longer than MAX_SUBJECT characters."""
    if not isinstance(text, str):
        raise ValidationError.t("subjects.not_text", code="bad_required_subject", where=where)
    if has_control(text):
        raise ValidationError.t("subjects.control", code="bad_required_subject", where=where)
    value = " ".join(text.split())
    if len(value) > MAX_SUBJECT:
        raise ValidationError.t("subjects.too_long", code="bad_required_subject", where=where, length=len(value),
                                max=MAX_SUBJECT)
    return value


def reveals(text: str) -> bool:
    """True when the required text asks to name the system (a placeholder, a dangling "in", ...)."""
    return bool(_PLACEHOLDER.search(text) or _DANGLING.search(text) or _SYSTEM_WORDS.search(text))


def for_mail(text: str) -> str:
    """The required text as it travels: placeholders and a dangling "in"/"van" at the end left out, so
    nothing of the report is filled in; the rest verbatim."""
    out = " ".join(_PLACEHOLDER.sub(" ", text).split())
    previous = None
    while previous != out:
        previous = out
        out = _DANGLING.sub("", out).strip(" :-–")
    return out
