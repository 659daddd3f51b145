"""OpenPGP for cvd-reporter: load certificates, decide whether a key may be used, encrypt and sign.

pgpy (the PGPym fork) stays behind this one module, so another engine can replace it. We use it
only to parse packets, to verify self-signatures and to wrap the session key (RSA / ECDH). Every
policy decision is ours, because pgpy makes none (shared/notes/openpgp.md §2.2, §6): it encrypts
to expired and revoked keys, picks the first encryption key instead of the newest valid one, and
falls back to 3DES. The symmetric part (RFC 4880 §5.13, SEIPD v1 with MDC, AES-256) and the
armor are ours too: pgpy keeps about nine copies of a message and its CRC24 is 20x slower than gpg.

Pure: no network, no files; ``now`` is always a parameter.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from cvd_reporter.core import armor as _armor
from cvd_reporter.errors import InputFileError, InputNeeded, KeyProblem

MAX_KEY_BYTES = 2 * 1024 * 1024  # a certificate with thousands of signatures is still far smaller
# Plaintext cap for encrypt(): memory is about 2.5x the input (input, armored output, 1 MiB pieces);
# e-mail providers refuse messages over about 25 MB long before this.
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
EXPIRY_WARNING_DAYS = 30
RSA_MIN_BITS = 2048
RSA_WARN_BITS = 3072
_PIECE = 1 << 20

# RFC 4880 §9.1 public-key algorithm ids.
RSA, RSA_E, RSA_S, ELGAMAL, DSA, ECDH, ECDSA, EDDSA = 1, 2, 3, 16, 17, 18, 19, 22
_KNOWN_V4_ALGORITHMS = {RSA, RSA_E, RSA_S, ELGAMAL, DSA, ECDH, ECDSA, EDDSA}
_ALGORITHM_NAMES = {RSA: "rsa", RSA_E: "rsa", RSA_S: "rsa", ELGAMAL: "elg", DSA: "dsa", 25: "x25519",
                    26: "x448", 27: "ed25519 (RFC 9580)", 28: "ed448"}
_CURVE_NAMES = {  # pgpy EllipticCurveOID name -> (gpg's name, bits)
    "Curve25519": ("cv25519", 255), "Ed25519": ("ed25519", 255), "NIST_P256": ("nistp256", 256),
    "NIST_P384": ("nistp384", 384), "NIST_P521": ("nistp521", 521), "Brainpool_P256": ("brainpoolP256r1", 256),
    "Brainpool_P384": ("brainpoolP384r1", 384), "Brainpool_P512": ("brainpoolP512r1", 512),
    "SECP256K1": ("secp256k1", 256),
}
_EMAIL = re.compile(r"<([^<>\s]+@[^<>\s]+)>")


# ---------------------------------------------------------------------------- pgpy access
def _pgpy() -> Any:
    """Import pgpy on first use (70 ms) and keep its deprecation chatter out of the user's terminal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgpy  # noqa: PLC0415 - the heaviest import; only when a key is read or a message made

    return pgpy


# pgpy raises a zoo of exception types on malformed input; these are the ones seen.
_PGPY_PARSE_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, TypeError, KeyError, IndexError, AttributeError, NotImplementedError, StopIteration,
    OverflowError, AssertionError,
)


# ---------------------------------------------------------------------------- certificates
@dataclass(frozen=True, eq=False)
class Certificate:
    """One transferable public key (RFC 4880 §11.1), as bytes and as parsed by pgpy."""

    raw: bytes
    fingerprint: str
    key: Any = field(repr=False)
    structure: _armor.KeyStructure = field(repr=False)
    notes: tuple[str, ...] = ()  # what was dropped while loading (unsupported subkeys)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Certificate) and other.fingerprint == self.fingerprint and other.raw == self.raw

    def __hash__(self) -> int:
        return hash((self.fingerprint, self.raw))

    @property
    def uids(self) -> list[str]:
        return [body.decode("utf-8", "replace") for tag, body, _ in self.structure.uids if tag == _armor.TAG_USER_ID]

    @property
    def addresses(self) -> list[str]:
        return [a for a in (uid_address(u) for u in self.uids) if a]

    @property
    def keyid(self) -> str:
        return self.fingerprint[-16:]


