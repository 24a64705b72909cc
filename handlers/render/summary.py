"""The /tomtat text: pure rendering of a `Summary` (used by the handler and by the reporting reminder)."""

from __future__ import annotations

import itertools
import re

from bot.core.absence import current_or_next
from bot.core.domain import AREA_KEYS
from bot.core.summary import KpiCheck, Progress, intake, previous_period, rates_not_computable
from bot.i18n import Translator, esc
from bot.services.summaries import Summary
from handlers.render import short

MAX_CHARS = 4096
LIST_MAX = 8
MARKS = {"ok": "✅", "near": "⚠️", "bad": "❌", "unknown": "❔"}


def render_summary(t: Translator, s: Summary, unit_names: dict[str, str]) -> str:
    n = t.number
    out = [t("summary.header", commune=esc(s.commune), start=t.date(s.start), end=t.date(s.end))]
    if s.start <= s.today < s.end:  # a period still running: its figures are as of today
        out[0] += " " + t("summary.so_far", today=t.date(s.today))
    if s.unit:
        out.append(t("summary.unit_view", unit=esc(unit_names.get(s.unit, s.unit))))
    # 1. plan progress
    if not s.tasks:
        out.append(t("summary.no_plan"))
    else:
        p = s.progress
        out.append(t("summary.progress", total=p.total, done=p.done, pct=t.percent(p.done_pct, 0),
                      doing=p.in_progress, blocked=p.blocked, waiting=p.not_started, overdue=p.overdue))
        for area in [*AREA_KEYS, "none"]:
            a = s.per_area.get(area)
            if a:
                out.append(area_line(t, area, a))
    # 2. overdue
    if s.overdue:
        out.append(t("summary.overdue_header", n=len(s.overdue)))
        for late in s.overdue[:LIST_MAX]:
            task = late.task
            who = s.owners.get(task.owner_id) if task.owner_id else None
            units = ", ".join(unit_names.get(u, t(f"unit.{u}") if u in ("all", "external") else u)
                              for u in task.lead_units) or "—"
            out.append(t("summary.overdue_line", code=esc(task.code), title=esc(short(task.title, 45)),
                         unit=esc(units + (f" – {who}" if who else "")), days=late.workdays_late))
        if len(s.overdue) > LIST_MAX:
            out.append(t("summary.more", n=len(s.overdue) - LIST_MAX))
    # 3. blocked
    if s.blocked:
        out.append(t("summary.blocked_header", n=len(s.blocked)))
        for task in s.blocked[:LIST_MAX]:
            out.append(t("summary.blocked_line", code=esc(task.code), title=esc(short(task.title, 45)),
                         note=esc(short(task.note or t("summary.no_note"), 90))))
    # 4. people
    if s.silent:
        key = "summary.silent" if s.end >= s.today else "summary.silent_period"  # a period that is over
        out.append(t(key, names=esc(", ".join(o.name for o in s.silent[:15]))))
    if s.away:
        names = []
        for o in s.away:
            leave = current_or_next(o.leaves, s.today)
            names.append(f"{o.name} ({t.date(leave[1])})" if leave else o.name)
        out.append(t("summary.away", names=esc(", ".join(names))))
    # 5. dossiers, and what the units wrote with their figures
    out.append(_dossier_block(t, s, unit_names))
    if s.dossiers.notes:
        out.extend(t("summary.dossier_note", unit=esc(unit_names.get(u, u) or "—"), note=esc(short(n, 120)))
                   for u, n in s.dossiers.notes[-5:])
    # 6. KPIs
    if s.kpis:
        out.append(t("summary.kpi_header"))
        out.extend(_kpi_line(t, k) for k in s.kpis)
    # 7. change against the previous period
    out.append(_change(t, s))
    if s.year_to_date is not None and s.year_to_date.counts:
        y = s.year_to_date.counts
        out.append(t("summary.ytd", received=n(y.get("received", y.get("total", 0))),
                     resolved=n(y.get("resolved", 0)), late=n(y.get("late", 0))))
    text = _renumber("\n".join(out))
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 40].rsplit("\n", 1)[0] + "\n" + t("summary.truncated")
    return text


_SECTION = re.compile(r"^<b>\d\. ", re.MULTILINE)


def _renumber(text: str) -> str:
    """Sections that have nothing to say are left out; the ones shown are numbered 1, 2, 3 … in order."""
    count = itertools.count(1)
    return _SECTION.sub(lambda _: f"<b>{next(count)}. ", text)


def area_line(t: Translator, area: str, a: Progress) -> str:
    return t("summary.area_line", area=t(f"area.{area}"), done=a.done, total=a.total, overdue=a.overdue,
             blocked=a.blocked)


