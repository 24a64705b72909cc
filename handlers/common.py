"""Helpers shared by handlers: replying in the user's language, HTML escaping."""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.app import BotContext


def esc(text: object) -> str:
    """Escape user-supplied text for Telegram HTML."""
    return html.escape(str(text), quote=False)


async def reply(
    update: Update, context: BotContext, key: str, *, markup: InlineKeyboardMarkup | None = None,
    **values: Any,
) -> Message | None:
    """Reply with the locale message `key`; string values are HTML-escaped."""
    safe = {k: esc(v) if isinstance(v, str) else v for k, v in values.items()}
    return await send_html(update, context, context.t(key, **safe), markup=markup)


async def send_html(
    update: Update, context: BotContext, text: str, *, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    chat = update.effective_chat
    if chat is None:
        return None
    return await context.bot.send_message(
        chat.id, text[:4096], parse_mode=ParseMode.HTML, reply_markup=markup,
        disable_web_page_preview=True,
    )