def uid_address(uid: str) -> str | None:
    """The e-mail address in a User ID ("Name <addr>" or a bare address), lowercased."""
    m = _EMAIL.search(uid)
    if m:
        return m.group(1).lower()
    text = uid.strip()
    if "@" in text and " " not in text and "<" not in text:
        return text.lower()
    return None


def _problem(message: str, code: str, **data: Any) -> KeyProblem:
    return KeyProblem(message, code=code, data=data or None)


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    return head.startswith(b"<") or any(m in head for m in (b"<html", b"<!doctype html", b"<body"))


def _binary_blobs(data: bytes, what: str) -> list[bytes]:
    """The binary key material in ``data`` (binary as is, or every armored key block)."""
    if len(data) > MAX_KEY_BYTES:
        raise _problem(f"{what} is {len(data):,} bytes, too large to be an OpenPGP key "
                       f"(limit {MAX_KEY_BYTES:,}).", "not_a_key")
    if not data.strip():
        raise _problem(f"{what} is empty; it holds no OpenPGP key.", "not_a_key")
    if data[0] & 0x80:  # a packet header: binary key data (what WKD and DNS serve)
        return [data]
    try:
        blocks = _armor.dearmor(data)
    except _armor.ArmorError as e:
        code = "not_a_key" if e.code == "bad_base64" else "corrupt_key"
        raise _problem(f"{what}: {e}", code) from None
    keys = [b for b in blocks if b.kind == "PUBLIC KEY BLOCK"]
    if not keys:
        if any(b.kind in ("PRIVATE KEY BLOCK", "SECRET KEY BLOCK") for b in blocks):
            raise _problem(f"{what} is a private key, not a public key; nothing was used from it.", "not_a_key")
        if _looks_like_html(data):
            raise _problem(f"{what} is an HTML page, not an OpenPGP key.", "not_a_key")
        raise _problem(f"{what} contains no OpenPGP public key block (a placeholder or a text file?).",
                       "not_a_key")
    empty = [b for b in keys if not b.data]
    if len(empty) == len(keys):
        raise _problem(f"{what} holds an empty key block (a placeholder?).", "not_a_key")
    return [b.data for b in keys if b.data]


def parse_certificates(data: bytes, *, what: str = "The key data") -> tuple[list[Certificate], list[KeyProblem]]:
    """Every usable-format certificate in ``data`` plus a problem for each one we could not read.

    Raises KeyProblem only when the data as a whole is not key material (HTML, placeholder, bad
    armor). v3/v5/v6 keys and unknown primary algorithms become problems (code
    ``unsupported_key``); subkeys with unknown algorithms are dropped with a note.
    """
    certs: list[Certificate] = []
    problems: list[KeyProblem] = []
    for blob in _binary_blobs(data, what):
        try:
            keys = _armor.split_keyring(blob)
        except _armor.PacketError as e:
            raise _problem(f"{what} is damaged or truncated ({e}).", "corrupt_key") from None
        if not keys:
            raise _problem(f"{what} contains no OpenPGP key.", "not_a_key")
        for packets in keys:
            try:
                cert = _build_certificate(blob, packets, what)
            except KeyProblem as e:
                problems.append(e)
                continue
            certs.append(cert)
    return certs, problems


def load_certificates(data: bytes) -> list[Certificate]:
    """Certificates in ``data``: armored or binary, one or several, with or without the CRC line.

    Raises KeyProblem (exit 6) with code ``not_a_key`` (HTML, placeholder, empty, private key),
    ``corrupt_key`` (bad CRC, truncated, unparsable) or ``unsupported_key`` (v3/v5/v6 keys,
    algorithms pgpy cannot handle) when no certificate can be used.
    """
    certs, problems = parse_certificates(data)
    if certs:
        return certs
    raise problems[0] if problems else _problem("The key data contains no OpenPGP key.", "not_a_key")


