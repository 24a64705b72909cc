"""/caidat (admins: reminder schedules, quiet hours, reporting calendar), /tamdung (pause own reminders),
and the one-tap buttons of the weekly ping."""

from __future__ import annotations

import re
from datetime import date, timedelta

from telegram import InputFile, Update

from bot.core.absence import parse_absence
from bot.core.parse import ParseResult, ProgressItem
from bot.core.permissions import Perm
from bot.core.schedule import ScheduleError, parse_quiet, parse_when, reporting_calendar
from bot.i18n import Translator
from handlers.callbacks import QuickUpdate
from handlers.common import button, reply, reply_chat_id, requires, send_html
from handlers.context import BotContext
from handlers.readback_send import forged, send_readback
from jobs.schedule import KINDS, load, rebuild

_NAMES = {"nhacviec": "weekly_ping", "han": "deadlines", "baocaochutich": "escalation", "lichbaocao": "reporting",
          "hoso": "dossier_request", **{k: k for k in KINDS}}


@requires(Perm.SETTINGS)
async def caidat(update: Update, context: BotContext) -> None:
    """/caidat                       show the schedules
    /caidat nhacviec thu6 14:00       change a rule's time (weekly: weekday + time; daily: time)
    /caidat han tat | bat             switch a rule off or on
    /caidat yenlang 21:00-07:00       quiet hours
    /caidat lichbaocao fixed|mid-month|<custom>   the periodic reporting calendar"""
    officer = context.officer
    assert officer is not None
    services = context.services
    args = context.args or []
    t = context.t
    if args:
        name = args[0].lower()
        value = " ".join(args[1:])
        try:
            await _change(context, officer.commune_id, name, value)
        except ScheduleError as exc:
            await reply(update, context, f"settings.bad_{exc.reason}", value=exc.text or value)
            return
        except KeyError:
            await reply(update, context, "settings.bad_name", name=name)
            return
        await rebuild(context.application)
        await services.journal.log("settings", user_id=officer.telegram_id, at=services.clock.now(),
                                   officer=officer, detail=f"{name} {value}"[:100])
    rules, _quiet, specs = await load(context.application, officer.commune_id)
    lines = [t("settings.header")]
    for kind in KINDS:
        rule = rules[kind]
        state = t("settings.on") if rule.enabled else t("settings.off")
        lines.append(t("settings.rule", name=t(f"settings.kind_{kind}"), when=_when(t, specs[kind]["when"]),
                       state=state))
    lines.append(t("settings.quiet", hours=specs["quiet"]["hours"]))
    lines.append(_calendar(t, specs["reporting"].get("calendar", "fixed"), services.clock.now().date()))
    lines.append(t("settings.help"))
    await send_html(update, context, "\n".join(lines))


def _calendar(t: Translator, spec: str, today: date) -> str:
    """The periodic reporting calendar in plain words: each report of this year with its due date and the
    days its figures cover, then the setting's own name (what /caidat lichbaocao takes)."""
    try:
        reports = reporting_calendar(spec, today.year)
    except ScheduleError:
        return t("settings.calendar", calendar=spec)
    parts = []
    for r in reports:
        name = t(f"report_name.{r.name}") if r.name in ("quy-1", "6-thang", "quy-3", "nam") else r.name
        parts.append(t("settings.calendar_item", name=name, due=t.date(r.due), start=t.date(r.start),
                       end=t.date(r.end)))
    label = t(f"settings.calendar_{spec}") if spec in ("fixed", "mid-month") else t("settings.calendar_custom")
    return t("settings.calendar_plain", label=label, setting=spec, items="\n".join(parts))


def _when(t: Translator, spec: str) -> str:
    """A rule's time in the reader's words: "thứ 6, 14:00", "hằng ngày, 08:00"."""
    try:
        every, weekday, at = parse_when(spec)
    except ScheduleError:
        return spec
    hhmm = at.strftime("%H:%M")
    if every == "daily":
        return t("settings.daily", time=hhmm)
    return t("settings.weekly", day=t(f"settings.weekday_{weekday}"), time=hhmm)


