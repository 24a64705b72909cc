"""Sending each reminder at most once per (rule, person, occurrence) through the sent-ledger: claimed before
it goes out, marked sent after, released when it could not be delivered (a later run sends it)."""


from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application

from bot.core.models import Officer

log = logging.getLogger(__name__)


#: set by the rule's run: who could not be reached for a passing reason (Telegram still refusing after the
#: request layer's tries, the network), so the run is tried again soon for them, not only at the next occurrence
UNDELIVERED: ContextVar[list[int] | None] = ContextVar("cchc_undelivered", default=None)

Buttons = list[list[tuple[str, str]]]  # (label, callback data) rows: built into a keyboard only when sent


@dataclass
class Outgoing:
    officer: Officer
    text: str
    buttons: Buttons | None = None
    document: tuple[str, bytes] | None = None


async def send_once(
    app: Application, officer: Officer, rule: str, occurrence: str, text: str,
    buttons: Buttons | None = None, document: tuple[str, bytes] | None = None,
) -> bool:
    return bool(await send_batch(app, rule, occurrence, [Outgoing(officer, text, buttons, document)]))


async def send_batch(app: Application, rule: str, occurrence: str, items: list[Outgoing]) -> int:
    """Send one occurrence of a rule to many people, once each: who had it already is read in one query;
    each person is claimed ('sending') right before their message goes out and marked 'sent' after. After a
    crash in the middle of a run, a restart sends the rest, and the one message that was in flight again
    (it may have gone out: one possible duplicate rather than a missed reminder). A claim whose message
    could not be delivered is released so a later run tries again. Returns how many were sent now."""
    if not items:
        return 0
    services = app.services  # type: ignore[attr-defined]
    done = await services.repos.ledger.already(rule, occurrence, [x.officer.id for x in items])
    sent = 0
    for item in items:
        if item.officer.id in done:
            continue
        if not await services.repos.ledger.claim(item.officer.commune_id, rule, item.officer.id, occurrence,
                                                 services.clock.now()):
            continue
        if await deliver(app, item):
            await services.repos.ledger.mark_sent(rule, item.officer.id, occurrence)
            sent += 1
        else:
            await services.repos.ledger.release(rule, item.officer.id, occurrence)
            log.warning("reminder %s/%s to officer %s not delivered; will retry", rule, occurrence, item.officer.id)
    return sent


async def deliver(app: Application, item: Outgoing) -> bool:
    """Send one reminder; False when it could not be delivered. Retries are the request layer's alone
    (`bot.serving.retry`): what still fails here is released, and the rule's run is tried again a few
    minutes later (`jobs.schedule.RETRY_MINUTES`), then at its next occurrence."""
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in item.buttons]
    ) if item.buttons else None
    chat = item.officer.telegram_id
    try:
        await app.bot.send_message(chat, item.text[:4096], reply_markup=markup)
        if item.document is not None:
            await app.bot.send_document(chat, InputFile(item.document[1], filename=item.document[0]))
    except TelegramError as exc:  # blocked, chat gone, or Telegram still refusing after the retries
        log.info("reminder to %s not delivered: %s", chat, type(exc).__name__)
        waiting = UNDELIVERED.get()
        if waiting is not None and not isinstance(exc, Forbidden | BadRequest):  # blocked or gone: no retry
            waiting.append(item.officer.id)
        return False
    return True



async def no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)
