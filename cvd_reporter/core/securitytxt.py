"""security.txt (RFC 9116): parse and validate one file, pure and linear in its size.

``parse(content, now=...)`` never touches the network or the clock and never raises anything but
our own errors. Its findings use the codes of sectxt (DigitalTrustCenter, the validator internet.nl
uses) where sectxt has one, so results can be compared line by line, plus codes of our own where
sectxt is blind (``CODES`` lists them all; the README documents each).

Deliberate differences from sectxt, each for the reporter's safety:
- only the signed part of a signed file counts (RFC 9116 §2.3; text before the signed header is
  reported and ignored);
- Contact values are decoded and checked (RFC 6068 mailto, RFC 3966 tel, https with a host), an
  Encryption value must be able to point at an OpenPGP key (RFC 9116 §2.5.4: no key in the field);
- the limits of RFC 9116 §5.4 are enforced (32 KiB, 1000 lines, 2048 characters a line), control
  and bidi characters are reported, an HTML page is recognised as such;
- language tags are checked strictly against RFC 5646 (``en_US`` is not a tag).

Signature verification needs keys: :func:`verify_signature` (pgpy, imported on use).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import unquote, urlsplit

from cvd_reporter.core import cleartext
from cvd_reporter.core.cleartext import ArmorError, SignatureInfo
from cvd_reporter.core.findings import Finding, Severity
from cvd_reporter.core.langtags import is_valid as is_valid_language_tag
from cvd_reporter.errors import ValidationError

# RFC 9116 §5.4: "may choose to have the code not parse files larger than 32 KBs, those with fields
# longer than 2,048 characters, or those containing more than 1,000 lines".
MAX_BYTES = 32 * 1024
MAX_LINES = 1000
MAX_LINE_CHARS = 2048
MAX_SAME_CODE = 20  # findings of one code before they are summarised (hostile files repeat)

WELL_KNOWN_PATH = "/.well-known/security.txt"
LEGACY_PATH = "/security.txt"

FIELD_NAMES = {
    "acknowledgments": "Acknowledgments", "canonical": "Canonical", "contact": "Contact",
    "encryption": "Encryption", "expires": "Expires", "hiring": "Hiring", "policy": "Policy",
    "preferred-languages": "Preferred-Languages", "csaf": "CSAF",
}
URI_FIELDS = frozenset({"acknowledgments", "canonical", "contact", "encryption", "hiring", "policy", "csaf"})

SIGNATURE_STATUSES = ("unsigned", "bad_signature", "unknown_key", "signed_by_encryption_key", "signed")

# code -> (severity, origin, what it means). origin "sectxt": same code and trigger as sectxt 0.9.8
# (its errors are our errors, its recommendations our warnings, its notifications our info).
CODES: dict[str, tuple[Severity, str, str]] = {
    "no_expire": ("error", "sectxt", "no Expires field (RFC 9116 §2.5.5: it MUST be present)"),
    "multi_expire": ("error", "sectxt", "more than one Expires field"),
    "invalid_expiry": ("error", "sectxt", "Expires is not an RFC 3339 date-time"),
    "expired": ("error", "sectxt", "Expires is in the past: the file is stale"),
    "long_expiry": ("warning", "sectxt", "Expires is more than a year ahead"),
    "no_contact": ("error", "sectxt", "no Contact field"),
    "no_canonical_match": ("error", "sectxt", "Canonical is present but lists neither the URL asked for "
                                              "nor the URL the file came from"),
    "no_canonical": ("warning", "sectxt", "a signed file without Canonical"),
    "multi_lang": ("error", "sectxt", "more than one Preferred-Languages field"),
    "invalid_lang": ("error", "sectxt", "a Preferred-Languages value is not an RFC 5646 language tag"),
    "no_uri": ("error", "sectxt", "a URI field holds no URI (no scheme)"),
    "no_https": ("error", "sectxt", "a web URI uses http instead of https"),
    "prec_ws": ("error", "sectxt", "whitespace before the colon"),
    "no_space": ("error", "sectxt", "no space after the colon"),
    "empty_key": ("error", "sectxt", "a line starts with a colon"),
    "empty_value": ("error", "sectxt", "a field without a value"),
    "invalid_line": ("error", "sectxt", "a line that is neither a field, a comment nor blank"),
    "no_line_separators": ("error", "sectxt", "the last line does not end with a line break"),
    "too_many_line_separators": ("error", "sectxt", "a signed file ends with more than one line break"),
    "signed_format_issue": ("error", "sectxt", "the signed-message header is not on the first line"),
    "data_after_sig": ("error", "sectxt", "text after the signature"),
    "pgp_data_error": ("error", "sectxt", "the signature block is not well-formed ASCII armor"),
    "pgp_error": ("error", "sectxt", "the signature data cannot be decoded (base64, checksum, packets)"),
    "not_signed": ("warning", "sectxt", "the file is not signed"),
    "no_encryption": ("warning", "sectxt", "an e-mail Contact but no Encryption field"),
    "no_csaf_file": ("error", "sectxt", "a CSAF value does not point at provider-metadata.json"),
    "multiple_csaf_fields": ("warning", "sectxt", "more than one CSAF field"),
    "unknown_field": ("info", "sectxt", "a field RFC 9116 does not define (ignored)"),
    "utf8": ("error", "sectxt", "the file is not valid UTF-8"),
    "bom_in_file": ("error", "sectxt", "the file starts with a byte-order mark"),
    "location": ("error", "sectxt", "found only at the legacy /security.txt, not under /.well-known/"),
    "invalid_cert": ("warning", "sectxt", "a candidate URL has a certificate that does not verify "
                                           "(if no other URL gives a file, discovery fails with exit 5)"),
    "no_content_type": ("error", "sectxt", "the response has no Content-Type"),
    "invalid_media": ("error", "sectxt", "the Content-Type is not text/plain"),
    "invalid_charset": ("error", "sectxt", "the Content-Type charset is not utf-8"),
    # ours
    "file_too_large": ("error", "own", "the file is larger than 32 KiB (only the first 32 KiB are read)"),
    "too_many_lines": ("error", "own", "the file has more than 1000 lines (the rest is not read)"),
    "line_too_long": ("error", "own", "a line longer than 2048 characters (not parsed)"),
    "invalid_char": ("error", "own", "a control or bidi-override character (a lone CR, NUL, ESC, ...)"),
    "html_page": ("error", "own", "the file is an HTML page, not a security.txt"),
    "invalid_contact": ("error", "own", "a Contact value that is not a usable address: bad or obfuscated "
                                         "e-mail address, web address without a host, malformed tel: number"),
    "invalid_encryption": ("error", "own", "an Encryption value that cannot point at an OpenPGP key "
                                            "(an embedded key, a malformed openpgp4fpr: fingerprint, ...)"),
    "bad_signature": ("error", "own", "the OpenPGP signature does not verify"),
    "signer_not_encryption_key": ("warning", "own", "the file is signed by a key that is not the Encryption key"),
    "signature_unverified": ("info", "own", "signed, but no key was available to check the signature"),
    "encryption_not_a_key": ("warning", "own", "the https Encryption URL does not serve an OpenPGP key"),
    "encryption_key_unavailable": ("warning", "own", "the https Encryption URL could not be fetched"),
    "cross_domain_redirect": ("warning", "own", "the file was reached through a redirect to another "
                                                 "registrable domain: a scope change"),
    "parent_domain": ("warning", "own", "the file was found on a parent domain and, by RFC 9116 §3.1, "
                                         "does not apply to the host itself"),
    "fetch_failed": ("warning", "own", "a candidate URL failed (redirect rules, size, TLS, address); "
                                        "another one gave the file"),
}

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_EXPIRES = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})", re.ASCII)
_CLEARTEXT_HEADER = re.compile(r"(?:Hash|SaltedHash|Charset|Version|Comment): .*")
# C0 controls except TAB, DEL, C1 controls, bidi embeddings/overrides/isolates (Trojan Source).
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]"
_LOCAL = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*|\"(?:[^\"\\\r\n]|\\.)*\"")
_LABEL = r"[A-Za-z0-9\u0080-\U0010ffff](?:[A-Za-z0-9\-\u0080-\U0010ffff]{0,61}[A-Za-z0-9\u0080-\U0010ffff])?"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+{_LABEL}|\[[0-9A-Fa-f:.]+\]|\[IPv6:[0-9A-Fa-f:.]+\]")
_OBFUSCATED = re.compile(r"[\[({<]\s*(?:at|dot|punt|apenstaart)\s*[\])}>]|\s(?:at|dot)\s", re.IGNORECASE)
_TEL_PARAM = re.compile(r"[A-Za-z0-9\-]+(?:=[^;]*)?")
_DIGITS, _VISUAL, _LOCAL_DIGITS = frozenset("0123456789"), frozenset("-.()"), frozenset("0123456789ABCDEFabcdef*#")
_FPR = re.compile(r"[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64}")
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title|script|!--)", re.IGNORECASE)


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


# ---------------------------------------------------------------------------------- helpers
class _Findings:
    """Collects findings; repeats of one code beyond MAX_SAME_CODE become one summary finding."""

    def __init__(self) -> None:
        self.items: list[Finding] = []
        self.counts: dict[str, int] = {}

    def add(self, code: str, message: str, *, line: int | None = None, field: str | None = None,
            **extra: Any) -> None:
        n = self.counts[code] = self.counts.get(code, 0) + 1
        if n <= MAX_SAME_CODE:
            self.items.append(Finding(code, CODES[code][0], message, line, field, None, extra))

    def done(self) -> list[Finding]:
        for code, n in self.counts.items():
            if n > MAX_SAME_CODE:
                self.items.append(Finding(code, CODES[code][0],
                                          f"{n - MAX_SAME_CODE} more lines have the same problem ({code})."))
        return self.items


def _aware(now: datetime) -> datetime:
    return now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)


def _one_year_after(now: datetime) -> datetime:
    try:
        return now.replace(year=now.year + 1)
    except ValueError:  # 29 February, or year 9999
        try:
            return now.replace(year=now.year + 1, day=28)
        except ValueError:
            return datetime.max.replace(tzinfo=timezone.utc)


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


def looks_like_html(text: str) -> bool:
    """An HTML page (a soft-404, a login wall) rather than a security.txt."""
    head = text[:1024].lstrip("\ufeff \t\r\n")
    return head.startswith("<") and _HTML_START.search(head[:1024]) is not None


def printable(text: str) -> str:
    """``text`` safe for a terminal: control and bidi characters shown as escapes."""
    return _BAD_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                          else f"\\u{ord(m.group()):04x}", text)


def parse_expires(value: str) -> datetime | None:
    """An RFC 3339 date-time as sectxt accepts it (``T`` or a space; ``Z`` or ``±hh:mm``), in UTC, or
    None. Seconds ``60`` are refused like sectxt (dateutil) does."""
    m = _EXPIRES.fullmatch(value)
    if m is None:
        return None
    y, mo, d, h, mi, s, frac, zone = m.groups()
    if zone in ("Z", "z"):
        tz = timezone.utc
    else:
        oh, om = int(zone[1:3]), int(zone[4:6])
        if oh > 23 or om > 59:
            return None
        tz = timezone((-1 if zone[0] == "-" else 1) * timedelta(hours=oh, minutes=om))
    try:
        dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), int((frac or "0")[:6].ljust(6, "0")),
                      tzinfo=tz)
        return dt.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        if (int(y), int(mo)) >= (9999, 12):  # valid, but past datetime's range once in UTC
            return datetime.max.replace(tzinfo=timezone.utc)
        return None


def parse_contact(value: str, line: int | None = None) -> Contact:
    """Classify and check one Contact value (RFC 9116 §2.5.3, RFC 6068, RFC 3966)."""
    m = _SCHEME.match(value)
    if m is None:
        if "@" in value and " " not in value:
            ok = _address_problem(value) is None
            return Contact(value, "mailto", value, None, False, line,
                           "a bare e-mail address; RFC 9116 wants mailto:" + ("" if ok else " (and it is malformed)"),
                           (value,))
        return Contact(value, "other", None, None, False, line, "not a URI (no scheme such as mailto: or https:)")
    scheme = m.group(1).lower()
    rest = value[m.end():]
    if scheme == "mailto":
        return _mailto(value, rest, line)
    if scheme in ("https", "http"):
        problem = None
        try:
            host = urlsplit(value).hostname
        except ValueError:
            host = None
        if scheme == "http":
            return Contact(value, "other", None, None, False, line, "a web address must use https://")
        if not host:
            problem = "a web address without a host name"
        elif re.search(r"\s", value):
            problem = "a web address with spaces in it"
        return Contact(value, "https", None, None, problem is None, line, problem)
    if scheme == "tel":
        problem = _tel_problem(rest)
        return Contact(value, "tel", None, None, problem is None, line, problem)
    if scheme in ("javascript", "data", "file", "vbscript", "about", "blob"):
        return Contact(value, "other", None, None, False, line, f"a {scheme}: URI is not a way to contact anyone")
    return Contact(value, "other", None, None, True, line, None)


def _tel_problem(rest: str) -> str | None:
    """RFC 3966 §3 telephone-subscriber, checked with sets (a regex here backtracks quadratically)."""
    number, _, params = rest.partition(";")
    if params and not all(_TEL_PARAM.fullmatch(p) for p in params.split(";")):
        return "not a tel: number (RFC 3966); expected a form like tel:+31-20-123-4567"
    if number.startswith("+"):
        digits = set(number[1:])
        if digits & _DIGITS and digits <= _DIGITS | _VISUAL:
            return None
    elif set(number) & _LOCAL_DIGITS and set(number) <= _LOCAL_DIGITS | _VISUAL:
        if "phone-context=" in params.lower():
            return None
        return "a local tel: number without ;phone-context= (RFC 3966); use the +country form"
    return "not a tel: number (RFC 3966); expected a form like tel:+31-20-123-4567"


def _mailto(value: str, rest: str, line: int | None) -> Contact:
    to, _, query = rest.partition("?")
    addresses = [unquote(a).strip() for a in to.split(",") if a.strip()]
    subject = None
    for part in query.split("&") if query else []:
        name, _, hvalue = part.partition("=")
        name = unquote(name).lower()
        if name == "to":
            addresses += [unquote(a).strip() for a in hvalue.split(",") if a.strip()]
        elif name == "subject" and subject is None:
            subject = unquote(hvalue)
    if not addresses:
        return Contact(value, "mailto", None, subject, False, line, "a mailto: without an address")
    problem = next((p for p in map(_address_problem, addresses) if p), None)
    return Contact(value, "mailto", addresses[0], subject, problem is None, line, problem, tuple(addresses))


def _address_problem(address: str) -> str | None:
    """None for a usable addr-spec (RFC 5322 §3.4.1, UTF-8 allowed as RFC 6531 does), else why not."""
    if _OBFUSCATED.search(address):
        return f"the e-mail address {address!r} is obfuscated; write the real address"
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return f"{address!r} is not an e-mail address (no local part, @ and domain)"
    if not _LOCAL.fullmatch(local) or len(local.encode()) > 64:
        return f"the e-mail address {address!r} has characters a mailbox name cannot have"
    if not _DOMAIN.fullmatch(domain) or len(address.encode()) > 254 or domain.rsplit(".", 1)[-1].isdigit():
        return f"the e-mail address {address!r} has no valid domain"
    return None


def _encryption_problem(value: str) -> str | None:
    """None when the value can point at an OpenPGP key (RFC 9116 §2.5.4), else why not. http and
    scheme-less values are sectxt's no_https / no_uri and are not repeated here."""
    m = _SCHEME.match(value)
    if m is None:
        return None
    scheme, rest = m.group(1).lower(), value[m.end():]
    if scheme == "data":
        return "the Encryption field embeds a key (data:); RFC 9116 §2.5.4 wants a URI where the key can be fetched"
    if scheme == "openpgp4fpr" and not _FPR.fullmatch(rest):
        return "an openpgp4fpr: value must be a 40 (v4) or 64 (v6) hex digit fingerprint"
    if scheme == "dns" and "type=openpgpkey" not in rest.lower():
        return "a dns: Encryption URI must ask for the OPENPGPKEY record (?type=OPENPGPKEY)"
    if scheme in ("mailto", "tel"):
        return f"a {scheme}: URI does not point at a key"
    return None


