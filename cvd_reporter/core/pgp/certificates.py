"""OpenPGP certificates: read key data (armored or binary, one or many keys) into
:class:`Certificate` objects, refusing what is no key and setting aside what we cannot use.

pgpy (the PGPym fork) parses the key packets and does the public-key primitives; the framing is
ours (:mod:`~cvd_reporter.core.pgp.armor`, :mod:`~cvd_reporter.core.pgp.packets`), and pgpy and our
framing must agree on the fingerprint, or we trust neither. Pure: no network, no files.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from cvd_reporter.core.findings import Said, tr
from cvd_reporter.core.i18n import N_, Phrase
from cvd_reporter.core.pgp import armor as _armor
from cvd_reporter.core.pgp import packets as _packets
from cvd_reporter.errors import KeyProblem

MAX_KEY_BYTES = 2 * 1024 * 1024  # a certificate with thousands of signatures is still far smaller

# RFC 4880 §9.1 public-key algorithm ids.
RSA, RSA_E, RSA_S, ELGAMAL, DSA, ECDH, ECDSA, EDDSA = 1, 2, 3, 16, 17, 18, 19, 22
KNOWN_V4_ALGORITHMS = {RSA, RSA_E, RSA_S, ELGAMAL, DSA, ECDH, ECDSA, EDDSA}
ALGORITHM_NAMES = {RSA: "rsa", RSA_E: "rsa", RSA_S: "rsa", ELGAMAL: "elg", DSA: "dsa", 25: "x25519",
                   26: "x448", 27: "ed25519 (RFC 9580)", 28: "ed448"}
_EMAIL = re.compile(r"<([^<>\s]+@[^<>\s]+)>")


# ---------------------------------------------------------------------------- pgpy access
def pgpy_module() -> Any:
    """Import pgpy on first use (70 ms) and keep its deprecation chatter out of the user's terminal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgpy  # noqa: PLC0415 - kept lazy, see above

    return pgpy


