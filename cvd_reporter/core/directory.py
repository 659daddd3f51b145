"""The directory of organisations whose reporting channel is known from their own published page.

Pure: parses already-loaded data (the bundled ``directory.yaml``, an imported file) into entries,
finds an entry by name or host, and says when a contact is on another domain than the
organisation's own (legitimate for shared services, but the reporter should know whose domain it is).

Two input schemas: ours (``schema: cvd-directory/1``) and disclose.io's diodb ``program-list.json``
(a list of programs: program_name, policy_url, contact_url, contact_email, pgp_key, securitytxt_url,
preferred_languages, safe_harbor; https://github.com/disclose/diodb).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.errors import ValidationError

SCHEMA = "cvd-directory/1"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@dataclass
class Entry:
    name: str
    domains: list[str]
    contacts: list[str]
    source: dict[str, Any]  # url, seen (ISO date), origin (bundled | file name), note
    kind: str = ""
    response: dict[str, Any] | None = None
    subject: dict[str, Any] | None = None
    encryption: str | None = None
    keys: list[dict[str, str]] = field(default_factory=list)
    shares_with: list[str] = field(default_factory=list)
    channel: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # fields of a foreign schema worth keeping
    # An escalation point (kind ``cert``): {id: ibd, serves: [gemeente], languages: [nl]} (app/escalate.py)
    escalation: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "domains": self.domains,
                               "contacts": self.contacts, "source": self.source}
        for key in ("response", "subject", "encryption", "channel", "note", "escalation"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.keys:
            out["keys"] = self.keys
        if self.shares_with:
            out["shares_with"] = self.shares_with
        if self.extra:
            out["extra"] = self.extra
        return out

    def age_days(self, today: date) -> int | None:
        seen = self.source.get("seen")
        try:
            return (today - date.fromisoformat(str(seen))).days if seen else None
        except ValueError:
            return None


def _contact_ok(uri: str) -> bool:
    if uri.startswith("mailto:"):
        return bool(_EMAIL.match(uri[7:]))
    if uri.startswith("tel:"):
        return bool(re.fullmatch(r"tel:\+?\d{3,15}", uri))
    return uri.startswith("https://") and bool(urlsplit(uri).netloc)


def parse_directory(data: Any, origin: str) -> tuple[list[Entry], dict[str, str]]:
    """Entries and domain owners from a ``cvd-directory/1`` document; raises ValidationError with the
    first problem (entry number and field), so a broken update never half-loads."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValidationError.t("directory.not_schema", origin=origin)
    owners = {str(k).lower(): str(v) for k, v in (data.get("domain_owners") or {}).items()}
    entries = []
    for i, item in enumerate(data.get("organisations") or [], start=1):
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise ValidationError.t("directory.no_name", origin=origin, n=i)
        contacts = [str(c) for c in item.get("contacts") or []]
        bad = [c for c in contacts if not _contact_ok(c)]
        if bad:
            raise ValidationError.t("directory.bad_contact", origin=origin, n=i, name=item["name"],
                                    contact=repr(bad[0]))
        source = dict(item.get("source") or {})
        if "seen" not in source:
            raise ValidationError.t("directory.no_seen", origin=origin, n=i, name=item["name"])
        source["seen"] = str(source["seen"]) if source["seen"] else None
        source.setdefault("origin", origin)
        entries.append(Entry(
            name=str(item["name"]).strip(), domains=[str(d).lower() for d in item.get("domains") or []],
            contacts=contacts, source=source, kind=str(item.get("kind") or ""), response=item.get("response"),
            subject=item.get("subject"), encryption=item.get("encryption"), keys=list(item.get("keys") or []),
            shares_with=[str(s) for s in item.get("shares_with") or []], channel=str(item.get("channel") or ""),
            note=str(item.get("note") or ""), escalation=_escalation(item.get("escalation"), origin, i)))
    return entries, owners


def _escalation(value: Any, origin: str, n: int) -> dict[str, Any] | None:
    """An entry's ``escalation:`` mapping: an ``id`` (what ``escalate --to`` names), the kinds of
    organisation it serves and the languages it reads."""
    if value is None:
        return None
    ident = str(value.get("id") or "").strip().lower() if isinstance(value, dict) else ""
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,30}", ident):
        raise ValidationError.t("directory.escalation_id", origin=origin, n=n)
    assert isinstance(value, dict)
    return {"id": ident, "serves": [str(s) for s in value.get("serves") or []],
            "languages": [str(s).lower() for s in value.get("languages") or []] or ["en"]}


