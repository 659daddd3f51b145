"""Signature verification of cleartext-signed security.txt files made by real ``gpg --clearsign``.

GnuPG is the oracle: every variant that we call good, ``gpg --verify`` calls good, and every
tampered copy that we call bad, gpg rejects too.
"""

from __future__ import annotations

import pytest

from cvd_reporter.core.securitytxt import apply_signature, parse, verify_signature
from tests.support.securitytxt import NOW, body

UID = "Sectxt Signer <sectxt-signer@gemeente.test>"
OTHER_UID = "Sectxt Other <sectxt-other@other.test>"


@pytest.fixture(scope="module")
def keys(gnupg):
    fpr = gnupg.gen(UID)
    other = gnupg.gen(OTHER_UID)
    return {"fpr": fpr, "key": gnupg.export(fpr, armor=True), "binary": gnupg.export(fpr),
            "other_fpr": other, "other": gnupg.export(other, armor=True)}


def _signed_file(gnupg, keys, *extra: str) -> bytes:
    text = body("Encryption: https://gemeente.test/pgp-key.txt",
                "Canonical: https://gemeente.test/.well-known/security.txt", *extra)
    return gnupg.clearsign(text, keys["fpr"])


def _gpg_says_good(gnupg, data: bytes) -> bool:
    return gnupg.run("--verify", input=data, check=False).returncode == 0


def _with_trailing_ws(data: bytes) -> bytes:
    head, _, rest = data.partition(b"\n\n")
    text, sep, sig = rest.partition(b"-----BEGIN PGP SIGNATURE-----")
    return head + b"\n\n" + text.replace(b"\n", b" \t \n") + sep + sig


VARIANTS = {
    "as signed": lambda d: d,
    "CRLF line ends": lambda d: d.replace(b"\n", b"\r\n"),
    "trailing whitespace added": _with_trailing_ws,
    "both": lambda d: _with_trailing_ws(d).replace(b"\n", b"\r\n"),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_good_signature_by_the_encryption_key(gnupg, keys, variant):
    data = VARIANTS[variant](_signed_file(gnupg, keys, "Policy: https://gemeente.test/cvd"))
    assert _gpg_says_good(gnupg, data)
    s = parse(data, now=NOW)
    status = verify_signature(s, [keys["key"]])
    assert status.status == "signed_by_encryption_key" and status.verified
    assert status.fingerprint == keys["fpr"] and status.key_source == "encryption"
    assert apply_signature(s, status).findings == s.findings  # nothing to add


def test_dash_escaped_lines_verify(gnupg, keys):
    data = _signed_file(gnupg, keys, "-----BEGIN PGP SIGNATURE----- (a line gpg must dash-escape)")
    assert b"\n- -----BEGIN PGP SIGNATURE----- (a line" in data and _gpg_says_good(gnupg, data)
    assert verify_signature(parse(data, now=NOW), [keys["binary"]]).status == "signed_by_encryption_key"


TAMPER = {
    "value changed": lambda d: d.replace(b"https://gemeente.test/cvd", b"https://evil.test/cvd"),
    "line added": lambda d: d.replace(b"\nExpires:", b"\nContact: mailto:evil@evil.test\nExpires:"),
    "line removed": lambda d: d.replace(b"Policy: https://gemeente.test/cvd\n", b""),
    "inner space added": lambda d: d.replace(b"Policy: https", b"Policy:  https"),
}


@pytest.mark.parametrize("how", TAMPER)
def test_tampered_file_is_a_bad_signature(gnupg, keys, how):
    data = TAMPER[how](_signed_file(gnupg, keys, "Policy: https://gemeente.test/cvd", "--- a dashed line"))
    assert not _gpg_says_good(gnupg, data)
    s = parse(data, now=NOW)
    status = verify_signature(s, [keys["key"]])
    assert status.status == "bad_signature" and not status.verified
    result = apply_signature(s, status)
    assert "bad_signature" in {f.code for f in result.findings} and not result.valid


def test_signed_by_a_key_that_is_not_the_encryption_key(gnupg, keys):
    s = parse(_signed_file(gnupg, keys), now=NOW)
    status = verify_signature(s, [keys["other"]])
    assert status.status == "unknown_key" and status.key_id == keys["fpr"][-16:]
    codes = {f.code: f.severity for f in apply_signature(s, status).findings}
    assert codes["signer_not_encryption_key"] == "warning"


def test_a_key_the_user_gives(gnupg, keys):
    s = parse(_signed_file(gnupg, keys), now=NOW)
    status = verify_signature(s, [], user_keys=[keys["key"]])
    assert status.status == "signed" and status.verified and status.key_source == "user"
    assert "signer_not_encryption_key" not in {f.code for f in apply_signature(s, status).findings}
    both = verify_signature(s, [keys["other"]], user_keys=[keys["key"]])
    assert both.status == "signed"
    assert "signer_not_encryption_key" in {f.code for f in apply_signature(s, both).findings}


def test_no_key_at_all_is_unverified_not_bad(gnupg, keys):
    s = parse(_signed_file(gnupg, keys), now=NOW)
    status = verify_signature(s, [b"not a key", b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxx\n"])
    assert status.status == "unknown_key"
    result = apply_signature(s, status)
    assert {f.code: f.severity for f in result.findings}["signature_unverified"] == "info" and result.valid


def test_a_signing_key_that_expired_after_signing_still_verifies(gnupg):
    fpr = gnupg.gen("Sectxt Expired <sectxt-expired@gemeente.test>", expire="2d", faked_time="20200101T000000")
    data = gnupg.gpg("--faked-system-time=20200101T120000", "--local-user", fpr, "--clearsign", input=body())
    status = verify_signature(parse(data, now=NOW), [gnupg.export(fpr, armor=True)])
    assert status.status == "signed_by_encryption_key" and "expired" in status.detail


def test_rsa_signatures_verify(gnupg):
    fpr = gnupg.gen("Sectxt RSA <sectxt-rsa@gemeente.test>", "rsa2048", enc_algo="none")
    data = gnupg.clearsign(body(), fpr)
    assert verify_signature(parse(data, now=NOW), [gnupg.export(fpr)]).status == "signed_by_encryption_key"


def test_unsigned_and_malformed_files_are_left_alone(gnupg, keys):
    unsigned = parse(body(), now=NOW)
    assert verify_signature(unsigned, [keys["key"]]).status == "unsigned"
    broken = _signed_file(gnupg, keys).replace(b"-----END PGP SIGNATURE-----", b"")
    s = parse(broken, now=NOW)
    assert s.signature.status == "bad_signature" and verify_signature(s, [keys["key"]]).status == "bad_signature"
    assert "pgp_data_error" in {f.code for f in s.findings}
