"""Helpers for the security.txt tests: files made relative to a fixed or the real clock, a Fetcher
that reaches the loopback HTTPS server under the test names, a signed file, and CASES: one minimal
file per finding code (the parser's tests and the comparison with sectxt both use it)."""

from __future__ import annotations

import datetime as dt

from cvd_reporter.net.http import Fetcher
from tests.servers.pki import NAMES

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.timezone.utc)
HOSTS = tuple(n for n in NAMES if any(c.isalpha() for c in n) and ":" not in n and n != "localhost")


def iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def body(*lines: str, now: dt.datetime = NOW, expires_days: int | None = 90,
         contact: str | None = "mailto:security@gemeente.test") -> bytes:
    """A security.txt: Contact, the extra lines, Expires (unless None); LF line ends."""
    out = []
    if contact is not None:
        out.append(f"Contact: {contact}")
    out += list(lines)
    if expires_days is not None:
        out.append(f"Expires: {iso(now + dt.timedelta(days=expires_days))}")
    return ("\n".join(out) + "\n").encode()


def live_body(*lines: str, **kw) -> bytes:
    """Like :func:`body`, relative to the real clock (for fetch tests, which use the real now)."""
    return body(*lines, now=dt.datetime.now(dt.timezone.utc), **kw)


def make_fetcher(https, pki, *, timeout: float = 3.0, **kw) -> Fetcher:
    mapping = {(n, 443): (https.host, https.port) for n in HOSTS}
    return Fetcher(ca_bundle=pki.ca_pem, connect_to=mapping, timeout=timeout, **kw)


def connect_args(https) -> list[str]:
    out = []
    for value in https.connect_to(*HOSTS):
        out += ["--connect-to", value]
    return out


SIG = """-----BEGIN PGP SIGNATURE-----

iHUEARYIAB0WIQQc0dU1uDnxxbM4rhdi0X8kkh+l2gUCawtz0QAKCRBi0X8kkh+l
2vtnAQCpWseR3o2Gryg9xj8+/6ig+SkDzvCLWvQSeJBmoAdySAEAxd1s2dtWG5D2
PUuBzNppBWoBKRNCUawztpHk3oRp/wo=
=5weL
-----END PGP SIGNATURE-----
"""
SIGNED_HEAD = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"


def signed(text: bytes, sig: str = SIG, head: str = SIGNED_HEAD) -> bytes:
    return head.encode() + text + sig.encode()


# One row per code: the smallest file that shows it (and that it is not shown without cause).
CASES = [
    ("no_expire", body(expires_days=None)),
    ("multi_expire", body(f"Expires: {iso(NOW + dt.timedelta(days=5))}")),
    ("invalid_expiry", body("Expires: Thu, 17 Mar 2022 12:00:00 +0100", expires_days=None)),
    ("expired", body(expires_days=-1)),
    ("long_expiry", body(expires_days=400)),
    ("no_contact", body(contact=None)),
    ("no_canonical_match", body("Canonical: https://other.test/.well-known/security.txt")),
    ("multi_lang", body("Preferred-Languages: nl", "Preferred-Languages: en")),
    ("invalid_lang", body("Preferred-Languages: nl; en")),
    ("invalid_lang", body("Preferred-Languages: en_US")),
    ("no_uri", body("Policy: gemeente.test/cvd")),
    ("no_https", body("Policy: http://gemeente.test/cvd")),
    ("prec_ws", body("Policy : https://gemeente.test/cvd")),
    ("no_space", body("Policy:https://gemeente.test/cvd")),
    ("empty_key", body(": https://gemeente.test/cvd")),
    ("empty_value", body("Policy:")),
    ("invalid_line", body("this is not a field")),
    ("no_line_separators", body().rstrip(b"\n")),
    ("not_signed", body()),
    ("no_encryption", body()),
    ("no_csaf_file", body("CSAF: https://gemeente.test/csaf.json")),
    ("multiple_csaf_fields", body("CSAF: https://a.test/provider-metadata.json",
                                  "CSAF: https://b.test/provider-metadata.json")),
    ("unknown_field", body("Bug-Bounty: yes")),
    ("utf8", body("# cafe").replace(b"cafe", b"caf\xe9")),
    ("bom_in_file", b"\xef\xbb\xbf" + body()),
    ("invalid_contact", body(contact="mailto:support\\@beam.mw")),
    ("invalid_contact", body(contact="mailto:security [at] gemeente.test")),
    ("invalid_contact", body(contact="tel:020-1234567")),
    ("invalid_encryption", body("Encryption: data:application/x-age-public-key,age1xyz")),
    ("invalid_encryption", body("Encryption: openpgp4fpr:1234")),
    ("invalid_char", body("Policy: https://gemeente.test/\x1b[31mred")),
    ("invalid_char", body("Policy: https://gemeente.test/a\u202eb")),
    ("html_page", b"<!DOCTYPE html>\n<html><head><title>Not found</title></head></html>\n"),
    ("file_too_large", body("# " + "x" * 100) * 400),
    ("too_many_lines", body(*["# comment"] * 1000)),
    ("line_too_long", body("Policy: https://gemeente.test/" + "a" * 2100)),
    # signed-file codes
    ("signed_format_issue", b"# preface\n" + signed(body())),
    ("data_after_sig", signed(body()) + b"Contact: mailto:evil@attacker.test\n"),
    ("too_many_line_separators", signed(body()) + b"\n"),
    ("pgp_data_error", signed(body(), sig="")),
    ("pgp_data_error", signed(body(), head="-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n")),
    ("pgp_error", signed(body(), sig=SIG.replace("=5weL", "=AAAA"))),
    ("pgp_data_error", signed(body(), sig=SIG.replace("iHUE", "i#UE"))),
    ("pgp_error", signed(body(), sig=SIG.replace("iHUE", "jHUE"))),
    ("no_canonical", signed(body())),
    ("invalid_uri", body("Policy: https:///cvd")),
    ("invalid_field_name", body("Preferred Languages: nl")),
]
