"""Key verdicts against gpg: the zoo made by gpg, the 31 real security-team keys, and the inputs
that are not keys at all."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone

import pytest

from cvd_reporter.core.pgp import armor, packets
from cvd_reporter.core.pgp.certificates import MAX_KEY_BYTES, armor_public_key, load_certificates
from cvd_reporter.core.pgp.encrypt import encrypt
from cvd_reporter.core.pgp.keys import inspect
from cvd_reporter.errors import KeyProblem
from tests.support.keys import CORPUS


def now() -> datetime:
    """The real clock when the check runs: gpg makes the keys with it during the session, and a key
    created more than five minutes after a clock read at import would look like one from the future."""
    return datetime.now(timezone.utc)


# name -> expected (usable, first code). gpg agrees on every key except the two we refuse on
# purpose: RSA-1024 (too weak) and DSA/ElGamal (pgpy cannot encrypt to ElGamal).
EXPECTED = {
    "ed25519": (True, None), "rsa2048": (True, None), "rsa3072": (True, None), "rsa4096": (True, None),
    "nistp256": (True, None), "nistp384": (True, None), "brainpool": (True, None), "soon": (True, None),
    "encexpvalid": (True, None), "twoenc": (True, None),
    "rsa1024": (False, "weak_key"), "dsaelg": (False, "unsupported_key"), "signonly": (False, "no_encryption_key"),
    "expired": (False, "expired"), "revoked": (False, "revoked"), "encrevoked": (False, "revoked"),
    "encexpired": (False, "expired"),
}
GPG_DIFFERS = {"rsa1024", "dsaelg"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_zoo_verdict_matches_gpg(zoo, name: str) -> None:
    key = zoo[name]
    [cert] = load_certificates(key.armored)
    verdict = inspect(cert, now=now(), address=key.address)
    usable, code = EXPECTED[name]
    assert (verdict.usable, verdict.code) == (usable, code), verdict.reasons
    assert verdict.fingerprint == key.fingerprint
    if name not in GPG_DIFFERS:
        assert verdict.usable == key.gpg_can_encrypt
    if verdict.usable:  # the subkey gpg itself encrypts to (the newest valid one)
        assert verdict.encryption_subkey[-16:] == zoo.gpg_recipient_keyid(key.fingerprint)
    else:
        assert verdict.reasons and all(r.endswith(".") for r in verdict.reasons)


def test_binary_and_armored_give_the_same_verdict(zoo) -> None:
    a = inspect(load_certificates(zoo["rsa3072"].binary)[0], now=now())
    b = inspect(load_certificates(zoo["rsa3072"].armored)[0], now=now())
    assert a.to_dict() == b.to_dict() and a.algorithm == "rsa3072" and a.bits == 3072


def test_warnings_for_soon_expiring_weakish_and_other_address(zoo) -> None:
    soon = inspect(load_certificates(zoo["soon"].binary)[0], now=now())
    assert any("expires on" in w for w in soon.warnings)
    later = inspect(load_certificates(zoo["soon"].binary)[0], now=now() + timedelta(days=11))
    assert later.code == "expired" and not later.usable
    rsa = inspect(load_certificates(zoo["rsa2048"].binary)[0], now=now())
    assert rsa.usable and any("3072" in w for w in rsa.warnings)
    other = inspect(load_certificates(zoo["ed25519"].binary)[0], now=now(),
                            address="someone@else.test")
    assert other.usable and other.address_match is False and any("someone@else.test" in w for w in other.warnings)


def test_verdict_depends_on_now_not_the_clock(zoo) -> None:
    [cert] = load_certificates(zoo["expired"].binary)
    assert inspect(cert, now=datetime(2020, 6, 1, tzinfo=timezone.utc)).usable
    assert not inspect(cert, now=now()).usable


def _packets(blob: bytes):
    return list(packets.iter_packets(blob))


def test_tampered_binding_signature_leaves_no_encryption_key(zoo) -> None:
    blob = bytearray(zoo["ed25519"].binary)
    last_sig = [p for p in _packets(bytes(blob)) if p.tag == packets.TAG_SIGNATURE][-1]  # the subkey binding
    blob[last_sig.end - 3] ^= 0x55  # inside the signature MPIs
    verdict = inspect(load_certificates(bytes(blob))[0], now=now())
    assert not verdict.usable and verdict.code == "no_encryption_key"


def test_certificate_without_user_id_is_refused_not_crashing(zoo) -> None:
    # What keys.openpgp.org serves by fingerprint for unverified addresses: key, subkey, binding.
    blob = zoo["ed25519"].binary
    kept, skip = [], False
    for p in _packets(blob):
        if p.tag == packets.TAG_USER_ID:
            skip = True
        elif p.tag == packets.TAG_PUBLIC_SUBKEY:
            skip = False
        if not skip:
            kept.append(blob[p.start:p.end])
    [cert] = load_certificates(b"".join(kept))
    verdict = inspect(cert, now=now())
    assert (verdict.usable, verdict.code, verdict.uids) == (False, "no_user_id", [])
    with pytest.raises(KeyProblem) as e:
        encrypt(b"report", cert, now=now())
    assert e.value.exit_code == 6 and e.value.code == "no_user_id"


def _fake_key_packet(version: int, algorithm: int) -> bytes:
    body = bytes([version]) + (1_700_000_000).to_bytes(4, "big") + bytes([algorithm]) + b"\x00\x08\xff"
    if version in (5, 6):
        body = bytes([version]) + (1_700_000_000).to_bytes(4, "big") + bytes([algorithm]) + (32).to_bytes(4, "big") \
            + bytes(32)
    return packets.new_header(6, len(body)) + body


@pytest.mark.parametrize("version, algorithm, words", [
    (6, 27, "v6 (RFC 9580)"), (5, 28, "v5 (LibrePGP)"), (3, 1, "obsolete v3"), (4, 27, "not supported"),
])
def test_unsupported_formats_say_so(version: int, algorithm: int, words: str) -> None:
    with pytest.raises(KeyProblem) as e:
        load_certificates(armor.armor("PUBLIC KEY BLOCK", _fake_key_packet(version, algorithm)))
    assert e.value.code == "unsupported_key" and words in e.value.message and "not supported" in e.value.message


def test_unknown_subkey_algorithm_is_dropped_with_a_note(zoo) -> None:
    odd = packets.new_header(14, 10) + b"\x04" + (1_700_000_000).to_bytes(4, "big") + b"\x19" + bytes(4)
    [cert] = load_certificates(zoo["ed25519"].binary + odd)
    verdict = inspect(cert, now=now())
    assert verdict.usable and any("not supported" in n for n in verdict.notes)


@pytest.mark.parametrize("data, code, words", [
    (b"<!DOCTYPE html><html><body>PGP key</body></html>", "not_a_key", "HTML page"),
    (b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nTDB\n-----END PGP PUBLIC KEY BLOCK-----\n", "not_a_key", "placeholder"),
    (b"# our PGP key will be published here soon\n", "not_a_key", "no OpenPGP public key block"),
    (b"", "not_a_key", "empty"),
    (b"\x99\x01\x0d\x04abc", "corrupt_key", "truncated"),
    (b"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nAAAA\n-----END PGP PRIVATE KEY BLOCK-----\n", "not_a_key", "private"),
    (b"A" * (MAX_KEY_BYTES + 1), "not_a_key", "too large"),
])
def test_things_that_are_not_keys(data: bytes, code: str, words: str) -> None:
    with pytest.raises(KeyProblem) as e:
        load_certificates(data)
    assert e.value.code == code and words in e.value.message and e.value.exit_code == 6


def test_corrupt_crc_and_truncated_armor(zoo) -> None:
    text = zoo["ed25519"].armored
    lines = text.split(b"\n")
    crc_line = next(i for i, line in enumerate(lines) if line.startswith(b"=") and len(line) == 5)
    lines[crc_line] = b"=AAAA" if lines[crc_line] != b"=AAAA" else b"=BBBB"
    with pytest.raises(KeyProblem) as e:
        load_certificates(b"\n".join(lines))
    assert e.value.code == "corrupt_key" and "CRC24" in e.value.message
    with pytest.raises(KeyProblem) as e:
        load_certificates(text[: len(text) // 2])
    assert e.value.code == "corrupt_key"
    # without the CRC line (pgpy alone refuses this; gpg and we accept it)
    no_crc = b"\n".join(line for i, line in enumerate(text.split(b"\n")) if i != crc_line)
    assert load_certificates(no_crc)[0].fingerprint == zoo["ed25519"].fingerprint


def test_several_keys_in_one_file(zoo) -> None:
    certs = load_certificates(zoo["ed25519"].binary + zoo["rsa2048"].binary)
    assert [c.fingerprint for c in certs] == [zoo["ed25519"].fingerprint, zoo["rsa2048"].fingerprint]


def test_armor_public_key_is_what_gpg_imports(zoo, gnupg) -> None:
    [cert] = load_certificates(zoo["nistp256"].binary)
    text = armor_public_key(cert)
    assert text.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----") and "\n=" in text
    out = gnupg.run("--import", "--import-options", "show-only", "--with-colons", input=text.encode()).stdout
    assert zoo["nistp256"].fingerprint in out.decode()


MANIFEST = CORPUS / "MANIFEST.tsv"
CORPUS_ROWS = list(csv.DictReader(MANIFEST.open(encoding="utf-8"), delimiter="\t"))
CORPUS_NOW = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)  # the date of the MANIFEST's gpg verdicts


@pytest.mark.parametrize("row", CORPUS_ROWS, ids=[r["file"] for r in CORPUS_ROWS])
def test_real_keys_get_gpgs_verdict(row: dict[str, str]) -> None:
    [cert] = load_certificates((CORPUS / row["file"]).read_bytes())
    verdict = inspect(cert, now=CORPUS_NOW)
    assert verdict.fingerprint == row["fingerprint"]
    assert verdict.usable == (row["status_2026-11-28"] == "ok"), verdict.reasons
    if verdict.usable:  # and the same encryption subkey gpg encrypted to
        assert verdict.encryption_subkey[-16:] == row["gpg_encrypts_to"]
    else:
        assert verdict.code == "expired"
