"""When reminders are due. Pure: rules and a time in, the next occurrence out.

A rule is one of:

* ``weekly``  — a weekday and a time ("fri 14:00"): the weekly ping, the Monday escalation, the Friday
  request for dossier figures;
* ``daily``   — a time on working days ("08:00"): deadline reminders, overdue digests, the reporting
  calendar's countdown.

An occurrence that falls on a non-working day or inside quiet hours moves to the next working morning
(the end of quiet hours on the next working day). Its **key** names the slot it was meant for ("2026-W48",
"2026-11-27"), so the sent-ledger can tell what was sent, whenever it actually went out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.core.workdays import WorkCalendar

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
            "t2": 0, "t3": 1, "t4": 2, "t5": 3, "t6": 4, "t7": 5, "cn": 6,
            "thu2": 0, "thu3": 1, "thu4": 2, "thu5": 3, "thu6": 4, "thu7": 5}


class ScheduleError(ValueError):
    """A schedule written in a way that cannot be read. `reason` names the mistake (for a message in the
    user's language), `text` is what was written; str() is a one-line English explanation (logs, CLI)."""

    def __init__(self, reason: str, text: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.text = text


@dataclass(frozen=True)
class Rule:
    kind: str  # weekly_ping, deadlines, escalation, reporting, dossier_request
    every: str  # "weekly" or "daily"
    at: time
    weekday: int | None = None
    enabled: bool = True

    def describe(self) -> str:
        day = next((k for k, v in WEEKDAYS.items() if v == self.weekday and k.startswith("thu")), "cn") if (
            self.every == "weekly") else "daily"
        return f"{day} {self.at.strftime('%H:%M')}"


@dataclass(frozen=True)
class Quiet:
    start: time = time(21, 0)
    end: time = time(7, 0)

    def contains(self, t: time) -> bool:
        if self.start > self.end:  # over midnight
            return t >= self.start or t < self.end
        return self.start <= t < self.end


def parse_when(text: str) -> tuple[str, int | None, time]:
    """'fri 14:00', 'thu6 14:00', 't2 7:30' -> weekly; '08:00' -> daily."""
    s = text.strip().lower().replace("thứ ", "thu").replace("thu ", "thu")
    m = re.fullmatch(r"(?:([a-z0-9]+)\s+)?(\d{1,2})[:h](\d{2})", s)
    if m is None:
        raise ScheduleError("not_schedule", text, f"not a schedule: {text!r} (e.g. 'fri 14:00' or '08:00')")
    hh, mm = int(m.group(2)), int(m.group(3))
    if hh > 23 or mm > 59:
        raise ScheduleError("not_time", text, f"not a time of day: {text!r}")
    if m.group(1) is None:
        return "daily", None, time(hh, mm)
    if m.group(1) not in WEEKDAYS:
        raise ScheduleError("weekday", text, f"unknown weekday in {text!r}")
    return "weekly", WEEKDAYS[m.group(1)], time(hh, mm)


def parse_quiet(text: str) -> Quiet:
    m = re.fullmatch(r"\s*(\d{1,2})[:h](\d{2})\s*-\s*(\d{1,2})[:h](\d{2})\s*", text)
    if m is None:
        raise ScheduleError("quiet", text, f"quiet hours must look like 21:00-07:00, not {text!r}")
    a, b, c, d = (int(x) for x in m.groups())
    if a > 23 or c > 23 or b > 59 or d > 59:
        raise ScheduleError("quiet", text, f"not a time of day in {text!r}")
    return Quiet(time(a, b), time(c, d))


def slot_after(rule: Rule, after: datetime) -> datetime:
    """The first nominal slot of the rule strictly after `after` (before moving for quiet hours)."""
    tz = after.tzinfo
    day = after.date()
    for i in range(0, 15):
        d = day + timedelta(days=i)
        if rule.every == "weekly" and d.weekday() != rule.weekday:
            continue
        candidate = datetime.combine(d, rule.at, tzinfo=tz)
        if candidate > after:
            return candidate
    raise ScheduleError("no_slot", "", "no slot within two weeks")  # cannot happen for valid rules


def slot_before(rule: Rule, at: datetime) -> datetime:
    """The latest nominal slot at or before `at`."""
    tz = at.tzinfo
    day = at.date()
    for i in range(0, 15):
        d = day - timedelta(days=i)
        if rule.every == "weekly" and d.weekday() != rule.weekday:
            continue
        candidate = datetime.combine(d, rule.at, tzinfo=tz)
        if candidate <= at:
            return candidate
    raise ScheduleError("no_slot", "", "no slot within two weeks")


def deliver_at(slot: datetime, calendar: WorkCalendar, quiet: Quiet) -> datetime:
    """When a reminder meant for `slot` may go out: on a working day, outside quiet hours; otherwise at
    the next working morning (the end of quiet hours)."""
    day, at = slot.date(), slot.time()
    if calendar.is_workday(day) and not quiet.contains(at):
        return slot
    if calendar.is_workday(day) and quiet.contains(at) and at < quiet.end:
        return datetime.combine(day, quiet.end, tzinfo=slot.tzinfo)  # early morning: later that day
    return datetime.combine(calendar.next_workday(day + timedelta(days=1)), quiet.end, tzinfo=slot.tzinfo)


def occurrence_key(rule: Rule, slot: datetime) -> str:
    if rule.every == "weekly":
        y, w, _ = slot.isocalendar()
        return f"{y}-W{w:02d}"
    return slot.date().isoformat()


def due_for(rule: Rule, slot: datetime, calendar: WorkCalendar) -> bool:
    """Daily rules speak only for working days; weekly ones always (moved to a working morning)."""
    return rule.every == "weekly" or calendar.is_workday(slot.date())


# -- the periodic CCHC reporting calendar -----------------------------------------------------------
@dataclass(frozen=True)
class ReportDue:
    name: str  # "quy-1", "6-thang", "quy-3", "nam"
    due: date
    start: date  # data cut-off: first day
    end: date  # data cut-off: last day


def reporting_calendar(convention: str, year: int) -> list[ReportDue]:
    """The periodic reports of `year` in one of the two conventions domain.md describes.

    ``mid-month``: due before the 16th of the period's last month, data from the 15th of the last month
    before the period to the 14th of its last month (Q1: 15/12 of the previous year to 14/3).
    ``fixed``: Q1 by 25/02, six months by 25/05, Q3 by 25/08, the year by 20/11, each with data from the
    day after the previous cumulative period (15/12 of the year before; Q3: from 25/05) to the day before
    the due date.
    A custom calendar is written "name:DD/MM:DD/MM-DD/MM;..." (due date, then the data period; a data start
    later than the due date is read in the previous year).
    """
    if convention == "mid-month":
        out = []
        for q, name in ((1, "quy-1"), (2, "6-thang"), (3, "quy-3"), (4, "nam")):
            last_month = 3 * q
            start_month = last_month - 3
            start = date(year - 1, 12, 15) if start_month == 0 else date(year, start_month, 15)
            if name in ("6-thang", "nam"):
                start = date(year - 1, 12, 15)
            out.append(ReportDue(name, date(year, last_month, 15), start, date(year, last_month, 14)))
        return out
    if convention == "fixed":
        return [
            ReportDue("quy-1", date(year, 2, 25), date(year - 1, 12, 15), date(year, 2, 24)),
            ReportDue("6-thang", date(year, 5, 25), date(year - 1, 12, 15), date(year, 5, 24)),
            ReportDue("quy-3", date(year, 8, 25), date(year, 5, 25), date(year, 8, 24)),
            ReportDue("nam", date(year, 11, 20), date(year - 1, 12, 15), date(year, 11, 19)),
        ]
    return _custom(convention, year)


def current_window(convention: str, today: date) -> tuple[date, date] | None:
    """The data period of the report being gathered on `today` ("kỳ này"): of the periods whose data
    window holds today, the narrowest (the quarter rather than the cumulative six months); None when
    today falls between windows."""
    windows = [r for year in (today.year, today.year + 1) for r in reporting_calendar(convention, year)
               if r.start <= today <= r.end]
    if not windows:
        return None
    best = min(windows, key=lambda r: (r.end - r.start, r.due))
    return best.start, best.end


def _custom(text: str, year: int) -> list[ReportDue]:
    out = []
    for part in text.split(";"):
        m = re.fullmatch(r"\s*([\w-]+):(\d{1,2})/(\d{1,2}):(\d{1,2})/(\d{1,2})-(\d{1,2})/(\d{1,2})\s*", part)
        if m is None:
            raise ScheduleError("calendar", part,
                                f"cannot read the reporting calendar entry {part!r} (name:DD/MM:DD/MM-DD/MM)")
        name = m.group(1)
        try:
            due = date(year, int(m.group(3)), int(m.group(2)))
            start = date(year, int(m.group(5)), int(m.group(4)))
            end = date(year, int(m.group(7)), int(m.group(6)))
        except ValueError:
            raise ScheduleError("calendar", part, f"no such day in the reporting calendar entry {part!r}") from None
        if start > due:
            start = start.replace(year=year - 1)
        if end > due:
            end = end.replace(year=year - 1)
        out.append(ReportDue(name, due, start, end))
    return out
