"""Summaries: plan progress, dossier figures over a period, KPIs against targets. Pure functions.

How dossier reports are combined for a period (documented in the README):

1. Only reports whose period lies wholly inside the asked period count. A report straddling its edge is
   left out (and the days it alone covers show as not covered), rather than guessed at pro rata.
2. Per unit, reports are taken newest first; a report is used only if none of its days is already
   covered by a newer report of the same unit. So a later report for the same unit and period replaces
   the earlier one, a monthly report sent after weekly ones replaces them, and weekly reports sent after
   a monthly one replace it. No day of a unit is ever counted twice.
3. The units' figures are added up. A report that gives the timely and late dossiers but not how many
   were resolved ("đúng hạn 40, quá hạn 1") counts as resolving their sum (resolved = early + on_time +
   late, domain.md), so its on-time rate is not lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from bot.core.dates import month_end
from bot.core.dossier import late_without_apology
from bot.core.models import Task
from bot.core.parse import COUNT_KEYS
from bot.core.workdays import WorkCalendar


# -- dossiers -----------------------------------------------------------------------------------
@dataclass
class DossierTotals:
    start: date
    end: date
    counts: dict[str, int] = field(default_factory=dict)
    reports_used: int = 0
    reports_replaced: int = 0
    days_covered: int = 0  # days with figures from at least one unit
    #: (unit key, what was written with the figures) of the reports counted, oldest first
    notes: list[tuple[str, str]] = field(default_factory=list)
    #: per rate, its (part, whole) summed over the reports that state both, and how many did: a rate is never
    #: a part from some reports over a whole from others (online 30 of one week over 90 received in two)
    rate_inputs: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: (unit, start, end) of reports left out because a longer report of the unit covers part of their days
    partly_left_out: list[tuple[str, date, date]] = field(default_factory=list)
    rate_reports: dict[str, int] = field(default_factory=dict)

    @property
    def rates(self) -> dict[str, float | None]:
        return {key: pct(*self.rate_inputs[key]) if key in self.rate_inputs else None for key in RATE_KEYS}

    def rate_partial(self, key: str) -> bool:
        """Whether some counted reports gave no figures for this rate (it is then over the others only)."""
        return 0 < self.rate_reports.get(key, 0) < self.reports_used

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def combine_dossiers(rows: Iterable[dict[str, Any]], start: date, end: date) -> DossierTotals:
    """Rows need: unit_key, period_start, period_end (ISO), created_at, id, and count columns.

    The rule (README, "Summaries and the combining rule"), per unit: the newest report of a period replaces
    the older ones of the same period; a longer period holds the shorter periods inside it (they are not
    added again, and it is not dropped for them); reports for different days add up."""
    out = DossierTotals(start, end)
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        ps, pe = _d(r["period_start"]), _d(r["period_end"])
        # a report counts in a period that holds its own; one whose period runs past the end counts when it
        # was made by then ("tuần này nhận 12" sent on Friday says what came in up to Friday)
        if ps < start or (pe > end and _d(r["created_at"]) > end):
            continue
        by_unit.setdefault(r.get("unit_key") or "", []).append(r)
    covered_any: set[date] = set()
    noted: list[dict[str, Any]] = []
    totals: Counter[str] = Counter()
    seen_keys: set[str] = set()
    for unit_rows in by_unit.values():
        # 1. the same period reported again: the newest report replaces the older ones
        newest: dict[tuple[str, str], dict[str, Any]] = {}
        for r in sorted(unit_rows, key=lambda x: (x["created_at"], x["id"])):
            key = (str(r["period_start"])[:10], str(r["period_end"])[:10])
            if key in newest:
                out.reports_replaced += 1
            newest[key] = r
        # 2. a longer period holds the shorter ones inside it (a month its weeks, "từ đầu năm đến nay" the
        #    weeks before): it is used and they are not added again; of periods overlapping in part, the
        #    longer is used. Reports on days nobody else covers add up.
        taken: set[date] = set()
        by_time = sorted(newest.values(), key=lambda x: (x["created_at"], x["id"]), reverse=True)
        ordered = sorted(by_time, key=lambda x: -(_d(x["period_end"]) - _d(x["period_start"])).days)
        for r in ordered:
            days = _days(_d(r["period_start"]), _d(r["period_end"]))
            if taken & days:
                out.reports_replaced += 1
                if days - taken:  # only partly inside a longer report: its other days are not counted, and said so
                    out.partly_left_out.append((r.get("unit_key") or "", _d(r["period_start"]), _d(r["period_end"])))
                if r.get("note"):  # its figures are inside a longer report; what was written with them is kept
                    noted.append(r)
                continue
            taken |= days
            out.reports_used += 1
            if r.get("note"):
                noted.append(r)
            own = with_derived(r)
            for k, v in own.items():
                totals[k] += v
                seen_keys.add(k)
            for rate_key, (part, whole) in _rate_inputs(own).items():
                if part is not None and whole is not None:
                    p0, w0 = out.rate_inputs.get(rate_key, (0, 0))
                    out.rate_inputs[rate_key] = (p0 + part, w0 + whole)
                    out.rate_reports[rate_key] = out.rate_reports.get(rate_key, 0) + 1
        covered_any |= taken
    out.counts = {k: totals[k] for k in COUNT_KEYS if k in seen_keys}
    noted.sort(key=lambda x: (x["created_at"], x["id"]))
    out.notes = [(r.get("unit_key") or "", str(r["note"])) for r in noted]
    out.days_covered = len({d for d in covered_any if start <= d <= end})
    return out


def with_derived(row: dict[str, Any]) -> dict[str, int]:
    """A report's stated counts, plus resolved = early + on_time + late when it names early or on-time
    dossiers but not the resolved ones (a late count alone says nothing of the others)."""
    counts = {k: int(v) for k in COUNT_KEYS if (v := row.get(k)) is not None}
    if "resolved" not in counts and ("early" in counts or "on_time" in counts):
        counts["resolved"] = counts.get("early", 0) + counts.get("on_time", 0) + counts.get("late", 0)
    return counts


def _d(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


def _days(a: date, b: date) -> set[date]:
    return {a + timedelta(days=i) for i in range((b - a).days + 1)}


def intake(counts: dict[str, int]) -> int | None:
    """Dossiers to be handled in the period: the stated total, else carried over + received, else received."""
    if "total" in counts:
        return counts["total"]
    if "received" in counts:
        return counts["received"] + counts.get("carried_over", 0)
    return None


def pct(part: int | None, whole: int | None) -> float | None:
    """part/whole in percent; None (not computable) when either is missing or they disagree (a part below 0 or
    above the whole): no rate outside 0..100 ever reaches anyone."""
    if part is None or not whole or whole < 0 or part < 0 or part > whole:
        return None
    return 100.0 * part / whole


def dossier_rates(counts: dict[str, int]) -> dict[str, float | None]:
    """The rates reports compute: resolved and online over the intake, early and on time over resolved."""
    return {key: pct(part, whole) for key, (part, whole) in _rate_inputs(counts).items()}


def _rate_inputs(counts: dict[str, int]) -> dict[str, tuple[int | None, int | None]]:
    """Each rate's (part, whole), as `dossier_rates` divides them."""
    base = intake(counts)
    resolved = counts.get("resolved")
    timely = None
    if resolved is not None and ("early" in counts or "on_time" in counts):
        timely = counts.get("early", 0) + counts.get("on_time", 0)
    elif resolved is not None and "late" in counts:
        timely = resolved - counts["late"]
    return {
        "resolved_rate": (resolved, base),
        "on_time_rate": (timely, resolved),
        "early_rate": (counts.get("early"), resolved),
        "online_rate": (counts.get("online"), base),
        "postal_rate": (counts.get("postal"), base),
        "direct_postal_rate": (counts.get("direct_postal"), base),
        "feedback_answered": (counts.get("feedback_answered"), counts.get("feedback_received")),
    }


