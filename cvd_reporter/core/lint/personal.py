"""Detectors for personal data: citizen service numbers (BSN), payment cards and phone numbers in one
pass over the digits, IBANs (mod-97) and other people's e-mail addresses."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from cvd_reporter.core.lint.common import _mask, _Raw, _word_char

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
