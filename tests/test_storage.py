"""Storage on real SQLite files: migrations, repositories, the raw inbox, the reminder ledger."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.core.models import TaskSpec
from storage import Database, SchemaTooNewError, StorageError
from storage.db import Migration, load_migrations
from storage.repositories import DuplicateError, Repositories
from tests.conftest import TZ

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=TZ)


async def test_migrations_from_empty_then_rerun_is_idempotent(db_path: Path) -> None:
    db = await Database.open(db_path, migrate=False)
    applied = await db.migrate()
    assert applied == [m.version for m in load_migrations()]
    assert await db.migrate() == []
    rows = await db.fetchall("SELECT version FROM schema_migrations")
    assert [r["version"] for r in rows] == applied
    mode = await db.fetchone("PRAGMA journal_mode")
    fk = await db.fetchone("PRAGMA foreign_keys")
    assert mode is not None and mode[0] == "wal"
    assert fk is not None and fk[0] == 1
    await db.close()
    # reopening applies nothing again
    db = await Database.open(db_path)
    assert await db.schema_version() == applied[-1]
    await db.close()


async def test_failed_migration_rolls_back_completely(db_path: Path) -> None:
    db = await Database.open(db_path)
    current = await db.schema_version()
    broken = [*load_migrations(), Migration(current + 1, "broken",
                                            "CREATE TABLE half_done (x INTEGER);\nINSERT INTO nowhere VALUES (1);\n")]
    with pytest.raises(sqlite3.OperationalError):
        await db.migrate(broken)
    assert await db.schema_version() == current
    assert await db.fetchone("SELECT name FROM sqlite_master WHERE name = 'half_done'") is None
    await db.close()


async def test_newer_schema_is_refused(db_path: Path) -> None:
    db = await Database.open(db_path)
    await db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')")
    await db.close()
    with pytest.raises(SchemaTooNewError, match="newer"):
        await Database.open(db_path)


async def test_unwritable_database_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot"):
        await Database.open(blocker / "sub" / "db.sqlite3")


async def test_commune_gets_default_units(repos: Repositories) -> None:
    commune = await repos.communes.get_or_create("Xã Thử")
    again = await repos.communes.get_or_create("Xã Thử")
    assert again == commune
    keys = await repos.communes.unit_keys(commune.id)
    assert keys[:2] == ["van-phong", "tu-phap"] and "mot-cua" in keys and len(keys) == 9


async def test_officer_round_trip_and_duplicates(repos: Repositories) -> None:
    commune = await repos.communes.get_or_create("Xã Thử")
    added = await repos.officers.add(commune.id, 42, "Lê Thị Hoa", ["office", "admin"], "van-phong")
    found = await repos.officers.by_telegram_id(42)
    assert found == added
    assert found.roles == ("office", "admin") and found.active
    with pytest.raises(DuplicateError):
        await repos.officers.add(commune.id, 42, "Ai đó", ["officer"], None)
    assert await repos.officers.set_active(42, False)
    refreshed = await repos.officers.by_telegram_id(42)
    assert refreshed is not None and not refreshed.active
    assert not await repos.officers.set_active(7, False)


async def test_officer_unit_must_exist(repos: Repositories) -> None:
    commune = await repos.communes.get_or_create("Xã Thử")
    with pytest.raises(StorageError):
        await repos.officers.add(commune.id, 43, "Ai đó", ["officer"], "khong-co")


async def test_plan_reimport_updates_by_code_and_keeps_progress(repos: Repositories) -> None:
    commune = await repos.communes.get_or_create("Xã Thử")
    first = [TaskSpec("1.1", "the-che", "Việc A", ["tu-phap"], due_date=date(2026, 3, 31)),
             TaskSpec("1.2", "the-che", "Việc B", ["all"])]
    plan_id, created, updated = await repos.plans.save_plan(commune.id, "KH", 2026, "a.md", first, [])
    assert (created, updated) == (2, 0)
    await repos.db.execute("UPDATE tasks SET percent = 60, status = 'in_progress' WHERE code = '1.1'")
    second = [TaskSpec("1.1", "the-che", "Việc A (sửa)", ["tu-phap"], due_date=date(2026, 6, 30)),
              TaskSpec("1.3", "tthc", "Việc C", ["mot-cua"])]
    plan_id2, created, updated = await repos.plans.save_plan(
        commune.id, "KH", 2026, "b.md", second, [("online_rate", 50.0, ">=", "50%")]
    )
    assert plan_id2 == plan_id and (created, updated) == (1, 1)
    task = await repos.plans.task_by_code(commune.id, "1.1")
    assert task is not None
    assert task.title == "Việc A (sửa)" and task.due_date == date(2026, 6, 30)
    assert task.percent == 60 and task.status == "in_progress"
    assert [k["key"] for k in await repos.plans.kpis(plan_id)] == ["online_rate"]


async def test_inbox_keeps_raw_messages(repos: Repositories) -> None:
    iid = await repos.inbox.store(update_id=1, user_id=5, chat_id=5, kind="text", text="nv 2.3 xong",
                                  raw_json='{"update_id": 1}', received_at=NOW)
    await repos.inbox.mark(iid, "failed", error="boom")
    rows = await repos.inbox.all()
    assert rows[0]["text"] == "nv 2.3 xong" and rows[0]["status"] == "failed" and rows[0]["error"] == "boom"


async def test_ledger_claims_each_reminder_once(repos: Repositories) -> None:
    commune = await repos.communes.get_or_create("Xã Thử")
    officer = await repos.officers.add(commune.id, 44, "A", ["officer"], None)
    assert await repos.ledger.claim(commune.id, "weekly", officer.id, "2026-W48", NOW)
    # still 'sending' (a crash left it): taken over and sent again
    assert await repos.ledger.claim(commune.id, "weekly", officer.id, "2026-W48", NOW)
    await repos.ledger.mark_sent("weekly", officer.id, "2026-W48")
    assert not await repos.ledger.claim(commune.id, "weekly", officer.id, "2026-W48", NOW)
    assert await repos.ledger.already("weekly", "2026-W48", [officer.id, 999]) == {officer.id}
    await repos.ledger.release("weekly", officer.id, "2026-W48")
    assert await repos.ledger.claim(commune.id, "weekly", officer.id, "2026-W48", NOW)
    assert await repos.ledger.count() == 1


async def test_transaction_rolls_back_on_error(repos: Repositories) -> None:
    commune = await repos.communes.get_or_create("Xã Thử")
    with pytest.raises(RuntimeError):
        async with repos.db.transaction():
            await repos.officers.add(commune.id, 45, "B", ["officer"], None)
            raise RuntimeError("stop")
    assert await repos.officers.by_telegram_id(45) is None


async def test_another_tasks_statement_waits_for_an_open_transaction(repos: Repositories) -> None:
    """Jobs and updates share one connection: a write from another task must not land inside (and be
    rolled back with) a transaction it has nothing to do with."""
    import asyncio

    commune = await repos.communes.get_or_create("Xã Thử")
    inside = asyncio.Event()

    async def failing_transaction() -> None:
        async with repos.db.transaction():
            await repos.officers.add(commune.id, 46, "C", ["officer"], None)
            inside.set()
            await asyncio.sleep(0.05)  # the other task tries to write meanwhile
            raise RuntimeError("stop")

    async def other_write() -> None:
        await inside.wait()
        await repos.officers.add(commune.id, 47, "D", ["officer"], None)

    results = await asyncio.gather(failing_transaction(), other_write(), return_exceptions=True)
    assert isinstance(results[0], RuntimeError) and results[1] is None
    assert await repos.officers.by_telegram_id(46) is None
    assert (await repos.officers.by_telegram_id(47)) is not None


async def test_officer_cache_sees_changes_made_by_another_connection(repos: Repositories, db_path: Path) -> None:
    """The CLI deactivating an officer while the bot runs takes effect without a restart."""
    commune = await repos.communes.get_or_create("Xã Thử")
    await repos.officers.add(commune.id, 48, "E", ["officer"], None)
    found = await repos.officers.by_telegram_id(48)
    assert found is not None and found.active
    repos.db.EXTERNAL_CHECK_SECONDS = 0.0
    other = await Database.open(db_path)
    await Repositories(other).officers.set_active(48, False)
    await other.close()
    again = await repos.officers.by_telegram_id(48)
    assert again is not None and not again.active


async def test_task_cache_sees_a_plan_imported_by_another_connection(repos: Repositories, db_path: Path) -> None:
    commune = await repos.communes.get_or_create("Xã Thử")
    spec = TaskSpec(code="1.1", area="", title="Ban hành kế hoạch", lead_units=["van-phong"],
                    product="Kế hoạch", deadline_text="Tháng 1", due_date=date(2026, 1, 31))
    await repos.plans.save_plan(commune.id, "KH 2026", 2026, None, [spec], [])
    assert [t.code for t in await repos.plans.tasks(commune.id)] == ["1.1"]
    repos.db.EXTERNAL_CHECK_SECONDS = 0.0
    other = await Database.open(db_path)
    spec2 = TaskSpec(code="1.2", area="", title="Kiểm tra")
    await Repositories(other).plans.save_plan(commune.id, "KH 2026", 2026, None, [spec, spec2], [])
    await other.close()
    assert [t.code for t in await repos.plans.tasks(commune.id)] == ["1.1", "1.2"]


async def test_inbox_outcomes_are_written_behind_and_flushed(repos: Repositories) -> None:
    import asyncio

    ids = [await repos.inbox.store(update_id=i, user_id=5, chat_id=5, kind="text", text=str(i), raw_json="{}",
                                   received_at=NOW) for i in range(3)]
    repos.inbox.FLUSH_AFTER_SECONDS = 0.05
    for iid in ids:
        await repos.inbox.mark_later(iid, "handled")
    raw = await repos.db.fetchall("SELECT status FROM inbox ORDER BY id")
    assert [r[0] for r in raw] == ["received"] * 3  # not yet: one write for many later
    await asyncio.sleep(0.2)
    raw = await repos.db.fetchall("SELECT status FROM inbox ORDER BY id")
    assert [r[0] for r in raw] == ["handled"] * 3  # the timer flushed them
    # a full buffer is written at once
    more = [await repos.inbox.store(update_id=10 + i, user_id=5, chat_id=5, kind="text", text="x", raw_json="{}",
                                    received_at=NOW) for i in range(repos.inbox.FLUSH_AT)]
    for iid in more:
        await repos.inbox.mark_later(iid, "refused")
    row = await repos.db.fetchone("SELECT COUNT(*) FROM inbox WHERE status = 'refused'")
    assert row is not None and row[0] == repos.inbox.FLUSH_AT


async def test_a_communes_summary_queries_search_by_index_not_scan(tmp_path: Path) -> None:
    """/tomtat reads one commune's reports: by the commune's index, never a scan of every commune's."""
    db = await Database.open(tmp_path / "plan.sqlite3")
    try:
        plans = []
        for sql in ("SELECT task_id, status, percent, note FROM progress_reports WHERE commune_id = ? AND undone = 0"
                    " AND support = 0 AND substr(created_at, 1, 10) <= ? ORDER BY task_id, created_at, id",
                    "SELECT * FROM dossier_reports WHERE commune_id = ? AND undone = 0 AND period_start >= ?"
                    " AND period_start <= ? ORDER BY created_at, id"):
            params = (1, "2026-09-30") if sql.count("?") == 2 else (1, "2026-07-01", "2026-09-30")
            plans.append(" ".join(r[3] for r in await db.fetchall("EXPLAIN QUERY PLAN " + sql, params)))
        assert all("SEARCH" in p and "SCAN" not in p for p in plans), plans
    finally:
        await db.close()
