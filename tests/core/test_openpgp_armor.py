"""Our armor (RFC 4880 §6) and packet framing: CRC24 against the RFC's bitwise definition, round
trips, the broken inputs seen in the wild, and gpg reading what we write."""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvd_reporter.core.pgp import armor, packets


def crc24_rfc(data: bytes) -> int:
    """RFC 4880 §6.1, literally (the oracle)."""
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


@given(st.binary(max_size=600), st.lists(st.integers(min_value=1, max_value=97), max_size=8))
@settings(max_examples=150, deadline=None)
def test_crc24_matches_rfc_for_any_split(data: bytes, cuts: list[int]) -> None:
    c = armor.Crc24()
    pos = 0
    for cut in cuts:
        c.update(data[pos:pos + cut])
        pos += cut
    c.update(data[pos:])
    assert c.digest() == crc24_rfc(data) == armor.crc24(data)


def test_crc24_fold_is_exact_beyond_one_period() -> None:
    # 1.2 MB is past 2**23 - 1 bits, so the rotation wraps; compare with the plain table.
    data = random.Random(7).randbytes(1_200_000)
    reference = armor._table_crc(data, armor.CRC24_INIT)
    c = armor.Crc24()
    for i in range(0, len(data), 333_333):
        c.update(data[i:i + 333_333])
    assert c.digest() == reference == armor.crc24(data)


def test_known_checksum_of_empty_input() -> None:
    assert armor.crc24(b"") == 0xB704CE


@pytest.mark.parametrize("size", [0, 1, 47, 48, 49, 95, 96, 1000, 100_000])
def test_armor_round_trip(size: int) -> None:
    data = os.urandom(size)
    text = armor.armor("MESSAGE", data)
    lines = text.decode().splitlines()
    assert lines[0] == "-----BEGIN PGP MESSAGE-----" and lines[1] == ""
    assert lines[-1] == "-----END PGP MESSAGE-----" and lines[-2].startswith("=") and len(lines[-2]) == 5
    assert all(len(line) <= 64 for line in lines[2:-2])
    [block] = armor.dearmor(text)
    assert (block.kind, block.data, block.had_crc) == ("MESSAGE", data, True)


def test_streaming_writer_equals_one_shot() -> None:
    data = os.urandom(200_003)
    w = armor.ArmorWriter("MESSAGE")
    pos = 0
    for step in [1, 47, 2, 100_000, 5, 99_948]:
        w.write(data[pos:pos + step])
        pos += step
    assert w.finish() == armor.armor("MESSAGE", data)


def _strip_crc(text: bytes) -> bytes:
    return b"\n".join(line for line in text.split(b"\n") if not (line.startswith(b"=") and len(line) == 5))


def test_dearmor_tolerates_crlf_headers_missing_crc_and_surrounding_text() -> None:
    data = os.urandom(300)
    text = armor.armor("PUBLIC KEY BLOCK", data, headers=(("Comment", "https://example.test"),))
    messy = b"Our key:\r\n" + _strip_crc(text).replace(b"\n", b"\r\n") + b"\r\nThanks!\r\n"
    [block] = armor.dearmor(messy)
    assert block.data == data and not block.had_crc and block.headers == (("Comment", "https://example.test"),)


def test_dearmor_without_blank_line_after_begin() -> None:
    data = os.urandom(90)
    text = armor.armor("PUBLIC KEY BLOCK", data).replace(b"-----\n\n", b"-----\n", 1)
    assert armor.dearmor(text)[0].data == data


@pytest.mark.parametrize("mangle, code", [
    (lambda t: t.replace(t.split(b"\n")[3][:4], b"AAAA", 1), "bad_crc"),
    (lambda t: t.split(b"-----END")[0], "truncated"),
    (lambda t: b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nTDB\n-----END PGP PUBLIC KEY BLOCK-----\n", "bad_base64"),
    (lambda t: t.replace(b"\n=", b"\nnot base64!\n=", 1), "bad_base64"),
])
def test_dearmor_refuses_damaged_armor(mangle, code: str) -> None:
    text = armor.armor("PUBLIC KEY BLOCK", os.urandom(500))
    with pytest.raises(armor.ArmorError) as e:
        armor.dearmor(mangle(text))
    assert e.value.code == code


def test_gpg_reads_our_armor(gnupg) -> None:
    data = os.urandom(5000)
    assert gnupg.gpg("--dearmor", input=armor.armor("MESSAGE", data)) == data


@pytest.mark.parametrize("length", [0, 191, 192, 8383, 8384, 70_000])
def test_new_format_headers_round_trip(length: int) -> None:
    blob = packets.new_header(11, length) + bytes(length)
    [packet] = list(packets.iter_packets(blob))
    assert (packet.tag, packet.end - packet.body, packet.end) == (11, length, len(blob))


def test_truncated_packet_is_an_error() -> None:
    blob = packets.new_header(6, 100) + bytes(50)
    with pytest.raises(packets.PacketError):
        list(packets.iter_packets(blob))
