"""Deadline extensions in chat: an officer writes "xin gia hạn nv 2.3 đến 30/12 vì …"; the chairman gets it
with ✅ Đồng ý / ❌ Không; the officer is told the decision, and /nhiemvu 2.3 shows the new due date and
the old one."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.services.extensions import Asked, request_of
from handlers.callbacks import ExtensionDecision
from handlers.common import button, edit_html, esc, notify, reply
from handlers.context import BotContext
from handlers.render import short


async def maybe_request(update: Update, context: BotContext, text: str) -> bool:
    """An extension request: recorded and sent to the chairman. True when the message was one."""
    officer = context.officer
    services = context.services
    now = services.clock.now()
    req = request_of(text, now.date())
    if req is None or officer is None:
        return False
    asked = await services.extensions.ask(officer, req, now)
    if not isinstance(asked, Asked):
        await reply(update, context, f"extension.{asked}", code=req.code)
        return True
    task = asked.task
    for chairman in asked.deciders:
        t = services.t(chairman)
        markup = InlineKeyboardMarkup([[
            ExtensionDecision("y", asked.history_id).button(t("extension.yes")),
            ExtensionDecision("n", asked.history_id).button(t("extension.no"))]])
        old = t.date(task.due_date) if task.due_date else "—"
        await notify(context, chairman, t(
            "extension.ask", name=esc(officer.name), code=esc(task.code), title=esc(short(task.title, 80)),
            old=old, new=t.date(asked.until), reason=esc(asked.reason or t("extension.no_reason"))), markup)
    await reply(update, context, "extension.sent", code=task.code, date=context.t.date(asked.until))
    return True


async def decision_button(update: Update, context: BotContext) -> None:
    pressed = button(update, context, ExtensionDecision)
    if pressed is None:
        return
    query, officer, m = pressed
    t = context.t
    if m is None:
        await query.answer(t("misc.forbidden"), show_alert=True)
        return
    services = context.services
    decided = await services.extensions.decide(officer, m.history_id, m.answer == "y",
                                               services.clock.now())
    if isinstance(decided, str):
        await query.answer(t(f"extension.{decided}"), show_alert=True)
        return
    key = "extension.approved" if decided.approved else "extension.declined"
    await query.answer(t(key, code=decided.task.code, date=t.date(decided.until)))
    if query.message is not None:
        await edit_html(context, query.message.chat.id, query.message.message_id,
                        t(key, code=esc(decided.task.code), date=t.date(decided.until)))
    if decided.asker is not None:
        at = services.t(decided.asker)
        # one who blocked the bot is not told; the decision stands all the same
        await notify(context, decided.asker, at(key + "_told", code=esc(decided.task.code),
                                                date=at.date(decided.until), name=esc(officer.name)))
