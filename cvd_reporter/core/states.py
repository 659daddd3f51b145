"""The life of a report: its states, which changes make sense, and what is due next.

::

    draft -> sent -> acknowledged -> assessed -> fix_promised (with a date) -> fixed
          -> published -> data_deleted -> closed
    sent/acknowledged/... -> no_response -> escalated
    draft -> contact_requested -> sent           (a first contact without the details, then the report)
             contact_requested -> no_response / escalated / closed

The organisation may skip steps (a fix without a word first is still a fix), so forward jumps are
allowed; going back (fixed -> sent) or moving before the report was sent (draft -> fixed) is not.
``closed`` is final.

``contact_requested``: the organisation had no usable key, so only a first-contact message went
(that a report is ready, asking for a key); the report itself has not left. Its answer is due within
the policy's response time from the day of that message (``state_at``).

The rules for dates: a change records something that happened, on a day not in the future and not
before the report was sent; only ``fix_promised`` carries a date of its own (the
promised day, which may lie ahead). ``no_response`` is refused while the answer is not yet overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from cvd_reporter.core import workdays
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
    "sent": frozenset({*_ANSWERED, "no_response", "closed"}),
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
    state = text.strip().lower().replace("-", "_")
    if state not in TRANSITIONS:
        raise StoreError(
            f"Unknown state {text!r}; use one of {', '.join(s.replace('_', '-') for s in STATES)}.",
            code="bad_state",
        )
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
        raise StoreError(_refusal(current, new), code="bad_transition")
    if new == "fix_promised":
        if date_given is None:
            raise StoreError("A fix promise needs the promised date: add --date YYYY-MM-DD.", code="date_needed")
        return Change(new, on, date_given)
    day = date_given or on
    if day > on:
        raise StoreError(f"{day.isoformat()} is in the future; a state change records what already happened.",
                         code="future_date")
    if new != "sent" and report.sent_on is not None and day < report.sent_on:
        raise StoreError(f"{day.isoformat()} is before the report was sent ({report.sent_on.isoformat()}).",
                         code="date_before_sent")
    if new == "no_response":
        due = contact_due(report) if current == "contact_requested" else answer_due(report)
        waiting = current in AWAITING_ANSWER or current == "contact_requested"
        if due is not None and waiting and not workdays.overdue(due[0], day):
            raise StoreError(f"The answer is due on {due[0].isoformat()}; mark no-response from the day after.",
                             code="not_overdue")
    return Change(new, day)


def _refusal(current: str, new: str) -> str:
    if current == "closed":
        return "The report is closed; a closed report does not change state any more."
    if current == "draft" and new in _SENT_OR_LATER:
        return f"The report was never sent, so it cannot be {new.replace('_', ' ')}; mark it sent first."
    options = ", ".join(sorted(s.replace("_", "-") for s in TRANSITIONS[current]))
    return (f"A report that is {current.replace('_', ' ')} cannot become {new.replace('_', ' ')}; "
            f"it can become: {options}.")


def next_due(report: StateView, today: date) -> Due | None:
    """What the reporter or the organisation owes next, with its date and whether it is overdue."""
    state, rid = report.state, report.id
    if state == "draft":
        return Due("send the report",
                   hint=f"cvd-reporter submit, or mark {rid} sent --date D after sending it yourself")
    if state == "contact_requested":
        due = contact_due(report)
        what = "answer to the first contact: a public key or a secure channel"
        if due is None:
            return Due(what, hint=f"cvd-reporter key import FILE --for {rid}, then submit the report")
        late = workdays.overdue(due[0], today)
        step = (f"cvd-reporter key import FILE --for {rid}, then submit; or mark {rid} no-response" if late
                else f"cvd-reporter key import FILE --for {rid} when their key arrives, then submit")
        return Due(what, due[0], due[1], late, step)
    if state in AWAITING_ANSWER:
        what = {
            "sent": "answer from the organisation (assessment and expected fix date)",
            "acknowledged": "assessment and expected fix date",
            "assessed": "expected fix date",
        }[state]
        due = answer_due(report)
        if due is None:
            return Due(what)
        late = workdays.overdue(due[0], today)
        hint = f"cvd-reporter follow-up {rid}, or mark {rid} no-response" if late else None
        return Due(what, due[0], due[1], late, hint)
    if state == "fix_promised":
        late = report.fix_date is not None and workdays.overdue(report.fix_date, today)
        return Due("fix promised by the organisation", report.fix_date, report.fix_date, late,
                   f"cvd-reporter follow-up {rid}" if late else None)
    if state == "no_response":
        return Due("escalate: to the IBD (municipalities) or NCSC-NL, with the proof bundle",
                   hint=f"cvd-reporter escalate {rid} --to ibd (municipalities) or --to ncsc")
    if state == "escalated":
        return Due("answer from the organisation or the coordinator")
    if state in ("fixed", "published") and report.purged_at is None:
        return Due("delete the confidential data you kept (the policy asks for it after the fix)",
                   hint=f"cvd-reporter purge {rid}")
    if state == "fixed":
        return Due("publish only after telling the organisation, or close the report",
                   hint=f"cvd-reporter notify-publication {rid} --date D, or mark {rid} closed")
    if state in ("published", "data_deleted"):
        return Due("close the report", hint=f"cvd-reporter mark {rid} closed")
    return None


def needs_purge(report: StateView) -> bool:
    """True once the report is fixed and its evidence has not been deleted (status reminds)."""
    return report.state in ("fixed", "published") and report.purged_at is None
