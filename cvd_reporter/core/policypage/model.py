"""What the policy reader returns: every value with the sentence it came from (its evidence).

A value the page does not state is ``unknown`` (or an empty list): the reader never guesses.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

UNKNOWN = "unknown"
_SPLIT = re.compile(r"(?<=[.!?;])\s+(?=[\"'‘“(•\-–]?\s*[A-Z0-9À-Ý])")


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int  # 1-based line of the extracted text


def sentences(text: str) -> list[Sentence]:
    """The text cut into lines, each line into sentences (a list item or a heading is one line)."""
    out: list[Sentence] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip().lstrip("•*·-–").strip()
        for part in _SPLIT.split(line):
            if part.strip():
                out.append(Sentence(part.strip(), number))
    return out


def _evidence(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Found:
    """One value and where it came from. ``value`` is a string, a number or a small dict."""

    value: Any
    evidence: str = ""
    line: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def at(cls, value: Any, sentence: Sentence | None, **extra: Any) -> Found:
        if sentence is None:
            return cls(value, "", None, extra)
        return cls(value, _evidence(sentence.text), sentence.line, extra)

    @property
    def known(self) -> bool:
        return bool(self.value != UNKNOWN)  # value is a string, a number or a dict

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, **self.extra}
        if self.evidence:
            out["evidence"] = self.evidence
            out["line"] = self.line
        return out


def unknown() -> Found:
    return Found(UNKNOWN)


@dataclass(frozen=True)
class Contact:
    kind: str  # email | form | platform | phone
    value: str | None  # mailto:/https:/tel: URI; None for a form the page names without its address
    name: str = ""  # the platform or form as the page calls it
    evidence: str = ""
    line: int | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "value": self.value}
        if self.name:
            out["name"] = self.name
        if self.note:
            out["note"] = self.note
        out["evidence"] = self.evidence
        out["line"] = self.line
        return out

    @property
    def address(self) -> str | None:
        """The bare e-mail address or phone number."""
        if self.value and ":" in self.value and self.kind in ("email", "phone"):
            return self.value.split(":", 1)[1]
        return None


_FOLDED: dict[tuple[str, int], re.Pattern[str]] = {}


def _folded(rx: re.Pattern[str]) -> re.Pattern[str]:
    """``rx`` without IGNORECASE, for lower-cased text: Python's ``re`` is several times slower with
    IGNORECASE, which decided whether the reader stays under 100 ms a page. Letters are lower-cased
    except in escapes (``\\S``) and group syntax (``(?P<name>``)."""
    key = (rx.pattern, rx.flags)
    if key not in _FOLDED:
        source = re.sub(r"\\.|\(\?P?<?[=!]?|\(\?P<\w+>|[A-Z]",
                        lambda m: m.group(0).lower() if len(m.group(0)) == 1 else m.group(0), rx.pattern)
        _FOLDED[key] = re.compile(source, rx.flags & ~re.IGNORECASE)
    return _FOLDED[key]


_Joined = tuple[str, str | None, list[int]]
# one (sentences, data) pair, replaced whole (thread-safe)
_LAST: list[tuple[list[Sentence] | None, _Joined]] = [(None, ("", None, []))]


def _joined(sents: list[Sentence]) -> tuple[str, str | None, list[int]]:
    """The sentences joined by newlines, lower-cased (None when lower-casing changes lengths) and each
    sentence's start; kept for the last list seen, since one page asks for it some thirty times."""
    cached_sents, data = _LAST[0]
    if cached_sents is sents:
        return data
    joined = "\n".join(s.text for s in sents)
    lower = joined.lower()
    lowered = lower if len(lower) == len(joined) else None
    starts: list[int] = []
    pos = 0
    for s in sents:
        starts.append(pos)
        pos += len(s.text) + 1
    _LAST[0] = (sents, (joined, lowered, starts))
    return joined, lowered, starts


def matching(sents: list[Sentence], pattern: re.Pattern[str] | str, flags: int = 0) -> list[Sentence]:
    """The sentences in which ``pattern`` matches, in order: one scan of the joined text instead of one
    search per sentence (a pattern never spans two sentences: they are joined by newlines)."""
    rx = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
    joined, lowered, starts = _joined(sents)
    if rx.flags & re.IGNORECASE and lowered is not None:
        rx, joined = _folded(rx), lowered
    out: list[Sentence] = []
    last = -1
    for m in rx.finditer(joined):
        index = bisect.bisect_right(starts, m.start()) - 1
        if index != last:
            out.append(sents[index])
            last = index
    return out
