"""The inbox is the durable queue: every update is committed to the inbox before Telegram is told it was
received, and handled from there.

- Polling (`poll`): a batch from getUpdates is committed in one statement, and only then is the next offset
  asked for (which is what tells Telegram the batch was delivered).
- Webhook (`bot.serving.webhook`): the request is answered after the update is committed and handled.
- Offline (console, replay, tests): `OfflineSession` submits through the same `Intake.submit`.
- At start, `recover` handles every stored update that was not handled yet, oldest first, once.

An update is marked handled durably before the bot's first visible answer to it (see `bot.serving.safebot`), so an
update is handled again after a crash only if nobody saw anything of it yet; the read-back it made the first
time is found again by its inbox id, so nothing is doubled.

Strangers (no active officer, not `/start CODE`) never reach the handlers: their updates are kept as a short
record (id, time, kind; no text, no raw JSON), at most `STRANGER_RECORDS` per stranger and window, and they
get the refusal from a side queue with bounded size, so a crowd of strangers cannot delay officers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from aiolimiter import AsyncLimiter
from telegram import Update
from telegram.error import TelegramError
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.i18n import translator
from bot.services.container import Services
from storage.db import CURRENT_UPDATE, UpdateMark
from storage.repositories import InboxRow


class App(Protocol):
    """What the intake needs of the Application (bot.app.CCHCApplication is one)."""

    services: Services

    @property
    def bot(self) -> Any: ...

    async def process_update(self, update: object) -> None: ...

log = logging.getLogger(__name__)


Current = UpdateMark  # the update being handled in this task (see storage.db)
CURRENT = CURRENT_UPDATE


def kind_of(data: dict[str, Any]) -> str:
    if "callback_query" in data:
        return "callback"
    if "edited_message" in data:
        return "edit"
    msg = data.get("message") or data.get("channel_post") or {}
    if not msg:
        return "other"
    if "document" in msg:
        return "document"
    if "photo" in msg:
        return "photo"
    text = msg.get("text")
    if isinstance(text, str):
        return "command" if text.startswith("/") else "text"
    return "other"


def _sender_chat_text(data: dict[str, Any]) -> tuple[int | None, int | None, str | None]:
    if "callback_query" in data:
        q = data["callback_query"]
        msg = q.get("message") or {}
        return (q.get("from") or {}).get("id"), (msg.get("chat") or {}).get("id"), q.get("data")
    for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
        if key in data:
            msg = data[key] or {}
            text = msg.get("text") if msg.get("text") is not None else msg.get("caption")
            return (msg.get("from") or {}).get("id"), (msg.get("chat") or {}).get("id"), text
    for value in data.values():
        if isinstance(value, dict) and isinstance(value.get("from"), dict):
            return value["from"].get("id"), None, None
    return None, None, None


def _sender_key(data: dict[str, Any]) -> object:
    """Whose turn an update waits for: its sender (or its chat when it has no sender)."""
    user_id, chat_id, _ = _sender_chat_text(data)
    return ("user", user_id) if user_id is not None else ("chat", chat_id)


def _is_invite_start(text: str | None) -> bool:
    if not text:
        return False
    parts = text.split()
    return len(parts) == 2 and parts[0].split("@")[0] == "/start"


@dataclass(frozen=True)
class Refusal:
    """A stranger's attempt: audited; answered when it is the first of its window in a private chat."""

    user_id: int
    kind: str
    private: bool
    deactivated: bool
    callback_id: str | None = None


class StrangerGate:
    """How much of a stranger is kept: `records` short records per `window` seconds (then nothing), and one
    refusal per `window`."""

    def __init__(self, records: int = 3, window: float = 600.0) -> None:
        self.records = records
        self.window = window
        self._seen: dict[int, tuple[float, int]] = {}

    def admit(self, user_id: int, now: float) -> tuple[bool, bool]:
        """(store a short record, send the refusal)."""
        since, count = self._seen.get(user_id, (now, 0))
        if now - since >= self.window:
            since, count = now, 0
        count += 1
        self._seen[user_id] = (since, count)
        if len(self._seen) > 50_000:  # forget the oldest half rather than grow without end
            for key in sorted(self._seen, key=lambda k: self._seen[k][0])[:25_000]:
                del self._seen[key]
        return count <= self.records, count == 1


