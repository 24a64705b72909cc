"""The bot object every handler and job sends through (python-telegram-bot's `ExtBot`, extended):

- before the first visible answer to an update, that update is marked handled in the inbox, durably, so that
  a restart never handles twice something a person already saw an answer to (`bot.serving.intake`);
- before anything visible leaves, every commit so far is flushed to disk (group commit, `storage.db`): a
  "saved" a person reads is on disk, and the updates handled meanwhile share the fsync;
- a message Telegram rejects for its HTML ("can't parse entities": a name with "<3", a broken tag) is logged
  and sent again as plain text, never dropped;
- `ChatRateLimiter`: python-telegram-bot's `AIORateLimiter` (30 messages/s overall, 20/min per group) plus
  Telegram's 1 message/s per private chat.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest
from telegram.ext import AIORateLimiter, ExtBot

from bot.serving.intake import CURRENT

log = logging.getLogger(__name__)

#: methods whose effect a person sees
VISIBLE = frozenset({
    "sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto", "answerCallbackQuery",
    "sendMediaGroup", "copyMessage", "forwardMessage",
})
_TAG = re.compile(r"<[^<>]{0,200}>")


def plain(text: str) -> str:
    """HTML message text as the person would read it, without tags."""
    return html.unescape(_TAG.sub("", text))


class SafeBot(ExtBot[None]):
    def __init__(self, *args: Any, before_first_send: Callable[[int], Awaitable[None]] | None = None,
                 before_visible: Callable[[], Awaitable[None]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._before_first_send = before_first_send
        self._before_visible = before_visible

    async def _do_post(self, endpoint: str, data: dict[str, Any], **kwargs: Any) -> Any:
        if endpoint in VISIBLE:
            current = CURRENT.get()
            if current is not None and not current.marked and self._before_first_send:
                current.marked = True
                await self._before_first_send(current.inbox_id)
            if self._before_visible is not None:
                await self._before_visible()
        try:
            return await super()._do_post(endpoint, data, **kwargs)
        except BadRequest as exc:
            if "parse entities" not in str(exc).lower() or not data.get("parse_mode"):
                raise
            log.warning("%s rejected for its HTML (%s); sent again as plain text", endpoint, exc)
            retry = {k: v for k, v in data.items() if k not in ("parse_mode", "entities")}
            for key in ("text", "caption"):
                if isinstance(retry.get(key), str):
                    retry[key] = plain(retry[key])
            return await super()._do_post(endpoint, retry, **kwargs)


class ChatRateLimiter(AIORateLimiter):
    """`AIORateLimiter` plus one message a second per private chat (Telegram's limit), limiters kept for
    the chats seen lately only."""

    PRIVATE_MAX_CHATS = 4096

    def __init__(self, *, private_rate: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._private_rate = private_rate
        self._private: dict[int, AsyncLimiter] = {}

    def _private_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._private.get(chat_id)
        if limiter is None:
            if len(self._private) >= self.PRIVATE_MAX_CHATS:
                for key, old in list(self._private.items()):
                    if old.has_capacity(old.max_rate):
                        del self._private[key]
            limiter = self._private[chat_id] = AsyncLimiter(self._private_rate, 1)
        return limiter

    async def process_request(
        self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any, kwargs: dict[str, Any],
        endpoint: str, data: dict[str, Any], rate_limit_args: int | None,
    ) -> Any:
        chat_id = data.get("chat_id")
        if isinstance(chat_id, int) and chat_id > 0 and endpoint in VISIBLE and endpoint != "answerCallbackQuery":
            async with self._private_limiter(chat_id):
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
