"""ASCII armor written as it goes (RFC 4880 §6.2, RFC 9580 §6.2): base64 in 64-column lines and the
CRC-24 checksum line, computed incrementally, for messages that never sit in memory whole.

The CRC line is always written: gpg 2.2 refuses armor without it whenever the base64 has no "="
padding (measured; OpenPGP.js keeps it on non-v6 output for the same reason).

Pure: the caller gives a ``write`` callable (a file, a socket, a hash); nothing here does I/O.
"""

from __future__ import annotations

import binascii
from typing import Callable

from cvd_reporter.core.armor import Crc24

LINE_BYTES = 48  # 64 base64 characters per line, as gpg writes
# Input is gathered into pieces of about 768 KiB (a multiple of 48) before the CRC and base64 run:
# the CRC fold costs per call, not per byte, so small writes are batched.
PIECE = LINE_BYTES * 16384


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