class Intake:
    """Store, then handle. One per application (`app.intake`)."""

    #: refusals waiting to be sent to strangers; more than this are dropped (the short record stays)
    REFUSAL_QUEUE = 1000
    #: strangers get at most this many of the bot's ~30 messages a second, so officers keep the rest
    REFUSALS_PER_SECOND = 5
    #: how many people's updates of one batch are handled at the same time
    CONCURRENT = 16

    def __init__(self, app: App, *, inline_refusals: bool = False) -> None:
        self.app = app
        self.strangers = StrangerGate()
        self.inline_refusals = inline_refusals
        self._refusals: asyncio.Queue[Refusal] = asyncio.Queue(self.REFUSAL_QUEUE)
        self._refusal_pace = AsyncLimiter(self.REFUSALS_PER_SECOND, 1)
        self._worker: asyncio.Task[None] | None = None
        self._locks: dict[object, asyncio.Lock] = {}
        self._waiting: dict[object, int] = {}
        self.handled = 0

    # -- storing --------------------------------------------------------------------------------------
    async def _classify(self, data: dict[str, Any], raw: str | None) -> tuple[InboxRow, str]:
        """The inbox row for `data` and what to do with it: 'handle', 'stranger' (short record) or 'drop'.
        `raw` is the JSON text as it arrived, stored as it is (re-serialised only when not given)."""
        services = self.app.services
        user_id, chat_id, text = _sender_chat_text(data)
        kind = kind_of(data)
        now = services.clock.now()
        if raw is None:
            raw = json.dumps(data, ensure_ascii=False)
        full = InboxRow(int(data["update_id"]), user_id, chat_id, kind, text, raw, now)
        if user_id is None:
            return full, "handle"  # nobody to refuse (a channel post, a poll): the gatekeeper drops it
        officer = await services.repos.officers.by_telegram_id(int(user_id))
        if officer is not None and officer.active:
            return full, "handle"
        if _is_invite_start(text) and kind == "command":
            keep, _ = self.strangers.admit(int(user_id), now.timestamp())
            return full, "handle" if keep else "drop"
        keep, refuse = self.strangers.admit(int(user_id), now.timestamp())
        short = InboxRow(full.update_id, user_id, chat_id, kind, None, "", now, status="refused")
        if keep:
            callback = (data.get("callback_query") or {}).get("id")
            self._queue_refusal(Refusal(int(user_id), kind, private=chat_id == user_id and refuse,
                                        deactivated=officer is not None, callback_id=callback))
        return short, "stranger" if keep else "drop"

    async def store(self, items: list[dict[str, Any]], raws: list[str] | None = None
                    ) -> list[tuple[int, dict[str, Any]]]:
        """Commit a batch to the inbox in one statement; returns (inbox id, update) of those to handle, in
        order. The commit is not flushed here: the caller flushes (`services.db.flush()`) before it tells
        Telegram (confirming the offset, answering the webhook); in between, the updates' own effects join
        the same flush. `raws[i]` is the JSON text `items[i]` arrived as."""
        rows: list[InboxRow] = []
        todo: dict[int, dict[str, Any]] = {}
        for i, data in enumerate(items):
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                continue
            row, verdict = await self._classify(data, raws[i] if raws is not None else None)
            if verdict == "drop":
                continue
            rows.append(row)
            if verdict == "handle":
                todo[row.update_id] = data
        if not rows:
            return []
        with self.app.services.db.deferred():
            stored = await self.app.services.repos.inbox.store_batch(rows)
        return [(stored[uid], data) for uid, data in todo.items() if uid in stored]

    # -- handling -------------------------------------------------------------------------------------
    async def handle(self, inbox_id: int, data: dict[str, Any]) -> None:
        """Handle one stored update through the Application, with its inbox row as the current one. One
        person's updates are handled one at a time, in the order stored; different people's may overlap
        (while one waits for the disk or Telegram, the next goes on, and their commits share a flush)."""
        key = _sender_key(data)
        token = CURRENT.set(Current(inbox_id))
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            update = Update.de_json(data, self.app.bot)
            async with lock:
                await self.app.process_update(update)
            self.handled += 1
        finally:
            CURRENT.reset(token)
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    async def handle_all(self, todo: list[tuple[int, dict[str, Any]]]) -> None:
        """Handle a stored batch: each person's updates in order, up to CONCURRENT people at once."""
        if len(todo) <= 1:
            for inbox_id, data in todo:
                await self.handle(inbox_id, data)
            return
        chains: dict[object, list[tuple[int, dict[str, Any]]]] = {}
        for item in todo:
            chains.setdefault(_sender_key(item[1]), []).append(item)
        gate = asyncio.Semaphore(self.CONCURRENT)

        async def run(chain: list[tuple[int, dict[str, Any]]]) -> None:
            async with gate:
                for inbox_id, data in chain:
                    await self.handle(inbox_id, data)

        await asyncio.gather(*(run(chain) for chain in chains.values()))

    async def submit(self, items: list[dict[str, Any]], raws: list[str] | None = None) -> int:
        """Store a batch, then handle it. Returns how many were handled."""
        todo = await self.store(items, raws)
        await self.handle_all(todo)
        return len(todo)

    async def recover(self) -> int:
        """Handle every stored update that was not handled yet (the bot stopped after storing it)."""
        count = 0
        while True:
            rows = await self.app.services.repos.inbox.open_rows("received", limit=500)
            if not rows:
                return count
            for inbox_id, raw in rows:
                try:
                    data = json.loads(raw)
                except ValueError:
                    await self.app.services.repos.inbox.mark(inbox_id, "failed", error="unreadable JSON")
                    continue
                await self.handle(inbox_id, data)
                await self.app.services.repos.inbox.mark_handled_now(inbox_id)  # never twice, even if nothing wrote
                count += 1

    async def release_held(self, user_id: int) -> int:
        """Handle the messages held while `user_id` was paused for flooding, oldest first."""
        rows = await self.app.services.repos.inbox.open_rows("held", user_id=user_id, limit=200)
        for inbox_id, raw in rows:
            await self.app.services.repos.inbox.mark(inbox_id, "received")
            await self.handle(inbox_id, json.loads(raw))
        return len(rows)

    # -- strangers ------------------------------------------------------------------------------------
    def _queue_refusal(self, refusal: Refusal) -> None:
        try:
            self._refusals.put_nowait(refusal)
        except asyncio.QueueFull:
            log.warning("refusal queue full; a stranger goes unanswered")
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._send_refusals())

    async def _send_refusals(self) -> None:
        services = self.app.services
        while not self._refusals.empty():
            r = self._refusals.get_nowait()
            t = translator(services.settings.locale)
            key = "refuse.deactivated" if r.deactivated else "refuse.stranger"
            if not self.inline_refusals:
                await self._refusal_pace.acquire()
            try:
                await services.repos.audit.log("refused", user_id=r.user_id, at=services.clock.now(), detail=r.kind)
                if r.callback_id:
                    await self.app.bot.answer_callback_query(r.callback_id, t("refuse.short"), show_alert=True)
                elif r.private:  # a stranger in a group is not answered there
                    await self.app.bot.send_message(r.user_id, t(key, user_id=r.user_id))
            except Exception:  # a stranger who blocked the bot, a network fault: nothing to keep
                log.info("refusal to a stranger not delivered", exc_info=True)
            if not self.inline_refusals:
                await asyncio.sleep(0)

    async def drain_refusals(self) -> None:
        """Wait until the strangers' refusals queued so far are sent (offline sessions and tests)."""
        if self._worker is not None:
            await self._worker

    async def stop(self) -> None:
        if self._worker is not None and not self._worker.done():
            self._worker.cancel()