RATE_KEYS = ("resolved_rate", "on_time_rate", "early_rate", "online_rate", "postal_rate", "direct_postal_rate",
             "feedback_answered")


def rates_not_computable(totals: DossierTotals) -> dict[str, tuple[int, int]]:
    """The rates whose figures are all stated but disagree (a part below zero or above its whole): rate key
    → (part, whole), so that a summary can say why the rate is not shown."""
    out = {}
    for key, (part, whole) in totals.rate_inputs.items():
        if whole > 0 and pct(part, whole) is None:
            if part < 0 and key == "on_time_rate" and "late" in totals.counts:  # more late than resolved
                part = whole - part
            out[key] = (part, whole)
    return out


# -- plan progress ------------------------------------------------------------------------------
@dataclass
class Progress:
    total: int = 0
    done: int = 0
    in_progress: int = 0
    blocked: int = 0
    not_started: int = 0
    overdue: int = 0

    def add(self, status: str, overdue: bool) -> None:
        self.total += 1
        if status in ("done", "in_progress", "blocked", "not_started"):
            setattr(self, status, getattr(self, status) + 1)
        if overdue:
            self.overdue += 1

    @property
    def done_pct(self) -> float:
        return 100.0 * self.done / self.total if self.total else 0.0


@dataclass(frozen=True)
class Late:
    task: Any
    workdays_late: int


