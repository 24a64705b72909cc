"""Replay throughput on a realistic day's mix, durable (every commit fsync'ed before the answer that says so).

The mix: progress reports, most of them pressed ✅ Lưu (some edited first), dossier figures pressed Lưu,
the chairman's /tomtat, /nhiemvu, /help, small talk, and strangers (refused at the door). Printed:

1. whole process (`python -m bot replay SCRIPT`), alternating with the no-op floor (python-telegram-bot with
   a handler that answers "ok" with the same buttons) in one run: updates/s, best of the rounds;
2. in process, the same script on `OfflineSession`: p50/p99 milliseconds per update, per kind;
3. resident memory (VmRSS) of that process after 10,000 and after 100,000 updates (`--long 100000`).
4. fsyncs per update, and updates arriving together (one polling batch) against one at a time.

Targets on this 2-core machine: ≥ 500 updates/s durable, p99 ≤ 20 ms, memory flat.

    python bench/replay_bench.py [--messages 10000] [--officers 50] [--rounds 2] [--long 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CHAIRMAN = 1999
UNITS = ["tu-phap", "mot-cua", "van-hoa", "tai-chinh", "van-phong"]
CODES: dict[str, list[str]] = {}  # unit → codes of the tasks it leads (or shares), read from the plan
FLOOR = r"""
import asyncio, sys
from pathlib import Path
from telegram import InlineKeyboardButton as B, InlineKeyboardMarkup
from telegram.ext import TypeHandler
import bot.app
from bot.config import load_settings
from bot.offline.replay import load_script, run_replay

KEYS = InlineKeyboardMarkup([[B("✅ Lưu", callback_data="s"), B("✏️ Sửa", callback_data="e"),
                              B("❌ Hủy", callback_data="c")]])

def register(app):
    async def handler(update, context):
        if update.callback_query is not None:
            await update.callback_query.answer("ok")
        elif update.effective_message is not None:
            await update.effective_message.reply_text("ok", reply_markup=KEYS)
    app.add_handler(TypeHandler(object, handler))

bot.app.register_handlers = register
settings = load_settings(env_file=None, db_path=Path(sys.argv[2]))
asyncio.run(run_replay(settings, load_script(Path(sys.argv[1])), files_dir=Path(sys.argv[2]).parent, out=sys.stdout))
"""


def day_mix(messages: int, officers: int, seed: int = 5) -> list[dict[str, Any]]:
    """`messages` script lines (each one update) of a working day's traffic, 3 s apart."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 23, 8, 0, tzinfo=TZ)
    lines: list[dict[str, Any]] = []

    def add(who: int, **action: Any) -> None:
        name = "Chủ tịch" if who == CHAIRMAN else f"CB {who}"
        at = start + timedelta(seconds=3 * len(lines))
        lines.append({"at": at.isoformat(), "from": {"id": who, "name": name}, **action})

    while len(lines) < messages:
        who = 2000 + rng.randrange(officers)
        roll = rng.random()
        if roll < 0.40:
            code = rng.choice(CODES[UNITS[(who - 2000) % len(UNITS)]])
            pct = rng.randint(5, 95)
            text = rng.choice([f"nv {code} đạt {pct}%", f"nv {code} xong", f"nv {code} dat {pct}",
                               f"nv {code} vướng chưa có kinh phí", f"nhiệm vụ {code} đang làm, được {pct}%"])
            add(who, text=text)
            after = rng.random()
            if after < 0.06:
                add(who, edit=f"nv {code} đạt {rng.randint(5, 95)}%")
                add(who, press="ưu")  # ✅ Lưu (or „Vẫn lưu” when a newer report asks)
            elif after < 0.85:
                add(who, press="ưu")
        elif roll < 0.52:
            got = rng.randint(5, 60)
            add(who, text=f"hs ngày {rng.randint(1, 20)}/11 nhận {got}, trực tuyến {rng.randint(0, got)},"
                          f" đúng hạn {rng.randint(0, got)}")
            add(who, press="ưu")
        elif roll < 0.58:
            add(CHAIRMAN, text="/tomtat")
        elif roll < 0.65:
            add(who, text="/nhiemvu")
        elif roll < 0.70:
            add(who, text="/help")
        elif roll < 0.80:
            add(who, text=rng.choice(["xin chào", "cảm ơn", "ok", "?", "bot ơi"]))
        else:
            add(90_000 + rng.randrange(400), text=rng.choice(["hello", "/start", "mua hàng không", "nv 1.1 xong"]))
    return lines[:messages]


