"""Reminders at scale.

1. Computing and queueing the weekly ping for 10,000 officers in 100 communes (recipients, texts, buttons),
   sending nothing: target under 2 s. (Each message is claimed in the sent-ledger as it is sent.)
2. Sending through the offline Bot API with python-telegram-bot's AIORateLimiter (Telegram's limits: about
   30 messages/s overall, 1/s per chat): achieved messages/s against 30.

    python bench/reminder_bench.py [--communes 100] [--officers 100] [--send 300]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jobs.messages as messages  # noqa: E402
import jobs.schedule as schedule  # noqa: E402
from bot.app import build_application, on_shutdown, on_startup  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.core.clock import ManualClock  # noqa: E402
from bot.core.domain import UNIT_KEYS  # noqa: E402
from bot.core.models import TaskSpec  # noqa: E402
from bot.offline.botapi import OfflineBotAPI  # noqa: E402
from storage import Database  # noqa: E402
from storage.repositories import Repositories  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 27, 14, 0, tzinfo=TZ)


async def populate(path: Path, communes: int, officers: int) -> None:
    db = await Database.open(path)
    repos = Repositories(db)
    async with db.transaction():
        for c in range(communes):
            commune = await repos.communes.get_or_create(f"Xã {c:03d}")
            tasks = [TaskSpec(f"{k // 7 + 1}.{k % 7 + 1}", "tthc", f"Nhiệm vụ {k}", [UNIT_KEYS[k % 8]])
                     for k in range(50)]
            await repos.plans.save_plan(commune.id, "KH", 2026, None, tasks, [])
            await db.conn.executemany(
                "INSERT INTO officers (commune_id, telegram_id, name, roles, unit_key, created_at)"
                " VALUES (?, ?, ?, 'officer', ?, '2026-01-01')",
                [(commune.id, 10_000_000 + c * 1000 + i, f"Cán bộ {c}-{i}", UNIT_KEYS[i % 8]) for i in range(officers)],
            )
    await db.close()


async def compute_and_queue(path: Path) -> tuple[float, int]:
    settings = load_settings(env_file=None, db_path=path)
    clock = ManualClock(NOW)
    app = build_application(settings, request=OfflineBotAPI(clock), clock=clock, rate_limit=False)
    await app.initialize()
    await on_startup(app)
    queued: list[Any] = []
    real = messages.send_batch

    async def queue_only(app: Any, rule: str, occurrence: str, items: list[Any]) -> int:
        """The queue: what send_batch would send (claims happen per message as it is sent, at ~30/s)."""
        queued.extend(items)
        return len(items)

    messages.send_batch = queue_only  # type: ignore[assignment]
    rule = schedule.to_rule("weekly_ping", {"when": "fri 14:00"}, True)
    communes = await schedule._communes(app)
    t0 = time.perf_counter()
    async with app.services.db.transaction():
        for cid in communes:
            await messages.weekly_ping(app, cid, rule, NOW, {})
    elapsed = time.perf_counter() - t0
    messages.send_batch = real  # type: ignore[assignment]
    await on_shutdown(app)
    await app.shutdown()
    return elapsed, len(queued)


async def send_rate(path: Path, n: int) -> tuple[float, int]:
    settings = load_settings(env_file=None, db_path=path)
    clock = ManualClock(NOW)
    api = OfflineBotAPI(clock)
    app = build_application(settings, request=api, clock=clock, rate_limit=True)
    await app.initialize()
    await app.services.open()  # type: ignore[attr-defined]  # every send waits for the database's flush
    chats = [10_000_000 + i for i in range(n)]
    t0 = time.perf_counter()
    await asyncio.gather(*(app.bot.send_message(chat, f"Nhắc việc {chat}") for chat in chats))
    elapsed = time.perf_counter() - t0
    await app.services.close()  # type: ignore[attr-defined]
    await app.shutdown()
    return elapsed, len([c for c in api.calls if c.method == "sendMessage"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--communes", type=int, default=100)
    ap.add_argument("--officers", type=int, default=100)
    ap.add_argument("--send", type=int, default=300)
    args = ap.parse_args()
    path = Path(tempfile.mkdtemp()) / "reminders.sqlite3"
    t0 = time.perf_counter()
    asyncio.run(populate(path, args.communes, args.officers))
    print(f"populated {args.communes} communes × {args.officers} officers in {time.perf_counter() - t0:.1f} s")
    elapsed, queued = asyncio.run(compute_and_queue(path))
    print(f"weekly ping computed and queued for {queued:,} officers in {elapsed:.2f} s (target < 2 s)")
    elapsed, sent = asyncio.run(send_rate(path, args.send))
    print(f"sent {sent} messages to {args.send} chats through the rate limiter in {elapsed:.1f} s: "
          f"{sent / elapsed:.1f} msg/s overall, {(sent - 30) / elapsed:.1f} msg/s after the limiter's initial burst "
          f"of 30 (Telegram's limit ≈ 30 msg/s)")


if __name__ == "__main__":
    main()
