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

The package: ``codes`` (limits, field names, finding codes), ``model`` (the parsed file), ``fields``
(value syntax: Expires, Contact, Encryption), ``parse`` (the file) and ``signature``. Import from here.
"""

from cvd_reporter.core.display import printable
from cvd_reporter.core.securitytxt.codes import (
    CODES,
    FIELD_NAMES,
    LEGACY_PATH,
    MAX_BYTES,
    MAX_LINE_CHARS,
    MAX_LINES,
    MAX_SAME_CODE,
    SIGNATURE_STATUSES,
    URI_FIELDS,
    WELL_KNOWN_PATH,
)
from cvd_reporter.core.securitytxt.fields import looks_like_html, parse_contact, parse_expires
from cvd_reporter.core.securitytxt.model import Contact, Field, SecurityTxt, SignatureStatus, normalise_url
from cvd_reporter.core.securitytxt.parse import parse
from cvd_reporter.core.securitytxt.signature import apply_signature, verify_signature

__all__ = [
    "CODES", "FIELD_NAMES", "LEGACY_PATH", "MAX_BYTES", "MAX_LINES", "MAX_LINE_CHARS", "MAX_SAME_CODE",
    "SIGNATURE_STATUSES", "URI_FIELDS", "WELL_KNOWN_PATH", "Contact", "Field", "SecurityTxt", "SignatureStatus",
    "apply_signature", "looks_like_html", "normalise_url", "parse", "parse_contact", "parse_expires", "printable",
    "verify_signature",
]
