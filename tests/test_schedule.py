"""The reporting calendar and what "kỳ này" means on a given day (pure core, table-driven)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.schedule import ScheduleError, current_window, reporting_calendar


@pytest.mark.parametrize(("convention", "today", "window"), [
    # mid-month: Q1 data 15/12–14/3; the narrowest window wins over the cumulative six months / year
    ("mid-month", date(2026, 2, 1), (date(2025, 12, 15), date(2026, 3, 14))),
    ("mid-month", date(2026, 7, 10), (date(2026, 6, 15), date(2026, 9, 14))),
    ("mid-month", date(2026, 11, 27), (date(2025, 12, 15), date(2026, 12, 14))),  # only the year's report
    ("mid-month", date(2026, 12, 20), (date(2026, 12, 15), date(2027, 3, 14))),  # next year's Q1 already
    # fixed: Q1 by 25/02 with data from 15/12; Q3 from 25/05 to 24/08; a gap after the year's report
    ("fixed", date(2026, 2, 1), (date(2025, 12, 15), date(2026, 2, 24))),
    ("fixed", date(2026, 7, 10), (date(2026, 5, 25), date(2026, 8, 24))),
    ("fixed", date(2026, 11, 27), None),
    ("fixed", date(2026, 12, 20), (date(2026, 12, 15), date(2027, 2, 24))),
    # a custom calendar: quarters due on the 20th after, data = the calendar quarter
    ("q1:20/04:01/01-31/03;q2:20/07:01/04-30/06;q3:20/10:01/07-30/09;q4:20/01:01/10-31/12",
     date(2026, 11, 27), (date(2026, 10, 1), date(2026, 12, 31))),
])
def test_current_window(convention: str, today: date, window: tuple[date, date] | None) -> None:
    assert current_window(convention, today) == window


def test_reporting_calendars_of_domain_md() -> None:
    mid = {r.name: (r.due, r.start, r.end) for r in reporting_calendar("mid-month", 2026)}
    assert mid["quy-1"] == (date(2026, 3, 15), date(2025, 12, 15), date(2026, 3, 14))
    fixed = {r.name: r.due for r in reporting_calendar("fixed", 2026)}
    assert fixed == {"quy-1": date(2026, 2, 25), "6-thang": date(2026, 5, 25), "quy-3": date(2026, 8, 25),
                     "nam": date(2026, 11, 20)}
    with pytest.raises(ScheduleError):
        reporting_calendar("q1:31/02", 2026)


def test_a_government_make_up_saturday_is_a_working_day() -> None:
    from datetime import date

    from bot.core.workdays import WorkCalendar

    cal = WorkCalendar()
    assert cal.is_workday(date(2026, 8, 22))  # Saturday, made a working day (the holidays VN calendar)
    assert not cal.is_workday(date(2026, 8, 29))  # an ordinary Saturday
    assert cal.workdays_between(date(2026, 8, 21), date(2026, 8, 24)) == 2