def _build_certificate(blob: bytes, packets: list[_armor.Packet], what: str) -> Certificate:
    primary = packets[0]
    if primary.tag == _armor.TAG_SECRET_KEY:
        raise _problem(f"{what} is a private key, not a public key; nothing was used from it.", "not_a_key")
    info = _armor.key_packet_info(blob, primary)
    if info.version != 4:
        kind = {2: "an obsolete v2", 3: "an obsolete v3", 5: "a v5 (LibrePGP)", 6: "a v6 (RFC 9580)"}.get(
            info.version, f"a version {info.version}")
        raise _problem(f"{what} is {kind} key; the key format is not supported (cvd-reporter reads v4 keys). "
                       "Ask the organisation for a v4 key or report through another channel.",
                       "unsupported_key", version=info.version)
    if info.algorithm not in _KNOWN_V4_ALGORITHMS:
        name = _ALGORITHM_NAMES.get(info.algorithm, f"algorithm {info.algorithm}")
        raise _problem(f"{what} uses the public-key algorithm {name}; the key format is not supported.",
                       "unsupported_key", fingerprint=info.fingerprint, algorithm=info.algorithm)
    kept: list[bytes] = []
    notes: list[str] = []
    skipping = False
    for packet in packets:
        if packet.tag in _armor.SUBKEY_TAGS:
            sub = _armor.key_packet_info(blob, packet)
            skipping = sub.version != 4 or sub.algorithm not in _KNOWN_V4_ALGORITHMS
            if skipping:
                notes.append(f"Subkey {sub.fingerprint or '?'} uses a format that is not supported "
                             f"(version {sub.version}, algorithm {sub.algorithm}); it was ignored.")
        elif packet.tag in (_armor.TAG_USER_ID, _armor.TAG_USER_ATTRIBUTE):
            skipping = False
        if not skipping:
            kept.append(blob[packet.start:packet.end])
    raw = b"".join(kept)
    pgpy = _pgpy()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            key, _ = pgpy.PGPKey.from_blob(raw)
    except (pgpy.errors.PGPError, *_PGPY_PARSE_ERRORS) as e:
        raise _problem(f"{what}: the key {info.fingerprint} could not be parsed ({type(e).__name__}); "
                       "it is damaged or uses a format that is not supported.", "corrupt_key",
                       fingerprint=info.fingerprint) from None
    fpr = str(key.fingerprint).replace(" ", "").upper()
    if fpr != info.fingerprint:  # pgpy and our own framing must agree, or we trust neither
        raise _problem(f"{what}: the key could not be read consistently.", "corrupt_key")
    try:
        structure = _armor.key_structure(raw, _armor.split_keyring(raw)[0])
    except _armor.PacketError as e:
        raise _problem(f"{what}: the key {fpr} is damaged ({e}).", "corrupt_key", fingerprint=fpr) from None
    return Certificate(raw=raw, fingerprint=fpr, key=key, structure=structure, notes=tuple(notes))


def armor_public_key(cert: Certificate) -> str:
    """The certificate as an armored PUBLIC KEY BLOCK with a CRC line (for attaching our own key)."""
    return _armor.armor("PUBLIC KEY BLOCK", cert.raw).decode("ascii")


# ---------------------------------------------------------------------------- verdicts
@dataclass
class KeyVerdict:
    """Whether a certificate may be encrypted to at ``now``, and why (not)."""

    fingerprint: str
    usable: bool
    reasons: list[str]
    warnings: list[str]
    codes: list[str]  # one stable code per reason: revoked, expired, no_encryption_key, weak_key, ...
    algorithm: str
    bits: int
    created: datetime
    expires: datetime | None
    uids: list[str]
    encryption_subkey: str | None = None  # fingerprint of the key we would encrypt to
    encryption_algorithm: str | None = None
    encryption_bits: int | None = None
    encryption_expires: datetime | None = None
    address: str | None = None
    address_match: bool | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        return self.codes[0] if self.codes else None

    def to_dict(self) -> dict[str, Any]:
        def ts(d: datetime | None) -> str | None:
            return d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if d else None

        return {
            "fingerprint": self.fingerprint, "usable": self.usable, "reasons": list(self.reasons),
            "codes": list(self.codes), "warnings": list(self.warnings), "algorithm": self.algorithm,
            "bits": self.bits, "created": ts(self.created), "expires": ts(self.expires), "uids": list(self.uids),
            "encryption_subkey": self.encryption_subkey, "encryption_algorithm": self.encryption_algorithm,
            "encryption_bits": self.encryption_bits, "encryption_expires": ts(self.encryption_expires),
            "address": self.address, "address_match": self.address_match, "notes": list(self.notes),
        }


