"""Build a CVSS 3.1 base vector from eight plain questions (one per base metric).

The metric names and values are those of the CVSS v3.1 specification, section 2 (Base Metrics);
the questions are worded for someone who has never read it. Pure: no I/O; scoring is done by
core.validate.cvss_score (the ``cvss`` package).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cvd_reporter.core.i18n import say


@dataclass(frozen=True)
class MetricValue:
    metric: str  # "AV"
    value: str  # the letter in the vector, e.g. "N"

    def say(self, lang: str) -> str:
        return say(lang, f"cvss.{self.metric}.{self.value}")


@dataclass(frozen=True)
class Metric:
    key: str  # "AV"
    values: tuple[MetricValue, ...]

    def say(self, lang: str) -> str:
        """The plain question (catalogue id ``cvss.<key>``); each value's answer is ``cvss.<key>.<value>``."""
        return say(lang, f"cvss.{self.key}")


def _m(key: str, letters: str) -> Metric:
    return Metric(key, tuple(MetricValue(key, v) for v in letters))


# Order and letters as in the CVSS v3.1 vector string (specification section 6); the letters of each
# metric in the order the wizard offers them.
METRICS: tuple[Metric, ...] = (
    _m("AV", "NALP"), _m("AC", "LH"), _m("PR", "NLH"), _m("UI", "NR"), _m("S", "UC"),
    _m("C", "NLH"), _m("I", "NLH"), _m("A", "NLH"),
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