def from_diodb(programs: Any, origin: str, imported: date) -> list[Entry]:
    """Entries from disclose.io's ``program-list.json``; each keeps its source (the file and the program's
    policy URL). Programs without a name or any usable contact are skipped."""
    if not isinstance(programs, list):
        raise ValidationError.t("directory.not_diodb", origin=origin)
    entries = []
    for item in programs:
        if not isinstance(item, dict) or not str(item.get("program_name") or "").strip():
            continue
        contacts = []
        email = str(item.get("contact_email") or "").strip()
        if email:
            contacts.append(email if email.startswith("mailto:") else f"mailto:{email}")
        url = str(item.get("contact_url") or "").strip()
        if url:
            contacts.append(url)
        contacts = [c for c in contacts if _contact_ok(c)]
        policy = str(item.get("policy_url") or "").strip()
        if not contacts and not policy.startswith("https://"):
            continue
        hosts = [urlsplit(u).hostname or "" for u in (policy, url, str(item.get("securitytxt_url") or ""))]
        domains = sorted({d for d in (registrable_domain(h) for h in hosts if h) if d})
        extra = {k: item[k] for k in ("pgp_key", "securitytxt_url", "preferred_languages", "safe_harbor")
                 if item.get(k) not in (None, "")}
        entries.append(Entry(
            name=str(item["program_name"]).strip(), domains=domains, contacts=contacts,
            source={"url": policy or None, "seen": None, "imported": imported.isoformat(), "origin": origin,
                    "schema": "diodb program-list.json"},
            kind="diodb", extra=extra))
    return entries


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\b(gemeente|municipality of|waterschap|provincie|city of)\b", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def find(entries: list[Entry], query: str) -> list[Entry]:
    """Entries for a name (``Westervoort``, ``gemeente epe``) or a host/URL (``www.epe.nl``)."""
    q = query.strip()
    host = urlsplit(q).hostname if "://" in q else (q.lower() if "." in q and " " not in q else None)
    if host:
        top = registrable_domain(host) or host
        hits = [e for e in entries if top in e.domains or host in e.domains]
        if hits:
            return hits
    folded = _fold(q)
    if not folded:
        return []
    exact = [e for e in entries if _fold(e.name) == folded]
    return exact or [e for e in entries if folded in _fold(e.name)]


def domain_notes(entry: Entry, owners: dict[str, str]) -> list[str]:
    """One line per contact on another domain than the organisation's own, saying whose domain it is."""
    own = {registrable_domain(d) or d for d in entry.domains}
    notes = []
    for contact in entry.contacts:
        host = contact.split("@", 1)[1] if contact.startswith("mailto:") else (
            urlsplit(contact).hostname if contact.startswith("https://") else None)
        if not host or not own:
            continue
        top = (registrable_domain(host.lower()) or host.lower())
        if top in own:
            continue
        whose = owners.get(top)
        shown = contact.split(":", 1)[1] if contact.startswith("mailto:") else contact
        notes.append(f"{shown} is on {top}, not on {', '.join(sorted(own))}: "
                     + (f"{top} belongs to {whose}." if whose else "whose domain that is is not recorded; "
                        "check the organisation's own page."))
    return notes


def entry_from_dict(d: dict[str, Any]) -> Entry:
    """The inverse of :meth:`Entry.to_dict` (for the imported store)."""
    return Entry(name=d["name"], domains=list(d.get("domains") or []), contacts=list(d.get("contacts") or []),
                 source=dict(d.get("source") or {}), kind=d.get("kind") or "", response=d.get("response"),
                 subject=d.get("subject"), encryption=d.get("encryption"), keys=list(d.get("keys") or []),
                 shares_with=list(d.get("shares_with") or []), channel=d.get("channel") or "",
                 note=d.get("note") or "", extra=dict(d.get("extra") or {}), escalation=d.get("escalation"))


def by_name(entries: list[Entry], name: str) -> list[Entry]:
    """Entries whose name is ``name`` (``Gemeente Epe`` and ``Epe`` are the same); no partial matches."""
    folded = _fold(name)
    return [e for e in entries if folded and _fold(e.name) == folded]