def is_overdue(task: Task, today: date) -> bool:
    return task.status != "done" and task.due_date is not None and task.due_date < today


def plan_progress(tasks: Sequence[Task], today: date) -> tuple[Progress, dict[str, Progress]]:
    overall = Progress()
    per_area: dict[str, Progress] = {}
    for t in tasks:
        late = is_overdue(t, today)
        overall.add(t.status, late)
        per_area.setdefault(t.area or "none", Progress()).add(t.status, late)
    return overall, per_area


def overdue_tasks(tasks: Sequence[Task], today: date, calendar: WorkCalendar) -> list[Late]:
    out = [Late(t, calendar.workdays_between(t.due_date, today)) for t in tasks
           if is_overdue(t, today) and t.due_date is not None]
    return sorted(out, key=lambda x: -x.workdays_late)


# -- KPIs ---------------------------------------------------------------------------------------
KPI_RATE = {
    "on_time_rate": "on_time_rate", "online_rate": "online_rate", "postal_rate": "postal_rate",
    "feedback_answered": "feedback_answered",
}


@dataclass(frozen=True)
class KpiCheck:
    key: str
    target: float
    op: str
    actual: float | None
    mark: str  # "ok", "near", "bad", "unknown"


def check_kpis(kpis: Iterable[dict[str, Any]], rates: dict[str, float | None]) -> list[KpiCheck]:
    """✅ met, ⚠️ within 5 points, ❌ further off; unknown when the figures do not tell."""
    out = []
    for k in kpis:
        actual = rates.get(KPI_RATE.get(k["key"], ""))
        target, op = float(k["target"]), k["op"]
        if actual is None:
            mark = "unknown"
        elif actual > target or (op == ">=" and actual >= target - 1e-9):
            mark = "ok"
        elif target - actual <= 5:
            mark = "near"
        else:
            mark = "bad"
        out.append(KpiCheck(k["key"], target, op, actual, mark))
    return out


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period a summary compares with: the previous calendar month, quarter, half or year when the period
    is one (November → 1–31 October, not the 30 days before 1 November; quý 3 → quý 2), else the days of
    equal length just before it."""
    months = _whole_months(start, end)
    if months in (1, 3, 6, 12):
        first_month = start.year * 12 + start.month - 1 - months
        y, m = divmod(first_month, 12)
        last = first_month + months - 1
        ly, lm = divmod(last, 12)
        return date(y, m + 1, 1), month_end(ly, lm + 1)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def same_period_last_year(start: date, end: date) -> tuple[date, date]:
    """The same days a year before (29 February becomes the 28th)."""
    def back(d: date) -> date:
        try:
            return d.replace(year=d.year - 1)
        except ValueError:
            return d.replace(year=d.year - 1, day=28)
    return back(start), back(end)


def _whole_months(start: date, end: date) -> int | None:
    """How many calendar months [start, end] is, when it is whole months starting on a month's first day
    at a boundary of that length (a quarter starts in Jan/Apr/Jul/Oct); else None."""
    if start.day != 1 or end != month_end(end.year, end.month):
        return None
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months in (3, 6, 12) and (start.month - 1) % months:
        return None
    return months


def tasks_as_of(tasks: Sequence[Task], latest: dict[int, tuple[str, int, str | None]], as_of: date
                ) -> list[Task]:
    """The tasks as they stood at the end of `as_of`: each task's state is its latest report made by then
    (`latest`: task id → (status, percent, note)), or not started when there was none."""
    out = []
    for t in tasks:
        status, percent, note = latest.get(t.id, ("not_started", 0, None))
        out.append(replace(t, status=status, percent=percent, note=note))
    return out


def late_without_apology_total(counts: dict[str, int]) -> int:
    return late_without_apology(counts)
