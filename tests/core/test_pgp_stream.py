"""Streaming OpenPGP (core/pgp/stream.py, stream_armor.py): real gpg, and sq where installed,
decrypt every size, with and without compression, to cv25519 and RSA keys, with a valid MDC.

The sizes sit on the partial-body-length edges (RFC 4880 §4.2.2.4): nothing, one byte, a literal
packet body of exactly one piece, one piece plus and minus one, several pieces. Most cases use the
smallest piece the RFC allows (512 octets) so many pieces stay cheap; a few use the real 64 KiB.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest

from cvd_reporter.core.pgp.armor import dearmor
from cvd_reporter.core.pgp.certificates import load_certificates
from cvd_reporter.core.pgp.keys import inspect
from cvd_reporter.core.pgp.stream import CHUNK, UNCOMPRESSED, ZIP, ZLIB, EncryptStream, choose_compression
from cvd_reporter.core.pgp.stream_armor import ArmorStream


def now() -> dt.datetime:
    """Read when used, not at collection: the keys are made when the module's fixture runs, which in a
    long suite on a busy machine is more than the 5 minutes of clock skew a key's date may have."""
    return dt.datetime.now(dt.timezone.utc)


LITERAL_HEAD = 6  # 'b', an empty file name, four octets of date: the literal body is data + 6


@pytest.fixture(scope="module")
def keys(gnupg):
    """Two recipients in the session's gpg: the default cv25519 key and an RSA-3072 one."""
    out = {}
    for name, algo in (("cv25519", "future-default"), ("rsa", "rsa3072")):
        fpr = gnupg.gen(f"Stream {name} <stream-{name}@gemeente.test>", algo)
        cert = load_certificates(gnupg.export(fpr))[0]
        verdict = inspect(cert, now=now())
        sub = verdict.encryption_subkey
        out[name] = cert.key if sub == cert.fingerprint else cert.key.subkeys[sub[-16:]]
    return out


def encrypt(target, data: bytes, *, compression: int, chunk: int = CHUNK, piece: int = 7001,
            eol: bytes = b"\n") -> bytes:
    out: list[bytes] = []
    armor = ArmorStream(out.append, eol=eol)
    enc = EncryptStream(armor.write, target, now=now(), compression=compression, chunk=chunk)
    for i in range(0, len(data), piece):  # odd pieces, so no write lines up with a packet piece
        enc.write(data[i:i + piece])
    enc.close()
    armor.close()
    return b"".join(out) + eol


def assert_gpg_reads(gnupg, message: bytes, data: bytes) -> str:
    plain, status = gnupg.decrypt_status(message)
    assert plain == data
    assert "[GNUPG:] DECRYPTION_OKAY" in status and "[GNUPG:] GOODMDC" in status
    assert "not integrity protected" not in status and "WARNING" not in status
    return status


SMALL = 512
SIZES = [0, 1, SMALL - LITERAL_HEAD, SMALL - LITERAL_HEAD - 1, SMALL - LITERAL_HEAD + 1, 5 * SMALL + 77]


@pytest.mark.parametrize("compression", [UNCOMPRESSED, ZIP, ZLIB], ids=["none", "zip", "zlib"])
@pytest.mark.parametrize("key", ["cv25519", "rsa"])
@pytest.mark.parametrize("size", SIZES)
def test_gpg_decrypts_every_size_on_the_piece_edges(gnupg, keys, key, compression, size):
    data = os.urandom(size)
    assert_gpg_reads(gnupg, encrypt(keys[key], data, compression=compression, chunk=SMALL), data)


@pytest.mark.parametrize("size", [CHUNK - LITERAL_HEAD, CHUNK - LITERAL_HEAD + 1, CHUNK - LITERAL_HEAD - 1,
                                  3 * CHUNK + 1000])
def test_gpg_decrypts_with_the_real_piece_size(gnupg, keys, size):
    data = os.urandom(size)
    assert_gpg_reads(gnupg, encrypt(keys["cv25519"], data, compression=UNCOMPRESSED), data)


def test_text_compresses_and_the_message_uses_partial_lengths(gnupg, keys):
    data = b"GET /zoeken?q=<script>alert(1)</script> HTTP/1.1\r\nHost: www.gemeente.test\r\n\r\n" * 4000
    message = encrypt(keys["rsa"], data, compression=ZLIB)
    assert len(message) < len(data) / 5  # compression happened
    assert_gpg_reads(gnupg, message, data)
    packets = gnupg.run("--list-packets", input=message).stdout.decode(errors="replace")
    assert "partial" in packets  # the SEIPD body was framed in pieces, not with one length up front
    assert "compressed packet: algo=2" in packets


def test_uncompressed_means_no_compressed_packet(gnupg, keys):
    data = os.urandom(100_000)
    packets = gnupg.run("--list-packets", input=encrypt(keys["cv25519"], data, compression=UNCOMPRESSED))
    assert "compressed packet" not in packets.stdout.decode(errors="replace")


