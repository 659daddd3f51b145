"""Where a report goes: the organisation's contacts, each with where it came from (its provenance).

Pure: no network, no files. The reporter's own values (``organisation.contact`` in a report) have
the source ``reporter``; what the tool finds keeps its own: the security.txt URL, the policy page URL
(with the sentence the contact was read from), or the directory entry with the date its page was seen.

Also here: the well-known paths where Dutch public bodies publish their CVD page, and how a home page
link is judged to lead to one (its text or address says responsible disclosure, kwetsbaarheid, CVD,
security, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.i18n import Phrase, translator

# Paths as they appear in the addresses of published Dutch CVD / responsible-disclosure pages
# (municipalities, water boards, provinces, central government), most common first.
WELL_KNOWN_PATHS = (
    "/responsible-disclosure",
    "/coordinated-vulnerability-disclosure",
    "/kwetsbaarheid-melden",
    "/cvd",
    "/responsible-disclosure-policy",
    "/beveiligingslek-melden",
    "/beveiligingslek-datalek-melden",
    "/kwetsbaarheid-ict-systeem",
    "/beveiliging",
    "/security",
)
MAX_LINKS_SCANNED = 5000  # anchors looked at on one home page (a hostile page may have 10,000 or more)
MAX_LINKS_FOLLOWED = 3  # candidate pages fetched from one home page

_STRONG = re.compile(r"responsible[\s_-]*disclosure|coordinated[\s_-]*vulnerability|kwetsba|vulnerabilit|"
                     r"beveiligingslek|zwakke plek|\bcvd\b|security[\s_-]*(policy|melden|report)", re.I)
_WEAK = re.compile(r"\bsecurity\b|beveiliging|informatiebeveiliging|datalek", re.I)
_FINGERPRINT = re.compile(r"^(0x)?([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$")
_KEY_ID = re.compile(r"^(0x)?([0-9A-Fa-f]{8}|[0-9A-Fa-f]{16})$")


# ---------------------------------------------------------------------------- a report's own values
def contact_kind(uri: str) -> str | None:
    """``email`` (mailto:), ``web`` (https:) or ``phone`` (tel:); None for anything else."""
    lower = uri.strip().lower()
    if lower.startswith("mailto:"):
        return "email"
    if lower.startswith("https://"):
        return "web"
    if lower.startswith("tel:"):
        return "phone"
    return None


def contact_value(uri: str) -> str:
    """The address, number or URL without its scheme (a mailto: query such as ?subject= dropped)."""
    kind = contact_kind(uri)
    if kind in ("email", "phone"):
        return uri.split(":", 1)[1].split("?", 1)[0].strip()
    return uri.strip()


def key_kind(value: str) -> str:
    """``fingerprint`` | ``url`` | ``file`` | ``key_id`` (too short to trust) | ``insecure_url``."""
    text = value.strip()
    compact = text.replace(" ", "")
    if _FINGERPRINT.match(compact):
        return "fingerprint"
    if _KEY_ID.match(compact):
        return "key_id"
    lower = text.lower()
    if lower.startswith("https://"):
        return "url"
    if "://" in lower:
        return "insecure_url"
    return "file"


def fingerprint_of(value: str) -> str:
    compact = value.strip().replace(" ", "")
    return (compact[2:] if compact.lower().startswith("0x") else compact).upper()


def parse_response(text: str) -> tuple[int, str] | None:
    """``3 working days`` / ``5 werkdagen`` / ``48 office hours`` -> (amount, unit); None if not one."""
    from cvd_reporter.core.policypage.response import durations  # noqa: PLC0415 - the policy-page package loads selectolax

    found = durations(text)
    if len(found) != 1:
        return None
    amount, unit, match = found[0]
    rest = (text[: match.start()] + text[match.end():]).strip(" .,;:")
    if rest and not re.fullmatch(r"(binnen|within|in|uiterlijk|na|after)", rest, re.I):
        return None
    return amount, unit


# ---------------------------------------------------------------------------- provenance
@dataclass(frozen=True)
class Provenance:
    kind: str  # reporter | security_txt | policy_page | directory
    url: str | None = None
    seen: str | None = None  # ISO date the page was read (directory: the date its page was seen)
    entry: str | None = None  # the directory entry's name
    origin: str | None = None  # directory: bundled or the imported file's name
    evidence: str | None = None  # the sentence of a policy page the contact was read from
    age_days: int | None = None

    def describe(self, lang: str | None = "en") -> str:
        """One line for the terminal, in ``lang``: where this came from."""
        t = translator(lang)
        if self.kind == "reporter":
            return t("provenance.reporter")
        if self.kind == "security_txt":
            return f"security.txt {self.url}"
        if self.kind == "policy_page":
            return t("provenance.policy_page", url=self.url)
        if self.kind == "directory":
            where = (t("provenance.bundled") if self.origin in (None, "bundled")
                     else t("provenance.imported", origin=self.origin))
            if not self.seen:
                seen = t("provenance.not_seen")
            elif self.age_days is not None:
                seen = t("provenance.seen_age", seen=self.seen, days=self.age_days)
            else:
                seen = t("provenance.seen", seen=self.seen)
            page = t("provenance.at", url=self.url) if self.url else ""
            return f"{where}: {self.entry}{page} ({seen})"
        return self.kind

    def say_in(self, lang: str | None) -> str:
        """As a value in a catalogue sentence (core/i18n.Translator): where this came from, in ``lang``."""
        return self.describe(lang)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def for_report(self) -> dict[str, Any]:
        """The ``organisation.source.<field>`` block a report file keeps (schema cvd-report/1)."""
        out = {"kind": self.kind, "url": self.url, "seen": self.seen, "entry": self.entry}
        return {k: v for k, v in out.items() if v}


@dataclass(frozen=True)
class FoundContact:
    uri: str  # mailto:, https: or tel:
    kind: str  # email | form | platform | phone
    source: Provenance
    name: str = ""
    note: str = ""  # e.g. the address is on another organisation's domain

    @property
    def value(self) -> str:
        return contact_value(self.uri)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"uri": self.uri, "kind": self.kind, "value": self.value,
                               "source": self.source.to_dict()}
        if self.name:
            out["name"] = self.name
        if self.note:
            out["note"] = self.note
        return out


def kind_of(uri: str) -> str:
    """email | form | phone for a contact URI (an https contact counts as a form or platform)."""
    return {"email": "email", "web": "form", "phone": "phone"}.get(contact_kind(uri) or "", "form")


def domain_note(uri: str, own_host: str, owners: dict[str, str]) -> str:  # a Phrase, or ""
    """A line when a contact is on another registrable domain than the organisation's host."""
    host = contact_value(uri).rsplit("@", 1)[-1] if contact_kind(uri) == "email" else (
        urlsplit(uri).hostname if contact_kind(uri) == "web" else None)
    if not host:
        return ""
    own = registrable_domain(own_host) or own_host
    top = registrable_domain(host.lower()) or host.lower()
    if top == own:
        return ""
    whose = owners.get(top)
    if whose:
        return Phrase("contacts.other_domain_owner", contact=contact_value(uri), top=top, own=own, whose=whose)
    return Phrase("contacts.other_domain", contact=contact_value(uri), top=top, own=own)