async def _change(context: BotContext, commune_id: int, name: str, value: str) -> None:
    rules = context.services.rules
    _, _, specs = await load(context.application, commune_id)
    stored = await rules.all(commune_id)
    if name in ("yenlang", "quiet"):
        parse_quiet(value)
        await rules.put(commune_id, "quiet", {"hours": value.replace(" ", "")})
        return
    kind = _NAMES.get(name)
    if kind is None:
        raise KeyError(name)
    spec = dict(specs[kind])
    enabled = stored[kind][1]
    if kind == "reporting" and value and not re.fullmatch(r"(tat|bat|off|on|tắt|bật)", value):
        if re.match(r"^\d|^(?:thu|t\d|mon|tue|wed|thu|fri|sat|sun)", value):
            parse_when(value)
            spec["when"] = value
        else:
            reporting_calendar(value, 2026)
            spec["calendar"] = value
    elif value in ("tat", "tắt", "off"):
        enabled = False
    elif value in ("bat", "bật", "on"):
        enabled = True
    else:
        parse_when(value)
        spec["when"] = value
    await rules.put(commune_id, kind, spec, enabled)


async def tamdung(update: Update, context: BotContext) -> None:
    """/tamdung 7 (days) · /tamdung đến 05/12 · /tamdung hết"""
    officer = context.officer
    if officer is None:
        return
    services = context.services
    text = " ".join(context.args or []).strip()
    now = services.clock.now()
    if text.lower() in ("het", "hết", "huy", "hủy", "0"):
        await services.people.pause_reminders(officer, None)
        await reply(update, context, "pause.cleared")
        return
    until: date | None
    if text.isdigit() and 1 <= int(text) <= 90:
        until = now.date() + timedelta(days=int(text) - 1)
    else:
        leave = parse_absence(text, now, command=True) if text else None
        until = leave.end if leave is not None else None
    if until is None:
        await reply(update, context, "pause.usage")
        return
    await services.people.pause_reminders(officer, until)
    await reply(update, context, "pause.done", date=context.t.date(until))


async def quick_update(update: Update, context: BotContext) -> None:
    """A one-tap button of the weekly ping: into the normal read-back (nothing saved before ✅ Lưu)."""

    pressed = button(update, context, QuickUpdate)
    if pressed is None:
        return
    query, officer, m = pressed
    services = context.services
    task = await services.tasks.by_id(m.task_id) if m else None
    if m is None or task is None or task.commune_id != officer.commune_id or not (
            m.value in ("done", "blocked") or (m.value.isdigit() and len(m.value) <= 3)):
        await forged(update, context)
        return
    await query.answer()
    value = m.value
    if value == "done":
        item = ProgressItem(task_ref=task.code, percent=100, status="done", date=services.clock.now().date())
    elif value == "blocked":
        item = ProgressItem(task_ref=task.code, percent=task.percent or None, status="blocked")
    else:
        item = ProgressItem(task_ref=task.code, percent=min(100, int(value)), status="in_progress")
    result = ParseResult("progress", [item], None)
    chat = update.effective_chat
    assert chat is not None
    pending = await services.readbacks.create(officer, result, text=f"[{query.data}]", chat_id=chat.id,
                                            source_message_id=None, inbox_id=context.state.inbox_id,
                                            now=services.clock.now())
    await send_readback(update, context, pending, in_group=False)




@requires(Perm.BACKUP)
async def saoluu(update: Update, context: BotContext) -> None:
    """/saoluu: a fresh backup of the database, sent as a file (admins only)."""
    services = context.services
    chat = update.effective_chat
    officer = context.officer
    if chat is None or officer is None:
        return
    path = await services.backups.for_admin(officer, services.clock.now())
    await context.bot.send_document(reply_chat_id(update) or chat.id, InputFile(path.read_bytes(), filename=path.name),
                                    caption=context.t("backup.caption", name=path.name))
