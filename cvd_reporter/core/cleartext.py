"""OpenPGP cleartext signatures (RFC 4880 §7, RFC 9580 §7) as security.txt uses them (RFC 9116 §2.3).

Pure and linear in the input: the structure of a signed file, the ASCII armor of its signature
(base64 + CRC-24, RFC 4880 §6), and the fields of the signature packet (who signed, when, with
which hash). No cryptography here: :func:`cvd_reporter.core.securitytxt.verify_signature` does
that with pgpy on the canonical text built by :func:`canonical_text`.

sectxt re-parses the whole file with PGPy for every ``BEGIN PGP SIGNED MESSAGE`` line, so 400 such
lines take it about a minute; here each line is looked at once.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

BEGIN_SIGNED = "-----BEGIN PGP SIGNED MESSAGE-----"
BEGIN_SIGNATURE = "-----BEGIN PGP SIGNATURE-----"
END_SIGNATURE = "-----END PGP SIGNATURE-----"

# RFC 4880 §9.4 / RFC 9580 §9.5
HASH_NAMES = {1: "MD5", 2: "SHA1", 3: "RIPEMD160", 8: "SHA256", 9: "SHA384", 10: "SHA512", 11: "SHA224",
              12: "SHA3-256", 14: "SHA3-512"}
_ARMOR_HEADER = re.compile(r"[A-Za-z][A-Za-z0-9-]*: .*")
_BAD_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")
_CRC_LINE = re.compile(r"=[A-Za-z0-9+/]{4}")


class ArmorError(Exception):
    """The signature block is malformed. ``code`` is sectxt's: ``pgp_data_error`` for the armor
    structure (missing lines, no data), ``pgp_error`` for what is inside (base64, CRC, packets)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class SignatureInfo:
    """What a signature packet says about itself (nothing here is verified)."""

    version: int
    sig_type: int
    pubkey_algorithm: int
    hash_algorithm: str
    created: datetime | None
    key_id: str | None  # 16 upper-case hex digits (issuer subpacket or v3 field)
    fingerprint: str | None  # issuer fingerprint subpacket (type 33), upper-case hex

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "type": self.sig_type, "hash": self.hash_algorithm,
                "created": self.created.isoformat() if self.created else None,
                "key_id": self.key_id, "fingerprint": self.fingerprint}


# ---- CRC-24 (RFC 4880 §6.1), table-driven --------------------------------------------------
def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        crc = i << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
        table.append(crc & 0xFFFFFF)
    return table


_CRC_TABLE = _crc_table()


def crc24(data: bytes) -> int:
    crc = 0xB704CE
    for b in data:
        crc = ((crc << 8) & 0xFFFFFF) ^ _CRC_TABLE[((crc >> 16) ^ b) & 0xFF]
    return crc


# ---- armor ----------------------------------------------------------------------------------
def dearmor(lines: list[str]) -> bytes:
    """The binary data of an armored block, given the lines strictly between its BEGIN and END
    lines (already stripped of trailing whitespace). Raises :class:`ArmorError`."""
    i = 0
    while i < len(lines) and ": " in lines[i] and _ARMOR_HEADER.fullmatch(lines[i]):
        i += 1
    # RFC 4880 §6.2: the armor headers end with a blank line, also when there are none.
    if i >= len(lines) or lines[i] != "":
        where = "after its headers" if i else "before its data"
        raise ArmorError("pgp_data_error", f"The signature armor has no blank line {where}.")
    i += 1
    data_lines, crc_text = [], None
    for line in lines[i:]:
        if not line:
            continue
        if crc_text is not None:
            raise ArmorError("pgp_data_error", "The signature armor has data after its checksum line.")
        if _CRC_LINE.fullmatch(line):
            crc_text = line[1:]
        else:
            data_lines.append(line)
    if not data_lines:
        raise ArmorError("pgp_data_error", "The signature armor holds no data.")
    if any(_BAD_BASE64.search(line) for line in data_lines):
        # sectxt (PGPy) rejects this as armor that does not parse: pgp_data_error, not pgp_error.
        raise ArmorError("pgp_data_error", "The signature armor holds characters that are not base64.")
    try:
        data = base64.b64decode("".join(data_lines), validate=True)
    except (binascii.Error, ValueError):
        raise ArmorError("pgp_error", "The signature data is not valid base64.") from None
    if crc_text is not None:
        expected = int.from_bytes(base64.b64decode(crc_text), "big")
        if crc24(data) != expected:
            raise ArmorError("pgp_error", "The signature armor checksum (CRC-24) does not match its data.")
    return data


