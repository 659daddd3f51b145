"""The state machine: which changes are allowed, the date rules, and what is due next."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timezone

import pytest

from cvd_reporter.core.states import (
    STATES,
    TRANSITIONS,
    needs_purge,
    next_due,
    normalise_state,
    plan_change,
)
from cvd_reporter.errors import StoreError


@dataclass(frozen=True)
class View:
    """A report as the rules see it (store.record.ReportRecord has the same attributes)."""

    state: str = "sent"
    id: str = "R-1"
    calendar: str = "nl-gemeente"
    response_days: int | None = 5
    sent_on: date | None = date(2026, 4, 2)  # Thu; answer due Fri 10 Apr (see test_workdays)
    fix_date: date | None = None
    purged_at: object | None = None
    state_at: datetime = datetime(2026, 4, 2, 10, 0, tzinfo=timezone.utc)


TODAY = date(2026, 4, 8)

ALLOWED = [
    ("draft", "sent"), ("draft", "closed"), ("draft", "contact_requested"), ("contact_requested", "sent"),
    ("contact_requested", "escalated"), ("contact_requested", "closed"),
    ("sent", "acknowledged"), ("sent", "assessed"), ("sent", "fix_promised"), ("sent", "fixed"),
    ("acknowledged", "assessed"), ("assessed", "fix_promised"), ("fix_promised", "fix_promised"),
    ("fix_promised", "fixed"), ("fixed", "published"), ("fixed", "data_deleted"), ("published", "data_deleted"),
    ("data_deleted", "published"), ("data_deleted", "closed"), ("no_response", "escalated"),
    ("no_response", "acknowledged"), ("escalated", "fixed"), ("assessed", "escalated"),
    ("sent", "escalated"),  # escalate --force before the deadline: it is an escalation all the same
]
REFUSED = [
    ("draft", "fixed"), ("draft", "acknowledged"), ("draft", "no_response"), ("draft", "published"),
    ("sent", "draft"), ("sent", "published"), ("fixed", "sent"),
    ("fixed", "acknowledged"), ("published", "fixed"), ("closed", "sent"), ("closed", "closed"),
    ("acknowledged", "sent"), ("escalated", "no_response"), ("data_deleted", "fixed"),
]


def _date_for(new):
    return date(2026, 5, 1) if new == "fix_promised" else None


@pytest.mark.parametrize(("current", "new"), ALLOWED)
def test_allowed_changes(current, new):
    report = View(state=current, sent_on=None if current == "draft" else date(2026, 4, 2))
    change = plan_change(report, new, on=TODAY, date_given=_date_for(new))
    assert change.state == new


@pytest.mark.parametrize(("current", "new"), REFUSED)
def test_nonsense_changes_are_refused_with_one_sentence(current, new):
    with pytest.raises(StoreError) as e:
        plan_change(View(state=current), new, on=TODAY, date_given=_date_for(new))
    assert e.value.code == "bad_transition"
    assert "\n" not in e.value.message and e.value.message.endswith(".")


def test_fixed_before_sent_names_the_way_out():
    with pytest.raises(StoreError) as e:
        plan_change(View(state="draft", sent_on=None), "fixed", on=TODAY)
    assert "never sent" in e.value.message and "mark it sent first" in e.value.message


def test_the_table_knows_every_state_and_only_closed_is_final():
    assert set(TRANSITIONS) == set(STATES)
    assert all(t <= set(STATES) for t in TRANSITIONS.values())
    assert [s for s, t in TRANSITIONS.items() if not t] == ["closed"]


@pytest.mark.parametrize(("text", "state"), [("fix-promised", "fix_promised"), ("Data-Deleted", "data_deleted"),
                                             (" no_response ", "no_response")])
def test_state_names_take_hyphens(text, state):
    assert normalise_state(text) == state


def test_unknown_state():
    with pytest.raises(StoreError) as e:
        normalise_state("done")
    assert e.value.code == "bad_state" and "fix-promised" in e.value.message


def test_fix_promise_needs_its_date_and_may_lie_ahead():
    with pytest.raises(StoreError) as e:
        plan_change(View(state="assessed"), "fix-promised", on=TODAY)
    assert e.value.code == "date_needed"
    change = plan_change(View(state="assessed"), "fix_promised", on=TODAY, date_given=date(2026, 6, 1))
    assert change.fix_date == date(2026, 6, 1) and change.day == TODAY


def test_events_happen_on_a_day_not_in_the_future_and_not_before_sending():
    assert plan_change(View(), "acknowledged", on=TODAY, date_given=date(2026, 4, 3)).day == date(2026, 4, 3)
    with pytest.raises(StoreError) as e:
        plan_change(View(), "acknowledged", on=TODAY, date_given=date(2026, 4, 9))
    assert e.value.code == "future_date"
    with pytest.raises(StoreError) as e:
        plan_change(View(), "acknowledged", on=TODAY, date_given=date(2026, 4, 1))
    assert e.value.code == "date_before_sent"
    # the day of sending itself may be given (sent from the user's own mail client)
    assert plan_change(View(state="draft", sent_on=None), "sent", on=TODAY, date_given=date(2026, 3, 1)).day \
        == date(2026, 3, 1)


def test_no_response_only_once_the_answer_is_overdue():
    # sent Thu 2 Apr 2026: due Fri 10 Apr; no-response from Sat 11 Apr
    with pytest.raises(StoreError) as e:
        plan_change(View(), "no_response", on=date(2026, 4, 10))
    assert e.value.code == "not_overdue" and "2026-04-10" in e.value.message
    assert plan_change(View(), "no_response", on=date(2026, 4, 11)).state == "no_response"
    # a broken fix promise may be called no-response at any time
    assert plan_change(View(state="fix_promised", fix_date=date(2026, 9, 1)), "no_response", on=TODAY)


@pytest.mark.parametrize(("state", "today", "what", "due", "lenient", "late"), [
    # sent Thu 2 Apr 2026: due Fri 10 Apr (nl-gemeente); lenient Mon 13 Apr (Good Friday off)
    ("sent", date(2026, 4, 10), "answer from the organisation", date(2026, 4, 10), date(2026, 4, 13), False),
    ("sent", date(2026, 4, 11), "answer from the organisation", date(2026, 4, 10), date(2026, 4, 13), True),
    # the policy's 5 working days cover the assessment and the expected fix date too
    ("acknowledged", date(2026, 4, 13), "assessment and expected fix date", date(2026, 4, 10), date(2026, 4, 13),
     True),
    ("assessed", date(2026, 4, 9), "expected fix date", date(2026, 4, 10), date(2026, 4, 13), False),
])
def test_next_due_while_waiting_for_the_answer(state, today, what, due, lenient, late):
    d = next_due(View(state=state), today)
    assert d.what.startswith(what) and d.due == due and d.due_lenient == lenient and d.overdue is late
    assert ("follow-up R-1" in (d.hint or "")) is late


def test_next_due_for_a_fix_promise_and_after():
    promised = View(state="fix_promised", fix_date=date(2026, 6, 1))
    assert next_due(promised, date(2026, 6, 1)).overdue is False
    assert next_due(promised, date(2026, 6, 2)).overdue is True
    fixed = next_due(View(state="fixed"), TODAY)
    assert "delete the confidential data" in fixed.what and fixed.hint == "cvd-reporter purge R-1"
    after = next_due(View(state="fixed", purged_at="2026-04-08"), TODAY)
    assert "publish only after telling" in after.what
    assert "escalate" in next_due(View(state="no_response"), TODAY).what
    assert next_due(View(state="draft", sent_on=None), TODAY).due is None
    assert next_due(View(state="closed"), TODAY) is None


def test_no_promised_answer_time_means_nothing_overdue():
    d = next_due(View(response_days=None), date(2030, 1, 1))
    assert d.due is None and d.overdue is False


def test_purge_reminder_once_fixed_until_purged():
    assert needs_purge(View(state="fixed")) and needs_purge(View(state="published"))
    assert not needs_purge(View(state="sent"))
    assert not needs_purge(replace(View(state="fixed"), purged_at="2026-04-08"))


# ---------------------------------------------------------------------------- first contact (issue 14)
def test_a_first_contact_waits_for_the_organisation_like_a_sent_report():
    """Contact requested on Thu 2 Apr (state_at), 5 working days: the answer is due Fri 10 Apr."""
    asked = View(state="contact_requested", sent_on=None)
    due = next_due(asked, TODAY)
    assert due is not None and due.due == date(2026, 4, 10) and not due.overdue
    assert "key import FILE --for R-1" in (due.hint or "")
    late = next_due(asked, date(2026, 4, 13))
    assert late is not None and late.overdue and "no-response" in (late.hint or "")


def test_no_response_after_a_first_contact_only_once_it_is_overdue():
    asked = View(state="contact_requested", sent_on=None)
    with pytest.raises(StoreError) as e:
        plan_change(asked, "no-response", on=TODAY)
    assert e.value.code == "not_overdue" and "2026-04-10" in e.value.message
    assert plan_change(asked, "no-response", on=date(2026, 4, 13)).state == "no_response"


def test_a_first_contact_is_not_the_report_it_cannot_be_acknowledged_or_fixed():
    asked = View(state="contact_requested", sent_on=None)
    for state in ("acknowledged", "fixed", "published"):
        with pytest.raises(StoreError):
            plan_change(asked, state, on=TODAY)
