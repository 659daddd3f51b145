"""May we encrypt to this certificate at ``now``? Key inspection and its verdict.

Every policy decision is ours, because pgpy makes none: it encrypts to expired and revoked keys,
picks the first encryption key instead of the newest valid one, and falls back to 3DES. Signatures
are checked on the original bytes (:mod:`~cvd_reporter.core.pgp.verify`); pgpy only tells us the
algorithm and size of a key. Pure: no network, no files; ``now`` is always a parameter.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from cvd_reporter.core.findings import Said, tr
from cvd_reporter.core.i18n import N_, say
from cvd_reporter.core.pgp import verify as _verify
from cvd_reporter.core.pgp.certificates import (
    ALGORITHM_NAMES,
    DSA,
    ECDH,
    ECDSA,
    EDDSA,
    ELGAMAL,
    RSA,
    RSA_E,
    RSA_S,
    Certificate,
    uid_address,
)
from cvd_reporter.core.pgp.packets import TAG_USER_ID, SigInfo, key_hash_prefix_for, uid_hash_prefix
from cvd_reporter.errors import KeyProblem

EXPIRY_WARNING_DAYS = 30
RSA_MIN_BITS = 2048
RSA_WARN_BITS = 3072
_CURVE_NAMES = {  # pgpy EllipticCurveOID name -> (gpg's name, bits)
    "Curve25519": ("cv25519", 255), "Ed25519": ("ed25519", 255), "NIST_P256": ("nistp256", 256),
    "NIST_P384": ("nistp384", 384), "NIST_P521": ("nistp521", 521), "Brainpool_P256": ("brainpoolP256r1", 256),
    "Brainpool_P384": ("brainpoolP384r1", 384), "Brainpool_P512": ("brainpoolP512r1", 512),
    "SECP256K1": ("secp256k1", 256),
}
# RFC 4880 §5.2.1 signature types and §5.2.3.21 key flags.
_CERTIFICATIONS = (0x10, 0x11, 0x12, 0x13)
SIG_SUBKEY_BINDING, SIG_DIRECT, SIG_KEY_REVOCATION, SIG_SUBKEY_REVOCATION, SIG_CERT_REVOCATION = \
    0x18, 0x1F, 0x20, 0x28, 0x30
_FLAG_ENCRYPT = 0x04 | 0x08
# Self-signature hashes we accept: MD5 and RIPEMD-160 are refused, as gpg 2.2 does.
_SELF_SIG_HASHES = frozenset({2, 8, 9, 10, 11})


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
    said: dict[str, Said] = field(default_factory=dict)  # English reason or warning -> its catalogue text

    @property
    def code(self) -> str | None:
        return self.codes[0] if self.codes else None

    def text(self, english: str) -> str | Said:
        """A reason or warning as a catalogue text to say in the reader's language (itself when it has none)."""
        return self.said.get(english, english)

    def reasons_in(self, lang: str | None) -> list[str]:
        return [say(lang, s.msgid, **s.params) if isinstance(s, Said) else s for s in map(self.text, self.reasons)]

    def warnings_in(self, lang: str | None) -> list[str]:
        return [say(lang, s.msgid, **s.params) if isinstance(s, Said) else s for s in map(self.text, self.warnings)]

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
    return f"{ALGORITHM_NAMES.get(algo, str(algo))}{bits}", bits, algo


def _issued_by(sig: SigInfo, fpr: str) -> bool:
    if sig.issuer_fpr:
        return sig.issuer_fpr == fpr
    if sig.issuer_keyid:
        return sig.issuer_keyid == fpr[-16:]
    return True  # no issuer at all: the signature check decides


