"""Reminders: rules in the database, rebuilt into the JobQueue at start under stable names, each message
sent at most once per (rule, person, occurrence) through the sent-ledger.

Rules (kinds), each a schedule in `reminder_rules`:

* ``weekly_ping``   Friday 14:00: officers with open tasks who have not reported since Monday get their
                    tasks with one-tap buttons that lead into the normal read-back;
* ``deadlines``     08:00 on working days: tasks due in 5, 2 and 0 working days to their owners, and a
                    short digest of overdue tasks;
* ``escalation``    Monday 07:30: the chairman gets overdue tasks by unit and who has been silent 2 weeks;
* ``reporting``     08:00 on working days: the office is reminded 7 and 2 working days before each
                    periodic report is due, with the summary of its data period and a .docx draft;
* ``dossier_request`` Friday 15:00: the one-stop officers are asked for the week's figures if none came.

Plus ``quiet`` (quiet hours). A reminder due on a non-working day or in quiet hours goes out at the next
working morning. After a restart, an occurrence that fell due while the bot was down is sent once if it is
younger than `CCHC_GRACE_HOURS`, else dropped and logged; the ledger keeps anything from going out twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import TelegramError
from telegram.ext import Application

from bot.core.dates import week_bounds
from bot.core.models import Officer, Task
from bot.core.permissions import Perm, allowed
from bot.core.schedule import (
    Quiet,
    Rule,
    deliver_at,
    occurrence_key,
    parse_quiet,
    parse_when,
    reporting_calendar,
    slot_after,
    slot_before,
)
from bot.documents.report_files import report_files
from bot.i18n import esc
from bot.services.tasks import OPEN, belongs_to
from handlers.callbacks import ExplainMenu, QuickUpdate
from handlers.render.summary import render_summary
from jobs import cancel, schedule_at

log = logging.getLogger(__name__)

KINDS = ("weekly_ping", "deadlines", "escalation", "reporting", "dossier_request")
DEADLINE_DAYS = (5, 2, 0)
REPORT_DAYS_BEFORE = (7, 2)


def default_rules(settings: Any) -> dict[str, dict[str, Any]]:
    return {
        "weekly_ping": {"when": settings.weekly_ping},
        "deadlines": {"when": settings.deadline_check},
        "escalation": {"when": settings.escalation},
        "reporting": {"when": settings.deadline_check, "calendar": settings.report_calendar},
        "dossier_request": {"when": settings.dossier_request},
        "quiet": {"hours": settings.quiet_hours},
    }


def to_rule(kind: str, spec: dict[str, Any], enabled: bool) -> Rule:
    every, weekday, at = parse_when(spec["when"])
    return Rule(kind, every, at, weekday, enabled)


async def load(app: Application, commune_id: int) -> tuple[dict[str, Rule], Quiet, dict[str, Any]]:
    services = app.services  # type: ignore[attr-defined]
    await services.repos.rules.ensure(commune_id, default_rules(services.settings), services.clock.now())
    stored = await services.repos.rules.all(commune_id)
    rules = {k: to_rule(k, spec, on) for k, (spec, on) in stored.items() if k in KINDS}
    quiet = parse_quiet(stored["quiet"][0]["hours"]) if "quiet" in stored else Quiet()
    return rules, quiet, {k: spec for k, (spec, _) in stored.items()}


def job_name(commune_id: int, kind: str) -> str:
    return f"rule:{commune_id}:{kind}"


async def rebuild(app: Application) -> None:
    """Schedule every enabled rule's next occurrence, and catch up what fell due while the bot was down."""
    services = app.services  # type: ignore[attr-defined]
    now = services.clock.now()
    grace = timedelta(hours=services.settings.grace_hours)
    calendar = services.calendar
    for commune_id in await _communes(app):
        rules, quiet, specs = await load(app, commune_id)
        for kind, rule in rules.items():
            cancel(app, job_name(commune_id, kind))
            if not rule.enabled:
                continue
            last_slot = _last_slot(rule, now)
            since = datetime.fromisoformat(specs[kind]["since"]) if "since" in specs[kind] else None
            if last_slot is not None and (since is None or last_slot >= since):
                due = deliver_at(last_slot, calendar, quiet)
                if due <= now:
                    if now - due <= grace:
                        schedule_at(app, run_rule, now, job_name(commune_id, kind) + ":catchup",
                                    {"commune": commune_id, "kind": kind, "slot": last_slot.isoformat(),
                                     "catchup": True})
                    else:
                        log.warning("reminder %s of %s fell due at %s while the bot was down; dropped (grace %s)",
                                    kind, commune_id, due.isoformat(), grace)
            schedule_next(app, commune_id, rule, quiet, after=now)


def _last_slot(rule: Rule, now: datetime) -> datetime | None:
    return slot_before(rule, now)


