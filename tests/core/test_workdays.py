"""Working-day deadlines against dates checked by hand on a paper calendar.

Every expected date below was worked out by hand, day by day, in the comment beside it:
"d1" is the first working day after sending (the day of sending never counts), "off" a day off.
Holiday facts used (Dutch public holidays):
  2020: 5 May Tue (lustrum: public)                 Ascension 21 May
  2024: Good Friday 29 Mar, Easter Monday 1 Apr, King's Day Sat 27 Apr, Christmas Wed 25 / Thu 26 Dec
  2025: New Year Wed 1 Jan, Easter Monday 21 Apr, King's Day Sat 26 Apr (27 Apr is a Sunday),
        5 May Mon (lustrum), Christmas Thu 25 / Fri 26 Dec
  2026: New Year Thu 1 Jan, Good Friday 3 Apr, Easter Monday 6 Apr, King's Day Mon 27 Apr,
        5 May Tue (not a lustrum), Ascension Thu 14 May, Whit Monday 25 May
  2027: 5 May Wed (not a lustrum), Ascension Thu 6 May
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from cvd_reporter.core.workdays import (
    CALENDARS,
    LENIENT,
    add_working_days,
    due_date,
    holidays_in,
    is_working_day,
    local_date,
    overdue,
)
from cvd_reporter.errors import ValidationError

G, P, W, L = "nl-gemeente", "nl-public", "weekends", "nl-lenient"

CASES = [
    # --- Easter 2026 (sent Thu 2 Apr) -------------------------------------------------------------
    # gemeente: Fri 3 (Good Friday is worked) d1, Mon 6 off (Easter Monday), Tue 7 d2, Wed 8 d3, Thu 9 d4, Fri 10 d5
    (date(2026, 4, 2), 5, G, date(2026, 4, 10)),
    # public: Fri 3 off, Mon 6 off, Tue 7 d1, Wed 8 d2, Thu 9 d3, Fri 10 d4, Mon 13 d5
    (date(2026, 4, 2), 5, P, date(2026, 4, 13)),
    # lenient: as public here (Good Friday off) -> Mon 13
    (date(2026, 4, 2), 5, L, date(2026, 4, 13)),
    # weekends: Fri 3 d1, Mon 6 d2, Tue 7 d3, Wed 8 d4, Thu 9 d5
    (date(2026, 4, 2), 5, W, date(2026, 4, 9)),
    # --- Easter 2024 (sent Thu 28 Mar) ------------------------------------------------------------
    # gemeente: Fri 29 d1, Mon 1 Apr off, Tue 2 d2, Wed 3 d3, Thu 4 d4, Fri 5 d5
    (date(2024, 3, 28), 5, G, date(2024, 4, 5)),
    # public: Fri 29 off, Mon 1 off, Tue 2 d1, Wed 3 d2, Thu 4 d3, Fri 5 d4, Mon 8 d5
    (date(2024, 3, 28), 5, P, date(2024, 4, 8)),
    # --- King's Day 2026, Monday 27 April (sent Fri 24 Apr) ---------------------------------------
    # Mon 27 off, Tue 28 d1, Wed 29 d2, Thu 30 d3, Fri 1 May d4, Mon 4 May d5
    (date(2026, 4, 24), 5, G, date(2026, 5, 4)),
    # --- King's Day 2025 on Saturday 26 April because 27 April is a Sunday (sent Fri 25 Apr) -------
    # Sat 26 (King's Day) and Sun 27 are weekend; it is NOT moved to Monday: Mon 28 d1, Tue 29 d2,
    # Wed 30 d3, Thu 1 May d4, Fri 2 May d5
    (date(2025, 4, 25), 5, G, date(2025, 5, 2)),
    # --- 5 May 2026, not a lustrum year (sent Thu 30 Apr) -----------------------------------------
    # gemeente (5 May off every year): Fri 1 d1, Mon 4 d2, Tue 5 off, Wed 6 d3, Thu 7 d4, Fri 8 d5
    (date(2026, 4, 30), 5, G, date(2026, 5, 8)),
    # public (5 May only in lustrum years): Fri 1 d1, Mon 4 d2, Tue 5 d3, Wed 6 d4, Thu 7 d5
    (date(2026, 4, 30), 5, P, date(2026, 5, 7)),
    # --- 5 May 2025, a lustrum year, Monday (sent Fri 2 May) --------------------------------------
    # both: Mon 5 off, Tue 6 d1, Wed 7 d2, Thu 8 d3, Fri 9 d4, Mon 12 d5
    (date(2025, 5, 2), 5, G, date(2025, 5, 12)),
    (date(2025, 5, 2), 5, P, date(2025, 5, 12)),
    # weekends: Mon 5 d1 ... Fri 9 d5
    (date(2025, 5, 2), 5, W, date(2025, 5, 9)),
    # --- 5 May 2020, lustrum, Tuesday (sent Mon 4 May) --------------------------------------------
    # public: Tue 5 off, Wed 6 d1, Thu 7 d2, Fri 8 d3, Mon 11 d4, Tue 12 d5
    (date(2020, 5, 4), 5, P, date(2020, 5, 12)),
    (date(2020, 5, 4), 5, G, date(2020, 5, 12)),
    # weekends: Tue 5 d1, Wed 6 d2, Thu 7 d3, Fri 8 d4, Mon 11 d5
    (date(2020, 5, 4), 5, W, date(2020, 5, 11)),
    # --- 5 May 2027 (Wed, not lustrum) right before Ascension Thu 6 May (sent Tue 4 May) ----------
    # gemeente: Wed 5 off, Thu 6 off, Fri 7 d1, Mon 10 d2, Tue 11 d3, Wed 12 d4, Thu 13 d5
    (date(2027, 5, 4), 5, G, date(2027, 5, 13)),
    # public: Wed 5 d1, Thu 6 off, Fri 7 d2, Mon 10 d3, Tue 11 d4, Wed 12 d5
    (date(2027, 5, 4), 5, P, date(2027, 5, 12)),
    # lenient: Wed 5 off, Thu 6 off, Fri 7 off (bridge day), Mon 10 d1 ... Fri 14 d5
    (date(2027, 5, 4), 5, L, date(2027, 5, 14)),
    # --- Ascension 2026, Thursday 14 May (sent Wed 13 May) ----------------------------------------
    # gemeente: Thu 14 off, Fri 15 d1, Mon 18 d2, Tue 19 d3, Wed 20 d4, Thu 21 d5
    (date(2026, 5, 13), 5, G, date(2026, 5, 21)),
    # lenient: Fri 15 off too: Mon 18 d1, Tue 19 d2, Wed 20 d3, Thu 21 d4, Fri 22 d5
    (date(2026, 5, 13), 5, L, date(2026, 5, 22)),
    # --- Whitsun 2026, Whit Monday 25 May (sent Fri 22 May) ---------------------------------------
    # Mon 25 off, Tue 26 d1, Wed 27 d2, Thu 28 d3, Fri 29 d4, Mon 1 Jun d5
    (date(2026, 5, 22), 5, G, date(2026, 6, 1)),
    # --- Christmas 2025 into 2026 (sent Wed 24 Dec) -----------------------------------------------
    # Thu 25 off, Fri 26 off, Mon 29 d1, Tue 30 d2, Wed 31 d3, Thu 1 Jan off, Fri 2 Jan d4, Mon 5 Jan d5
    (date(2025, 12, 24), 5, G, date(2026, 1, 5)),
    # --- Christmas 2024 into 2025 (sent Mon 23 Dec) -----------------------------------------------
    # Tue 24 d1, Wed 25 off, Thu 26 off, Fri 27 d2, Mon 30 d3, Tue 31 d4, Wed 1 Jan off, Thu 2 Jan d5
    (date(2024, 12, 23), 5, G, date(2025, 1, 2)),
    # --- sent on a Saturday (7 Mar 2026): Mon 9 d1, Tue 10 d2, Wed 11 d3, Thu 12 d4, Fri 13 d5 ------
    (date(2026, 3, 7), 5, G, date(2026, 3, 13)),
    # --- other lengths: 1 working day after Fri 24 Apr 2026 skips King's Day -> Tue 28 ------------
    (date(2026, 4, 24), 1, G, date(2026, 4, 28)),
    # 3 working days after Wed 24 Dec 2025: Mon 29 d1, Tue 30 d2, Wed 31 d3
    (date(2025, 12, 24), 3, G, date(2025, 12, 31)),
    # 0 days: the day itself
    (date(2026, 4, 2), 0, G, date(2026, 4, 2)),
]


@pytest.mark.parametrize(("start", "n", "calendar", "expected"), CASES,
                         ids=[f"{s}+{n}@{c}" for s, n, c, _ in CASES])
def test_add_working_days_matches_hand_checked_dates(start, n, calendar, expected):
    assert add_working_days(start, n, calendar) == expected


@pytest.mark.parametrize(("day", "calendar", "working"), [
    (date(2026, 4, 3), G, True),    # Good Friday: municipal staff work (Cao Gemeenten)
    (date(2026, 4, 3), P, False),   # ... but it is in the public list
    (date(2026, 4, 3), L, False),   # ... and the lenient reading counts it off
    (date(2026, 5, 5), G, False),   # Liberation Day, every year for municipalities
    (date(2026, 5, 5), P, True),    # not a lustrum year: a public working day
    (date(2025, 5, 5), P, False),   # lustrum year
    (date(2025, 4, 28), G, True),   # King's Day on Sat 26 Apr 2025 is not moved to the Monday
    (date(2026, 4, 27), G, False),  # King's Day 2026
    (date(2026, 5, 15), G, True),   # Friday after Ascension: worked ...
    (date(2026, 5, 15), L, False),  # ... but a bridge day in the lenient reading
    (date(2026, 12, 24), G, True),  # Christmas Eve is a working day
    (date(2026, 5, 16), W, False),  # a Saturday
    (date(2026, 5, 14), W, True),   # Ascension is a working day when only weekends count
])
def test_is_working_day(day, calendar, working):
    assert is_working_day(day, calendar) is working


def test_kings_day_moves_to_26_april_when_27_is_a_sunday():
    # 27 April 2025 and 2014 were Sundays: King's Day is on Saturday the 26th, not the 27th or 28th.
    for year in (2014, 2025):
        days = holidays_in(year, G)
        assert date(year, 4, 26) in days and date(year, 4, 27) not in days and date(year, 4, 28) not in days


def test_nl_gemeente_is_public_minus_good_friday_plus_5_may():
    import holidays

    for year in range(2020, 2031):
        public, gemeente = holidays_in(year, P), holidays_in(year, G)
        added, removed = gemeente - public, public - gemeente
        names = holidays.country_holidays("NL", years=year, language="en_US")
        assert removed == {d for d, name in names.items() if name == "Good Friday"}
        assert added == ({date(year, 5, 5)} if year % 5 else set())  # in lustrum years it is public anyway


@pytest.mark.parametrize(("sent_at", "calendar", "expected"), [
    # Sun 1 Mar 2026 23:30 UTC is Mon 2 Mar 00:30 in Amsterdam (CET): sent on Monday,
    # Tue 3 d1, Wed 4 d2, Thu 5 d3, Fri 6 d4, Mon 9 d5
    (datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc), G, date(2026, 3, 9)),
    # Sun 7 Jun 2026 22:30 UTC is Mon 8 Jun 00:30 CEST: Tue 9 d1 ... Mon 15 d5
    (datetime(2026, 6, 7, 22, 30, tzinfo=timezone.utc), G, date(2026, 6, 15)),
    # 21:30 UTC on that Sunday is still Sunday in Amsterdam: Mon 8 d1 ... Fri 12 d5
    (datetime(2026, 6, 7, 21, 30, tzinfo=timezone.utc), G, date(2026, 6, 12)),
    # weekends has no time zone: Sunday 1 Mar stays Sunday: Mon 2 d1 ... Fri 6 d5
    (datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc), W, date(2026, 3, 6)),
    # a naive datetime is taken as local already
    (datetime(2026, 4, 2, 16, 0), G, date(2026, 4, 10)),
])
def test_due_date_counts_from_the_day_of_sending_in_the_organisations_time_zone(sent_at, calendar, expected):
    assert due_date(sent_at, 5, calendar) == expected


def test_overdue_from_the_day_after_the_due_date():
    due = date(2026, 4, 10)
    assert not overdue(due, due - timedelta(days=1))
    assert not overdue(due, due)  # an answer on the due date is on time
    assert overdue(due, due + timedelta(days=1))


def test_every_calendar_has_a_lenient_partner_and_local_dates():
    for name in CALENDARS:
        assert LENIENT[name] in CALENDARS
        assert local_date(datetime(2026, 1, 1, 12, tzinfo=timezone.utc), name) == date(2026, 1, 1)


@pytest.mark.parametrize(("n", "calendar"), [(-1, G), (10_000, G), (5, "nl-bogus")])
def test_bad_input_is_one_sentence(n, calendar):
    with pytest.raises(ValidationError) as e:
        add_working_days(date(2026, 1, 1), n, calendar)
    assert e.value.message.endswith(".") and "\n" not in e.value.message
