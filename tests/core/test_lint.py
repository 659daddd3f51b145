"""core/lint: one case per detector and format, the near-misses that must stay quiet, redaction,
positions, the evidence (bytes) API and hostile 1 MB lines.

Secret-looking test values are assembled at run time (``"gh" + "p_"``) so that secret scanners of
code hosts do not mistake this file for a leak.
"""

from __future__ import annotations

import base64
import json
import random
import string

import pytest

from cvd_reporter.core.lint import (
    DETECTORS,
    LintHit,
    bsn_valid,
    card_valid,
    iban_valid,
    redact,
    scan_bytes,
    scan_text,
)


def _b64url(doc: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode()


_rng = random.Random(7)
_ALNUM = string.ascii_letters + string.digits


def _rand(n: int, alphabet: str = _ALNUM) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n))


JWT = _b64url({"alg": "HS256", "typ": "JWT"}) + "." + _b64url({"sub": "1234567890", "name": "Jan"}) + "." + _rand(43)
JWT_NO_ALG = _b64url({"typ": "JWT"}) + "." + _b64url({"sub": "1"}) + "." + _rand(20)
JWT_NOT_JSON = "eyJub3QganNvbg" + "." + _b64url({"sub": "1"}) + "." + _rand(20)
GHP = "gh" + "p_" + _rand(36)
GH_PAT = "github" + "_pat_" + _rand(22) + "_" + _rand(59)
AWS_ID = "AK" + "IA" + _rand(16, string.ascii_uppercase + "234567")
AWS_SECRET = _rand(40, _ALNUM + "/+")
SLACK = "xo" + "xb-" + "1234567890-1234567890123-" + _rand(24)
SLACK_HOOK = "https://hooks.slack.com/services/" + "T" + _rand(8).upper() + "/B" + _rand(8).upper() + "/" + _rand(24)
GOOGLE = "AI" + "za" + _rand(35, _ALNUM + "_-")
BEARER = _rand(32)
BASIC = base64.b64encode(b"jan:Welkom01").decode()
B64_LINES = "\n".join(_rand(64, _ALNUM + "+/") for _ in range(4))


def pem(label: str, *, end: bool = True) -> str:
    block = f"-----BEGIN {label}-----\n{B64_LINES}\n"
    return block + (f"-----END {label}-----" if end else "")


