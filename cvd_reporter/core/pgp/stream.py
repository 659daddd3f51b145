"""OpenPGP encryption as a stream: the message goes in piece by piece, armor comes out as it is made.

What is written (RFC 4880, the v4 formats gpg 2.2 and every current implementation read):

    PKESK v3 (§5.1)           the AES-256 session key, encrypted to the recipient's subkey by pgpy
    SEIPD v1 (§5.13)          partial body lengths (§4.2.2.4), AES-256 in OpenPGP CFB mode
      random prefix           16 random octets, the last two repeated
      Compressed Data (§5.6)  ZLIB or ZIP, as the key's preferences allow; left out when they say
                              "uncompressed" (then the literal packet sits directly in the SEIPD)
        Literal Data (§5.9)   format 'b', no file name, partial body lengths
      MDC (§5.14)             SHA-1 over everything before it, prefix included

Partial body lengths let a packet start before its length is known (RFC 4880 §4.2.2.4 / RFC 9580
§4.2.1.4): each piece but the last is a power of two (here ``chunk`` octets, at least 512), the last
one carries an ordinary length, possibly zero. A packet whose whole body fits in one piece gets an
ordinary length.

Session key encryption stays with pgpy (RSA, ECDH on the curves it knows); the bulk runs through
``cryptography``'s AES. Pure: no files, no network; the caller gives a ``write`` callable.
"""

from __future__ import annotations

import hashlib
import os
import warnings
import zlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cvd_reporter.core.pgp.packets import new_header

CHUNK = 1 << 16  # partial body piece: 64 KiB (RFC 4880 allows 2**0 .. 2**30; the first must be >= 512)
AES256 = 9  # RFC 4880 §9.2
# RFC 4880 §9.3 compression algorithm ids.
UNCOMPRESSED, ZIP, ZLIB, BZIP2 = 0, 1, 2, 3
COMPRESSION_NAMES = {UNCOMPRESSED: "none", ZIP: "zip", ZLIB: "zlib", BZIP2: "bzip2"}
LEVEL = 6  # zlib's default, what gpg uses by default
# Base64 of incompressible evidence (photos, videos, captures) gains nothing from LZ77 matching,
# only from Huffman coding (6 bits of 8 per character); Huffman-only deflate gets the same 0.76
# about four times faster. Text keeps the full deflate (measured: a log shrinks to 0.3 % with it,
# to 61 % without).
HUFFMAN_ONLY = zlib.Z_HUFFMAN_ONLY
DEFAULT_STRATEGY = zlib.Z_DEFAULT_STRATEGY

Write = Callable[[bytes], object]


class PartialPacket:
    """One packet with a new-format header and partial body lengths, written as data comes.

    Holds at most ``chunk`` octets. ``close()`` writes the last piece with a definite length; when
    nothing was flushed yet the whole packet gets one ordinary header.
    """

    def __init__(self, tag: int, write: Write, *, chunk: int = CHUNK) -> None:
        if chunk < 512 or chunk & (chunk - 1) or chunk > 1 << 30:
            raise ValueError("a partial body length is a power of two from 512 to 2**30 octets")
        self._tag, self._write, self._chunk = tag, write, chunk
        self._head = bytes((0xE0 | (chunk.bit_length() - 1),))  # RFC 4880 §4.2.2.4: 224 + log2(length)
        self._buf = bytearray()
        self._started = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._buf += data
        chunk = self._chunk
        if len(self._buf) < chunk:
            return
        pieces = len(self._buf) // chunk
        if not self._started:
            self._write(bytes((0xC0 | self._tag,)))  # new-format tag octet; the lengths follow
            self._started = True
        head = self._head
        with memoryview(self._buf) as view:
            framed = b"".join([part for i in range(pieces) for part in (head, view[i * chunk:(i + 1) * chunk])])
        self._write(framed)
        del self._buf[:pieces * chunk]

    def close(self) -> None:
        rest = bytes(self._buf)
        self._buf.clear()
        if not self._started:
            self._write(new_header(self._tag, len(rest)) + rest)
            return
        self._write(new_header(0, len(rest))[1:] + rest)  # the length octets alone: the last piece


