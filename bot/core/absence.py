"""Leave and absence in officers' words: "em nghỉ phép đến thứ 6", "đi công tác tới 04/12", "/nghi 5/12"."""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.core.dates import find_absolute_dates, find_relative_date, nearest, safe_date
from bot.core.parse import prepare

_AWAY = re.compile(
    r"\b(?:nghi(?: phep| om| viec| che do| thai san)?|di cong tac|cong tac|vang mat|vang|di hoc|tap huan)\b"
)
_UNTIL = re.compile(r"\b(?:den|toi|het|cho den)\b")


def parse_absence(text: str, now: datetime, *, command: bool = False) -> date | None:
    """The last day of an announced absence, or None when the text announces none.

    With `command` (the /nghi arguments) the absence word is implied."""
    _, s = prepare(text)
    m = _AWAY.search(s)
    if m is None and not command:
        return None
    if "?" in s:
        return None
    rest = s[m.end():] if m else s
    u = _UNTIL.search(rest)
    scope = rest[u.end():] if u else rest
    today = now.date()
    for _, _, day, month, year in find_absolute_dates(scope):
        d = safe_date(year, month, day) if year else nearest(month, day, today, past=False)
        if d is not None and d >= today:
            return d
    rel = find_relative_date(scope, today, past=False)
    if rel is not None and rel[2] >= today:
        return rel[2]
    if m is not None and re.search(r"\bhom nay\b", s):
        return today
    return None
