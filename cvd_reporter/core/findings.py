"""A finding: one thing a check noticed, with a stable code (used by every validator)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from cvd_reporter.core.i18n import Phrase, translator

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    line: int | None = None
    field: str | None = None
    column: int | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)
    msgid: str | None = dataclasses.field(default=None, compare=False)  # catalogue id of ``message``
    params: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    def say(self, lang: str | None) -> str:
        """The message in ``lang``; ``message`` is its English (what ``--json`` shows)."""
        return translator(lang)(self.msgid, **self.params) if self.msgid and lang != "en" else self.message

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.line is not None:
            out["line"] = self.line
        if self.column is not None:
            out["column"] = self.column
        if self.field is not None:
            out["field"] = self.field
        if self.extra:
            out.update({k: v for k, v in self.extra.items() if k not in out})
        return out

    def human(self, lang: str | None = "en") -> str:
        """The finding as a person reads it: severity and place in ``lang``, the message; the code (an id
        for tools) stays in ``--json``."""
        t = translator(lang)
        where = []
        if self.field:
            where.append(self.field)
        if self.line is not None:
            where.append(t("finding.where.line", line=self.line)
                         + (f":{self.column}" if self.column is not None else ""))
        loc = f" ({', '.join(where)})" if where else ""
        return f"{t(f'finding.severity.{self.severity}')}{loc}: {self.say(lang)}"



@dataclass(frozen=True)
class Said:
    """A message made where no language is known (a parser): its id and values, English on demand."""

    msgid: str
    params: dict[str, Any]

    @property
    def english(self) -> str:
        return translator("en")(self.msgid, **self.params)


def tr(msgid: str, /, **params: Any) -> Said:
    """``Said(msgid, params)``: the catalogue text ``msgid`` to be said later in the reader's language."""
    return Said(msgid, params)


def note(code: str, severity: str, message: str, **extra: Any) -> Finding:
    """A finding without a place (a note about a target, a key, a fetch)."""
    return Finding(code=code, severity=severity, message=message, extra=extra)  # type: ignore[arg-type]


def said_note(code: str, severity: str, msgid: str, /, *, extra: dict[str, Any] | None = None,
              **params: Any) -> Finding:
    """A note made of a catalogue text: its English is ``message`` (``--json``), its id and values let
    ``Finding.say`` and ``said_in`` say it in the reader's language."""
    text = Phrase(msgid, **params)
    return Finding(code=code, severity=severity, message=text, extra=extra or {},  # type: ignore[arg-type]
                   msgid=msgid, params=params)


def shown(text: str, limit: int = 120) -> str:
    """Text from outside, safe to print in a message: control characters escaped, length capped."""
    out = text if text.isprintable() else text.encode("unicode_escape").decode("ascii")
    return out if len(out) <= limit else out[:limit] + f"... ({len(text)} characters)"
