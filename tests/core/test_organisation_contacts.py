"""organisation.contact, policy_url, key, subject and response in the report model: parsed, checked
with one clear finding each (English and Dutch), in the JSON Schema, and kept by to_dict."""

from __future__ import annotations

import datetime as dt

import pytest

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.core.model import json_schema, parse_report
from cvd_reporter.core.validate import validate_report

BASE = {"schema": "cvd-report/1", "reporter": {"email": "alex@example.org"},
        "target": {"urls": ["https://gemeente.example/"]}}


def findings(org: dict, lang: str = "en"):
    report, structural = parse_report(dict(BASE, organisation=org), lang=lang)
    out = structural + validate_report(report, policy=load_policy("nl-gemeente"), today=dt.date(2026, 12, 7),
                                       lang=lang)
    return {f.field: f for f in out if f.field and f.field.startswith("organisation")}


def test_the_reporters_own_channels_are_kept_as_written():
    org = {"name": "Gemeente Voorbeeld", "contact": ["mailto:ciso@1stroom.example", "https://meld.example/form",
                                                    "tel:+31612345678"],
           "policy_url": "https://gemeente.example/cvd", "key": "./their-key.asc",
           "subject": "Beveiliging ICT", "response": "3 working days"}
    report, problems = parse_report(dict(BASE, organisation=org))
    assert problems == [] and findings(org) == {}
    assert report.to_dict()["organisation"] == org  # no source: the reporter's own
    assert findings({"contact": "mailto:ciso@1stroom.example"}) == {}  # one string is a one-item list
    assert findings({"response": "5 werkdagen"}) == {} and findings({"response": "48 office hours"}) == {}
    assert findings({"key": "0x" + "AB12" * 10}) == {} and findings({"key": "https://gemeente.example/k.asc"}) == {}


@pytest.mark.parametrize("org, code, words", [
    ({"contact": ["ciso@1stroom.example"]}, "invalid_contact", "'mailto:ciso@1stroom.example'?"),
    ({"contact": ["http://meld.example/form"]}, "insecure_contact", "plain http://"),
    ({"contact": ["mailto:not-an-address"]}, "invalid_email", "not a valid e-mail address"),
    ({"contact": ["tel:12"]}, "invalid_phone", "not a valid phone number"),
    ({"policy_url": "http://gemeente.example/cvd"}, "invalid_policy_url", "https://"),
    ({"key": "0xDEADBEEF"}, "org_key_id", "whole fingerprint"),
    ({"key": "http://gemeente.example/k.asc"}, "insecure_key_url", "verified HTTPS"),
    ({"response": "soon"}, "invalid_response", "3 working days"),
])
def test_each_bad_value_gets_one_clear_finding(org, code, words):
    found = list(findings(org).values())
    assert [f.code for f in found] == [code] and found[0].severity == "error"
    assert words in found[0].message


def test_findings_speak_dutch_too():
    nl = findings({"contact": ["http://meld.example/form"], "response": "snel"}, lang="nl")
    assert "onbeveiligd http://-adres" in nl["organisation.contact[0]"].message
    assert "reactietermijn" in nl["organisation.response"].message


def test_sources_of_filled_in_values_are_checked_and_in_the_schema():
    org = {"contact": ["mailto:cert@ncsc.example"],
           "source": {"contact": {"kind": "directory", "url": "https://ncsc.example/cvd", "seen": "2026-12-01",
                                  "entry": "NCSC"}}}
    report, problems = parse_report(dict(BASE, organisation=org))
    assert problems == [] and report.to_dict()["organisation"]["source"]["contact"]["seen"] == "2026-12-01"
    _, bad = parse_report(dict(BASE, organisation={"source": {"contact": {"kind": "rumour"}}}))
    assert [f.code for f in bad] == ["invalid_value"]
    props = json_schema()["properties"]["organisation"]["properties"]
    assert props["contact"]["items"]["pattern"] == "^(mailto:|https://|tel:)"
    assert props["source"]["properties"]["key"]["properties"]["kind"]["enum"] == [
        "reporter", "security_txt", "policy_page", "directory"]
