"""WKD URLs, RFC 7929 owner names and Encryption URI parsing: published vectors plus gpg as oracle."""

from __future__ import annotations

import pytest

from cvd_reporter.core.wkd import AddressError, openpgpkey_name, parse_encryption_uri, wkd_hash, wkd_urls, zbase32


@pytest.mark.parametrize("address, hash_, advanced", [
    ("Joe.Doe@Example.ORG", "iy9q119eutrkn8s1mk4r39qejnbu3n5q",
     "https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe"),
    ("hugh@example.com", "w5n1gnooatcyfd9tzicamzk8aqkyfdk8",
     "https://openpgpkey.example.com/.well-known/openpgpkey/example.com/hu/w5n1gnooatcyfd9tzicamzk8aqkyfdk8?l=hugh"),
    ("security@example.org", "t5s8ztdbon8yzntexy6oz5y48etqsnbb",
     "https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/t5s8ztdbon8yzntexy6oz5y48etqsnbb?l=security"),
])
def test_wkd_vectors(address: str, hash_: str, advanced: str) -> None:
    urls = wkd_urls(address)
    assert wkd_hash(address.split("@", maxsplit=1)[0]) == hash_
    assert urls.advanced == advanced
    domain = address.split("@")[1].lower()
    assert urls.direct == f"https://{domain}/.well-known/openpgpkey/hu/{hash_}?l={address.split('@', maxsplit=1)[0]}"


def test_zbase32_known_values() -> None:
    assert zbase32(b"") == "" and zbase32(b"\x00") == "yy" and zbase32(b"\xff" * 5) == "9" * 8


@pytest.mark.parametrize("address, name", [
    ("hugh@example.com", "c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._openpgpkey.example.com"),
    ("security@example.org", "5d2d3ceb7abe552344276d47d36a8175b7aeb250a9bf0bf00e850cd2._openpgpkey.example.org"),
])
def test_rfc7929_owner_names(address: str, name: str) -> None:
    assert openpgpkey_name(address) == name


def test_local_part_case_matters_for_dane_not_for_wkd() -> None:
    assert openpgpkey_name("Hugh@example.com") != openpgpkey_name("hugh@example.com")
    assert wkd_hash("Hugh") == wkd_hash("hugh")


def test_gpg_agrees_on_wkd_hash_and_dane_name(zoo) -> None:
    key = zoo["ed25519"]
    listing = zoo.gpg.gpg("--with-wkd-hash", "--list-keys", key.fingerprint).decode()
    assert f"{wkd_hash('ed25519')}@gemeente.test" in listing
    dane = zoo.gpg.gpg("--export-options", "export-dane", "--export", key.fingerprint).decode()
    label, _, zone = openpgpkey_name(key.address).partition("._openpgpkey.")
    assert f"$ORIGIN _openpgpkey.{zone}." in dane and f"\n{label} " in dane


@pytest.mark.parametrize("bad", ["no-at-sign", "a@", "@b.test", "a b@c.test", "a@-bad-.test", "a@nodot"])
def test_not_addresses(bad: str) -> None:
    with pytest.raises(AddressError):
        wkd_urls(bad)


def test_idn_domain_becomes_a_label() -> None:
    assert wkd_urls("info@gemeënte.test").domain == "xn--gemente-uya.test"


@pytest.mark.parametrize("uri, kind, extra", [
    ("https://example.com/pgp-key.txt", "https", {}),
    ("openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f", "openpgp4fpr",
     {"fingerprint": "5F2DE5521C63A801AB59CCB603D49DE44B29100F"}),
    ("OPENPGP4FPR:0x5F2D E552 1C63 A801 AB59 CCB6 03D4 9DE4 4B29 100F", "openpgp4fpr",
     {"fingerprint": "5F2DE5521C63A801AB59CCB603D49DE44B29100F"}),
    ("dns:5d2d37ab76d47d36._openpgpkey.example.com?type=OPENPGPKEY", "dns",
     {"name": "5d2d37ab76d47d36._openpgpkey.example.com", "domain": "example.com"}),
    ("dns://192.0.2.1/abc._openpgpkey.example.com?type=OPENPGPKEY", "dns", {"domain": "example.com"}),
    ("http://example.com/key.asc", "unsupported", {}),
    ("openpgp4fpr:1234", "unsupported", {}),
    ("dns:example.com?type=TXT", "unsupported", {}),
    ("ftp://example.com/key", "unsupported", {}),
])
def test_encryption_uris(uri: str, kind: str, extra: dict) -> None:
    parsed = parse_encryption_uri(uri)
    assert parsed.kind == kind
    for attr, value in extra.items():
        assert getattr(parsed, attr) == value
    assert (parsed.problem is not None) == (kind == "unsupported")
