"""Build a CVSS 3.1 base vector from eight plain questions (one per base metric).

The metric names and values are those of the CVSS v3.1 specification, section 2 (Base Metrics);
the questions are worded for someone who has never read it. Pure: no I/O; scoring is done by
core.validate.cvss_score (the ``cvss`` package).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class MetricValue:
    value: str  # the letter in the vector, e.g. "N"
    text: dict[str, str]

    def say(self, lang: str) -> str:
        return self.text.get(lang) or self.text["en"]


@dataclass(frozen=True)
class Metric:
    key: str  # "AV"
    question: dict[str, str]
    values: tuple[MetricValue, ...]

    def say(self, lang: str) -> str:
        return self.question.get(lang) or self.question["en"]


def _v(value: str, en: str, nl: str) -> MetricValue:
    return MetricValue(value, {"en": en, "nl": nl})


# Order and letters as in the CVSS v3.1 vector string (specification section 6).
METRICS: tuple[Metric, ...] = (
    Metric("AV", {"en": "From where can an attacker exploit it? (attack vector)",
                  "nl": "Vanaf waar kan een aanvaller het misbruiken? (attack vector)"}, (
        _v("N", "Over the internet", "Via het internet"),
        _v("A", "Only from the same local network", "Alleen vanaf hetzelfde lokale netwerk"),
        _v("L", "Only with access to the machine itself (logged in)", "Alleen met toegang tot het systeem zelf"),
        _v("P", "Only by physically touching the device", "Alleen door het apparaat fysiek aan te raken"))),
    Metric("AC", {"en": "Does it take special conditions to succeed? (attack complexity)",
                  "nl": "Zijn er bijzondere omstandigheden nodig? (attack complexity)"}, (
        _v("L", "No, it works every time", "Nee, het werkt elke keer"),
        _v("H", "Yes, it depends on conditions the attacker does not control",
           "Ja, het hangt af van omstandigheden buiten de macht van de aanvaller"))),
    Metric("PR", {"en": "Does the attacker need an account? (privileges required)",
                  "nl": "Heeft de aanvaller een account nodig? (privileges required)"}, (
        _v("N", "No account needed", "Geen account nodig"),
        _v("L", "An ordinary user account", "Een gewoon gebruikersaccount"),
        _v("H", "An administrator account", "Een beheerdersaccount"))),
    Metric("UI", {"en": "Must a victim do something, such as click a link? (user interaction)",
                  "nl": "Moet een slachtoffer iets doen, zoals op een link klikken? (user interaction)"}, (
        _v("N", "No", "Nee"),
        _v("R", "Yes", "Ja"))),
    Metric("S", {"en": "Can it reach beyond the vulnerable part, e.g. other systems or users' browsers? (scope)",
                 "nl": "Reikt het verder dan het kwetsbare onderdeel, bijv. andere systemen of browsers? (scope)"}, (
        _v("U", "No, it stays within the vulnerable part", "Nee, het blijft binnen het kwetsbare onderdeel"),
        _v("C", "Yes", "Ja"))),
    Metric("C", {"en": "How much confidential data could an attacker read? (confidentiality)",
                 "nl": "Hoeveel vertrouwelijke gegevens kan een aanvaller lezen? (confidentiality)"}, (
        _v("N", "None", "Geen"),
        _v("L", "Some, limited", "Enkele, beperkt"),
        _v("H", "All or very sensitive data", "Alles, of zeer gevoelige gegevens"))),
    Metric("I", {"en": "How much data could an attacker change? (integrity)",
                 "nl": "Hoeveel gegevens kan een aanvaller veranderen? (integrity)"}, (
        _v("N", "None", "Geen"),
        _v("L", "Some, limited", "Enkele, beperkt"),
        _v("H", "All or very important data", "Alles, of zeer belangrijke gegevens"))),
    Metric("A", {"en": "Could an attacker make the service unavailable? (availability)",
                 "nl": "Kan een aanvaller de dienst onbereikbaar maken? (availability)"}, (
        _v("N", "No", "Nee"),
        _v("L", "Partly or slower", "Gedeeltelijk of trager"),
        _v("H", "Completely", "Volledig"))),
)

METRIC_KEYS: tuple[str, ...] = tuple(m.key for m in METRICS)


def build_vector(values: Mapping[str, str]) -> str:
    """``{"AV": "N", ...}`` -> ``CVSS:3.1/AV:N/AC:L/...``. Raises ValueError on a missing or unknown value."""
    parts = ["CVSS:3.1"]
    for metric in METRICS:
        value = values.get(metric.key)
        if value not in {v.value for v in metric.values}:
            raise ValueError(f"CVSS metric {metric.key} has no valid value ({value!r})")
        parts.append(f"{metric.key}:{value}")
    return "/".join(parts)


def parse_vector(vector: str) -> dict[str, str]:
    """The base metrics of a 3.x vector as a dict (to offer them as defaults when building again)."""
    out: dict[str, str] = {}
    for part in vector.strip().split("/")[1:]:
        key, _, value = part.partition(":")
        if key in METRIC_KEYS:
            out[key] = value
    return out