# pgpy raises a zoo of exception types on malformed input; these are the ones seen.
PGPY_PARSE_ERRORS: tuple[type[BaseException], ...] = (
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
    structure: _packets.KeyStructure = field(repr=False)
    notes: tuple[str, ...] = ()  # what was dropped while loading (unsupported subkeys)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Certificate) and other.fingerprint == self.fingerprint and other.raw == self.raw

    def __hash__(self) -> int:
        return hash((self.fingerprint, self.raw))

    @property
    def uids(self) -> list[str]:
        return [body.decode("utf-8", "replace") for tag, body, _ in self.structure.uids if tag == _packets.TAG_USER_ID]

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


def problem(message: str, code: str, **data: Any) -> KeyProblem:
    return KeyProblem(message, code=code, data=data or None)


def _subject(what: str) -> str | Said:
    """``what`` (the subject of a sentence) as a catalogue text where it is one the code passes."""
    if what == "The key data":
        return tr("pgpcert.what.data")
    if what == "The key file":
        return tr("pgpcert.what.file")
    if what.startswith("The key from "):
        return tr("pgpcert.what.from", url=what.removeprefix("The key from "))
    return what


def said(msgid: str, code: str, what: str, data: dict[str, Any] | None = None, **params: Any) -> KeyProblem:
    """A KeyProblem whose sentence is catalogue text ``msgid`` about ``what``, said in the reader's language."""
    return KeyProblem.t(msgid, code=code, data=data, what=_subject(what), **params)


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    return head.startswith(b"<") or any(m in head for m in (b"<html", b"<!doctype html", b"<body"))


def _binary_blobs(data: bytes, what: str) -> list[bytes]:
    """The binary key material in ``data`` (binary as is, or every armored key block)."""
    if len(data) > MAX_KEY_BYTES:
        raise said(N_("pgpcert.too_large"), "not_a_key", what, size=f"{len(data):,}", limit=f"{MAX_KEY_BYTES:,}")
    if not data.strip():
        raise said(N_("pgpcert.empty"), "not_a_key", what)
    if data[0] & 0x80:  # a packet header: binary key data (what WKD and DNS serve)
        return [data]
    try:
        blocks = _armor.dearmor(data)
    except _armor.ArmorError as e:
        code = "not_a_key" if e.code == "bad_base64" else "corrupt_key"
        raise said(N_("pgpcert.armor"), code, what, detail=e.message) from None
    keys = [b for b in blocks if b.kind == "PUBLIC KEY BLOCK"]
    if not keys:
        if any(b.kind in ("PRIVATE KEY BLOCK", "SECRET KEY BLOCK") for b in blocks):
            raise said(N_("pgpcert.private"), "not_a_key", what)
        if _looks_like_html(data):
            raise said(N_("pgpcert.html"), "not_a_key", what)
        raise said(N_("pgpcert.no_public_block"), "not_a_key", what)
    empty = [b for b in keys if not b.data]
    if len(empty) == len(keys):
        raise said(N_("pgpcert.empty_block"), "not_a_key", what)
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
            keys = _packets.split_keyring(blob)
        except _packets.PacketError as e:
            raise said(N_("pgpcert.damaged"), "corrupt_key", what, detail=str(e)) from None
        if not keys:
            raise said(N_("pgpcert.no_key"), "not_a_key", what)
        for packets in keys:
            try:
                cert = _build_certificate(blob, packets, what)
            except KeyProblem as e:
                problems.append(e)
                continue
            except _packets.PacketError as e:  # a key packet too short to read: damaged, not a crash
                problems.append(said(N_("pgpcert.damaged"), "corrupt_key", what, detail=str(e)))
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
    raise problems[0] if problems else said(N_("pgpcert.no_key"), "not_a_key", "The key data")


# What one certificate may hold after third-party certifications are set aside. pgpy's parsing and
# our verdict cost grows with every packet: a 2 MiB key with thousands of signatures and user ids
# took minutes to judge. An organisation's key has a handful of each.
MAX_USER_IDS = 100
MAX_SELF_SIGNATURES = 500
MAX_PACKETS = 2000
_CERTIFICATIONS = frozenset({0x10, 0x11, 0x12, 0x13})  # RFC 9580 §5.2.1: user id certifications


def _without_third_party_certifications(blob: bytes, packets: list[_packets.Packet], fingerprint: str,
                                        what: str) -> tuple[list[_packets.Packet], list[str]]:
    """The certificate's packets without user-id certifications made by other keys (they say nothing
    about whether we may encrypt to it), within the caps above; KeyProblem ``too_complex`` beyond."""
    if len(packets) > MAX_PACKETS:
        raise said(N_("pgpcert.too_many_packets"), "too_complex", what, data={"fingerprint": fingerprint},
                   fingerprint=fingerprint, n=f"{len(packets):,}", limit=f"{MAX_PACKETS:,}")
    own = fingerprint[-16:]
    out: list[_packets.Packet] = []
    dropped = 0
    for packet in packets:
        if packet.tag == _packets.TAG_SIGNATURE:
            try:
                sig = _packets.parse_signature(blob, packet)
            except _packets.PacketError:
                sig = None
            if sig is not None and sig.type in _CERTIFICATIONS and (sig.issuer_keyid or sig.issuer_fpr) and \
                    own not in (sig.issuer_keyid, sig.issuer_fpr[-16:]):
                dropped += 1
                continue
        out.append(packet)
    uids = sum(p.tag in (_packets.TAG_USER_ID, _packets.TAG_USER_ATTRIBUTE) for p in out)
    sigs = sum(p.tag == _packets.TAG_SIGNATURE for p in out)
    if uids > MAX_USER_IDS or sigs > MAX_SELF_SIGNATURES:
        raise said(N_("pgpcert.too_many_uids"), "too_complex", what, data={"fingerprint": fingerprint},
                   fingerprint=fingerprint, uids=f"{uids:,}", sigs=f"{sigs:,}", max_uids=MAX_USER_IDS,
                   max_sigs=MAX_SELF_SIGNATURES)
    notes: list[str] = [Phrase("pgpcert.certifications_set_aside", n=dropped)] if dropped else []
    return out, notes


def _build_certificate(blob: bytes, packets: list[_packets.Packet], what: str) -> Certificate:
    primary = packets[0]
    if primary.tag == _packets.TAG_SECRET_KEY:
        raise said(N_("pgpcert.private"), "not_a_key", what)
    info = _packets.key_packet_info(blob, primary)
    if info.version != 4:
        kind = {2: N_("pgpcert.version.obsolete"), 3: N_("pgpcert.version.obsolete"), 5: N_("pgpcert.version.v5"),
                6: N_("pgpcert.version.v6")}.get(info.version, N_("pgpcert.version.other"))
        raise said(N_("pgpcert.unsupported_version"), "unsupported_key", what, data={"version": info.version},
                   kind=Phrase(kind, version=info.version))
    if info.algorithm not in KNOWN_V4_ALGORITHMS:
        name = ALGORITHM_NAMES.get(info.algorithm, f"algorithm {info.algorithm}")
        raise said(N_("pgpcert.algorithm"), "unsupported_key", what, name=name,
                   data={"fingerprint": info.fingerprint, "algorithm": info.algorithm})
    packets, notes = _without_third_party_certifications(blob, packets, info.fingerprint, what)
    kept: list[bytes] = []
    skipping = False
    for packet in packets:
        if packet.tag in _packets.SUBKEY_TAGS:
            sub = _packets.key_packet_info(blob, packet)
            skipping = sub.version != 4 or sub.algorithm not in KNOWN_V4_ALGORITHMS
            if skipping:
                notes.append(Phrase("pgpcert.subkey_ignored", fingerprint=sub.fingerprint or "?",
                                    version=sub.version, algorithm=sub.algorithm))
        elif packet.tag in (_packets.TAG_USER_ID, _packets.TAG_USER_ATTRIBUTE):
            skipping = False
        if not skipping:
            kept.append(blob[packet.start:packet.end])
    raw = b"".join(kept)
    pgpy = pgpy_module()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            key, _ = pgpy.PGPKey.from_blob(raw)
    except (pgpy.errors.PGPError, *PGPY_PARSE_ERRORS) as e:
        raise said(N_("pgpcert.unparsable"), "corrupt_key", what, data={"fingerprint": info.fingerprint},
                   fingerprint=info.fingerprint, error=type(e).__name__) from None
    fpr = str(key.fingerprint).replace(" ", "").upper()
    if fpr != info.fingerprint:  # pgpy and our own framing must agree, or we trust neither
        raise said(N_("pgpcert.inconsistent"), "corrupt_key", what)
    try:
        structure = _packets.key_structure(raw, _packets.split_keyring(raw)[0])
    except _packets.PacketError as e:
        raise said(N_("pgpcert.damaged_key"), "corrupt_key", what, data={"fingerprint": fpr}, fingerprint=fpr,
                   detail=str(e)) from None
    return Certificate(raw=raw, fingerprint=fpr, key=key, structure=structure, notes=tuple(notes))


def armor_public_key(cert: Certificate) -> str:
    """The certificate as an armored PUBLIC KEY BLOCK with a CRC line (for attaching our own key)."""
    return _armor.armor("PUBLIC KEY BLOCK", cert.raw).decode("ascii")