# ---------------------------------------------------------------------------------- parser
class _Parser:
    def __init__(self, now: datetime, urls: Sequence[str] | None) -> None:
        self.now = now
        self.urls = list(urls or [])
        self.out = _Findings()
        self.fields: list[Field] = []
        self.signed = False

    # -- one line (already right-stripped; dash-escaping undone in signed text) --
    def line(self, no: int, line: str) -> None:
        if line.startswith("#"):
            return
        if ":" not in line:
            if line:
                self.out.add("invalid_line", "A line must be a field (Name: value), a comment (#) or blank.",
                             line=no)
            return
        key, value = line.split(":", 1)
        key = key.lower()
        if key.rstrip() != key:
            self.out.add("prec_ws", "There must be no whitespace before the colon.", line=no)
            key = key.rstrip()
        if value:
            if value[0] != " ":
                self.out.add("no_space", "The colon must be followed by a space.", line=no)
            value = value.lstrip()
        if key == "hash" and self.signed:
            return  # a stray cleartext Hash: header, as sectxt treats it
        if not key:
            self.out.add("empty_key", "The field name must not be empty.", line=no)
            return
        name = FIELD_NAMES.get(key, key)
        if not value:
            self.out.add("empty_value", f"The field {name} has no value.", line=no, field=name)
            return
        self.fields.append(Field(key, value, no))
        if key in URI_FIELDS:
            m = _SCHEME.match(value)
            if m is None:
                self.out.add("no_uri", f"The value of {name} must be a URI (with a scheme such as https:).",
                             line=no, field=name)
            elif m.group(1).lower() == "http":
                self.out.add("no_https", f"A web URI in {name} must begin with https://.", line=no, field=name)
        elif key == "expires":
            self.expires(value, no)
        elif key == "preferred-languages":
            for tag in (v.strip() for v in value.split(",")):
                if not is_valid_language_tag(tag):
                    self.out.add("invalid_lang", f"{tag!r} is not an RFC 5646 language tag; separate tags "
                                                 "with commas, as in 'nl, en'.", line=no, field=name)
        if key not in FIELD_NAMES:
            self.out.add("unknown_field", f"The field {key!r} is not defined by RFC 9116 (a custom field or a "
                                          "typo); it is ignored.", line=no, field=key)

    def expires(self, value: str, no: int) -> None:
        dt = parse_expires(value)
        if dt is None:
            self.out.add("invalid_expiry", f"Expires {value!r} is not an RFC 3339 date-time such as "
                                           "2027-01-31T23:59:59Z.", line=no, field="Expires")
            return
        if dt > _one_year_after(self.now):
            self.out.add("long_expiry", "Expires is more than a year ahead; RFC 9116 §2.5.5 recommends less, "
                                        "so that stale data is noticed.", line=no, field="Expires")
        elif dt < self.now:
            self.out.add("expired", f"The file expired on {dt:%Y-%m-%d %H:%M} UTC; its data may be stale "
                                    "(RFC 9116 §5.3).", line=no, field="Expires")


