"""OpenPGP framing without a crypto library: ASCII armor with CRC24 (RFC 4880 §6), packet headers
(RFC 4880 §4.2) and the split of a key ring into transferable public keys (RFC 4880 §11.1).

Why our own: pgpy's armor computes CRC24 bit by bit in Python (88-93 % of its time for a 20 MB
message, see shared/notes/openpgp.md §3), cannot read armor without the CRC line, and gpg 2.2
rejects some armor *without* the CRC line, so we always write one.

Pure: no files, no network, no pgpy.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# ---------------------------------------------------------------------------- CRC24
CRC24_INIT = 0xB704CE
CRC24_POLY = 0x1864CFB
# The multiplicative order of x modulo CRC24_POLY is 2**23 - 1 (computed: the polynomial is
# (x + 1) times a primitive polynomial of degree 23). So x**T == 1 (mod P): the message
# polynomial can be folded modulo x**T - 1 with big-integer XORs and rotations (C speed), and only
# the folded remainder (at most T bits, 1 MiB) goes through the byte-wise table.
_T = (1 << 23) - 1


def _make_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= CRC24_POLY
        table.append(crc & 0xFFFFFF)
    return table


_TABLE = _make_table()


def _table_crc(data: bytes, crc: int) -> int:
    table = _TABLE
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFF) ^ table[((crc >> 16) ^ byte) & 0xFF]
    return crc


def _mulmod(a: int, b: int) -> int:
    """a * b modulo CRC24_POLY in GF(2)[x] (both below x**24)."""
    result = 0
    while b:
        if b & 1:
            result ^= a
        b >>= 1
        a <<= 1
        if a & 0x1000000:
            a ^= CRC24_POLY
    return result


def _xpow(e: int) -> int:
    """x**e modulo CRC24_POLY."""
    result, base = 1, 2
    while e:
        if e & 1:
            result = _mulmod(result, base)
        base = _mulmod(base, base)
        e >>= 1
    return result


@functools.cache
def _mask() -> int:
    return (1 << _T) - 1  # built once, on first use


class Crc24:
    """Incremental CRC24 of RFC 4880 §6.1, fast for large inputs.

    The register after ``n`` bytes is ``INIT * x**(8n) + M(x) * x**24 (mod P)``. We keep
    ``M(x) mod (x**T - 1)`` (multiplying by ``x**k`` there is a rotation of a T-bit integer) and
    reduce that modulo P once, at the end.
    """

    def __init__(self) -> None:
        self._acc = 0
        self._n = 0

    def update(self, data: bytes | bytearray | memoryview) -> None:
        m = len(data)
        if not m:
            return
        piece = int.from_bytes(data, "big")
        mask = _mask()
        while piece.bit_length() > _T:
            piece = (piece & mask) ^ (piece >> _T)
        r = (8 * m) % _T
        acc = self._acc
        if acc:
            acc = ((acc << r) | (acc >> (_T - r))) & mask if r else acc
        self._acc = acc ^ piece
        self._n += m

    def digest(self) -> int:
        acc = self._acc
        tail = acc.to_bytes((acc.bit_length() + 7) // 8, "big")
        return _table_crc(tail, 0) ^ _mulmod(CRC24_INIT, _xpow(8 * self._n))


def crc24(data: bytes | bytearray | memoryview) -> int:
    """CRC24 of RFC 4880 §6.1 (the armor checksum)."""
    if len(data) < 4096:  # the plain table is faster than setting up the fold
        return _table_crc(bytes(data), CRC24_INIT)
    c = Crc24()
    view = memoryview(data)
    for i in range(0, len(view), 1 << 20):  # 1 MiB pieces fold faster than one huge integer
        c.update(view[i:i + (1 << 20)])
    return c.digest()


# ---------------------------------------------------------------------------- armor writing
LINE_BYTES = 48  # 64 base64 characters per line, as gpg writes
_CHUNK = LINE_BYTES * 21846  # about 1 MiB of binary per base64 call


def _b64_lines(data: bytes | memoryview) -> bytes:
    """Base64 of ``data`` (a multiple of 48 bytes unless it is the last piece) in 64-column lines."""
    b64 = binascii.b2a_base64(data, newline=False)
    return b"\n".join([b64[i:i + 64] for i in range(0, len(b64), 64)]) + b"\n"


class ArmorWriter:
    """Streaming ASCII armor: write binary pieces, get the armored bytes (LF line ends) at the end.

    Output grows in one BytesIO, whose getvalue() hands over its buffer without a copy, so the
    peak is about 1.4x the binary size instead of 3x.
    """

    def __init__(self, kind: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.kind = kind
        self._out = io.BytesIO()
        self._out.write(f"-----BEGIN PGP {kind}-----\n".encode("ascii"))
        for key, value in headers:
            self._out.write(f"{key}: {value}\n".encode())
        self._out.write(b"\n")  # RFC 4880 §6.2: a blank line ends the armor headers
        self._pending = b""
        self._crc = Crc24()
        self._size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not len(data):
            return
        self._crc.update(data)
        self._size += len(data)
        view = memoryview(data)
        start = 0
        if self._pending:
            need = LINE_BYTES - len(self._pending)
            self._pending += bytes(view[:need])
            start = need
            if len(self._pending) < LINE_BYTES:
                return
            self._out.write(_b64_lines(self._pending))
            self._pending = b""
        usable = (len(view) - start) // LINE_BYTES * LINE_BYTES
        pos = start
        while pos < start + usable:
            end = min(pos + _CHUNK, start + usable)
            self._out.write(_b64_lines(view[pos:end]))
            pos = end
        self._pending = bytes(view[start + usable:])

    def finish(self) -> bytes:
        if self._pending:
            self._out.write(_b64_lines(self._pending))
            self._pending = b""
        crc = self._crc.digest().to_bytes(3, "big")
        self._out.write(b"=" + binascii.b2a_base64(crc, newline=False) + b"\n")
        self._out.write(f"-----END PGP {self.kind}-----\n".encode("ascii"))
        return self._out.getvalue()


def armor(kind: str, data: bytes, headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    """``data`` as an armor block of ``kind`` ("MESSAGE", "PUBLIC KEY BLOCK", "SIGNATURE")."""
    writer = ArmorWriter(kind, headers)
    writer.write(data)
    return writer.finish()


# ---------------------------------------------------------------------------- armor reading
class ArmorError(ValueError):
    """The text holds an armor block that does not decode; ``code`` says how."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


