"""The global error handler: log with context, mark the inbox row failed, tell the user kindly."""

from __future__ import annotations

import logging
import uuid

from telegram import Update

from bot.serving.intake import CURRENT
from handlers.context import BotContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    ref = uuid.uuid4().hex[:8]
    update_id = update.update_id if isinstance(update, Update) else None
    user_id = update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    log.error("error %s handling update %s from user %s", ref, update_id, user_id, exc_info=context.error)
    services = context.services
    current = CURRENT.get()  # the error handler runs in the update's own task
    officer = None
    try:
        if current is not None:
            current.failed = True
            await services.inbox.failed(current.inbox_id, f"{ref}: {type(context.error).__name__}")
        officer = await services.people.by_telegram_id(user_id) if user_id is not None else None
    except Exception:  # the database itself may be what failed
        log.exception("could not mark inbox row failed (ref %s)", ref)
    if isinstance(update, Update) and update.effective_chat is not None:
        t = services.t(officer)
        try:
            await context.bot.send_message(update.effective_chat.id, t("error.generic", ref=ref))
        except Exception:
            log.exception("could not tell the user about error %s", ref)
