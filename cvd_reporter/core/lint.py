"""Detectors for personal data and secrets in report text and evidence, and redaction.

The municipal CVD policy (policy/gemeente-cvd-nl.txt) asks a reporter not to look at, keep or share
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
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, NamedTuple

import phonenumbers

from cvd_reporter.core.findings import Finding, Severity


# ---------------------------------------------------------------------------- the detectors
class DetectorInfo(NamedTuple):
    code: str
    label_en: str  # used inside a finding's sentence
    label_nl: str
    en: str  # one-line description (README, `lint --json` consumers)
    nl: str


# In priority order: when two hits overlap, the earlier kind wins (a JWT inside a cookie is a JWT;
# digits inside an IBAN are not also a phone number).
_INFOS: tuple[DetectorInfo, ...] = (
    DetectorInfo("private_key", "a private key", "een privésleutel",
                 "PEM, OpenSSH or PGP PRIVATE KEY block.",
                 "PEM-, OpenSSH- of PGP-blok met een PRIVATE KEY."),
    DetectorInfo("jwt", "a JSON Web Token", "een JSON Web Token",
                 "JSON Web Token: three base64url parts whose header is JSON with an alg.",
                 "JSON Web Token: drie base64url-delen waarvan de header JSON met een alg is."),
    DetectorInfo("aws_key", "an AWS access key", "een AWS-toegangssleutel",
                 "AWS access key id (AKIA/ASIA...) or aws_secret_access_key value.",
                 "AWS-toegangssleutel (AKIA/ASIA...) of waarde van aws_secret_access_key."),
    DetectorInfo("github_token", "a GitHub token", "een GitHub-token",
                 "GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_).",
                 "GitHub-token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)."),
    DetectorInfo("slack_token", "a Slack token", "een Slack-token",
                 "Slack token (xoxb-, xoxp-, ...) or incoming-webhook URL.",
                 "Slack-token (xoxb-, xoxp-, ...) of webhook-URL."),
    DetectorInfo("google_api_key", "a Google API key", "een Google-API-sleutel",
                 "Google API key (AIza...).",
                 "Google-API-sleutel (AIza...)."),
    DetectorInfo("bearer_token", "a bearer token", "een bearer-token",
                 "High-entropy token in an Authorization: Bearer/Token header.",
                 "Willekeurig ogend token in een Authorization: Bearer/Token-header."),
    DetectorInfo("password", "a password", "een wachtwoord",
                 "Password: password=/wachtwoord: values, user:password@ in URLs, Basic auth, curl -u.",
                 "Wachtwoord: password=/wachtwoord:-waarden, gebruiker:wachtwoord@ in URL's, Basic-auth, curl -u."),
    DetectorInfo("secret", "a secret key or token", "een geheime sleutel of token",
                 "High-entropy value of a setting named like api_key, secret or access_token.",
                 "Willekeurig ogende waarde van een instelling als api_key, secret of access_token."),
    DetectorInfo("session_cookie", "a session cookie", "een sessiecookie",
                 "Session-like cookie in a Cookie:/Set-Cookie: header or curl -b/--cookie.",
                 "Sessie-achtige cookie in een Cookie:/Set-Cookie:-header of curl -b/--cookie."),
    DetectorInfo("iban", "an IBAN bank account number", "een IBAN-rekeningnummer",
                 "IBAN of any registry country, with or without spaces, mod-97 checked.",
                 "IBAN van elk land uit het register, met of zonder spaties, mod-97-gecontroleerd."),
    DetectorInfo("card", "a payment card number", "een betaalkaartnummer",
                 "Payment card number: 13-19 digits, known issuer prefix, Luhn checked.",
                 "Betaalkaartnummer: 13-19 cijfers, bekend uitgeversprefix, Luhn-gecontroleerd."),
    DetectorInfo("bsn", "a citizen service number (BSN)", "een burgerservicenummer (BSN)",
                 "Dutch citizen service number (BSN), 9 digits, 11-check (elfproef) passed.",
                 "Burgerservicenummer (BSN), 9 cijfers, elfproef doorstaan."),
    DetectorInfo("email", "someone else's e-mail address", "het e-mailadres van iemand anders",
                 "E-mail address other than yours (role addresses like security@ are skipped).",
                 "E-mailadres dat niet van u is (functionele adressen als security@ niet)."),
    DetectorInfo("phone", "someone else's phone number", "het telefoonnummer van iemand anders",
                 "Valid phone number other than yours (default region NL).",
                 "Geldig telefoonnummer dat niet van u is (standaardregio NL)."),
)
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
        if lang == "nl":
            return (f"Lijkt op {self.info.label_nl} ({self.preview}); haal het weg of maak het onleesbaar "
                    "met cvd-reporter lint --redact.")
        return (f"Looks like {self.info.label_en} ({self.preview}); remove it or redact it with "
                "cvd-reporter lint --redact.")

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
        text = ("niet gescand: binair bestand (alleen UTF-8-tekst wordt gescand)" if lang == "nl"
                else "not scanned: binary (only UTF-8 text is scanned)")
        return [Finding("lint_not_scanned", "info", text[0].upper() + text[1:] + ".", field=self.path,
                        extra={"reason": self.reason})]


def decode_text(data: bytes) -> str | None:
    """UTF-8 text (a BOM is dropped), or None for what we treat as binary: NUL bytes or not UTF-8."""
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def scan_bytes(data: bytes, *, own_emails: Iterable[str] = (), own_phones: Iterable[str] = (),
               path: str | None = None) -> ScanResult:
    """Scan an evidence file's content: text is scanned, binary is reported as not scanned."""
    text = decode_text(data)
    if text is None:
        return ScanResult(path, scanned=False, reason="binary")
    return ScanResult(path, scanned=True,
                      hits=tuple(scan_text(text, own_emails=own_emails, own_phones=own_phones, path=path)))


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


