"""Leave and absence in officers' words: "em nghỉ phép đến thứ 6", "đi công tác tới 04/12", "/nghi 5/12",
"/nghi từ 01/12 đến 05/12 đi học"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.dates import find_absolute_dates, find_relative_date, nearest, safe_date
from bot.core.parse import prepare

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