def write_script(path: Path, lines: list[dict[str, Any]]) -> None:
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")


def cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "bot", *args], check=True, capture_output=True, cwd=ROOT, env=env)


def make_db(path: Path, officers: int, env: dict[str, str]) -> None:
    cli(env, "user", "add", str(CHAIRMAN), "--name", "Chủ tịch", "--role", "chairman", "--unit", "lanh-dao",
        "--db", str(path))
    for i in range(officers):
        cli(env, "user", "add", str(2000 + i), "--name", f"CB {2000 + i}", "--role", "officer",
            "--unit", UNITS[i % len(UNITS)], "--db", str(path))
    seed = ROOT / "tests" / "fixtures" / "ke-hoach-cchc-2023-duc-phong.md"
    cli({**env, "CCHC_LOCALE": "vi"}, "import-plan", str(seed), "--year", "2026", "--db", str(path))
    import sqlite3

    conn = sqlite3.connect(str(path))
    for code, leads in conn.execute("SELECT code, lead_units FROM tasks"):
        for unit in json.loads(leads):
            for key in (UNITS if unit == "all" else [unit]):
                CODES.setdefault(key, []).append(code)
    conn.close()


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, cwd=ROOT, env=env, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd[:4])} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - t0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def kind(step: dict[str, Any]) -> str:
    if "press" in step:
        return "press ✅ Lưu"
    if "edit" in step:
        return "edit"
    text = str(step.get("text", ""))
    if step["from"]["id"] >= 90_000:
        return "stranger"
    if text.startswith("/"):
        return text.split()[0]
    if text.startswith("hs"):
        return "dossier figures"
    if text.startswith(("nv", "nhiệm")):
        return "report"
    return "small talk"


async def in_process(db: Path, lines: list[dict[str, Any]], marks: tuple[int, ...]) -> None:
    from bot.config import load_settings
    from bot.core.clock import ManualClock
    from bot.offline.replay import parse_step
    from bot.offline.session import OfflineSession

    settings = load_settings(env_file=None, db_path=db)
    first = datetime.fromisoformat(lines[0]["at"])
    session = OfflineSession(settings, ManualClock(first, settings.tz), files_dir=db.parent / "files")
    per_kind: dict[str, list[float]] = {}
    allms: list[float] = []
    rss: dict[int, float] = {}
    async with session:
        db_handle = session.app.services.db
        fsyncs0, t_start = db_handle.fsyncs, time.perf_counter()
        for n, raw in enumerate(lines, 1):
            step = parse_step(raw, n, db.parent)
            t0 = time.perf_counter()
            await session.advance_to(step.at)
            assert step.user is not None
            if step.kind == "text":
                await session.send_text(step.user, step.value)
            elif step.kind == "edit":
                await session.edit(step.user, step.value)
            else:
                await session.press(step.user, step.value)
            ms = (time.perf_counter() - t0) * 1000
            allms.append(ms)
            per_kind.setdefault(kind(raw), []).append(ms)
            session.api.calls.clear()  # the bench keeps no transcript (a replay streams it to stdout)
            if n in marks:
                rss[n] = rss_mb()
        wall = time.perf_counter() - t_start
        fsyncs = db_handle.fsyncs - fsyncs0
    q = statistics.quantiles(allms, n=100)
    print(f"in process, {len(lines):,} updates one at a time: {len(lines) / wall:5.0f} updates/s,"
          f" p50 {q[49]:.2f} ms, p99 {q[98]:.2f} ms (target ≤ 20 ms), {fsyncs / len(lines):.2f} fsyncs/update")
    for k, values in sorted(per_kind.items(), key=lambda kv: -len(kv[1])):
        if len(values) >= 20:
            kq = statistics.quantiles(values, n=100)
            print(f"  {k:16s} {len(values):7,d}  p50 {kq[49]:6.2f} ms  p99 {kq[98]:6.2f} ms")
    print("resident memory of that process: " + ", ".join(f"{rss[m]:.0f} MB after {m:,}" for m in sorted(rss))
          + " (target: flat)")