# ---------------------------------------------------------------------------- numbers
# One pattern for the three numeric detectors, so the text is scanned once. It starts with a
# character class, which lets the engine skip ahead with a fast class scan; the "not preceded by a
# word character" test is a lookbehind placed *after* that first character, because a lookbehind in
# front would disable the scan. Quantifiers are bounded and their alternatives disjoint.
_NUMBER = re.compile(
    r"[+(0-9](?<![\w.,/+\-][+(0-9])(?:"
    # BSN: 9 digits, also written 1234.56.782, 123.456.782 or 1234 56 782
    r"(?<=[0-9])(?P<bsn>[0-9]{8}|[0-9]{3}\.[0-9]{2}\.[0-9]{3}|[0-9]{2}\.[0-9]{3}\.[0-9]{3}|[0-9]{3} [0-9]{2} [0-9]{3})"
    r"(?![\w]|[.,/\-][0-9])"
    # card: 13-19 digits with optional single spaces or dashes; every issuer prefix starts with 2-6
    r"|(?<=[2-6])(?P<card>(?:[ \-]?[0-9]){12,18})(?![\w]|[.,/\-][0-9])"
    # phone: where one may start (+, 00, 0, (0) and the run of phone characters after it
    r"|(?<=[+(0])(?P<phone>[0-9 ()\-.]{7,40}))")
# Dutch free-phone and premium service numbers belong to organisations, not persons.
_SERVICE_NUMBERS = ("+31800", "+31900", "+31906", "+31909")
_PHONE_AT = re.compile(r"[+(0][0-9 ()\-.]{7,40}")
_CARD_GROUP = re.compile(r"[0-9]+")
_DATE_LIKE = re.compile(r"\(?[0-9]{1,4}[-./][0-9]{1,2}[-./][0-9]{1,4}(?![0-9])")


def bsn_valid(digits: str) -> bool:
    """The 11-check (elfproef) for a 9-digit BSN: 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11."""
    if len(digits) != 9 or not (digits.isascii() and digits.isdigit()) or digits == "000000000":
        return False
    d = [ord(ch) - 48 for ch in digits]
    return (9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7] - d[8]) % 11 == 0