def parse(content: bytes, *, now: datetime, urls: list[str] | None = None) -> SecurityTxt:
    """Parse and validate a security.txt body. ``urls``: the URL asked for and the URL the file came
    from (first and last of the redirect chain), for the Canonical check. Pure; linear time."""
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise ValidationError("The security.txt content must be given as bytes.", code="invalid_input")
    content = bytes(content)
    now = _aware(now)
    p = _Parser(now, urls)
    out = p.out
    size = len(content)
    truncated = False
    if size > MAX_BYTES:
        out.add("file_too_large", f"The file is larger than {MAX_BYTES:,} bytes (32 KiB, RFC 9116 §5.4); only "
                                  "the first 32 KiB were read.")
        content, truncated = content[:MAX_BYTES], True
    if content.startswith(b"\xef\xbb\xbf"):
        out.add("bom_in_file", "The file starts with a byte-order mark; RFC 9116 §4 wants UTF-8 without one.",
                line=1)
        content = content[3:]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as e:
        if truncated and e.start >= len(content) - 3 and e.reason == "unexpected end of data":
            text = content[:e.start].decode("utf-8", "replace")  # we cut a character in two
        else:
            out.add("utf8", "The file is not valid UTF-8 (RFC 9116 §4); undecodable bytes are shown as \ufffd.",
                    line=content[:e.start].count(b"\n") + 1)
            text = content.decode("utf-8", "replace")
    raw = text.split("\n")
    if len(raw) > MAX_LINES + 1 or (len(raw) == MAX_LINES + 1 and raw[-1] != ""):
        out.add("too_many_lines", f"The file has more than {MAX_LINES} lines (RFC 9116 §5.4); the rest was "
                                  "not read.", line=MAX_LINES + 1)
        raw, truncated = raw[:MAX_LINES], True
    if looks_like_html(text):
        out.add("html_page", "This is an HTML page, not a security.txt (a soft-404 or a login page?).", line=1)
    lines = [r.rstrip() for r in raw]
    skip: set[int] = set()
    for i, r in enumerate(raw):
        if len(r) > MAX_LINE_CHARS:
            out.add("line_too_long", f"Line {i + 1} has {len(r):,} characters; RFC 9116 §5.4 allows "
                                     f"{MAX_LINE_CHARS:,}. It was not parsed.", line=i + 1)
            skip.add(i)
        elif _BAD_CHARS.search(lines[i]):
            bad = _BAD_CHARS.search(lines[i]).group()  # type: ignore[union-attr]
            what = "a carriage return without a line feed" if bad == "\r" else f"the control character U+{ord(bad):04X}"
            out.add("invalid_char", f"Line {i + 1} contains {what}; a security.txt holds only printable text.",
                    line=i + 1)

    stx = SecurityTxt(findings=[], size=size, line_count=len(raw) - (1 if raw and raw[-1] == "" else 0))
    header = next((i for i, line in enumerate(lines) if line == cleartext.BEGIN_SIGNED), None)
    if header is None:
        for i, line in enumerate(lines):
            if i not in skip:
                p.line(i + 1, line)
    else:
        p.signed = True
        _signed(p, stx, content, raw, lines, header, skip)

    _whole_file_checks(p, stx, lines, truncated)
    stx.findings = out.done()
    return stx