def test_crlf_armor_has_a_valid_crc_and_decrypts(gnupg, keys):
    data = os.urandom(300_000)
    message = encrypt(keys["cv25519"], data, compression=ZIP, eol=b"\r\n")
    [block] = dearmor(message)  # checks the CRC-24 line against the data
    assert block.had_crc and block.kind == "MESSAGE"
    assert all(len(line) <= 64 for line in message.split(b"\r\n"))
    assert_gpg_reads(gnupg, message, data)


@pytest.mark.parametrize(("prefs", "chosen"), [(None, ZIP), ([2, 3, 1], ZLIB), ([1, 2], ZIP), ([0, 2], UNCOMPRESSED),
                                                ([3], UNCOMPRESSED), ([], UNCOMPRESSED)])
def test_compression_follows_the_key_preferences(prefs, chosen):
    # RFC 4880 §5.2.3.9: no subpacket means ZIP; BZip2 is not written here, so it falls back to none
    assert choose_compression(prefs) == chosen


def test_a_piece_size_that_is_not_allowed_is_refused(keys):
    with pytest.raises(ValueError):
        EncryptStream(lambda _b: None, keys["cv25519"], now=now(), chunk=256)
    with pytest.raises(ValueError):
        EncryptStream(lambda _b: None, keys["cv25519"], now=now(), chunk=1000)


@pytest.mark.skipif(shutil.which("sq") is None, reason="Sequoia's sq is not installed")
@pytest.mark.parametrize("compression", [UNCOMPRESSED, ZLIB], ids=["none", "zlib"])
def test_sq_decrypts_too(gnupg, keys, tmp_path, compression):
    """A second, independent implementation (Sequoia) reads the same messages."""
    fpr = gnupg.fpr("stream-cv25519@gemeente.test")
    secret = tmp_path / "secret.pgp"
    secret.write_bytes(gnupg.export_secret(fpr))
    helptext = subprocess.run(["sq", "decrypt", "--help"], capture_output=True, timeout=60).stdout
    flag = "--recipient-file" if b"--recipient-file" in helptext else "--recipient-key"  # sq >= 0.30 renamed it
    for size in (0, 1, SMALL - LITERAL_HEAD, 7 * SMALL + 3):
        data = os.urandom(size)
        message = tmp_path / "message.asc"
        message.write_bytes(encrypt(keys["cv25519"], data, compression=compression, chunk=SMALL))
        out = subprocess.run(["sq", "decrypt", flag, str(secret), str(message)], capture_output=True, timeout=120)
        assert out.returncode == 0, out.stderr.decode(errors="replace")
        assert out.stdout == data


@pytest.mark.skipif(not os.environ.get("CVD_SLOW_TESTS"), reason="100 MB case: set CVD_SLOW_TESTS=1")
def test_gpg_decrypts_100_mb(gnupg, keys, tmp_path):
    """The full size through files, as submit writes it (set CVD_SLOW_TESTS=1; about a minute)."""
    block = os.urandom(1 << 20)
    path = tmp_path / "message.asc"
    with open(path, "wb") as fh:
        armor = ArmorStream(fh.write)
        enc = EncryptStream(armor.write, keys["cv25519"], now=now(), compression=ZLIB)
        for _ in range(100):
            enc.write(block)
        enc.close()
        armor.close()
        fh.write(b"\n")
    out = subprocess.run(["gpg", "--batch", "--status-fd", "2", "--decrypt", str(path)], env=gnupg.env,
                         capture_output=True, timeout=600)
    assert out.returncode == 0 and "GOODMDC" in out.stderr.decode()
    assert len(out.stdout) == 100 << 20 and out.stdout[:1 << 20] == block and out.stdout[-(1 << 20):] == block


def test_incompressible_evidence_gets_huffman_only_text_keeps_full_deflate(gnupg, keys):
    from cvd_reporter.core.pgp.stream import DEFAULT_STRATEGY, HUFFMAN_ONLY, choose_strategy

    noise, text = os.urandom(65536), b"GET /zoeken?q=1 HTTP/1.1\r\n" * 2600
    assert choose_strategy([(noise, 20_000_000)]) == HUFFMAN_ONLY
    assert choose_strategy([(noise, 20_000_000), (text[:65536], 5_000_000)]) == DEFAULT_STRATEGY
    assert choose_strategy([(noise, 500_000)]) == DEFAULT_STRATEGY  # too small to matter
    data = os.urandom(200_000)
    out: list[bytes] = []
    armor = ArmorStream(out.append)
    enc = EncryptStream(armor.write, keys["cv25519"], now=now(), compression=ZLIB, strategy=HUFFMAN_ONLY)
    enc.write(data)
    enc.close()
    armor.close()
    assert_gpg_reads(gnupg, b"".join(out) + b"\n", data)
