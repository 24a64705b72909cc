"""A period in the words people type after /tomtat or /xuatbaocao: "tháng 11", "quý 3", "6 tháng", "tuần
48", "từ 01/10 đến 15/11", "năm", "kỳ này" (the reporting period being gathered). Pure."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from bot.core.dates import find_period, quarter_bounds, quarter_of, week_bounds
from bot.core.parse_text import prepare
from bot.core.schedule import current_window


def reporting_period(report_calendar: str, today: date) -> tuple[date, date]:
    """What "kỳ này" means on `today`: the data period of the report being gathered under the commune's
    reporting calendar, else the calendar quarter."""
    return current_window(report_calendar, today) or quarter_bounds(today.year, quarter_of(today))


def period_in_words(words: str, today: date,
                    this_period: Callable[[date], tuple[date, date]] | None = None) -> tuple[date, date] | None:
    """A period in words ("tháng 11", "quý 3", "từ 01/10 đến 15/11", "kỳ này" when `this_period` tells the
    reporting period); the current week when none is given."""
    if not words.strip():
        return week_bounds(today)
    _, folded = prepare(words)
    if this_period is not None and re.fullmatch(r"\s*ky (?:bao cao )?(?:nay|hien tai)\s*", folded):
        return this_period(today)
    if re.fullmatch(r"\s*(?:nam|ca nam)\s*", folded):
        folded = "nam nay"
    if m := re.fullmatch(r"\s*(\d{1,2}) thang\s*", folded):  # the 6- and 9-month reports
        folded = f"{m.group(1)} thang dau nam"
    if m := re.fullmatch(r"\s*tuan (?:thu )?(\d{1,2})(?: nam (\d{4}))?\s*", folded):  # ISO week number
        try:
            monday = date.fromisocalendar(int(m.group(2) or today.year), int(m.group(1)), 1)
        except ValueError:
            return None
        return monday, monday + timedelta(days=6)
    return find_period(folded, today)
