"""Helpers shared by handlers: replying in the user's language, HTML escaping."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden

from bot.core.models import Officer
from bot.core.permissions import Perm, allowed
from bot.i18n import esc
from handlers import callbacks
from handlers.context import BotContext

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
P = TypeVar("P", bound=callbacks.Payload)

async def reply(
    update: Update, context: BotContext, key: str, *, markup: InlineKeyboardMarkup | None = None,
    **values: Any,
) -> Message | None:
    """Reply with the locale message `key`; string values are HTML-escaped."""
    safe = {k: esc(v) if isinstance(v, str) else v for k, v in values.items()}
    return await send_html(update, context, context.t(key, **safe), markup=markup)


def reply_chat_id(update: Update) -> int | None:
    """Where an answer goes: in a private chat the sender's own id (never a chat id the request chose), in a
    group the group (only group-safe commands answer there, see `handlers.pipeline`)."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None:
        return None
    if chat.type == "private" and user is not None:
        return user.id
    return chat.id


async def send_html(
    update: Update, context: BotContext, text: str, *, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    chat_id = reply_chat_id(update)
    if chat_id is None:
        return None
    return await context.bot.send_message(
        chat_id, text[:4096], reply_markup=markup,
    )


def requires(perm: Perm) -> Callable[[Handler], Handler]:
    """Only officers whose roles carry `perm` get through; others are told so, and it is audited."""

    def wrap(fn: Handler) -> Handler:
        @functools.wraps(fn)
        async def inner(update: Update, context: BotContext) -> None:
            officer = context.officer
            if officer is not None and allowed(officer.roles, perm):
                await fn(update, context)
                return
            await deny(update, context, perm, fn.__name__)

        return inner

    return wrap


async def deny(update: Update, context: BotContext, perm: Perm, what: str) -> None:
    """Tell the user they may not do this, and audit the attempt."""
    officer = context.officer
    services = context.services
    await services.journal.log("forbidden", user_id=update.effective_user.id if update.effective_user else None,
                               at=services.clock.now(), officer=officer, detail=f"{perm.value}:{what}")
    if update.callback_query:
        await update.callback_query.answer(context.t("misc.forbidden"), show_alert=True)
    else:
        await reply(update, context, "misc.forbidden")


async def notify(context: BotContext, person: Officer, text: str,
                 markup: InlineKeyboardMarkup | None = None) -> bool:
    """A message to another officer's private chat (a request, a decision, an answer passed on). False when
    they blocked the bot: the caller tells the sender who was not reached, or lets it be."""
    try:
        await context.bot.send_message(person.telegram_id, text[:4096], reply_markup=markup)
    except Forbidden:
        return False
    return True


async def edit_html(
    context: BotContext, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    try:
        await context.bot.edit_message_text(
            text[:4096], chat_id=chat_id, message_id=message_id, reply_markup=markup,
        )
    except BadRequest as exc:  # "message is not modified" and friends: nothing to do
        if "not modified" not in str(exc).lower():
            raise


def button(
    update: Update, context: BotContext, *types: type[P]
) -> tuple[CallbackQuery, Officer, P | None] | None:
    """A registered officer's button press and its payload when it is one of `types` (None when it is not a
    press; the payload is None when the data is stale or forged)."""
    query = update.callback_query
    officer = context.officer
    if query is None or officer is None or not query.data:
        return None
    payload = callbacks.decode(query.data)
    return query, officer, payload if isinstance(payload, types) else None
