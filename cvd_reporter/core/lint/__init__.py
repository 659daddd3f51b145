"""Detectors for personal data and secrets in report text and evidence, and redaction.

The municipal CVD policy (the Dutch model text, e.g.
https://www.westervoort.nl/responsible-disclosure) asks a reporter not to look at, keep or share
other people's data and to delete what was downloaded: a report or its evidence should not carry
citizen service numbers, bank or card numbers, other people's contact details, passwords, tokens,
keys or session cookies. ``scan_text`` finds them; ``redact`` replaces them with typed placeholders.

Pure (no files, no network) and linear in the input: every pattern is either anchored on a literal
that the regex engine finds with a fast substring search (``@``, ``://``, ``eyJ``, ``-----BEGIN``,
keywords in a lower-cased copy), or starts with a character class and continues with bounded runs
whose alternatives are disjoint, so no input makes the engine backtrack more than a constant per
position; where a match consumes a stretch, the keyword occurrences inside it are not tried again.
The three numeric detectors (BSN, card, phone) share one pass. Checksums (11-check, mod-97, Luhn),
issuer prefixes and phone-number validation (the ``phonenumbers`` package, default region NL) cut
false positives; bench/lint_bench.py measures speed and linearity.

The package: ``detectors`` (the kinds, a hit, a scan result), ``personal`` (BSN, card, phone, IBAN,
e-mail), ``credentials`` (tokens, JWTs, private keys, keyword-anchored secrets), ``common`` (shared
helpers) and ``scan`` (all detectors over one text, overlaps, redaction). Import from here.
"""

from cvd_reporter.core.lint.credentials import jwt_header
from cvd_reporter.core.lint.detectors import (
    DETECTORS,
    MAX_PREVIEW_SHOWN,
    DetectorInfo,
    LintHit,
    ScanResult,
    decode_text,
)
from cvd_reporter.core.lint.personal import bsn_valid, card_valid, iban_valid, luhn_valid, normalise_phone
from cvd_reporter.core.lint.scan import redact, scan_bytes, scan_text

__all__ = [
    "DETECTORS", "MAX_PREVIEW_SHOWN", "DetectorInfo", "LintHit", "ScanResult", "bsn_valid", "card_valid",
    "decode_text", "iban_valid", "jwt_header", "luhn_valid", "normalise_phone", "redact", "scan_bytes", "scan_text",
]
