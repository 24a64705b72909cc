"""The hot path makes one trip to the database thread per update besides storing it in the inbox: an
officer's report is one unit of work, a ✅ Lưu press another; where a message was shown rides along with
the next trip. What is saved, the caches and the durability stay as before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.config import Settings
from bot.core.clock import ManualClock
from bot.offline.session import OfflineSession
from storage import Database
from tests.conftest import FRIDAY, OFFICER, add_people, import_seed_plan, last


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts every hand-over to aiosqlite's thread."""
    count = [0]
    real = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return await real(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    yield count


async def _task(s: OfflineSession, code: str) -> Any:
    officer = await s.app.services.people.by_telegram_id(OFFICER["id"])
    assert officer is not None
    return await s.app.services.tasks.by_code(officer.commune_id, code)


async def test_a_report_and_its_save_are_one_trip_each(plan_session: OfflineSession, trips: list[int]) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 20%")  # warm the caches (people, the plan)
    await s.press(OFFICER, "Lưu")
    for percent in (40, 60, 80):
        trips[0] = 0
        await s.send_text(OFFICER, f"nv 1.1 đạt {percent}%")
        assert trips[0] == 2, "the inbox row, then the read-back"
        trips[0] = 0
        await s.press(OFFICER, "Lưu")
        assert trips[0] == 2, "the inbox row, then the save (checks, report, task, read-back, handled mark)"
        assert (await _task(s, "1.1")).percent == percent  # the cached plan has the saved state
    assert "80%" in last(s, OFFICER["id"])


async def test_where_a_read_back_was_shown_is_read_back_and_kept(settings: Settings, tmp_path: Path) -> None:
    await add_people(settings)
    await import_seed_plan(settings)
    s = OfflineSession(settings, ManualClock(FRIDAY), files_dir=tmp_path / "files")
    async with s:
        await s.send_text(OFFICER, "nv 1.2 đạt 30%")
        readback = (await s.app.services.readbacks.all_open())[-1]  # a read: sees the write that rode along
        assert readback.bot_message_id is not None
        shown = readback.bot_message_id
        await s.send_text(OFFICER, "nv 1.3 đạt 35%")  # another waiting write, then the bot stops
    db = await Database.open(settings.db_path)
    try:
        rows = await db.fetchall("SELECT bot_message_id FROM pending_reports ORDER BY id")
    finally:
        await db.close()
    assert shown in [r[0] for r in rows] and all(r[0] is not None for r in rows)  # written at close


async def test_a_failed_unit_changes_nothing_and_keeps_the_waiting_writes(tmp_path: Any) -> None:
    db = await Database.open(tmp_path / "u.sqlite3")
    try:
        await db.execute("CREATE TABLE t (x INTEGER)")
        db.later("INSERT INTO t VALUES (?)", (1,))

        def fails(tx: Any) -> None:
            tx.run("INSERT INTO t VALUES (2)")
            raise ValueError("no")

        with pytest.raises(ValueError):
            await db.unit(fails)
        assert [r[0] for r in await db.fetchall("SELECT x FROM t ORDER BY x")] == [1]  # 2 rolled back
        assert await db.read(lambda tx: [r[0] for r in tx.all("SELECT x FROM t")]) == [1]
    finally:
        await db.close()