async def batched(db: Path, officers: int, batch: int = 50, rounds: int = 20) -> None:
    """Updates arriving together (a polling batch of `batch` reports from different officers): stored in one
    statement, handled side by side, their commits sharing the flush; against the same one at a time."""
    from bot.config import load_settings
    from bot.core.clock import ManualClock
    from bot.offline.session import OfflineSession

    settings = load_settings(env_file=None, db_path=db)
    session = OfflineSession(settings, ManualClock(datetime(2026, 11, 24, 9, 0, tzinfo=TZ), settings.tz))
    uid = 10_000_000
    mine = CODES["van-phong"]
    async with session:
        intake, dbh = session.app.intake, session.app.services.db
        results = {}
        for mode in ("one at a time", "together"):
            f0, t0, n = dbh.fsyncs, time.perf_counter(), 0
            for r in range(rounds):
                items = []
                for i in range(batch):
                    uid += 1
                    who = 2000 + len(UNITS) * (i % (officers // len(UNITS))) + UNITS.index("van-phong")
                    items.append({"update_id": uid, "message": {
                        "message_id": uid, "date": 0, "chat": {"id": who, "type": "private"},
                        "from": {"id": who, "is_bot": False, "first_name": "CB"},
                        "text": f"nv {mine[(i + r) % len(mine)]} đạt {10 + (i + r) % 80}%"}})
                if mode == "together":
                    await intake.submit(items)
                    await dbh.flush()
                else:
                    for item in items:
                        await intake.submit([item])
                        await dbh.flush()
                n += batch
            secs = time.perf_counter() - t0
            results[mode] = (n / secs, (dbh.fsyncs - f0) / n)
        for mode, (rate, per) in results.items():
            print(f"  {mode:14s}: {rate:5.0f} reports/s, {per:.2f} fsyncs/update")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--officers", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--long", type=int, default=0, help="also run this many updates in process for memory")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cchc-replay-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_") and k != "TELEGRAM_BOT_TOKEN"}
    env["CCHC_FLOOD_LIMIT"] = "1000"  # 50 officers stand for a whole commune's day in a few minutes
    os.environ.update({"CCHC_FLOOD_LIMIT": "1000"})
    template = tmp / "template.sqlite3"
    make_db(template, args.officers, env)
    lines = day_mix(args.messages, args.officers)
    script = tmp / "day.jsonl"
    write_script(script, lines)
    kinds: dict[str, int] = {}
    for line in lines:
        kinds[kind(line)] = kinds.get(kind(line), 0) + 1
    ordered = sorted(kinds.items(), key=lambda x: -x[1])
    print(f"mix of {len(lines):,} updates: " + ", ".join(f"{k} {v:,}" for k, v in ordered))

    def fresh(name: str) -> Path:
        path = tmp / f"{name}.sqlite3"
        path.write_bytes(template.read_bytes())
        return path

    full, floor = [], []
    for r in range(args.rounds):
        full.append(timed([sys.executable, "-m", "bot", "replay", str(script), "--db", str(fresh(f"full{r}")),
                           "--files", str(tmp / "files")], env))
        floor.append(timed([sys.executable, "-c", FLOOR, str(script), str(fresh(f"floor{r}"))], env))
    n = len(lines)
    print(f"whole process (`python -m bot replay`), durable, best of {args.rounds} alternating rounds:")
    print(f"  real handlers            : {min(full):6.1f} s  {n / min(full):6.0f} updates/s (target ≥ 500)"
          f"   rounds: {', '.join(f'{n / x:.0f}' for x in full)}")
    print(f"  floor (answer 'ok')      : {min(floor):6.1f} s  {n / min(floor):6.0f} updates/s"
          f"   ratio {min(full) / min(floor):.2f}×")
    marks = (10_000, 50_000, 100_000)
    long_lines = day_mix(max(args.long, args.messages), args.officers, seed=7)
    asyncio.run(in_process(fresh("inproc"), long_lines, marks))
    print("a polling batch of 50 reports from 50 officers, against the same 50 one at a time:")
    asyncio.run(batched(fresh("batch"), args.officers))


if __name__ == "__main__":
    main()