def _dossier_block(t: Translator, s: Summary, names: dict[str, str]) -> str:
    c = s.dossiers.counts
    if not c:
        return t("summary.no_dossiers")
    r = s.rates
    n = t.number

    def rate(key: str) -> str:
        v = r.get(key)
        if v is None:
            return "—"
        if s.dossiers.rate_partial(key):  # said: over the reports that gave its figures, not all of them
            return t("summary.rate_partial", rate=t.percent(v), n=s.dossiers.rate_reports[key],
                     total=s.dossiers.reports_used)
        return t.percent(v)

    lines = [t("summary.dossier_header", reports=s.dossiers.reports_used)]
    channels = [t("summary.d_online", rate=rate("online_rate"))]
    if "direct_postal" in c:  # one figure for two channels, as officers wrote it (never split)
        channels.append(t("summary.d_direct_postal", n=n(c["direct_postal"]), rate=rate("direct_postal_rate")))
    if "postal" in c or "direct_postal" not in c:
        channels.append(t("summary.d_postal", rate=rate("postal_rate")))
    lines.append(" · ".join([t("summary.d_received", received=n(intake(c) or 0)), *channels]))
    if "resolved" in c:
        lines.append(t("summary.d_resolved", resolved=n(c["resolved"]), rate=rate("resolved_rate"),
                       on_time=rate("on_time_rate")))
    if "late" in c:
        missing = max(0, c["late"] - c.get("apologized", 0))
        lines.append(t("summary.d_late", late=n(c["late"]), missing=n(missing)))
    if "pending" in c or "withdrawn" in c:
        lines.append(t("summary.d_pending", pending=n(c.get("pending", 0)), withdrawn=n(c.get("withdrawn", 0))))
    for key, (part, whole) in rates_not_computable(s.dossiers).items():  # said, not hidden: the figures disagree
        lines.append("⚠️ " + t("summary.rate_not_computable", rate=t(f"rate_name.{key}"), part=n(part),
                                whole=n(whole)))
    for unit, start, end in s.dossiers.partly_left_out[:3]:  # figures not counted are said, never silent
        lines.append("⚠️ " + t("summary.partly_left_out", unit=esc(names.get(unit, unit) or "—"), start=t.date(start),
                                end=t.date(end)))
    if s.end <= s.today:
        if s.dossiers.days_covered < s.dossiers.days:
            lines.append(t("summary.d_coverage", covered=s.dossiers.days_covered, days=s.dossiers.days))
    elif s.start <= s.today:  # a running period: the days gone by so far
        elapsed = (s.today - s.start).days + 1
        if s.dossiers.days_covered < elapsed:
            lines.append(t("summary.d_coverage_so_far", covered=s.dossiers.days_covered, days=elapsed))
    return "\n".join(lines)


def _kpi_line(t: Translator, k: KpiCheck) -> str:
    actual = t.percent(k.actual) if k.actual is not None else t("summary.kpi_unknown")
    return t("summary.kpi_line", mark=MARKS[k.mark], name=t(f"kpi.{k.key}"), op=k.op.replace(">=", "≥"),
             target=t.number(k.target), actual=actual)


def _change(t: Translator, s: Summary) -> str:
    prev, cur = s.previous.counts, s.dossiers.counts
    start, end = previous_period(s.start, s.end)
    if not prev:
        return t("summary.change_none", start=t.date(start), end=t.date(end)) + _last_year(t, s)
    a, b = cur.get("received", cur.get("total", 0)), prev.get("received", prev.get("total", 0))
    parts = [t("summary.change_received", now=t.number(a), delta=_delta(t, a - b))]
    ra, rb = s.rates.get("on_time_rate"), s.previous_rates.get("on_time_rate")
    if ra is not None and rb is not None:
        parts.append(t("summary.change_on_time", delta=_delta(t, ra - rb, points=True)))
    text = t("summary.change", start=t.date(start), end=t.date(end), parts="; ".join(parts))
    return text + _last_year(t, s)


def _last_year(t: Translator, s: Summary) -> str:
    """The same period a year before, when it has figures."""
    ly = s.last_year
    if ly is None or not ly.counts:
        return ""
    a = intake(s.dossiers.counts) or 0
    b = intake(ly.counts) or 0
    return "\n" + t("summary.change_last_year", start=t.date(ly.start), end=t.date(ly.end),
                     now=t.number(a), then=t.number(b), delta=_delta(t, a - b))


def _delta(t: Translator, d: float, points: bool = False) -> str:
    arrow = "▲" if d > 0 else "▼" if d < 0 else "="
    value = t.number(round(abs(d), 2)) if points else t.number(int(abs(d)))
    return f"{arrow} {value}" + (" " + t("summary.points") if points else "")