def luhn_valid(digits: str) -> bool:
    """The Luhn check (ISO/IEC 7812-1 annex B) used by payment card numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i & 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


# Issuer identification number ranges (prefix low, high) with the lengths each scheme issues. Only
# these are flagged, which rules out most Luhn-valid accidents (order numbers, timestamps).
_IIN: tuple[tuple[int, int, frozenset[int]], ...] = (
    (4, 4, frozenset({13, 16, 19})),                        # Visa
    (51, 55, frozenset({16})), (2221, 2720, frozenset({16})),  # Mastercard
    (34, 34, frozenset({15})), (37, 37, frozenset({15})),   # American Express
    (6011, 6011, frozenset(range(16, 20))), (644, 649, frozenset(range(16, 20))),
    (65, 65, frozenset(range(16, 20))),                     # Discover
    (300, 305, frozenset(range(14, 20))), (36, 36, frozenset(range(14, 20))),
    (38, 39, frozenset(range(16, 20))),                     # Diners Club
    (3528, 3589, frozenset(range(16, 20))),                 # JCB
    (62, 62, frozenset(range(16, 20))),                     # UnionPay
    (50, 50, frozenset(range(13, 20))), (56, 58, frozenset(range(13, 20))),
    (67, 67, frozenset(range(13, 20))),                     # Maestro
    (2200, 2204, frozenset(range(16, 20))),                 # Mir
)


def card_valid(digits: str) -> bool:
    """13-19 digits, a known issuer prefix with a length it issues, and the Luhn check."""
    if not 13 <= len(digits) <= 19:
        return False
    for low, high, lengths in _IIN:
        prefix = int(digits[:len(str(low))])
        if low <= prefix <= high and len(digits) in lengths:
            return luhn_valid(digits)
    return False


def _scan_numbers(text: str, own_phones: frozenset[str], out: list[_Raw]) -> None:
    pos = 0
    while True:
        m = _NUMBER.search(text, pos)
        if m is None:
            return
        s, kind = m.start(), m.lastgroup
        if kind == "bsn":
            digits = m.group()
            if len(digits) != 9:
                digits = digits.replace(".", "").replace(" ", "")
            if bsn_valid(digits):
                out.append(_Raw("bsn", s, m.end(), _mask(digits, 0, 2)))
                pos = m.end()
                continue
        elif kind == "card":
            end = _card_in(m, out)
            if end:
                pos = end
                continue
        # Nothing yet: this start may still begin a phone number (0123 45 678 90 is no BSN), and
        # a later start inside the candidate may begin anything, so resume right after it.
        last = 0
        if text[s] in "+(0":
            candidate = m if kind == "phone" else _PHONE_AT.match(text, s)
            if candidate is not None:
                last = _phones_in(text, candidate, own_phones, out)
        pos = max(s + 1, last)


def _card_in(run: re.Match[str], out: list[_Raw]) -> int:
    """The longest valid card number made of whole digit groups of ``run``, from its first group on
    or, failing that, from a later one ("1234 4111 1111 1111 1111"). Returns its end, or 0."""
    groups = [(g.start(), g.end(), g.group()) for g in _CARD_GROUP.finditer(run.group())]
    for i in range(len(groups)):
        if groups[i][2][0] not in "23456" or len(groups[i][2]) < 3:
            continue
        digits, best = "", None
        for j in range(i, len(groups)):
            if len(groups[j][2]) < 3:
                break  # cards are printed in groups of 4 (Amex 4-6-5): "30 108 0 67 ..." is a drawing
            digits += groups[j][2]
            if len(digits) > 19:
                break
            if len(digits) >= 13 and card_valid(digits):
                best = (j, digits)
        if best is not None:
            j, digits = best
            start, end = run.start() + groups[i][0], run.start() + groups[j][1]
            out.append(_Raw("card", start, end, _mask(digits, 0, 4)))
            return end
    return 0


@lru_cache(maxsize=4096)
def _phone_matches(window: str) -> tuple[tuple[int, int, str], ...]:
    """Valid phone numbers in ``window`` as (start, end, E.164); cached, as logs repeat themselves."""
    if sum(map(window.count, "0123456789")) < 9 or _DATE_LIKE.match(window):
        return ()  # Dutch numbers have 10 digits; 0800/0900 numbers (8) are not personal data

    found = []
    for m in phonenumbers.PhoneNumberMatcher(window, "NL", leniency=phonenumbers.Leniency.VALID):
        found.append((m.start, m.end, phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)))
    return tuple(found)


def _phones_in(text: str, m: re.Match[str], own_phones: frozenset[str], out: list[_Raw]) -> int:
    """Phone numbers in a candidate, confirmed by phonenumbers' matcher (valid for their region,
    default NL), which also rejects dates, times and version numbers. Returns where the last ends."""
    s, window, n, last = m.start(), m.group(), len(text), 0
    cut = m.end() < n and text[m.end()] in "0123456789 ()-."
    for rel_start, rel_end, e164 in _phone_matches(window):
        a, b = s + rel_start, s + rel_end
        if cut and rel_end == len(window):
            continue  # the number may go on past the window: a later start sees it whole
        if (a > 0 and _word_char(text[a - 1])) or (b < n and _word_char(text[b])) or _not_a_phone_layout(text, a, b):
            continue
        if e164 not in own_phones and not e164.startswith(_SERVICE_NUMBERS):
            out.append(_Raw("phone", a, b, _mask(text[a:b], 3, 2)))
        last = b
    return last


_PAIRS = re.compile(r"[0-9]{2}(?: [0-9]{2}){2,}")
_SINGLE_DIGIT_GROUP = re.compile(r"(?<![0-9])[0-9](?![0-9])")
_HEX_PAIR_AFTER = re.compile(r" [0-9A-Fa-f]{2}(?![0-9A-Za-z])")
_HEX_PAIR_BEFORE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{2} ")


def _not_a_phone_layout(text: str, a: int, b: int) -> bool:
    """Digits in pairs, like a hex dump ("01 08 07 06 05"): only "06 12 34 56 78" (a mobile number,
    written the Dutch way) counts, and not when more pairs surround it. Several one-digit groups
    ("0 2 3 5 10 13 15") are a list of numbers, not a phone number."""
    if len(_SINGLE_DIGIT_GROUP.findall(text, a, b)) > 1:
        return True
    if not _PAIRS.fullmatch(text, a, b):
        return False
    return not text.startswith("06", a) or bool(_HEX_PAIR_AFTER.match(text, b)) \
        or (a >= 3 and bool(_HEX_PAIR_BEFORE.match(text, a - 3)))


def normalise_phone(value: str) -> str:
    """E.164 form of a phone number (default region NL), or its digits when it cannot be parsed."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(value, "NL"), phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in value if ch.isdigit())