def directory_age(seen: str | None, today: date) -> int | None:
    try:
        return (today - date.fromisoformat(seen)).days if seen else None
    except ValueError:
        return None


# ---------------------------------------------------------------------------- home page links
@dataclass(frozen=True)
class Candidate:
    url: str
    text: str
    score: int


def policy_links(html: str, base_url: str) -> list[Candidate]:
    """Links on a home page (navigation and footer included) that look like they lead to a CVD page,
    best first: at most MAX_LINKS_FOLLOWED, https only, the page itself excluded."""
    from selectolax.lexbor import LexborHTMLParser  # noqa: PLC0415 - HTML parsing only when a page is read

    tree = LexborHTMLParser(html)
    found: dict[str, Candidate] = {}
    for i, a in enumerate(tree.css("a[href]")):
        if i >= MAX_LINKS_SCANNED:
            break
        href = (a.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        text = " ".join(a.text(separator=" ", strip=True).split())[:200]
        try:
            url = urljoin(base_url, href).split("#", 1)[0]
            path = urlsplit(url).path
        except ValueError:
            continue
        if not url.lower().startswith("https://") or url.rstrip("/") == base_url.rstrip("/"):
            continue
        score = 3 * bool(_STRONG.search(text)) + 2 * bool(_STRONG.search(path.replace("/", " ")))
        score += bool(_WEAK.search(text)) + bool(_WEAK.search(path.replace("/", " ")))
        if score and (url not in found or found[url].score < score):
            found[url] = Candidate(url, text, score)
    ranked = sorted(found.values(), key=lambda c: -c.score)
    return ranked[:MAX_LINKS_FOLLOWED]


@dataclass
class Step:
    """One thing the search tried, in one sentence (for `discover` and the JSON)."""

    stage: str  # security_txt | policy_field | well_known | home_page | directory
    url: str | None
    outcome: str  # found | nothing | not_a_policy | a network error code | deadline | skipped
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "url": self.url, "outcome": self.outcome, "message": self.message}


@dataclass
class ContactSearch:
    """The result of looking for where to report: contacts with provenance, and every step tried."""

    target: str
    host: str
    contacts: list[FoundContact] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    policy: dict[str, Any] | None = None  # the policy page reading (to_dict) the contacts came from
    security_txt: Any = None  # the net.discovery.Discovery when a file was found
    deadline_hit: bool = False
    elapsed: float = 0.0

    @property
    def emails(self) -> list[FoundContact]:
        return [c for c in self.contacts if c.kind == "email"]

    def organisation_block(self) -> dict[str, Any]:
        """What a report's ``organisation`` block can hold from this search, each value with its source."""
        if not self.contacts:
            return {}
        first = self.contacts[0].source
        out: dict[str, Any] = {"contact": [c.uri for c in self.contacts if c.source == first]}
        sources: dict[str, Any] = {"contact": first.for_report()}
        if self.policy and self.policy.get("url"):
            page = Provenance("policy_page", self.policy["url"], first.seen)
            out["policy_url"] = self.policy["url"]
            sources["policy_url"] = page.for_report()
            for name in ("subject", "response"):
                value = (self.policy.get(name) or {}).get("value")
                if name == "response" and isinstance(value, dict):
                    value = f"{value.get('amount')} {str(value.get('unit', '')).replace('_', ' ')}"
                if isinstance(value, str) and value and value != "unknown":
                    out[name] = value
                    sources[name] = page.for_report()
        out["source"] = sources
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "host": self.host, "contacts": [c.to_dict() for c in self.contacts],
                "steps": [s.to_dict() for s in self.steps], "policy": self.policy,
                "organisation": self.organisation_block(), "deadline_hit": self.deadline_hit,
                "elapsed_s": round(self.elapsed, 3)}
