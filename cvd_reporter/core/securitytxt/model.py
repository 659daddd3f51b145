"""What a parsed security.txt is: its fields, decoded contacts, signature status and findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cvd_reporter.core.findings import Finding
from cvd_reporter.core.pgp.cleartext import SignatureInfo


def normalise_url(url: str) -> str:
    """Scheme and host lower-cased, the default port and fragment dropped (for Canonical matching)."""
    try:
        p = urlsplit(url.strip())
        netloc = p.netloc.lower()
        if p.scheme.lower() == "https" and netloc.endswith(":443"):
            netloc = netloc[:-4]
        return f"{p.scheme.lower()}://{netloc}{p.path or '/'}" + (f"?{p.query}" if p.query else "")
    except ValueError:
        return url.strip()


# ---------------------------------------------------------------------------------- model
@dataclass(frozen=True)
class Field:
    name: str  # lower case, as RFC 9116 §2 field names are case-insensitive
    value: str
    line: int


@dataclass(frozen=True)
class Contact:
    """One Contact value, in file order (RFC 9116 §2.5.3: the order is the preference)."""

    uri: str
    kind: str  # "mailto" | "https" | "tel" | "other"
    address: str | None  # the decoded e-mail address (mailto or a bare address), else None
    subject: str | None  # from ?subject= (mailto)
    valid: bool
    line: int | None = None
    problem: str | None = None  # why it is not valid, in one sentence
    addresses: tuple[str, ...] = ()  # every address of a mailto with several

    def to_dict(self) -> dict[str, Any]:
        return {"uri": self.uri, "kind": self.kind, "address": self.address, "addresses": list(self.addresses),
                "subject": self.subject, "valid": self.valid, "problem": self.problem, "line": self.line}


@dataclass(frozen=True)
class SignatureStatus:
    """unsigned / bad_signature / unknown_key / signed_by_encryption_key / signed (a key you gave)."""

    status: str
    verified: bool = False
    key_id: str | None = None  # the signer's key ID as the signature states it
    fingerprint: str | None = None  # the verifying key's fingerprint, else the issuer fingerprint stated
    hash_algorithm: str | None = None
    created: datetime | None = None
    key_source: str | None = None  # "encryption" | "user" when verified or refuted by such a key
    encryption_keys_checked: int = 0  # how many keys from the Encryption field were available
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "verified": self.verified, "key_id": self.key_id,
                "fingerprint": self.fingerprint, "hash_algorithm": self.hash_algorithm,
                "created": self.created.isoformat() if self.created else None, "key_source": self.key_source,
                "encryption_keys_checked": self.encryption_keys_checked, "detail": self.detail}


@dataclass
class SecurityTxt:
    findings: list[Finding]
    fields: list[Field] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    encryption: list[str] = field(default_factory=list)
    policy: list[str] = field(default_factory=list)
    preferred_languages: list[str] = field(default_factory=list)
    canonical: list[str] = field(default_factory=list)
    csaf: list[str] = field(default_factory=list)
    acknowledgments: list[str] = field(default_factory=list)
    hiring: list[str] = field(default_factory=list)
    expires: datetime | None = None
    signature: SignatureStatus = field(default_factory=lambda: SignatureStatus("unsigned"))
    signed_text: str | None = None  # the signed part, dash-escaping undone (only this part counts)
    size: int = 0
    line_count: int = 0
    signatures: list[SignatureInfo] = field(default_factory=list)
    signed_bytes: bytes | None = field(default=None, repr=False)  # what the signature covers
    armored_signature: str | None = field(default=None, repr=False)

    @property
    def valid(self) -> bool:
        """No error findings (warnings and info do not count)."""
        return not any(f.severity == "error" for f in self.findings)

    @property
    def signed(self) -> bool:
        return self.signature.status != "unsigned"

    def canonical_lists(self, url: str) -> bool:
        target = normalise_url(url)
        return any(normalise_url(c) == target for c in self.canonical)

    def to_dict(self, *, include_findings: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "valid": self.valid,
            "contacts": [c.to_dict() for c in self.contacts],
            "encryption": self.encryption, "policy": self.policy,
            "preferred_languages": self.preferred_languages, "canonical": self.canonical,
            "csaf": self.csaf, "acknowledgments": self.acknowledgments, "hiring": self.hiring,
            "expires": self.expires.isoformat() if self.expires else None,
            "signature": self.signature.to_dict(),
            "fields": [{"name": f.name, "value": f.value, "line": f.line} for f in self.fields],
            "size": self.size, "lines": self.line_count,
        }
        if include_findings:
            out["findings"] = [f.to_dict() for f in self.findings]
        return out
