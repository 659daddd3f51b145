"""A CSAF 2.0 document (profile ``csaf_base``) of one report, written by its discoverer.

CSAF (OASIS Common Security Advisory Framework 2.0) is the format NCSC-NL publishes advisories in
and CERT/CC's VINCE takes reports in. The reporter publishes as ``publisher.category = "discoverer"``.
While the vulnerability is not public the document is TLP:RED and its tracking status ``interim``
(it will change); once the record says ``published`` it becomes TLP:WHITE and ``final``.

Only fields that the published CSAF 2.0 schema and its late drafts agree on are used, so the document
validates against both: no ``generator`` (a string in drafts, an object in 2.0), no ``threats``
(``type`` vs ``category``), no ``scores`` (they pull in FIRST's CVSS schemas and a computed score);
the CVSS vector and the CWE id go into a note instead. ``publisher.namespace``, required by 2.0,
is always set. The state history becomes the revision history, one revision per state change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timezone
from typing import Any, Protocol

CSAF_VERSION = "2.0"
PRODUCT_ID = "CSAFPID-0001"
TLP_URL = "https://www.first.org/tlp/"  # CSAF 2.0 uses TLP version 1 labels (RED/AMBER/GREEN/WHITE)

_VENDOR_STATUS = {
    "draft": "not_contacted",
    "contact_requested": "contact_attempted",  # a first contact without the details went
    "sent": "contact_attempted",
    "no_response": "contact_attempted",
    "acknowledged": "in_progress",
    "assessed": "in_progress",
    "fix_promised": "in_progress",
    "fixed": "completed",
    "published": "completed",
    "data_deleted": "completed",
}
_ANSWERS = frozenset({"acknowledged", "assessed", "fix_promised", "fixed"})


class TimelineEntry(Protocol):
    """One state change (store.record.Event has it); read-only, so frozen records fit."""

    @property
    def state(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def fix_date(self) -> date | None: ...


def build_csaf(*, report_id: str, title: str, organisation: str, target: str, policy: str,
               timeline: Sequence[TimelineEntry], reporter_name: str, namespace: str,
               reporter_contact: str | None = None, lang: str | None = None, description: str | None = None,
               cwe: str | None = None, cvss: str | None = None, discovered: date | None = None) -> dict[str, Any]:
    """The CSAF 2.0 document of a report. ``timeline`` is its state history, oldest first (non-empty)."""
    if not timeline:
        raise ValueError("a CSAF document needs at least one state in the timeline")
    history = sorted(timeline, key=lambda e: e.at)
    states_seen = [e.state for e in history]
    published = "published" in states_seen
    fixed = any(s in ("fixed", "published") for s in states_seen)

    revisions = [{"date": _dt(e.at), "number": str(i), "summary": _revision_summary(e)}
                 for i, e in enumerate(history, start=1)]
    publisher: dict[str, Any] = {"category": "discoverer", "name": reporter_name, "namespace": namespace}
    if reporter_contact:
        publisher["contact_details"] = reporter_contact
    tlp = "WHITE" if published else "RED"
    document: dict[str, Any] = {
        "category": "csaf_base",
        "csaf_version": CSAF_VERSION,
        "title": title,
        "publisher": publisher,
        "distribution": {
            "text": ("Published after the fix." if published else
                     "TLP:RED: for the organisation and a coordinator it involves only, until the fix is public."),
            "tlp": {"label": tlp, "url": TLP_URL},
        },
        "notes": [{"category": "general", "title": "Coordinated Vulnerability Disclosure",
                   "text": f"Reported to {organisation} under its CVD policy ({policy})."}],
        "tracking": {
            "id": report_id,
            "status": "final" if published else "interim",
            "version": revisions[-1]["number"],
            "initial_release_date": revisions[0]["date"],
            "current_release_date": revisions[-1]["date"],
            "revision_history": revisions,
        },
    }
    if lang and lang.isalpha() and 2 <= len(lang) <= 3:
        document["lang"] = lang

    vuln: dict[str, Any] = {
        "title": title,
        "product_status": {("fixed" if fixed else "known_affected"): [PRODUCT_ID]},
        "involvements": _involvements(history, reporter_name, organisation),
        "remediations": [_remediation(history, organisation, fixed)],
        "acknowledgments": [{"names": [reporter_name], "summary": "found and reported the vulnerability"}],
    }
    notes = []
    if description:
        notes.append({"category": "description", "title": "Description", "text": description})
    details = [f"{label}: {value}" for label, value in (("Weakness", cwe), ("CVSS vector", cvss)) if value]
    if details:
        notes.append({"category": "details", "title": "Classification", "text": "\n".join(details)})
    if notes:
        vuln["notes"] = notes
    if discovered:
        vuln["discovery_date"] = f"{discovered.isoformat()}T00:00:00+00:00"
    return {
        "document": document,
        "product_tree": {"full_product_names": [{"name": f"{organisation}: {target}", "product_id": PRODUCT_ID}]},
        "vulnerabilities": [vuln],
    }


def _dt(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.astimezone()
    return at.astimezone(timezone.utc).isoformat(timespec="seconds")


def _revision_summary(entry: TimelineEntry) -> str:
    text = f"State: {entry.state.replace('_', ' ')}"
    if entry.state == "fix_promised" and entry.fix_date:
        text += f" (fix promised by {entry.fix_date.isoformat()})"
    return text + "."


def _vendor_status(states_seen: list[str]) -> str:
    for state in reversed(states_seen):  # closed and escalated say nothing of the vendor itself
        if state in _VENDOR_STATUS:
            if state == "no_response" and any(s in _ANSWERS for s in states_seen):
                return "in_progress"
            return _VENDOR_STATUS[state]
    return "not_contacted"


def _involvements(history: Sequence[TimelineEntry], reporter: str, organisation: str) -> list[dict[str, Any]]:
    states_seen = [e.state for e in history]
    out = [
        {"party": "discoverer", "status": "completed", "summary": f"{reporter} found and reported the vulnerability."},
        {"party": "vendor", "status": _vendor_status(states_seen), "summary": f"{organisation}, the system's owner."},
    ]
    if "escalated" in states_seen:
        out.append({"party": "coordinator", "status": "contact_attempted",
                    "summary": "Asked to mediate because the organisation did not answer in time."})
    return out


def _remediation(history: Sequence[TimelineEntry], organisation: str, fixed: bool) -> dict[str, Any]:
    if fixed:
        when = next(e.at for e in history if e.state in ("fixed", "published"))
        return {"category": "vendor_fix", "details": f"{organisation} fixed the vulnerability.",
                "date": _dt(when), "product_ids": [PRODUCT_ID]}
    promised = [e.fix_date for e in history if e.state == "fix_promised" and e.fix_date]
    details = (f"{organisation} promised a fix by {promised[-1].isoformat()}." if promised
               else "No fix is available yet.")
    return {"category": "none_available", "details": details, "product_ids": [PRODUCT_ID]}