# ---------------------------------------------------------------------------- IBAN
# ISO 13616 registry: country -> IBAN length. An unknown country is not an IBAN.
_IBAN_LENGTHS: dict[str, int] = dict(  # noqa: C408 - a registry table reads better as keywords
    AD=24, AE=23, AL=28, AT=20, AZ=28, BA=20, BE=16, BG=22, BH=22, BI=27, BR=29, BY=28, CH=21, CR=22,
    CY=28, CZ=24, DE=22, DJ=27, DK=18, DO=28, EE=20, EG=29, ES=24, FI=18, FK=18, FO=18, FR=27, GB=22,
    GE=22, GI=23, GL=18, GR=27, GT=28, HN=28, HR=21, HU=28, IE=22, IL=23, IQ=23, IS=26, IT=27, JO=30,
    KW=30, KZ=20, LB=28, LC=32, LI=21, LT=20, LU=20, LV=21, LY=25, MC=27, MD=24, ME=22, MK=19, MN=20,
    MR=27, MT=31, MU=30, NI=28, NL=18, NO=15, OM=23, PK=24, PL=28, PS=29, PT=25, QA=29, RO=24, RS=22,
    RU=33, SA=24, SC=31, SD=18, SE=24, SI=19, SK=24, SM=27, SO=23, ST=25, SV=28, TL=23, TN=24, TR=26,
    UA=29, VA=22, VG=24, XK=20, YE=30,
)
_IBAN_START = re.compile(r"[A-Z](?<![A-Za-z0-9][A-Z])[A-Z][0-9]{2}")
_IBAN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def iban_valid(iban: str) -> bool:
    """Known country, its registry length, and the ISO 7064 mod-97-10 check (remainder 1)."""
    iban = iban.replace(" ", "").upper()
    if _IBAN_LENGTHS.get(iban[:2]) != len(iban) or not (iban.isascii() and iban.isalnum()) \
            or not iban[2:4].isdigit():
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _scan_iban(text: str, out: list[_Raw]) -> None:
    n = len(text)
    for m in _IBAN_START.finditer(text):
        s = m.start()
        length = _IBAN_LENGTHS.get(text[s:s + 2])
        if length is None or (s > 0 and text[s - 1].isalnum()):  # the lookbehind is ASCII only
            continue
        chars: list[str] = []
        j = s
        while j < n and len(chars) < length:
            ch = text[j]
            if ch in _IBAN_CHARS:
                chars.append(ch)
            elif not (ch == " " and j + 1 < n and text[j + 1] in _IBAN_CHARS):
                break
            j += 1
        if len(chars) < length or (j < n and text[j].isalnum()):
            continue
        iban = "".join(chars)
        if iban_valid(iban):
            out.append(_Raw("iban", s, j, _mask(iban, 4, 2)))


