"""PNG charts for phones (matplotlib, Agg): weekly dossier volume with the on-time rate, task completion
per area, and the plan's burn-down over the year. Labels come from the caller (already translated)."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from bot.core.dates import week_bounds
from bot.core.summary import Progress, combine_dossiers

SIZE = (8, 5.6)
TALL = (8, 7.2)  # a chart with its legend under it
DPI = 150


@functools.cache
def _pyplot() -> Any:
    """matplotlib (Agg), loaded on the first chart: the bot starts without it (0.3 s, 25 MB)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 13, "axes.titlesize": 15, "axes.titleweight": "bold"})
    return plt


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=DPI)
    _pyplot().close(fig)
    return buf.getvalue()


def _received(counts: dict[str, int]) -> int:
    return counts.get("received", counts.get("total", 0))


def spread_long_reports(rows: Sequence[dict[str, Any]], starts: Sequence[date]) -> list[float]:
    """Dossiers received per week from reports longer than a week (a month, a quarter), spread evenly over
    their days, for the weeks where the same unit sent no weekly report (those count as they are). Per unit,
    longer reports hold the shorter ones inside them, as in the combining rule."""
    first, last = starts[0], starts[-1] + timedelta(days=6)
    weekly_units: list[set[str]] = [set() for _ in starts]
    long_rows: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        ps, pe = date.fromisoformat(str(r["period_start"])[:10]), date.fromisoformat(str(r["period_end"])[:10])
        if pe < first or ps > last:
            continue
        if (pe - ps).days < 7:
            for i, st in enumerate(starts):
                if st <= ps and pe <= st + timedelta(days=6):
                    weekly_units[i].add(r.get("unit_key") or "")
        elif r.get("received") is not None or r.get("total") is not None:
            long_rows.setdefault(r.get("unit_key") or "", []).append(r)
    spread = [0.0] * len(starts)
    for unit, unit_rows in long_rows.items():
        taken: set[date] = set()
        newest_first = sorted(unit_rows, key=lambda x: (x["created_at"], x["id"]), reverse=True)
        for r in sorted(newest_first, key=lambda x: -(date.fromisoformat(str(x["period_end"])[:10])
                                                      - date.fromisoformat(str(x["period_start"])[:10])).days):
            ps, pe = date.fromisoformat(str(r["period_start"])[:10]), date.fromisoformat(str(r["period_end"])[:10])
            days = {ps + timedelta(days=i) for i in range((pe - ps).days + 1)}
            if days & taken:
                continue
            taken |= days
            per_day = (r["received"] if r.get("received") is not None else r["total"]) / len(days)
            for i, st in enumerate(starts):
                if unit in weekly_units[i]:
                    continue
                overlap = sum(1 for d in days if st <= d <= st + timedelta(days=6))
                spread[i] += per_day * overlap
    return spread


def weekly_dossiers(rows: Sequence[dict[str, Any]], end: date, labels: dict[str, str],
                    number: Callable[[float], str], weeks: int = 12) -> bytes:
    """Dossiers received per week (weekly reports as they are; monthly and longer ones spread evenly over
    their weeks, in their own lighter colour) and the on-time rate of the weekly reports. Only what is drawn
    is in the legend."""
    last_monday = week_bounds(end)[0]
    starts = [last_monday - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    received, rates = [], []
    for s in starts:
        totals = combine_dossiers(rows, s, s + timedelta(days=6))
        received.append(_received(totals.counts))
        rates.append(totals.rates["on_time_rate"])
    spread = spread_long_reports(rows, starts)
    fig, ax = _pyplot().subplots(figsize=TALL)
    x = list(range(len(starts)))
    if any(received):
        ax.bar(x, received, color="#4C78A8", label=labels["received"])
    if any(spread):
        ax.bar(x, spread, bottom=received, color="#9ECAE9", label=labels["spread"])
    ax.set_xticks(x, [s.strftime("%d/%m") for s in starts], rotation=45)
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.set_ylabel(labels["received"])
    tops = [a + b for a, b in zip(received, spread, strict=True)]
    ax.set_ylim(0, max([*tops, 1]) * 1.15)
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(int(v))))
    if not any(tops):
        ax.text(0.5, 0.55, labels["empty"], transform=ax.transAxes, ha="center", va="center", color="#666666")
    handles, names = ax.get_legend_handles_labels()
    points = [(i, r) for i, r in zip(x, rates, strict=True) if r is not None]
    if points:
        ax2 = ax.twinx()
        ax2.plot([i for i, _ in points], [r for _, r in points], color="#E45756", marker="o", linewidth=2.5,
                 label=labels["on_time"])
        ax2.set_ylim(0, 105)
        ax2.set_ylabel(labels["on_time"] + " (%)")
        more = ax2.get_legend_handles_labels()
        handles, names = handles + more[0], names + more[1]
    ax.set_title(labels["title"])
    if handles:  # under the chart, so it never hides a bar
        ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1, frameon=False)
    return _png(fig)


def completion_by_area(per_area: dict[str, Progress], names: dict[str, str], title: str, xlabel: str) -> bytes:
    keys = [k for k in names if k in per_area]
    fig, ax = _pyplot().subplots(figsize=SIZE)
    done = [per_area[k].done_pct for k in keys]
    ax.barh([names[k] for k in keys], done, color="#54A24B")
    for i, k in enumerate(keys):
        p = per_area[k]
        ax.text(min(done[i] + 1, 92), i, f"{p.done}/{p.total}", va="center")
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return _png(fig)


def burndown(done_dates: Sequence[date | None], year: int, today: date, labels: dict[str, str]) -> bytes:
    """Open tasks at each week's end; the ideal line runs from all tasks on 1/1 to none on 31/12. One tick a
    month; the legend names only the lines drawn."""
    total = len(done_dates)
    start, end = date(year, 1, 1), date(year, 12, 31)
    weeks = [start + timedelta(weeks=i) for i in range(53) if start + timedelta(weeks=i) <= min(today, end)]
    remaining = [sum(1 for d in done_dates if d is None or d > w) for w in weeks]
    from matplotlib.dates import DateFormatter, MonthLocator, date2num
    from matplotlib.ticker import MaxNLocator

    fig, ax = _pyplot().subplots(figsize=SIZE)
    ax.plot(date2num([start, end]), [total, 0], linestyle="--", color="#999999", label=labels["ideal"])
    if weeks:
        ax.plot(date2num(weeks), remaining, color="#F58518", linewidth=2.5, label=labels["actual"])
    ax.set_xlim(date2num(start), date2num(end))
    ax.set_ylim(0, max(total, 1) * 1.05)
    ax.set_ylabel(labels["open"])
    ax.set_xlabel(labels["months"])
    ax.set_title(labels["title"])
    ax.xaxis.set_major_locator(MonthLocator())
    ax.xaxis.set_major_formatter(DateFormatter("%m"))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    return _png(fig)