_BEGIN = re.compile(rb"^-----BEGIN PGP ([A-Z0-9 ,/]+)-----[ \t]*\r?$", re.M)
_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*: ?.*$")
_B64_LINE = re.compile(rb"^[A-Za-z0-9+/]+=?=?$")
_CRC_LINE = re.compile(rb"^=([A-Za-z0-9+/]{4})$")


@dataclass(frozen=True)
class ArmorBlock:
    kind: str
    data: bytes
    had_crc: bool
    headers: tuple[tuple[str, str], ...]


def dearmor(text: bytes) -> list[ArmorBlock]:
    """Every armor block in ``text`` (text around the blocks is ignored, as gpg does).

    Tolerates CRLF, trailing blanks, any line width, a missing CRC line and a missing blank line
    after the headers. A CRC line that does not match, base64 that does not decode or an END line
    that never comes raises ArmorError.
    """
    blocks: list[ArmorBlock] = []
    for match in _BEGIN.finditer(text):
        kind = match.group(1).decode("ascii")
        end_marker = b"-----END PGP " + match.group(1) + b"-----"
        stop = text.find(end_marker, match.end())
        if stop < 0:
            raise ArmorError(f"The armored {kind.lower()} has no END line; the file is truncated.", "truncated")
        lines = [ln.strip() for ln in text[match.end():stop].splitlines()]
        while lines and not lines[0]:
            lines.pop(0)
        headers: list[tuple[str, str]] = []
        # Armor headers run up to the first blank line; a line that looks like base64 instead
        # means the writer left out the blank line (seen in the wild), so data starts there.
        while lines and lines[0] and _HEADER.match(lines[0]) and not _B64_LINE.match(lines[0]):
            key, _, value = lines.pop(0).decode("utf-8", "replace").partition(":")
            headers.append((key.strip(), value.strip()))
        body = [ln for ln in lines if ln]
        checksum = None
        if body and _CRC_LINE.match(body[-1]):
            checksum = body.pop()[1:]
        for line in body:
            if not _B64_LINE.match(line):
                raise ArmorError(f"The armored {kind.lower()} contains text that is not base64 "
                                 "(a placeholder or a damaged copy?).", "bad_base64")
        joined = b"".join(body)
        if len(joined) % 4 or b"=" in joined.rstrip(b"="):  # padding only at the very end
            raise ArmorError(f"The armored {kind.lower()} does not decode as base64 "
                             "(a placeholder or a truncated copy?).", "bad_base64")
        try:
            try:
                data = binascii.a2b_base64(joined, strict_mode=True)
            except TypeError:  # Python 3.10 has no strict_mode; the line check above did its job
                data = binascii.a2b_base64(joined)
        except binascii.Error:
            raise ArmorError(f"The armored {kind.lower()} does not decode as base64 "
                             "(a placeholder or a truncated copy?).", "bad_base64") from None
        if checksum is not None:
            expected = int.from_bytes(binascii.a2b_base64(checksum), "big")
            if crc24(data) != expected:
                raise ArmorError(f"The armored {kind.lower()} fails its CRC24 checksum; the copy is damaged.",
                                 "bad_crc")
        blocks.append(ArmorBlock(kind, data, checksum is not None, tuple(headers)))
    return blocks


