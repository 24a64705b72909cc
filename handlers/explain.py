""""Yêu cầu giải trình": the escalation's button lists the overdue tasks; the chairman picks one, its owner
(or its lead unit) is asked, and their answer ("giải trình 1.4: …") is kept on the task and sent back."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.core.summary import overdue_tasks
from bot.services.explanations import answer_of
from handlers.callbacks import ExplainAsk, ExplainMenu
from handlers.common import button, esc, notify, reply
from handlers.context import BotContext
from handlers.render import short

LIST_MAX = 10


async def explain_button(update: Update, context: BotContext) -> None:
    pressed = button(update, context, ExplainMenu, ExplainAsk)
    if pressed is None:
        return
    query, officer, m = pressed
    t = context.t
    services = context.services
    if m is None or not officer.has_role("chairman"):
        await query.answer(t("misc.forbidden"), show_alert=True)
        return
    now = services.clock.now()
    if isinstance(m, ExplainMenu):  # the list
        late = overdue_tasks(await services.tasks.all(officer.commune_id), now.date(), services.calendar)
        await query.answer()
        if not late:
            await reply(update, context, "explain.none_overdue")
            return
        rows = [[InlineKeyboardButton(f"{x.task.code} · {short(x.task.title, 30)}",
                                      callback_data=ExplainAsk(x.task.id).encode())] for x in late[:LIST_MAX]]
        await reply(update, context, "explain.pick", markup=InlineKeyboardMarkup(rows))
        return
    assert isinstance(m, ExplainAsk)
    request = await services.explanations.ask(officer, m.task_id, now)
    if request is None:
        await query.answer(t("misc.forbidden"), show_alert=True)
        return
    task = request.task
    days = services.calendar.workdays_between(task.due_date, now.date()) if task.due_date else 0
    sent = []
    for person in request.asked:
        pt = services.t(person)
        if await notify(context, person, pt("explain.request", chairman=esc(officer.name), code=esc(task.code),
                                            title=esc(short(task.title, 80)), days=days)):
            sent.append(person.name)  # who blocked the bot is left out: the chairman sees who was reached
    await query.answer()
    if sent:
        await reply(update, context, "explain.asked", code=task.code, names=", ".join(sent))
    else:
        await reply(update, context, "explain.nobody", code=task.code)


async def maybe_answer(update: Update, context: BotContext, text: str) -> bool:
    """An answer to a request ("giải trình 1.4: …"): kept and passed on. True when the message was one."""
    parsed = answer_of(text)
    officer = context.officer
    if parsed is None or officer is None:
        return False
    services = context.services
    code, body = parsed
    answer = await services.explanations.answer(officer, code, body, services.clock.now())
    if answer is None:
        open_codes = await services.explanations.open_codes(officer)
        if not open_codes:
            return False  # not an answer after all: read as an ordinary message
        await reply(update, context, "explain.which", codes=", ".join(open_codes))
        return True
    await reply(update, context, "explain.saved", code=answer.task.code)
    for asker in answer.askers:
        at = services.t(asker)
        await notify(context, asker, at("explain.received", name=esc(officer.name), code=esc(answer.task.code),
                                        text=esc(answer.text)))
    return True
