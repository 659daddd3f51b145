"""What lint finds and reports: the detector kinds (their words in the message catalogue), one hit,
and the outcome of scanning one piece of evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from cvd_reporter.core.findings import Finding, Severity
from cvd_reporter.core.i18n import say


# ---------------------------------------------------------------------------- the detectors
class DetectorInfo(NamedTuple):
    """One kind of thing found; its words are in the message catalogue (core/i18n.py)."""

    code: str

    def label(self, lang: str = "en") -> str:
        """What it is, to use inside a sentence ("a password"): ``lint.<code>.label``."""
        return say(lang, f"lint.{self.code}.label")

    def describe(self, lang: str = "en") -> str:
        """One line on what is detected and how (README, `lint --json` consumers): ``lint.<code>.about``."""
        return say(lang, f"lint.{self.code}.about")


# In priority order: when two hits overlap, the earlier kind wins (a JWT inside a cookie is a JWT;
# digits inside an IBAN are not also a phone number).
_INFOS: tuple[DetectorInfo, ...] = tuple(DetectorInfo(code) for code in (
    "private_key", "jwt", "aws_key", "github_token", "slack_token", "google_api_key", "bearer_token", "password",
    "secret", "session_cookie", "iban", "card", "bsn", "email", "phone",
))
DETECTORS: dict[str, DetectorInfo] = {d.code: d for d in _INFOS}
_PRIORITY: dict[str, int] = {d.code: i for i, d in enumerate(_INFOS)}

MAX_PREVIEW_SHOWN = 1 / 3  # a preview never shows more than a third of a value


# ---------------------------------------------------------------------------- results
@dataclass(frozen=True)
class LintHit:
    """One thing found. ``start``/``end`` are offsets into the scanned text; ``line``/``column`` are
    1-based (columns count characters). ``value`` is the matched text itself: it is kept for
    ``redact`` and never shown (not in repr, to_dict or findings); show ``preview`` instead."""

    code: str
    start: int
    end: int
    line: int
    column: int
    preview: str
    value: str = field(repr=False, compare=False)
    path: str | None = None
    severity: Severity = "warning"

    @property
    def info(self) -> DetectorInfo:
        return DETECTORS[self.code]

    def message(self, lang: str = "en") -> str:
        return say(lang, "lint.hit", label=self.info.label(lang), preview=self.preview)

    def to_finding(self, lang: str = "en") -> Finding:
        return Finding(f"lint_{self.code}", self.severity, self.message(lang), line=self.line,
                       field=self.path, column=self.column,
                       extra={"detector": self.code, "preview": self.preview})

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "path": self.path, "line": self.line, "column": self.column,
                "start": self.start, "end": self.end, "preview": self.preview, "severity": self.severity}


@dataclass(frozen=True)
class ScanResult:
    """The outcome for one piece of evidence: scanned text, or ``scanned=False`` with a reason."""

    path: str | None
    scanned: bool
    hits: tuple[LintHit, ...] = ()
    reason: Literal["binary"] | None = None

    def findings(self, lang: str = "en") -> list[Finding]:
        if self.scanned:
            return [h.to_finding(lang) for h in self.hits]
        return [Finding("lint_not_scanned", "info", say(lang, "lint.not_scanned"), field=self.path,
                        extra={"reason": self.reason})]


def decode_text(data: bytes) -> str | None:
    """UTF-8 text (a BOM is dropped), or None for what we treat as binary: NUL bytes or not UTF-8."""
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
