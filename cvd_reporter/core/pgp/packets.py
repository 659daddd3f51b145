"""OpenPGP packets without a crypto library: headers and lengths (RFC 4880 §4.2, RFC 9580 §4.2,
old and new format, partial body lengths), signature subpackets (RFC 9580 §5.2.3.7), signature
packets v3 to v6 (what they say about themselves), key packets and the split of a key ring into
transferable public keys (RFC 4880 §11.1).

The one packet reader: keys, messages and cleartext signatures all go through it. Pure: no files,
no network, no pgpy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

TAG_SIGNATURE = 2
TAG_SECRET_KEY = 5
TAG_PUBLIC_KEY = 6
TAG_SECRET_SUBKEY = 7
TAG_MARKER = 10
TAG_LITERAL = 11
TAG_TRUST = 12
TAG_USER_ID = 13
TAG_PUBLIC_SUBKEY = 14
TAG_USER_ATTRIBUTE = 17
KEY_TAGS = (TAG_PUBLIC_KEY, TAG_SECRET_KEY)
SUBKEY_TAGS = (TAG_PUBLIC_SUBKEY, TAG_SECRET_SUBKEY)


class PacketError(ValueError):
    """The bytes are not (complete) OpenPGP packets; the message says where it went wrong."""


@dataclass(frozen=True)
class Packet:
    tag: int
    start: int  # offset of the header
    body: int  # offset of the body (of its first piece, for partial lengths)
    end: int  # offset after the body (after the last piece)
    pieces: tuple[tuple[int, int], ...] = ()  # (offset, length) of each piece, only for partial lengths

    def content(self, data: bytes) -> bytes:
        """The packet body; the pieces of a partial-length packet joined."""
        if self.pieces:
            return b"".join(data[o:o + n] for o, n in self.pieces)
        return data[self.body:self.end]


# ---------------------------------------------------------------------------- lengths
def new_length(data: bytes, pos: int) -> tuple[int, int, bool]:
    """A new-format body length at ``pos`` (RFC 9580 §4.2.1) -> (length, octets used, partial?).
    A partial length (224..254) announces one piece of 2**k octets, followed by more lengths."""
    n = len(data)
    if pos >= n:
        raise PacketError("truncated packet header")
    first = data[pos]
    if first < 192:
        return first, 1, False
    if first < 224:
        if pos + 1 >= n:
            raise PacketError("truncated packet header")
        return ((first - 192) << 8) + data[pos + 1] + 192, 2, False
    if first == 255:
        if pos + 4 >= n:
            raise PacketError("truncated packet header")
        return int.from_bytes(data[pos + 1:pos + 5], "big"), 5, False
    return 1 << (first & 0x1F), 1, True


def encode_length(length: int) -> bytes:
    """The shortest definite new-format length octets (RFC 9580 §4.2.1)."""
    if length < 192:
        return bytes((length,))
    if length < 8384:
        length -= 192
        return bytes(((length >> 8) + 192, length & 0xFF))
    return b"\xff" + length.to_bytes(4, "big")


def partial_length(power: int) -> bytes:
    """The octet announcing a partial body piece of ``2**power`` octets (0 <= power <= 30)."""
    if not 0 <= power <= 30:
        raise ValueError("a partial body length is 2**0 to 2**30 octets")
    return bytes((224 + power,))


def new_header(tag: int, length: int) -> bytes:
    """A new-format packet header with the shortest definite length (RFC 4880 §4.2.2)."""
    return bytes((0xC0 | tag,)) + encode_length(length)


def _partial_pieces(data: bytes, pos: int, first: int) -> tuple[tuple[tuple[int, int], ...], int]:
    """The pieces of a partial-length body whose first piece (``first`` octets) starts at ``pos``."""
    pieces = [(pos, first)]
    pos += first
    while True:
        if pos > len(data):
            raise PacketError("a packet runs past the end of the data (truncated)")
        length, used, partial = new_length(data, pos)
        pieces.append((pos + used, length))
        pos += used + length
        if not partial:
            return tuple(pieces), pos


def iter_packets(data: bytes, *, allow_partial: bool = False) -> Iterator[Packet]:
    """Packet boundaries (RFC 4880 §4.2, old and new headers). Partial body lengths are refused
    unless ``allow_partial`` (they are not allowed in keys and signatures, RFC 9580 §4.2.1.4); a
    packet that runs past the end raises PacketError."""
    pos, n = 0, len(data)
    while pos < n:
        start, ctb = pos, data[pos]
        pieces: tuple[tuple[int, int], ...] = ()
        if not ctb & 0x80:
            raise PacketError(f"byte {pos} is not an OpenPGP packet header")
        if ctb & 0x40:  # new format
            tag = ctb & 0x3F
            length, used, partial = new_length(data, pos + 1)
            body = pos + 1 + used
            if partial:
                if not allow_partial:
                    raise PacketError("partial body lengths are not allowed here")
                pieces, end = _partial_pieces(data, body, length)
            else:
                end = body + length
        else:  # old format
            tag, ltype = (ctb >> 2) & 0x0F, ctb & 3
            if ltype == 3:  # indeterminate: to the end of the data
                body, end = pos + 1, n
            else:
                size = (1, 2, 4)[ltype]
                if pos + size >= n:
                    raise PacketError("truncated packet header")
                body = pos + 1 + size
                end = body + int.from_bytes(data[pos + 1:body], "big")
        if end > n or any(o + k > n for o, k in pieces):
            raise PacketError("a packet runs past the end of the data (truncated)")
        yield Packet(tag, start, body, end, pieces)
        pos = end


def iter_subpackets(area: bytes) -> Iterator[tuple[int, bytes]]:
    """(type without the critical bit, body) of each signature subpacket (RFC 9580 §5.2.3.7)."""
    pos, n = 0, len(area)
    while pos < n:
        first = area[pos]
        if first < 192:
            length, pos = first, pos + 1
        elif first < 255:
            if pos + 1 >= n:
                raise PacketError("truncated signature subpacket")
            length, pos = ((first - 192) << 8) + area[pos + 1] + 192, pos + 2
        else:
            length, pos = int.from_bytes(area[pos + 1:pos + 5], "big"), pos + 5
        if length < 1 or pos + length > n:
            raise PacketError("a signature subpacket runs past its area")
        yield area[pos] & 0x7F, area[pos + 1:pos + length]
        pos += length


# ---------------------------------------------------------------------------- keys
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
        # RFC 4880 §12.2: SHA-1 over 0x99, a two-octet length and the public key packet body.
        # A secret key packet would need its public part cut out first; pgpy does that for the
        # (rare) secret keys we load, so the fingerprint is left empty here.
        fpr = ""
        if packet.tag in (TAG_PUBLIC_KEY, TAG_PUBLIC_SUBKEY):
            fpr = hashlib.sha1(key_hash_prefix_for(body)).hexdigest().upper()
        return KeyPacketInfo(version, created, body[5], fpr)
    if version in (2, 3):
        return KeyPacketInfo(version, created, body[7] if len(body) > 7 else 0, "")
    return KeyPacketInfo(version, created, body[5] if len(body) > 5 else 0, "")


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


def uid_hash_prefix(tag: int, body: bytes) -> bytes:
    """RFC 4880 §5.2.4: 0xB4 (User ID) or 0xD1 (attribute), a four-octet length, the body."""
    return (b"\xb4" if tag == TAG_USER_ID else b"\xd1") + len(body).to_bytes(4, "big") + body


def key_hash_prefix_for(body: bytes) -> bytes:
    """RFC 4880 §5.2.4 / §12.2: 0x99, a two-octet length, the public key packet body."""
    return b"\x99" + len(body).to_bytes(2, "big") + body


# ---------------------------------------------------------------------------- signatures
@dataclass(frozen=True)
class SigInfo:
    """What one signature packet (RFC 9580 §5.2) says about itself, read from the original bytes.
    pgpy re-serialises subpackets it does not know (e.g. gpg 2.4's AEAD preferences) differently,
    so hashing its copy fails to verify real keys; we hash the bytes as they came."""

    raw: bytes  # the whole packet, header included
    version: int
    type: int
    pk_algorithm: int
    hash_algorithm: int
    hashed: bytes  # the hashed part of the body (v4+: version..hashed subpackets; v3: type+time)
    created: int  # from the hashed area (v4+) or the v3 field; 0 when absent
    sig_expires: int | None = None  # seconds after creation
    key_expires: int | None = None  # seconds after the key's creation
    key_flags: int | None = None
    primary_uid: bool = False
    issuer_keyid: str = ""
    issuer_fpr: str = ""
    revocation_reason: str = ""
    has_created: bool = False  # a creation time was given (v3 always)
    mpis: bytes = b""  # the signature material after the two hash octets (RFC 9580 §5.2.3)

    def trailer(self) -> bytes:
        """What follows the subject in the hash input (RFC 4880 §5.2.4)."""
        if self.version == 4:
            return self.hashed + b"\x04\xff" + len(self.hashed).to_bytes(4, "big")
        return self.hashed


_HASHED_FIELDS = {2: "created", 3: "sig_expires", 9: "key_expires", 27: "key_flags", 25: "primary_uid",
                  29: "revocation_reason"}


def _hashed_field(kind: int, value: bytes) -> tuple[str, Any] | None:
    if kind in (2, 3, 9) and len(value) == 4:
        number = int.from_bytes(value, "big")
        return _HASHED_FIELDS[kind], (number or None) if kind == 3 else number
    if kind == 27:
        return "key_flags", value[0] if value else 0
    if kind == 25:
        return "primary_uid", bool(value and value[0])
    if kind == 29 and value:
        return "revocation_reason", value[1:].decode("utf-8", "replace")
    return None


def _signature_v3(raw: bytes, body: bytes) -> SigInfo:
    """RFC 4880 §5.2.2: five hashed octets (type, creation time), key id, algorithms, MPIs."""
    if len(body) < 19 or body[1] != 5:
        raise PacketError("a v3 signature packet is malformed")
    return SigInfo(raw, 3, body[2], body[15], body[16], body[2:7], int.from_bytes(body[3:7], "big"),
                   issuer_keyid=body[7:15].hex().upper(), has_created=True, mpis=body[19:])


def parse_signature(data: bytes, packet: Packet) -> SigInfo:
    """The fields of a v3, v4, v5 or v6 signature packet. Creation time, expiry, flags come from
    the hashed area only (RFC 9580 §5.2.3.11: an unhashed one proves nothing); the issuer may sit
    in either. Unknown versions give a SigInfo with type -1."""
    body = data[packet.body:packet.end]
    raw = data[packet.start:packet.end]
    if len(body) < 6:
        raise PacketError("a signature packet is too short")
    version = body[0]
    if version == 3:
        return _signature_v3(raw, body)
    if version not in (4, 5, 6):
        return SigInfo(raw, version, -1, 0, 0, b"", 0)
    size = 4 if version == 6 else 2  # RFC 9580 §5.2.3: v6 areas have four-octet lengths
    hlen = int.from_bytes(body[4:4 + size], "big")
    if 4 + size + hlen + size > len(body):
        raise PacketError("a signature packet is truncated")
    hashed = body[:4 + size + hlen]
    ulen = int.from_bytes(body[4 + size + hlen:4 + 2 * size + hlen], "big")
    after = 4 + 2 * size + hlen + ulen
    if after > len(body):
        raise PacketError("a signature packet is truncated")
    unhashed = body[4 + 2 * size + hlen:after]
    fields: dict[str, Any] = {"created": 0}
    for area, trusted in ((hashed[4 + size:], True), (unhashed, False)):
        for kind, value in iter_subpackets(area):
            if kind == 16 and len(value) == 8:  # issuer key id (may sit unhashed)
                fields.setdefault("issuer_keyid", value.hex().upper())
            elif kind == 33 and len(value) in (21, 33):  # issuer fingerprint: version octet + fingerprint
                fields.setdefault("issuer_fpr", value[1:].hex().upper())
            elif trusted and (found := _hashed_field(kind, value)) is not None:
                fields[found[0]] = found[1]
                fields["has_created"] = fields.get("has_created", False) or kind == 2
    return SigInfo(raw, version, body[1], body[2], body[3], hashed, mpis=body[after + 2:], **fields)


@dataclass
class KeyStructure:
    """A transferable key as packets: the primary, its direct signatures, User IDs and subkeys."""

    primary_body: bytes
    direct: list[SigInfo]
    uids: list[tuple[int, bytes, list[SigInfo]]]  # (tag 13 or 17, body, signatures)
    subkeys: list[tuple[bytes, list[SigInfo]]]  # (subkey body, signatures)

    def key_hash_prefix(self, body: bytes | None = None) -> bytes:
        return key_hash_prefix_for(self.primary_body if body is None else body)


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
