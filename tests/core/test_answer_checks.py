"""The pure checks behind the wizard's input (issue 17): yes/no in both languages, answers that
contradict an attested rule, publication dates before the answer is due, numbers that only look
like an IP address, and a reporter key the organisation could not encrypt to."""

from __future__ import annotations

import datetime as dt

import pytest

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.core import questions as Q
from cvd_reporter.core.answer_checks import (
    fake_ipv4,
    parse_yes_no,
    publication_problem,
    reporter_key_problem,
    response_due,
    rule_conflict,
)
from cvd_reporter.core.i18n import say
from cvd_reporter.core.model import Credit, Disclosure, Report, Target, parse_report
from cvd_reporter.core.render import render_text
from cvd_reporter.core.validate import validate_report

MONDAY = dt.date(2026, 12, 7)
POLICY = load_policy("nl-gemeente")


@pytest.mark.parametrize(("typed", "meant"), [
    ("j", True), ("ja", True), ("JA", True), (" Ja. ", True), ("y", True), ("yes", True),
    ("n", False), ("nee", False), ("Nee", False), ("no", False),
    ("", None), ("  ", None), ("misschien", None), ("jaa", None), ("0", None),
])
def test_yes_and_no_in_dutch_and_english(typed, meant):
    assert parse_yes_no(typed) is meant


@pytest.mark.parametrize("seen", ["names and addresses of three residents", "BSN-nummers van inwoners",
                                  "een paspoortscan"])
def test_seeing_other_peoples_data_contradicts_the_no_data_abuse_rule(seen):
    problem = rule_conflict("no-data-abuse", {"data_accessed": seen})
    assert problem is not None and problem[1]["answer"] == seen
    assert seen in say("nl", problem[0], rule="Ik heb ...", **problem[1])


@pytest.mark.parametrize("seen", ["", "geen", "Niets", "none", "nothing beyond the error page", "-", "n.v.t.",
                                  "alleen mijn eigen account", "my own test account"])
def test_no_data_or_ones_own_data_contradicts_nothing(seen):
    assert rule_conflict("no-data-abuse", {"data_accessed": seen}) is None


def test_a_bulk_download_contradicts_minimal_data_and_a_sample_does_not():
    assert rule_conflict("minimal-data", {"data_downloaded": "the whole customers table"}) is not None
    assert rule_conflict("minimal-data", {"data_downloaded": "een export van 5000 inwoners"}) is not None
    assert rule_conflict("minimal-data", {"data_downloaded": "one record, to show the leak"}) is None
    assert rule_conflict("no-spam", {"data_accessed": "names of residents"}) is None  # other rules: no conflict


def test_the_answer_is_due_five_working_days_after_today():
    assert response_due(POLICY, MONDAY) == dt.date(2026, 12, 14)
    assert response_due(POLICY, dt.date(2026, 12, 24)) == dt.date(2027, 1, 4)  # Christmas and New Year in between


def test_a_publication_date_four_days_away_is_refused_and_names_the_first_allowed_day():
    code, params = publication_problem("date", MONDAY + dt.timedelta(days=4), POLICY, MONDAY)
    assert code == "check.publication.before_due"
    assert params == {"date": "2026-12-11", "due": "2026-12-14", "first": "2026-12-15"}
    assert publication_problem("date", dt.date(2026, 12, 15), POLICY, MONDAY) is None
    assert publication_problem("none", dt.date(2026, 12, 8), POLICY, MONDAY) is None


def test_after_the_fix_with_a_date_four_days_away_is_a_contradiction():
    code, _ = publication_problem("after-fix", MONDAY + dt.timedelta(days=4), POLICY, MONDAY)
    assert code == "check.publication.after_fix"
    assert publication_problem("after-fix", None, POLICY, MONDAY) is None


