"""Check one OpenPGP signature against one v4 public key packet, from the original bytes.

The key material (RFC 9580 §5.5.5) and the signature material (§5.2.3) are read with the shared
packet reader; the primitive runs in ``cryptography``. No pgpy: its key and signature objects
keep their material in private attributes, and it hashes re-serialised subpackets instead of the
bytes that were signed. Pure: no files, no network.
"""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature

from cvd_reporter.core.pgp.packets import KEY_TAGS, SUBKEY_TAGS, PacketError, SigInfo, key_packet_info, split_keyring

# RFC 9580 §9.5 hash algorithm ids.
HASHES: dict[int, type[hashes.HashAlgorithm]] = {
    2: hashes.SHA1, 8: hashes.SHA256, 9: hashes.SHA384, 10: hashes.SHA512, 11: hashes.SHA224,
    12: hashes.SHA3_256, 14: hashes.SHA3_512,
}
# RFC 9580 §9.2 curve OIDs (DER without tag and length) for ECDSA.
_CURVES: dict[bytes, ec.EllipticCurve] = {
    bytes.fromhex("2a8648ce3d030107"): ec.SECP256R1(), bytes.fromhex("2b81040022"): ec.SECP384R1(),
    bytes.fromhex("2b81040023"): ec.SECP521R1(), bytes.fromhex("2b8104000a"): ec.SECP256K1(),
    bytes.fromhex("2b2403030208010107"): ec.BrainpoolP256R1(),
    bytes.fromhex("2b240303020801010b"): ec.BrainpoolP384R1(),
    bytes.fromhex("2b240303020801010d"): ec.BrainpoolP512R1(),
}
_ED25519_LEGACY_OID = bytes.fromhex("2b06010401da470f01")
RSA_IDS, DSA_ID, ECDSA_ID, EDDSA_LEGACY_ID, ED25519_ID = (1, 3), 17, 19, 22, 27


def _mpis(data: bytes, count: int) -> list[int]:
    """``count`` multiprecision integers (RFC 9580 §3.2) from the start of ``data``."""
    out, pos = [], 0
    for _ in range(count):
        if pos + 2 > len(data):
            raise PacketError("truncated MPI")
        size = (int.from_bytes(data[pos:pos + 2], "big") + 7) // 8
        pos += 2
        if pos + size > len(data):
            raise PacketError("truncated MPI")
        out.append(int.from_bytes(data[pos:pos + size], "big"))
        pos += size
    return out


def _oid_and_point(material: bytes) -> tuple[bytes, int]:
    if not material or len(material) < 1 + material[0]:
        raise PacketError("truncated curve OID")
    oid = material[1:1 + material[0]]
    return oid, _mpis(material[1 + material[0]:], 1)[0]


def public_key(key_body: bytes) -> tuple[int, Any] | None:
    """(algorithm id, cryptography public key) of a v4 key packet body; None when the algorithm
    or curve cannot sign or is not supported. Raises PacketError for malformed material."""
    if len(key_body) < 6 or key_body[0] != 4:
        return None
    algo, material = key_body[5], key_body[6:]
    if algo in RSA_IDS:
        n, e = _mpis(material, 2)
        return algo, rsa.RSAPublicNumbers(e, n).public_key()
    if algo == DSA_ID:
        p, q, g, y = _mpis(material, 4)
        return algo, dsa.DSAPublicNumbers(y, dsa.DSAParameterNumbers(p, q, g)).public_key()
    if algo == ECDSA_ID:
        oid, point = _oid_and_point(material)
        curve = _CURVES.get(oid)
        if curve is None:
            return None
        encoded = point.to_bytes((point.bit_length() + 7) // 8, "big")
        return algo, ec.EllipticCurvePublicKey.from_encoded_point(curve, encoded)
    if algo == EDDSA_LEGACY_ID:
        oid, point = _oid_and_point(material)
        raw = point.to_bytes(33, "big") if oid == _ED25519_LEGACY_OID else b""
        return (algo, ed25519.Ed25519PublicKey.from_public_bytes(raw[1:])) if raw[:1] == b"\x40" else None
    if algo == ED25519_ID and len(material) >= 32:
        return algo, ed25519.Ed25519PublicKey.from_public_bytes(material[:32])
    return None


def _check(algo: int, key: Any, sig: SigInfo, data: bytes, hash_cls: type[hashes.HashAlgorithm]) -> None:
    """Raise InvalidSignature unless ``sig`` signs ``data`` (the whole hash input) with ``key``."""
    if algo in RSA_IDS:
        (m,) = _mpis(sig.mpis, 1)
        size = (key.key_size + 7) // 8
        if m.bit_length() > 8 * size:
            raise InvalidSignature
        key.verify(m.to_bytes(size, "big"), data, padding.PKCS1v15(), hash_cls())
        return
    digester = hashes.Hash(hash_cls())
    digester.update(data)
    digest = digester.finalize()
    if algo == ED25519_ID:
        key.verify(sig.mpis[:64], digest)
        return
    r, s = _mpis(sig.mpis, 2)
    if algo == EDDSA_LEGACY_ID:
        if r.bit_length() > 256 or s.bit_length() > 256:
            raise InvalidSignature
        key.verify(r.to_bytes(32, "big") + s.to_bytes(32, "big"), digest)
    elif algo == DSA_ID:
        key.verify(encode_dss_signature(r, s), digest, Prehashed(hash_cls()))
    else:
        key.verify(encode_dss_signature(r, s), digest, ec.ECDSA(Prehashed(hash_cls())))


def verify(key_body: bytes, sig: SigInfo, signed: bytes) -> bool | None:
    """Does ``sig`` sign ``signed`` (the subject: document, or hash prefixes of key and User ID)
    with the key in ``key_body``? The trailer comes from the signature's own bytes (RFC 9580
    §5.2.4). None when the algorithm or hash is not supported or the material is malformed."""
    hash_cls = HASHES.get(sig.hash_algorithm)
    if hash_cls is None or sig.version not in (3, 4):
        return None
    try:
        found = public_key(key_body)
        if found is None or found[0] != sig.pk_algorithm:
            return None
        _check(found[0], found[1], sig, signed + sig.trailer(), hash_cls)
    except InvalidSignature:
        return False
    except (PacketError, ValueError, OverflowError, UnsupportedAlgorithm):
        return None
    return True


def key_bodies(blob: bytes) -> dict[str, bytes]:
    """Key id (16 upper-case hex digits) -> key packet body of every v4 key and subkey in ``blob``
    (binary transferable keys). Unreadable data gives an empty mapping."""
    out: dict[str, bytes] = {}
    try:
        for packets in split_keyring(blob):
            for packet in packets:
                if packet.tag in KEY_TAGS + SUBKEY_TAGS:
                    info = key_packet_info(blob, packet)
                    if info.fingerprint:
                        out[info.fingerprint[-16:]] = blob[packet.body:packet.end]
    except PacketError:
        return {}
    return out
