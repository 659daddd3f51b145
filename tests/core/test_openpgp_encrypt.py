"""Every message we encrypt is decrypted by gpg byte for byte (and by sq where installed): the proof
that a municipality can read the report."""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone

import pytest

import cvd_reporter.core.pgp.encrypt as pgp_encrypt
from cvd_reporter.core.pgp.certificates import load_certificates
from cvd_reporter.core.pgp.encrypt import encrypt, load_signing_key
from cvd_reporter.errors import InputFileError, InputNeeded, KeyProblem
from tests.support.oracles import sq_decrypt


def now() -> datetime:
    """The real clock when the check runs: gpg makes the keys with it during the session, and a key
    created more than five minutes after a clock read at import would look like one from the future."""
    return datetime.now(timezone.utc)


USABLE = ["ed25519", "rsa2048", "rsa3072", "rsa4096", "nistp256", "nistp384", "brainpool", "encexpvalid", "twoenc"]
MESSAGE = b"Beste CERT,\r\nIk heb een kwetsbaarheid gevonden.\n\x00\xff binary too \xc3\xa9\r\n"


@pytest.mark.parametrize("name", USABLE)
def test_gpg_decrypts_byte_for_byte(zoo, name: str) -> None:
    key = zoo[name]
    [cert] = load_certificates(key.armored)
    message = encrypt(MESSAGE, cert, now=now())
    assert message.startswith(b"-----BEGIN PGP MESSAGE-----\n") and re.search(rb"\n=[A-Za-z0-9+/]{4}\n-----END", message)
    plain, status = zoo.gpg.decrypt_status(message)
    assert plain == MESSAGE
    # DECRYPTION_INFO <mdc method> <cipher>: 2 = SEIPD with MDC, 9 = AES-256 (RFC 4880 §9.2)
    assert re.search(r"DECRYPTION_INFO 2 9\b", status) and "DECRYPTION_OKAY" in status
    # encrypted to the subkey gpg itself would choose
    keyid = re.search(r"ENC_TO ([0-9A-F]{16})", status).group(1)
    assert keyid == zoo.gpg_recipient_keyid(key.fingerprint)


def test_sq_decrypts_too(zoo, tmp_path) -> None:
    [cert] = load_certificates(zoo["ed25519"].binary)
    message = encrypt(MESSAGE, cert, now=now())
    plain = sq_decrypt(zoo.gpg.export_secret(zoo["ed25519"].fingerprint), message, tmp_path)
    if plain is None:
        pytest.skip("sq (Sequoia) is not installed; gpg is the required oracle")
    assert plain == MESSAGE


@pytest.mark.parametrize("size", [0, 1, 191, 8384, 1_500_000])
def test_sizes_around_packet_length_boundaries(zoo, size: int) -> None:
    data = os.urandom(size)
    [cert] = load_certificates(zoo["ed25519"].binary)
    assert zoo.gpg.decrypt(encrypt(data, cert, now=now())) == data


def test_signed_message_verifies_in_gpg(zoo) -> None:
    signer = load_signing_key(zoo.gpg.export_secret(zoo["reporter"].fingerprint))
    assert signer.fingerprint == zoo["reporter"].fingerprint
    [cert] = load_certificates(zoo["rsa3072"].binary)
    message = encrypt(MESSAGE, cert, now=datetime.now(timezone.utc), signer=signer)  # after keygen
    plain, status = zoo.gpg.decrypt_status(message)
    assert plain == MESSAGE
    assert "GOODSIG" in status and zoo["reporter"].fingerprint in status.replace(" ", "")


def test_passphrase_protected_signing_key(zoo) -> None:
    gpg = zoo.gpg
    gpg.gpg("--passphrase", "hunter2", "--quick-gen-key", "Locked <locked@example.test>", "future-default",
            "default", "never")
    fpr = gpg.fpr("locked@example.test")
    secret = gpg.gpg("--passphrase", "hunter2", "--export-secret-keys", fpr)
    with pytest.raises(InputNeeded) as e:
        load_signing_key(secret)
    assert e.value.exit_code == 8 and "hunter2" not in e.value.message
    with pytest.raises(KeyProblem) as e:
        load_signing_key(secret, "wrong")
    assert e.value.code == "bad_passphrase"
    signer = load_signing_key(secret, "hunter2")
    [cert] = load_certificates(zoo["ed25519"].binary)
    plain, status = gpg.decrypt_status(encrypt(b"ok", cert, now=datetime.now(timezone.utc), signer=signer))
    assert plain == b"ok" and f"GOODSIG {fpr[-16:]}" in status


def test_signing_key_must_be_secret(zoo) -> None:
    with pytest.raises(KeyProblem) as e:
        load_signing_key(zoo["reporter"].armored)
    assert e.value.code == "not_a_key"


@pytest.mark.parametrize("name, code", [("expired", "expired"), ("revoked", "revoked"), ("encrevoked", "revoked"),
                                        ("encexpired", "expired"), ("signonly", "no_encryption_key"),
                                        ("rsa1024", "weak_key"), ("dsaelg", "unsupported_key")])
def test_refuses_unusable_keys(zoo, name: str, code: str) -> None:
    [cert] = load_certificates(zoo[name].binary)
    with pytest.raises(KeyProblem) as e:
        encrypt(MESSAGE, cert, now=now())
    assert e.value.exit_code == 6 and e.value.code == code and zoo[name].fingerprint in e.value.message


def test_size_cap_is_refused_up_front(zoo, monkeypatch) -> None:
    monkeypatch.setattr(pgp_encrypt, "MAX_MESSAGE_BYTES", 1000)
    [cert] = load_certificates(zoo["ed25519"].binary)
    with pytest.raises(InputFileError) as e:
        encrypt(b"x" * 1001, cert, now=now())
    assert e.value.code == "too_large" and e.value.exit_code == 3


def test_each_message_has_a_fresh_session_key(zoo) -> None:
    [cert] = load_certificates(zoo["ed25519"].binary)
    at = now()
    assert encrypt(MESSAGE, cert, now=at) != encrypt(MESSAGE, cert, now=at)
