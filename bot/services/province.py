"""The province's view (the `province` contract): every commune of the deployment side by side for a
period — dossiers received, on-time and online rates as ratios of sums, late dossiers without an apology,
overdue plan tasks, weeks with figures — communes that reported nothing shown as not reported, never ranked
with zeros. Read-only."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.core.dates import week_bounds
from bot.core.dossier import late_without_apology
from bot.core.models import Commune
from bot.services.summaries import SummaryService


@dataclass(frozen=True)
class CommuneRow:
    key: str | None
    name: str
    reported: bool
    received: int | None
    on_time_rate: float | None
    online_rate: float | None
    late_without_apology: int | None
    overdue_tasks: int
    weeks_reported: int
    weeks_in_period: int


def _weeks(start: date, end: date) -> list[tuple[date, date]]:
    """The Monday–Sunday weeks that meet [start, end]."""
    monday = week_bounds(start)[0]
    out = []
    while monday <= end:
        out.append((monday, monday + timedelta(days=6)))
        monday += timedelta(days=7)
    return out


def _rounded(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


class ProvinceService:
    def __init__(self, summaries: SummaryService) -> None:
        self.summaries = summaries

    async def row(self, commune: Commune, start: date, end: date, now: datetime) -> CommuneRow:
        s = await self.summaries.build(commune.id, start, end, now)
        d = s.dossiers
        reported = d.reports_used > 0
        upto = min(end, now.date())
        weeks = _weeks(start, upto) if upto >= start else []
        rows = await self.summaries.dossier_rows(commune.id)
        spans = [(date.fromisoformat(r["period_start"]), date.fromisoformat(r["period_end"])) for r in rows]
        covered = sum(1 for a, b in weeks if any(s0 <= b and e0 >= a and s0 >= start and e0 <= end
                                                 for s0, e0 in spans))
        return CommuneRow(
            key=commune.key, name=commune.name, reported=reported,
            received=d.counts.get("received") if reported else None,
            on_time_rate=_rounded(s.rates.get("on_time_rate")) if reported else None,
            online_rate=_rounded(s.rates.get("online_rate")) if reported else None,
            late_without_apology=late_without_apology(d.counts) if reported else None,
            overdue_tasks=len(s.overdue), weeks_reported=covered, weeks_in_period=len(weeks),
        )

    async def ranking(self, communes: list[Commune], start: date, end: date, now: datetime) -> list[CommuneRow]:
        """Communes that reported, best on-time rate first (a rate not computable after those with one),
        then those that reported nothing, by name."""
        rows = [await self.row(c, start, end, now) for c in communes]

        def order(r: CommuneRow) -> tuple[Any, ...]:
            return (not r.reported, r.on_time_rate is None, -(r.on_time_rate or 0), -(r.received or 0), r.name)

        return sorted(rows, key=order)

    @staticmethod
    def to_dict(rows: list[CommuneRow], start: date, end: date) -> dict[str, Any]:
        return {"period_start": start.isoformat(), "period_end": end.isoformat(),
                "communes": [asdict(r) for r in rows]}
