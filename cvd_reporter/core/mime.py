"""PGP/MIME messages for a report (pure: no network, no files, no OpenPGP library).

Two steps, so the encryption can be injected (and swapped) without this module knowing pgpy:

1. :func:`build_inner` makes the cryptographic payload: a ``multipart/mixed`` MIME entity whose
   root carries the real Subject/From/To/Date/Message-ID and ``hp="cipher"`` (RFC 9788 §2.1: header
   protection for an encrypted message), with the rendered report (text/plain, UTF-8,
   quoted-printable), the evidence files and the reporter's public key (``application/pgp-keys``).
2. :func:`build_encrypted` records the outer header fields inside the payload as ``HP-Outer``
   (RFC 9788 §2.2), encrypts the payload with the injected ``encrypt`` callable and wraps the armored
   result in the RFC 3156 §4 structure: ``multipart/encrypted; protocol="application/pgp-encrypted"``
   with a ``Version: 1`` part and an ``application/octet-stream`` part.

The outer header section is what mail servers, logs and anyone on the path can read. It holds
addresses, a date, a Message-ID derived from the report id, and a neutral Subject that is only the
report id: no word of the report (RFC 9788 §3 calls this obscuring the Subject).

Everything is generated with CRLF line endings (the SMTP policy) and 7-bit clean: the text part is
quoted-printable, attachments are base64, so the payload survives any transport unchanged.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from email import policy as email_policy
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesHeaderParser, BytesParser
from email.utils import format_datetime

from cvd_reporter.core import subjects

# CRLF line ends and folding at 78 columns: what goes on the wire (RFC 5322 §2.1.1).
WIRE = email_policy.SMTP

# A report id is used in the Subject, the Message-ID, the Idempotency-Key and outbox file names, so
# it is restricted to characters that are safe in all of them: RFC 5322 §3.2.3 dot-atom-text (a dot
# only between two other characters, never two in a row), starting with a letter or digit.
REPORT_ID_RE = re.compile(r"(?=.{1,80}\Z)[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\Z")
_DOMAIN_RE = re.compile(r"(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\Z")
_MEDIA_TYPE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\Z")
ARMOR_BEGIN = b"-----BEGIN PGP MESSAGE-----"
ARMOR_END = b"-----END PGP MESSAGE-----"
PREAMBLE = "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)"
REPORTER_KEY_FILENAME = "reporter-public-key.asc"
ENCRYPTED_FILENAME = "encrypted.asc"

Attachment = tuple[str, bytes, str]  # (file name, content, media type)


def check_report_id(report_id: str) -> str:
    """Return ``report_id`` if it is safe for headers and file names; ValueError otherwise."""
    if not isinstance(report_id, str) or not REPORT_ID_RE.match(report_id):
        raise ValueError("a report id is 1-80 characters: letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit, with no two dots in a row and no dot at the end")
    return report_id


def outer_subject(report_id: str, required: str | None = None) -> str:
    """The only Subject anyone on the path sees: the report id, nothing from the report itself.

    ``required``: the subject the organisation's profile requires ("Beveiliging ICT"); it comes first,
    the report id after it in brackets (``Beveiliging ICT [cvd-0123abcd4567]``). It is checked again
    here (control characters, length: ValidationError) and a placeholder that asks to name the system
    is left out (core/subjects.py), so every message to the organisation (report, first contact,
    escalation) gets the same Subject from this one place."""
    rid = check_report_id(report_id)
    if not required:
        return rid
    text = subjects.for_mail(subjects.check_required(required, "the organisation's profile"))
    return f"{text} [{rid}]" if text else rid


def message_id_for(report_id: str, domain: str) -> str:
    """A stable Message-ID for a report: the same report id always gives the same Message-ID.

    Sending again after a failure therefore reuses it, so a receiving system can recognise the copy
    (RFC 5322 §3.6.4: a Message-ID identifies one message, also when it is delivered twice).
    ``domain`` is the sender's domain; the report id (a UUID or similar) makes it unique.
    """
    check_report_id(report_id)
    host = domain.strip().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"{domain!r} is not a valid domain for a Message-ID") from None
    if not _DOMAIN_RE.match(host):
        raise ValueError(f"{domain!r} is not a valid domain for a Message-ID")
    return f"<cvd.{report_id}@{host}>"


# RFC 6532 §3.2: with SMTPUTF8 the header fields carry UTF-8 as it is; RFC 2047 encoded-words are not
# allowed inside an address (RFC 2047 §5), which is what the plain SMTP policy would write.
WIRE_UTF8 = email_policy.SMTPUTF8
_ADDRESS_UNSAFE = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069<>,;]")


def wire_address(address: str) -> str:
    """An e-mail address as it goes into an envelope or header: the domain as IDNA A-labels, the local
    part unchanged. ValueError for anything that could smuggle a header or a command (control
    characters, line breaks, spaces, bidi controls, several addresses)."""
    if not isinstance(address, str) or _ADDRESS_UNSAFE.search(address) or address.count("@") < 1:
        raise ValueError(f"{address!r} is not a single e-mail address that can be sent to")
    local, _, domain = address.rpartition("@")
    if not local or '"' in local:
        raise ValueError(f"{address!r} is not a single e-mail address that can be sent to")
    try:
        ascii_domain = domain.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"{address!r} has a domain that is not a valid internationalised name") from None
    if not _DOMAIN_RE.match(ascii_domain):
        raise ValueError(f"{address!r} has an invalid domain")
    return f"{local}@{ascii_domain}"


_MAILBOX = re.compile(r"\s*(.*?)\s*<([^<>]*)>\s*\Z", re.S)
_NAME_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def split_mailbox(value: str) -> tuple[str, str]:
    m = _MAILBOX.match(value)
    return (m.group(1), m.group(2)) if m else ("", value)


def wire_mailbox(value: str) -> str:
    """``Name <address>`` or a bare address for a From/To header: the address via :func:`wire_address`,
    the display name free of control characters and quoted when it holds specials (RFC 5322 §3.4)."""
    name, address = split_mailbox(value)
    address = wire_address(address)
    if _NAME_UNSAFE.search(name):
        raise ValueError(f"the name in {value!r} holds control characters")
    name = name.strip('"')
    if not name:
        return address
    if re.search(r'[()<>\[\]:;@\\,."]', name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def envelope_address(value: str) -> str:
    """The bare address of ``value`` (``Name <address>`` or an address) for MAIL FROM / RCPT TO,
    after the same checks as :func:`wire_mailbox`."""
    name, address = split_mailbox(value)
    if _NAME_UNSAFE.search(name):
        raise ValueError(f"{value!r} holds control characters")
    return wire_address(address)


def needs_smtputf8(*mailboxes: str) -> bool:
    """True when an address (not a display name) keeps non-ASCII after :func:`wire_address`: only
    SMTPUTF8 (RFC 6531) carries it; a non-ASCII display name is RFC 2047-encoded as usual."""
    return not all(split_mailbox(m)[1].isascii() for m in mailboxes)


def _policy_for(*mailboxes: str) -> email_policy.Policy:
    return WIRE_UTF8 if needs_smtputf8(*mailboxes) else WIRE


def _date(date: datetime) -> str:
    if date.tzinfo is None or date.utcoffset() is None:
        raise ValueError("the message date must carry a time zone (use datetime.now(timezone.utc))")
    return format_datetime(date)


def _safe_filename(name: str, index: int) -> str:
    """Only the last path component, no control characters: a name, never a path, for the receiver."""
    base = posixpath.basename(name.replace("\\", "/")).strip()
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    if base in ("", ".", ".."):
        base = f"evidence-{index}"
    return base[:200]


def _media_type(media_type: str) -> tuple[str, str]:
    mt = (media_type or "").strip().lower()
    if not _MEDIA_TYPE_RE.match(mt):
        mt = "application/octet-stream"
    maintype, subtype = mt.split("/", 1)
    return maintype, subtype


def build_inner(*, report_text: str, subject: str, from_addr: str, to_addr: str, message_id: str,
                date: datetime, attachments: list[Attachment], reporter_key: str | None,
                lang: str) -> bytes:
    """The MIME entity that gets encrypted: protected headers, report text, evidence, reporter key.

    The root is ``multipart/mixed; hp="cipher"`` (RFC 9788 §2.1) with the real header fields. It also
    carries ``protected-headers="v1"``, the older convention Thunderbird and K-9 Mail still read to
    show the protected Subject. Attachments are ``(file name, bytes, media type)``; a file name is
    reduced to its last component. The result has CRLF line endings and is 7-bit clean.
    """
    from_addr, to_addr = wire_mailbox(from_addr), wire_mailbox(to_addr)
    root = MIMEPart(policy=WIRE)
    # Header order follows RFC 9788's examples: the fields a reader sees, then the structure.
    root["Date"] = _date(date)
    root["From"] = from_addr
    root["To"] = to_addr
    root["Subject"] = subject
    root["Message-ID"] = message_id
    root["Content-Type"] = "multipart/mixed"
    root.set_param("hp", "cipher")
    root.set_param("protected-headers", "v1")

    text = MIMEPart(policy=WIRE)
    body = report_text.replace("\r\n", "\n").replace("\r", "\n")
    if not body.endswith("\n"):
        body += "\n"
    # quoted-printable keeps lines short and the part 7-bit (RFC 2045 §6.7) while staying readable.
    text.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    text["Content-Language"] = lang
    parts: list[Message[str, str] | str] = [text]

    for index, (name, data, media_type) in enumerate(attachments, start=1):
        maintype, subtype = _media_type(media_type)
        part = MIMEPart(policy=WIRE)
        part.set_content(bytes(data), maintype=maintype, subtype=subtype, cte="base64",
                         disposition="attachment", filename=_safe_filename(name, index))
        parts.append(part)

    if reporter_key:
        key = MIMEPart(policy=WIRE)
        armored = reporter_key.strip().replace("\r\n", "\n") + "\n"
        # An armored key is ASCII with short lines; anything else travels as base64.
        cte = "7bit" if armored.isascii() and max(map(len, armored.splitlines())) < 998 else "base64"
        key.set_content(armored.encode("utf-8"), maintype="application", subtype="pgp-keys", cte=cte,
                        disposition="attachment", filename=REPORTER_KEY_FILENAME)
        key["Content-Description"] = "OpenPGP public key of the reporter, to answer encrypted"
        parts.append(key)

    root.set_payload(parts)
    return root.as_bytes(policy=_policy_for(from_addr, to_addr))


def _outer_fields(*, from_addr: str, to_addr: str, message_id: str, date: datetime,
                  report_id: str, required_subject: str | None = None) -> list[tuple[str, str]]:
    return [("Date", _date(date)), ("From", from_addr), ("To", to_addr),
            ("Subject", outer_subject(report_id, required_subject)), ("Message-ID", message_id)]


def _with_hp_outer(inner: bytes, fields: list[tuple[str, str]]) -> bytes:
    """Add one ``HP-Outer: Name: value`` per outer field to the payload's header section.

    RFC 9788 §2.2: the receiver compares these with the outer header to know what was exposed in
    transit (here: everything outside except the real Subject).
    """
    end = inner.find(b"\r\n\r\n")
    if end < 0:
        raise ValueError("the inner message has no header section")
    policy = _policy_for(*(value for name, value in fields if name in ("From", "To")))
    holder = MIMEPart(policy=policy)
    for name, value in fields:
        holder["HP-Outer"] = f"{name}: {value}"
    lines = holder.as_bytes(policy=policy)
    lines = lines[: lines.find(b"\r\n\r\n") + 2]
    return inner[: end + 2] + lines + inner[end + 2:]


def build_encrypted(inner: bytes, *, encrypt: Callable[[bytes], bytes], from_addr: str, to_addr: str,
                    message_id: str, date: datetime, report_id: str, required_subject: str | None = None) -> bytes:
    """The RFC 3156 message to send: neutral outer header, the encrypted payload inside.

    ``required_subject``: the Subject the organisation's profile requires (see :func:`outer_subject`).

    ``inner`` must come from :func:`build_inner` (``hp="cipher"``, the same Message-ID).
    ``encrypt`` takes the payload bytes and returns an ASCII-armored OpenPGP message; anything else
    is refused, so a broken encrypt step can never put the report on the wire in the clear.
    """
    # Only the header section: parsing the whole entity would cost a third of the build for 2 MB.
    head = BytesHeaderParser(policy=email_policy.default).parsebytes(inner[: inner.find(b"\r\n\r\n") + 4])
    if head.get_content_type() != "multipart/mixed" or head.get_param("hp") != "cipher":
        raise ValueError("the inner message must be multipart/mixed with hp=\"cipher\" (build_inner)")
    if str(head.get("Message-ID", "")).strip() != message_id:
        raise ValueError("the inner and outer Message-ID differ; build both from the same report id")

    from_addr, to_addr = wire_mailbox(from_addr), wire_mailbox(to_addr)
    fields = _outer_fields(from_addr=from_addr, to_addr=to_addr, message_id=message_id, date=date,
                           report_id=report_id, required_subject=required_subject)
    armored = encrypt(_with_hp_outer(inner, fields))
    if not isinstance(armored, (bytes, bytearray)):
        raise ValueError("encrypt must return bytes (an ASCII-armored OpenPGP message)")
    armored = bytes(armored).strip()
    if not (armored.startswith(ARMOR_BEGIN) and armored.endswith(ARMOR_END)) or not armored.isascii():
        raise ValueError("encrypt did not return an ASCII-armored OpenPGP message; nothing was built")

    outer = EmailMessage(policy=WIRE)
    for name, value in fields:
        outer[name] = value
    outer["MIME-Version"] = "1.0"
    outer["Content-Type"] = "multipart/encrypted"
    outer.set_param("protocol", "application/pgp-encrypted")
    outer.preamble = PREAMBLE

    # RFC 3156 §4: first the control part, then the ciphertext as application/octet-stream.
    version = MIMEPart(policy=WIRE)
    version.set_content(b"Version: 1\r\n", maintype="application", subtype="pgp-encrypted", cte="7bit")
    version["Content-Description"] = "PGP/MIME version identification"
    payload = MIMEPart(policy=WIRE)
    payload.set_content(armored + b"\r\n", maintype="application", subtype="octet-stream", cte="7bit",
                        disposition="inline", filename=ENCRYPTED_FILENAME)
    payload.set_param("name", ENCRYPTED_FILENAME)
    payload["Content-Description"] = "OpenPGP encrypted message"
    outer.set_payload([version, payload])
    return outer.as_bytes(policy=_policy_for(from_addr, to_addr))


def is_pgp_mime(message: bytes) -> bool:
    """True when ``message`` is an RFC 3156 encrypted message whose payload is armored ciphertext."""
    try:
        msg = BytesParser(policy=email_policy.default).parsebytes(message)
    except (ValueError, TypeError):
        return False
    if msg.get_content_type() != "multipart/encrypted" or msg.get_param("protocol") != "application/pgp-encrypted":
        return False
    parts = msg.get_payload()
    if not isinstance(parts, list) or len(parts) != 2:
        return False
    control, data = parts
    if not isinstance(control, Message) or control.get_content_type() != "application/pgp-encrypted":
        return False
    body = data.get_payload(decode=True) if isinstance(data, Message) else None
    if not isinstance(body, bytes):
        return False
    return body.strip().startswith(ARMOR_BEGIN) and body.strip().endswith(ARMOR_END)


def header_of(message: bytes, name: str) -> str | None:
    """One header field of a message (the outer one for an encrypted message), decoded."""
    value = BytesHeaderParser(policy=email_policy.default).parsebytes(message).get(name)
    return None if value is None else str(value)
