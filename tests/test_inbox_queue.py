"""The inbox is the durable queue (issue 12): stored before Telegram is told, handled from there, once."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.core.clock import ManualClock
from bot.core.readback import Readback
from bot.offline.session import OfflineSession
from bot.serving.intake import poll
from tests.conftest import FRIDAY, OFFICER, add_people, import_seed_plan, texts


def _text_update(update_id: int, user: dict[str, Any], text: str, message_id: int) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": message_id, "date": int(FRIDAY.timestamp()), "text": text,
        "chat": {"id": user["id"], "type": "private"},
        "from": {"id": user["id"], "is_bot": False, "first_name": user["name"]},
    }}


@pytest.fixture
async def planned(settings: Settings) -> Settings:
    await add_people(settings)
    await import_seed_plan(settings)
    return settings


async def test_a_stored_update_not_yet_handled_is_handled_at_start_once(planned: Settings, tmp_path: Path) -> None:
    first = OfflineSession(planned, ManualClock(FRIDAY))
    async with first:
        # the bot stops (kill -9) right after the commit: stored, not handled, nobody answered
        todo = await first.app.intake.store([_text_update(500, OFFICER, "nv 1.1 đạt 50%", 77)])
        assert len(todo) == 1
        assert not texts(first, OFFICER["id"])
    second = OfflineSession(planned, ManualClock(FRIDAY))
    async with second:  # at start: handled
        [readback] = texts(second, OFFICER["id"])
        assert "50%" in readback
        inbox = await second.app.services.repos.inbox.all()
        assert [(r["update_id"], r["status"]) for r in inbox] == [(500, "handled")]
    third = OfflineSession(planned, ManualClock(FRIDAY))
    async with third:  # and never again
        assert not texts(third, OFFICER["id"])
        pending = await third.app.services.db.fetchall("SELECT id FROM pending_reports")
        assert len(pending) == 1


async def test_an_update_delivered_twice_is_stored_and_handled_once(planned: Settings) -> None:
    s = OfflineSession(planned, ManualClock(FRIDAY))
    async with s:
        update = _text_update(700, OFFICER, "nv 1.2 đạt 30%", 5)
        assert await s.app.intake.submit([update]) == 1
        assert await s.app.intake.submit([update]) == 0  # Telegram resending after a lost confirmation
        assert len(texts(s, OFFICER["id"])) == 1


async def test_handled_again_after_a_crash_before_any_answer_makes_no_second_readback(planned: Settings) -> None:
    s = OfflineSession(planned, ManualClock(FRIDAY))
    async with s:
        [(inbox_id, data)] = await s.app.intake.store([_text_update(800, OFFICER, "nv 1.3 đạt 40%", 9)])
        await s.app.intake.handle(inbox_id, data)
        # as if the process died before the mark reached the disk: the row says 'received' again
        await s.app.services.repos.inbox.mark(inbox_id, "received")
        await s.app.intake.recover()
        rows = await s.app.services.db.fetchall("SELECT id FROM pending_reports WHERE inbox_id = ?", (inbox_id,))
        assert len(rows) == 1


async def test_polling_confirms_a_batch_only_after_it_is_committed(planned: Settings) -> None:
    s = OfflineSession(planned, ManualClock(FRIDAY))
    async with s:
        api = s.app.intake.app.bot
        s.api.pending_updates = [_text_update(1000 + i, OFFICER, f"nv 1.1 đạt {10 + i}%", 100 + i) for i in range(5)]
        inbox = s.app.services.repos.inbox
        real_store = inbox.store_batch
        failures = {"left": 2}

        confirmed_at_store: list[int] = []

        async def failing_store(rows: Any) -> Any:  # the disk is full twice, then has room again
            confirmed_at_store.append(s.api.confirmed_below)
            if failures["left"]:
                failures["left"] -= 1
                raise OSError("database or disk is full")
            return await real_store(rows)

        inbox.store_batch = failing_store  # type: ignore[method-assign]
        stop = asyncio.Event()
        seen: list[int] = []

        async def watch() -> None:
            while not stop.is_set():
                seen.append(s.api.confirmed_below)
                if s.app.intake.handled >= 5 and s.api.confirmed_below >= 1005:  # handled, then confirmed
                    stop.set()
                await asyncio.sleep(0.01)

        s.app.services.sleep = lambda seconds: asyncio.sleep(0)  # type: ignore[assignment,return-value]
        import bot.serving.intake as intake_module

        real_sleep = intake_module._sleep_or_stop
        intake_module._sleep_or_stop = lambda stop_, seconds: asyncio.sleep(0)  # type: ignore[assignment]
        try:
            await asyncio.wait_for(asyncio.gather(poll(s.app.intake, timeout=0, stop=stop), watch()), 20)
        finally:
            intake_module._sleep_or_stop = real_sleep
        assert api is s.app.bot
        # nothing was confirmed while the store failed, nor before the successful commit; then all of it
        assert confirmed_at_store == [0, 0, 0]
        assert s.api.confirmed_below == 1005 and seen
        rows = await s.app.services.db.fetchall("SELECT update_id, status FROM inbox ORDER BY update_id")
        assert [(r[0], r[1]) for r in rows] == [(1000 + i, "handled") for i in range(5)]
        assert len(texts(s, OFFICER["id"])) == 5


def test_file_downloads_follow_a_self_hosted_bot_api(tmp_path: Path) -> None:
    from bot.app import build_application
    from bot.config import load_settings

    token = "123456789:AAH-self-hosted-0123456789abcdef"
    settings = load_settings(env_file=None, db_path=tmp_path / "s.sqlite3", token=token,
                             base_url="http://127.0.0.1:8081")
    app = build_application(settings)
    assert app.bot.base_url == f"http://127.0.0.1:8081/bot{token}"
    assert app.bot.base_file_url == f"http://127.0.0.1:8081/file/bot{token}"


async def test_one_message_a_second_per_private_chat() -> None:
    import time

    from bot.serving.safebot import ChatRateLimiter

    limiter = ChatRateLimiter(max_retries=0)
    stamps: dict[int, list[float]] = {1: [], 2: []}

    async def send(chat: int) -> bool:
        stamps[chat].append(time.perf_counter())
        return True

    for chat in (1, 2, 1, 2):
        await limiter.process_request(send, (chat,), {}, "sendMessage", {"chat_id": chat}, None)
    assert stamps[1][1] - stamps[1][0] >= 0.9  # the same person: a second apart
    assert stamps[2][0] - stamps[1][0] < 0.5  # another person is not held back by the first


async def test_an_edit_finds_the_readback_of_the_chat_it_was_written_in(repos: Any) -> None:
    commune = await repos.communes.get_or_create("Xã Thử")
    officer = await repos.officers.add(commune.id, 42, "A", ["officer"], "tu-phap")
    group_rb = await repos.readbacks.create(commune_id=commune.id, officer_id=officer.id, chat_id=42,
                                          source_message_id=5, inbox_id=None, payload=Readback(text="x"), at=FRIDAY,
                                          source_chat_id=-100123)
    private_rb = await repos.readbacks.create(commune_id=commune.id, officer_id=officer.id, chat_id=42,
                                            source_message_id=5, inbox_id=None, payload=Readback(text="x"), at=FRIDAY,
                                            source_chat_id=42)
    assert (await repos.readbacks.by_source(-100123, 5)).id == group_rb.id
    assert (await repos.readbacks.by_source(42, 5)).id == private_rb.id
