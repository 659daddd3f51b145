"""Where before what (issue 13): right after the target, the wizard settles where the report will go.

The look-up (wizard_lookup.lookup_target) searches security.txt, its ``Policy:`` page, the home
page's links, the well-known paths and the directory; this module shows what it found ("this is
where your report will go: ADDRESS, found on PAGE; right?") and, when nothing was found or the
reporter says no, asks for the contact (mailto:, an https:// form, tel:) or a directory name. The
answer is kept in the draft under ``_where`` and becomes the report's ``organisation`` block
(contact, policy_url, subject, response, each with the source the tool read it from).

Nothing here ends the wizard: an empty answer means "decide later" (``submit`` looks again), and a
Ctrl-C keeps the draft like every other question (Wizard.run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvd_reporter.core import questions as Q
from cvd_reporter.core.contacts import contact_kind, contact_value, directory_age
from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.i18n import N_, say
from cvd_reporter.core.validate import check_email, check_phone, check_url
from cvd_reporter.errors import CvdError

if TYPE_CHECKING:
    from cvd_reporter.cli.wizard_lookup import LookupResult
    from cvd_reporter.core.directory import Entry
    from cvd_reporter.core.model import Report

WHERE = "_where"  # the draft's key for the settled channel
WHERE_OK = Q.Question("where_ok", "confirm", N_("question.where_ok"), "target")
WHERE_CONTACT = Q.Question("where_contact", "text", N_("question.where_contact"), "target", optional=True,
                           hint=N_("question.where_contact.hint"))
KINDS = {"email": N_("where.kind.email"), "form": N_("where.kind.form"), "platform": N_("where.kind.platform"),
         "phone": N_("where.kind.phone")}


def _kind(uri: str) -> str:
    return {"email": "email", "web": "form", "phone": "phone"}.get(contact_kind(uri) or "", "form")


def _domain_of(uri: str) -> str | None:
    kind = contact_kind(uri)
    if kind == "email":
        host: str | None = contact_value(uri).rsplit("@", 1)[-1].lower()
    elif kind == "web":
        from urllib.parse import urlsplit  # noqa: PLC0415 - only for web contacts

        host = urlsplit(uri).hostname
    else:
        return None
    return (registrable_domain(host) or host) if host else None


def normalise_contact(text: str) -> str | None:
    """``ciso@x.nl`` -> ``mailto:ciso@x.nl``; a usable ``mailto:``/``https://``/``tel:`` as it is;
    None for anything else (it may be a directory name)."""
    value = text.strip()
    if "@" in value and ":" not in value and " " not in value:
        value = f"mailto:{value}"
    kind = contact_kind(value)
    if kind == "email" and check_email(contact_value(value)) is None:
        return f"mailto:{contact_value(value)}"
    if kind == "phone" and check_phone(contact_value(value)):
        return value
    if kind == "web" and check_url(value):
        return value
    return None


def offered(result: LookupResult | None, today: str) -> dict[str, Any]:
    """The organisation block the look-up offers (contacts of its best source), or {} when none."""
    if result is None:
        return {}
    if result.organisation_block.get("contact"):
        return dict(result.organisation_block)
    usable = [c for c in result.contacts if contact_kind(c)]  # an older look-up: the security.txt's contacts
    if not usable or not result.found_at:
        return {}
    return {"contact": usable, "source": {"contact": {"kind": "security_txt", "url": result.found_at, "seen": today}}}


def from_entry(entry: Entry) -> dict[str, Any]:
    """A directory entry as the report's organisation block, the entry named as the source."""
    source = {k: v for k, v in {"kind": "directory", "url": entry.source.get("url"), "seen": entry.source.get("seen"),
                                "entry": entry.name}.items() if v}
    block: dict[str, Any] = {"contact": list(entry.contacts), "source": {"contact": source}}
    response, subject = entry.response or {}, entry.subject
    texts = {"response": f"{response['amount']} {str(response.get('unit', '')).replace('_', ' ')}"
                         if isinstance(response, dict) and response.get("amount") else None,
             "subject": subject.get("value") if isinstance(subject, dict) else subject}
    for name, text in texts.items():
        if isinstance(text, str) and text and text != "unknown":
            block[name] = text
            block["source"][name] = source
    return block


def apply_where(report: Report, block: dict[str, Any] | None) -> Report:
    """Put the settled channel into the report's organisation block (the reporter's own values have no source).

    A contact confirmed from the security.txt is not copied: `submit` reads the security.txt again when
    it sends (a rotated address or key is followed, and a copy would later read as a disagreement)."""
    if not block or not block.get("contact"):
        return report
    o = report.organisation
    sources = {k: dict(v) for k, v in (block.get("source") or {}).items()}
    if sources.get("contact", {}).get("kind") == "security_txt":
        sources.pop("contact")
    else:
        o.contact = list(block["contact"])
    for name in ("policy_url", "subject", "response"):
        if block.get(name):
            setattr(o, name, block[name])
    o.source = sources
    return report


