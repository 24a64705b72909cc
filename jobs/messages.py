"""What each reminder rule says, and to whom: the weekly ping with one-tap buttons, deadlines in working
days and the overdue digest, the chairman's Monday list, the reporting calendar with its draft, the
one-stop officers' dossier request. Sent through `jobs.delivery`."""


from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from telegram.ext import Application

from bot.core.dates import week_bounds
from bot.core.models import Officer, Task
from bot.core.permissions import Perm, allowed
from bot.core.schedule import (
    Rule,
    occurrence_key,
    reporting_calendar,
)
from bot.documents.report_files import report_files
from bot.i18n import esc
from bot.services.tasks import OPEN, belongs_to
from handlers.callbacks import ExplainMenu, QuickUpdate
from handlers.render.summary import render_summary
from jobs.delivery import Buttons, Outgoing, send_batch, send_once

log = logging.getLogger(__name__)

DEADLINE_DAYS = (5, 2, 0)
REPORT_DAYS_BEFORE = (7, 2)


async def _people(app: Application, commune_id: int, today: date) -> list[Officer]:
    """Active officers who may get reminders today: not away, not paused."""
    services = app.services  # type: ignore[attr-defined]
    return [o for o in await services.repos.officers.list(commune_id, active_only=True)
            if not o.away_on(today)
            and not (o.paused_until is not None and o.paused_until >= today)]


def _t(app: Application, officer: Officer | None) -> Any:
    return app.services.t(officer)  # type: ignore[attr-defined]


def _responsible(task: Task, people: list[Officer]) -> list[Officer]:
    return [o for o in people if belongs_to(task, o)]


