"""Reliability: Telegram faults, floods, secrets, backups that restore, start-up on old and new schemas."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import CommandHandler

from bot.config import Settings, load_settings
from bot.core.clock import ManualClock
from bot.offline.botapi import FaultPlan
from bot.offline.session import OfflineSession
from storage import Database
from storage.db import StorageError, load_migrations
from tests.conftest import CHAIRMAN, FRIDAY, OFFICE, OFFICER, ONESTOP, STRANGER, add_people, import_seed_plan

TOKEN = "987654321:AAH-super-secret-token-value-123456"


async def test_every_message_answered_despite_faults(settings: Settings) -> None:
    await add_people(settings)
    await import_seed_plan(settings)
    faults = FaultPlan(rate=0.10, seed=11)
    s = OfflineSession(settings, ManualClock(FRIDAY), faults=faults)
    people = [OFFICER, ONESTOP, CHAIRMAN, OFFICE, STRANGER]
    texts = ["nv 1.1 đạt 40%", "hs tuần này nhận 30, trực tuyến 12", "/tomtat", "/nhiemvu", "/start",
             "xin chào", "/help", "nv 2.3 xong"]
    sent = 0
    async with s:
        for day in range(7):
            await s.advance_to(FRIDAY + timedelta(days=day, hours=1))
            for i, person in enumerate(people):
                before = len(s.api.calls)
                await s.send_text(person, texts[(day + i) % len(texts)])
                sent += 1
                replies = [c for c in s.api.calls[before:] if c.chat == person["id"]
                           and c.method in ("sendMessage", "editMessageText")]
                assert replies, (person, texts[(day + i) % len(texts)])
                labels = [b["text"] for b in s.buttons(person["id"])]
                if "✅ Lưu" in labels and day % 2 == 0:
                    await s.press(person, "Lưu")
                    sent += 1
        inbox = await s.app.services.repos.inbox.all()
    assert faults.injected >= 5
    assert len(inbox) == sent and {r["status"] for r in inbox} <= {"handled", "refused"}
    assert not any("đã có lỗi" in (c.text or "") for c in s.api.calls)  # real answers, not apologies


async def test_flooding_user_is_throttled_without_affecting_others(session: OfflineSession) -> None:
    for i in range(30):
        await session.send_text(OFFICER, f"tin số {i}")
    await session.send_text(ONESTOP, "/start")
    officer_replies = [c.text or "" for c in session.api.calls if c.chat == OFFICER["id"]]
    assert sum("gửi nhanh quá" in t for t in officer_replies) == 1  # told once, and told the truth
    assert len(officer_replies) == 21  # 20 answered, then one notice, then quiet
    assert "Phạm Thị Dung" in (session.api.calls[-1].text or "")
    inbox = await session.app.services.repos.inbox.all()
    assert len(inbox) == 31 and sum(r["status"] == "held" for r in inbox) == 10
    # when the pause ends, what was held is handled, in order; nothing is lost
    await session.advance_to(session.clock.now() + timedelta(minutes=2))
    officer_replies = [c.text or "" for c in session.api.calls if c.chat == OFFICER["id"]]
    assert len(officer_replies) == 31
    inbox = await session.app.services.repos.inbox.all()
    assert not [r for r in inbox if r["status"] == "held"]
    await session.send_text(OFFICER, "/start")
    assert "Lê Văn Cường" in (session.api.calls[-1].text or "")


async def test_token_never_appears_in_logs_errors_or_exports(
    db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(env_file=None, db_path=db_path, token=TOKEN)
    await add_people(settings)
    await import_seed_plan(settings)
    caplog.set_level(logging.DEBUG)
    s = OfflineSession(settings, ManualClock(FRIDAY), files_dir=tmp_path / "out")

    async def leak(update: object, context: object) -> None:
        raise RuntimeError(f"could not reach https://api.telegram.org/bot{TOKEN}/sendMessage")

    async with s:
        s.app.add_handler(CommandHandler("leak", leak), group=50)
        await s.send_text(OFFICER, "/leak")
        logging.getLogger("httpx").info("POST https://api.telegram.org/bot%s/getMe", TOKEN)
        await s.send_text(CHAIRMAN, "/xuatbaocao")
        await s.send_text(OFFICE, "/saoluu")
    everything = caplog.text + "".join(c.text or "" for c in s.api.calls)
    assert TOKEN not in everything and "<TOKEN>" in caplog.text
    for call in s.api.calls:
        assert TOKEN.encode() not in call.data
    assert TOKEN.encode() not in db_path.read_bytes()


def test_backup_then_restore_then_replay(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "live.sqlite3"
    run_cli("user", "add", "1003", "--name", "Lê Văn Cường", "--role", "officer", "--unit", "tu-phap",
            "--db", str(db))
    run_cli("import-plan", str(Path(__file__).parent / "fixtures" / "ke-hoach-cchc-2023-duc-phong.md"),
            "--year", "2026", "--db", str(db))
    r = run_cli("backup", "--db", str(db), "--to", str(tmp_path / "bk"))
    assert r.returncode == 0, r.stderr
    backup = next((tmp_path / "bk").glob("cchc-*.sqlite3"))
    # the live database changes after the backup
    run_cli("user", "add", "1004", "--name", "Người sau", "--role", "officer", "--db", str(db))
    r = run_cli("restore", str(backup), "--db", str(db))
    assert r.returncode == 0, r.stderr
    listing = run_cli("user", "list", "--db", str(db)).stdout
    assert "Lê Văn Cường" in listing and "Người sau" not in listing
    assert list((tmp_path / "backups").glob("before-restore-*.sqlite3"))
    script = tmp_path / "after.jsonl"
    user = {"id": 1003, "name": "Lê Văn Cường"}
    script.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"at": "2026-11-27T09:00:00+07:00", "from": user, "text": "nv 1.1 đạt 70%"},
        {"at": "2026-11-27T09:01:00+07:00", "from": user, "press": "Lưu"},
    ]) + "\n", encoding="utf-8")
    r = run_cli("replay", str(script), "--db", str(db))
    assert r.returncode == 0 and "Đã lưu" in r.stdout
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT percent FROM tasks WHERE code = '1.1'").fetchone()[0] == 70


def test_restore_refuses_what_is_not_a_good_backup(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "live.sqlite3"
    run_cli("user", "add", "1", "--name", "A", "--role", "admin", "--db", str(db))
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.close()
    for bad, words in ((junk, "không phải là file cơ sở dữ liệu SQLite"),
                       (other, "không phải cơ sở dữ liệu của trợ lý"), (tmp_path / "none.sqlite3", "Không có file")):
        r = run_cli("restore", str(bad), "--db", str(db))
        assert r.returncode == 1 and words in r.stderr and "Traceback" not in r.stderr
    assert "A" in run_cli("user", "list", "--db", str(db)).stdout


async def test_older_schema_is_backed_up_then_migrated(db_path: Path) -> None:
    db = await Database.open(db_path, migrate=False)
    await db.migrate(load_migrations()[:1])
    await db.execute("INSERT INTO communes (name, created_at) VALUES ('Xã Cũ', 'x')")
    await db.close()
    db = await Database.open(db_path)
    assert await db.schema_version() == Database.latest_version()
    await db.close()
    saved = db_path.with_name(f"{db_path.stem}.schema-v1.bak.sqlite3")
    with sqlite3.connect(saved) as con:
        assert con.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == 1
        assert con.execute("SELECT name FROM communes").fetchone()[0] == "Xã Cũ"


def test_bot_refuses_to_start_on_a_newer_schema(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    run_cli("user", "add", "1", "--name", "A", "--role", "admin", "--db", str(db))
    with sqlite3.connect(db) as con:
        con.execute("INSERT INTO schema_migrations VALUES (99, 'future', 'x')")
    r = run_cli("console", "--db", str(db), stdin="/quit\n")
    assert r.returncode == 1 and "phiên bản bot mới hơn" in r.stderr and "Traceback" not in r.stderr


def test_restore_refuses_a_partial_database_and_another_communes(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "live.sqlite3"
    run_cli("user", "add", "1", "--name", "A", "--role", "admin", "--db", str(db))
    crafted = tmp_path / "crafted.sqlite3"  # only schema_migrations: once restored it crash-looped the bot
    with sqlite3.connect(crafted) as con:
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
        con.execute("INSERT INTO schema_migrations VALUES (10, 'x', 'x')")
    con.close()
    r = run_cli("restore", str(crafted), "--db", str(db))
    assert r.returncode == 1 and "không phải bản sao lưu đầy đủ" in r.stderr and "Traceback" not in r.stderr
    other = tmp_path / "other-commune.sqlite3"
    run_cli("user", "add", "2", "--name", "B", "--role", "admin", "--db", str(other),
            env={"CCHC_COMMUNE_NAME": "Xã Khác"})
    r = run_cli("restore", str(other), "--db", str(db))
    assert r.returncode == 1 and "dữ liệu của xã khác" in r.stderr
    assert "A" in run_cli("user", "list", "--db", str(db)).stdout


async def test_one_bot_per_database_and_no_restore_under_a_running_bot(
        settings: Settings, run_cli: Any, tmp_path: Path) -> None:
    await add_people(settings)
    backup = tmp_path / "b.sqlite3"
    assert run_cli("backup", "--to", str(backup), "--db", str(settings.db_path)).returncode == 0
    running = OfflineSession(settings, ManualClock(FRIDAY))
    async with running:
        second = OfflineSession(settings, ManualClock(FRIDAY))
        with pytest.raises(StorageError, match="đang dùng"):
            await second.start()
        r = await asyncio.to_thread(run_cli, "console", "--db", str(settings.db_path), stdin="")
        assert r.returncode == 1 and "đang dùng" in r.stderr
        r = await asyncio.to_thread(run_cli, "restore", str(backup), "--db", str(settings.db_path))
        assert r.returncode == 1 and "dừng bot trước khi khôi phục" in r.stderr
    r = await asyncio.to_thread(run_cli, "restore", str(backup), "--db", str(settings.db_path))
    assert r.returncode == 0, r.stderr


def test_a_backup_is_named_with_the_communes_local_date(tmp_path: Path) -> None:
    import sqlite3
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from storage.backup import backup_to

    db = tmp_path / "b.sqlite3"
    sqlite3.connect(str(db)).close()
    # 23:30 UTC on 1 December is already 06:30 on 2 December in Vietnam: the night's backup says 2 December
    at = datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    path = backup_to(db, tmp_path / "backups", at)
    assert path.name.startswith("cchc-20261202-0630")


def test_startup_without_telegram_says_one_vietnamese_line_per_try_with_growing_waits(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_") and k != "TELEGRAM_BOT_TOKEN"}
    env.update(TELEGRAM_BOT_TOKEN="123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi", CCHC_DB_PATH=str(tmp_path / "s.db"),
               CCHC_BOT_API_BASE_URL="http://127.0.0.1:9")  # nothing listens there: refused at once
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen: list[str] = []
    deadline = time.monotonic() + 60  # a slow machine starts slowly: wait for two tries, not a fixed time
    assert proc.stdout is not None
    while time.monotonic() < deadline and sum("Chưa kết nối được Telegram" in x for x in seen) < 2:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=30)
    out = "".join(seen) + rest
    tries = [line for line in out.splitlines() if "Chưa kết nối được Telegram" in line]
    assert len(tries) >= 2, out
    assert "thử lại sau 2 giây" in tries[0] and "thử lại sau 4 giây" in tries[1]
    assert "Traceback" not in out and "retry" not in out  # no second retry layer talking in English
    assert proc.returncode == 0