# ---------------------------------------------------------------------------- packets
class PacketError(ValueError):
    pass


@dataclass(frozen=True)
class Packet:
    tag: int
    start: int  # offset of the header
    body: int  # offset of the body
    end: int  # offset after the body


def iter_packets(data: bytes) -> Iterator[Packet]:
    """Packet boundaries (RFC 4880 §4.2, old and new headers). Partial lengths are not allowed in
    keys; a packet that runs past the end raises PacketError."""
    pos, n = 0, len(data)
    while pos < n:
        start = pos
        ctb = data[pos]
        if not ctb & 0x80:
            raise PacketError(f"byte {pos} is not an OpenPGP packet header")
        if ctb & 0x40:  # new format
            tag = ctb & 0x3F
            if pos + 1 >= n:
                raise PacketError("truncated packet header")
            first = data[pos + 1]
            if first < 192:
                length, hlen = first, 2
            elif first < 224:
                if pos + 2 >= n:
                    raise PacketError("truncated packet header")
                length, hlen = ((first - 192) << 8) + data[pos + 2] + 192, 3
            elif first == 255:
                if pos + 5 >= n:
                    raise PacketError("truncated packet header")
                length, hlen = int.from_bytes(data[pos + 2:pos + 6], "big"), 6
            else:
                raise PacketError("partial body lengths are not allowed here")
        else:  # old format
            tag = (ctb >> 2) & 0x0F
            ltype = ctb & 3
            if ltype == 3:
                length, hlen = n - pos - 1, 1
            else:
                size = (1, 2, 4)[ltype]
                if pos + size >= n:
                    raise PacketError("truncated packet header")
                length, hlen = int.from_bytes(data[pos + 1:pos + 1 + size], "big"), 1 + size
        body = pos + hlen
        end = body + length
        if end > n:
            raise PacketError("a packet runs past the end of the data (truncated)")
        yield Packet(tag, start, body, end)
        pos = end


def new_header(tag: int, length: int) -> bytes:
    """A new-format packet header with the shortest definite length (RFC 4880 §4.2.2)."""
    if length < 192:
        return bytes((0xC0 | tag, length))
    if length < 8384:
        length -= 192
        return bytes((0xC0 | tag, (length >> 8) + 192, length & 0xFF))
    return bytes((0xC0 | tag, 0xFF)) + length.to_bytes(4, "big")


