"""Summary service: gathers what /tomtat, charts, exports and `python -m bot summary` show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.core.dates import week_bounds
from bot.core.models import Officer, Task
from bot.core.periods import period_in_words, reporting_period
from bot.core.permissions import Perm, allowed
from bot.core.summary import (
    DossierTotals,
    KpiCheck,
    Late,
    Progress,
    check_kpis,
    combine_dossiers,
    overdue_tasks,
    plan_progress,
    previous_period,
    same_period_last_year,
    tasks_as_of,
)
from bot.core.workdays import WorkCalendar
from storage.repositories import Repositories


@dataclass
class Summary:
    commune: str
    start: date
    end: date
    today: date
    unit: str | None  # None: the whole commune
    plan_title: str | None
    tasks: list[Task]
    progress: Progress
    per_area: dict[str, Progress]
    overdue: list[Late]
    blocked: list[Task]
    dossiers: DossierTotals
    rates: dict[str, float | None]
    previous: DossierTotals
    previous_rates: dict[str, float | None]
    year_to_date: DossierTotals | None
    kpis: list[KpiCheck]
    silent: list[Officer] = field(default_factory=list)
    away: list[Officer] = field(default_factory=list)
    owners: dict[int, str] = field(default_factory=dict)
    last_year: DossierTotals | None = None  # the same period a year before

    def to_dict(self) -> dict[str, Any]:
        def prog(p: Progress) -> dict[str, int]:
            return {"total": p.total, "done": p.done, "in_progress": p.in_progress, "blocked": p.blocked,
                    "not_started": p.not_started, "overdue": p.overdue}

        def doss(d: DossierTotals, rates: dict[str, float | None]) -> dict[str, Any]:
            return {"period_start": d.start.isoformat(), "period_end": d.end.isoformat(), "counts": d.counts,
                    "reports_used": d.reports_used, "reports_replaced": d.reports_replaced,
                    "days_covered": d.days_covered,
                    "rates": {k: (round(v, 2) if v is not None else None) for k, v in rates.items()}}

        return {
            "commune": self.commune, "unit": self.unit, "period_start": self.start.isoformat(),
            "period_end": self.end.isoformat(), "plan": self.plan_title,
            "progress": prog(self.progress), "per_area": {k: prog(v) for k, v in self.per_area.items()},
            "overdue": [{"code": x.task.code, "workdays_late": x.workdays_late,
                         "lead_units": list(x.task.lead_units)} for x in self.overdue],
            "blocked": [{"code": t.code, "note": t.note} for t in self.blocked],
            "dossiers": doss(self.dossiers, self.rates),
            "previous": doss(self.previous, self.previous_rates),
            "kpis": [{"key": k.key, "target": k.target, "op": k.op,
                      "actual": round(k.actual, 2) if k.actual is not None else None, "mark": k.mark}
                     for k in self.kpis],
            "silent": [o.name for o in self.silent], "away": [o.name for o in self.away],
        }


class SummaryService:
    def __init__(self, repos: Repositories, calendar: WorkCalendar, report_calendar: str = "fixed") -> None:
        self.repos = repos
        self.calendar = calendar
        self.report_calendar = report_calendar

    def period_in_words(self, words: str, today: date) -> tuple[date, date] | None:
        """The period /tomtat or /xuatbaocao asks for (this week when no words), None when unreadable."""
        return period_in_words(words, today, lambda day: reporting_period(self.report_calendar, day))

    async def dossier_rows(self, commune_id: int) -> list[dict[str, Any]]:
        """Every dossier report that counts (the weekly chart draws them)."""
        return await self.repos.reports.dossiers(commune_id)

    async def done_dates(self, tasks: list[Task]) -> dict[int, date]:
        """When each done task was done (the burn-down draws them)."""
        return await self.repos.reports.done_dates([x.id for x in tasks])

    async def build(
        self, commune_id: int, start: date, end: date, now: datetime, *, unit: str | None = None,
        with_year: bool = False,
    ) -> Summary:
        today = now.date()
        commune = await self.repos.communes.get(commune_id)
        plan_id = await self.repos.plans.current_plan_id(commune_id)
        tasks = await self.repos.plans.tasks(commune_id, plan_id) if plan_id else []
        officers = await self.repos.officers.list(commune_id, active_only=True)
        if unit is not None:
            owners_in_unit = {o.id for o in officers if o.unit_key == unit}
            tasks = [t for t in tasks if unit in t.lead_units or t.owner_id in owners_in_unit]
        # a period that is over is shown as it stood on its last day: task states, overdue, who reported
        as_of = min(today, end)
        if as_of < today:
            tasks = tasks_as_of(tasks, await self.repos.reports.progress_as_of(commune_id, as_of), as_of)
        progress, per_area = plan_progress(tasks, as_of)
        prev_start, prev_end = previous_period(start, end)
        ly_start, ly_end = same_period_last_year(start, end)
        first = min(prev_start, ly_start, date(end.year, 1, 1)) if with_year else min(prev_start, ly_start)
        rows = await self.repos.reports.dossiers(commune_id, first, end)
        if unit is not None:
            rows = [r for r in rows if r["unit_key"] == unit]
        dossiers = combine_dossiers(rows, start, end)
        prev = combine_dossiers(rows, prev_start, prev_end)
        last_year = combine_dossiers(rows, ly_start, ly_end)
        ytd = combine_dossiers(rows, date(end.year, 1, 1), end) if with_year else None
        rates = dossiers.rates
        kpis = check_kpis(await self.repos.plans.kpis(plan_id), rates) if plan_id else []
        # who has not reported: this week for a period still going on, within the period for one that is over
        since = week_bounds(today)[0] if as_of == today else start
        reported = await self.repos.reports.reporters_between(commune_id, since, as_of)
        silent, away = [], []
        for o in officers:
            if unit is not None and o.unit_key != unit:
                continue
            if o.away_on(as_of):
                away.append(o)
                continue
            if not allowed(o.roles, Perm.REPORT) or o.has_role("chairman", "vice_chairman"):
                continue
            if o.id not in reported:
                silent.append(o)
        plan_title = await self.repos.plans.title(plan_id) if plan_id else None
        return Summary(
            commune=commune.name if commune else "", start=start, end=end, today=today, unit=unit,
            plan_title=plan_title, tasks=tasks, progress=progress,
            per_area=per_area, overdue=overdue_tasks(tasks, as_of, self.calendar),
            blocked=[t for t in tasks if t.status == "blocked"], dossiers=dossiers, rates=rates,
            previous=prev, previous_rates=prev.rates, year_to_date=ytd, kpis=kpis,
            silent=silent, away=away, owners={o.id: o.name for o in officers}, last_year=last_year,
        )
