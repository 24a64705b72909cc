"""The fields of a plan's tasks that take reading: deadlines in every form plans write them, and the
measurable targets (KPIs) some tasks state. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.core.dates import month_end, quarter_bounds, safe_date
from bot.core.models import TaskSpec
from bot.core.text import fold


@dataclass
class Kpi:
    key: str  # on_time_rate, online_rate, postal_rate, satisfaction, feedback_answered
    target: float
    op: str  # ">=" or ">"
    text: str


# -- deadlines ----------------------------------------------------------------------------------
_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_D_DATE = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\b")
_D_WORDY = re.compile(r"\bngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})\b")
#: a day and month without a year ("trước ngày 30/6", "ngày 20 tháng 11", "09/11 hằng năm")
_D_DAY_MONTH = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\b(?!\s*/\s*\d)|\bngay (\d{1,2}) thang (\d{1,2})\b(?! nam \d)")
_D_QUARTER = re.compile(r"\bquy (iv|iii|ii|i|0?[1-4])\b(?:\s*(?:nam|/|-)\s*(\d{4}))?")
_D_MONTH_RANGE = re.compile(r"\bthang (1[0-2]|0?[1-9])\s*(?:-|–|den|toi)\s*(?:thang )?(1[0-2]|0?[1-9])\b"
                            r"(?:\s*(?:nam|/|-)\s*(\d{4}))?")
_D_MONTH = re.compile(r"\bthang (1[0-2]|0?[1-9])\b(?:\s*(?:nam|/|-)\s*(\d{4}))?")
#: "6 tháng đầu năm", "9 tháng", "6 tháng cuối năm": a part of the year, ending at its last month
_D_MONTHS_OF_YEAR = re.compile(r"\b(3|6|9) thang( dau nam| cuoi nam)?\b(?:\s*(?:nam|/|-)?\s*(\d{4}))?")
_D_YEAR = re.compile(r"\b(?:trong|ca|hang|cuoi) nam\b|\bnam (\d{4})\b|\bthuong xuyen\b")
_YEARLY = re.compile(r"\b(?:hang|moi) nam\b")


def _moved(d: date, shift: int) -> date:
    if not shift:
        return d
    try:
        return d.replace(year=d.year + shift)
    except ValueError:  # 29 February into a common year
        return d.replace(year=d.year + shift, day=28)


def parse_deadline(text: str | None, year: int, shift: int = 0) -> tuple[date | None, str]:
    """(due date, recurrence) of a deadline as plans write it (domain.md's table). `shift` moves the years
    written in the deadline (a plan of 2023 read as this year's: every written year + 3, so "15/12/2023"
    and "tháng 1/2024" keep their place in the plan); deadlines without a year take `year`.

    Read in this order: monthly / quarterly recurrence; a full date (30/6/2024, 15.12.2024, ngày 9 tháng 11
    năm 2024); a day and month without a year (trước ngày 30/6; "09/11 hằng năm" recurs every year); a part
    of the year (6 tháng đầu năm → 30/06, 9 tháng → 30/09); a quarter; a range of months (from March to
    June → 30/06); a month; the year ("cả năm", "năm 2024", "thường xuyên")."""
    if not text:
        return None, "none"
    s = fold(text)
    if re.search(r"\bhang thang\b|\bmoi thang\b", s):
        return month_end(year, 1), "monthly"
    if re.search(r"\bhang quy\b|\bmoi quy\b", s):
        return quarter_bounds(year, 1)[1], "quarterly"
    periodic = bool(re.search(r"\bdinh ky\b", s))
    yearly = bool(_YEARLY.search(s))
    continuous = bool(re.search(r"\bthuong xuyen\b", s))
    kind = "periodic" if periodic or yearly else "none"

    def written(y: str | None) -> int:
        return int(y) + shift if y else year

    m = _D_DATE.search(s)
    if m and s[: m.start()].endswith("thang "):  # "tháng 3-6/2024" is a range of months, not 3 June
        m = None
    m = m or _D_WORDY.search(s)
    if m:
        d = safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d is not None:
            return _moved(d, shift), kind
    m = _D_DAY_MONTH.search(s)
    if m:
        day, month = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        d = safe_date(year, int(month), int(day))
        if d is not None:
            return d, kind
    m = _D_MONTHS_OF_YEAR.search(s)
    if m and (m.group(2) or not re.search(r"\bthang \d", s[m.end():])):
        last = 12 if m.group(2) == " cuoi nam" else int(m.group(1))
        return month_end(written(m.group(3)), last), kind
    m = _D_QUARTER.search(s)
    if m:
        return quarter_bounds(written(m.group(2)), _ROMAN_Q[m.group(1).lstrip("0")])[1], kind
    m = _D_MONTH_RANGE.search(s)
    if m:
        return month_end(written(m.group(3)), int(m.group(2))), kind
    m = _D_MONTH.search(s)
    if m:
        return month_end(written(m.group(2)), int(m.group(1))), kind
    m = _D_YEAR.search(s)
    if m:
        return date(written(m.group(1)), 12, 31), "continuous"
    if continuous:
        return date(year, 12, 31), "continuous"
    if periodic:
        return None, "periodic"
    return None, "none"


# -- KPIs ---------------------------------------------------------------------------------------
_PCT_IN = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")


def kpi_of(text: str, context: str = "") -> Kpi | None:
    """A measurable rate a target states: on-time, online, postal (BCCI), satisfaction, PAKN answered."""
    s = fold(text)
    both = fold(context + " " + text)
    m = _PCT_IN.search(s)
    if not m:
        return None
    value = float(m.group(1).replace(",", "."))
    before = s[: m.start()]
    op = ">" if re.search(r"\btren\s*$", before) or re.search(r"\btren\b", before[-12:]) else ">="
    key = None
    dossier_rate = bool(re.search(r"ty le ho so|%\s*(?:so )?ho so|\bho so\b[^%]*%", both)) and not re.search(
        r"ty le (?:tthc|thu tuc)", both
    )
    if re.search(r"\b(pakn|phan anh,? kien nghi)\b", both) and re.search(r"\b(tra loi|xu ly|giai quyet)\b", both):
        key = "feedback_answered"
    elif re.search(r"\bhai long\b", both):
        key = "satisfaction"
    elif dossier_rate and re.search(r"\b(bcci|buu chinh)\b", both) and re.search(r"\btiep nhan\b", both):
        key = "postal_rate"
    elif dossier_rate and re.search(r"\btruc tuyen\b", both) and not re.search(r"\bthanh toan\b", both):
        key = "online_rate"
    elif dossier_rate and re.search(r"\b(dung han|truoc han)\b", both):
        key = "on_time_rate"
    if key is None:
        return None
    return Kpi(key, value, op, text.strip())


def _kpis(tasks: list[TaskSpec], area_targets: dict[str, list[str]]) -> list[Kpi]:
    found: dict[str, Kpi] = {}
    candidates: list[tuple[str, str]] = []
    for targets in area_targets.values():
        candidates.extend((t, "") for t in targets)
    shared = {x for targets in area_targets.values() for x in targets}
    for t in tasks:
        candidates.extend((x, t.title) for x in t.targets if x not in shared)
    for text, context in candidates:
        k = kpi_of(text, context)
        if k is not None and k.key not in found:
            found[k.key] = k
    return list(found.values())