# ---------------------------------------------------------------------------- e-mail
_LOCAL_PUNCT = frozenset("._%+-")
# Labels of letters, digits and hyphens, Unicode included (RFC 6531 / IDNA addresses); the TLD is
# letters only. "[^\W_]" is a letter or digit; the label class and "." are disjoint, so no blow-up.
_DOMAIN = re.compile(r"[^\W_](?:[\w-]{0,61}[^\W_])?(?:\.[^\W_](?:[\w-]{0,61}[^\W_])?)*\.([^\W\d_]{2,63})"
                     r"(?![\w-])")
# RFC 2142 role mailboxes and the usual CVD/functional ones: not a person's personal data.
_ROLE_LOCAL = frozenset({
    "postmaster", "hostmaster", "webmaster", "abuse", "security", "noc", "info", "support", "sales",
    "marketing", "cert", "csirt", "cvd", "psirt", "privacy", "noreply", "no-reply", "donotreply",
    "mailer-daemon", "git", "root", "admin", "helpdesk", "servicedesk", "contact", "secure",
    "responsible-disclosure", "kwetsbaarheid", "melding", "meldpunt", "gemeente",
})
_FILE_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "css", "js", "map", "json",
                        "xml", "txt", "pdf", "html", "htm", "php"})


def _scan_email(text: str, own_emails: frozenset[str], out: list[_Raw]) -> None:
    pos = text.find("@")
    while pos != -1:
        at, pos = pos, text.find("@", pos + 1)
        j, floor = at, max(0, at - 64)  # RFC 5321 4.5.3.1.1: a local part has at most 64 octets
        while j > floor and (text[j - 1].isalnum() or text[j - 1] in _LOCAL_PUNCT):
            j -= 1
        if j == floor and j > 0 and (text[j - 1].isalnum() or text[j - 1] in _LOCAL_PUNCT):
            continue  # part of a longer token
        while j < at and text[j] == ".":
            j += 1
        if j == at:
            continue
        m = _DOMAIN.match(text, at + 1)
        if m is None or m.group(1).lower() in _FILE_TLDS:
            continue
        local = text[j:at]
        if local.lower() in _ROLE_LOCAL:
            continue
        if j > 0 and text[j - 1] == ":":
            scheme = text.rfind("://", max(0, j - 300), j)
            if scheme != -1 and not any(c.isspace() or c == "/" for c in text[scheme + 3:j]):
                continue  # user:password@host in a URL: the password detector's business
        address = text[j:m.end()]
        if address.lower() in own_emails:
            continue
        out.append(_Raw("email", j, m.end(), _mask(local, 1, 0) + "@" + text[at + 1:m.end()]))


# ---------------------------------------------------------------------------- tokens
_TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    # (code, pattern, how many characters of the value a preview may show: the public prefix)
    ("aws_key", re.compile(r"A(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16}"), 4),
    ("github_token", re.compile(r"gh[pousr]_[A-Za-z0-9]{36,251}"), 4),
    ("github_token", re.compile(r"github_pat_[A-Za-z0-9_]{22,255}"), 11),
    ("slack_token", re.compile(r"xox[abposre]-[A-Za-z0-9-]{10,250}"), 5),
    ("slack_token", re.compile(r"xapp-[0-9]-[A-Za-z0-9-]{10,250}"), 5),
    ("slack_token", re.compile(r"hooks\.slack\.com/services/[A-Za-z0-9_/-]{20,200}"), 26),
    ("google_api_key", re.compile(r"AIza[0-9A-Za-z_\-]{35}"), 4),
)
_TOKEN_CHAR = re.compile(r"[A-Za-z0-9_\-]")