def _signed(p: _Parser, stx: SecurityTxt, content: bytes, raw: list[str], lines: list[str], header: int,
            skip: set[int]) -> None:
    """RFC 4880 §7 cleartext framework: header, Hash headers, blank line, dash-escaped text, signature."""
    out = p.out
    if header:
        out.add("signed_format_issue", f"A signed file must start with '{cleartext.BEGIN_SIGNED}'; the "
                                       f"{header} line(s) before it are not signed and were ignored.",
                line=header + 1)
    n = len(lines)
    i = header + 1
    while i < n and _CLEARTEXT_HEADER.fullmatch(lines[i]):
        i += 1
    pgp_problem: tuple[str, str, int] | None = None
    if i < n and lines[i] == "":
        i += 1
    else:
        pgp_problem = ("pgp_data_error", "The signed-message header must be followed by a Hash: line and a "
                                         "blank line.", i + 1)
    body_start = i
    sig_start = next((j for j in range(i, n) if lines[j] == cleartext.BEGIN_SIGNATURE), None)
    body_end = sig_start if sig_start is not None else n
    for j in range(body_start, body_end):
        if j in skip:
            continue
        line = lines[j]
        if line.startswith("- "):
            line = line[2:]
        elif line == cleartext.BEGIN_SIGNED:
            out.add("signed_format_issue", "A second signed-message header inside the signed text.", line=j + 1)
            continue
        p.line(j + 1, line)
    stx.signed_text = "\n".join(r[2:] if r.startswith("- ") else r for r in raw[body_start:body_end])
    if sig_start is None:
        pgp_problem = pgp_problem or ("pgp_data_error", "The signed file has no '-----BEGIN PGP SIGNATURE-----' "
                                                        "block.", n)
        stx.signature = SignatureStatus("bad_signature", detail="The file has no signature block.")
    else:
        sig_end = next((j for j in range(sig_start + 1, n) if lines[j] == cleartext.END_SIGNATURE), None)
        if sig_end is None:
            pgp_problem = pgp_problem or ("pgp_data_error", "The signature block has no '-----END PGP "
                                                            "SIGNATURE-----' line.", n)
            stx.signature = SignatureStatus("bad_signature", detail="The signature block is not closed.")
        else:
            for j in range(sig_end + 1, n):
                if lines[j]:
                    out.add("data_after_sig", "A signed file must not have text after the signature; it is "
                                              "not signed and was ignored.", line=j + 1)
            try:
                data = cleartext.dearmor(lines[sig_start + 1:sig_end])
                stx.signatures = cleartext.parse_signature(data)
            except ArmorError as e:
                pgp_problem = pgp_problem or (e.code, e.message, sig_start + 1)
                stx.signature = SignatureStatus("bad_signature", detail=e.message)
            else:
                first = stx.signatures[0]
                stx.armored_signature = "\n".join(lines[sig_start:sig_end + 1]) + "\n"
                blines = content.split(b"\n")
                stx.signed_bytes = cleartext.canonical_text(blines[body_start:body_end])
                stx.signature = SignatureStatus(
                    "unknown_key", key_id=first.key_id, fingerprint=first.fingerprint,
                    hash_algorithm=first.hash_algorithm, created=first.created,
                    detail="Signed; not verified yet (no key checked).")
    if pgp_problem:
        out.add(pgp_problem[0], pgp_problem[1], line=pgp_problem[2])