def schedule_next(app: Application, commune_id: int, rule: Rule, quiet: Quiet, *, after: datetime) -> None:
    services = app.services  # type: ignore[attr-defined]
    slot = slot_after(rule, after)
    when = deliver_at(slot, services.calendar, quiet)
    now = services.clock.now()
    schedule_at(app, run_rule, max(when, now), job_name(commune_id, rule.kind),
                {"commune": commune_id, "kind": rule.kind, "slot": slot.isoformat(), "catchup": False})


async def _communes(app: Application) -> list[int]:
    return await app.services.repos.communes.ids()  # type: ignore[attr-defined]


async def run_rule(context: Any) -> None:
    """The job: send what this occurrence of the rule asks for, then schedule the next occurrence."""
    app = context.application
    data = context.job.data
    commune_id, kind = int(data["commune"]), str(data["kind"])
    slot = datetime.fromisoformat(data["slot"])
    rules, quiet, specs = await load(app, commune_id)
    rule = rules.get(kind)
    if rule is None or not rule.enabled:
        return
    try:
        if rule.every == "weekly" or app.services.calendar.is_workday(slot.date()):
            await SENDERS[kind](app, commune_id, rule, slot, specs.get(kind, {}))
    finally:
        if not data.get("catchup"):
            schedule_next(app, commune_id, rule, quiet, after=slot)


# -- sending exactly once ---------------------------------------------------------------------------
Buttons = list[list[tuple[str, str]]]  # (label, callback data) rows: built into a keyboard only when sent


@dataclass
class Outgoing:
    officer: Officer
    text: str
    buttons: Buttons | None = None
    document: tuple[str, bytes] | None = None


async def send_once(
    app: Application, officer: Officer, rule: str, occurrence: str, text: str,
    buttons: Buttons | None = None, document: tuple[str, bytes] | None = None,
) -> bool:
    return bool(await send_batch(app, rule, occurrence, [Outgoing(officer, text, buttons, document)]))


async def send_batch(app: Application, rule: str, occurrence: str, items: list[Outgoing]) -> int:
    """Send one occurrence of a rule to many people, once each: who had it already is read in one query;
    each person is claimed ('sending') right before their message goes out and marked 'sent' after. After a
    crash in the middle of a run, a restart sends the rest, and the one message that was in flight again
    (it may have gone out: one possible duplicate rather than a missed reminder). A claim whose message
    could not be delivered is released so a later run tries again. Returns how many were sent now."""
    if not items:
        return 0
    services = app.services  # type: ignore[attr-defined]
    done = await services.repos.ledger.already(rule, occurrence, [x.officer.id for x in items])
    sent = 0
    for item in items:
        if item.officer.id in done:
            continue
        if not await services.repos.ledger.claim(item.officer.commune_id, rule, item.officer.id, occurrence,
                                                 services.clock.now()):
            continue
        if await deliver(app, item):
            await services.repos.ledger.mark_sent(rule, item.officer.id, occurrence)
            sent += 1
        else:
            await services.repos.ledger.release(rule, item.officer.id, occurrence)
            log.warning("reminder %s/%s to officer %s not delivered; will retry on the next run", rule,
                        occurrence, item.officer.id)
    return sent


async def deliver(app: Application, item: Outgoing) -> bool:
    """Send one reminder; False when it could not be delivered. Retries are the request layer's alone
    (`bot.serving.retry`): what still fails here is released and sent at the next run."""
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in item.buttons]
    ) if item.buttons else None
    chat = item.officer.telegram_id
    try:
        await app.bot.send_message(chat, item.text[:4096], reply_markup=markup)
        if item.document is not None:
            await app.bot.send_document(chat, InputFile(item.document[1], filename=item.document[0]))
    except TelegramError as exc:  # blocked, chat gone, or Telegram still refusing after the retries
        log.info("reminder to %s not delivered: %s", chat, type(exc).__name__)
        return False
    return True


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


# -- the rules ---------------------------------------------------------------------------------------
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


async def no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)


# -- nightly backup ----------------------------------------------------------------------------------
async def schedule_backup(app: Application) -> None:
    services = app.services  # type: ignore[attr-defined]
    rule = to_rule("backup", {"when": services.settings.backup_at}, True)
    slot = slot_after(rule, services.clock.now())
    schedule_at(app, nightly_backup, slot, "backup:nightly", slot.isoformat())


async def nightly_backup(context: Any) -> None:
    app = context.application
    services = app.services
    try:
        path = await services.backups.make(services.clock.now())
        removed = await services.backups.prune(services.settings.backup_keep)
        log.info("nightly backup %s (%d old ones removed)", path, len(removed))
    except Exception:
        log.exception("nightly backup failed")
    finally:
        await schedule_backup(app)
