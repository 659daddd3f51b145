"""Helpers the detectors share: the raw hit, masked previews, entropy and placeholder tests."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import NamedTuple

from cvd_reporter.core.lint.detectors import MAX_PREVIEW_SHOWN


# ---------------------------------------------------------------------------- helpers
class _Raw(NamedTuple):
    code: str
    start: int
    end: int
    preview: str


def _mask(value: str, head: int = 0, tail: int = 0) -> str:
    """``value`` with its middle replaced by an ellipsis; never more than a third of it shown."""
    budget = int(len(value) * MAX_PREVIEW_SHOWN)
    head = min(head, budget)
    tail = min(tail, budget - head)
    return value[:head] + "…" + (value[len(value) - tail:] if tail > 0 else "")


_HIDDEN = "********"


def _entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values()) if n else 0.0


def _looks_random(value: str, *, min_len: int = 16) -> bool:
    """A token, not a word or a placeholder: long enough, letters and digits, high entropy."""
    return (len(value) >= min_len and any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
            and _entropy(value) >= 3.0)


_PLACEHOLDER_WORDS = frozenset({
    "null", "none", "nil", "true", "false", "undefined", "redacted", "hidden", "removed", "secret",
    "password", "wachtwoord", "passwd", "xxx", "example", "your_password", "yourpassword", "required",
    "optional", "string", "str", "text", "value", "verborgen", "geheim", "weggelaten",
})
_ENV_REF = re.compile(r"\$\{?[A-Z_][A-Z0-9_]*\}?\Z")


def _is_placeholder(value: str) -> bool:
    v = value.strip()
    if not v or v.lower() in _PLACEHOLDER_WORDS or set(v) <= set("*x•.#?-_<>X"):
        return True
    if v.startswith(("{{", "${", "$(", "<", "%s", "%(", "[REDACTED", "[redacted", "process.env", "os.environ",
                     "getenv", "{%")):
        return True
    return bool(_ENV_REF.match(v))


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"