# ---- packets --------------------------------------------------------------------------------
def _packets(data: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(data):
        head = data[pos]
        if not head & 0x80:
            raise ArmorError("pgp_error", "The signature data is not an OpenPGP packet.")
        if head & 0x40:  # new format (RFC 4880 §4.2.2)
            tag = head & 0x3F
            if pos + 1 >= len(data):
                raise ArmorError("pgp_error", "The signature packet is truncated.")
            first = data[pos + 1]
            if first < 192:
                length, pos = first, pos + 2
            elif first < 224:
                if pos + 2 >= len(data):
                    raise ArmorError("pgp_error", "The signature packet is truncated.")
                length, pos = ((first - 192) << 8) + data[pos + 2] + 192, pos + 3
            elif first == 255:
                length, pos = int.from_bytes(data[pos + 2:pos + 6], "big"), pos + 6
            else:
                raise ArmorError("pgp_error", "A signature packet must not use partial body lengths.")
        else:  # old format
            tag, kind = (head >> 2) & 0x0F, head & 0x03
            if kind == 3:
                length, pos = len(data) - pos - 1, pos + 1
            else:
                size = (1, 2, 4)[kind]
                length, pos = int.from_bytes(data[pos + 1:pos + 1 + size], "big"), pos + 1 + size
        if pos + length > len(data):
            raise ArmorError("pgp_error", "The signature packet is truncated.")
        out.append((tag, data[pos:pos + length]))
        pos += length
    return out


def _subpackets(block: bytes, info: dict[str, Any]) -> None:
    pos = 0
    while pos < len(block):
        first = block[pos]
        if first < 192:
            length, pos = first, pos + 1
        elif first < 255:
            if pos + 1 >= len(block):
                raise ArmorError("pgp_error", "A signature subpacket is truncated.")
            length, pos = ((first - 192) << 8) + block[pos + 1] + 192, pos + 2
        else:
            length, pos = int.from_bytes(block[pos + 1:pos + 5], "big"), pos + 5
        if length == 0 or pos + length > len(block):
            raise ArmorError("pgp_error", "A signature subpacket is truncated.")
        kind, body = block[pos] & 0x7F, block[pos + 1:pos + length]
        if kind == 2 and len(body) == 4:
            info["created"] = datetime.fromtimestamp(int.from_bytes(body, "big"), timezone.utc)
        elif kind == 16 and len(body) == 8:
            info["key_id"] = body.hex().upper()
        elif kind == 33 and len(body) in (21, 33):
            info["fingerprint"] = body[1:].hex().upper()
        pos += length


def parse_signature(data: bytes) -> list[SignatureInfo]:
    """Every signature packet in ``data``; raises :class:`ArmorError` for anything else."""
    sigs = []
    for tag, body in _packets(data):
        if tag != 2:
            raise ArmorError("pgp_error", f"The signature block holds an OpenPGP packet of type {tag}, "
                                          "not a signature.")
        if not body:
            raise ArmorError("pgp_error", "The signature packet is empty.")
        version = body[0]
        info: dict[str, Any] = {"created": None, "key_id": None, "fingerprint": None}
        if version == 3:
            if len(body) < 19 or body[1] != 5:
                raise ArmorError("pgp_error", "The version 3 signature packet is malformed.")
            sig_type, pub, hsh = body[2], body[15], body[16]
            info["created"] = datetime.fromtimestamp(int.from_bytes(body[3:7], "big"), timezone.utc)
            info["key_id"] = body[7:15].hex().upper()
        elif version in (4, 5, 6):
            size = 4 if version == 6 else 2
            if len(body) < 4 + size:
                raise ArmorError("pgp_error", "The signature packet is truncated.")
            sig_type, pub, hsh = body[1], body[2], body[3]
            pos = 4
            for _ in range(2):  # hashed, then unhashed subpackets
                if pos + size > len(body):
                    raise ArmorError("pgp_error", "The signature packet is truncated.")
                n = int.from_bytes(body[pos:pos + size], "big")
                pos += size
                if pos + n > len(body):
                    raise ArmorError("pgp_error", "The signature packet is truncated.")
                _subpackets(body[pos:pos + n], info)
                pos += n
            if info["key_id"] is None and info["fingerprint"]:
                fpr = info["fingerprint"]
                info["key_id"] = fpr[-16:] if version == 4 else fpr[:16]
        else:
            raise ArmorError("pgp_error", f"The signature packet has unknown version {version}.")
        sigs.append(SignatureInfo(version, sig_type, pub, HASH_NAMES.get(hsh, f"hash-{hsh}"), **info))
    if not sigs:
        raise ArmorError("pgp_error", "The signature block holds no signature.")
    return sigs


# ---- the signed text --------------------------------------------------------------------
def canonical_text(lines: list[bytes]) -> bytes:
    """The bytes a cleartext signature covers, from the raw cleartext lines (without their LF).

    As GnuPG does (RFC 4880 §7.1): undo dash-escaping (a leading ``- ``), drop trailing spaces,
    tabs and CR from every line, join with CRLF, and leave out the line break before the signature.
    """
    out = []
    for line in lines:
        if line.startswith(b"- "):
            line = line[2:]
        out.append(line.rstrip(b" \t\r"))
    return b"\r\n".join(out)
