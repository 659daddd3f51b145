"""The rendered report: every field present, attestations in the policy's words, both languages."""

from __future__ import annotations

import datetime as dt

import pytest

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.core.model import parse_report
from cvd_reporter.core.render import render_follow_up, render_publication_notice, render_text, subject
from tests.support.report import GOOD


@pytest.mark.parametrize("lang, heading, rule", [
    ("nl", "Melding van een kwetsbaarheid", "Ik heb geen spam verstuurd."),
    ("en", "Vulnerability report", "I sent no spam."),
])
def test_render_has_every_field_in_the_chosen_language(lang, heading, rule):
    doc = dict(GOOD, target={"urls": ["https://loket.gemeente.test/zoeken"], "ips": ["192.0.2.10"],
                             "asset": "Loket"},
               conduct=dict(GOOD["conduct"], source_ips=["203.0.113.7"], tools=["curl"],
                            data_accessed="none", data_downloaded="nothing"),
               evidence=[{"path": "poc.txt", "description": "request"}])
    report, _ = parse_report(doc)
    text = render_text(report, policy=load_policy("nl-gemeente"), lang=lang, report_id="CVD-1",
                       date=dt.date(2026, 11, 29), has_reporter_key=True)
    assert text.startswith(heading)
    for needle in ("CVD-1", "2026-11-29", "Alex", "alex@example.org", "https://loket.gemeente.test/zoeken",
                   "192.0.2.10", "Loket", "XSS", "CWE-79", "CVSS:3.1/AV:N", "q is reflected", "open the page",
                   "poc.txt", "203.0.113.7", "curl", rule, "2026-11-27"):
        assert needle in text, needle
    assert all(len(line) <= 80 for line in text.splitlines() if "https://" not in line and "CVSS" not in line)
    assert ("5 werkdagen" if lang == "nl" else "5 working days") in text


def test_anonymous_report_has_no_contact_and_says_so():
    report, _ = parse_report(dict(GOOD, reporter={"anonymous": True, "email": "hidden@example.org"}))
    text = render_text(report, policy=load_policy("nl-gemeente"), lang="en")
    assert "no reply is possible" in text and "hidden@example.org" not in text


def test_subject_and_notices():
    report, _ = parse_report(GOOD)
    assert subject(report, "nl") == "Melding kwetsbaarheid: XSS"
    subj, text = render_follow_up(report_id="CVD-1", title="XSS", sent=dt.date(2026, 11, 2),
                                  due=dt.date(2026, 11, 9), days=5, message=None, reporter_name="Alex", lang="en")
    assert subj == "Follow-up on vulnerability report CVD-1" and "2026-11-09" in text and "XSS" in text
    subj, text = render_publication_notice(report_id="CVD-1", title="XSS", sent=dt.date(2026, 11, 2),
                                           publish_on=dt.date(2027, 1, 15), message=None, reporter_name="Alex",
                                           lang="nl")
    assert "CVD-1" in subj and "2027-01-15" in text and "bezwaren" in text
