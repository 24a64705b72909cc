"""PNG charts for phones (matplotlib, Agg): weekly dossier volume with the on-time rate, task completion
per area, and the plan's burn-down over the year. Labels come from the caller (already translated)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.dates import DateFormatter, date2num
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.core.dates import week_bounds
from bot.core.summary import Progress, combine_dossiers

SIZE = (8, 5.6)
DPI = 150
plt.rcParams.update({"font.size": 13, "axes.titlesize": 15, "axes.titleweight": "bold"})


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    return buf.getvalue()


def weekly_dossiers(rows: Sequence[dict[str, Any]], end: date, labels: dict[str, str],
                    number: Callable[[float], str], weeks: int = 12) -> bytes:
    last_monday = week_bounds(end)[0]
    starts = [last_monday - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    received, rates = [], []
    for s in starts:
        totals = combine_dossiers(rows, s, s + timedelta(days=6))
        received.append(totals.counts.get("received", totals.counts.get("total", 0)))
        rates.append(totals.rates["on_time_rate"])
    fig, ax = plt.subplots(figsize=SIZE)
    x = range(len(starts))
    ax.bar(x, received, color="#4C78A8", label=labels["received"])
    ax.set_xticks(list(x), [s.strftime("%d/%m") for s in starts], rotation=45)
    ax.set_ylabel(labels["received"])
    ax.set_ylim(0, max([*received, 1]) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(int(v))))
    if not any(received):
        ax.text(0.5, 0.55, labels["empty"], transform=ax.transAxes, ha="center", va="center", color="#666666")
    ax2 = ax.twinx()
    ax2.plot([i for i, r in zip(x, rates, strict=True) if r is not None], [r for r in rates if r is not None],
             color="#E45756", marker="o", linewidth=2.5, label=labels["on_time"])
    ax2.set_ylim(0, 105)
    ax2.set_ylabel(labels["on_time"] + " (%)")
    ax.set_title(labels["title"])
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="lower left")
    return _png(fig)


def completion_by_area(per_area: dict[str, Progress], names: dict[str, str], title: str, xlabel: str) -> bytes:
    keys = [k for k in names if k in per_area]
    fig, ax = plt.subplots(figsize=SIZE)
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
    """Open tasks at each week's end; the ideal line runs from all tasks on 1/1 to none on 31/12."""
    total = len(done_dates)
    start, end = date(year, 1, 1), date(year, 12, 31)
    weeks = [start + timedelta(weeks=i) for i in range(53) if start + timedelta(weeks=i) <= min(today, end)]
    remaining = [sum(1 for d in done_dates if d is None or d > w) for w in weeks]
    fig, ax = plt.subplots(figsize=SIZE)
    ax.plot(date2num([start, end]), [total, 0], linestyle="--", color="#999999", label=labels["ideal"])
    ax.plot(date2num(weeks), remaining, color="#F58518", linewidth=2.5, label=labels["actual"])
    ax.set_ylim(0, max(total, 1) * 1.05)
    ax.set_ylabel(labels["open"])
    ax.set_title(labels["title"])
    ax.xaxis.set_major_formatter(DateFormatter("%m/%Y"))
    ax.legend()
    return _png(fig)