def _algorithm(pgpkey: Any) -> tuple[str, int, int]:
    """(gpg-style name, bits, algorithm id) of a pgpy key or subkey."""
    algo = int(pgpkey.key_algorithm)
    if algo in (ECDH, ECDSA, EDDSA):
        oid = pgpkey.key_size
        name, bits = _CURVE_NAMES.get(getattr(oid, "name", ""), (str(getattr(oid, "name", "unknown")).lower(), 0))
        return name, bits, algo
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bits = int(pgpkey.key_size or 0)
    return f"{_ALGORITHM_NAMES.get(algo, str(algo))}{bits}", bits, algo


def _fpr(pgpkey: Any) -> str:
    return str(pgpkey.fingerprint).replace(" ", "").upper()


def _issued_by(sig: _armor.SigInfo, fpr: str) -> bool:
    if sig.issuer_fpr:
        return sig.issuer_fpr == fpr
    if sig.issuer_keyid:
        return sig.issuer_keyid == fpr[-16:]
    return True  # no issuer at all: the signature check decides


_HASHES = {2: "SHA1", 8: "SHA256", 9: "SHA384", 10: "SHA512", 11: "SHA224"}


def _verifies(signer: Any, sig: _armor.SigInfo, prefix: bytes) -> bool:
    """Does ``sig`` verify with ``signer``'s key material over ``prefix`` (the subject's hash
    prefix)? We hash the original bytes; pgpy only reads the MPIs and runs the primitive. MD5 and
    RIPEMD-160 self-signatures are refused, as gpg 2.2 does."""
    from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 - loaded with pgpy, see _pgpy
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415 - loaded with pgpy, see _pgpy

    name = _HASHES.get(sig.hash_algorithm)
    if name is None or sig.version not in (3, 4):
        return False
    pgpy = _pgpy()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pgpy.PGPSignature.from_blob(sig.raw)
            return signer._key.verify(prefix + sig.trailer(), parsed.__sig__, getattr(hashes, name)()) is True
    except (InvalidSignature, pgpy.errors.PGPError, *_PGPY_PARSE_ERRORS):
        return False


