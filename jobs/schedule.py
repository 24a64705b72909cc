"""When reminders go out: the rules in the database (`reminder_rules`), rebuilt into the JobQueue at start
under stable names (the APScheduler job ids), each occurrence moved off non-working days and quiet hours.

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
younger than `CCHC_GRACE_HOURS`, else dropped and logged; the ledger (`jobs.delivery`) keeps anything from
going out twice. What each rule says is `jobs.messages`.
"""


from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from telegram.ext import Application

from bot.core.schedule import (
    Quiet,
    Rule,
    deliver_at,
    parse_quiet,
    parse_when,
    slot_after,
    slot_before,
)
from jobs import cancel, schedule_at
from jobs.delivery import UNDELIVERED
from jobs.messages import SENDERS

log = logging.getLogger(__name__)

KINDS = ("weekly_ping", "deadlines", "escalation", "reporting", "dossier_request")


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


#: after a run some people could not be reached for a passing reason: it is run again after these minutes
RETRY_MINUTES = (5, 30, 120)


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
    undelivered: list[int] = []
    token = UNDELIVERED.set(undelivered)
    try:
        if rule.every == "weekly" or app.services.calendar.is_workday(slot.date()):
            await SENDERS[kind](app, commune_id, rule, slot, specs.get(kind, {}))
    finally:
        UNDELIVERED.reset(token)
        tries = int(data.get("retry", 0))
        if undelivered and tries < len(RETRY_MINUTES):  # the same occurrence again soon: the ledger skips who had it
            services = app.services
            when = deliver_at(services.clock.now() + timedelta(minutes=RETRY_MINUTES[tries]), services.calendar,
                              quiet)
            schedule_at(app, run_rule, when, job_name(commune_id, kind) + ":retry",
                        {**data, "catchup": True, "retry": tries + 1})
        if not data.get("catchup"):
            schedule_next(app, commune_id, rule, quiet, after=slot)