def _whole_file_checks(p: _Parser, stx: SecurityTxt, lines: list[str], truncated: bool) -> None:
    out, fields = p.out, p.fields
    by: dict[str, list[Field]] = {}
    for f in fields:
        by.setdefault(f.name, []).append(f)
    expires = by.get("expires", [])
    if not expires:
        out.add("no_expire", "The Expires field is missing; RFC 9116 §2.5.5 requires it.", field="Expires")
    elif len(expires) > 1:
        out.add("multi_expire", "Expires appears more than once; RFC 9116 §2.5.5 allows one.",
                line=expires[1].line, field="Expires")
    stx.expires = next((d for d in (parse_expires(f.value) for f in expires) if d is not None), None)
    stx.canonical = [f.value for f in by.get("canonical", [])]
    if p.urls and stx.canonical and not any(stx.canonical_lists(u) for u in p.urls):
        out.add("no_canonical_match", "Canonical does not list the URL this file was fetched from "
                                      f"({p.urls[-1]}); RFC 9116 §2.5.2 says not to trust it then.",
                field="Canonical")
    if not truncated and lines and lines[-1] != "":
        out.add("no_line_separators", "Every line, the last one included, must end with a line break (LF or "
                                      "CRLF).", line=len(lines))
    if p.signed and len(lines) >= 2 and lines[-1] == "" and lines[-2] == "":
        out.add("too_many_line_separators", "A signed file must not end with more than one line break.",
                line=len(lines))
    csaf = by.get("csaf", [])
    if any(not f.value.endswith("provider-metadata.json") for f in csaf):
        out.add("no_csaf_file", "Every CSAF field must point at a provider-metadata.json file.", field="CSAF")
    if len(csaf) > 1:
        out.add("multiple_csaf_fields", "More than one CSAF field; one is recommended.", field="CSAF")
    contacts = by.get("contact", [])
    stx.contacts = [parse_contact(f.value, f.line) for f in contacts]
    for c in stx.contacts:
        m = _SCHEME.match(c.uri)
        if m and m.group(1).lower() != "http" and not c.valid:
            out.add("invalid_contact", f"Contact {c.uri!r}: {c.problem}.", line=c.line, field="Contact")
    if not contacts:
        out.add("no_contact", "The Contact field is missing; RFC 9116 §2.5.3 requires at least one.",
                field="Contact")
    elif any(f.value.startswith("mailto:") for f in contacts) and "encryption" not in by:
        out.add("no_encryption", "An e-mail Contact without an Encryption field: reports would travel "
                                 "unencrypted unless a key is found elsewhere.", field="Encryption")
    for f in by.get("encryption", []):
        problem = _encryption_problem(f.value)
        if problem:
            out.add("invalid_encryption", f"Encryption {f.value!r}: {problem}.", line=f.line, field="Encryption")
    langs = by.get("preferred-languages", [])
    if len(langs) > 1:
        out.add("multi_lang", "Preferred-Languages appears more than once; RFC 9116 §2.5.8 allows one.",
                line=langs[1].line, field="Preferred-Languages")
    if langs:
        stx.preferred_languages = [t for t in (v.strip() for v in langs[0].value.split(",")) if t]
    if not p.signed:
        out.add("not_signed", "The file is not signed; RFC 9116 §2.3 recommends an OpenPGP cleartext signature.")
    elif not stx.canonical:
        out.add("no_canonical", "A signed file should have a Canonical field, so that the signature also "
                                "vouches for where the file lives.", field="Canonical")
    stx.fields = fields
    stx.encryption = [f.value for f in by.get("encryption", [])]
    stx.policy = [f.value for f in by.get("policy", [])]
    stx.csaf = [f.value for f in csaf]
    stx.acknowledgments = [f.value for f in by.get("acknowledgments", [])]
    stx.hiring = [f.value for f in by.get("hiring", [])]


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
        return replace(base, status="unknown_key",
                       detail=f"Signed by key {base.key_id or 'unknown'}; no key was available to verify it.")
    import pgpy  # noqa: PLC0415 - heavy, needed only here

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            sig = pgpy.PGPSignature.from_blob(sectxt.armored_signature)
        except Exception:
            return replace(base, status="bad_signature",
                           detail="The signature could not be read by the OpenPGP library.")
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
                ok, note = _verify_with(key, sig, sectxt.signed_bytes, signer)
                fpr = str(key.fingerprint).replace(" ", "").upper()
                if ok is None:
                    continue
                if not ok:
                    return replace(base, status="bad_signature", fingerprint=fpr, key_source=source,
                                   encryption_keys_checked=len(enc),
                                   detail=f"The signature does not verify with key {fpr}: the file was changed "
                                          "after signing, or the signature is broken.")
                status = "signed_by_encryption_key" if source == "encryption" else "signed"
                who = "the key behind Encryption" if source == "encryption" else "the key you gave"
                return replace(base, status=status, verified=True, fingerprint=fpr, key_source=source,
                               encryption_keys_checked=len(enc),
                               detail=f"Good signature by {who} ({fpr})" + (f"; {note}" if note else "") + ".")
        detail = (f"Signed by key {signer or 'unknown'}, which is not among the "
                  f"{len(enc) + len(sets[1][1])} key(s) available." if (enc or sets[1][1])
                  else f"Signed by key {signer or 'unknown'}; no key was available to verify it.")
        if tried:
            detail = f"Signed by key {signer}; the OpenPGP library could not check this key type."
        return replace(base, status="unknown_key", encryption_keys_checked=len(enc), detail=detail)