class WhereSteps:
    """Mixed into the Wizard (cli/wizard.py): the questions that settle where the report goes."""

    # Set by open_wizard: the directory search (a name or host -> entries) and whose domain is whose.
    find_in_directory: Callable[[str], list[Entry]] | None = None
    owners: dict[str, str] = {}  # noqa: RUF012 - replaced per instance, never mutated

    # provided by the Wizard
    today: dt.date
    answers: dict[str, Any]
    redo: set[str]
    p: Any
    lang: str
    t: Callable[..., str]
    ask: Callable[..., Any]
    save: Callable[[], None]
    _bg: Any
    _await_lookup: Callable[[], None]

    def settle_where(self) -> None:
        """After the target: say where the report will go and have the reporter confirm or correct it."""
        if WHERE in self.answers and "target" not in self.redo:
            return
        self.answers.pop(WHERE, None)  # changing the target step: settled again (and not offered twice)
        self._await_lookup()
        bg = self._bg
        result = bg.result if bg is not None and bg.done.is_set() else None
        block = offered(result, self._today_iso())
        if block:
            self.p.say(self.describe(block))
            if self.ask(WHERE_OK, default=True, remember=False):
                self._settle(block)
                return
        else:
            self.p.say(self.t("where.none_found"))
        self.ask_where()

    def offer_late_where(self, result: LookupResult) -> None:
        """A look-up that answered after the reporter chose "decide later": offer what it found."""
        where = self.answers.get(WHERE) or {}
        block = offered(result, self._today_iso())
        if not where.get("later") or not block:
            return
        self.p.say(self.describe(block))
        if self.ask(WHERE_OK, default=True, remember=False):
            self._settle(block)

    def ask_where(self) -> None:
        """Ask for the contact or a directory name until one is settled, or left for later."""
        while True:
            answer = str(self.ask(WHERE_CONTACT, validate=self._check_where, remember=False) or "").strip()
            if not answer:
                self._settle({"contact": [], "later": True})
                self.p.say(self.t("where.later"))
                return
            uri = normalise_contact(answer)
            if uri is not None:
                self._settle({"contact": [uri]})  # the reporter's own value: no source
                return
            entry = self._directory(answer)[0]
            self.p.say(self.describe(from_entry(entry)))
            if self.ask(WHERE_OK, default=True, remember=False):
                self._settle(from_entry(entry))
                return

    def where_sendable(self) -> bool:
        """False when the settled channel has contacts but no e-mail address (a form or phone only)."""
        contacts = (self.answers.get(WHERE) or {}).get("contact") or []
        return not contacts or any(contact_kind(c) == "email" for c in contacts)

    # ------------------------------------------------------------------ helpers
    def _settle(self, block: dict[str, Any]) -> None:
        self.answers[WHERE] = block
        self.save()
        self.use_profile()

    def use_profile(self) -> None:
        """The Wizard takes the organisation's profile once the channel is settled (cli/wizard.py)."""

    def _today_iso(self) -> str:
        return self.today.isoformat()

    def _directory(self, name: str) -> list[Entry]:
        return self.find_in_directory(name) if self.find_in_directory is not None else []

    def _check_where(self, value: str) -> str | None:
        text = value.strip()
        if not text or normalise_contact(text) is not None:
            return None
        if text.lower().startswith("http://"):
            return self.t("where.insecure", value=text)
        if contact_kind(text) or "@" in text:
            return self.t("where.invalid", value=text)
        if not self._directory(text):
            return self.t("where.not_in_directory", value=text)
        return None

    def describe(self, block: dict[str, Any]) -> str:
        """"This is where your report will go: ..." with where each contact came from."""
        source = (block.get("source") or {}).get("contact") or {}
        lines = [self.t("where.intro")]
        for uri in block["contact"]:
            lines.append("  " + self.t("where.contact", kind=self.t(KINDS[_kind(uri)]), value=contact_value(uri)))
        kind = source.get("kind")
        if kind == "security_txt":
            lines.append("  " + self.t("where.from_security_txt", url=source.get("url")))
        elif kind == "policy_page":
            lines.append("  " + self.t("where.from_page", url=source.get("url")))
        elif kind == "directory":
            seen = source.get("seen")
            age = directory_age(seen, self.today) if seen else None
            age = max(0, age) if age is not None else None  # a clock behind the entry's date: not negative
            lines.append("  " + (self.t("where.from_directory", entry=source.get("entry"), seen=seen, days=age)
                                 if seen and age is not None else
                                 self.t("where.from_directory_undated", entry=source.get("entry"))))
            if source.get("url"):
                lines.append("  " + self.t("where.directory_page", url=source["url"]))
        own_domain = self.answers.get("_organisation")
        own = (registrable_domain(own_domain) or own_domain) if own_domain else None
        for uri in block["contact"]:
            domain = _domain_of(uri)
            if own and domain and domain != own:
                whose = self.owners.get(domain)
                lines.append("  " + (self.t("where.other_domain_known", value=contact_value(uri), domain=domain,
                                            own=own, whose=whose) if whose else
                                     self.t("where.other_domain", value=contact_value(uri), domain=domain, own=own)))
        for name, msgid in (("subject", N_("where.subject")), ("response", N_("where.response"))):
            if block.get(name):
                lines.append("  " + self.t(msgid, value=block[name]))
        return "\n".join(lines)


def send_saved(send: Callable[[Path, str], str], path: Path, lang: str) -> str:
    """Send the saved report file; when that fails, the error says the file is kept and how to send it later."""
    try:
        return send(path, lang)
    except CvdError as e:
        later = say(lang, "where.send_later", path=path)
        e.message = f"{e.message} {later}"
        e.args = (e.message,)
        raise