_DECODER = json.JSONDecoder()
_WS = " \t\n\r"


def split_updates(body: bytes) -> list[tuple[dict[str, Any], str]]:
    """A getUpdates answer (`{"ok": true, "result": [...]}`) as (update, the update's own JSON text) pairs,
    read in one pass: each update is decoded where it stands, and its text is the slice it was decoded from."""
    text = body.decode("utf-8")
    pos = _skip(text, 0)
    if text[pos:pos + 1] != "{":
        raise TelegramError("getUpdates: the answer is not a JSON object")
    pos += 1
    pairs: list[tuple[dict[str, Any], str]] | None = None
    ok = False
    while True:
        pos = _skip(text, pos)
        if text[pos:pos + 1] == "}":
            break
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text[pos:pos + 1] != ":":
            raise TelegramError("getUpdates: malformed answer")
        pos = _skip(text, pos + 1)
        if key == "result" and text[pos:pos + 1] == "[":
            pairs, pos = _split_array(text, pos + 1)
        else:
            value, pos = _DECODER.raw_decode(text, pos)
            if key == "ok":
                ok = value is True
        pos = _skip(text, pos)
        if text[pos:pos + 1] == ",":
            pos += 1
    if not ok or pairs is None:
        raise TelegramError("getUpdates: the answer is not ok")
    return pairs


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _split_array(text: str, pos: int) -> tuple[list[tuple[dict[str, Any], str]], int]:
    out: list[tuple[dict[str, Any], str]] = []
    while True:
        pos = _skip(text, pos)
        if text[pos:pos + 1] == "]":
            return out, pos + 1
        start = pos
        value, pos = _DECODER.raw_decode(text, pos)
        if isinstance(value, dict):
            out.append((value, text[start:pos]))
        pos = _skip(text, pos)
        if text[pos:pos + 1] == ",":
            pos += 1
        elif text[pos:pos + 1] != "]":
            raise TelegramError("getUpdates: malformed result array")


