"""The one OpenPGP armor and packet reader (core/pgp/): one error type for both armor readers,
partial body lengths as gpg writes them, and signatures checked on the original bytes.
gpg is the oracle (real packets, real signatures)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from cvd_reporter.core.pgp import armor, cleartext, packets
from cvd_reporter.core.pgp.verify import key_bodies, verify
from cvd_reporter.core.securitytxt import parse, verify_signature

NOW = dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc)
TEXT = b"Contact: mailto:security@gemeente.test\nExpires: 2030-01-01T00:00:00Z\n"


def test_one_armor_error_with_message_then_code_for_keys_and_signatures() -> None:
    assert cleartext.ArmorError is armor.ArmorError
    text = armor.armor("PUBLIC KEY BLOCK", os.urandom(200))
    lines = text.decode().splitlines()
    lines[-2] = "=AAAA"  # a CRC line that does not match
    with pytest.raises(armor.ArmorError) as key_error:
        armor.dearmor("\n".join(lines).encode())
    with pytest.raises(armor.ArmorError) as sig_error:
        cleartext.dearmor(lines[1:-1])
    assert (key_error.value.code, sig_error.value.code) == ("bad_crc", "pgp_error")
    assert "CRC" in key_error.value.message and "CRC-24" in sig_error.value.message


def test_partial_body_lengths_as_gpg_writes_them(gnupg) -> None:
    data = os.urandom(300_000)  # from a pipe gpg does not know the length: partial lengths
    stored = gnupg.gpg("--store", "--compress-algo", "none", input=data)
    with pytest.raises(packets.PacketError, match="partial"):
        list(packets.iter_packets(stored))
    [literal] = [p for p in packets.iter_packets(stored, allow_partial=True) if p.tag == packets.TAG_LITERAL]
    assert len(literal.pieces) > 1
    body = literal.content(stored)
    assert body.endswith(data) and body[0:1] == b"b"  # RFC 9580 §5.9: format, name, date, then the data


def test_partial_length_round_trip() -> None:
    data = os.urandom(1000)
    blob = bytes((0xC0 | packets.TAG_LITERAL,)) + packets.partial_length(9) + data[:512] \
        + packets.encode_length(488) + data[512:] + packets.new_header(packets.TAG_MARKER, 3) + b"PGP"
    found = list(packets.iter_packets(blob, allow_partial=True))
    assert [p.tag for p in found] == [packets.TAG_LITERAL, packets.TAG_MARKER]
    assert found[0].content(blob) == data and found[1].content(blob) == b"PGP"
    with pytest.raises(packets.PacketError, match="truncated"):
        list(packets.iter_packets(blob[:700], allow_partial=True))


def test_a_signature_verifies_on_its_own_bytes_and_fails_on_changed_text(gnupg) -> None:
    fpr = gnupg.gen("Pgp Reader <pgp-reader@gemeente.test>")
    signed = gnupg.gpg("--local-user", fpr, "--detach-sign", input=TEXT)
    [packet] = list(packets.iter_packets(signed))
    sig = packets.parse_signature(signed, packet)
    body = key_bodies(gnupg.export(fpr))[sig.issuer_keyid or sig.issuer_fpr[-16:]]
    assert verify(body, sig, TEXT) is True
    assert verify(body, sig, TEXT.replace(b"2030", b"2031")) is False


def test_a_changed_file_signed_by_a_since_expired_key_is_a_bad_signature(gnupg) -> None:
    # pgpy refuses expired keys before it checks the cryptography; ours decides on the bytes.
    fpr = gnupg.gen("Pgp Expired <pgp-expired@gemeente.test>", expire="2d", faked_time="20200101T000000")
    data = gnupg.gpg("--faked-system-time=20200101T120000", "--local-user", fpr, "--clearsign", input=TEXT)
    key = [gnupg.export(fpr, armor=True)]
    assert verify_signature(parse(data, now=NOW), key).status == "signed_by_encryption_key"
    changed = data.replace(b"security@gemeente.test", b"attacker@gemeente.test")
    status = verify_signature(parse(changed, now=NOW), key)
    assert status.status == "bad_signature" and status.fingerprint == fpr.upper()
