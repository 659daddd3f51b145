"""ASCII armor written as it goes (RFC 4880 §6.2, RFC 9580 §6.2): base64 in 64-column lines and the
CRC-24 checksum line, computed incrementally, for messages that never sit in memory whole.

The CRC line is always written: gpg 2.2 refuses armor without it whenever the base64 has no "="
padding (measured; OpenPGP.js keeps it on non-v6 output for the same reason).

Pure: the caller gives a ``write`` callable (a file, a socket, a hash); nothing here does I/O.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable
from functools import lru_cache

LINE_BYTES = 48  # 64 base64 characters per line, as gpg writes
# Input is gathered into pieces of about 768 KiB (a multiple of 48) before the CRC and base64 run:
# the CRC fold costs per call, not per byte, so small writes are batched.
PIECE = LINE_BYTES * 16384


CRC24_INIT = 0xB704CE
CRC24_POLY = 0x1864CFB  # RFC 4880 §6.1: x^24 + x^23 + x^18 + x^17 + x^14 + x^11 + x^10 + x^7 + ... + x + 1


def _clmul(a: int, c: int) -> int:
    """a * c over GF(2) for a small ``c``: one shift and XOR of ``a`` per set bit of ``c``."""
    out, i = 0, 0
    while c:
        if c & 1:
            out ^= a << i
        c >>= 1
        i += 1
    return out


def _mod(r: int) -> int:
    """r modulo CRC24_POLY over GF(2), for an ``r`` of any size.

    Halving: with ``r = h * x**m + l``, ``r == h * (x**m mod P) + l``; the product with a 24-bit
    constant is at most 24 big-integer shifts and XORs (C speed), so a megabyte-long polynomial
    takes about twenty rounds instead of a byte-by-byte Python loop. The last 64 bits go bit by bit.
    """
    n = r.bit_length()
    while n > 64:
        m = n // 2
        r = _clmul(r >> m, _xpow(m)) ^ (r & ((1 << m) - 1))
        n = r.bit_length()
    for i in range(n - 1, 23, -1):
        if r >> i & 1:
            r ^= CRC24_POLY << (i - 24)
    return r


@lru_cache(maxsize=256)
def _xpow(e: int) -> int:
    """x**e modulo CRC24_POLY (square and multiply on 24-bit values)."""
    result, base = 1, 2
    while e:
        if e & 1:
            result = _mod_small(_clmul(result, base))
        base = _mod_small(_clmul(base, base))
        e >>= 1
    return result


def _mod_small(r: int) -> int:
    for i in range(r.bit_length() - 1, 23, -1):
        if r >> i & 1:
            r ^= CRC24_POLY << (i - 24)
    return r


# x has order T = 2**23 - 1 modulo CRC24_POLY (the polynomial is (x + 1) times a primitive one of
# degree 23), so x**T == 1: pieces fold into a T-bit accumulator modulo x**T - 1 with rotations.
_T = (1 << 23) - 1
_MASK = (1 << _T) - 1


class Crc24:
    """The CRC-24 of RFC 4880 §6.1, updated piece by piece.

    After ``n`` octets the register is ``(INIT * x**(8n) + M(x) * x**24) mod P``. ``M(x)`` is kept
    modulo ``x**T - 1`` (a rotation per piece, C speed) and reduced modulo P once, in
    :meth:`digest`, by :func:`_mod`: no Python loop over the bytes anywhere.
    """

    def __init__(self) -> None:
        self._acc = 0
        self._n = 0

    def update(self, data: bytes | bytearray | memoryview) -> None:
        k = len(data)
        if not k:
            return
        piece = int.from_bytes(data, "big")
        while piece.bit_length() > _T:
            piece = (piece & _MASK) ^ (piece >> _T)
        r = (8 * k) % _T
        acc = self._acc
        if acc and r:
            acc = ((acc << r) | (acc >> (_T - r))) & _MASK
        self._acc = acc ^ piece
        self._n += k

    def digest(self) -> int:
        return _mod(self._acc << 24) ^ _mod_small(_clmul(CRC24_INIT, _xpow(8 * self._n)))


class ArmorStream:
    """Write binary OpenPGP data, get armor out through ``write`` as it is produced.

    ``eol`` is the line end: ``b"\\r\\n"`` for a MIME part on the wire, ``b"\\n"`` for a file,
    ``b"\\\\n"`` for a JSON string (the armor is ASCII, so that is all the escaping JSON needs).
    """

    def __init__(self, write: Callable[[bytes], object], kind: str = "MESSAGE", *, eol: bytes = b"\n") -> None:
        self._write = write
        self._eol = eol
        self.kind = kind
        self._buf = bytearray()
        self._crc = Crc24()
        self.size = 0  # binary bytes armored so far
        self.closed = False
        write(f"-----BEGIN PGP {kind}-----".encode("ascii") + eol + eol)  # no armor headers

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self.closed:
            raise ValueError("the armor is closed")
        self._buf += data
        if len(self._buf) >= PIECE:
            usable = len(self._buf) // LINE_BYTES * LINE_BYTES
            self._emit(bytes(self._buf[:usable]))
            del self._buf[:usable]

    def _emit(self, data: bytes) -> None:
        if not data:
            return
        self._crc.update(data)
        self.size += len(data)
        b64 = binascii.b2a_base64(data, newline=False)
        eol = self._eol
        self._write(eol.join([b64[i:i + 64] for i in range(0, len(b64), 64)]) + eol)

    def close(self) -> None:
        """Write the rest, the CRC line and the END line (without a line end after it)."""
        if self.closed:
            return
        self._emit(bytes(self._buf))
        self._buf.clear()
        crc = self._crc.digest().to_bytes(3, "big")
        self._write(b"=" + binascii.b2a_base64(crc, newline=False) + self._eol
                    + f"-----END PGP {self.kind}-----".encode("ascii"))
        self.closed = True