async def get_updates(bot: Any, params: dict[str, Any], read_timeout: float) -> list[tuple[dict[str, Any], str]]:
    """getUpdates through the bot's own polling request object (its error handling: 401, 409, 429, 5xx),
    but keeping the answer's bytes, so each update is stored as the text that arrived."""
    request = bot._request[0]  # python-telegram-bot's getUpdates request (v22), as Bot._do_post picks it
    data = RequestData(parameters=[RequestParameter.from_input(k, v) for k, v in params.items()])
    body = await request._request_wrapper(url=f"{bot.base_url}/getUpdates", method="POST", request_data=data,
                                          read_timeout=read_timeout)
    return split_updates(body)


async def poll(intake: Intake, *, timeout: int = 30, stop: asyncio.Event | None = None,
               on_error: Callable[[Exception], Awaitable[None]] | None = None) -> None:
    """Long polling with the inbox as the queue: get a batch, commit it, and only then ask for the next
    offset (which acknowledges the batch to Telegram). Runs until `stop` is set."""
    bot = intake.app.bot
    offset: int | None = None
    stop = stop or asyncio.Event()
    backoff = 1.0
    while not stop.is_set():
        try:
            data: dict[str, Any] = {"timeout": timeout, "allowed_updates": Update.ALL_TYPES}
            if offset is not None:
                data["offset"] = offset
            batch = await get_updates(bot, data, read_timeout=timeout + 10)
        except Exception as exc:
            if on_error is not None:
                await on_error(exc)
            log.warning("getUpdates failed (%s); retrying in %.0f s", type(exc).__name__, backoff)
            await _sleep_or_stop(stop, backoff)
            backoff = min(backoff * 2, 60.0)
            continue
        backoff = 1.0
        if not batch:
            await asyncio.sleep(0)  # an answer that came at once (a local Bot API) must not starve the loop
            continue
        try:
            todo = await intake.store([u for u, _ in batch], [raw for _, raw in batch])
            await intake.app.services.db.flush()  # the batch on disk: one fsync for all of it
        except Exception as exc:  # a full disk, a locked database: not confirmed, so Telegram keeps them
            log.error("could not store %d updates (%s); they stay with Telegram", len(batch), exc)
            await _sleep_or_stop(stop, backoff)
            backoff = min(backoff * 2, 60.0)
            continue
        # only now, with the batch on disk, does the next getUpdates confirm it to Telegram
        ids = [u["update_id"] for u, _ in batch if isinstance(u.get("update_id"), int)]
        if ids:
            offset = max(ids) + 1
        await intake.handle_all(todo)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)