def test_validate_refuses_after_the_fix_four_days_away_so_no_notice_says_so():
    report = Report(disclosure=Disclosure(intent="after-fix", date=MONDAY + dt.timedelta(days=4)))
    codes = {f.code: f for f in validate_report(report, policy=POLICY, today=MONDAY, lang="nl")}
    finding = codes["disclosure_after_fix_too_soon"]
    assert finding.severity == "error" and "2026-12-14" in finding.message
    report.disclosure = Disclosure(intent="date", date=MONDAY + dt.timedelta(days=4))
    assert "disclosure_before_due" in {f.code for f in validate_report(report, policy=POLICY, today=MONDAY)}


@pytest.mark.parametrize(("host", "fake"), [
    ("10.0.0.300", True), ("10.0.0", True), ("1.2.3.4.5", True), ("256.1.1.1", True),
    ("10.0.0.1", False), ("gemeente.example", False), ("www.1.example", False), ("", False),
])
def test_numbers_and_dots_that_are_no_ipv4_address(host, fake):
    assert fake_ipv4(host) is fake


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_invalid_ip_target_is_refused_with_an_example(lang):
    ctx = Q.Context(lang, POLICY, MONDAY)
    error = Q.get("target").error("10.0.0.300", ctx)
    assert error and "10.0.0.300" in error and "192.0.2.10" in error
    assert Q.get("target").error("https://10.0.0.30/login", ctx) is None
    error = Q.get("target").error("htps://gemeente.example", ctx)
    assert error and "https://gemeente.example/" in error
    error = Q.get("source_ips").error("192.0.2.7, 10.0.0.300", ctx)
    assert error and "10.0.0.300" in error and "2001:db8::10" in error


def test_the_wizard_refuses_a_publication_date_before_the_due_date():
    ctx = Q.Context("nl", POLICY, MONDAY, {"disclosure_intent": "date"})
    error = Q.get("disclosure_date").error("2026-12-11", ctx)
    assert error and "2026-12-15" in error
    assert Q.get("disclosure_date").error("2026-12-15", ctx) is None


def test_a_sign_only_key_cannot_be_the_key_to_answer_to(zoo):
    now = dt.datetime.now(dt.timezone.utc)  # the zoo's keys are made by gpg during this run
    code, params = reporter_key_problem(zoo["signonly"].armored, now)
    assert code == "check.key.sign_only" and params["fingerprint"]
    assert "alleen ondertekenen" in say("nl", code, path="k.asc", **params)
    assert reporter_key_problem(zoo["ed25519"].armored, now) is None
    assert reporter_key_problem(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnonsense\n", now)[0] == "check.key.unreadable"


def test_product_version_and_credits_are_optional_round_trip_and_render_in_both_languages():
    old, findings = parse_report({"schema": "cvd-report/1", "target": {"urls": ["https://x.example/"]}})
    assert findings == [] and old.target.product is None and old.disclosure.credits == []
    report = Report(target=Target(urls=["https://x.example/"], product="Zaaksysteem (Leverancier BV)",
                                  version="4.2.1"),
                    disclosure=Disclosure(credit="name", credits=[Credit("Alice", "name"), Credit("z3r0", "pseudonym")]))
    again, findings = parse_report(report.to_dict())
    assert findings == [] and again == report
    nl = render_text(report, policy=POLICY, lang="nl")
    assert "Zaaksysteem (Leverancier BV)" in nl and "Versie" in nl and "4.2.1" in nl
    assert "Alice (met naam); z3r0 (met schuilnaam)" in nl
    assert "z3r0 (" in render_text(report, policy=POLICY, lang="en")
    _, bad = parse_report({"schema": "cvd-report/1", "disclosure": {"credits": [{"name": "A", "credit": "none"}]}})
    assert [f.code for f in bad] == ["invalid_value"]


def test_credits_list_the_reporter_first_and_only_when_someone_else_is_named():
    answers = {"reporter_name": "Alice", "credit": "name"}
    reporter = Q.Reporter(name="Alice")
    assert Q.credits(answers, reporter) == []
    answers.update({"credits[0].name": "Bob", "credits[0].credit": "pseudonym"})
    assert Q.credits(answers, reporter) == [Credit("Alice", "name"), Credit("Bob", "pseudonym")]
