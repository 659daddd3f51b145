"""The first-contact message: a short, neutral e-mail for an organisation that has no usable OpenPGP key
(pure: no network, no files, no prompts).

It says that a vulnerability report is ready for a system of theirs, asks for a public key or another
secure channel, and carries the reporter's public key (``application/pgp-keys``, RFC 3156 §7) so the
answer can come encrypted. It travels in the clear, so it is built from nothing of the report: not
the title, the description, a URL path, the evidence, the report's language or its id. The only
things it may name are the organisation's host (only when the reporter agreed), the reporter's name
and the policy's response time. The Subject is :func:`cvd_reporter.core.mime.outer_subject` like
every other message to the organisation; the Message-ID is derived from a hash of the report id, so
the same report's first contact always has the same Message-ID (a retry is recognisable) and the id
itself does not appear.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from email import policy as email_policy
from email.message import MIMEPart
from email.utils import format_datetime

from cvd_reporter.core import mime
from cvd_reporter.core.i18n import say

KIND = "first_contact"  # the record's delivery kind
LANGUAGES = ("nl", "en")


def organisation_language(preferred: Sequence[str], policy_language: str | None, host: str) -> str:
    """The language the organisation reads: the first of its security.txt Preferred-Languages we write
    (RFC 9116 §2.5.8), else the policy's language, else Dutch for a ``.nl`` host, else English."""
    for tag in preferred:
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES:
            return primary
    if policy_language and policy_language.lower().split("-")[0] in LANGUAGES:
        return policy_language.lower().split("-")[0]
    return "nl" if host.lower().rstrip(".").endswith(".nl") else "en"


def message_id(report_id: str, domain: str) -> str:
    """The first contact's Message-ID: stable per report, distinct from the report's own Message-ID, and
    without the report id (a hash of it)."""
    token = hashlib.sha256(f"first-contact\0{report_id}".encode()).hexdigest()[:24]
    return mime.message_id_for(f"contact-{token}", domain).replace("<cvd.", "<", 1)


def body_text(lang: str, *, host: str | None, reporter_name: str | None, has_key: bool,
              response_days: int | None) -> str:
    """The whole text of the message: greeting, what is ready, what is asked, the key, the closing."""
    paragraphs = [say(lang, "first_contact.greeting"),
                  say(lang, "first_contact.ready_host", host=host) if host else say(lang, "first_contact.ready"),
                  say(lang, "first_contact.ask"),
                  say(lang, "first_contact.my_key") if has_key else say(lang, "first_contact.no_key"),
                  say(lang, "first_contact.no_details")]
    if response_days is not None:
        paragraphs.append(say(lang, "first_contact.response", days=response_days))
    closing = say(lang, "first_contact.closing")
    name = (reporter_name or "").strip()
    paragraphs.append(f"{closing}\n{name}" if name else closing)
    return "\n\n".join(paragraphs) + "\n"


def build(*, text: str, subject: str, from_addr: str, to_addr: str, message_id: str, date: datetime,
          reporter_key: str | None, lang: str) -> bytes:
    """The message as it goes on the wire: ``multipart/mixed`` with the text (quoted-printable) and the
    reporter's armored public key, CRLF line ends, 7-bit clean. ``reporter_key`` must be public key
    material only (app/reportfile.read_reporter_key checks that); a secret key is refused here too."""
    from_addr, to_addr = mime.wire_mailbox(from_addr), mime.wire_mailbox(to_addr)
    if reporter_key is not None and ("PRIVATE KEY" in reporter_key
                                     or "-----BEGIN PGP PUBLIC KEY BLOCK-----" not in reporter_key):
        raise ValueError("only an armored public key may travel with a first contact")
    root = MIMEPart(policy=mime.WIRE)
    root["Date"] = format_datetime(date if date.tzinfo else date.astimezone())
    root["From"] = from_addr
    root["To"] = to_addr
    root["Subject"] = subject
    root["Message-ID"] = message_id
    body = MIMEPart(policy=mime.WIRE)
    body.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if reporter_key is None:
        root.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    else:
        key = MIMEPart(policy=mime.WIRE)
        armored = reporter_key.strip().replace("\r\n", "\n") + "\n"
        key.set_content(armored.encode("ascii"), maintype="application", subtype="pgp-keys", cte="7bit",
                        disposition="attachment", filename=mime.REPORTER_KEY_FILENAME)
        root["Content-Type"] = "multipart/mixed"
        root.set_payload([body, key])
    root["Content-Language"] = lang  # after set_content, which replaces the content header fields
    policy: email_policy.Policy = mime.WIRE_UTF8 if mime.needs_smtputf8(from_addr, to_addr) else mime.WIRE
    return root.as_bytes(policy=policy)
