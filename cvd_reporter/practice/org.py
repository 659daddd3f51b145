"""The practice organisation's identity: domain, CA and certificate, OpenPGP key, security.txt, policy."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import trustme
import yaml

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.core.wkd import wkd_hash
from cvd_reporter.store.fs import private_dir, write_private

with warnings.catch_warnings():  # pgpy warns about the cryptography it uses, on import and on use
    warnings.simplefilter("ignore")
    import pgpy
    from pgpy.constants import (
        CompressionAlgorithm,
        EllipticCurveOID,
        HashAlgorithm,
        KeyFlags,
        PubKeyAlgorithm,
        SymmetricKeyAlgorithm,
    )

DOMAIN = "oefendorp.test"
WWW = f"www.{DOMAIN}"
LOKET = f"loket.{DOMAIN}"
OPENPGPKEY = f"openpgpkey.{DOMAIN}"
SMTP_HOST = f"smtp.{DOMAIN}"
KEYSERVER = f"keys.{DOMAIN}"  # stands in for keys.openpgp.org: nothing may leave the machine
SECURITY_ADDRESS = f"security@{DOMAIN}"
NAME = {"nl": "Gemeente Oefendorp", "en": "Municipality of Oefendorp"}
HOSTS = (DOMAIN, WWW, LOKET, OPENPGPKEY, SMTP_HOST, KEYSERVER)


@dataclass
class PracticeOrg:
    folder: Path
    ca_pem: Path
    cert_chain: Path
    cert_key: Path
    key_armored: str  # the organisation's private key (practice only: it decrypts what arrived)
    public_key_binary: bytes
    fingerprint: str
    security_txt: bytes
    policy_path: Path
    smtp_user: str = "oefenaar"
    smtp_password: str = field(default_factory=lambda: secrets.token_urlsafe(18), repr=False)

    @property
    def wkd_path(self) -> str:
        return f"/.well-known/openpgpkey/{DOMAIN}/hu/{wkd_hash(SECURITY_ADDRESS.split('@', maxsplit=1)[0])}"


def _make_key():  # -> pgpy.PGPKey (ed25519 primary + cv25519 encryption subkey)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")

        key = pgpy.PGPKey.new(PubKeyAlgorithm.EdDSA, EllipticCurveOID.Ed25519)
        uid = pgpy.PGPUID.new(f"{NAME['nl']} CERT", email=SECURITY_ADDRESS)
        key.add_uid(uid, usage={KeyFlags.Certify, KeyFlags.Sign}, hashes=[HashAlgorithm.SHA256],
                    ciphers=[SymmetricKeyAlgorithm.AES256],
                    compression=[CompressionAlgorithm.ZLIB, CompressionAlgorithm.ZIP,  # gpg's defaults, less BZip2
                                 CompressionAlgorithm.Uncompressed],
                    key_expiration=dt.timedelta(days=365))
        sub = pgpy.PGPKey.new(PubKeyAlgorithm.ECDH, EllipticCurveOID.Curve25519)
        key.add_subkey(sub, usage={KeyFlags.EncryptCommunications, KeyFlags.EncryptStorage},
                       key_expiration=dt.timedelta(days=365))
        return key


def _security_txt(now: dt.datetime) -> str:
    expires = (now + dt.timedelta(days=180)).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"# security.txt van {NAME['nl']} (oefenomgeving van cvd-reporter)\n"
        f"Contact: mailto:{SECURITY_ADDRESS}\n"
        f"Encryption: https://{OPENPGPKEY}/.well-known/openpgpkey/{DOMAIN}/hu/"
        f"{wkd_hash(SECURITY_ADDRESS.split('@', maxsplit=1)[0])}\n"
        f"Expires: {expires}\n"
        f"Preferred-Languages: nl, en\n"
        f"Policy: https://{WWW}/responsible-disclosure\n"
        f"Canonical: https://{WWW}/.well-known/security.txt\n"
        f"Canonical: https://{DOMAIN}/.well-known/security.txt\n"
    )


POLICY_YAML = """\
# The practice organisation's policy: the Dutch municipal model, with an explicit scope.
id: practice-oefendorp
version: 1
name:
  nl: Responsible disclosure van Gemeente Oefendorp (oefenomgeving)
  en: Municipality of Oefendorp CVD policy (practice)
languages: [nl, en]
response: {working_days: 5, calendar: nl-gemeente}
notify_before_publication: true
report_within_days: 7
required: [vulnerability.title, vulnerability.description]
contact: {require_one_of: [email, phone], allow_anonymous: true, phone_region: NL}
target: {require_one_of: [urls, ips]}
scope:
  include:
    domains: ["oefendorp.test", "*.oefendorp.test"]
    networks: ["127.0.0.0/8", "::1/128"]
  exclude:
    domains: ["betalen.oefendorp.test"]
    note: "De betaalomgeving is een applicatie van een derde partij."
attestations: {ATTESTATIONS}
"""


def build(folder: Path, *, now: dt.datetime | None = None) -> PracticeOrg:
    """Create the organisation's CA, certificate, key, signed security.txt and policy in ``folder``."""
    now = now or dt.datetime.now(dt.timezone.utc)
    private_dir(folder)
    ca = trustme.CA(organization_name="cvd-reporter practice CA (one-off)")
    leaf = ca.issue_cert(*HOSTS, "localhost", "127.0.0.1", "::1")
    ca_pem = write_private(folder / "ca.pem", ca.cert_pem.bytes())
    chain = write_private(folder / "server-chain.pem", b"".join(b.bytes() for b in leaf.cert_chain_pems))
    cert_key = write_private(folder / "server-key.pem", leaf.private_key_pem.bytes())

    key = _make_key()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        message = pgpy.PGPMessage.new(_security_txt(now), cleartext=True)
        message |= key.sign(message, hash=HashAlgorithm.SHA256)
        signed = str(message).encode() + (b"" if str(message).endswith("\n") else b"\n")
        public_binary = bytes(key.pubkey)
        fingerprint = str(key.fingerprint).replace(" ", "")

    base = load_policy("nl-gemeente")
    attestations = {a.id: {"nl": a.text["nl"], "en": a.text["en"], "why": a.why} for a in base.attestations}
    policy_text = POLICY_YAML.replace("{ATTESTATIONS}", json.dumps(attestations, ensure_ascii=False))
    yaml.safe_load(policy_text)  # fail here, not later, if the template is broken
    policy_path = write_private(folder / "policy.yaml", policy_text)
    write_private(folder / "org-key.asc", str(key))
    return PracticeOrg(folder=folder, ca_pem=ca_pem, cert_chain=chain, cert_key=cert_key, key_armored=str(key),
                       public_key_binary=public_binary, fingerprint=fingerprint, security_txt=signed,
                       policy_path=policy_path)


def decrypt(org: PracticeOrg, armored: bytes) -> bytes:
    """What the municipality does on arrival: decrypt with its private key."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        key, _ = pgpy.PGPKey.from_blob(org.key_armored)
        message = pgpy.PGPMessage.from_blob(armored)
        plain = key.decrypt(message).message
    return bytes(plain) if isinstance(plain, (bytes, bytearray)) else str(plain).encode()