# (detector, text, the exact span that must be found)
POSITIVE = [
    ("bsn", "BSN 123456782 van de inwoner", "123456782"),
    ("bsn", "bsn: 1234.56.782.", "1234.56.782"),
    ("bsn", "nummer 123.456.782", "123.456.782"),
    ("bsn", "nummer 1234 56 782 staat", "1234 56 782"),
    ("bsn", '{"bsn": "111222333"}', "111222333"),
    ("iban", "rekening NL91ABNA0417164300.", "NL91ABNA0417164300"),
    ("iban", "rekening NL91 ABNA 0417 1643 00 t.n.v.", "NL91 ABNA 0417 1643 00"),
    ("iban", "Konto DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
    ("iban", "account GB82WEST12345698765432", "GB82WEST12345698765432"),
    ("iban", "BE68539007547034", "BE68539007547034"),
    ("iban", "compte FR14 2004 1010 0505 0001 3M02 606", "FR14 2004 1010 0505 0001 3M02 606"),
    ("card", "kaart 4111 1111 1111 1111 verloopt", "4111 1111 1111 1111"),
    ("card", "card=4111-1111-1111-1111&cvc=1", "4111-1111-1111-1111"),
    ("card", "5555555555554444", "5555555555554444"),
    ("card", "amex 3782 822463 10005", "3782 822463 10005"),
    ("card", "discover 6011111111111117", "6011111111111117"),
    ("card", "jcb 3530111333300000", "3530111333300000"),
    ("card", "mc 2223 0031 2200 3222", "2223 0031 2200 3222"),
    ("card", "kenmerk 1234 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ("email", "gegevens van jan.jansen@gmail.com gezien", "jan.jansen@gmail.com"),
    ("email", "From: Piet <piet@voorbeeld.nl>", "piet@voorbeeld.nl"),
    ("email", "mailto:a.b+tag@sub.example.co.uk?subject=x", "a.b+tag@sub.example.co.uk"),
    ("email", "Jöran <jöran.müller@bücher.de>", "jöran.müller@bücher.de"),
    ("phone", "bel 06-12345678 na vijven", "06-12345678"),
    ("phone", "mobiel 06 12 34 56 78", "06 12 34 56 78"),
    ("phone", "tel +31 6 12345678.", "+31 6 12345678"),
    ("phone", "kantoor +31 (0)20 123 4567", "+31 (0)20 123 4567"),
    ("phone", "0031 20 123 4567", "0031 20 123 4567"),
    ("phone", "(020) 123 45 67", "(020) 123 45 67"),
    ("phone", "tel:+31612345678", "+31612345678"),
    ("phone", "London +44 20 7946 0958", "+44 20 7946 0958"),
    ("phone", "kenmerk 0123 0612345678", "0612345678"),
    ("password", "password=hunter2&next=1", "hunter2"),
    ("password", "Wachtwoord: Zomer2024!", "Zomer2024!"),
    ("password", '{"password": "s3cr3t pass!"}', "s3cr3t pass!"),
    ("password", "DB_PASSWORD=abc123", "abc123"),
    ("password", "userPassword='Welkom01'", "Welkom01"),
    ("password", "db_pass=Welkom01", "Welkom01"),
    ("password", '{"pwd": "Welkom01"}', "Welkom01"),
    ("password", "<wachtwoord>Welkom01</wachtwoord>", "Welkom01"),
    ("password", "see https://bob:s3cret@intranet.gemeente.nl/admin", "s3cret"),
    ("password", f"Authorization: Basic {BASIC}", BASIC),
    ("password", "curl -u admin:Welkom01 https://x.example", "Welkom01"),
    ("aws_key", f"key {AWS_ID} in config", AWS_ID),
    ("aws_key", f"aws_secret_access_key = {AWS_SECRET}", AWS_SECRET),
    ("github_token", f"token {GHP}", GHP),
    ("github_token", f"GITHUB_TOKEN={GH_PAT}", GH_PAT),
    ("slack_token", f"SLACK={SLACK}", SLACK),
    ("slack_token", f"webhook {SLACK_HOOK}", SLACK_HOOK[8:]),
    ("google_api_key", f"?key={GOOGLE}&q=1", GOOGLE),
    ("bearer_token", f"Authorization: Bearer {BEARER}", BEARER),
    ("bearer_token", f"-H 'authorization: token {BEARER}'", BEARER),
    ("secret", "api_key=9f8e7d6c5b4a3928171605ab", "9f8e7d6c5b4a3928171605ab"),
    ("secret", "client_secret: 'Zx81kLmN0pQ7rS2tUv'", "Zx81kLmN0pQ7rS2tUv"),
    ("jwt", f"id_token {JWT} end", JWT),
    ("private_key", pem("RSA PRIVATE KEY"), pem("RSA PRIVATE KEY")),
    ("private_key", pem("PRIVATE KEY"), pem("PRIVATE KEY")),
    ("private_key", pem("ENCRYPTED PRIVATE KEY"), pem("ENCRYPTED PRIVATE KEY")),
    ("private_key", pem("OPENSSH PRIVATE KEY"), pem("OPENSSH PRIVATE KEY")),
    ("private_key", pem("PGP PRIVATE KEY BLOCK"), pem("PGP PRIVATE KEY BLOCK")),
    ("private_key", pem("EC PRIVATE KEY", end=False) + "\nEen zin na de afgekapte sleutel.",
     pem("EC PRIVATE KEY", end=False).rstrip()),
    ("session_cookie", "Cookie: _ga=GA1.2.3; PHPSESSID=8f3b2a1c9d7e6f5a4b3c; lang=nl", "8f3b2a1c9d7e6f5a4b3c"),
    ("session_cookie", "Set-Cookie: JSESSIONID=ABCDEF0123456789; Path=/; HttpOnly", "ABCDEF0123456789"),
    ("session_cookie", "> cookie: connect.sid=s%3Aabcdef123456", "s%3Aabcdef123456"),
    ("session_cookie", "curl -b 'laravel_session=abcdef0123456789' https://x", "abcdef0123456789"),
]


@pytest.mark.parametrize(("code", "text", "span"), POSITIVE, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(POSITIVE)])
def test_detector_finds(code, text, span):
    hits = scan_text(text)
    assert [(h.code, h.value) for h in hits] == [(code, span)]
    hit = hits[0]
    assert text[hit.start:hit.end] == span
    # the preview never shows the secret itself
    assert span not in hit.preview and hit.value not in hit.preview
    assert hit.severity == "warning"


NEGATIVE = [
    ("bsn: 11-check fails", "BSN 123456789"),
    ("bsn: all zeros", "nummer 000000000"),
    ("bsn: inside a longer number", "order 1234567829 en 91234567820"),
    ("bsn: inside a word or decimal", "id a123456782 of 0.123456782"),
    ("iban: checksum", "NL91ABNA0417164301 en NL91 ABNA 0417 1643 01"),
    ("iban: wrong length", "NL91ABNA041716430"),
    ("iban: unknown country", "XX91ABNA0417164300"),
    ("iban: part of a token", "QNL91ABNA0417164300"),
    ("card: Luhn fails", "kaart 4111 1111 1111 1112"),
    ("card: Luhn ok, no issuer", "1234567812345670 9876543210987658"),
    ("card: too many digits", "41111111111111111234"),
    ("card: small groups (an SVG path)", "M30 108 0 67 32 107 31 39 4 28 5 13 15 26 11 13 32"),
    ("email: role address", "mail security@gemeente.nl of cert@ncsc.nl"),
    ("email: image name", "logo@2x.png en icon@3x.webp"),
    ("email: no domain dot", "user@localhost"),
    ("email: numeric top-level", "user@10.0.0.1 en a@b.c1"),
    ("phone: version", "versie 10.0.19041.1234 en 0.9.8.12345"),
    ("phone: ISO date", "op 2024-01-15 om 10:30:00"),
    ("phone: Dutch dates", "op 15-01-2024 en 01-02-2024 en 06-12-2023"),
    ("phone: IPv4", "van 192.168.100.200 en 010.001.002.003"),
    ("phone: timestamp", "ts 1699999999123"),
    ("phone: invalid area", "0123456789"),
    ("phone: too short", "06-1234567"),
    ("phone: byte pairs", "<Buffer 01 08 07 06 05> 0000: 00 06 12 34 56 78 9a ff"),
    ("phone: list of small numbers", "for i in 0 2 3 5 10 13 15; do"),
    ("phone: service numbers", "bel 0800-0432 of 0900 1234567 of 0800 022 4400"),
    ("password: masked", "password: ********"),
    ("password: env reference", "password=${DB_PASSWORD} and wachtwoord: $SECRET"),
    ("password: template", "wachtwoord: <wachtwoord> of password={{ pw }}"),
    ("password: prose", "the password is strong; het wachtwoord werd niet gebruikt"),
    ("password: not the key", "bypass=1 compass: north pass: yes passwordHash=abc\npwd: Jim Meyering"),
    ("password: empty", "password=\nwachtwoord:"),
    ("password: already redacted", "password=[REDACTED:password]"),
    ("password: code, not a value", "password = keyring.get_password(service)\npwd=ctx->pwd"),
    ("url: no password", "https://www.gemeente.nl:443/pad?x=1"),
    ("bearer: placeholder", "Authorization: Bearer <token>\nAuthorization: Bearer YOUR_TOKEN_HERE"),
    ("basic: not base64 user:pass", "Authorization: Basic bm90aGluZw=="),
    ("secret: low entropy", "api_key=changeme token_type=bearer tokens: 5 secret: yes"),
    ("aws: too short", "AKIA" + "ABCDEFGHIJKLMNO"),
    ("aws: inside a word", "XAKIA" + "ABCDEFGHIJKLMNOP"),
    ("github: too short", "ghp_" + "abc123"),
    ("jwt: header without alg", f"t {JWT_NO_ALG}"),
    ("jwt: header not JSON", f"t {JWT_NOT_JSON}"),
    ("pem: public key and certificate", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
     "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN PGP PUBLIC KEY BLOCK-----"),
    ("cookie: not session-like", "Cookie: _ga=GA1.2.3456789; lang=nl; theme=dark-mode-v2"),
    ("cookie: deleted / csrf", "Set-Cookie: session=deleted; Path=/\nCookie: csrftoken=abcdefghijkl1234"),
    ("cookie: attribute, not a cookie", "Set-Cookie: lang=nl; sessionid=abcdefghijkl1234"),
]


@pytest.mark.parametrize(("case", "text"), NEGATIVE, ids=[c for c, _ in NEGATIVE])
def test_near_miss_is_not_flagged(case, text):
    assert [(h.code, h.preview) for h in scan_text(text)] == []


def test_own_contact_details_are_not_flagged():
    text = "Mail Alex.Reporter@Example.org of bel 06-12345678; collega: jan@voorbeeld.nl, +31 6 87654321"
    hits = scan_text(text, own_emails=["alex.reporter@example.org"], own_phones=["+31 6 12345678"])
    assert [h.value for h in hits] == ["jan@voorbeeld.nl", "+31 6 87654321"]
    # without them, they are someone's personal data like any other
    assert len(scan_text(text)) == 4


def test_positions_are_one_based_line_and_column_and_path_is_kept():
    text = "regel een\r\n  mail jan@voorbeeld.nl\n\nBSN 123456782 en IBAN NL91ABNA0417164300\n"
    hits = scan_text(text, path="bewijs/log.txt")
    assert [(h.code, h.line, h.column) for h in hits] == [("email", 2, 8), ("bsn", 4, 5), ("iban", 4, 23)]
    assert {h.path for h in hits} == {"bewijs/log.txt"}
    key = pem("RSA PRIVATE KEY")
    hits = scan_text("a\n" + key + "\nb 123456782")
    assert [(h.code, h.line, h.column) for h in hits] == [("private_key", 2, 1), ("bsn", 8, 3)]


def test_offsets_stay_exact_when_lower_casing_changes_the_length():
    # "İ" lower-cases to two characters; keyword search runs on a lower-cased copy
    text = "İİİ password=hunter2 İ 123456782"
    hits = scan_text(text)
    assert [(h.code, h.value, h.column) for h in hits] == [("password", "hunter2", 14), ("bsn", "123456782", 24)]
    assert redact(text, hits) == "İİİ password=[REDACTED:password] İ [REDACTED:bsn]"


def test_overlaps_are_reported_once_as_the_more_specific_kind():
    # a JWT as a cookie value and a bearer token; digits inside an IBAN are not also a phone number
    text = f"Cookie: session={JWT}\nAuthorization: Bearer {JWT}\nNL91 ABNA 0417 1643 00"
    assert [h.code for h in scan_text(text)] == ["jwt", "jwt", "iban"]


def test_to_finding_is_a_warning_with_location_and_no_secret():
    hit = scan_text("x\n  password=hunter2", path="r.txt")[0]
    f = hit.to_finding()
    assert (f.code, f.severity, f.line, f.column, f.field) == ("lint_password", "warning", 2, 12, "r.txt")
    assert "hunter2" not in f.message and "hunter2" not in json.dumps(f.to_dict())
    assert f.to_dict()["preview"] == "password=********"
    assert "wachtwoord" in hit.to_finding("nl").message
    assert "hunter2" not in repr(hit) and "hunter2" not in json.dumps(hit.to_dict())


def test_every_detector_is_described_in_english_and_dutch():
    assert {c for c, _, _ in POSITIVE} == set(DETECTORS)
    for code, info in DETECTORS.items():
        assert info.code == code and info.label("en") and info.label("nl")
        assert info.describe("en") != info.describe("nl")


def test_redact_replaces_every_hit_with_a_typed_placeholder():
    text = "\n".join(t for _, t, _ in POSITIVE)
    hits = scan_text(text)
    out = redact(text, hits)
    for _, _, span in POSITIVE:
        assert span not in out
    for code in DETECTORS:
        assert f"[REDACTED:{code}]" in out
    assert "BSN [REDACTED:bsn] van de inwoner" in out and "password=[REDACTED:password]&next=1" in out
    assert scan_text(out) == []  # the redacted copy is clean
    assert redact(text, []) == text


def test_redact_merges_partial_overlaps_and_refuses_foreign_hits():
    text = "abcdefghij"
    a = LintHit("password", 1, 5, 1, 2, "x", text[1:5])
    b = LintHit("email", 3, 8, 1, 4, "x", text[3:8])
    assert redact(text, [b, a]) == "a[REDACTED:password]ij"
    with pytest.raises(ValueError, match="does not match"):
        redact("something else", [a])


@pytest.mark.parametrize(("data", "scanned"), [
    (b"BSN 123456782\n", True),
    ("\ufeffwachtwoord: Zomer2024!".encode(), True),  # a BOM is dropped, offsets stay in characters
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", False),
    ("caf\u00e9 123456782".encode("latin-1"), False),  # not UTF-8
])
def test_scan_bytes_scans_text_and_reports_binary_as_not_scanned(data, scanned):
    result = scan_bytes(data, path="bewijs/x")
    assert result.scanned is scanned
    findings = result.findings("en")
    if scanned:
        assert len(result.hits) == 1 and findings[0].code.startswith("lint_") and findings[0].field == "bewijs/x"
        assert result.hits[0].column == (5 if b"BSN" in data else 13)
    else:
        assert result.reason == "binary" and result.hits == ()
        assert [(f.code, f.severity) for f in findings] == [("lint_not_scanned", "info")]
        assert "not scanned: binary" in findings[0].message.lower()
        assert "binair" in result.findings("nl")[0].message


@pytest.mark.parametrize(("digits", "valid"), [
    ("123456782", True), ("111222333", True), ("123456789", False), ("000000000", False), ("12345678", False),
])
def test_bsn_11_check(digits, valid):
    assert bsn_valid(digits) is valid


@pytest.mark.parametrize(("iban", "valid"), [
    ("NL91ABNA0417164300", True), ("nl91 abna 0417 1643 00", True), ("NO9386011117947", True),
    ("NL91ABNA0417164301", False), ("NL91ABNA04171643000", False), ("ZZ91ABNA0417164300", False),
])
def test_iban_mod_97(iban, valid):
    assert iban_valid(iban) is valid


@pytest.mark.parametrize(("digits", "valid"), [
    ("4111111111111111", True), ("378282246310005", True), ("6759649826438453", True),
    ("4111111111111112", False), ("1234567812345670", False), ("37828224631000", False),
])
def test_card_luhn_and_issuer(digits, valid):
    assert card_valid(digits) is valid


# Inputs built to make a backtracking regex engine go quadratic or worse. Each is one ~1 MB line;
# the timeout is a hang guard, not a speed assertion (speed is in bench/lint_bench.py).
HOSTILE = {
    "letters": ("a", None),
    "digits": ("0", None),
    "digit groups": ("4000 ", None),
    "zeros and spaces": ("0 ", None),
    "at signs": ("a@", None),
    "dotted domain then @": ("a.", None),
    "eyJ": ("eyJ", None),
    "base64 dots": ("QUJD.", None),
    "pem begin": ("-----BEGIN PRIVATE KEY-----", "private_key"),
    "password=": ("password=", "password"),
    "cookie headers": ("Cookie: sess=", "session_cookie"),
    "url userinfo": ("://a:b", None),
    "IBAN starts": ("NL91 ", None),
    "separators": ("-.-( )+/", None),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_megabyte_line_finishes(name):
    unit, expect = HOSTILE[name]
    text = unit * (1_000_000 // len(unit))
    codes = {h.code for h in scan_text(text)}
    assert codes <= ({expect} if expect else set())
