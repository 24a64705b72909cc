"""Leave and absence in officers' words: "em nghỉ phép đến thứ 6", "đi công tác tới 04/12", "/nghi 5/12",
"/nghi từ 01/12 đến 05/12 đi học"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.dates import find_absolute_dates, find_relative_date, nearest, safe_date
from bot.core.parse_text import prepare

_AWAY = re.compile(
    r"\b(?:nghi(?: phep| om| viec| che do| thai san)?|di cong tac|cong tac|vang mat|vang|di hoc|tap huan)\b"
)
_UNTIL = re.compile(r"\b(?:den|toi|het|cho den)\b")
_FROM = re.compile(r"\b(?:tu|bat dau tu|bat dau)\b")


@dataclass(frozen=True)
class Leave:
    end: date  # the last day away
    start: date | None = None  # the first day, when it lies ahead; None: away from now on


def _first_date(scope: str, today: date) -> date | None:
    for _, _, day, month, year in find_absolute_dates(scope):
        d = safe_date(year, month, day) if year else nearest(month, day, today, past=False)
        if d is not None and d >= today:
            return d
    rel = find_relative_date(scope, today, past=False)
    if rel is not None and rel[2] >= today:
        return rel[2]
    return None


def parse_absence(text: str, now: datetime, *, command: bool = False) -> Leave | None:
    """The announced absence (its last day, and its first when that lies ahead), or None when the text
    announces none. With `command` (the /nghi arguments) the absence word is implied, and may come
    anywhere ("/nghi từ 01/12 đến 05/12 đi học")."""
    _, s = prepare(text)
    m = _AWAY.search(s)
    if m is None and not command:
        return None
    if "?" in s:
        return None
    today = now.date()
    rest = s[m.end():] if m else s
    if command and m is not None and _first_date(rest, today) is None:
        rest = s  # the reason came last: "/nghi đến 05/12 đi học"
    u = _UNTIL.search(rest)
    end = _first_date(rest[u.end():] if u else rest, today)
    start = None
    f = _FROM.search(rest[:u.start()] if u else "")
    if f is not None and u is not None:
        start = _first_date(rest[f.end():u.start()], today)
    if end is None and m is not None and re.search(r"\bhom nay\b", s):
        end = today
    if end is None:
        return None
    if start is not None and start > end:
        return None  # "từ 05/12 đến 01/12": not a leave anyone can take
    return Leave(end, start if start is not None and start > today else None)


Period = tuple[date, date]  # first and last day away, both included

#: periods that ended longer ago than this are forgotten when leave is written again
KEEP_DAYS = 120


def add_leave(periods: tuple[Period, ...], start: date, end: date, today: date) -> tuple[Period, ...]:
    """`periods` with [start, end] added: overlapping or touching periods merge into one, so an announcement
    widens or adds, and never shortens a leave announced before ("nghỉ ốm hôm nay" inside a week of leave
    changes nothing). Periods long past are dropped."""
    if end < start:
        start, end = end, start
    merged: list[Period] = []
    for s, e in sorted([*periods, (start, end)]):
        if merged and s.toordinal() <= merged[-1][1].toordinal() + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return tuple(p for p in merged if (today - p[1]).days <= KEEP_DAYS)


def end_leave(periods: tuple[Period, ...], today: date) -> tuple[Period, ...]:
    """Back at work today: the leave going on ends yesterday (or is gone if it began today); leave planned
    for later days stays."""
    out: list[Period] = []
    for s, e in periods:
        if s <= today <= e:
            if s < today:
                out.append((s, date.fromordinal(today.toordinal() - 1)))
        else:
            out.append((s, e))
    return tuple(out)


def current_or_next(periods: tuple[Period, ...], today: date) -> Period | None:
    """The leave going on today, else the next one planned, else None."""
    ahead = [p for p in sorted(periods) if p[1] >= today]
    return ahead[0] if ahead else None