class _Deflate:
    """Compressed Data packet body: the algorithm octet, then a ZIP (raw deflate) or ZLIB stream.

    With ``threaded``, deflate and everything after it (encryption, armor, the caller's ``write``)
    run in one worker thread fed through a short queue: zlib releases the GIL while it works, so on
    a second core it overlaps with the caller making the plaintext (reading, base64). The order of
    the output is kept (one worker, first in first out); an error in the worker is raised by the
    next ``write`` or by ``close``. Memory stays bounded: at most QUEUE pieces wait.
    """

    QUEUE = 4

    def __init__(self, algorithm: int, packet: PartialPacket, level: int, strategy: int,
                 threaded: bool = False) -> None:
        self._packet = packet
        self._z = zlib.compressobj(level, zlib.DEFLATED, -15 if algorithm == ZIP else 15, 8, strategy)
        packet.write(bytes((algorithm,)))
        self._queue: Any = None
        self._error: BaseException | None = None
        if threaded:
            import queue  # noqa: PLC0415 - only when compression runs in its own thread
            import threading  # noqa: PLC0415 - as above

            self._queue = queue.Queue(self.QUEUE)
            self._worker = threading.Thread(target=self._work, name="cvd-deflate", daemon=True)
            self._worker.start()

    def _compress(self, data: bytes | bytearray | memoryview) -> None:
        out = self._z.compress(data)
        if out:
            self._packet.write(out)

    def _work(self) -> None:
        while True:
            data = self._queue.get()
            if data is None:
                return
            if self._error is None:  # after an error, drain the queue so the producer never blocks
                try:
                    self._compress(data)
                except BaseException as e:
                    self._error = e

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._queue is None:
            self._compress(data)
            return
        self._raise()
        self._queue.put(bytes(data))

    def stop(self) -> None:
        """End the worker (if any) and raise what it ran into."""
        if self._queue is not None:
            self._queue.put(None)
            self._worker.join()
            self._queue = None
            self._raise()

    def close(self) -> None:
        self.stop()
        self._packet.write(self._z.flush())
        self._packet.close()