def _scan_tokens(text: str, out: list[_Raw]) -> None:
    n = len(text)
    for code, pattern, shown in _TOKEN_PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if (s > 0 and _TOKEN_CHAR.match(text[s - 1]) and code != "slack_token") or \
                    (e < n and _TOKEN_CHAR.match(text[e])):
                continue
            out.append(_Raw(code, s, e, text[s:s + shown] + "…"))


_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{2,65536}\.[A-Za-z0-9_-]{0,8192}"
                  r"(?:\.[A-Za-z0-9_-]{0,65536}\.[A-Za-z0-9_-]{0,8192})?")


def jwt_header(token: str) -> dict[str, object] | None:
    """The decoded JOSE header (RFC 7515 4) when it is a JSON object with an ``alg``, else None."""
    head = token.split(".", 1)[0]
    try:
        doc = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (binascii.Error, ValueError):
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("alg"), str) else None


def _scan_jwt(text: str, out: list[_Raw]) -> None:
    n = len(text)
    for p in _find_all(text, "eyJ"):
        if p > 0 and _TOKEN_CHAR.match(text[p - 1]):
            continue  # inside a longer token; also keeps "eyJeyJeyJ..." linear
        m = _JWT.match(text, p)
        if m is None or (m.end() < n and _TOKEN_CHAR.match(text[m.end()])):
            continue
        header = jwt_header(m.group())
        if header is not None:
            out.append(_Raw("jwt", p, m.end(), f"JWT alg {str(header['alg'])[:10]}, eyJ…"))


# RFC 7468 labels: "-----BEGIN PRIVATE KEY-----", "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY",
# "ENCRYPTED PRIVATE KEY", and the OpenPGP armor "PGP PRIVATE KEY BLOCK" (RFC 4880 6.2).
_PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9]{1,20} ){0,2}PRIVATE KEY( BLOCK)?-----")
_PEM_END = re.compile(r"-----END ([A-Z0-9]{1,20} ){0,2}PRIVATE KEY( BLOCK)?-----")
# Without an END line: the base64 lines, armor headers and blank lines that follow.
_PEM_BODY = re.compile(r"(?:\r?\n(?:[A-Za-z0-9+/=]{4,100}|[A-Za-z-]{2,30}: [^\r\n]{0,200}|[ \t]*))*")


def _scan_private_keys(text: str, out: list[_Raw]) -> None:
    begins = list(_PEM_BEGIN.finditer(text))
    if not begins:
        return
    ends = list(_PEM_END.finditer(text))
    end_starts = [m.start() for m in ends]
    for k, b in enumerate(begins):
        limit = begins[k + 1].start() if k + 1 < len(begins) else len(text)
        i = bisect_right(end_starts, b.start())
        if i < len(ends) and ends[i].start() < limit:
            stop = ends[i].end()
        else:  # no END before the next BEGIN: take the key-like lines that follow
            stop = _PEM_BODY.match(text, b.end(), limit).end()  # type: ignore[union-attr] # always matches
            while stop > b.end() and text[stop - 1].isspace():
                stop -= 1
        lines = text.count("\n", b.start(), stop) + 1
        out.append(_Raw("private_key", b.start(), stop, f"{b.group()} … ({lines} lines)"))


# ---------------------------------------------------------------------------- keyword-anchored
# Keywords are found with plain substring searches in a lower-cased copy; the precise pattern is
# then matched at that offset in the original text (case-insensitively).
_VALUE = r"(?:\"([^\"\r\n]{1,512})\"|'([^'\r\n]{1,512})'|([^\s\"'<>,;&]{1,512}))"
_PW_KV = re.compile(r"(password|passwd|passphrase|pwd|wachtwoord|pass)[\"']?[ \t]{0,8}([:=])[ \t]{0,8}" + _VALUE,
                    re.IGNORECASE)
_CODE_CALL = re.compile(r"[A-Za-z_][\w.]*(?:\(|->)")  # password = get_password(...): code, not a value
_PW_XML = re.compile(r"<(password|passwd|wachtwoord|pwd)>([^<\r\n]{1,512})</", re.IGNORECASE)
_SECRET_KV = re.compile(r"(secret(?:[_-]?(?:access[_-]?)?key)?|token|api[_-]?key|apikey)[\"']?[ \t]{0,8}[:=]"
                        r"[ \t]{0,8}" + _VALUE, re.IGNORECASE)
