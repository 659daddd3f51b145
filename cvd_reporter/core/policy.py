"""Policy profiles as data: required fields, contact and target rules, attestations (nl + en),
response time and calendar, publication notice, and an optional scope section.

Pure: ``Policy.from_dict`` takes the loaded data; cvd_reporter/app/profiles.py finds and reads the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cvd_reporter.core.subjects import check_required
from cvd_reporter.core.workdays import MAX_WORKING_DAYS, check_calendar
from cvd_reporter.errors import ValidationError

LANGS = ("nl", "en")
UNITS = ("working_days", "days", "hours", "office_hours")
OFFICE_HOURS_PER_DAY = 8
HOURS_PER_DAY = 24
CALENDAR_DAYS = "calendar-days"


@dataclass(frozen=True)
class Response:
    """A promised answer time as the policy states it: ``3 working_days``, ``48 office_hours``, ``5 days``."""

    amount: int
    unit: str

    @classmethod
    def parse(cls, value: Any, where: str) -> Response:
        """From ``{amount, unit}`` or a text such as ``3 working days`` / ``48 kantooruren``."""
        if isinstance(value, Response):
            return value
        if isinstance(value, str):
            from cvd_reporter.core.contacts import parse_response  # noqa: PLC0415 - loads the policy-page reader

            parsed = parse_response(value)
            if parsed is None:
                raise ValidationError.t("policy.bad_response_text", code="bad_profile", value=repr(value), where=where)
            value = {"amount": parsed[0], "unit": parsed[1]}
        if not isinstance(value, dict):
            raise ValidationError.t("policy.bad_response_shape", code="bad_profile", where=where)
        unit = str(value.get("unit", "")).replace(" ", "_")
        if unit not in UNITS:
            raise ValidationError.t("policy.bad_response_unit", code="bad_profile", unit=repr(unit), where=where,
                                    units=", ".join(UNITS))
        try:
            amount = int(value.get("amount"))  # type: ignore[arg-type]  # checked by the except below
        except (TypeError, ValueError):
            raise ValidationError.t("policy.bad_response_amount", code="bad_profile", where=where) from None
        if not 0 <= amount <= MAX_WORKING_DAYS:
            raise ValidationError.t("policy.response_range", code="bad_profile", amount=amount,
                                    unit=unit.replace("_", " "), where=where, max=MAX_WORKING_DAYS)
        return cls(amount, unit)

    def deadline(self, calendar: str) -> tuple[int, str]:
        """(number of days, calendar) to count from the day of sending; see the module's docstring."""
        if self.unit == "working_days":
            return self.amount, calendar
        if self.unit == "office_hours":
            return -(-self.amount // OFFICE_HOURS_PER_DAY), calendar
        if self.unit == "hours":
            return -(-self.amount // HOURS_PER_DAY), CALENDAR_DAYS
        return self.amount, CALENDAR_DAYS

    def describe(self) -> str:
        return f"{self.amount} {self.unit.replace('_', ' ')}"

    def to_dict(self) -> dict[str, Any]:
        return {"amount": self.amount, "unit": self.unit}




@dataclass(frozen=True)
class Attestation:
    id: str
    text: dict[str, str]
    why: dict[str, str]

    def say(self, lang: str) -> str:
        return self.text.get(lang) or self.text["en"]

    def explain(self, lang: str) -> str:
        return self.why.get(lang) or self.why.get("en", "")


def _working_days(days: Any, where: str) -> int | None:
    """The promised answer time, checked when the profile is read: a deadline that cannot be computed
    must stop the run before anything is sent, not fail when the sent report is recorded."""
    if days is None:
        return None
    value = int(days)
    if not 0 <= value <= MAX_WORKING_DAYS:
        raise ValidationError.t("policy.days_range", where=where, value=value, max=MAX_WORKING_DAYS)
    return value


@dataclass(frozen=True)
class Policy:
    id: str
    name: dict[str, str]
    languages: tuple[str, ...] = LANGS
    response_working_days: int | None = None
    calendar: str = "weekends"
    notify_before_publication: bool = False
    report_within_days: int | None = None
    required: tuple[str, ...] = ()
    contact_require_one_of: tuple[str, ...] = ("email", "phone")
    allow_anonymous: bool = True
    phone_region: str = "NL"
    target_require_one_of: tuple[str, ...] = ("urls", "ips")
    attestations: tuple[Attestation, ...] = ()
    scope: dict[str, Any] | None = None
    source: str | None = field(default=None, compare=False)
    # the organisation's own terms (core/profile.py): the promise as stated, before conversion to days
    response_promise: Response | None = None
    required_subject: str | None = None
    encryption: str | None = None
    forbidden: tuple[str, ...] = ()
    shares_with: tuple[str, ...] = ()
    language: str | None = None
    working_calendar: str | None = None  # the calendar working days count on, when a promise in days moved it
    profile: Any = field(default=None, compare=False)  # the merged core.profile.Profile, with sources

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None) -> Policy:
        where = f" in {source}" if source else ""
        if not isinstance(data, dict):
            raise ValidationError.t("policy.not_mapping", where=where)
        try:
            pid = str(data["id"])
        except KeyError:
            raise ValidationError.t("policy.no_id", where=where) from None
        try:
            atts = []
            for aid, item in (data.get("attestations") or {}).items():
                if not isinstance(item, dict) or not all(isinstance(item.get(lang), str) for lang in LANGS):
                    raise ValidationError.t("policy.attestation_langs", aid=repr(aid), where=where)
                atts.append(Attestation(str(aid), {lang: item[lang] for lang in LANGS}, dict(item.get("why") or {})))
            response = data.get("response") or {}
            contact = data.get("contact") or {}
            target = data.get("target") or {}
            days = response.get("working_days")
            calendar = check_calendar(str(response.get("calendar", "weekends")))
            promise = Response.parse(response, f"the policy profile{where}") if "unit" in response else None
            if promise is not None:
                days, calendar = promise.deadline(calendar)
            subject = data.get("subject")
            if subject is not None:


                subject = check_required(subject, f"the policy profile{where}")
            return cls(
                id=pid,
                name=dict(data.get("name") or {"en": pid}),
                languages=tuple(data.get("languages") or LANGS),
                response_working_days=_working_days(days, where),
                calendar=calendar,
                response_promise=promise,
                required_subject=subject,
                encryption=data.get("encryption"),
                forbidden=tuple(str(x) for x in data.get("forbidden") or ()),
                shares_with=tuple(str(x) for x in data.get("shares_with") or ()),
                language=data.get("language"),
                notify_before_publication=bool(data.get("notify_before_publication", False)),
                report_within_days=data.get("report_within_days"),
                required=tuple(data.get("required") or ()),
                contact_require_one_of=tuple(contact.get("require_one_of") or ("email", "phone")),
                allow_anonymous=bool(contact.get("allow_anonymous", True)),
                phone_region=str(contact.get("phone_region", "NL")),
                target_require_one_of=tuple(target.get("require_one_of") or ("urls", "ips")),
                attestations=tuple(atts),
                scope=data.get("scope"),
                source=source,
            )
        except (TypeError, ValueError, AttributeError) as e:
            raise ValidationError.t("policy.wrong_type", where=where, detail=str(e)) from None

    def attestation(self, aid: str) -> Attestation | None:
        return next((a for a in self.attestations if a.id == aid), None)

    @property
    def label(self) -> str:
        """How a source names this policy: the file it came from, or the built-in profile's id."""
        return self.source or f"policy profile {self.id}"

    def source_of(self, name: str) -> str:
        """Where profile field ``name`` came from: the merged profile's source for it (core/profile.py),
        else this policy."""
        item = self.profile.values.get(name) if self.profile is not None else None
        return item.source if item is not None else self.label

    @property
    def attestation_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.attestations)

    def title(self, lang: str) -> str:
        return self.name.get(lang) or self.name.get("en") or self.id

