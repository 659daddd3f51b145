"""Read a CVD / responsible-disclosure policy page: where to report and on which terms.

Pure (no network, no files): give it the page's bytes or text. Rule-based and explainable: each
value carries the sentence it came from; what the page does not say is ``unknown``.

    reading = read_policy(page_bytes, content_type="text/html", url="https://gemeente.example/cvd")
    reading.contacts, reading.response.value, reading.to_dict()
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cvd_reporter.core.i18n import Phrase
from cvd_reporter.core.policypage.contacts import find_emails, find_forms, find_phones, mailto_subjects
from cvd_reporter.core.policypage.extract import extract
from cvd_reporter.core.policypage.model import UNKNOWN, Contact, Found, sentences
from cvd_reporter.core.policypage.response import find_response, find_subject
from cvd_reporter.core.policypage.terms import (
    find_anonymous,
    find_encryption,
    find_forbidden,
    find_language,
    find_publication,
    find_shares,
)

__all__ = ["UNKNOWN", "Contact", "Found", "PolicyReading", "read_policy"]


@dataclass
class PolicyReading:
    contacts: list[Contact]
    response: Found
    subject: Found
    encryption: Found
    key: Found
    shares_with: list[Found]
    anonymous: Found
    pseudonym: Found
    forbidden: list[Found]
    publication: Found
    language: Found
    url: str | None = None
    notes: list[str] = field(default_factory=list)
    text_chars: int = 0

    @property
    def channel(self) -> str:
        """``email`` | ``form_only`` | ``email_and_form`` | ``phone_only`` | ``none``."""
        kinds = {c.kind for c in self.contacts}
        has_form = bool(kinds & {"form", "platform"})
        if "email" in kinds:
            return "email_and_form" if has_form else "email"
        if has_form:
            return "form_only"
        return "phone_only" if "phone" in kinds else "none"

    @property
    def emails(self) -> list[str]:
        return [c.address for c in self.contacts if c.kind == "email" and c.address]

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "language": self.language.to_dict(),
            "channel": self.channel,
            "contacts": [c.to_dict() for c in self.contacts],
            "response": self.response.to_dict(),
            "subject": self.subject.to_dict(),
            "encryption": self.encryption.to_dict(),
            "key": self.key.to_dict(),
            "shares_with": [f.to_dict() for f in self.shares_with],
            "anonymous": self.anonymous.to_dict(),
            "pseudonym": self.pseudonym.to_dict(),
            "forbidden": [f.to_dict() for f in self.forbidden],
            "publication": self.publication.to_dict(),
            "notes": self.notes,
            "text_chars": self.text_chars,
        }


def read_policy(raw: bytes | str, *, content_type: str | None = None, url: str | None = None) -> PolicyReading:
    page = extract(raw, content_type)
    sents = sentences(page.text)
    emails, notes = find_emails(sents, page.links)
    forms = find_forms(sents, page.links, base_url=url, have_email=bool(emails))
    phones = find_phones(sents, page.links)
    encryption, key = find_encryption(sents)
    anonymous, pseudonym = find_anonymous(sents)
    if page.repaired_mojibake:
        notes.append(Phrase("policypage.note.mojibake", n=page.repaired_mojibake))
    return PolicyReading(
        contacts=emails + forms + phones,
        response=find_response(sents),
        subject=find_subject(sents, mailto_subjects(page.links)),
        encryption=encryption,
        key=key,
        shares_with=find_shares(sents),
        anonymous=anonymous,
        pseudonym=pseudonym,
        forbidden=find_forbidden(sents),
        publication=find_publication(sents),
        language=find_language(page.text),
        url=url,
        notes=notes,
        text_chars=len(page.text),
    )
