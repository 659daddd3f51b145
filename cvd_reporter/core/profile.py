"""An organisation's profile: what its own policy says about answering, subjects, encryption, forbidden
techniques, sharing and language, merged from several sources, each value keeping where it came from.

Sources, weakest first (a later one wins, field by field):

1. the generic policy profile (``nl-gemeente`` or the configured one): a default, not the organisation's word;
2. the directory entry for the organisation (its page as seen on a date);
3. the organisation's policy page as the policy reader read it;
4. the reporter's saved correction for the organisation (a YAML file they edit);
5. the report's own ``organisation.response`` / ``organisation.subject``;
6. ``--policy FILE`` given on the command line: the reporter's explicit choice wins over everything.

How a promise becomes a deadline (:meth:`Response.deadline`): working days count on the policy's
calendar; office hours are working days of 8 hours (48 office hours = 6 working days), rounded up;
days are calendar days (weekends and holidays count: the ``calendar-days`` calendar); hours are
calendar days of 24 hours, rounded up (48 hours = 2 days). A promise is never shortened by rounding.

Pure: no I/O. cvd_reporter/app/profiles.py reads the files and the directory.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from cvd_reporter.core import subjects
from cvd_reporter.core.policy import CALENDAR_DAYS, UNITS, Policy, Response
from cvd_reporter.errors import ValidationError

__all__ = ["CALENDAR_DAYS", "UNITS", "Layer", "Profile", "Response", "Sourced", "merge"]
ENCRYPTION = ("required", "preferred", "not_mentioned")
FIELDS = ("response", "subject", "encryption", "forbidden", "shares_with", "language")


@dataclass(frozen=True)
class Sourced:
    value: Any
    source: str  # one line: "built-in profile nl-gemeente", "policy page https://...", "your correction FILE"
    kind: str  # default | directory | policy_page | correction | report | policy_file
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        value = self.value.to_dict() if isinstance(self.value, Response) else (
            list(self.value) if isinstance(self.value, tuple) else self.value)
        out = {"value": value, "source": self.source, "kind": self.kind}
        if self.evidence:
            out["evidence"] = self.evidence
        return out


@dataclass(frozen=True)
class Layer:
    """What one source says, already checked: field -> (value, evidence)."""

    kind: str
    source: str
    values: dict[str, tuple[Any, str]] = field(default_factory=dict)


RANK = {"default": 0, "directory": 1, "policy_page": 2, "correction": 3, "report": 4, "policy_file": 5}


@dataclass(frozen=True)
class Profile:
    name: str  # the organisation (or host) the profile is for
    values: dict[str, Sourced]
    layers: tuple[Layer, ...] = ()  # the sources consulted, weakest first

    def adding(self, extra: Layer) -> Profile:
        """The profile merged again with one more source, in its place by precedence."""
        return merge(self.name, [*self.layers, extra])

    def get(self, name: str) -> Any:
        item = self.values.get(name)
        return item.value if item is not None else None

    @property
    def response(self) -> Response | None:
        value = self.get("response")
        return value if isinstance(value, Response) else None

    @property
    def subject(self) -> str | None:
        value = self.get("subject")
        return value if isinstance(value, str) and value else None

    @property
    def revealing_subject(self) -> Sourced | None:
        """The required subject when it asks to name the system (a placeholder, "in ..."): a warning,
        since the Subject travels unencrypted; it is sent without the placeholder (core/subjects.py)."""
        item = self.values.get("subject")
        return item if item is not None and subjects.reveals(str(item.value)) else None

    @property
    def subject_as_sent(self) -> str | None:
        return subjects.for_mail(self.subject) if self.subject else None

    def apply(self, policy: Policy) -> Policy:
        """``policy`` with this profile's values: the deadline (converted, see Response.deadline), the
        required subject and the stances; attestations, required fields and scope stay the policy's."""
        base_calendar = policy.working_calendar or policy.calendar
        changes: dict[str, Any] = {"profile": self, "working_calendar": base_calendar}
        response = self.response
        if response is not None:
            days, calendar = response.deadline(base_calendar)
            changes.update(response_working_days=days, calendar=calendar, response_promise=response)
        changes["required_subject"] = self.subject
        for name in ("encryption", "language"):
            if self.get(name) is not None:
                changes[name] = self.get(name)
        for name in ("forbidden", "shares_with"):
            if self.get(name) is not None:
                changes[name] = tuple(self.get(name))
        return dataclasses.replace(policy, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The fields with their sources; the deadline depends on the policy's calendar: see ``apply``."""
        return {"name": self.name, "fields": {k: v.to_dict() for k, v in self.values.items()},
                "sources": [f"{x.kind}: {x.source}" for x in self.layers],
                "subject_as_sent": self.subject_as_sent, "subject_reveals": self.revealing_subject is not None}


# ---------------------------------------------------------------------------- checking one source
def _texts(value: Any, name: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValidationError.t("profile.words", code="bad_profile", name=name, where=where)
    return tuple(v.strip() for v in value if v.strip())


def check_value(name: str, value: Any, where: str) -> Any:
    """One field's value from a source, checked and normalised; ValidationError (exit 3) otherwise."""
    if name == "response":
        return Response.parse(value, where)
    if name == "subject":
        return subjects.check_required(value, where)
    if name == "encryption":
        if value not in ENCRYPTION:
            raise ValidationError.t("profile.encryption", code="bad_profile", where=where,
                                    allowed=", ".join(ENCRYPTION))
        return value
    if name == "language":
        if not isinstance(value, str) or not value.isalpha() or not 2 <= len(value) <= 3:
            raise ValidationError.t("profile.language", code="bad_profile", where=where)
        return value.lower()
    if name in ("forbidden", "shares_with"):
        return _texts(value, name, where)
    raise ValidationError.t("profile.unknown_field", code="bad_profile", where=where, name=repr(name),
                            known=", ".join(FIELDS))


def layer(kind: str, source: str, values: dict[str, Any], evidence: dict[str, str] | None = None) -> Layer:
    """A checked layer from plain values (None and empty values are left out: the source says nothing)."""
    checked = {}
    for name, value in values.items():
        if value is None or value in ("", []):
            continue
        checked[name] = (check_value(name, value, source), (evidence or {}).get(name, ""))
    return Layer(kind, source, checked)


def from_policy(policy: Policy, kind: str = "default") -> Layer:
    """What a policy profile file states (the built-in one: a generic default)."""
    values: dict[str, Any] = {}
    if policy.response_promise is not None:
        values["response"] = policy.response_promise
    elif policy.response_working_days is not None:
        values["response"] = Response(policy.response_working_days, "working_days")
    values.update(subject=policy.required_subject, encryption=policy.encryption, language=policy.language,
                  forbidden=list(policy.forbidden) or None, shares_with=list(policy.shares_with) or None)
    return layer(kind, policy.label, values)


def from_reading(reading: dict[str, Any]) -> Layer:
    """From a policy page reading (core.policypage's ``PolicyReading.to_dict()``): only what the page
    states; ``unknown`` stays out. A subject the page wants in the report text (not the Subject) stays out."""
    url = reading.get("url") or "the policy page"
    values: dict[str, Any] = {}
    evidence: dict[str, str] = {}

    def take(name: str, found: Any, value: Any) -> None:
        values[name] = value
        evidence[name] = str((found or {}).get("evidence") or "")

    for name in ("response", "encryption", "language"):
        found = reading.get(name) or {}
        value = found.get("value")
        if value not in (None, "unknown", "not_mentioned"):
            take(name, found, value)
    subject = reading.get("subject") or {}
    if subject.get("value") not in (None, "unknown") and subject.get("where", "subject") == "subject":
        take("subject", subject, subject["value"])
    for name in ("forbidden", "shares_with"):
        items = [f for f in reading.get(name) or [] if isinstance(f.get("value"), str)]
        if items:
            take(name, items[0], [f["value"] for f in items])
    return layer("policy_page", f"policy page {url}", values, evidence)


def from_directory(entry: dict[str, Any]) -> Layer:
    """From a directory entry (``Entry.to_dict()``), with the date its page was seen."""
    source = entry.get("source") or {}
    seen = f", seen {source['seen']}" if source.get("seen") else ""
    subject = entry.get("subject") or {}
    values = {"response": entry.get("response"), "encryption": entry.get("encryption"),
              "shares_with": entry.get("shares_with") or None,
              "subject": subject.get("value") if subject.get("where", "subject") == "subject" else None}
    return layer("directory", f"directory entry {entry.get('name')}{seen}", values)


def from_report(organisation: Any) -> Layer:
    """The report's own ``organisation.response`` and ``organisation.subject``."""
    values = {}
    for name in ("response", "subject"):
        value = getattr(organisation, name)
        if not value:
            continue
        try:
            check_value(name, value, "the report")
        except ValidationError:
            continue  # validate reports it as a finding on the field (an error: nothing is sent)
        values[name] = value
    return layer("report", "the report (organisation.response/subject)", values)


def from_correction(data: Any, where: str) -> Layer:
    """The reporter's saved correction (a mapping; ``organisation``, ``hosts`` and ``saved`` are labels)."""
    if not isinstance(data, dict):
        raise ValidationError.t("profile.not_mapping", code="bad_profile", where=where)
    values = {k: v for k, v in data.items() if k not in ("organisation", "hosts", "saved", "source", "schema")}
    return layer("correction", f"your correction {where}", values)


# ---------------------------------------------------------------------------- merging
def merge(name: str, layers: list[Layer]) -> Profile:
    """Field by field, the source with the highest precedence (RANK) that states a value wins."""
    layers = sorted(layers, key=lambda x: RANK.get(x.kind, 0))  # stable: same rank keeps its order
    values: dict[str, Sourced] = {}
    for item in layers:
        for field_name, (value, evidence) in item.values.items():
            values[field_name] = Sourced(value, item.source, item.kind, evidence)
    return Profile(name, values, tuple(layers))
