"""The scan over all detectors, overlap resolution, line/column location, and redaction."""

from __future__ import annotations

from collections.abc import Iterable

from cvd_reporter.core.lint.common import _Raw
from cvd_reporter.core.lint.credentials import _scan_jwt, _scan_keywords, _scan_private_keys, _scan_tokens
from cvd_reporter.core.lint.detectors import _PRIORITY, LintHit, ScanResult, decode_text
from cvd_reporter.core.lint.personal import _scan_email, _scan_iban, _scan_numbers, normalise_phone


# ---------------------------------------------------------------------------- the scan
def scan_text(text: str, *, own_emails: Iterable[str] = (), own_phones: Iterable[str] = (),
              path: str | None = None) -> list[LintHit]:
    """Every personal-data and secret hit in ``text``, in order of position.

    ``own_emails`` / ``own_phones`` are the reporter's own contact details: they are not flagged
    (phones are compared in E.164 form, default region NL). ``path`` is copied into each hit.
    Overlapping hits of different kinds are reported once, as the more specific kind.
    """
    emails = frozenset(e.strip().lower() for e in own_emails if e and e.strip())
    phones = frozenset(normalise_phone(p) for p in own_phones if p and p.strip())
    raw: list[_Raw] = []
    _scan_private_keys(text, raw)
    _scan_jwt(text, raw)
    _scan_tokens(text, raw)
    _scan_keywords(text, raw)
    _scan_iban(text, raw)
    if "@" in text:
        _scan_email(text, emails, raw)
    _scan_numbers(text, phones, raw)
    return _located(text, _resolve_overlaps(raw), path)


def _resolve_overlaps(raw: list[_Raw]) -> list[_Raw]:
    """Drop a hit that lies inside another hit of the same or a more specific kind.

    Partial overlaps keep both (``redact`` merges their spans), so nothing found is left unredacted.
    """
    raw.sort(key=lambda r: (r.start, -r.end, _PRIORITY[r.code]))
    kept: list[_Raw] = []
    cover: _Raw | None = None
    for r in raw:
        if cover is not None and r.end <= cover.end and _PRIORITY[r.code] >= _PRIORITY[cover.code]:
            continue
        kept.append(r)
        if cover is None or r.end > cover.end:
            cover = r
    return kept


def _located(text: str, raw: list[_Raw], path: str | None) -> list[LintHit]:
    """Attach 1-based line and column; one pass over the text however many hits there are."""
    hits: list[LintHit] = []
    line, pos, line_start = 1, 0, 0
    for r in raw:  # sorted by start
        newlines = text.count("\n", pos, r.start)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", pos, r.start) + 1
        pos = r.start
        hits.append(LintHit(r.code, r.start, r.end, line, r.start - line_start + 1, r.preview,
                            text[r.start:r.end], path))
    return hits


def redact(text: str, hits: list[LintHit]) -> str:
    """``text`` with every hit replaced by ``[REDACTED:<code>]``; overlapping hits become one placeholder
    (typed by the more specific kind). Raises ValueError if a hit does not belong to this text."""
    spans = sorted(hits, key=lambda h: (h.start, -h.end))
    parts: list[str] = []
    pos = 0
    group_end, group_code = -1, ""
    for h in spans:
        if text[h.start:h.end] != h.value:
            raise ValueError("a lint hit does not match the text it is applied to; scan this text first")
        if h.start < group_end:  # overlaps the current placeholder: widen it
            group_end = max(group_end, h.end)
            if _PRIORITY[h.code] < _PRIORITY[group_code]:
                group_code = h.code
            continue
        if group_end >= 0:
            parts.append(f"[REDACTED:{group_code}]")
            pos = group_end
        parts.append(text[pos:h.start])
        group_end, group_code = h.end, h.code
    if group_end >= 0:
        parts.append(f"[REDACTED:{group_code}]")
        pos = group_end
    parts.append(text[pos:])
    return "".join(parts)


def scan_bytes(data: bytes, *, own_emails: Iterable[str] = (), own_phones: Iterable[str] = (),
               path: str | None = None) -> ScanResult:
    """Scan an evidence file's content: text is scanned, binary is reported as not scanned."""
    text = decode_text(data)
    if text is None:
        return ScanResult(path, scanned=False, reason="binary")
    return ScanResult(path, scanned=True,
                      hits=tuple(scan_text(text, own_emails=own_emails, own_phones=own_phones, path=path)))