TAG_SIGNATURE = 2
TAG_SECRET_KEY = 5
TAG_PUBLIC_KEY = 6
TAG_SECRET_SUBKEY = 7
TAG_MARKER = 10
TAG_TRUST = 12
TAG_USER_ID = 13
TAG_PUBLIC_SUBKEY = 14
TAG_USER_ATTRIBUTE = 17
KEY_TAGS = (TAG_PUBLIC_KEY, TAG_SECRET_KEY)
SUBKEY_TAGS = (TAG_PUBLIC_SUBKEY, TAG_SECRET_SUBKEY)


@dataclass(frozen=True)
class KeyPacketInfo:
    version: int
    created: int  # seconds since the epoch
    algorithm: int
    fingerprint: str  # uppercase hex; v4 only (empty for other versions)


def key_packet_info(data: bytes, packet: Packet) -> KeyPacketInfo:
    """Version, creation time, algorithm and (v4) fingerprint of a key or subkey packet."""
    body = data[packet.body:packet.end]
    if len(body) < 6:
        raise PacketError("a key packet is too short")
    version = body[0]
    created = int.from_bytes(body[1:5], "big")
    if version == 4:
        algorithm = body[5]
        # RFC 4880 §12.2: SHA-1 over 0x99, a two-octet length and the public key packet body.
        # A secret key packet would need its public part cut out first; pgpy does that for the
        # (rare) secret keys we load, so the fingerprint is left empty here.
        fpr = ""
        if packet.tag in (TAG_PUBLIC_KEY, TAG_PUBLIC_SUBKEY):
            fpr = hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest().upper()
        return KeyPacketInfo(version, created, algorithm, fpr)
    if version in (2, 3):
        return KeyPacketInfo(version, created, body[7] if len(body) > 7 else 0, "")
    algorithm = body[5] if len(body) > 5 else 0
    return KeyPacketInfo(version, created, algorithm, "")


def split_keyring(data: bytes) -> list[list[Packet]]:
    """Binary key data -> one packet list per transferable key (each starts with a key packet).

    Marker and trust packets are dropped; anything before the first key packet is an error.
    """
    keys: list[list[Packet]] = []
    for packet in iter_packets(data):
        if packet.tag in (TAG_MARKER, TAG_TRUST):
            continue
        if packet.tag in KEY_TAGS:
            keys.append([packet])
        elif not keys:
            raise PacketError("the data does not start with a key packet")
        else:
            keys[-1].append(packet)
    return keys


# ---------------------------------------------------------------------------- signatures
@dataclass(frozen=True)
class SigInfo:
    """What the key checks need from one signature packet (RFC 4880 §5.2), read from the original
    bytes. pgpy re-serialises subpackets it does not know (e.g. gpg 2.4's AEAD preferences)
    differently, so hashing its copy fails to verify real keys; we hash the bytes as they came."""

    raw: bytes  # the whole packet, header included (pgpy reads the MPIs from it)
    version: int
    type: int
    pk_algorithm: int
    hash_algorithm: int
    hashed: bytes  # the hashed part of the body (v4: version..hashed subpackets; v3: type+time)
    created: int
    sig_expires: int | None = None  # seconds after creation
    key_expires: int | None = None  # seconds after the key's creation
    key_flags: int | None = None
    primary_uid: bool = False
    issuer_keyid: str = ""
    issuer_fpr: str = ""
    revocation_reason: str = ""

    def trailer(self) -> bytes:
        """What follows the subject in the hash input (RFC 4880 §5.2.4)."""
        if self.version == 4:
            return self.hashed + b"\x04\xff" + len(self.hashed).to_bytes(4, "big")
        return self.hashed


def _subpackets(data: bytes) -> Iterator[tuple[int, bytes]]:
    pos, n = 0, len(data)
    while pos < n:
        first = data[pos]
        if first < 192:
            length, pos = first, pos + 1
        elif first < 255:
            if pos + 1 >= n:
                raise PacketError("truncated signature subpacket")
            length, pos = ((first - 192) << 8) + data[pos + 1] + 192, pos + 2
        else:
            length, pos = int.from_bytes(data[pos + 1:pos + 5], "big"), pos + 5
        if length < 1 or pos + length > n:
            raise PacketError("a signature subpacket runs past its area")
        yield data[pos] & 0x7F, data[pos + 1:pos + length]
        pos += length