def _ts(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def _is_sig_current(sig: SigInfo, now: datetime) -> bool:
    created = _ts(sig.created)
    if created > now + timedelta(minutes=5):
        return False
    return not sig.sig_expires or created + timedelta(seconds=sig.sig_expires) > now


def _expiry(created: datetime, sig: SigInfo) -> datetime | None:
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


@dataclass
class _Eval:
    """The working state of one verdict: the key, ``now`` and the reasons found so far."""

    cert: Certificate
    now: datetime
    name: str
    bits: int
    algo_id: int
    reasons: list[tuple[str, Said]] = field(default_factory=list)
    warns: list[Said] = field(default_factory=list)

    @property
    def key(self) -> Any:
        return self.cert.key

    @property
    def fpr(self) -> str:
        return self.cert.fingerprint

    @property
    def created(self) -> datetime:
        created: datetime = self.cert.key.created  # pgpy ships no types
        return created

    @property
    def key_prefix(self) -> bytes:
        return self.cert.structure.key_hash_prefix()

    def refuse(self, code: str, msgid: str, /, **params: Any) -> None:
        self.reasons.append((code, tr(msgid, **params)))

    def warn(self, msgid: str, /, **params: Any) -> None:
        self.warns.append(tr(msgid, **params))

    def has(self, code: str) -> bool:
        return any(c == code for c, _ in self.reasons)

    def self_signed(self, sig: SigInfo, prefix: bytes) -> bool:
        """Issued by the primary key and verified over ``prefix`` (the subject's hash prefix)."""
        return (_issued_by(sig, self.fpr) and sig.hash_algorithm in _SELF_SIG_HASHES
                and _verify.verify(self.cert.structure.primary_body, sig, prefix) is True)


def _check_primary(ev: _Eval) -> None:
    """Algorithm, size, creation date and revocation of the primary key."""
    algo_id, name, bits = ev.algo_id, ev.name, ev.bits
    if algo_id in (DSA, ELGAMAL):
        ev.refuse("unsupported_key", N_("pgpkey.old_algorithm"), algorithm="DSA" if algo_id == DSA else "ElGamal",
                  name=name)
    if algo_id in (RSA, RSA_E, RSA_S) and bits < RSA_MIN_BITS:
        ev.refuse("weak_key", N_("pgpkey.weak"), bits=bits, minimum=RSA_MIN_BITS)
    if ev.created > ev.now + timedelta(minutes=5):
        ev.refuse("future_key", N_("pgpkey.future"), date=_date(ev.created))
    # Primary key revocation (type 0x20), counted only when it verifies. Revocations by a
    # designated revoker cannot be checked without that key and are ignored, as gpg does.
    for sig in ev.cert.structure.direct:
        if sig.type == SIG_KEY_REVOCATION and ev.self_signed(sig, ev.key_prefix):
            if sig.revocation_reason:
                ev.refuse("revoked", N_("pgpkey.revoked_why"), date=_date(_ts(sig.created)),
                          why=sig.revocation_reason)
            else:
                ev.refuse("revoked", N_("pgpkey.revoked"), date=_date(_ts(sig.created)))
            break


def _check_uids(ev: _Eval) -> tuple[list[tuple[str, SigInfo]], list[str]]:
    """(valid User IDs with their newest self-certification, every User ID). A verified 0x30 at
    least as new as the newest certification revokes a User ID."""
    valid: list[tuple[str, SigInfo]] = []
    every: list[str] = []
    for tag, body, sigs in ev.cert.structure.uids:
        if tag != TAG_USER_ID:
            continue
        text = body.decode("utf-8", "replace")
        every.append(text)
        prefix = ev.key_prefix + uid_hash_prefix(tag, body)
        certs = [s for s in sigs if s.type in _CERTIFICATIONS and _is_sig_current(s, ev.now)
                 and ev.self_signed(s, prefix)]
        if not certs:
            continue
        newest = max(certs, key=lambda s: s.created)
        if any(s.type == SIG_CERT_REVOCATION and s.created >= newest.created and ev.self_signed(s, prefix)
               for s in sigs):
            continue
        valid.append((text, newest))
    if not every:
        ev.refuse("no_user_id", N_("pgpkey.no_user_id"))
    elif not valid:
        ev.refuse("revoked", N_("pgpkey.uids_revoked"))
    return valid, every


def _primary_expiry_and_flags(ev: _Eval, valid_uids: list[tuple[str, SigInfo]]) -> tuple[datetime | None, int]:
    """The primary's expiry and key flags, from the self-signature that speaks for the key: the
    primary User ID's newest, else the newest; then the direct-key signatures, newest first."""
    direct = sorted((s for s in ev.cert.structure.direct if s.type == SIG_DIRECT and _is_sig_current(s, ev.now)
                     and ev.self_signed(s, ev.key_prefix)), key=lambda s: s.created)
    selfsig = None
    if valid_uids:
        primaries = [v for v in valid_uids if v[1].primary_uid] or valid_uids
        selfsig = max(primaries, key=lambda v: v[1].created)[1]
    speaking = ([selfsig] if selfsig is not None else []) + direct[::-1]
    expires = next((_expiry(ev.created, s) for s in speaking if s.key_expires is not None), None)
    if expires is not None and expires <= ev.now:
        ev.refuse("expired", N_("pgpkey.expired"), date=_date(expires))
    flags = next((s.key_flags for s in speaking if s.key_flags is not None), 0)
    return expires, flags


def _subkey(ev: _Eval, body: bytes, sigs: list[SigInfo]) -> _Sub | None:
    """One subkey and its state: the newest verified binding (0x18) gives flags and expiry; a
    verified 0x28 revokes."""
    sub_fpr = hashlib.sha1(key_hash_prefix_for(body)).hexdigest().upper()
    sk = ev.key.subkeys.get(sub_fpr[-16:])
    if sk is None:
        return None
    s_name, s_bits, s_algo = _algorithm(sk)
    sub = _Sub(sk, sub_fpr, sk.created, s_name, s_bits, s_algo)
    prefix = ev.key_prefix + key_hash_prefix_for(body)
    bindings = [s for s in sigs if s.type == SIG_SUBKEY_BINDING and _is_sig_current(s, ev.now)
                and ev.self_signed(s, prefix)]
    if not bindings:
        sub.state = "unbound"
        return sub
    binding = max(bindings, key=lambda s: s.created)
    flags = binding.key_flags
    can_encrypt = s_algo in (RSA, RSA_E, ELGAMAL, ECDH)
    if (flags is not None and not flags & _FLAG_ENCRYPT) or (flags is None and not can_encrypt):
        sub.state = "not_encryption"
        return sub
    sub.expires = _expiry(sk.created, binding)
    if any(s.type == SIG_SUBKEY_REVOCATION and ev.self_signed(s, prefix) for s in sigs):
        sub.state = "revoked"
    elif sk.created > ev.now + timedelta(minutes=5):
        sub.state = "future"
    elif sub.expires is not None and sub.expires <= ev.now:
        sub.state = "expired"
    elif s_algo not in (RSA, ECDH) or (s_algo == ECDH and s_bits == 0):
        sub.state = "unsupported"
    elif s_algo == RSA and s_bits < RSA_MIN_BITS:
        sub.state = "weak"
    return sub


def _refuse_subkeys(ev: _Eval, subs: list[_Sub]) -> None:
    """No usable encryption key: say why, from the encryption subkeys' states."""
    enc_subs = [s for s in subs if s.state not in ("unbound", "not_encryption")]
    states = {s.state for s in enc_subs}
    if "expired" in states and not ev.reasons:
        last = max((s.expires for s in enc_subs if s.expires), default=None)
        if last:
            ev.refuse("expired", N_("pgpkey.sub_expired_on"), date=_date(last))
        else:
            ev.refuse("expired", N_("pgpkey.sub_expired"))
    elif "revoked" in states and not ev.has("revoked"):
        ev.refuse("revoked", N_("pgpkey.sub_revoked"))
    elif "unsupported" in states and not ev.has("unsupported_key"):
        algos = sorted({s.algorithm for s in enc_subs if s.state == "unsupported"})
        ev.refuse("unsupported_key", N_("pgpkey.sub_unsupported"), algorithms=", ".join(algos))
    elif "weak" in states and not ev.has("weak_key"):
        weak = min(s.bits for s in enc_subs if s.state == "weak")
        ev.refuse("weak_key", N_("pgpkey.sub_weak"), bits=weak, minimum=RSA_MIN_BITS)
    elif "future" in states and not ev.reasons:
        ev.refuse("future_key", N_("pgpkey.sub_future"))
    elif not ev.reasons:
        ev.refuse("no_encryption_key", N_("pgpkey.no_encryption_key"))


def _warn(ev: _Eval, chosen: _Sub | None, enc_bits: int | None, expires: datetime | None,
          enc_expires: datetime | None) -> None:
    for msgid, b in ((N_("pgpkey.warn_bits"), ev.bits if ev.algo_id in (RSA, RSA_S, RSA_E) else None),
                     (N_("pgpkey.warn_sub_bits"), enc_bits if chosen and chosen.algo_id == RSA else None)):
        if b is not None and b < RSA_WARN_BITS:
            ev.warn(msgid, bits=b)
    soonest = min((d for d in (expires, enc_expires) if d is not None), default=None)
    if soonest is not None and soonest - ev.now < timedelta(days=EXPIRY_WARNING_DAYS):
        days = max(0, (soonest - ev.now).days)
        ev.warn(N_("pgpkey.expires_soon") if days != 1 else N_("pgpkey.expires_tomorrow"), date=_date(soonest),
                days=days)


def evaluate(cert: Certificate, now: datetime, address: str | None = None) -> tuple[KeyVerdict, Any]:
    """The verdict plus the pgpy key (primary or subkey) to encrypt to, if any (for encrypt)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    ev = _Eval(cert, now, *_algorithm(cert.key))
    _check_primary(ev)
    valid_uids, all_uids = _check_uids(ev)
    expires, primary_flags = _primary_expiry_and_flags(ev, valid_uids)
    subs = [s for s in (_subkey(ev, body, sigs) for body, sigs in cert.structure.subkeys) if s is not None]
    candidates = [s for s in subs if s.state == "ok"]
    target: Any = None
    chosen: _Sub | None = None
    if candidates:
        chosen = max(candidates, key=lambda s: s.created)  # the newest valid one, as gpg picks
        target = chosen.key
    elif primary_flags & _FLAG_ENCRYPT and ev.algo_id == RSA:
        target = cert.key  # an encryption-capable primary is the last resort (gpg prefers subkeys)
    else:
        _refuse_subkeys(ev, subs)
    on_primary = target is cert.key
    enc_name = chosen.algorithm if chosen else (ev.name if on_primary else None)
    enc_bits = chosen.bits if chosen else (ev.bits if on_primary else None)
    enc_expires = chosen.expires if chosen else (expires if on_primary else None)
    if target is not None and not ev.reasons:
        _warn(ev, chosen, enc_bits, expires, enc_expires)
    address_match = None
    if address is not None:
        wanted = address.strip().lower()
        address_match = any(uid_address(text) == wanted for text, _ in valid_uids)
        if not address_match:
            ev.warn(N_("pgpkey.no_uid_match"), address=address)
    usable = target is not None and not ev.reasons
    verdict = KeyVerdict(
        fingerprint=ev.fpr, usable=usable,
        reasons=[said.english for _, said in ev.reasons], codes=[code for code, _ in ev.reasons],
        warnings=[said.english for said in ev.warns],
        said={said.english: said for said in [*(s for _, s in ev.reasons), *ev.warns]},
        algorithm=ev.name, bits=ev.bits, created=ev.created, expires=expires, uids=all_uids,
        encryption_subkey=(chosen.fingerprint if chosen else (ev.fpr if on_primary else None)),
        encryption_algorithm=enc_name, encryption_bits=enc_bits, encryption_expires=enc_expires,
        address=address, address_match=address_match, notes=list(cert.notes),
    )
    return verdict, target if usable else None


def inspect(cert: Certificate, *, now: datetime, address: str | None = None) -> KeyVerdict:
    """May we encrypt to ``cert`` at ``now``? Every check gpg makes before it encrypts, and a few more.

    Refusals (``usable`` False, one reason each): revoked or expired primary key, no encryption
    subkey with a verified binding, the encryption flag, no revocation and no expiry; RSA below
    2048 bits; DSA/ElGamal; no User ID. Warnings: RSA below 3072, expiry within 30 days, no User ID
    matching ``address``. The encryption subkey is the newest valid one, as gpg picks it.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return evaluate(cert, now, address)[0]


def judge(cert: Certificate, *, now: datetime, address: str | None = None) -> tuple[KeyVerdict, Any]:
    """:func:`inspect` plus the key it would encrypt to: judge a key once, then hand both to
    :func:`cvd_reporter.core.pgp.encrypt.encrypt` (``judged=``) instead of judging it again there."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return evaluate(cert, now, address)


def require_usable(verdict: KeyVerdict) -> None:
    """Raise KeyProblem (exit 6) with the first reason when the verdict says no."""
    if not verdict.usable:
        raise KeyProblem.t("pgpkey.refused", fingerprint=verdict.fingerprint,
                           reason=verdict.text(verdict.reasons[0]) if verdict.reasons else tr("pgpkey.not_usable"),
                           code=verdict.code or "key_unusable",
                         data={"fingerprint": verdict.fingerprint, "reasons": verdict.reasons,
                               "codes": verdict.codes})
