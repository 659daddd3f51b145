"""Where `submit` sends a report, and why: the report's own ``organisation.contact``, the security.txt,
or (when there is none) a contact found on the organisation's policy page or in the directory.

- The reporter's own contact wins, but when the security.txt also answers and names other addresses,
  the plan says so and the report goes to the reporter's choice only after confirmation (``--yes``).
- Without a security.txt, a contact found by app/contacts.py is used, with its source in the plan.
- An organisation reachable only through a web form or by phone: exit 5 with a next step that names
  the form's address or the number and ``submit --via form`` / ``--via phone`` (app/forms.py, app/phone.py).
The key rules do not change here: no key means exit 5/6 unless ``--allow-plaintext``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cvd_reporter.app.contacts import search_contacts
from cvd_reporter.core.contacts import FoundContact, Provenance, contact_kind, fingerprint_of, key_kind, kind_of
from cvd_reporter.core.i18n import N_, Phrase, said_in
from cvd_reporter.core.target import parse_target
from cvd_reporter.errors import CvdError, DiscoveryError, InputNeeded
from cvd_reporter.net.discovery import discover


@dataclass
class Route:
    channel: str
    recipient: str  # the e-mail address (email/outbox) or the API URL
    addresses: list[str]  # e-mail addresses whose keys may be looked up (WKD, DNS, keyserver)
    encryption: list[str]  # Encryption URIs: the security.txt's, or the report's own key URL/fingerprint
    source: Provenance | None  # where the recipient came from
    host: str  # the organisation's host (for pins)
    preferred_languages: list[str] = field(default_factory=list)
    discovery: Any = None  # net.discovery.Discovery, when a security.txt was found
    conflict: str | None = None  # the report's contact and the security.txt's disagree
    search: dict[str, Any] | None = None  # the search beyond security.txt, when one ran
    key_file: tuple[bytes, str] | None = None
    key_fingerprint: str | None = None

    @property
    def contact_source(self) -> str | None:
        return self.source.describe() if self.source is not None else None

    @property
    def encryption_hints(self) -> Any:
        """What find_key reads from a security.txt: its Encryption URIs."""
        return _Hints(self.encryption)


@dataclass
class _Hints:
    encryption: list[str]


def _target(report: Any) -> str:
    target = (report.target.urls or report.target.ips)[0]
    if report.organisation.domain and not report.target.urls:
        target = report.organisation.domain
    return str(target)


def choose_route(report: Any, *, checked: Any, settings: Any, fetcher: Any, now: dt.datetime,
                 channel: str | None, discoveries: dict[str, Any], warnings: list[str], home: Path) -> Route:
    """The channel, the recipient and what the key search needs; raises DiscoveryError (exit 5) or
    InputNeeded (exit 8) with a next step."""

    target = _target(report)
    host = parse_target(target).host
    discovery, error = discoveries.get(host), None
    if isinstance(discovery, DiscoveryError):
        discovery, error = None, discovery
    if discovery is None and error is None:
        try:
            discovery = discover(target, fetcher, now=now)
        except DiscoveryError as e:
            if e.code != "no_security_txt":
                raise
            error = e
    theirs: list[FoundContact] = []
    encryption: list[str] = []
    languages: list[str] = []
    if discovery is not None:
        st = discovery.security_txt
        if st.expires is not None and st.expires < now:
            # RFC 9116 §2.5.5: an expired file should not be used; the reporter decides, warned loudly.
            warnings.append(Phrase("recipient.securitytxt_expired", url=discovery.url,
                                   day=st.expires.date().isoformat()))
        elif not st.valid:
            warnings.append(Phrase("recipient.securitytxt_errors", url=discovery.url))
        seen = now.date().isoformat()
        theirs = [FoundContact(f"mailto:{c.address}" if c.kind == "mailto" else c.uri,
                               kind_of(c.uri), Provenance("security_txt", discovery.url, seen))
                  for c in st.contacts if c.valid and c.kind in ("mailto", "https", "tel")
                  and (c.kind != "mailto" or c.address)]
        encryption = list(st.encryption)
        languages = [tag.split("-")[0].lower() for tag in st.preferred_languages]

    own_uris = [u for u in report.organisation.contact if contact_kind(u)]
    own_source = report.organisation.source.get("contact") if report.organisation.source else None
    provenance = Provenance(own_source.get("kind", "reporter"), own_source.get("url"),
                            str(own_source["seen"]) if own_source.get("seen") else None,
                            own_source.get("entry")) if own_source else Provenance("reporter")
    own = [FoundContact(u.strip(), kind_of(u), provenance) for u in own_uris]
    conflict = None
    search = None
    if own:
        contacts = own
        mine = {c.value.lower() for c in own if c.kind == "email"}
        their_mail = [c.value for c in theirs if c.kind == "email"]
        if discovery is not None and mine and their_mail and not mine & {a.lower() for a in their_mail}:
            conflict = Phrase("recipient.conflict", mine=", ".join(sorted(mine)), url=discovery.url,
                              theirs=", ".join(their_mail))
            warnings.append(conflict)
            encryption = []  # the security.txt's key belongs to its own contact, not to the report's choice
    elif any(c.kind == "email" for c in theirs):
        contacts = theirs
    else:

        found = search_contacts(target, fetcher, now=now, home=home, discovery=discovery,
                                discovery_error=error)
        search = found.to_dict()
        contacts = found.contacts
        if discovery is None:
            encryption = []
    key_file, key_fpr = None, None
    value = (report.organisation.key or "").strip()
    if value:  # the report's own key replaces what the security.txt says
        kind = key_kind(value)
        if kind == "file" and getattr(checked, "org_key", None) is not None:
            key_file = (checked.org_key, value)
        elif kind == "fingerprint":
            # fetched by fingerprint; the other sources are still asked, and a different key from any of
            # them is a contradiction named in one sentence (net/keys.py), never silently used or ignored
            key_fpr = fingerprint_of(value)
        elif kind == "url":
            encryption = [value]
    emails = [c for c in contacts if c.kind == "email"]
    if channel is None:
        if emails:
            channel = "email" if settings.smtp_host else "outbox"
        elif settings.api_url:
            channel = "api"
        else:
            raise _no_email(host, contacts, error)
    if channel in ("email", "outbox") and not emails:
        raise _no_email(host, contacts, error)
    if channel == "email" and not settings.smtp_host:
        raise InputNeeded.t("recipient.no_smtp")
    if channel == "api" and not settings.api_url:
        raise InputNeeded.t("recipient.no_api")
    chosen = emails[0] if emails and channel in ("email", "outbox") else None
    recipient = chosen.value if chosen is not None else settings.api_url
    return Route(channel=channel, recipient=recipient or "", addresses=[c.value for c in emails],
                 encryption=encryption, source=chosen.source if chosen else None,
                 host=discovery.host if discovery is not None else host, preferred_languages=languages,
                 discovery=discovery, conflict=conflict, search=search, key_file=key_file, key_fingerprint=key_fpr)


def _no_email(host: str, contacts: list[FoundContact], error: Any) -> DiscoveryError:
    """Exit 5: nowhere to send an e-mail; the next step names the form or the number when there is one."""
    if contacts:
        first = contacts[0]
        msgid = NO_EMAIL.get(first.kind, N_("recipient.no_email.other"))
        others = [c.uri for c in contacts[1:] if c.kind != "email"]
        more = Phrase("recipient.no_email.also", others=", ".join(others)) if others else ""
        return DiscoveryError.t(msgid, host=host, value=first.value, more=more, source=first.source,
                                code="no_email_contact",
                                data={"host": host, "contacts": [c.to_dict() for c in contacts]})
    if error is not None:  # no security.txt, and nothing beyond it: both said
        return DiscoveryError.t("recipient.no_contact_after", reason=error, host=host, code="no_security_txt",
                                data={"host": host, "tried": (error.data or {}).get("tried", [])})
    return DiscoveryError.t(
        "recipient.no_contact_anywhere", host=host,
        code="no_security_txt", data={"host": host, "tried": []})


# how an organisation without an e-mail address takes reports, and the next step for it
NO_EMAIL = {"phone": N_("recipient.no_email.phone"), "form": N_("recipient.no_email.form"),
            "platform": N_("recipient.no_email.platform")}


class ConfirmConflict(InputNeeded):
    """A confirmation is needed, and the report's contact disagrees with the security.txt: both said, the
    conflict first (why this confirmation matters more than usual), in the reader's language."""

    def __init__(self, conflict: str, needed: CvdError) -> None:
        self.conflict, self.needed = conflict, needed
        super().__init__(self.say("en"), code=needed.code, data=needed.data)

    def say(self, lang: str | None) -> str:
        return f"{said_in(self.conflict, lang)} {self.needed.say(lang)}"
