"""Which escalation point fits an organisation: the one that serves its kind (issue 14).

Pure: the directory's entries come in as values. The directory gives an organisation its ``kind``
(gemeente, waterschap, rijk, samenwerking, cert) and each escalation point the kinds it ``serves``:
the IBD municipalities, NCSC-NL central government. NCSC-NL is also the last resort, so a kind no
point serves gets NCSC-NL. Water boards are such a kind: their shared CERT (CERT-WM at Het
Waterschapshuis) is where their reports go in the first place, not a point to escalate to when they
do not answer, so NCSC-NL it is, and the suggestion says why.

An organisation the directory does not know has a kind only when its name says so ("Gemeente ...",
"Waterschap ..."); without a kind nothing is suggested or questioned beyond the usual choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cvd_reporter.core.directory import by_name
from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.i18n import N_, say

LAST_RESORT = "ncsc"
KIND_LABELS = {"gemeente": N_("escalate.org_kind.gemeente"), "waterschap": N_("escalate.org_kind.waterschap"),
               "rijk": N_("escalate.org_kind.rijk"), "samenwerking": N_("escalate.org_kind.samenwerking"),
               "cert": N_("escalate.org_kind.cert")}
# Names that say the kind, for an organisation the directory does not know.
_NAME_PREFIXES = (("gemeente ", "gemeente"), ("municipality of ", "gemeente"), ("waterschap ", "waterschap"),
                  ("hoogheemraadschap ", "waterschap"), ("wetterskip ", "waterschap"))
WHY_SERVES = N_("escalate.why.serves")
WHY_LAST_RESORT = N_("escalate.why.last_resort")
WHY_WATER = N_("escalate.why.waterschap")


def kind_label(kind: str, lang: str | None) -> str:
    """``a municipality``: the kind as a sentence names an organisation of it."""
    if kind in KIND_LABELS:
        return say(lang, KIND_LABELS[kind])
    return say(lang, "escalate.org_kind.other", kind=kind)


def _kinds(entries: Iterable[Any]) -> set[str]:
    return {e.kind for e in entries if e.kind and e.kind != "diodb"}


def organisation_kind(entries: Sequence[Any], *, organisation: str, target: str) -> str | None:
    """The kind of a report's organisation: the directory's entry for the target's domain, else for the
    organisation's domain or name, else what its name says. None when unknown or when the entries
    found disagree."""
    hosts = [urlsplit(target).hostname if "://" in target else target.strip()]
    if "." in organisation and " " not in organisation.strip():
        hosts.append(organisation.strip())
    for host in hosts:
        if not host:
            continue
        host = host.lower().rstrip(".")
        top = registrable_domain(host) or host
        kinds = _kinds(e for e in entries if top in e.domains or host in e.domains)
        if kinds:
            return kinds.pop() if len(kinds) == 1 else None
    kinds = _kinds(by_name(list(entries), organisation)) if organisation.strip() else set()
    if kinds:
        return kinds.pop() if len(kinds) == 1 else None
    name = " ".join(organisation.lower().split()) + " "
    return next((kind for prefix, kind in _NAME_PREFIXES if name.startswith(prefix) and name != prefix), None)


@dataclass(frozen=True)
class Fit:
    """The usual escalation point for an organisation's kind, and why."""

    kind: str
    point_id: str  # what `escalate --to` takes
    point_name: str
    why: str  # catalogue id (WHY_*)

    def kind_text(self, lang: str | None) -> str:
        return kind_label(self.kind, lang)

    def why_text(self, lang: str | None) -> str:
        return say(lang, self.why, point=self.point_name, kind=self.kind_text(lang))

    def command(self, report_id: str, lang: str | None) -> str:
        """``cvd-reporter escalate ID --to ibd (why)``: the suggestion where the tool names the next step."""
        return f"cvd-reporter escalate {report_id} --to {self.point_id} ({self.why_text(lang)})"

    def to_dict(self) -> dict[str, str]:
        return {"organisation_kind": self.kind, "point": self.point_id, "why": self.why_text("en")}


def _points(entries: Iterable[Any]) -> list[Any]:
    return [e for e in entries if e.escalation]


def usual_point(kind: str | None, entries: Sequence[Any]) -> Fit | None:
    """The first escalation point that serves ``kind`` (an imported one before the bundled), else the
    last resort; None without a kind or without any point."""
    if not kind:
        return None
    points = _points(entries)
    for entry in points:
        if kind in entry.escalation.get("serves", []):
            return Fit(kind, str(entry.escalation["id"]), entry.name, WHY_SERVES)
    last = next((e for e in points if e.escalation.get("id") == LAST_RESORT), None)
    if last is None:
        return None
    return Fit(kind, LAST_RESORT, last.name, WHY_WATER if kind == "waterschap" else WHY_LAST_RESORT)


def fits(point_id: str, fit: Fit | None, entries: Sequence[Any]) -> bool:
    """Does escalation point ``point_id`` fit? An address (no id), an unknown kind, the usual point and
    any point whose ``serves`` names the kind do; another point (``--to ncsc`` for a municipality,
    ``--to ibd`` for a ministry) does not."""
    if not point_id or fit is None or point_id == fit.point_id:
        return True
    serves: list[str] = next((e.escalation.get("serves", []) for e in _points(entries)
                              if e.escalation.get("id") == point_id), [])
    return fit.kind in serves


def fit_for(entries: Sequence[Any], *, organisation: str, target: str) -> Fit | None:
    """The usual escalation point for a report's organisation (None when its kind is not known)."""
    return usual_point(organisation_kind(entries, organisation=organisation, target=target), entries)