def parse_signature(data: bytes, packet: Packet) -> SigInfo:
    body = data[packet.body:packet.end]
    raw = data[packet.start:packet.end]
    if len(body) < 6:
        raise PacketError("a signature packet is too short")
    version = body[0]
    if version == 3:  # RFC 4880 §5.2.2: five hashed octets (type, creation time)
        if len(body) < 19 or body[1] != 5:
            raise PacketError("a v3 signature packet is malformed")
        return SigInfo(raw, 3, body[2], body[15], body[16], body[2:7], int.from_bytes(body[3:7], "big"),
                       issuer_keyid=body[7:15].hex().upper())
    if version != 4:
        return SigInfo(raw, version, -1, 0, 0, b"", 0)
    hlen = int.from_bytes(body[4:6], "big")
    if 6 + hlen + 2 > len(body):
        raise PacketError("a signature packet is truncated")
    hashed = body[:6 + hlen]
    ulen = int.from_bytes(body[6 + hlen:8 + hlen], "big")
    unhashed = body[8 + hlen:8 + hlen + ulen]
    fields: dict[str, Any] = {"created": 0}
    for area, trusted in ((hashed[6:], True), (unhashed, False)):
        for kind, value in _subpackets(area):
            if kind == 16 and len(value) == 8:  # issuer key id (may sit unhashed)
                fields.setdefault("issuer_keyid", value.hex().upper())
            elif kind == 33 and len(value) >= 21:  # issuer fingerprint: version octet + fingerprint
                fields.setdefault("issuer_fpr", value[1:].hex().upper())
            if not trusted:
                continue
            if kind == 2 and len(value) == 4:
                fields["created"] = int.from_bytes(value, "big")
            elif kind == 3 and len(value) == 4:
                fields["sig_expires"] = int.from_bytes(value, "big") or None
            elif kind == 9 and len(value) == 4:
                fields["key_expires"] = int.from_bytes(value, "big")
            elif kind == 27:
                fields["key_flags"] = value[0] if value else 0
            elif kind == 25:
                fields["primary_uid"] = bool(value and value[0])
            elif kind == 29 and value:
                fields["revocation_reason"] = value[1:].decode("utf-8", "replace")
    return SigInfo(raw, 4, body[1], body[2], body[3], hashed, **fields)


@dataclass
class KeyStructure:
    """A transferable key as packets: the primary, its direct signatures, User IDs and subkeys."""

    primary_body: bytes
    direct: list[SigInfo]
    uids: list[tuple[int, bytes, list[SigInfo]]]  # (tag 13 or 17, body, signatures)
    subkeys: list[tuple[bytes, list[SigInfo]]]  # (subkey body, signatures)

    def key_hash_prefix(self, body: bytes | None = None) -> bytes:
        body = self.primary_body if body is None else body
        return b"\x99" + len(body).to_bytes(2, "big") + body


def key_structure(data: bytes, packets: list[Packet]) -> KeyStructure:
    ks = KeyStructure(data[packets[0].body:packets[0].end], [], [], [])
    current: list[SigInfo] = ks.direct
    for packet in packets[1:]:
        body = data[packet.body:packet.end]
        if packet.tag == TAG_SIGNATURE:
            current.append(parse_signature(data, packet))
        elif packet.tag in (TAG_USER_ID, TAG_USER_ATTRIBUTE):
            ks.uids.append((packet.tag, body, []))
            current = ks.uids[-1][2]
        elif packet.tag in SUBKEY_TAGS:
            ks.subkeys.append((body, []))
            current = ks.subkeys[-1][1]
    return ks


def uid_hash_prefix(tag: int, body: bytes) -> bytes:
    """RFC 4880 §5.2.4: 0xB4 (User ID) or 0xD1 (attribute), a four-octet length, the body."""
    return (b"\xb4" if tag == TAG_USER_ID else b"\xd1") + len(body).to_bytes(4, "big") + body


def key_hash_prefix_for(body: bytes) -> bytes:
    """RFC 4880 §5.2.4 / §12.2: 0x99, a two-octet length, the public key packet body."""
    return b"\x99" + len(body).to_bytes(2, "big") + body