async def weekly_ping(app: Application, commune_id: int, rule: Rule, slot: datetime, spec: dict[str, Any]) -> None:
    services = app.services  # type: ignore[attr-defined]
    today = services.clock.now().date()
    monday = week_bounds(slot.date())[0]
    tasks = [t for t in await services.tasks.all(commune_id) if t.status in OPEN]
    key = occurrence_key(rule, slot)
    last_reports = await services.repos.reports.last_reports(commune_id)
    batch: list[Outgoing] = []
    for officer in await _people(app, commune_id, today):
        if not allowed(officer.roles, Perm.REPORT) or officer.has_role("chairman", "vice_chairman"):
            continue
        own = [t for t in tasks if belongs_to(t, officer)]
        if not own:
            continue
        last = last_reports.get(officer.id)
        if last is not None and datetime.fromisoformat(last).date() >= monday:
            continue
        t = _t(app, officer)
        lines = [t("remind.weekly_header", name=esc(officer.name), n=len(own))]
        rows: Buttons = []
        done, blocked = t("remind.done_button"), t("remind.blocked_button")
        for task in own[:6]:
            lines.append(t("remind.task_line", code=task.code, title=esc(_short(task.title)), percent=task.percent))
            step = min(75, (task.percent // 25 + 1) * 25)
            rows.append([(f"{task.code}: {step}%", QuickUpdate(task.id, str(step)).encode()),
                         (done, QuickUpdate(task.id, "done").encode()),
                         (blocked, QuickUpdate(task.id, "blocked").encode())])
        if len(own) > 6:
            lines.append(t("remind.more", n=len(own) - 6))
        lines.append(t("remind.weekly_footer"))
        batch.append(Outgoing(officer, "\n".join(lines), rows))
    await send_batch(app, "weekly_ping", key, batch)


async def deadlines(app: Application, commune_id: int, rule: Rule, slot: datetime, spec: dict[str, Any]) -> None:
    services = app.services  # type: ignore[attr-defined]
    today = slot.date()
    calendar = services.calendar
    tasks = [t for t in await services.tasks.all(commune_id) if t.status in OPEN and t.due_date is not None]
    people = await _people(app, commune_id, services.clock.now().date())
    upcoming: dict[int, list[tuple[Task, int]]] = defaultdict(list)
    overdue: dict[int, list[tuple[Task, int]]] = defaultdict(list)
    by_id = {o.id: o for o in people}
    for task in tasks:
        assert task.due_date is not None
        try:
            left = calendar.workdays_between(today, task.due_date)
        except Exception:  # one bad row never stops the job for everyone
            log.exception("deadline of task %s could not be computed; skipped", task.code)
            continue
        for officer in _responsible(task, people):
            if task.due_date >= today and left in DEADLINE_DAYS:
                upcoming[officer.id].append((task, left))
            elif task.due_date < today:
                overdue[officer.id].append((task, -left))
    for oid, items in upcoming.items():
        officer = by_id[oid]
        t = _t(app, officer)
        lines = [t("remind.deadline_header")]
        for task, left in sorted(items, key=lambda x: x[1]):
            key = "remind.due_today" if left == 0 else "remind.due_in"
            lines.append(t(key, code=task.code, title=esc(_short(task.title)), days=left,
                           date=t.date(task.due_date)))
        lines.append(t("remind.deadline_footer"))
        await send_once(app, officer, "deadlines", today.isoformat(), "\n".join(lines))
    # the overdue digest is news, not noise: on the week's first working day, and on a day a task has just
    # become overdue (one working day late); not the same list every morning
    week_start = today - timedelta(days=today.weekday())
    first_of_week = not any(calendar.is_workday(week_start + timedelta(days=i)) for i in range(today.weekday()))
    for oid, items in overdue.items():
        if not first_of_week and not any(days == 1 for _, days in items):
            continue
        officer = by_id[oid]
        t = _t(app, officer)
        items.sort(key=lambda x: -x[1])
        lines = [t("remind.overdue_header", n=len(items))]
        lines += [t("remind.overdue_line", code=task.code, title=esc(_short(task.title)), days=days)
                  for task, days in items[:8]]
        if len(items) > 8:
            lines.append(t("remind.more", n=len(items) - 8))
        lines.append(t("remind.overdue_footer", code=items[0][0].code))
        await send_once(app, officer, "overdue", today.isoformat(), "\n".join(lines))


async def escalation(app: Application, commune_id: int, rule: Rule, slot: datetime, spec: dict[str, Any]) -> None:
    services = app.services  # type: ignore[attr-defined]
    today = slot.date()
    calendar = services.calendar
    people = await services.repos.officers.list(commune_id, active_only=True)
    names = await services.repos.communes.unit_names(commune_id)
    tasks = [t for t in await services.tasks.all(commune_id)
             if t.status in OPEN and t.due_date is not None and t.due_date < today]
    by_unit: dict[str, list[tuple[Task, int]]] = defaultdict(list)
    for task in tasks:
        assert task.due_date is not None
        try:
            late = calendar.workdays_between(task.due_date, today)
        except Exception:  # one bad row never stops the job for everyone
            log.exception("lateness of task %s could not be computed; skipped", task.code)
            continue
        # a task with two lead units is listed once, under the first: the header counts tasks, so do the lines
        by_unit[(task.lead_units or ("?",))[0]].append((task, late))
    owners = {o.id: o.name for o in people}
    silent = []
    two_weeks = today - timedelta(days=14)
    for o in people:
        if not allowed(o.roles, Perm.REPORT) or o.has_role("chairman", "vice_chairman"):
            continue
        if o.away_on(today):
            continue
        last = await services.repos.reports.last_report_at(o.id)
        if last is None or datetime.fromisoformat(last).date() < two_weeks:
            silent.append(o.name)
    key = occurrence_key(rule, slot)
    for chairman in [o for o in people if o.has_role("chairman")]:
        t = _t(app, chairman)
        lines = [t("remind.escalation_header", n=len(tasks))]
        for unit, items in sorted(by_unit.items(), key=lambda x: -len(x[1])):
            lines.append(t("remind.escalation_unit", unit=esc(names.get(unit, t(f"unit.{unit}") if unit in (
                "all", "external") else unit)), n=len(items)))
            for task, days in sorted(items, key=lambda x: -x[1])[:5]:
                owner = owners.get(task.owner_id) if task.owner_id else None
                lines.append(t("remind.escalation_task_owner" if owner else "remind.escalation_task",
                               code=task.code, title=esc(_short(task.title, 40)),
                               owner=esc(owner) if owner else None, days=days))
        if silent:
            lines.append(t("remind.silent", names=esc(", ".join(silent))))
        if not tasks and not silent:
            lines.append(t("remind.escalation_clear"))
        # "Yêu cầu giải trình" (handlers/explain)
        ask = [[(t("explain.button"), ExplainMenu().encode())]] if tasks else None
        await send_once(app, chairman, "escalation", key, "\n".join(lines), ask)


async def reporting(app: Application, commune_id: int, rule: Rule, slot: datetime, spec: dict[str, Any]) -> None:
    services = app.services  # type: ignore[attr-defined]
    today = slot.date()
    calendar = services.calendar
    dues = [d for year in (today.year, today.year + 1) for d in reporting_calendar(spec.get("calendar", "fixed"), year)]
    names = await services.repos.communes.unit_names(commune_id)
    office = [o for o in await _people(app, commune_id, services.clock.now().date()) if o.has_role("office")]
    for due in dues:
        if due.due < today:
            continue
        left = calendar.workdays_between(today, due.due)
        if left not in REPORT_DAYS_BEFORE:
            continue
        summary = await services.summaries.build(commune_id, due.start, min(due.end, today),
                                                 services.clock.now())
        for officer in office:
            t = _t(app, officer)
            text = t("remind.report_due", name=t(f"report_name.{due.name}"), date=t.date(due.due), days=left,
                     start=t.date(due.start), end=t.date(due.end))
            has_data = bool(summary.tasks or summary.dossiers.counts)
            body = text + ("\n\n" + render_summary(t, summary, names) if has_data else "")
            doc = (f"du-thao-bao-cao-{due.name}-{due.due.year}.docx",
                   (await report_files(services.repos, commune_id, summary)).docx) if has_data else None
            await send_once(app, officer, "reporting", f"{due.name}:{due.due.isoformat()}:{left}", body,
                            document=doc)


async def dossier_request(app: Application, commune_id: int, rule: Rule, slot: datetime,
                          spec: dict[str, Any]) -> None:
    services = app.services  # type: ignore[attr-defined]
    monday = week_bounds(slot.date())[0]
    key = occurrence_key(rule, slot)
    for officer in await _people(app, commune_id, services.clock.now().date()):
        if officer.unit_key != "mot-cua" or not allowed(officer.roles, Perm.REPORT):
            continue
        if await services.repos.reports.dossier_since(officer.id, monday):
            continue
        t = _t(app, officer)
        await send_once(app, officer, "dossier_request", key, t("remind.dossier_request", name=esc(officer.name)))


SENDERS = {
    "weekly_ping": weekly_ping, "deadlines": deadlines, "escalation": escalation, "reporting": reporting,
    "dossier_request": dossier_request,
}


def _short(title: str, n: int = 60) -> str:
    title = title.strip()
    return esc(title if len(title) <= n else title[: n - 1].rstrip() + "…")
