"""/nhiemvu (own tasks; the commune by area and unit for leaders), /giao and /han."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from rapidfuzz import fuzz
from telegram import InlineKeyboardMarkup, Update

from bot.core.dates import MAX_YEAR, MIN_YEAR, nearest, safe_date
from bot.core.domain import AREA_KEYS, UNIT_KEYS, unit_key
from bot.core.models import Officer
from bot.core.permissions import Perm, allowed
from bot.core.text import fold_1to1
from bot.services.tasks import may_report_on
from handlers import callbacks
from handlers.callbacks import TasksOfArea, TasksOfUnit, UnitList
from handlers.common import esc, reply, requires, send_html
from handlers.context import BotContext
from handlers.render import short, task_detail, task_line

MAX_LINES = 40


async def nhiemvu(update: Update, context: BotContext) -> None:
    officer = context.officer
    if officer is None:
        return
    args = context.args or []
    if args:
        await one_task(update, context, " ".join(args))
        return
    if allowed(officer.roles, Perm.READ_COMMUNE):
        await _commune_overview(update, context, officer)
    else:
        await my_tasks(update, context)


async def my_tasks(update: Update, context: BotContext) -> None:
    officer = context.officer
    if officer is None:
        return
    services = context.services
    today = services.clock.now().date()
    tasks = await services.tasks.all(officer.commune_id)
    if not tasks:
        await reply(update, context, "tasks.no_plan")
        return
    own = [t for t in await services.tasks.own_open(officer)]
    if not own:
        await reply(update, context, "tasks.none_open")
        return
    views = sorted((services.tasks.view(t, today) for t in own),
                   key=lambda v: (not v.overdue, v.task.due_date or today.replace(year=today.year + 5)))
    lines = [context.t("tasks.mine_header", n=len(views))]
    lines += [task_line(context.t, v) for v in views[:MAX_LINES]]
    if len(views) > MAX_LINES:
        lines.append(context.t("tasks.more", n=len(views) - MAX_LINES))
    lines.append(context.t("tasks.mine_footer", code=esc(views[0].task.code)))  # the example is one of theirs
    await send_html(update, context, "\n".join(lines))


async def _commune_overview(update: Update, context: BotContext, officer: Officer) -> None:
    services = context.services
    t = context.t
    today = services.clock.now().date()
    tasks = await services.tasks.all(officer.commune_id)
    if not tasks:
        await reply(update, context, "tasks.no_plan")
        return
    by_area: dict[str, Counter[str]] = defaultdict(Counter)
    for task in tasks:
        view = services.tasks.view(task, today)
        key = task.area or "none"
        by_area[key]["all"] += 1
        by_area[key]["done" if task.status == "done" else "overdue" if view.overdue else task.status] += 1
    lines = [t("tasks.commune_header", n=len(tasks))]
    buttons = []
    for area in [*AREA_KEYS, "none"]:
        c = by_area.get(area)
        if not c:
            continue
        lines.append(t("tasks.area_line", area=t(f"area.{area}"), all=c["all"], done=c["done"],
                       progress=c["in_progress"], blocked=c["blocked"], overdue=c["overdue"]))
        buttons.append(TasksOfArea(area).button(t(f"area_short.{area}")))
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([UnitList().button(t("tasks.by_unit"))])
    await send_html(update, context, "\n".join(lines), markup=InlineKeyboardMarkup(rows))


async def drill_down(update: Update, context: BotContext) -> None:
    query = update.callback_query
    officer = context.officer
    if query is None or officer is None or not query.data:
        return
    services = context.services
    t = context.t
    if not allowed(officer.roles, Perm.READ_COMMUNE):
        await query.answer(t("misc.forbidden"), show_alert=True)
        return
    today = services.clock.now().date()
    tasks = await services.tasks.all(officer.commune_id)
    data = callbacks.decode(query.data)
    if isinstance(data, UnitList):
        names = await services.people.unit_names(officer.commune_id)
        rows = [[TasksOfUnit(k).button(names[k])] for k in UNIT_KEYS if k in names]
        await query.answer()
        await send_html(update, context, t("tasks.pick_unit"), markup=InlineKeyboardMarkup(rows))
        return
    if not isinstance(data, TasksOfArea | TasksOfUnit):
        await query.answer()
        return
    if isinstance(data, TasksOfArea):
        key = data.area
        chosen = [x for x in tasks if (x.area or "none") == key]
        title = t("tasks.area_header", area=t(f"area.{key}") if key in (*AREA_KEYS, "none") else key)
    else:
        key = data.unit
        chosen = [x for x in tasks if key in x.lead_units or (
            x.owner_id is not None and await services.tasks.owner_unit(x) == key)]
        names = await services.people.unit_names(officer.commune_id)
        title = t("tasks.unit_header", unit=esc(names.get(key, key)))
    views = sorted((services.tasks.view(x, today) for x in chosen), key=lambda v: (not v.overdue, v.task.id))
    lines = [title, *[task_line(t, v) for v in views[:MAX_LINES]]]
    if not views:
        lines.append(t("tasks.none"))
    await query.answer()
    await send_html(update, context, "\n".join(lines))


async def one_task(update: Update, context: BotContext, ref: str) -> None:
    """One task in detail, if the sender may read it (/nhiemvu 2.3, or a question naming it)."""
    officer = context.officer
    assert officer is not None
    services = context.services
    code = _code(ref)
    task = await services.tasks.by_code(officer.commune_id, code)
    if task is None:
        await reply(update, context, "tasks.unknown_code", code=ref)
        return
    if not allowed(officer.roles, Perm.READ_COMMUNE) and not may_report_on(task, officer):
        await reply(update, context, "misc.forbidden")
        return
    today = services.clock.now().date()
    units = await services.people.unit_names(officer.commune_id)
    more = await services.tasks.detail(task)
    await send_html(update, context, task_detail(context.t, services.tasks.view(task, today), units, more.history,
                                                 more.reports, more.owner.name if more.owner else None))


def _code(ref: str) -> str:
    """'nv 2.3', '2.3.', 'tctp3.4.2' -> the normalised code."""
    s = fold_1to1(ref.strip()[:64])  # a code is short; a pasted essay is not searched
    m = re.search(r"\b(tctp|tcxp|tc)\s*(\d+(?:\.\d+)*)", s)
    if m:
        return f"{m.group(1).upper()} {m.group(2)}"
    m = re.search(r"(\d+(?:\.\d+)+|\d+\.[a-z]\.\d+)", s)
    return m.group(1) if m else ref.strip()


@requires(Perm.ASSIGN)
async def giao(update: Update, context: BotContext) -> None:
    """/giao 2.3 <officer or unit>: assign or reassign; the new owner is told."""
    officer = context.officer
    assert officer is not None
    args = context.args or []
    if len(args) < 2:
        await reply(update, context, "assign.usage")
        return
    services = context.services
    task = await services.tasks.by_code(officer.commune_id, _code(args[0]))
    if task is None:
        await reply(update, context, "tasks.unknown_code", code=args[0])
        return
    target = " ".join(args[1:])
    people = await services.people.active(officer.commune_id)
    owner = _find_person(target, people)
    now = services.clock.now()
    if owner is None:
        unit = unit_key(target)
        if unit is None:
            await reply(update, context, "assign.unknown_target", target=target)
            return
        await services.tasks.assign_to_unit(task, unit, officer, now)
        names = await services.people.unit_names(officer.commune_id)
        await reply(update, context, "assign.to_unit", code=task.code, unit=names.get(unit, unit))
        return
    await services.tasks.assign(task, owner, officer, now)
    await reply(update, context, "assign.done", code=task.code, name=owner.name)
    t_owner = services.t(owner)
    await context.bot.send_message(
        owner.telegram_id,
        t_owner("assign.notice", code=esc(task.code), title=esc(short(task.title, 120)), by=esc(officer.name)),
    )


def _find_person(target: str, people: list[Officer]) -> Officer | None:
    target = target.strip().lstrip("@")
    if target.isdigit():
        return next((p for p in people if p.telegram_id == int(target)), None)
    folded = fold_1to1(target)
    scored = sorted(((fuzz.WRatio(folded, fold_1to1(p.name)), p) for p in people), key=lambda x: -x[0])
    if scored and scored[0][0] >= 85 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 5):
        return scored[0][1]
    return None


@requires(Perm.ASSIGN)
async def han(update: Update, context: BotContext) -> None:
    """/han 2.3 31/12: change a due date; the old one stays in the history."""
    officer = context.officer
    assert officer is not None
    args = context.args or []
    services = context.services
    if len(args) < 2:
        await reply(update, context, "due.usage")
        return
    task = await services.tasks.by_code(officer.commune_id, _code(args[0]))
    if task is None:
        await reply(update, context, "tasks.unknown_code", code=args[0])
        return
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?", " ".join(args[1:]))
    today = services.clock.now().date()
    due = None
    if m:
        day, month = int(m.group(1)), int(m.group(2))
        if m.group(3):
            year = int(m.group(3))
            year = year + 2000 if year < 100 else year
            if not MIN_YEAR <= year <= MAX_YEAR:  # "31/12/9999", the usual "no deadline" placeholder
                await reply(update, context, "due.out_of_range", value=" ".join(args[1:]), max=MAX_YEAR)
                return
            due = safe_date(year, month, day)
        else:
            due = nearest(month, day, today, past=False)
    if due is None:
        await reply(update, context, "due.bad_date", value=" ".join(args[1:]))
        return
    await services.tasks.set_due(task, due, officer, services.clock.now())
    old = context.t.date(task.due_date) if task.due_date else "—"
    await reply(update, context, "due.done", code=task.code, old=old, new=context.t.date(due))

