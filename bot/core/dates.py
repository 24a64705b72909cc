"""Vietnamese date and period words, on diacritic-folded text. Pure functions of (text, today).

Day-first always. Relative words follow parse-contract.md's tables.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
WEEKDAY_WORDS = {
    "2": 0, "hai": 0, "3": 1, "ba": 1, "4": 2, "tu": 2, "5": 3, "nam": 3, "6": 4, "sau": 4, "7": 5, "bay": 5,
}


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def quarter_bounds(year: int, q: int) -> tuple[date, date]:
    return date(year, 3 * q - 2, 1), month_end(year, 3 * q)


def week_bounds(d: date) -> tuple[date, date]:
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


#: dates outside these years are refused everywhere (a "no deadline" placeholder such as 31/12/9999 is not a date)
MIN_YEAR, MAX_YEAR = 2000, 2100


def in_horizon(d: date) -> bool:
    return MIN_YEAR <= d.year <= MAX_YEAR


def safe_date(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def full_year(y: str) -> int:
    n = int(y)
    return 2000 + n if n < 100 else n


def nearest(month: int, day: int, today: date, *, past: bool) -> date | None:
    """The date with this day and month nearest to `today` on the side the status says."""
    this_year = safe_date(today.year, month, day)
    if past:
        if this_year is not None and this_year <= today:
            return this_year
        return safe_date(today.year - 1, month, day)
    if this_year is not None and this_year >= today:
        return this_year
    return safe_date(today.year + 1, month, day)


# -- absolute dates -----------------------------------------------------------------------------
DATE_WORD = r"(?:ngay|han|truoc|du kien|dk|xong|den|tu|vao|luc|hoan thanh|sau|tu ngay|den ngay|hoan tat)"
# "được 4/5 thôn", "3/7 xã": a fraction of things, never a date
_COUNTED = (r"thon|xa|ap|to|khu pho|khu|ho|don vi|nguoi|cong chuc|can bo|nhiem vu|nv|bo phan|phong|ban|muc"
            r"|tieu chi|chi tieu|lop|buoi|cuoc|thu tuc|tthc|ho so|hs|van ban|truong|co quan|hoi|chi hoi"
            r"|thanh vien|diem|noi dung|cong trinh|thiet bi|may")
_SLASH_DATE = re.compile(r"(?<![\d.,/])(\d{1,2})\s?([/-])\s?(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d%/])"
                         r"(?! ?(?:" + _COUNTED + r")\b)")
_DOT_DATE = re.compile(rf"\b{DATE_WORD}\s*:?\s*(\d{{1,2}})\.(\d{{1,2}})(?:\.(\d{{4}}|\d{{2}}))?(?![\d%])")
_WORDY_DATE = re.compile(r"\bngay (\d{1,2}) thang (\d{1,2})(?: nam (\d{4}))?\b")
_DAY_ONLY = re.compile(r"\b(?:ngay|han) (\d{1,2})\b(?! thang)(?!\s*(?:ngay|tuan|thang|nam|nua|hom|lam viec))")


_DIGIT = re.compile(r"\d")


def find_absolute_dates(s: str) -> list[tuple[int, int, int, int, int | None]]:
    """(start, end, day, month, year or None) for every written date in folded text `s`."""
    found: list[tuple[int, int, int, int, int | None]] = []
    if not _DIGIT.search(s):  # every written date has digits: most segments are done here
        return found
    for m in _WORDY_DATE.finditer(s):
        found.append((m.start(), m.end(), int(m.group(1)), int(m.group(2)),
                      int(m.group(3)) if m.group(3) else None))
    for m in _SLASH_DATE.finditer(s):
        found.append((m.start(), m.end(), int(m.group(1)), int(m.group(3)),
                      full_year(m.group(4)) if m.group(4) else None))
    for m in _DOT_DATE.finditer(s):
        found.append((m.start(1), m.end(), int(m.group(1)), int(m.group(2)),
                      full_year(m.group(3)) if m.group(3) else None))
    found.sort()
    out: list[tuple[int, int, int, int, int | None]] = []
    for f in found:
        if out and f[0] < out[-1][1]:
            continue
        if 1 <= f[3] <= 12 and 1 <= f[2] <= 31:
            out.append(f)
    return out


# -- relative dates (progress: when something was done or is expected) ---------------------------
# every alternative starts with one of these characters: a lookahead lets the engine skip other positions
_REL = re.compile(
    r"\b(?=[bcdghmnqst0-9])(?:"
    r"(?P<today>hom nay|bay gio|ngay hom nay)"
    r"|(?P<yesterday>hom qua)"
    r"|(?P<before_yesterday>hom kia)"
    r"|(?P<after_tomorrow>ngay kia)"
    r"|(?P<tomorrow>ngay mai|sang mai|chieu mai|mai)"
    r"|(?P<in_n>(?P<n>\d{1,3}) (?P<unit>ngay|hom|tuan|thang) nua)"
    r"|(?P<weekday>(?:thu (?P<wd>[2-7]|hai|ba|tu|nam|sau|bay)|t(?P<wd2>[2-7])|(?P<sun>chu nhat|cn))"
    r"(?: (?P<wk>tuan (?:sau|toi|nay|truoc)))?(?P<recent> vua (?:roi|qua))?)"
    r"|(?P<end_week_next>cuoi tuan (?:sau|toi))"
    r"|(?P<end_week>cuoi tuan(?: nay)?)"
    r"|(?P<next_week>tuan (?:sau|toi))"
    r"|(?P<end_month_next>(?:cuoi|het) thang (?:sau|toi)|thang (?:sau|toi))"
    r"|(?P<end_month>(?:cuoi|het) thang(?: nay)?)"
    r"|(?P<end_year>(?:cuoi|het) nam(?: nay)?)"
    r"|(?P<next_year>nam (?:sau|toi))"
    r"|(?P<quarter>(?:quy|q) (?P<q>[1-4]|iv|iii|ii|i)\b(?:(?: nam|/) (?P<qy>\d{4}))?)"
    r"|(?P<end_quarter>(?:cuoi|het) quy(?: nay)?)"
    r"|(?P<part>(?P<pw>dau|giua|thuong tuan|trung tuan|ha tuan)(?: thang)? (?P<pmo>1[0-2]|0?[1-9])(?!\d|/)"
    r"(?:(?: nam|/) (?P<py>\d{4}))?)"
    r"|(?P<part_rel>(?P<pw2>dau|giua) thang(?: (?P<prel>nay|sau|toi))?)"
    r"|(?P<month>(?P<within>trong )?(?:cuoi |het )?thang (?P<mo>1[0-2]|0?[1-9])(?!\d|/)(?:(?: nam|/) (?P<my>\d{4}))?)"
    r")\b"
)


def find_relative_date(s: str, today: date, *, past: bool) -> tuple[int, int, date] | None:
    """The first relative date phrase in `s` with its span, or None."""
    for m in _REL.finditer(s):
        d = _relative(m, today, past=past)
        if d is not None:
            return m.start(), m.end(), d
    return None


def _relative(m: re.Match[str], today: date, *, past: bool) -> date | None:
    g = m.groupdict()
    if g["today"]:
        return today
    if g["yesterday"]:
        return today - timedelta(days=1)
    if g["before_yesterday"]:
        return today - timedelta(days=2)
    if g["after_tomorrow"]:
        return today + timedelta(days=2)
    if g["tomorrow"]:
        return today + timedelta(days=1)
    if g["in_n"]:
        n = int(g["n"])
        unit = g["unit"]
        if unit in ("ngay", "hom"):
            return today + timedelta(days=n) if n <= 3650 else None
        if unit == "tuan":
            return today + timedelta(days=7 * n) if n <= 520 else None
        return add_months(today, n) if n <= 120 else None
    if g["weekday"]:
        target = 6 if g["sun"] else WEEKDAY_WORDS[g["wd"] or g["wd2"]]
        wk = g["wk"]
        monday = today - timedelta(days=today.weekday())
        if wk:
            offset = {"sau": 7, "toi": 7, "nay": 0, "truoc": -7}[wk.split()[1]]
            return monday + timedelta(days=offset + target)
        if past or g["recent"]:
            return today - timedelta(days=(today.weekday() - target) % 7)
        delta = (target - today.weekday()) % 7 or 7
        return today + timedelta(days=delta)
    if g["end_week_next"]:
        return week_bounds(today)[1] + timedelta(days=7)
    if g["end_week"]:
        return week_bounds(today)[1]
    if g["next_week"]:
        return week_bounds(today)[0] + timedelta(days=7 + 4)
    if g["end_month_next"]:
        nxt = add_months(today.replace(day=1), 1)
        return month_end(nxt.year, nxt.month)
    if g["end_month"]:
        return month_end(today.year, today.month)
    if g["end_year"]:
        return date(today.year, 12, 31)
    if g["next_year"]:
        return date(today.year + 1, 12, 31)
    if g["quarter"]:
        q = int(g["q"]) if g["q"].isdigit() else ROMAN[g["q"]]
        year = int(g["qy"]) if g["qy"] else today.year
        end = quarter_bounds(year, q)[1]
        if not g["qy"]:
            if past and end > today and quarter_bounds(year, q)[0] > today:
                end = quarter_bounds(year - 1, q)[1]
            elif not past and end < today:
                end = quarter_bounds(year + 1, q)[1]
        return end
    if g["end_quarter"]:
        return quarter_bounds(today.year, quarter_of(today))[1]
    if g["part"] or g["part_rel"]:  # đầu / thượng tuần = the 10th, giữa / trung tuần = the 20th, hạ tuần = last
        word = g["pw"] or g["pw2"]
        day = {"dau": 10, "thuong tuan": 10, "giua": 20, "trung tuan": 20}.get(word, 0)
        if g["part_rel"]:
            first = today.replace(day=1)
            if g["prel"] in ("sau", "toi"):
                first = add_months(first, 1)
            return first.replace(day=day)
        mo = int(g["pmo"])
        year = int(g["py"]) if g["py"] else today.year
        if not g["py"]:
            if past and date(year, mo, 1) > today:
                year -= 1
            elif not past and (month_end(year, mo) if day == 0 else date(year, mo, day)) < today:
                year += 1
        return month_end(year, mo) if day == 0 else date(year, mo, day)
    if g["month"]:
        mo = int(g["mo"])
        if g["my"]:
            return month_end(int(g["my"]), mo)
        if past and g["within"] and mo == today.month:
            return today  # "đã xong trong tháng 11", said in November: done by today
        end = month_end(today.year, mo)
        if past and date(today.year, mo, 1) > today:
            end = month_end(today.year - 1, mo)
        elif not past and end < today:
            end = month_end(today.year + 1, mo)
        return end
    return None


# -- dossier periods ----------------------------------------------------------------------------
_RANGE = re.compile(
    r"(?:\btu(?: ngay)? |(?<![\d/.-]))(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?\s*(?:den|toi|-|–)\s*(?:ngay )?"
    r"(?:(\d{1,2})([/.-])(\d{1,2})(?:\6(\d{4}|\d{2}))?(?![\d/])|(nay|hom nay))"
)
_PERIOD = re.compile(
    r"\b(?=[chnqt1-9])(?:"
    r"(?P<from_year_start>tu dau nam(?: den nay)?)"
    r"|(?P<from_month_start>tu dau thang(?: den nay)?)"
    r"|(?P<first_n>(?P<fn>[1-9]|1[0-2]) thang (?:dau nam|dau|nam)(?: (?P<fny>\d{4}))?)"
    r"|(?P<last6>6 thang cuoi nam)"
    r"|(?P<today>hom nay|ngay hom nay)"
    r"|(?P<yesterday>hom qua)"
    r"|(?P<this_week>tuan nay|trong tuan)"
    r"|(?P<last_week>tuan (?:truoc|qua|roi))"
    r"|(?P<this_month>thang nay|trong thang)"
    r"|(?P<last_month>thang (?:truoc|qua|roi))"
    r"|(?P<this_quarter>quy nay)"
    r"|(?P<last_quarter>quy (?:truoc|roi))"
    r"|(?P<quarter>(?:quy|q) (?P<q>[1-4]|iv|iii|ii|i)\b(?:(?: nam|/) ?(?P<qy>\d{4}))?)"
    r"|(?P<month>thang (?P<mo>1[0-2]|0?[1-9])(?!\d)(?:(?: nam|/) ?(?P<my>\d{4}))?)"
    r"|(?P<this_year>nam nay|ca nam)"
    r"|(?P<last_year>nam (?:truoc|ngoai|roi))"
    r"|(?P<year>nam (?P<y>20\d\d))"
    r"|(?P<half>(?:6 thang|nua nam))"
    r")\b"
)


def find_period(s: str, today: date) -> tuple[date, date] | None:
    m = _RANGE.search(s)
    if m:
        d1, m1, y1 = int(m.group(1)), int(m.group(3)), m.group(4)
        if m.group(9):  # "đến nay"
            end: date | None = today
            year = full_year(y1) if y1 else today.year
            start = safe_date(year, m1, d1)
            if start is not None and start > today and not y1:
                start = safe_date(year - 1, m1, d1)
            return (start, today) if start is not None and start <= today else None
        d2, m2, y2 = int(m.group(5)), int(m.group(7)), m.group(8)
        if y1 or y2:
            start = safe_date(full_year(y1 or y2), m1, d1)
            end = safe_date(full_year(y2 or y1), m2, d2)
        else:  # no year: the latest such period that has begun
            year = today.year
            start = safe_date(year, m1, d1)
            if start is not None and start > today:
                year -= 1
                start = safe_date(year, m1, d1)
            end = safe_date(year, m2, d2)
            if start is not None and end is not None and end < start:
                end = safe_date(year + 1, m2, d2)
        if start is None or end is None or start > end:
            return None
        return start, end
    for pm in _PERIOD.finditer(s):
        got = _period(pm, today)
        if got is not None:
            return got
    return None


def _period(m: re.Match[str], today: date) -> tuple[date, date] | None:
    g = m.groupdict()
    y = today.year
    if g["from_year_start"]:
        return date(y, 1, 1), today
    if g["from_month_start"]:
        return today.replace(day=1), today
    if g["first_n"]:
        year = int(g["fny"]) if g["fny"] else y
        n = int(g["fn"])
        if not g["fny"] and date(year, n, 1) > today:
            year -= 1
        return date(year, 1, 1), month_end(year, n)
    if g["last6"]:
        return date(y, 7, 1), date(y, 12, 31)
    if g["today"]:
        return today, today
    if g["yesterday"]:
        d = today - timedelta(days=1)
        return d, d
    if g["this_week"]:
        return week_bounds(today)
    if g["last_week"]:
        return week_bounds(today - timedelta(days=7))
    if g["this_month"]:
        return today.replace(day=1), month_end(y, today.month)
    if g["last_month"]:
        prev = add_months(today.replace(day=1), -1)
        return prev, month_end(prev.year, prev.month)
    if g["this_quarter"]:
        return quarter_bounds(y, quarter_of(today))
    if g["last_quarter"]:
        q = quarter_of(today) - 1
        return quarter_bounds(y, q) if q else quarter_bounds(y - 1, 4)
    if g["quarter"]:
        q = int(g["q"]) if g["q"].isdigit() else ROMAN[g["q"]]
        year = int(g["qy"]) if g["qy"] else y
        start, end = quarter_bounds(year, q)
        if not g["qy"] and start > today:
            start, end = quarter_bounds(year - 1, q)
        return start, end
    if g["month"]:
        mo = int(g["mo"])
        year = int(g["my"]) if g["my"] else y
        if not g["my"] and date(year, mo, 1) > today:
            year -= 1
        return date(year, mo, 1), month_end(year, mo)
    if g["this_year"]:
        return date(y, 1, 1), date(y, 12, 31)
    if g["last_year"]:
        return date(y - 1, 1, 1), date(y - 1, 12, 31)
    if g["year"]:
        yy = int(g["y"])
        return date(yy, 1, 1), date(yy, 12, 31)
    if g["half"]:
        return date(y, 1, 1), date(y, 6, 30)
    return None