_AUTH = re.compile(r"authorization[\"']?[ \t]{0,8}[:=][ \t]{0,8}[\"']?(bearer|basic|token)[ \t]+"
                   r"([A-Za-z0-9._~+/=\-]{8,8192})", re.IGNORECASE)
_URL_AUTH = re.compile(r"([^\s/?#@:\"'<>]{1,256}):([^\s/?#@\"'<>]{1,256})@[A-Za-z0-9\[]")
_CURL_FLAG = re.compile(r"-(u|b|-user|-cookie)[ \t=]")
_CURL_USER = re.compile(r"-(?:u|-user)(?:[ \t]+|=)[\"']?([^\s:\"']{1,256}):([^\s\"']{1,256})")
_COOKIE_HDR = re.compile(r"cookie[\"']?[ \t]{0,8}:[ \t]{0,8}([^\r\n\"']{1,16384})", re.IGNORECASE)
_CURL_COOKIE = re.compile(r"-(?:b|-cookie)(?:[ \t]+|=)[\"']?([^\r\n\"']{1,16384})")
_COOKIE_PAIR = re.compile(r"[ \t]*([^=;\s]{1,256})=([^;]*)")
_SESSION_NAME = re.compile(r"sess|sid\Z|token|auth|jwt|remember|login|identity|\Asid", re.IGNORECASE)


def _value(m: re.Match[str], first: int) -> tuple[int, int, str] | None:
    """The value of a key=value match: quoted (groups ``first``, ``first + 1``) or bare (``first + 2``)."""
    for g in (first, first + 1, first + 2):
        v = m.group(g)
        if v is not None:
            if g == first + 2:
                v = v.rstrip(".)]}")  # a sentence's full stop or a closing bracket is not the value
            return (m.start(g), m.start(g) + len(v), v) if v else None
    return None


def _key_boundary(text: str, p: int) -> bool:
    """The keyword at ``p`` starts a name: after a non-letter, or a camelCase hump (userPassword)."""
    if p == 0:
        return True
    before = text[p - 1]
    return not before.isalnum() or ((before.islower() or before.isdigit()) and text[p].isupper())


def _lower_same_length(text: str) -> str:
    lower = text.lower()
    if len(lower) != len(text):  # a few characters grow when lower-cased (U+0130): keep offsets exact
        lower = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return lower


# In each keyword scanner, an occurrence inside what the previous match consumed is not tried again
# (``done``): this keeps hostile repetitions ("password=password=...", "Cookie: Cookie: ...") linear.
def _scan_keywords(text: str, out: list[_Raw]) -> None:
    lower = _lower_same_length(text)
    _scan_passwords(text, lower, out)
    _scan_secret_settings(text, lower, out)
    _scan_authorization(text, lower, out)
    _scan_url_userinfo(text, out)
    _scan_curl(text, out)
    _scan_cookie_headers(text, lower, out)


def _scan_passwords(text: str, lower: str, out: list[_Raw]) -> None:
    done = 0
    for p in _find_all(lower, "pass", "pwd", "wachtwoord"):
        if p < done:
            continue
        if p > 0 and text[p - 1] == "<":
            m = _PW_XML.match(text, p - 1)
            if m and not _is_placeholder(m.group(2)):
                out.append(_Raw("password", m.start(2), m.end(2), f"<{m.group(1)}>{_HIDDEN}"))
                done = m.end()
            continue
        m = _PW_KV.match(text, p)
        if m is None or not _key_boundary(text, p):
            continue
        key = m.group(1)
        if key.lower() in ("pass", "pwd") and m.group(2) != "=" and text[p + len(key)] not in "\"'":
            continue  # pass=... (db_pass=, ?pass=) and "pwd": ..., but not "pass: yes" or "pwd: Jim Meyering"
        got, done = _value(m, 3), m.end()
        if got and not _is_placeholder(got[2]) and not (m.group(5) and _CODE_CALL.match(text, got[0])):
            out.append(_Raw("password", got[0], got[1], f"{m.group(1)}{m.group(2)}{_HIDDEN}"))