def _ts(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def _is_sig_current(sig: _armor.SigInfo, now: datetime) -> bool:
    created = _ts(sig.created)
    if created > now + timedelta(minutes=5):
        return False
    return not sig.sig_expires or created + timedelta(seconds=sig.sig_expires) > now


def _expiry(created: datetime, sig: _armor.SigInfo) -> datetime | None:
    if not sig.key_expires:  # absent or zero: never expires (RFC 4880 §5.2.3.6)
        return None
    return created + timedelta(seconds=sig.key_expires)


def _date(d: datetime) -> str:
    return d.astimezone(timezone.utc).strftime("%Y-%m-%d")


@dataclass
class _Sub:
    key: Any
    fingerprint: str
    created: datetime
    algorithm: str
    bits: int
    algo_id: int
    expires: datetime | None = None
    state: str = "ok"  # ok | expired | revoked | unbound | future | unsupported | weak | not_encryption


# RFC 4880 §5.2.1 signature types and §5.2.3.21 key flags.
_CERTIFICATIONS = (0x10, 0x11, 0x12, 0x13)
SIG_SUBKEY_BINDING, SIG_DIRECT, SIG_KEY_REVOCATION, SIG_SUBKEY_REVOCATION, SIG_CERT_REVOCATION = \
    0x18, 0x1F, 0x20, 0x28, 0x30
_FLAG_ENCRYPT = 0x04 | 0x08


def _evaluate(cert: Certificate, now: datetime, address: str | None = None) -> tuple[KeyVerdict, Any]:
    """The verdict plus the pgpy key (primary or subkey) to encrypt to, if any."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    key, ks, fpr = cert.key, cert.structure, cert.fingerprint
    key_prefix = ks.key_hash_prefix()
    name, bits, algo_id = _algorithm(key)
    reasons: list[tuple[str, str]] = []
    warns: list[str] = []
    created = key.created

    def refuse(code: str, text: str) -> None:
        reasons.append((code, text))

    def has(code: str) -> bool:
        return any(c == code for c, _ in reasons)

    if algo_id in (DSA, ELGAMAL):
        refuse("unsupported_key", f"The key is a {'DSA' if algo_id == DSA else 'ElGamal'} key ({name}); the key "
                                  "format is not supported. Ask the organisation for a current RSA or "
                                  "Curve25519 key.")
    if algo_id in (RSA, RSA_E, RSA_S) and bits < RSA_MIN_BITS:
        refuse("weak_key", f"The key is RSA with {bits} bits, below the minimum of {RSA_MIN_BITS}; "
                           "anyone with modest resources may be able to read what is sent to it.")
    if created > now + timedelta(minutes=5):
        refuse("future_key", f"The key claims to be created on {_date(created)}, in the future "
                             "(a wrong clock here or at the organisation).")

    # Primary key revocation (type 0x20), counted only when it verifies. Revocations by a
    # designated revoker cannot be checked without that key and are ignored, as gpg does.
    for sig in ks.direct:
        if sig.type == SIG_KEY_REVOCATION and _issued_by(sig, fpr) and _verifies(key, sig, key_prefix):
            why = f" ({sig.revocation_reason})" if sig.revocation_reason else ""
            refuse("revoked", f"The key was revoked by its owner on {_date(_ts(sig.created))}{why}.")
            break

    # User IDs: the newest verified self-certification each; a verified 0x30 at least as new revokes it.
    valid_uids: list[tuple[str, _armor.SigInfo]] = []
    all_uids: list[str] = []
    for tag, body, sigs in ks.uids:
        if tag != _armor.TAG_USER_ID:
            continue
        text = body.decode("utf-8", "replace")
        all_uids.append(text)
        prefix = key_prefix + _armor.uid_hash_prefix(tag, body)
        certs = [s for s in sigs if s.type in _CERTIFICATIONS and _issued_by(s, fpr) and _is_sig_current(s, now)
                 and _verifies(key, s, prefix)]
        if not certs:
            continue
        newest = max(certs, key=lambda s: s.created)
        if any(s.type == SIG_CERT_REVOCATION and _issued_by(s, fpr) and s.created >= newest.created
               and _verifies(key, s, prefix) for s in sigs):
            continue
        valid_uids.append((text, newest))
    direct = sorted((s for s in ks.direct if s.type == SIG_DIRECT and _issued_by(s, fpr)
                     and _is_sig_current(s, now) and _verifies(key, s, key_prefix)), key=lambda s: s.created)
    if not all_uids:
        refuse("no_user_id", "The certificate has no User ID (keys.openpgp.org leaves out addresses its owner "
                             "has not confirmed), so its expiry and usage cannot be checked; get the complete "
                             "key from the organisation's website or WKD.")
    elif not valid_uids:
        refuse("revoked", "Every User ID on the key is revoked or has no valid self-signature.")

    # The self-signature that speaks for the key: the primary User ID's newest, else the newest.
    selfsig = None
    if valid_uids:
        primaries = [v for v in valid_uids if v[1].primary_uid] or valid_uids
        selfsig = max(primaries, key=lambda v: v[1].created)[1]
    expires = None
    for sig in ([selfsig] if selfsig is not None else []) + direct[::-1]:
        if sig.key_expires is not None:
            expires = _expiry(created, sig)
            break
    if expires is not None and expires <= now:
        refuse("expired", f"The key expired on {_date(expires)}.")
    primary_flags = 0
    for sig in ([selfsig] if selfsig is not None else []) + direct[::-1]:
        if sig.key_flags is not None:
            primary_flags = sig.key_flags
            break

    # Subkeys: the newest verified binding (0x18) gives flags and expiry; a verified 0x28 revokes.
    subs: list[_Sub] = []
    for body, sigs in ks.subkeys:
        sub_fpr = hashlib.sha1(_armor.key_hash_prefix_for(body)).hexdigest().upper()
        sk = key.subkeys.get(sub_fpr[-16:])
        if sk is None:
            continue
        s_name, s_bits, s_algo = _algorithm(sk)
        sub = _Sub(sk, sub_fpr, sk.created, s_name, s_bits, s_algo)
        subs.append(sub)
        prefix = key_prefix + _armor.key_hash_prefix_for(body)
        bindings = [s for s in sigs if s.type == SIG_SUBKEY_BINDING and _issued_by(s, fpr)
                    and _is_sig_current(s, now) and _verifies(key, s, prefix)]
        if not bindings:
            sub.state = "unbound"
            continue
        binding = max(bindings, key=lambda s: s.created)
        can_encrypt = s_algo in (RSA, RSA_E, ELGAMAL, ECDH)
        flags = binding.key_flags
        if (flags is not None and not flags & _FLAG_ENCRYPT) or (flags is None and not can_encrypt):
            sub.state = "not_encryption"
            continue
        sub.expires = _expiry(sk.created, binding)
        if any(s.type == SIG_SUBKEY_REVOCATION and _issued_by(s, fpr) and _verifies(key, s, prefix) for s in sigs):
            sub.state = "revoked"
        elif sk.created > now + timedelta(minutes=5):
            sub.state = "future"
        elif sub.expires is not None and sub.expires <= now:
            sub.state = "expired"
        elif s_algo not in (RSA, ECDH) or (s_algo == ECDH and s_bits == 0):
            sub.state = "unsupported"
        elif s_algo == RSA and s_bits < RSA_MIN_BITS:
            sub.state = "weak"

    candidates = [s for s in subs if s.state == "ok"]
    target: Any = None
    chosen: _Sub | None = None
    if candidates:
        chosen = max(candidates, key=lambda s: s.created)  # the newest valid one, as gpg picks
        target = chosen.key
    elif primary_flags & _FLAG_ENCRYPT and algo_id == RSA:
        target = key  # an encryption-capable primary is the last resort (gpg prefers subkeys)
    else:
        enc_subs = [s for s in subs if s.state not in ("unbound", "not_encryption")]
        states = {s.state for s in enc_subs}
        if "expired" in states and not reasons:
            last = max((s.expires for s in enc_subs if s.expires), default=None)
            refuse("expired", f"The encryption subkey expired on {_date(last)}." if last else
                   "The encryption subkey has expired.")
        elif "revoked" in states and not has("revoked"):
            refuse("revoked", "The encryption subkey was revoked by its owner.")
        elif "unsupported" in states and not has("unsupported_key"):
            algos = sorted({s.algorithm for s in enc_subs if s.state == "unsupported"})
            refuse("unsupported_key", f"The encryption subkey uses {', '.join(algos)}; the key format is not "
                                      "supported. Ask the organisation for a current RSA or Curve25519 key.")
        elif "weak" in states and not has("weak_key"):
            weak = min(s.bits for s in enc_subs if s.state == "weak")
            refuse("weak_key", f"The encryption subkey is RSA with {weak} bits, below the minimum of "
                               f"{RSA_MIN_BITS}.")
        elif "future" in states and not reasons:
            refuse("future_key", "The encryption subkey claims a creation date in the future.")
        elif not reasons:
            refuse("no_encryption_key", "The key has no encryption subkey (it can only sign); "
                                        "nothing can be encrypted to it.")

    enc_name = chosen.algorithm if chosen else (name if target is key else None)
    enc_bits = chosen.bits if chosen else (bits if target is key else None)
    enc_expires = chosen.expires if chosen else (expires if target is key else None)
    if target is not None and not reasons:
        for label, b in (("The key", bits if algo_id in (RSA, RSA_S, RSA_E) else None),
                         ("The encryption subkey", enc_bits if chosen and chosen.algo_id == RSA else None)):
            if b is not None and b < RSA_WARN_BITS:
                warns.append(f"{label} is RSA with {b} bits; 3072 or more is recommended.")
        soonest = min((d for d in (expires, enc_expires) if d is not None), default=None)
        if soonest is not None and soonest - now < timedelta(days=EXPIRY_WARNING_DAYS):
            days = max(0, (soonest - now).days)
            warns.append(f"The key expires on {_date(soonest)}, in {days} day{'s' if days != 1 else ''}.")
    address_match = None
    if address is not None:
        wanted = address.strip().lower()
        address_match = any(uid_address(text) == wanted for text, _ in valid_uids)
        if not address_match:
            warns.append(f"No User ID on the key matches {address}.")
    usable = target is not None and not reasons
    verdict = KeyVerdict(
        fingerprint=fpr, usable=usable,
        reasons=[text for _, text in reasons], codes=[code for code, _ in reasons], warnings=warns,
        algorithm=name, bits=bits, created=created, expires=expires, uids=all_uids,
        encryption_subkey=(chosen.fingerprint if chosen else (fpr if target is key else None)),
        encryption_algorithm=enc_name, encryption_bits=enc_bits, encryption_expires=enc_expires,
        address=address, address_match=address_match, notes=list(cert.notes),
    )
    return verdict, target if usable else None


def inspect(cert: Certificate, *, now: datetime, address: str | None = None) -> KeyVerdict:
    """May we encrypt to ``cert`` at ``now``? Every check of shared/notes/openpgp.md §6.

    Refusals (``usable`` False, one reason each): revoked or expired primary key, no encryption
    subkey with a verified binding, the encryption flag, no revocation and no expiry; RSA below
    2048 bits; DSA/ElGamal; no User ID. Warnings: RSA below 3072, expiry within 30 days, no User ID
    matching ``address``. The encryption subkey is the newest valid one, as gpg picks it.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _evaluate(cert, now, address)[0]


def require_usable(verdict: KeyVerdict) -> None:
    """Raise KeyProblem (exit 6) with the first reason when the verdict says no."""
    if not verdict.usable:
        raise KeyProblem(f"Key {verdict.fingerprint}: {verdict.reasons[0] if verdict.reasons else 'not usable.'}",
                         code=verdict.code or "key_unusable",
                         data={"fingerprint": verdict.fingerprint, "reasons": verdict.reasons,
                               "codes": verdict.codes})


# ---------------------------------------------------------------------------- signing keys
@dataclass(frozen=True, eq=False)
class SigningKey:
    """The reporter's own secret key, for signing what we encrypt."""

    key: Any = field(repr=False)
    fingerprint: str
    passphrase: str | None = field(default=None, repr=False)

    @property
    def public_raw(self) -> bytes:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return bytes(self.key.pubkey)


def load_signing_key(data: bytes, passphrase: str | None = None) -> SigningKey:
    """An armored or binary secret key. Raises KeyProblem when it is not one or the passphrase is
    wrong, InputNeeded (exit 8) when it is protected and no passphrase was given."""
    pgpy = _pgpy()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            key, _ = pgpy.PGPKey.from_blob(data)
    except (pgpy.errors.PGPError, *_PGPY_PARSE_ERRORS):
        raise _problem("The signing key could not be read as an OpenPGP secret key.", "not_a_key") from None
    if key.is_public:
        raise _problem("The signing key is a public key; signing needs the secret key.", "not_a_key")
    if key.is_protected:
        if not passphrase:
            raise InputNeeded("The signing key is protected by a passphrase; none was given.",
                              code="passphrase_needed")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with key.unlock(passphrase):
                    pass
        except pgpy.errors.PGPDecryptionError:
            raise _problem("The passphrase of the signing key is wrong.", "bad_passphrase") from None
    return SigningKey(key=key, fingerprint=_fpr(key), passphrase=passphrase)


def _sign_packets(signer: SigningKey, data: bytes, now: datetime) -> tuple[bytes, bytes]:
    """(one-pass signature packet, signature packet) for a binary-document signature over ``data``
    (RFC 4880 §5.4, §11.3: OPS, literal data, signature)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        key = signer.key
        if key.is_protected:
            with key.unlock(signer.passphrase):
                sig = key.sign(data, created=now)
        else:
            sig = key.sign(data, created=now)
        sig_bytes = bytes(sig)
    ops_body = bytes((3, int(sig.type), int(sig.hash_algorithm), int(sig.key_algorithm))) \
        + bytes.fromhex(sig.signer) + b"\x01"
    return _armor.new_header(4, len(ops_body)) + ops_body, sig_bytes


# ---------------------------------------------------------------------------- encryption
_AES256 = 9  # RFC 4880 §9.2


def _pkesk(target: Any, session_key: bytes) -> bytes:
    """The public-key encrypted session key packet for ``target`` (RFC 4880 §5.1), built by pgpy."""
    from pgpy.constants import SymmetricKeyAlgorithm  # noqa: PLC0415 - see _pgpy
    from pgpy.packet.packets import PKESessionKeyV3  # noqa: PLC0415 - see _pgpy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pkesk = PKESessionKeyV3()
        pkesk.encrypter = bytearray(bytes.fromhex(_fpr(target)[-16:]))
        pkesk.pkalg = target.key_algorithm
        pkesk.encrypt_sk(target._key, SymmetricKeyAlgorithm.AES256, session_key)
        return bytes(pkesk)


def _cfb_encryptor(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms  # noqa: PLC0415 - see _pgpy

    try:  # cryptography >= 47 keeps CFB in the "decrepit" module; the old path warns
        from cryptography.hazmat.decrepit.ciphers.modes import CFB  # noqa: PLC0415 - version-dependent path
    except ImportError:  # pragma: no cover - older cryptography
        from cryptography.hazmat.primitives.ciphers.modes import CFB  # noqa: PLC0415 - version-dependent path
    return Cipher(algorithms.AES(key), CFB(bytes(16))).encryptor()


def _pieces(data: bytes) -> Iterator[memoryview]:
    view = memoryview(data)
    for i in range(0, len(view), _PIECE):
        yield view[i:i + _PIECE]


def encrypt(data: bytes, cert: Certificate, *, now: datetime, signer: SigningKey | None = None) -> bytes:
    """``data`` as an ASCII-armored OpenPGP message (with CRC line) to ``cert``'s newest valid
    encryption key: PKESK v3, then SEIPD v1 (AES-256, MDC) around an uncompressed binary literal
    packet, optionally signed (one-pass) by ``signer``.

    Binary literal data ('b') keeps bytes exact (with 't' gpg rewrites line ends). Uncompressed:
    reports are small, attachments are mostly compressed already, and compression before
    encryption leaks length information. Raises KeyProblem (exit 6) when the key is not usable and
    InputFileError (exit 3) above MAX_MESSAGE_BYTES.
    """
    if len(data) > MAX_MESSAGE_BYTES:
        raise InputFileError(f"The message is {len(data):,} bytes; cvd-reporter encrypts at most "
                             f"{MAX_MESSAGE_BYTES // (1024 * 1024)} MiB (e-mail providers refuse far less). "
                             "Share large evidence another way.", code="too_large")
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        verdict, target = _evaluate(cert, now)
    require_usable(verdict)
    session_key = os.urandom(32)
    pkesk = _pkesk(target, session_key)
    ops, sig = _sign_packets(signer, data, now) if signer is not None else (b"", b"")
    # RFC 4880 §5.9 literal data: format 'b', empty file name, date, then the bytes.
    literal_head = _armor.new_header(11, 6 + len(data)) + b"b\x00" + int(now.timestamp()).to_bytes(4, "big")
    prefix = os.urandom(16)
    prefix += prefix[-2:]  # RFC 4880 §5.13: block-size random octets, the last two repeated
    mdc_head = b"\xd3\x14"  # MDC packet header (tag 19, length 20), RFC 4880 §5.14
    plain_len = len(prefix) + len(ops) + len(literal_head) + len(data) + len(sig) + len(mdc_head) + 20
    writer = _armor.ArmorWriter("MESSAGE")
    writer.write(pkesk)
    writer.write(_armor.new_header(18, 1 + plain_len) + b"\x01")
    cipher = _cfb_encryptor(session_key)  # full-block CFB, zero IV, no resync (RFC 4880 §5.13)
    mdc = hashlib.sha1()
    for part in (prefix, ops, literal_head):
        mdc.update(part)
        writer.write(cipher.update(part))
    for piece in _pieces(data):
        mdc.update(piece)
        writer.write(cipher.update(piece))
    mdc.update(sig + mdc_head)
    writer.write(cipher.update(sig + mdc_head + mdc.digest()))
    writer.write(cipher.finalize())
    return writer.finish()
