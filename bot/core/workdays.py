"""Vietnam's working days: Monday to Friday, minus public holidays (Tết and substitute days off from the
`holidays` package), plus the commune's own changes (make-up Saturdays, announced swaps)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("VN", years=year).keys())


@lru_cache(maxsize=64)
def _weekend_workdays(year: int) -> frozenset[date]:
    """Saturdays and Sundays the government made working days (make-up days for a holiday bridge)."""
    import holidays

    days = getattr(holidays.country_holidays("VN", years=year), "weekend_workdays", ())
    return frozenset(d for d in days if d.year == year)


class WorkCalendar:
    def __init__(self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()) -> None:
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_workdays = frozenset(extra_workdays)
        self._cumulative: dict[int, list[int]] = {}  # year -> working days up to each day of the year

    def _upto(self, d: date) -> int:
        """Working days from 1/1/2000 up to and including `d` (O(1) after each year's first use)."""
        total = 0
        for year in range(2000, d.year):
            total += self._year(year)[-1]
        return total + self._year(d.year)[d.timetuple().tm_yday - 1]

    def _year(self, year: int) -> list[int]:
        cum = self._cumulative.get(year)
        if cum is None:
            cum, n, d = [], 0, date(year, 1, 1)
            while d.year == year:
                n += self.is_workday(d)
                cum.append(n)
                d += timedelta(days=1)
            self._cumulative[year] = cum
        return cum

    def is_workday(self, d: date) -> bool:
        if d in self.extra_workdays or (d.weekday() >= 5 and d in _weekend_workdays(d.year)):
            return True
        if d in self.extra_holidays or d.weekday() >= 5:
            return False
        return d not in _public_holidays(d.year)

    def next_workday(self, d: date) -> date:
        """`d` itself when it is a working day, else the next one."""
        for _ in range(60):
            if self.is_workday(d):
                return d
            d += timedelta(days=1)
        return d

    def add_workdays(self, d: date, n: int) -> date:
        step = 1 if n >= 0 else -1
        left = abs(n)
        while left:
            d += timedelta(days=step)
            if self.is_workday(d):
                left -= 1
        return d

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
        if end == start:
            return 0
        if max(start, end).year > 2100:  # beyond any calendar we know: weekdays only, in constant time
            return _weekdays_between(start, end)
        if min(start, end).year < 2000:
            sign = 1 if end > start else -1
            a, b = (start, end) if sign > 0 else (end, start)
            count, d = 0, a + timedelta(days=1)
            while d <= b:
                count += self.is_workday(d)
                d += timedelta(days=1)
            return sign * count
        return self._upto(end) - self._upto(start)


def _weekdays_between(start: date, end: date) -> int:
    """Monday-to-Friday days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -_weekdays_between(end, start)

    def upto(d: date) -> int:  # weekdays from an arbitrary Monday up to and including d
        days = d.toordinal()
        weeks, rest = divmod(days - 1, 7)  # ordinal 1 (0001-01-01) is a Monday
        return weeks * 5 + min(rest + 1, 5)

    return upto(end) - upto(start)


def parse_date_list(text: str | None) -> list[date]:
    """'2027-02-20, 06/03/2027' -> dates (ISO or day-first)."""
    out: list[date] = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if "/" in part:
            d, m, y = (int(x) for x in part.split("/"))
            out.append(date(y, m, d))
        else:
            out.append(date.fromisoformat(part))
    return out
