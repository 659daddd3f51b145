"""Policy profiles as data: required fields, contact and target rules, attestations (nl + en),
response time and calendar, publication notice, and an optional scope section.

Pure: ``Policy.from_dict`` takes the loaded data; cvd_reporter/app/profiles.py finds and reads the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cvd_reporter.core.workdays import MAX_WORKING_DAYS, check_calendar
from cvd_reporter.errors import ValidationError

LANGS = ("nl", "en")


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
        raise ValidationError(f"The policy profile{where} promises an answer in {value} working days; use 0 to "
                              f"{MAX_WORKING_DAYS}.")
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

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None) -> Policy:
        where = f" in {source}" if source else ""
        if not isinstance(data, dict):
            raise ValidationError(f"A policy profile must be a mapping{where}.")
        try:
            pid = str(data["id"])
        except KeyError:
            raise ValidationError(f"The policy profile{where} has no 'id'.") from None
        try:
            atts = []
            for aid, item in (data.get("attestations") or {}).items():
                if not isinstance(item, dict) or not all(isinstance(item.get(lang), str) for lang in LANGS):
                    raise ValidationError(f"Attestation {aid!r}{where} needs its text in nl and en.")
                atts.append(Attestation(str(aid), {lang: item[lang] for lang in LANGS}, dict(item.get("why") or {})))
            response = data.get("response") or {}
            contact = data.get("contact") or {}
            target = data.get("target") or {}
            days = response.get("working_days")
            return cls(
                id=pid,
                name=dict(data.get("name") or {"en": pid}),
                languages=tuple(data.get("languages") or LANGS),
                response_working_days=_working_days(days, where),
                calendar=check_calendar(str(response.get("calendar", "weekends"))),
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
            raise ValidationError(f"The policy profile{where} has a value of the wrong type ({e}).") from None

    def attestation(self, aid: str) -> Attestation | None:
        return next((a for a in self.attestations if a.id == aid), None)

    @property
    def attestation_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.attestations)

    def title(self, lang: str) -> str:
        return self.name.get(lang) or self.name.get("en") or self.id

