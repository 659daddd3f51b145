"""The RFC 9116 parser: every finding code on a minimal file that triggers it, contacts, dates,
languages, the signed part, limits, and a fuzzer that proves it never raises anything of ours but
our own errors."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvd_reporter.core.langtags import is_valid
from cvd_reporter.core.pgp import cleartext
from cvd_reporter.core.securitytxt import CODES, MAX_BYTES, parse, parse_contact, parse_expires, printable
from cvd_reporter.errors import CvdError, ValidationError
from tests.support.securitytxt import CASES, NOW, body, signed


def codes(content: bytes, **kw) -> set[str]:
    return {f.code for f in parse(content, now=NOW, **kw).findings}


def test_a_good_file_is_valid_and_exposes_every_field():
    content = body("Encryption: https://gemeente.test/pgp-key.txt", "Policy: https://gemeente.test/cvd",
                   "Preferred-Languages: nl, en", "Canonical: https://gemeente.test/.well-known/security.txt",
                   "CSAF: https://gemeente.test/.well-known/csaf/provider-metadata.json",
                   "Acknowledgments: https://gemeente.test/hall-of-fame", "Hiring: https://gemeente.test/jobs",
                   "Contact: https://gemeente.test/meld", "Contact: tel:+31-20-555-0123")
    s = parse(content, now=NOW)
    assert s.valid, [f.human() for f in s.findings]
    assert [(c.kind, c.valid) for c in s.contacts] == [("mailto", True), ("https", True), ("tel", True)]
    assert s.contacts[0].address == "security@gemeente.test"
    assert s.encryption == ["https://gemeente.test/pgp-key.txt"] and s.policy == ["https://gemeente.test/cvd"]
    assert s.preferred_languages == ["nl", "en"] and s.hiring == ["https://gemeente.test/jobs"]
    assert s.csaf and s.acknowledgments and s.canonical
    assert s.expires == (NOW + dt.timedelta(days=90)).replace(microsecond=0)
    assert s.signature.status == "unsigned" and codes(content) == {"not_signed"}


# CASES (tests/support/securitytxt.py): one row per code, the smallest file that shows it.
@pytest.mark.parametrize("code, content", CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(CASES)])
def test_each_code_has_a_trigger(code, content):
    found = codes(content, urls=["https://gemeente.test/.well-known/security.txt"])
    assert code in found
    assert set(found) <= set(CODES)
    if CODES[code][0] == "error":
        assert not parse(content, now=NOW).valid or code == "no_canonical_match"


def test_every_parser_code_is_exercised_by_the_table():
    fetch_level = {"location", "invalid_cert", "no_content_type", "invalid_media", "invalid_charset",
                   "bad_signature", "signer_not_encryption_key", "signature_unverified", "encryption_not_a_key",
                   "encryption_key_unavailable", "cross_domain_redirect", "parent_domain", "fetch_failed"}
    assert set(CODES) - fetch_level == {c for c, _ in CASES}


def test_no_canonical_match_accepts_either_end_of_the_redirect_chain_and_normalises():
    content = body("Canonical: https://NCSC.test:443/.well-known/security.txt")
    assert "no_canonical_match" not in codes(content, urls=["https://gemeente.test/.well-known/security.txt",
                                                            "https://ncsc.test/.well-known/security.txt"])
    assert "no_canonical_match" in codes(content, urls=["https://gemeente.test/.well-known/security.txt"])
    assert "no_canonical_match" not in codes(content)  # nothing to compare without URLs


@pytest.mark.parametrize("value, expected", [
    ("2027-01-31T23:59:59Z", dt.datetime(2027, 1, 31, 23, 59, 59, tzinfo=dt.timezone.utc)),
    ("2027-01-31t23:59:59z", dt.datetime(2027, 1, 31, 23, 59, 59, tzinfo=dt.timezone.utc)),
    ("2027-01-31 23:59:59Z", dt.datetime(2027, 1, 31, 23, 59, 59, tzinfo=dt.timezone.utc)),  # as sectxt
    ("2027-02-01T01:00:00+02:00", dt.datetime(2027, 1, 31, 23, 0, tzinfo=dt.timezone.utc)),
    ("2027-01-31T23:59:59.123456789Z", dt.datetime(2027, 1, 31, 23, 59, 59, 123456, tzinfo=dt.timezone.utc)),
    ("2027-01-31T23:59:59+0100", None), ("2027-01-31", None), ("2027-02-30T00:00:00Z", None),
    ("2027-01-31T24:00:00Z", None), ("2027-01-31T23:59:60Z", None), ("2027-01-31T00:00:00+24:00", None),
    ("2027-01-31T00:00:00+99:00", None), ("99999999999999999999-01-01T00:00:00Z", None),
    ("0000-01-01T00:00:00Z", None), ("2027-1-31T00:00:00Z", None), ("٢٠٢٧-01-31T00:00:00Z", None),
])
def test_expires_is_rfc3339_as_sectxt_reads_it(value, expected):
    assert parse_expires(value) == expected


def test_expires_at_the_end_of_time_does_not_overflow():
    s = parse(body("Expires: 9999-12-31T23:59:59-05:00", expires_days=None), now=NOW)
    assert {f.code for f in s.findings} >= {"long_expiry"} and s.expires is not None


@pytest.mark.parametrize("value, kind, address, subject, valid", [
    ("mailto:security@gemeente.test", "mailto", "security@gemeente.test", None, True),
    ("mailto:security%2Buri%2Bencoded@example.com", "mailto", "security+uri+encoded@example.com", None, True),
    ("mailto:cvd@gemeente.test?subject=CVD%20melding&body=x", "mailto", "cvd@gemeente.test", "CVD melding", True),
    ("mailto:a@gemeente.test,b@gemeente.test", "mailto", "a@gemeente.test", None, True),
    ("mailto:?to=cvd@gemeente.test", "mailto", "cvd@gemeente.test", None, True),
    ("mailto:s\u00e9curit\u00e9@m\u00fcnchen.test", "mailto", "s\u00e9curit\u00e9@m\u00fcnchen.test", None, True),
    ('mailto:"john doe"@example.com', "mailto", '"john doe"@example.com', None, True),
    ("mailto:support\\@beam.mw", "mailto", "support\\@beam.mw", None, False),
    ("mailto:<bus>+<iness>@stillu.cc", "mailto", "<bus>+<iness>@stillu.cc", None, False),
    ("mailto:noc [at] gemeente.test", "mailto", "noc [at] gemeente.test", None, False),
    ("mailto:noc(at)gemeente(dot)test", "mailto", "noc(at)gemeente(dot)test", None, False),
    ("mailto:security@localhost", "mailto", "security@localhost", None, False),
    ("mailto:", "mailto", None, None, False),
    ("security@gemeente.test", "mailto", "security@gemeente.test", None, False),  # bare: no_uri
    ("https://gemeente.test/cvd", "https", None, None, True),
    ("https:///cvd", "https", None, None, False),
    ("https://gemeente.test/a b", "https", None, None, False),
    ("http://gemeente.test/cvd", "other", None, None, False),
    ("tel:+31-20-555-0123", "tel", None, None, True),
    ("tel:+31 20 555 0123", "tel", None, None, False),
    ("tel:5550123;phone-context=+31-20", "tel", None, None, True),
    ("tel:020-5550123", "tel", None, None, False),
    ("matrix:u/security:gemeente.test", "other", None, None, True),
    ("gemeente.test", "other", None, None, False),
    ("javascript:alert(document.cookie)", "other", None, None, False),
])
def test_contacts_are_decoded_classified_and_checked(value, kind, address, subject, valid):
    c = parse_contact(value)
    assert (c.kind, c.address, c.subject, c.valid) == (kind, address, subject, valid)
    assert (c.problem is None) == valid


def test_contacts_keep_file_order():
    s = parse(body("Contact: tel:+31-20-555-0123", "Contact: https://gemeente.test/cvd",
                   contact="mailto:first@gemeente.test"), now=NOW)
    assert [c.uri for c in s.contacts] == ["mailto:first@gemeente.test", "tel:+31-20-555-0123",
                                           "https://gemeente.test/cvd"]
    assert [c.line for c in s.contacts] == [1, 2, 3]


@pytest.mark.parametrize("tag, valid", [
    ("nl", True), ("EN", True), ("en-GB", True), ("zh-Hant-TW", True), ("de-CH-1901", True),
    ("sr-Latn-RS", True), ("x-klingon", True), ("i-klingon", True), ("en-001", True),
    ("en_US", False), ("English", False), ("eng", False), ("jp", False), ("en-", False), ("", False),
    ("de-1901-1901", False), ("en-a-aa-a-bb", False), ("nl NL", False), ("n\u00e9", False),
])
def test_language_tags_follow_rfc5646(tag, valid):
    assert is_valid(tag) is valid


def test_only_the_signed_part_counts():
    content = b"Contact: mailto:attacker@evil.test\n" + signed(body()) + b"Contact: mailto:evil2@evil.test\n"
    s = parse(content, now=NOW)
    assert [c.uri for c in s.contacts] == ["mailto:security@gemeente.test"]
    assert {"signed_format_issue", "data_after_sig"} <= {f.code for f in s.findings}
    assert s.signed_text is not None and "attacker" not in s.signed_text


def test_signed_file_structure_is_read():
    s = parse(signed(body("- Policy: https://gemeente.test/cvd")), now=NOW)
    assert s.signature.status == "unknown_key" and s.signature.key_id == "62D17F24921FA5DA"
    assert s.signature.hash_algorithm == "SHA256" and s.signature.fingerprint.endswith("62D17F24921FA5DA")
    assert s.policy == ["https://gemeente.test/cvd"]  # dash-escaping undone
    assert s.signed_bytes is not None and b"\r\n" in s.signed_bytes and not s.signed_bytes.endswith(b"\r\n")


def test_crlf_files_parse_like_lf_files():
    lf = body("Policy: https://gemeente.test/cvd")
    assert codes(lf.replace(b"\n", b"\r\n")) == codes(lf)


def test_cr_only_line_ends_are_reported():
    found = codes(body("Policy: https://gemeente.test/cvd").replace(b"\n", b"\r"))
    assert {"invalid_char", "no_line_separators"} <= found


def test_repeated_problems_are_summarised_not_listed_a_thousand_times():
    s = parse(b"junk\n" * 900, now=NOW)
    invalid = [f for f in s.findings if f.code == "invalid_line"]
    assert len(invalid) == 21 and "880 more lines" in invalid[-1].message


def test_a_file_cut_at_32_kib_in_the_middle_of_a_character_is_not_called_bad_utf8():
    content = body(*["# \u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"] * 3000)
    assert len(content) > MAX_BYTES
    found = codes(content)
    assert "file_too_large" in found and "utf8" not in found


def test_printable_escapes_terminal_controls():
    assert printable("a\x1b[31mb\u202ec\td") == "a\\x1b[31mb\\u202ec\td"


def test_content_must_be_bytes():
    with pytest.raises(ValidationError):
        parse("Contact: mailto:a@b.test\n", now=NOW)  # type: ignore[arg-type]


def test_naive_now_is_taken_as_utc():
    content = body(expires_days=1)
    assert codes(content) == {f.code for f in parse(content, now=NOW.replace(tzinfo=None)).findings}


@pytest.mark.parametrize("data, code", [
    (["", "iHUE"], "pgp_error"),  # base64 that does not decode to a packet
    (["Version: x", "iHUE=="], "pgp_data_error"),  # no blank line after armor headers
    ([""], "pgp_data_error"),  # no data
])
def test_armor_errors_carry_sectxt_codes(data, code):
    with pytest.raises(cleartext.ArmorError) as e:
        cleartext.parse_signature(cleartext.dearmor(data))
    assert e.value.code == code


# ---- fuzzing: never anything but our own errors, invariants always hold -----------------
_FRAGMENTS = st.sampled_from([
    "Contact: ", "Expires: ", "Encryption: ", "Canonical: ", "Preferred-Languages: ", "CSAF: ", "Policy:",
    "mailto:", "https://", "tel:+", "data:", "openpgp4fpr:", "%", "?subject=", "@", ",", ";", ":", " ", "\t",
    "\r", "\n", "- ", "#", "2027-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "+24:00",
    cleartext.BEGIN_SIGNED, cleartext.BEGIN_SIGNATURE, cleartext.END_SIGNATURE, "Hash: SHA256", "=AAAA",
    "iHUEARYIAB0WIQQc0dU1uDnxxbM4rhdi0X8kkh", "<html>", "\x00", "\u202e", "\ufeff", "\ud7ff", "é",
])


def _check(content: bytes) -> None:
    try:
        s = parse(content, now=NOW, urls=["https://gemeente.test/.well-known/security.txt"])
    except CvdError:
        return
    assert s.valid == (not any(f.severity == "error" for f in s.findings))
    assert all(f.code in CODES and f.severity == CODES[f.code][0] for f in s.findings)
    assert s.signature.status in ("unsigned", "bad_signature", "unknown_key")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_fuzz_bytes(content):
    _check(content)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_FRAGMENTS, max_size=80))
def test_fuzz_structured(parts):
    _check("".join(parts).encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("field", ["Policy", "CSAF", "Encryption", "Acknowledgments", "Hiring"])
@pytest.mark.parametrize("uri", ["https://", "https:///path", "https:?x", "https://:443/"])
def test_an_https_uri_without_a_host_is_an_error(field, uri):
    stx = parse(body(f"{field}: {uri}"), now=NOW)
    assert ("invalid_uri", field) in {(f.code, f.field) for f in stx.findings if f.severity == "error"}


def test_a_field_name_with_a_space_is_invalid_not_merely_unknown():
    stx = parse(body("Preferred Languages: nl"), now=NOW)
    codes = {f.code for f in stx.findings}
    assert "invalid_field_name" in codes and "unknown_field" in codes  # the latter as sectxt says it
    assert parse(body("X-Custom_Field.v2: fine"), now=NOW).findings[0].code == "unknown_field"
