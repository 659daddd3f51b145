"""OpenPGP cleartext signatures (RFC 4880 §7, RFC 9580 §7) as security.txt uses them (RFC 9116 §2.3).

Pure and linear in the input: the structure of a signed file, the ASCII armor of its signature
(the shared reader, :mod:`cvd_reporter.core.pgp.armor`), and the fields of the signature packet
(the shared :mod:`cvd_reporter.core.pgp.packets`: who signed, when, with which hash). No
cryptography here: :func:`cvd_reporter.core.securitytxt.verify_signature` does that on the
canonical text built by :func:`canonical_text`.

sectxt re-parses the whole file with PGPy for every ``BEGIN PGP SIGNED MESSAGE`` line, so 400 such
lines take it about a minute; here each line is looked at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from cvd_reporter.core.i18n import N_, Phrase
from cvd_reporter.core.pgp.armor import ArmorError, decode_body
from cvd_reporter.core.pgp.packets import TAG_SIGNATURE, Packet, PacketError, iter_packets
from cvd_reporter.core.pgp.packets import parse_signature as packets_parse_signature

__all__ = ["ArmorError", "SignatureInfo", "canonical_text", "dearmor", "parse_signature"]

BEGIN_SIGNED = "-----BEGIN PGP SIGNED MESSAGE-----"
BEGIN_SIGNATURE = "-----BEGIN PGP SIGNATURE-----"
END_SIGNATURE = "-----END PGP SIGNATURE-----"

# RFC 4880 §9.4 / RFC 9580 §9.5
HASH_NAMES = {1: "MD5", 2: "SHA1", 3: "RIPEMD160", 8: "SHA256", 9: "SHA384", 10: "SHA512", 11: "SHA224",
              12: "SHA3-256", 14: "SHA3-512"}
_ARMOR_HEADER = re.compile(r"[A-Za-z][A-Za-z0-9-]*: .*")
_BAD_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")
_CRC_LINE = re.compile(r"=[A-Za-z0-9+/]{4}")


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


# ---- armor ----------------------------------------------------------------------------------
def dearmor(lines: list[str]) -> bytes:
    """The binary data of an armored signature block, given the lines strictly between its BEGIN and
    END lines (already stripped of trailing whitespace). Stricter than a key's armor: RFC 9580 §7
    framing as sectxt checks it. Raises :class:`ArmorError` with sectxt's codes: ``pgp_data_error``
    for the armor structure, ``pgp_error`` for what is inside (base64, CRC)."""
    i = 0
    while i < len(lines) and ": " in lines[i] and _ARMOR_HEADER.fullmatch(lines[i]):
        i += 1
    # RFC 4880 §6.2: the armor headers end with a blank line, also when there are none.
    if i >= len(lines) or lines[i] != "":
        blank = N_("pgp.cleartext.no_blank_after_headers") if i else N_("pgp.cleartext.no_blank_before_data")
        raise ArmorError(Phrase(blank), "pgp_data_error")
    body = [line for line in lines[i + 1:] if line]
    crc_at = next((k for k, line in enumerate(body) if _CRC_LINE.fullmatch(line)), None)
    if crc_at is not None and crc_at != len(body) - 1:
        raise ArmorError(Phrase("pgp.cleartext.data_after_checksum"), "pgp_data_error")
    if len(body) == (0 if crc_at is None else 1):
        raise ArmorError(Phrase("pgp.cleartext.no_data"), "pgp_data_error")
    if any(_BAD_BASE64.search(line) for line in body):
        # sectxt (PGPy) rejects this as armor that does not parse: pgp_data_error, not pgp_error.
        raise ArmorError(Phrase("pgp.cleartext.not_base64"), "pgp_data_error")
    try:
        data, _ = decode_body([line.encode("ascii") for line in body], "SIGNATURE")
    except ArmorError as e:
        message = Phrase(N_("pgp.cleartext.bad_crc") if e.code == "bad_crc" else N_("pgp.cleartext.bad_base64"))
        raise ArmorError(message, "pgp_error") from None
    return data


# ---- packets --------------------------------------------------------------------------------
def parse_signature(data: bytes) -> list[SignatureInfo]:
    """Every signature packet in ``data``; raises :class:`ArmorError` (``pgp_error``) for anything else."""
    sigs = []
    try:
        packets = list(iter_packets(data))
    except PacketError as e:
        raise ArmorError(Phrase("pgp.cleartext.incomplete", detail=str(e)), "pgp_error") from None
    for packet in packets:
        if packet.tag != TAG_SIGNATURE:
            raise ArmorError(Phrase("pgp.cleartext.not_a_signature", tag=packet.tag), "pgp_error")
        if packet.end == packet.body:
            raise ArmorError(Phrase("pgp.cleartext.empty_packet"), "pgp_error")
        sigs.append(_signature_info(data, packet))
    if not sigs:
        raise ArmorError(Phrase("pgp.cleartext.no_signature"), "pgp_error")
    return sigs


def _signature_info(data: bytes, packet: Packet) -> SignatureInfo:
    try:
        sig = packets_parse_signature(data, packet)
    except PacketError as e:
        raise ArmorError(Phrase("pgp.cleartext.malformed", detail=str(e)), "pgp_error") from None
    if sig.type == -1:
        raise ArmorError(Phrase("pgp.cleartext.unknown_version", version=sig.version), "pgp_error")
    fpr = sig.issuer_fpr or None
    key_id = sig.issuer_keyid or (None if fpr is None else fpr[-16:] if sig.version == 4 else fpr[:16])
    created = datetime.fromtimestamp(sig.created, timezone.utc) if sig.has_created else None
    return SignatureInfo(sig.version, sig.type, sig.pk_algorithm,
                         HASH_NAMES.get(sig.hash_algorithm, f"hash-{sig.hash_algorithm}"), created, key_id, fpr)


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
