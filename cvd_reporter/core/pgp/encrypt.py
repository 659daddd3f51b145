"""OpenPGP encryption and signing of a report: one ASCII-armored message to one certificate.

pgpy wraps the session key (RSA / ECDH) and makes the signature; the symmetric part (RFC 4880
§5.13, SEIPD v1 with MDC, AES-256) and the armor are ours: pgpy keeps about nine copies of a
message and its CRC24 is 20x slower than gpg. Pure: no network, no files; ``now`` is a parameter.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from cvd_reporter.core.pgp.armor import ArmorWriter
from cvd_reporter.core.pgp.certificates import PGPY_PARSE_ERRORS, Certificate, pgpy_module
from cvd_reporter.core.pgp.keys import KeyVerdict, judge, require_usable
from cvd_reporter.core.pgp.packets import TAG_LITERAL, new_header
from cvd_reporter.errors import InputFileError, InputNeeded, KeyProblem

# Plaintext cap for encrypt(): memory is about 2.5x the input (input, armored output, 1 MiB pieces);
# e-mail providers refuse messages over about 25 MB long before this.
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
_PIECE = 1 << 20


def _fpr(pgpkey: Any) -> str:
    return str(pgpkey.fingerprint).replace(" ", "").upper()


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
    pgpy = pgpy_module()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            key, _ = pgpy.PGPKey.from_blob(data)
    except (pgpy.errors.PGPError, *PGPY_PARSE_ERRORS):
        raise KeyProblem.t("pgp.encrypt.signing_unreadable", code="not_a_key") from None
    if key.is_public:
        raise KeyProblem.t("pgp.encrypt.signing_public", code="not_a_key")
    if key.is_protected:
        if not passphrase:
            raise InputNeeded.t("pgp.encrypt.passphrase_needed", code="passphrase_needed")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with key.unlock(passphrase):
                    pass
        except pgpy.errors.PGPDecryptionError:
            raise KeyProblem.t("pgp.encrypt.bad_passphrase", code="bad_passphrase") from None
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
    return new_header(4, len(ops_body)) + ops_body, sig_bytes


# ---------------------------------------------------------------------------- encryption
_AES256 = 9  # RFC 4880 §9.2


def _pkesk(target: Any, session_key: bytes) -> bytes:
    """The public-key encrypted session key packet for ``target`` (RFC 4880 §5.1), built by pgpy."""
    from pgpy.constants import SymmetricKeyAlgorithm  # noqa: PLC0415 - kept lazy, see above
    from pgpy.packet.packets import PKESessionKeyV3  # noqa: PLC0415 - kept lazy, see above

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pkesk = PKESessionKeyV3()
        pkesk.encrypter = bytearray(bytes.fromhex(_fpr(target)[-16:]))
        pkesk.pkalg = target.key_algorithm
        pkesk.encrypt_sk(target._key, SymmetricKeyAlgorithm.AES256, session_key)
        return bytes(pkesk)


def _cfb_encryptor(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms  # noqa: PLC0415 - kept lazy, see above

    try:  # cryptography >= 47 keeps CFB in the "decrepit" module; the old path warns
        from cryptography.hazmat.decrepit.ciphers.modes import CFB  # noqa: PLC0415 - kept lazy, see above
    except ImportError:  # pragma: no cover - older cryptography
        from cryptography.hazmat.primitives.ciphers.modes import CFB  # noqa: PLC0415 - kept lazy, see above
    return Cipher(algorithms.AES(key), CFB(bytes(16))).encryptor()


def _pieces(data: bytes) -> Iterator[memoryview]:
    view = memoryview(data)
    for i in range(0, len(view), _PIECE):
        yield view[i:i + _PIECE]


def encrypt(data: bytes, cert: Certificate, *, now: datetime, signer: SigningKey | None = None,
            judged: tuple[KeyVerdict, Any] | None = None) -> bytes:
    """``data`` as an ASCII-armored OpenPGP message (with CRC line) to ``cert``'s newest valid
    encryption key: PKESK v3, then SEIPD v1 (AES-256, MDC) around an uncompressed binary literal
    packet, optionally signed (one-pass) by ``signer``.

    Binary literal data ('b') keeps bytes exact (with 't' gpg rewrites line ends). Uncompressed:
    reports are small, attachments are mostly compressed already, and compression before
    encryption leaks length information. Raises KeyProblem (exit 6) when the key is not usable and
    InputFileError (exit 3) above MAX_MESSAGE_BYTES. ``judged`` is :func:`judge`'s answer for ``cert``
    at ``now`` when the caller has it already (the key is then not judged again).
    """
    if len(data) > MAX_MESSAGE_BYTES:
        raise InputFileError.t("pgp.encrypt.too_large", code="too_large", size=f"{len(data):,}",
                               limit=MAX_MESSAGE_BYTES // (1024 * 1024))
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    verdict, target = judged if judged is not None else judge(cert, now=now)
    require_usable(verdict)
    session_key = os.urandom(32)
    pkesk = _pkesk(target, session_key)
    ops, sig = _sign_packets(signer, data, now) if signer is not None else (b"", b"")
    # RFC 4880 §5.9 literal data: format 'b', empty file name, date, then the bytes.
    literal_head = new_header(TAG_LITERAL, 6 + len(data)) + b"b\x00" + int(now.timestamp()).to_bytes(4, "big")
    prefix = os.urandom(16)
    prefix += prefix[-2:]  # RFC 4880 §5.13: block-size random octets, the last two repeated
    mdc_head = b"\xd3\x14"  # MDC packet header (tag 19, length 20), RFC 4880 §5.14
    plain_len = len(prefix) + len(ops) + len(literal_head) + len(data) + len(sig) + len(mdc_head) + 20
    writer = ArmorWriter("MESSAGE")
    writer.write(pkesk)
    writer.write(new_header(18, 1 + plain_len) + b"\x01")
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