def _load_keys(blobs: Iterable[bytes]) -> list[Any]:
    import pgpy  # noqa: PLC0415 - pgpy only for signed files (see the first import above)

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


def _verify_with(key: Any, sig: Any, text: bytes, signer: str) -> tuple[bool | None, str | None]:
    """(True/False, note) from the cryptography, or (None, None) when pgpy cannot tell."""
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415 - with pgpy, signed files only
    from pgpy.constants import SecurityIssues  # noqa: PLC0415 - signed files only

    try:
        result = key.verify(text, sig)
    except Exception:
        return None, None
    if result:
        return True, None
    issues = SecurityIssues.OK
    for item in getattr(result, "_subjects", []):
        issues |= item.issues
    if issues & SecurityIssues.WrongSig:
        return False, None
    # pgpy refused before doing the cryptography (expired or revoked key): check the signature
    # itself, and say why pgpy hesitated.
    signing = key if key.fingerprint.keyid.upper() == signer else key.subkeys.get(signer, key)
    try:
        ok = signing._key.verify(sig.hashdata(text), sig.__sig__, getattr(hashes, sig.hash_algorithm.name)())
    except Exception:
        return None, None
    note = "the signing key has expired" if issues & SecurityIssues.Expired else \
        "the signing key is revoked" if issues & SecurityIssues.Revoked else "the signing key has problems"
    return bool(ok) if ok is not NotImplemented else None, note


def apply_signature(sectxt: SecurityTxt, status: SignatureStatus) -> SecurityTxt:
    """A copy of ``sectxt`` with the verification result and its findings."""
    found: list[Finding] = []
    if status.status == "bad_signature" and status.key_source:
        found.append(Finding("bad_signature", "error", status.detail, field="Signature"))
    elif status.status in ("unknown_key", "signed") and status.encryption_keys_checked:
        found.append(Finding("signer_not_encryption_key", "warning",
                             f"The file is signed by key {status.key_id or '?'}, which is not the key behind "
                             "Encryption; check out of band that this key belongs to the organisation.",
                             field="Signature"))
    elif status.status == "unknown_key":
        found.append(Finding("signature_unverified", "info", status.detail + " Give the key with --key FILE.",
                             field="Signature"))
    return replace(sectxt, signature=status, findings=[*sectxt.findings, *found])
