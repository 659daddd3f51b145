"""Working-day arithmetic per calendar, for the answer deadlines of a CVD policy.

Calendars (names are stored in the record, so they never change meaning):

``nl-gemeente``
    What municipal staff have off (Cao Gemeenten 2023 art. 6.6): the Dutch public holidays of the
    ``holidays`` package *without* Good Friday and *with* Liberation Day (5 May) every year, not only
    in lustrum years. The default for the ``nl-gemeente`` policy ("reageert binnen 5 werkdagen").
``nl-public``
    The Dutch public holidays exactly as the ``holidays`` package has them: Good Friday included,
    5 May only every fifth year (2025, 2030, ...).
``nl-lenient``
    The generous reading, for a second "lenient" due date: ``nl-gemeente`` plus Good Friday (it counts
    under the Algemene termijnenwet art. 3) plus the Friday after Ascension Day, the bridge day most
    municipal offices close on. The Atw's yearly "gelijkgestelde dagen" are set by royal decree and
    cannot be known offline; this bridge day stands in for them.
``weekends``
    Saturdays and Sundays only.
``calendar-days``
    Every day counts, weekends and holidays too: for a promise in plain days or hours ("binnen vijf
    dagen", "within 48 hours"), which are calendar days, not working days. The day of sending is that of
    Europe/Amsterdam.

A deadline of *n* working days counts from the first working day after the day of sending: a report
sent on Monday 2 March 2026 is answered on day 1 = Tuesday 3 March, day 5 = Monday 9 March. The day of
sending is that of the calendar's time zone (Europe/Amsterdam for the Dutch ones), so a report sent at
23:30 UTC on a Sunday in summer counts as sent on Monday. A due date is overdue from the day after.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.easter import easter

from cvd_reporter.errors import ValidationError

CALENDARS: dict[str, str] = {
    "nl-gemeente": "Dutch municipal days off: public holidays without Good Friday, with 5 May every year",
    "nl-public": "Dutch public holidays as the holidays package has them (Good Friday; 5 May in lustrum years)",
    "nl-lenient": "nl-gemeente plus Good Friday and the Friday after Ascension Day",
    "weekends": "Saturdays and Sundays only",
    "calendar-days": "every day counts (a promise in days or hours, not working days)",
}

# The calendar used for the second, "lenient" due date shown beside the strict one: a CVD promise is
# not a statutory term (the Algemene termijnenwet, art. 3, which adds Good Friday and 5 May, applies only
# to terms set by law), so both readings are shown rather than one.
LENIENT: dict[str, str] = {
    "nl-gemeente": "nl-lenient",
    "nl-public": "nl-lenient",
    "nl-lenient": "nl-lenient",
    "weekends": "weekends",
    "calendar-days": "calendar-days",
}

_TIMEZONES: dict[str, str | None] = {
    "nl-gemeente": "Europe/Amsterdam",
    "nl-public": "Europe/Amsterdam",
    "nl-lenient": "Europe/Amsterdam",
    "weekends": None,
    "calendar-days": "Europe/Amsterdam",
}

MAX_WORKING_DAYS = 3660  # ten years: anything longer is a typo, and the loop below must stay bounded


def check_calendar(calendar: str) -> str:
    """Return ``calendar`` if it is known; otherwise raise ValidationError naming the known ones."""
    if calendar not in CALENDARS:
        raise ValidationError(
            f"Unknown working-day calendar {calendar!r}; use one of {', '.join(CALENDARS)}.", code="bad_calendar"
        )
    return calendar


@lru_cache(maxsize=64)
def _nl_public(year: int) -> frozenset[date]:
    """The Dutch public holidays of the ``holidays`` package (category "public"), once per year."""
    return frozenset(holidays.country_holidays("NL", years=year))


@lru_cache(maxsize=256)
def holidays_in(year: int, calendar: str) -> frozenset[date]:
    """The days off (besides weekends) of ``calendar`` in ``year``."""
    check_calendar(calendar)
    if calendar in ("weekends", "calendar-days"):
        return frozenset()

    public = set(_nl_public(year))
    if calendar == "nl-public":
        return frozenset(public)
    good_friday = easter(year) - timedelta(days=2)
    days = public - {good_friday}
    days.add(date(year, 5, 5))  # Cao Gemeenten art. 6.6: Liberation Day is a paid day off every year
    if calendar == "nl-lenient":
        days.add(good_friday)
        days.add(easter(year) + timedelta(days=40))  # Ascension is Easter + 39 days; the bridge Friday + 40
    return frozenset(days)


def is_working_day(d: date, calendar: str) -> bool:
    """True for Monday to Friday when ``d`` is not a day off in ``calendar``; every day on calendar-days."""
    if calendar == "calendar-days":
        return True
    return d.weekday() < 5 and d not in holidays_in(d.year, calendar)


@lru_cache(maxsize=8192)  # pure; `status` asks the same (sent day, n, calendar) for many reports
def add_working_days(start: date, n: int, calendar: str) -> date:
    """The date of the ``n``-th working day after ``start`` (``start`` itself never counts).

    ``n == 0`` returns ``start``. Raises ValidationError for a negative or absurdly large ``n``.
    """
    check_calendar(calendar)
    if not 0 <= n <= MAX_WORKING_DAYS:
        raise ValidationError(f"A deadline of {n} working days is out of range (0 to {MAX_WORKING_DAYS}).",
                              code="bad_deadline")
    d = start
    while n:
        d += timedelta(days=1)
        if is_working_day(d, calendar):
            n -= 1
    return d


def local_date(at: datetime, calendar: str) -> date:
    """The calendar day of ``at`` where the calendar's organisation works.

    Aware datetimes are converted to the calendar's time zone; naive ones are taken as they are
    (they are already local). Without time-zone data on the machine, the datetime's own date is used.
    """
    tz_name = _TIMEZONES[check_calendar(calendar)]
    if at.tzinfo is None or tz_name is None:
        return at.date()
    try:
        return at.astimezone(ZoneInfo(tz_name)).date()
    except Exception:
        return at.date()


def due_date(sent_at: datetime, n: int, calendar: str) -> date:
    """The day an answer promised within ``n`` working days of ``sent_at`` is due."""
    return add_working_days(local_date(sent_at, calendar), n, calendar)


def overdue(due: date, today: date) -> bool:
    """Overdue from the day after the due date: an answer on the due date itself is on time."""
    return today > due
