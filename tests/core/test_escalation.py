"""core/escalation.py: who the escalation point is, when a report may be escalated, and the text the
point reads (note, timeline of attempts, original report). Pure: records and entries built in memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

import pytest

from cvd_reporter.app.directory import load_bundled
from cvd_reporter.core.directory import parse_directory
from cvd_reporter.core.escalation import (
    Facts,
    check_escalation,
    previous_escalation,
    render_escalation,
    resolve_point,
    timeline_lines,
)
from cvd_reporter.errors import ValidationError


@dataclass(frozen=True)
class D:  # a delivery as the record holds it
    kind: str
    channel: str
    recipient: str | None
    message_id: str | None
    ok: bool
    at: datetime
    key_fingerprint: str | None = None
    server_answer: str | None = None
    reference: str | None = None
    encrypted: bool = True


@dataclass(frozen=True)
class E:  # a state change
    state: str
    at: datetime
    note: str | None = None


@dataclass(frozen=True)
class R:  # the parts of store.record.ReportRecord the rules read
    id: str = "R-1"
    state: str = "sent"
    calendar: str = "weekends"
    response_days: int | None = 5
    sent_on: date | None = date(2026, 11, 2)  # a Monday: the answer is due on Monday 9 November
    fix_date: date | None = None
    purged_at: Any = None
    deliveries: tuple[D, ...] = field(default_factory=tuple)


SENT = D("report", "email", "ciso@gemeente.example", "<cvd.R-1@example.org>", True,
         datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc), "ABCD" * 10, "250 2.0.0 Ok")


def test_bundled_points_carry_provenance_and_no_invented_key():
    entries, _owners = load_bundled()
    ibd = resolve_point("ibd", entries, lang="en", fallback_lang="en")
    ncsc = resolve_point("NCSC", entries, lang="en", fallback_lang="en")
    assert ibd.address.lower() == "incident@ibdgemeenten.nl" and ibd.language == "nl"
    assert ncsc.address == "security@ncsc.nl"
    for point in (ibd, ncsc):
        assert point.source["url"].startswith("https://") and point.source["seen"]
        assert point.key_hints == ()  # no page seen gives a key location or fingerprint: found at run time


def test_an_imported_point_overrides_the_bundled_one_and_any_address_works():
    imported, _ = parse_directory({"schema": "cvd-directory/1", "organisations": [
        {"name": "IBD (test)", "kind": "cert", "escalation": {"id": "ibd", "languages": ["nl"]},
         "contacts": ["mailto:cert@ibd.test"], "keys": [{"for": "mailto:cert@ibd.test", "url": "https://ibd.test/k"}],
         "source": {"url": None, "seen": "2026-12-01"}}]}, "ours.yaml")
    bundled, _ = load_bundled()
    point = resolve_point("ibd", imported + bundled, lang="en", fallback_lang="en")
    assert point.address == "cert@ibd.test" and point.key_hints == ("https://ibd.test/k",)
    other = resolve_point("mailto:csirt@provincie.example", bundled, lang="en", fallback_lang="nl")
    assert (other.id, other.address, other.language) == ("", "csirt@provincie.example", "nl")
    with pytest.raises(ValidationError, match="neither an escalation point"):
        resolve_point("politie", bundled, lang="en", fallback_lang="en")


def test_a_bad_escalation_id_is_refused_when_the_directory_is_read():
    with pytest.raises(ValidationError, match="escalation"):
        parse_directory({"schema": "cvd-directory/1", "organisations": [
            {"name": "X", "escalation": {"id": "no spaces!"}, "contacts": [], "source": {"seen": None}}]}, "x.yaml")


def test_never_sent_finished_and_early_reports_are_refused():
    with pytest.raises(ValidationError, match="never sent") as e:
        check_escalation(R(state="draft", sent_on=None), today=date(2026, 12, 1), force=True, lang="en")
    assert e.value.exit_code == 3
    with pytest.raises(ValidationError, match="is fixed"):
        check_escalation(R(state="fixed", deliveries=(SENT,)), today=date(2026, 12, 1), force=True, lang="en")
    with pytest.raises(ValidationError, match="due on 2026-11-09") as e:
        check_escalation(R(deliveries=(SENT,)), today=date(2026, 11, 9), force=False, lang="en")
    assert e.value.code == "not_overdue"
    with pytest.raises(ValidationError, match="promises no answer time"):
        check_escalation(R(response_days=None, deliveries=(SENT,)), today=date(2026, 12, 1), force=False, lang="en")


def test_overdue_marked_or_forced_reports_may_be_escalated():
    assert check_escalation(R(deliveries=(SENT,)), today=date(2026, 11, 10), force=False, lang="en").overdue
    check_escalation(R(state="no_response", deliveries=(SENT,)), today=date(2026, 11, 3), force=False, lang="en")
    check_escalation(R(deliveries=(SENT,)), today=date(2026, 11, 3), force=True, lang="en")


def test_a_second_escalation_to_the_same_point_is_found_with_its_date():
    at = datetime(2026, 11, 20, 23, 30, tzinfo=timezone.utc)
    done = D("escalation", "email", "Incident@IBDgemeenten.nl", "<x>", True, at)
    failed = D("escalation", "email", "security@ncsc.nl", "<y>", False, at)
    assert previous_escalation([SENT, done, failed], "incident@ibdgemeenten.nl") == date(2026, 11, 20)
    assert previous_escalation([SENT, done, failed], "security@ncsc.nl") is None  # it failed: not done


def test_the_timeline_lists_every_attempt_in_order_with_ids_references_and_answers():
    form = D("report", "form", "https://www.gemeente.example/melden", None, True,
             datetime(2026, 11, 3, 8, 0, tzinfo=timezone.utc), reference="ZAAK-2026-0042", encrypted=False)
    call = D("phone_call", "phone", "tel:+31201234567", None, True, datetime(2026, 11, 4, 9, 0, tzinfo=timezone.utc),
             server_answer="spoke to: J. de Vries", encrypted=False)
    failed = D("follow_up", "email", "ciso@gemeente.example", "<cvd.R-1.f@example.org>", False,
               datetime(2026, 11, 12, 10, 0, tzinfo=timezone.utc), server_answer="550 5.1.1\r\nno such user")
    lines = timeline_lines([failed, SENT, form, call], [E("sent", SENT.at, "delivered by email")], lang="en")
    text = "\n".join(lines)
    assert lines[0] == "- 2026-11-02 09:30 UTC: report by email to ciso@gemeente.example, delivered"
    assert "    Message-ID: <cvd.R-1@example.org>" in lines and "    Reference: ZAAK-2026-0042" in lines
    assert text.index("ZAAK-2026-0042") < text.index("phone call") < text.index("follow-up by email")
    assert "    Sent without end-to-end encryption" in lines[lines.index("    Reference: ZAAK-2026-0042") + 1]
    assert "- 2026-11-04 09:00 UTC: phone call by phone to tel:+31201234567, the call took place" in lines
    assert "    Answer: 550 5.1.1 no such user" in lines  # one line: nothing outside can break the layout
    assert "- 2026-11-02 09:30 UTC: state sent (delivered by email)" in lines


def test_the_text_holds_the_note_in_the_points_language_the_timeline_and_the_report():
    entries, _ = load_bundled()
    point = resolve_point("ibd", entries, lang="en", fallback_lang="en")
    facts = Facts(report_id="R-1", organisation="Gemeente Voorbeeld", target="https://www.gemeente.example/",
                  sent_on=date(2026, 11, 2), due=date(2026, 11, 9), days=5, reporter_name="Alex")
    subject, text = render_escalation(facts, point=point, deliveries=[SENT], events=[], report_text="RAPPORT\n",
                                      missing_reason=None, message=None, lang=point.language)
    assert subject == "Escalatie: melding R-1 aan Gemeente Voorbeeld onbeantwoord"
    flat = " ".join(text.split())
    assert "binnen 5 werkdagen; die had er op 2026-11-09 moeten zijn" in flat
    assert text.index("Pogingen tot contact") < text.index("De oorspronkelijke melding") < text.index("RAPPORT")
    _subject, text = render_escalation(facts, point=point, deliveries=[SENT], events=[], report_text=None,
                                       missing_reason="the file is gone", message=None, lang="en")
    assert "cannot be added: the file is gone" in " ".join(text.split())
