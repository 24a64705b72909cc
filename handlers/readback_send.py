"""Sending a read-back (in the sender's private chat; a group only gets a pointer) and answering a stale or
forged button: shared by free-text reports, the guided form and quick updates."""

from __future__ import annotations

from datetime import timedelta

from telegram import Message, Update
from telegram.error import Forbidden

from bot.core.readback import ReadbackRecord
from handlers.common import reply, send_html
from handlers.context import BotContext
from handlers.render import readback_buttons, readback_text
from jobs import schedule_at
from jobs.readbacks import expire_readback


async def send_readback(update: Update, context: BotContext, pending: ReadbackRecord, *, in_group: bool) -> None:
    services = context.services
    text = readback_text(context.t, pending.payload)
    markup = readback_buttons(context.t, pending)
    sent: Message | None = None
    if in_group:  # read-backs go to the private chat so the group stays quiet
        try:
            sent = await context.bot.send_message(
                pending.chat_id, text, reply_markup=markup
            )
            await reply(update, context, "group.moved_private")
        except Forbidden:
            sent = None
    if sent is None:
        sent = await send_html(update, context, text, markup=markup)
    if sent is not None:
        await services.readbacks.shown(pending, sent.chat.id, sent.message_id)
    if markup is not None:
        when = services.clock.now() + timedelta(minutes=services.settings.readback_minutes)
        schedule_at(context.application, expire_readback, when, f"readback:{pending.id}", pending.id)


async def forged(update: Update, context: BotContext) -> None:
    """Stale or forged callback data: nothing happens to anyone's report; it is audited."""
    services = context.services
    query = update.callback_query
    officer = context.officer
    await services.journal.log("bad_callback", user_id=update.effective_user.id if update.effective_user else None,
                               at=services.clock.now(), officer=officer,
                               detail=(query.data or "")[:64] if query else None)
    if query is not None:
        await query.answer(context.t("readback.not_yours_button"), show_alert=True)
