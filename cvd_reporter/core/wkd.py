"""Where a key for an address lives: WKD URLs (draft-koch-openpgp-webkey-service-17 §3.1), RFC 7929
OPENPGPKEY owner names, and the parsing of security.txt ``Encryption:`` URIs (RFC 9116 §2.5.4).

Pure: computes names and URLs; fetching is net/keys.py's job.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote

ZBASE32 = "ybndrfg8ejkmcpqxot1uwisza345h769"
_HEX = re.compile(r"^(?:[0-9A-F]{40}|[0-9A-F]{64})$")


class AddressError(ValueError):
    pass


def zbase32(data: bytes) -> str:
    """z-base-32 (RFC 6189 §5.1.6 alphabet), most significant bits first, no padding."""
    bits = int.from_bytes(data, "big")
    nbits = len(data) * 8
    out = []
    for shift in range(nbits - 5, -5, -5):
        out.append(ZBASE32[(bits >> shift) & 0x1F] if shift >= 0 else ZBASE32[(bits << -shift) & 0x1F])
    return "".join(out)


def split_address(address: str) -> tuple[str, str]:
    """(local part as given, ASCII lowercase domain). IDN domains become A-labels."""
    address = address.strip()
    if address.lower().startswith("mailto:"):
        address = address[7:].split("?", 1)[0]
    local, sep, domain = address.rpartition("@")
    if not sep or not local or not domain or any(c in address for c in " <>\"\t\r\n"):
        raise AddressError(f"{address!r} is not an e-mail address.")
    domain = domain.rstrip(".").lower()
    try:
        domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        raise AddressError(f"{address!r} has a domain that is not a valid host name.") from None
    if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+", domain):
        raise AddressError(f"{address!r} has a domain that is not a valid host name.")
    return local, domain


def wkd_hash(local: str) -> str:
    """z-base-32 of the SHA-1 of the lowercased local part (the WKD draft lowercases ASCII only)."""
    lowered = "".join(c.lower() if c.isascii() else c for c in local)
    return zbase32(hashlib.sha1(lowered.encode("utf-8")).digest())


@dataclass(frozen=True)
class WkdUrls:
    advanced: str
    direct: str
    advanced_host: str  # openpgpkey.<domain>: its existence in DNS selects the method
    domain: str


def wkd_urls(address: str) -> WkdUrls:
    """Both WKD URLs for ``address``. ``?l=`` carries the original local part for servers with
    case-sensitive mailboxes (draft §3.1)."""
    local, domain = split_address(address)
    h = wkd_hash(local)
    l_param = quote(local, safe="")
    host = f"openpgpkey.{domain}"
    return WkdUrls(
        advanced=f"https://{host}/.well-known/openpgpkey/{domain}/hu/{h}?l={l_param}",
        direct=f"https://{domain}/.well-known/openpgpkey/hu/{h}?l={l_param}",
        advanced_host=host, domain=domain,
    )


def openpgpkey_name(address: str) -> str:
    """RFC 7929 §3: hex SHA2-256 of the UTF-8 local part (not lowercased), cut to 28 octets,
    then ``._openpgpkey.`` and the domain."""
    local, domain = split_address(address)
    return hashlib.sha256(local.encode("utf-8")).hexdigest()[:56] + "._openpgpkey." + domain


@dataclass(frozen=True)
class EncryptionUri:
    """One security.txt ``Encryption:`` value, classified."""

    uri: str
    kind: str  # https | openpgp4fpr | dns | unsupported
    fingerprint: str | None = None  # openpgp4fpr
    name: str | None = None  # dns: the owner name as written
    domain: str | None = None  # dns: the zone part after _openpgpkey.
    problem: str | None = None  # unsupported: why


def parse_encryption_uri(uri: str) -> EncryptionUri:
    text = uri.strip()
    low = text.lower()
    if low.startswith("https://"):
        return EncryptionUri(text, "https")
    if low.startswith("http://"):
        return EncryptionUri(text, "unsupported",
                             problem="RFC 9116 requires https:// for web URIs; a key fetched over plain http "
                                     "could have been swapped on the way, so it is not used.")
    if low.startswith("openpgp4fpr:"):
        fpr = re.sub(r"[\s:]", "", text[12:]).upper()
        if fpr.startswith("0X"):
            fpr = fpr[2:]
        if not _HEX.match(fpr):
            return EncryptionUri(text, "unsupported", problem="the openpgp4fpr: value is not a 40 or 64 digit "
                                                              "hexadecimal fingerprint.")
        return EncryptionUri(text, "openpgp4fpr", fingerprint=fpr)
    if low.startswith("dns:"):
        # RFC 4501: dns:[//authority/]name[?type=...]; we only need the name.
        rest = text[4:]
        if rest.startswith("//"):
            rest = rest[2:].split("/", 1)[1] if "/" in rest[2:] else ""
        name = rest.split("?", 1)[0].rstrip(".").lower()
        query = rest.split("?", 1)[1].lower() if "?" in rest else ""
        if query and "type=openpgpkey" not in query and "type=61" not in query:
            return EncryptionUri(text, "unsupported", problem="the dns: URI does not ask for an OPENPGPKEY record.")
        marker = "._openpgpkey."
        domain = name.split(marker, 1)[1] if marker in name else None
        if not domain:
            return EncryptionUri(text, "unsupported",
                                 problem="the dns: URI does not name an _openpgpkey record (RFC 7929).")
        return EncryptionUri(text, "dns", name=name, domain=domain)
    return EncryptionUri(text, "unsupported", problem="the URI scheme is not one cvd-reporter can fetch a key from "
                                                      "(https:, openpgp4fpr:, dns:).")