def _cfb(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms  # noqa: PLC0415 - cryptography is heavy; only when encrypting

    try:  # cryptography >= 47 keeps CFB in the "decrepit" module; the old path warns
        from cryptography.hazmat.decrepit.ciphers.modes import CFB  # noqa: PLC0415 - where cryptography moved CFB (>= 46)
    except ImportError:  # pragma: no cover - older cryptography
        from cryptography.hazmat.primitives.ciphers.modes import CFB  # noqa: PLC0415 - older cryptography
    # RFC 4880 §5.13: full-block CFB with an all-zero IV and no resynchronisation.
    return Cipher(algorithms.AES(key), CFB(bytes(16))).encryptor()


def pkesk(target: Any, session_key: bytes) -> bytes:
    """The public-key encrypted session key packet (RFC 4880 §5.1, v3) for a pgpy key or subkey."""
    from pgpy.constants import SymmetricKeyAlgorithm  # noqa: PLC0415 - pgpy is the heaviest import here
    from pgpy.packet.packets import PKESessionKeyV3  # noqa: PLC0415 - as above

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        packet = PKESessionKeyV3()
        packet.encrypter = bytearray(bytes.fromhex(str(target.fingerprint).replace(" ", "")[-16:]))
        packet.pkalg = target.key_algorithm
        packet.encrypt_sk(target._key, SymmetricKeyAlgorithm.AES256, session_key)
        return bytes(packet)


def choose_compression(preferences: list[int] | tuple[int, ...] | None) -> int:
    """The first of the key's preferred compression algorithms we write (ZLIB, ZIP, none).

    RFC 4880 §5.2.3.9: no preference subpacket means ZIP. A list that names only algorithms we do
    not write (BZip2) gets no compression, which every implementation must read.
    """
    if preferences is None:
        return ZIP
    for algorithm in preferences:
        if algorithm in (UNCOMPRESSED, ZIP, ZLIB):
            return algorithm
    return UNCOMPRESSED


def choose_strategy(samples: list[tuple[bytes, int]]) -> int:
    """HUFFMAN_ONLY when nearly all evidence is incompressible, else zlib's default strategy.

    ``samples`` pairs the first bytes of each evidence file with the file's size; a sample that
    deflate (level 1) cannot shrink below 90 % counts its whole file as incompressible. Only worth
    it from 1 MB of evidence on, and only when at least 90 % of it is incompressible.
    """
    total = sum(size for _, size in samples)
    if total < 1_000_000:
        return DEFAULT_STRATEGY
    stuck = sum(size for head, size in samples if head and len(zlib.compress(head, 1)) > 0.9 * len(head))
    return HUFFMAN_ONLY if stuck >= 0.9 * total else DEFAULT_STRATEGY


class EncryptStream:
    """Encrypt to one recipient key as data is written; the binary OpenPGP message goes to ``write``.

    ``target`` is the pgpy key or subkey to encrypt to (the caller has checked it may be used),
    ``compression`` one of UNCOMPRESSED, ZIP, ZLIB, with zlib's ``strategy`` (see
    :func:`choose_strategy`); with ``threaded`` the compression and what follows it run in a worker
    thread (see _Deflate), so ``write`` may be called from another thread than the caller's.
    ``close()`` ends the packets and the MDC; ``abort()`` stops the worker after an error.
    """

    def __init__(self, write: Write, target: Any, *, now: datetime, compression: int = ZLIB,
                 chunk: int = CHUNK, level: int = LEVEL, strategy: int = DEFAULT_STRATEGY,
                 threaded: bool = True, session_key: bytes | None = None) -> None:
        if compression not in (UNCOMPRESSED, ZIP, ZLIB):
            raise ValueError(f"compression algorithm {compression} is not written here")
        key = session_key or os.urandom(32)
        write(pkesk(target, key))
        self._seipd = PartialPacket(18, write, chunk=chunk)
        self._seipd.write(b"\x01")  # SEIPD version 1
        self._cipher = _cfb(key)
        self._mdc = hashlib.sha1()
        self.plain_size = 0
        prefix = os.urandom(16)
        self._encrypt(prefix + prefix[-2:])
        self._deflate: _Deflate | None = None
        inner: Write = self._encrypt
        if compression != UNCOMPRESSED:
            self._deflate = _Deflate(compression, PartialPacket(8, self._encrypt, chunk=chunk), level,
                                    strategy, threaded)
            inner = self._deflate.write
        self._literal = PartialPacket(11, inner, chunk=chunk)
        # RFC 4880 §5.9: binary format 'b', an empty file name, the date (bytes stay exact).
        self._literal.write(b"b\x00" + int(now.timestamp()).to_bytes(4, "big"))
        self.closed = False

    def _encrypt(self, data: bytes | bytearray | memoryview) -> None:
        self._mdc.update(data)
        self._seipd.write(self._cipher.update(data))

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """The next piece of the plaintext."""
        if self.closed:
            raise ValueError("the encryption stream is closed")
        self.plain_size += len(data)
        self._literal.write(data)

    def abort(self) -> None:
        """Stop the worker thread without finishing the message (the caller discards the output)."""
        if self._deflate is not None:
            try:
                self._deflate.stop()
            except BaseException:
                pass
        self.closed = True

    def close(self) -> None:
        if self.closed:
            return
        self._literal.close()
        if self._deflate is not None:
            self._deflate.close()
        self._mdc.update(b"\xd3\x14")  # MDC packet header (tag 19, length 20)
        tail = b"\xd3\x14" + self._mdc.digest()
        self._seipd.write(self._cipher.update(tail) + self._cipher.finalize())
        self._seipd.close()
        self.closed = True
