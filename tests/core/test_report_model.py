"""The report model and the nl-gemeente policy checks: one case per finding code (table-driven)."""

from __future__ import annotations

import copy
import datetime as dt

import jsonschema
import pytest
import yaml

from cvd_reporter.app.profiles import builtin_names, load_policy
from cvd_reporter.core.model import json_schema, parse_report
from cvd_reporter.core.validate import validate_report
from tests.support.paths import EXAMPLES
from tests.support.report import ALL_ATTESTATIONS, GOOD

TODAY = dt.date(2026, 11, 29)


def codes(doc, lang="en"):
    policy = load_policy("nl-gemeente")
    report, findings = parse_report(doc, lang=lang)
    findings += validate_report(report, policy=policy, today=TODAY, lang=lang)
    return {(f.code, f.severity) for f in findings}, findings


def mutate(path, value):
    doc = copy.deepcopy(GOOD)
    obj = doc
    parts = path.split(".")
    for p in parts[:-1]:
        obj = obj.setdefault(p, {})
    if value is _DELETE:
        obj.pop(parts[-1], None)
    else:
        obj[parts[-1]] = value
    return doc


_DELETE = object()


def test_good_report_has_no_findings():
    found, findings = codes(GOOD)
    assert found == set(), [f.human() for f in findings]


CASES = [
    ("schema_version", "error", "schema", "cvd-report/2"),
    ("schema_version", "error", "schema", _DELETE),
    ("unknown_field", "error", "reporter.emial", "x@example.org"),
    ("wrong_type", "error", "reporter.anonymous", "yes"),
    ("wrong_type", "error", "target", ["https://x.test"]),
    ("invalid_value", "error", "disclosure.intent", "later"),
    ("invalid_date", "error", "conduct.discovered", "27-11-2026"),
    ("missing_field", "error", "vulnerability.description", _DELETE),
    ("missing_field", "error", "vulnerability.title", "   "),
    ("no_contact", "error", "reporter", {"name": "Alex"}),
    ("anonymous", "warning", "reporter", {"anonymous": True}),
    ("anonymous_with_contact", "warning", "reporter", {"anonymous": True, "email": "a@example.org"}),
    ("invalid_email", "error", "reporter.email", "alex@@example"),
    ("invalid_phone", "error", "reporter.phone", "12345"),
    ("no_target", "error", "target", {"asset": "the website"}),
    ("invalid_url", "error", "target.urls", ["ftp://gemeente.test/x"]),
    ("invalid_url", "error", "target.urls", ["https:///nohost"]),
    ("invalid_ip", "error", "target.ips", ["300.1.2.3"]),
    ("invalid_ip", "error", "conduct.source_ips", ["not-an-ip"]),
    ("discovered_future", "error", "conduct.discovered", "2026-12-01"),
    ("discovered_stale", "warning", "conduct.discovered", "2026-11-01"),
    ("missing_attestation", "error", "conduct.attestations", ALL_ATTESTATIONS[:-1]),
    ("unknown_attestation", "error", "conduct.attestations", [*ALL_ATTESTATIONS, "no-ddos"]),
    ("invalid_cwe", "error", "vulnerability.cwe", "XSS"),
    ("invalid_cvss", "error", "vulnerability.cvss", "CVSS:3.1/AV:X/AC:L"),
    ("invalid_cvss", "error", "vulnerability.cvss", "AV:N/AC:L"),
    ("disclosure_date_missing", "error", "disclosure.intent", "date"),
    ("shared_with_others", "warning", "disclosure.shared_with", ["a journalist"]),
    ("no_steps", "info", "vulnerability.steps", []),
    ("invalid_report_id", "error", "id", "CVD 2026/1"),
]


@pytest.mark.parametrize("code, severity, path, value", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_each_finding_code(code, severity, path, value):
    found, findings = codes(mutate(path, value))
    assert (code, severity) in found, [f.human() for f in findings]


def test_unknown_field_suggests_the_closest_known_one():
    _, findings = codes(mutate("reporter.emial", "x@example.org"))
    (f,) = [f for f in findings if f.code == "unknown_field"]
    assert "reporter.email" in f.message and f.field == "reporter.emial"


def test_missing_attestation_quotes_the_policy_rule_in_the_chosen_language():
    _, en = codes(mutate("conduct.attestations", ALL_ATTESTATIONS[1:]))
    _, nl = codes(mutate("conduct.attestations", ALL_ATTESTATIONS[1:]), lang="nl")
    assert "denial of service" in next(f.message for f in en if f.code == "missing_attestation")
    assert "dienstverlening van de gemeente" in next(f.message for f in nl if f.code == "missing_attestation")


def test_dutch_phone_numbers_with_default_region():
    for phone in ("06 12345678", "+31 6 12345678", "020 555 1234"):
        found, _ = codes(mutate("reporter", {"phone": phone}))
        assert found == set(), phone


def test_cvss_4_vector_is_accepted():
    v = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
    found, _ = codes(mutate("vulnerability.cvss", v))
    assert found == set()


def test_policy_profile_has_nine_attestations_in_both_languages():
    policy = load_policy("nl-gemeente")
    assert "nl-gemeente" in builtin_names()
    assert policy.attestation_ids == tuple(ALL_ATTESTATIONS)
    assert all(a.text["nl"] and a.text["en"] and a.why["nl"] and a.why["en"] for a in policy.attestations)
    assert (policy.response_working_days, policy.calendar) == (5, "nl-gemeente")
    assert policy.notify_before_publication is True


def test_round_trip_and_json_schema_agree():
    report, findings = parse_report(GOOD)
    assert not findings
    again, _ = parse_report(report.to_dict())
    assert again == report
    jsonschema.validate(report.to_dict(), json_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(mutate("reporter.emial", "x"), json_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(mutate("disclosure.intent", "later"), json_schema())


def test_example_report_is_valid_yaml_against_the_schema():
    data = yaml.safe_load((EXAMPLES / "report.yaml").read_text())
    jsonschema.validate(data, json_schema())
    found, findings = codes(data)
    assert not {c for c in found if c[1] == "error"}, [f.human() for f in findings]


def test_language_outside_a_policys_languages_is_a_warning():
    from cvd_reporter.core.policy import Policy

    policy = Policy.from_dict({"id": "nl-only", "languages": ["nl"]})
    report, _ = parse_report(mutate("language", "en"))
    found = {f.code for f in validate_report(report, policy=policy, today=TODAY)}
    assert "unsupported_language" in found
