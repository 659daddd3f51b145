"""Check the OpenPGP signature of a signed security.txt (pgpy, imported on use)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from cvd_reporter.core.findings import Finding
from cvd_reporter.core.i18n import Phrase
from cvd_reporter.core.pgp.armor import ArmorError, dearmor
from cvd_reporter.core.pgp.packets import TAG_SIGNATURE, PacketError, iter_packets
from cvd_reporter.core.pgp.packets import parse_signature as parse_packet_signature
from cvd_reporter.core.pgp.verify import key_bodies
from cvd_reporter.core.pgp.verify import verify as verify_packet
from cvd_reporter.core.securitytxt.model import SecurityTxt, SignatureStatus


# ---------------------------------------------------------------------------------- signature
def verify_signature(sectxt: SecurityTxt, keys: Sequence[bytes], *,
                     user_keys: Sequence[bytes] = ()) -> SignatureStatus:
    """Verify the cleartext signature against ``keys`` (the keys behind the Encryption field), then
    against ``user_keys`` (keys the user gave). Keys are armored or binary, one or more per blob.

    The canonical text is built as GnuPG does (dash-escaping undone, trailing whitespace dropped,
    CRLF line ends), so files with trailing spaces verify where pgpy alone says WrongSig.
    A signing key that has since expired still verifies cryptographically; ``detail`` says so.
    """
    base = sectxt.signature
    if base.status == "unsigned" or sectxt.signed_bytes is None or sectxt.armored_signature is None:
        return base
    if not keys and not user_keys:
        return replace(base, status="unknown_key", detail=_no_key(base.key_id))
    import pgpy  # noqa: PLC0415 - pgpy only for signed files

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            sig = pgpy.PGPSignature.from_blob(sectxt.armored_signature)
        except Exception:
            return replace(base, status="bad_signature",
                           detail=Phrase("securitytxt.sig.unreadable"))
        enc = _load_keys(keys)
        sets = (("encryption", enc), ("user", _load_keys(user_keys)))
        signer = (sig.signer or base.key_id or "").upper()
        tried = 0
        for source, keyset in sets:
            for key in keyset:
                ids = {key.fingerprint.keyid.upper(), *(k.upper() for k in key.subkeys)}
                if signer not in ids:
                    continue
                tried += 1
                ok, note = _verify_with(key, sig, sectxt.signed_bytes, signer, sectxt.armored_signature)
                fpr = str(key.fingerprint).replace(" ", "").upper()
                if ok is None:
                    continue
                if not ok:
                    return replace(base, status="bad_signature", fingerprint=fpr, key_source=source,
                                   encryption_keys_checked=len(enc),
                                   detail=Phrase("securitytxt.sig.bad", fpr=fpr))
                status = "signed_by_encryption_key" if source == "encryption" else "signed"
                why = note or ""  # "; the signing key has expired", or nothing
                good = (Phrase("securitytxt.sig.good_encryption", fpr=fpr, note=why) if source == "encryption"
                        else Phrase("securitytxt.sig.good_user", fpr=fpr, note=why))
                return replace(base, status=status, verified=True, fingerprint=fpr, key_source=source,
                               encryption_keys_checked=len(enc), detail=good)
        available = len(enc) + len(sets[1][1])
        detail = (Phrase("securitytxt.sig.not_among", key=signer or "?", n=available) if available
                  else _no_key(signer))
        if tried:
            detail = Phrase("securitytxt.sig.key_type", key=signer)
        return replace(base, status="unknown_key", encryption_keys_checked=len(enc), detail=detail)


def _load_keys(blobs: Iterable[bytes]) -> list[Any]:
    import pgpy  # noqa: PLC0415 - pgpy only for signed files

    keys: list[Any] = []  # pgpy.PGPKey (pgpy ships no types)
    for blob in blobs:
        try:
            key, others = pgpy.PGPKey.from_blob(bytes(blob))
        except Exception:
            continue
        found = [key, *[k for k in (others or {}).values() if getattr(k, "is_primary", False)]]
        for k in found:
            if all(k.fingerprint != seen.fingerprint for seen in keys):
                keys.append(k)
    return keys


def _no_key(signer: str | None) -> Phrase:
    return Phrase("securitytxt.sig.no_key", key=signer or "?")


def _verify_with(key: Any, sig: Any, text: bytes, signer: str, armored: str) -> tuple[bool | None, str | None]:
    """(True/False, note) from the cryptography, or (None, None) when it cannot be told."""
    from pgpy.constants import SecurityIssues  # noqa: PLC0415 - pgpy only for signed files

    try:
        result = key.verify(text, sig)
    except Exception:
        return None, None
    if result:
        return True, None
    issues = SecurityIssues.OK
    for item in (*result.good_signatures, *result.bad_signatures):
        issues |= item.issues
    if issues & SecurityIssues.WrongSig:
        return False, None
    # pgpy refused before doing the cryptography (expired or revoked key): check the signature
    # itself on the original bytes, and say why pgpy hesitated.
    ok = _verify_original(key, text, signer, armored)
    note = Phrase("securitytxt.sig.key_expired") if issues & SecurityIssues.Expired else \
        Phrase("securitytxt.sig.key_revoked") if issues & SecurityIssues.Revoked else \
        Phrase("securitytxt.sig.key_problems")
    return (ok, note) if ok is not None else (None, None)


def _verify_original(key: Any, text: bytes, signer: str, armored: str) -> bool | None:
    """The signature in ``armored`` over ``text``, checked with the (sub)key ``signer`` of ``key``
    by our own packet reader: the key packet and the signature as they were published."""
    try:
        [block] = [b for b in dearmor(armored.encode("ascii", "replace")) if b.kind == "SIGNATURE"]
        sigs = [parse_packet_signature(block.data, p) for p in iter_packets(block.data) if p.tag == TAG_SIGNATURE]
    except (ArmorError, PacketError, ValueError):
        return None
    public = key if key.is_public else key.pubkey
    body = key_bodies(bytes(public)).get(signer)
    chosen = [s for s in sigs if signer in (s.issuer_keyid, s.issuer_fpr[-16:])] or sigs[:1]
    if body is None or not chosen:
        return None
    return verify_packet(body, chosen[0], text)


def apply_signature(sectxt: SecurityTxt, status: SignatureStatus) -> SecurityTxt:
    """A copy of ``sectxt`` with the verification result and its findings."""
    found: list[Finding] = []
    if status.status == "bad_signature" and status.key_source:
        found.append(_finding("bad_signature", "error", status.detail))
    elif status.status in ("unknown_key", "signed") and status.encryption_keys_checked:
        found.append(_finding("signer_not_encryption_key", "warning",
                              Phrase("securitytxt.sig.not_encryption_key", key=status.key_id or "?")))
    elif status.status == "unknown_key":
        found.append(_finding("signature_unverified", "info",
                              Phrase("securitytxt.sig.give_key", detail=status.detail)))
    return replace(sectxt, signature=status, findings=[*sectxt.findings, *found])


def _finding(code: str, severity: str, text: str) -> Finding:
    """A finding on the Signature field: the English text in ``--json``, its id (a Phrase) for the reader's
    language."""
    msgid, params = getattr(text, "msgid", None), getattr(text, "params", None)
    return Finding(code, severity, text, field="Signature",  # type: ignore[arg-type]
                   msgid=msgid, params=params if isinstance(params, dict) else {})
