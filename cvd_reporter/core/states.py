"""The life of a report: its states, which changes make sense, and what is due next.

::

    draft -> sent -> acknowledged -> assessed -> fix_promised (with a date) -> fixed
          -> published -> data_deleted -> closed
    sent/acknowledged/... -> no_response -> escalated
    sent -> escalated                            (escalate --force before the deadline)
    draft -> contact_requested -> sent           (a first contact without the details, then the report)
             contact_requested -> no_response / escalated / closed

The organisation may skip steps (a fix without a word first is still a fix), so forward jumps are
allowed; going back (fixed -> sent) or moving before the report was sent (draft -> fixed) is not.
``closed`` is final. ``sent -> escalated`` is an escalation before the answer was due (``escalate
--force``): the record says it happened; after the deadline ``escalate`` records ``no_response`` first.

``contact_requested``: the organisation had no usable key, so only a first-contact message went
(that a report is ready, asking for a key); the report itself has not left. Its answer is due within
the policy's response time from the day of that message (``state_at``).

The rules for dates: a change records something that happened, on a day not in the future and not
before the report was sent; only ``fix_promised`` carries a date of its own (the
promised day, which may lie ahead). ``no_response`` is refused while the answer is not yet overdue.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from cvd_reporter.core import workdays
from cvd_reporter.core.i18n import say
from cvd_reporter.errors import StoreError

STATES: tuple[str, ...] = (
    "draft", "contact_requested", "sent", "acknowledged", "assessed", "fix_promised", "fixed", "published",
    "data_deleted", "closed", "no_response", "escalated",
)

# Waiting for the organisation's first answer (the policy's "within 5 working days").
AWAITING_ANSWER = frozenset({"sent", "acknowledged", "assessed"})
_ANSWERED = ("acknowledged", "assessed", "fix_promised", "fixed")

TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"contact_requested", "sent", "closed"}),
    "contact_requested": frozenset({"sent", "no_response", "escalated", "closed"}),
    # escalated straight from sent: an escalation forced before the deadline (escalate --force) is one
    # all the same, and the record must say so; once overdue, no_response comes first (app/escalate.py).
    "sent": frozenset({*_ANSWERED, "no_response", "escalated", "closed"}),
    "acknowledged": frozenset({"assessed", "fix_promised", "fixed", "no_response", "escalated", "closed"}),
    "assessed": frozenset({"fix_promised", "fixed", "no_response", "escalated", "closed"}),
    # A new fix_promised moves the promised date (the organisation asked for more time).
    "fix_promised": frozenset({"fix_promised", "fixed", "no_response", "escalated", "closed"}),
    "no_response": frozenset({*_ANSWERED, "escalated", "closed"}),
    "escalated": frozenset({*_ANSWERED, "closed"}),
    "fixed": frozenset({"published", "data_deleted", "closed"}),
    "published": frozenset({"data_deleted", "closed"}),
    "data_deleted": frozenset({"published", "closed"}),
    "closed": frozenset(),
}

# States after which the organisation has been told of the report.
_SENT_OR_LATER = frozenset(STATES) - {"draft", "contact_requested"}
# States in which the report itself has not left yet (a first contact holds no word of it).
NOT_YET_SENT = frozenset({"draft", "contact_requested"})


class StateView(Protocol):
    """What the rules need to know of a report (store.record.ReportRecord has it)."""

    # Read-only properties, so a frozen dataclass (ReportRecord) satisfies the protocol.
    @property
    def id(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def calendar(self) -> str: ...
    @property
    def response_days(self) -> int | None: ...
    @property
    def sent_on(self) -> date | None: ...
    @property
    def fix_date(self) -> date | None: ...
    @property
    def purged_at(self) -> object | None: ...
    @property
    def state_at(self) -> datetime: ...


@dataclass(frozen=True)
class Change:
    """A checked state change: the new state, the day it happened, and a promised fix date."""

    state: str
    day: date
    fix_date: date | None = None


@dataclass(frozen=True)
class Due:
    """The next thing to happen for a report. ``due`` is None when nothing has a date."""

    what: str
    due: date | None = None
    due_lenient: date | None = None
    overdue: bool = False
    hint: str | None = None
    code: str = ""  # catalogue ids due.<code> and due.hint.<hint_code> (English above stays for --json)
    hint_code: str = ""
    report_id: str = ""

    def say(self, lang: str | None) -> str:
        """What is due, in ``lang``."""
        return say(lang, f"due.{self.code}") if self.code else self.what

    def say_hint(self, lang: str | None) -> str | None:
        """The command hint, in ``lang``."""
        if self.hint is None or not self.hint_code:
            return self.hint
        return say(lang, f"due.hint.{self.hint_code}", id=self.report_id)

    def to_dict(self) -> dict[str, object]:
        return {
            "what": self.what,
            "due": self.due.isoformat() if self.due else None,
            "due_lenient": self.due_lenient.isoformat() if self.due_lenient else None,
            "overdue": self.overdue,
            "hint": self.hint,
        }


def normalise_state(text: str) -> str:
    """Accept ``fix-promised`` as well as ``fix_promised``; raise StoreError for an unknown state."""
    state = text.strip().lower().replace("-", "_").replace(" ", "_")
    if state not in TRANSITIONS:
        names = [s.replace("_", "-") for s in STATES]
        close = difflib.get_close_matches(state.replace("_", "-"), names, n=1, cutoff=0.6)
        if close:
            raise StoreError.t("state.unknown_did_you_mean", code="bad_state", data={"did_you_mean": close[0]},
                               state=text, suggestion=close[0], states=", ".join(names))
        raise StoreError.t("state.unknown", code="bad_state", state=text, states=", ".join(names))
    return state


def answer_due(report: StateView) -> tuple[date, date] | None:
    """(strict, lenient) due date of the organisation's first answer; None when never sent or when
    the policy promises no answer time."""
    if report.sent_on is None or report.response_days is None:
        return None
    cal = report.calendar
    return (workdays.add_working_days(report.sent_on, report.response_days, cal),
            workdays.add_working_days(report.sent_on, report.response_days, workdays.LENIENT[cal]))


def contact_due(report: StateView) -> tuple[date, date] | None:
    """(strict, lenient) due date of the answer to a first contact: the policy's response time from the
    day the first contact went (the day the report entered ``contact_requested``)."""
    if report.state != "contact_requested" or report.response_days is None:
        return None
    cal = report.calendar
    day = workdays.local_date(report.state_at, cal)
    return (workdays.add_working_days(day, report.response_days, cal),
            workdays.add_working_days(day, report.response_days, workdays.LENIENT[cal]))


def plan_change(report: StateView, new_state: str, *, on: date, date_given: date | None = None) -> Change:
    """Check a state change against the rules; return what to record or raise StoreError.

    ``on`` is today (the day the change is recorded). ``date_given`` is the promised fix date for
    ``fix_promised`` and, for every other state, the day it happened when that was not today.
    """
    new = normalise_state(new_state)
    current = report.state
    if new not in TRANSITIONS[current]:
        raise _refusal(current, new)
    if new == "fix_promised":
        if date_given is None:
            raise StoreError.t("state.date_needed", code="date_needed")
        return Change(new, on, date_given)
    day = date_given or on
    if day > on:
        raise StoreError.t("state.future_date", code="future_date", day=day.isoformat())
    if new != "sent" and report.sent_on is not None and day < report.sent_on:
        raise StoreError.t("state.date_before_sent", code="date_before_sent", day=day.isoformat(),
                           sent=report.sent_on.isoformat())
    if new == "no_response":
        due = contact_due(report) if current == "contact_requested" else answer_due(report)
        waiting = current in AWAITING_ANSWER or current == "contact_requested"
        if due is not None and waiting and not workdays.overdue(due[0], day):
            raise StoreError.t("state.not_overdue", code="not_overdue", due=due[0].isoformat())
    return Change(new, day)


def _refusal(current: str, new: str) -> StoreError:
    if current == "closed":
        return StoreError.t("state.closed", code="bad_transition")
    if current == "draft" and new in _SENT_OR_LATER:
        return StoreError.t("state.never_sent", code="bad_transition", new=new.replace("_", "-"))
    options = ", ".join(sorted(s.replace("_", "-") for s in TRANSITIONS[current]))
    return StoreError.t("state.refused", code="bad_transition", current=current.replace("_", "-"),
                        new=new.replace("_", "-"), options=options)


def _due(code: str, rid: str, due: date | None = None, lenient: date | None = None, overdue: bool = False,
         hint: str = "") -> Due:
    return Due(say("en", f"due.{code}"), due, lenient, overdue,
               say("en", f"due.hint.{hint}", id=rid) if hint else None, code, hint, rid)


def next_due(report: StateView, today: date) -> Due | None:
    """What the reporter or the organisation owes next, with its date and whether it is overdue."""
    state, rid = report.state, report.id
    if state == "draft":
        return _due("draft", rid, hint="draft")
    if state == "contact_requested":
        due = contact_due(report)
        if due is None:
            return _due("contact_requested", rid, hint="contact")
        late = workdays.overdue(due[0], today)
        return _due("contact_requested", rid, due[0], due[1], late, "contact_late" if late else "contact_wait")
    if state in AWAITING_ANSWER:
        due = answer_due(report)
        if due is None:
            return _due(state, rid)
        late = workdays.overdue(due[0], today)
        return _due(state, rid, due[0], due[1], late, "late" if late else "")
    if state == "fix_promised":
        late = report.fix_date is not None and workdays.overdue(report.fix_date, today)
        return _due("fix_promised", rid, report.fix_date, report.fix_date, late, "fix_late" if late else "")
    if state == "no_response":
        return _due("no_response", rid, hint="no_response")
    if state == "escalated":
        return _due("escalated", rid)
    if state in ("fixed", "published") and report.purged_at is None:
        return _due("purge", rid, hint="purge")
    if state == "fixed":
        return _due("fixed", rid, hint="fixed")
    if state in ("published", "data_deleted"):
        return _due("close", rid, hint="close")
    return None


def needs_purge(report: StateView) -> bool:
    """True once the report is fixed and its evidence has not been deleted (status reminds)."""
    return report.state in ("fixed", "published") and report.purged_at is None
