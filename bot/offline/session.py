"""An offline session: the real Application on the offline Bot API with a manual clock.

Replay, the console and the bot tests drive the bot through this class, as a Telegram client would:
text, commands, button presses, edits, files, and the passing of time.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram.ext import Job

from bot.app import CCHCApplication, build_application, on_shutdown, on_startup
from bot.config import Settings
from bot.core.clock import ManualClock
from bot.offline.botapi import FaultPlan, OfflineBotAPI, SentCall

log = logging.getLogger(__name__)


class SessionError(Exception):
    """Something the script asked for cannot be done (no such button, nothing to edit…)."""


class OfflineSession:
    def __init__(
        self, settings: Settings, clock: ManualClock, *, files_dir: Path | None = None,
        faults: FaultPlan | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.api = OfflineBotAPI(clock, files_dir=files_dir, faults=faults)
        self.app: CCHCApplication = build_application(settings, request=self.api, clock=clock)
        self.app.services.sleep = _no_wait
        self._update_ids = itertools.count(1)
        self._last_text: dict[tuple[int, int], dict[str, Any]] = {}
        self.started = False

    async def __aenter__(self) -> OfflineSession:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        await self.app.initialize()
        jq = self.app.job_queue
        assert jq is not None
        # the scheduler keeps the jobs but never fires on real time: advance_to fires them
        jq.scheduler.start(paused=True)
        await on_startup(self.app)
        # update ids go on from the database's last one, as Telegram's do
        self._update_ids = itertools.count(await self.app.services.repos.inbox.max_update_id() + 1)
        self.started = True

    async def stop(self) -> None:
        if not self.started:
            return
        self.started = False
        jq = self.app.job_queue
        if jq is not None and jq.scheduler.running:
            jq.scheduler.shutdown(wait=False)
        await on_shutdown(self.app)
        await self.app.shutdown()

    # -- what people do -----------------------------------------------------------------------
    @staticmethod
    def _user(user: dict[str, Any]) -> dict[str, Any]:
        name = str(user.get("name") or user.get("first_name") or f"user{user['id']}")
        return {"id": int(user["id"]), "is_bot": False, "first_name": name, "language_code": "vi"}

    @staticmethod
    def _chat(user: dict[str, Any], chat: dict[str, Any] | None) -> dict[str, Any]:
        if chat:
            return {"id": int(chat["id"]), "type": chat.get("type", "group"), "title": chat.get("title", "")}
        return {"id": int(user["id"]), "type": "private", "first_name": user.get("name", "")}

    async def _process(self, data: dict[str, Any]) -> None:
        """As Telegram would deliver it: stored in the inbox first, then handled (`bot.serving.intake`)."""
        data["update_id"] = next(self._update_ids)
        await self.app.intake.submit([data])
        await self.app.intake.drain_refusals()

    def _message(self, user: dict[str, Any], chat: dict[str, Any] | None) -> dict[str, Any]:
        c = self._chat(user, chat)
        return {
            "message_id": self.api.reserve_message_id(c["id"]),
            "date": int(self.clock.now().timestamp()),
            "chat": c,
            "from": self._user(user),
        }

    @staticmethod
    def _entities(text: str) -> list[dict[str, Any]]:
        if text.startswith("/"):
            length = len(text.split()[0]) if text.split() else 1
            return [{"type": "bot_command", "offset": 0, "length": length}]
        return []

    async def send_text(self, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None) -> None:
        msg = self._message(user, chat)
        msg["text"] = text
        if ents := self._entities(text):
            msg["entities"] = ents
        self._last_text[(int(user["id"]), msg["chat"]["id"])] = msg
        await self._process({"message": msg})

    async def edit(self, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None) -> None:
        key = (int(user["id"]), self._chat(user, chat)["id"])
        last = self._last_text.get(key)
        if last is None:
            raise SessionError("nothing to edit: this user has sent no text in that chat")
        msg = dict(last)
        msg["text"] = text
        msg["edit_date"] = int(self.clock.now().timestamp())
        msg.pop("entities", None)
        if ents := self._entities(text):
            msg["entities"] = ents
        self._last_text[key] = msg
        await self._process({"edited_message": msg})

    def buttons(self, chat_id: int) -> list[dict[str, Any]]:
        message = self.api.latest_with_buttons.get(chat_id)
        if not message:
            return []
        return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]

    async def press(self, user: dict[str, Any], label: str, chat: dict[str, Any] | None = None,
                    on: int | None = None) -> None:
        """Press the button whose label contains `label`: on the latest bot message that has buttons now, or,
        with `on=N`, on the N-th latest message the bot *sent* with buttons, with the buttons it was sent
        with, even if they have since been edited away (an old message still on a phone; a forged press)."""
        chat_id = self._chat(user, chat)["id"]
        if on is None:
            message = self.api.latest_with_buttons.get(chat_id)
        else:
            sent = self.api.sent_with_buttons.get(chat_id, [])
            if on < 1 or on > len(sent):
                raise SessionError(f"the bot has sent {len(sent)} message(s) with buttons in chat {chat_id};"
                                   f" there is no number {on}")
            message = sent[-on]
        if not message:
            raise SessionError(f"no message with buttons in chat {chat_id}")
        buttons = [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
        for button in buttons:
            if label in button.get("text", ""):
                await self.press_data(user, message, button.get("callback_data", ""), chat)
                return
        labels = ", ".join(b.get("text", "") for b in buttons)
        raise SessionError(f"no button with {label!r} (buttons: {labels})")

    async def press_data(
        self, user: dict[str, Any], message: dict[str, Any], data: str, chat: dict[str, Any] | None = None
    ) -> None:
        """Press with any callback data, including forged data (used by the hostile-input tests)."""
        chat_id = self._chat(user, chat)["id"]
        await self._process({"callback_query": {
            "id": self.api.new_callback_id(chat_id), "from": self._user(user), "message": message,
            "chat_instance": str(chat_id), "data": data,
        }})

    async def send_document(
        self, user: dict[str, Any], path: Path, caption: str | None = None, chat: dict[str, Any] | None = None
    ) -> None:
        data = path.read_bytes()
        fid = self.api.register_file(data)
        msg = self._message(user, chat)
        msg["document"] = {"file_id": fid, "file_unique_id": fid, "file_name": path.name, "file_size": len(data)}
        if caption:
            msg["caption"] = caption
        await self._process({"message": msg})

    # -- time -----------------------------------------------------------------------------------
    async def advance_to(self, when: datetime) -> int:
        """Move the clock to `when`, running every job due on the way at its own time. Returns jobs run."""
        jq = self.app.job_queue
        assert jq is not None
        ran = 0
        while True:
            # APScheduler's job store keeps jobs ordered by next run time: the first due one is all we need
            # (listing every job at every step made a long replay quadratic)
            due = jq.scheduler._lookup_jobstore("default").get_due_jobs(when)
            first = due[0] if due else None
            if first is None:
                break
            job: Job[Any] = Job.from_aps_job(first)
            assert job.next_t is not None
            if job.next_t > self.clock.now():
                self.clock.set(job.next_t)
            trigger = job.job.trigger
            fired_at = job.next_t
            if _is_once(trigger):
                job.schedule_removal()
            await job.run(self.app)
            ran += 1
            if not _is_once(trigger):
                nxt = trigger.get_next_fire_time(fired_at, self.clock.now())
                if nxt is None:
                    job.schedule_removal()
                else:
                    job.job.modify(next_run_time=nxt)
        if when > self.clock.now():
            self.clock.set(when)
        return ran

    def calls_since(self, index: int) -> list[SentCall]:
        return self.api.calls[index:]


async def _no_wait(seconds: float) -> None:
    """Simulated time does not wait for real seconds."""
    await asyncio.sleep(0)


def _is_once(trigger: object) -> bool:
    return type(trigger).__name__ == "DateTrigger"
