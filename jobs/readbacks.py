"""A read-back nobody confirmed becomes a draft at its time: kept, still savable, and the sender is shown so."""

from __future__ import annotations

from handlers.common import edit_html
from handlers.context import BotContext
from handlers.render import readback_buttons, readback_text


async def expire_readback(context: BotContext) -> None:
    """An unconfirmed read-back becomes a draft: kept, still savable, and the sender is shown so."""
    job = context.job
    if job is None:
        return
    pending_id = int(str(job.data))
    services = context.services
    pending = await services.readbacks.expire(pending_id)
    if pending is None or pending.bot_message_id is None:
        return
    officer = await services.repos.officers.by_id(pending.officer_id)
    t = services.t(officer)
    await edit_html(context, pending.chat_id, pending.bot_message_id,
                    readback_text(t, pending.payload, "draft") + "\n" + t("readback.draft_hint"),
                    readback_buttons(t, pending))
