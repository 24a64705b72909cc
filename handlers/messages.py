"""Free text from registered users: understood reports and the friendly 'not understood' reply."""

from __future__ import annotations

from telegram import Update

from bot.app import BotContext
from handlers.common import reply


async def text_message(update: Update, context: BotContext) -> None:
    msg = update.effective_message
    chat = update.effective_chat
    if msg is None or chat is None or not msg.text:
        return
    if chat.type != "private":
        return  # in groups the bot answers only commands, mentions and replies
    from bot.core.parse import parse_message

    result = parse_message(msg.text, now=context.services.clock.now())
    if result.intent == "unknown":
        await reply(update, context, "report.not_understood")
        return
    lines = [context.t("report.readback_header")]
    for item in result.progress:
        lines.append(context.t(
            "report.readback_item",
            task=item.task_ref or item.task_hint or "?",
            percent="-" if item.percent is None else f"{item.percent}%",
            status=context.t(f"status.{item.status or 'unknown'}"),
        ))
    if result.dossier:
        t = context.t
        counts = ", ".join(f"{t(f'count.{k}')}: {t.number(v)}" for k, v in result.dossier.counts.items())
        lines.append(context.t("report.readback_dossier", counts=counts))
    await reply(update, context, "report.understood_preview", summary="\n".join(lines))