def _scan_secret_settings(text: str, lower: str, out: list[_Raw]) -> None:
    done = 0
    for p in _find_all(lower, "secret", "token", "api"):
        m = _SECRET_KV.match(text, p) if p >= done else None
        if m is None or lower[max(0, p - 5):p].rstrip("_-").endswith(("csrf", "xsrf")):
            continue
        got, done = _value(m, 2), m.end()
        if got and not _is_placeholder(got[2]) and _looks_random(got[2], min_len=12):
            code = "aws_key" if lower[max(0, p - 4):p] == "aws_" else "secret"
            out.append(_Raw(code, got[0], got[1], f"{m.group(1)}=" + _mask(got[2], 0, 0)))


def _scan_authorization(text: str, lower: str, out: list[_Raw]) -> None:
    """Authorization headers (RFC 9110 11.6.2): Basic credentials (RFC 7617) are a password; a
    Bearer (RFC 6750) or "token" credential is flagged when it looks random."""
    done = 0
    for p in _find_all(lower, "authorization"):
        m = _AUTH.match(text, p) if p >= done else None
        if m is None:
            continue
        done = m.end()
        scheme, token = m.group(1).lower(), m.group(2)
        if scheme == "basic":
            try:
                ok = b":" in base64.b64decode(token, validate=True)
            except (binascii.Error, ValueError):
                ok = False
            if ok:
                out.append(_Raw("password", m.start(2), m.end(2), f"Basic {_HIDDEN}"))
        elif _looks_random(token) and not _is_placeholder(token):
            out.append(_Raw("bearer_token", m.start(2), m.end(2), f"{m.group(1)} " + _mask(token, 0, 0)))


def _scan_url_userinfo(text: str, out: list[_Raw]) -> None:
    """user:password@ in a URL's authority (RFC 3986 3.2.1 deprecates it for exactly this reason)."""
    done = 0
    for p in _find_all(text, "://"):
        m = _URL_AUTH.match(text, p + 3) if p >= done else None
        done = m.end() if m else done
        if m and not _is_placeholder(m.group(2)):
            out.append(_Raw("password", m.start(2), m.end(2), f"://…:{_HIDDEN}@"))


def _scan_curl(text: str, out: list[_Raw]) -> None:
    """curl -u user:password and -b/--cookie 'name=value' in pasted commands."""
    done = 0
    for flag in _CURL_FLAG.finditer(text):
        p = flag.start()
        if p < done or (p > 0 and not text[p - 1].isspace()):
            continue
        if flag.group(1) in ("u", "-user"):
            m = _CURL_USER.match(text, p)
            if m and not _is_placeholder(m.group(2)):
                out.append(_Raw("password", m.start(2), m.end(2), f"-u …:{_HIDDEN}"))
        else:
            m = _CURL_COOKIE.match(text, p)
            if m:
                _session_cookies(m, first_only=False, out=out)
        done = m.end() if m else done


def _scan_cookie_headers(text: str, lower: str, out: list[_Raw]) -> None:
    done = 0
    for p in _find_all(lower, "cookie"):
        if p < done or (p > 0 and text[p - 1].isalnum()):
            continue
        m = _COOKIE_HDR.match(text, p)
        if m:
            done = m.end()
            _session_cookies(m, first_only=lower[max(0, p - 4):p] == "set-", out=out)


def _find_all(haystack: str, *needles: str) -> list[int]:
    """Sorted offsets of the literal needles (the regex engine's literal search beats str.find loops)."""
    found = [m.start() for needle in needles for m in _literal(needle).finditer(haystack)]
    if len(needles) > 1:
        found.sort()
    return found


@lru_cache(maxsize=32)
def _literal(needle: str) -> re.Pattern[str]:
    return re.compile(re.escape(needle))


def _session_cookies(m: re.Match[str], *, first_only: bool, out: list[_Raw]) -> None:
    """Session-like name=value pairs of a Cookie header (RFC 6265 4.2.1); of a Set-Cookie header only
    the first pair is the cookie, the rest are attributes (4.1.1)."""
    header, base = m.group(1), m.start(1)
    for pair in _COOKIE_PAIR.finditer(header):
        name, value = pair.group(1), pair.group(2).strip().strip('"')
        if _SESSION_NAME.search(name) and not re.search(r"csrf|xsrf", name, re.IGNORECASE) \
                and len(value) >= 8 and not _is_placeholder(value) and value.lower() != "deleted":
            v_start = header.index(value, pair.start(2)) + base
            out.append(_Raw("session_cookie", v_start, v_start + len(value), f"{name}=…"))
        if first_only:
            break


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
