"""The organisation's profile as pure logic: merging by precedence, promises converted to deadlines
honestly, required subjects checked, and the one outer Subject built from them."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from cvd_reporter.core import mime, profile, subjects, workdays
from cvd_reporter.core.model import parse_report
from cvd_reporter.core.policy import Policy, Response
from cvd_reporter.core.validate import validate_report
from cvd_reporter.errors import ValidationError
from tests.support.report import GOOD

BASE = Policy.from_dict({"id": "generiek", "response": {"working_days": 5, "calendar": "nl-gemeente"}},
                        source="built-in profile generiek")


@pytest.mark.parametrize(("amount", "unit", "expected"), [
    (3, "working_days", (3, "nl-gemeente")),
    (48, "office_hours", (6, "nl-gemeente")),  # working days of 8 office hours
    (49, "office_hours", (7, "nl-gemeente")),  # rounded up: a promise is never shortened
    (48, "hours", (2, "calendar-days")),
    (25, "hours", (2, "calendar-days")),
    (5, "days", (5, "calendar-days")),  # "vijf dagen": calendar days, not working days
])
def test_a_promise_becomes_days_on_the_right_calendar(amount, unit, expected):
    assert Response(amount, unit).deadline("nl-gemeente") == expected


def test_calendar_days_count_weekends_and_holidays_working_days_do_not():
    friday = dt.date(2026, 12, 24)  # Christmas follows, then a weekend
    assert workdays.add_working_days(friday, 5, "calendar-days") == dt.date(2026, 12, 29)
    assert workdays.add_working_days(friday, 5, "nl-gemeente") > dt.date(2026, 12, 30)


def test_later_sources_win_field_by_field_whatever_order_they_come_in():
    layers = [
        profile.layer("report", "the report", {"subject": "Uit de melding"}),
        profile.layer("policy_page", "policy page https://x.test/cvd", {"response": "3 werkdagen",
                                                                        "subject": "Van de pagina",
                                                                        "encryption": "required"}),
        profile.from_policy(BASE),
        profile.layer("directory", "directory entry X", {"response": {"amount": 1, "unit": "working_days"},
                                                         "shares_with": ["IBD"]}),
    ]
    merged = profile.merge("X", layers)
    assert merged.values["subject"].value == "Uit de melding" and merged.values["subject"].kind == "report"
    assert merged.response == Response(3, "working_days") and merged.values["response"].kind == "policy_page"
    assert merged.get("shares_with") == ("IBD",) and merged.values["encryption"].value == "required"
    top = merged.adding(profile.layer("policy_file", "mijn.yaml", {"subject": "Eigen keus"}))
    assert top.subject == "Eigen keus"


def test_applying_a_profile_converts_the_deadline_and_keeps_the_policys_rules():
    merged = profile.merge("X", [profile.from_policy(BASE),
                                 profile.layer("policy_page", "p", {"response": "48 kantooruren"})])
    applied = merged.apply(BASE)
    assert (applied.response_working_days, applied.calendar) == (6, "nl-gemeente")
    again = merged.adding(profile.layer("report", "r", {"response": "5 dagen"})).apply(applied)
    assert (again.response_working_days, again.calendar) == (5, "calendar-days")
    back = merged.apply(again)  # working days count on the policy's own calendar again
    assert (back.response_working_days, back.calendar) == (6, "nl-gemeente")


def test_a_reading_gives_only_what_the_page_states():
    reading = {"url": "https://x.test/cvd", "response": {"value": "unknown"},
               "subject": {"value": "MELD-123", "where": "report", "evidence": "reference 'MELD-123'"},
               "encryption": {"value": "not_mentioned"}, "language": {"value": "nl", "evidence": "words"},
               "forbidden": [{"value": "dos", "evidence": "Geen DoS."}], "shares_with": []}
    got = profile.from_reading(reading).values
    assert set(got) == {"language", "forbidden"} and got["forbidden"] == (("dos",), "Geen DoS.")


@pytest.mark.parametrize("bad", ["Beveiliging\r\nBcc: x@example.org", "Beveiliging\x1b[31m", "Beveiliging\u202e",
                                 "x" * 201])
def test_a_required_subject_that_cannot_be_a_subject_is_refused(bad):
    with pytest.raises(ValidationError) as e:
        profile.layer("correction", "your correction f.yaml", {"subject": bad})
    assert "f.yaml" in e.value.message and e.value.exit_code == 3


def test_a_subject_of_200_characters_is_accepted():
    assert subjects.check_required("x" * 200, "here") == "x" * 200


@pytest.mark.parametrize(("required", "reveals", "sent"), [
    ("Beveiliging ICT", False, "Beveiliging ICT"),
    ("beveiliging", False, "beveiliging"),
    ("Melding kwetsbaarheid in ...", True, "Melding kwetsbaarheid"),
    ("Melding kwetsbaarheid in {system}", True, "Melding kwetsbaarheid"),
    ("CVD-melding [naam website]", True, "CVD-melding"),
    ("Kwetsbaarheid op", True, "Kwetsbaarheid"),
])
def test_a_subject_that_asks_to_name_the_system_is_flagged_and_sent_without_the_placeholder(required, reveals, sent):
    assert subjects.reveals(required) is reveals
    assert subjects.for_mail(required) == sent


def test_outer_subject_old_call_unchanged_and_required_text_first():
    assert mime.outer_subject("cvd-0123") == "cvd-0123"
    assert mime.outer_subject("cvd-0123", None) == "cvd-0123"
    assert mime.outer_subject("cvd-0123", "Beveiliging ICT") == "Beveiliging ICT [cvd-0123]"
    assert mime.outer_subject("cvd-0123", "Melding kwetsbaarheid in ...") == "Melding kwetsbaarheid [cvd-0123]"
    with pytest.raises(ValidationError):
        mime.outer_subject("cvd-0123", "a\nb")


def test_a_policy_file_may_state_the_promise_in_other_units_and_a_subject():
    p = Policy.from_dict({"id": "eigen", "response": {"amount": 48, "unit": "hours"}, "subject": "CVD"})
    assert (p.response_working_days, p.calendar, p.required_subject) == (2, "calendar-days", "CVD")
    with pytest.raises(ValidationError, match="not one of"):
        Policy.from_dict({"id": "eigen", "response": {"amount": 2, "unit": "weeks"}})


def test_a_bad_subject_in_the_report_is_a_finding_on_its_field_not_a_crash():
    doc = copy.deepcopy(GOOD)
    doc["organisation"] = {"subject": "Beveiliging\nBcc: x@example.org", "response": "3 werkdagen"}
    report, _ = parse_report(doc)
    findings = validate_report(report, policy=BASE, today=dt.date(2026, 12, 7))
    (bad,) = [f for f in findings if f.code == "invalid_subject"]
    assert bad.severity == "error" and bad.field == "organisation.subject" and "\n" not in bad.message
    layer = profile.from_report(report.organisation)
    assert set(layer.values) == {"response"}  # the broken subject is left to the finding
