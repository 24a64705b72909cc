"""Replay throughput, whole process: 10,000 messages from 50 officers through the real Application, the
offline Bot API and SQLite (`python -m bot replay`), next to the same replay with handlers that do
nothing (python-telegram-bot's own floor). Also the resident memory of an idle bot.
Targets: ≥ 300 updates/s on this 2-core machine, within 2× of the floor, idle RSS ≤ 150 MB.

    python bench/replay_bench.py [--messages 10000] [--officers 50]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FLOOR = r"""
import asyncio, sys
from pathlib import Path
from telegram.ext import TypeHandler
import handlers
import bot.app
from bot.config import load_settings
from bot.replay import load_script, run_replay

MODE = sys.argv[3]  # nothing | reply | reply+db

def register(app):
    async def handler(update, context):
        if MODE == "nothing" or update.effective_message is None:
            return
        if MODE == "reply+db":  # one round trip to aiosqlite's thread, as storing the raw update needs
            await context.application.services.db.fetchone("SELECT 1")
        await update.effective_message.reply_text("ok")
    app.add_handler(TypeHandler(object, handler))

handlers.register_handlers = bot.app.register_handlers = register
settings = load_settings(env_file=None, db_path=Path(sys.argv[2]))
asyncio.run(run_replay(settings, load_script(Path(sys.argv[1])), files_dir=Path(sys.argv[2]).parent, out=sys.stdout))
"""


def script(path: Path, messages: int, officers: int) -> None:
    rng = random.Random(5)
    start = datetime(2026, 11, 23, 8, 0, tzinfo=TZ)
    texts = ["nv 1.{} đạt {}%", "nv 2.{} xong", "hs tuần này nhận {}, trực tuyến {}", "/nhiemvu", "nv 1.{} vướng",
             "xin chào", "/help", "/tomtat"]
    lines = []
    for i in range(messages):
        oid = 2000 + rng.randrange(officers)
        t = rng.choice(texts).format(rng.randint(1, 7), rng.randint(1, 99))
        lines.append({"at": (start + timedelta(seconds=i * 3)).isoformat(), "from": {"id": oid, "name": f"CB {oid}"},
                      "text": t})
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")


def run(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
    return time.perf_counter() - t0


def idle_rss(db: Path, env: dict[str, str]) -> float:
    """Start the console on the database, let it settle, read VmRSS of the process (MB)."""
    proc = subprocess.Popen([sys.executable, "-m", "bot", "console", "--db", str(db)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdout.readline()
    time.sleep(3)
    rss = 0.0
    for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    proc.stdin.write("/quit\n")
    proc.stdin.flush()
    proc.wait(timeout=30)
    return rss


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--officers", type=int, default=50)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    path = tmp / "script.jsonl"
    script(path, args.messages, args.officers)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_") and k != "TELEGRAM_BOT_TOKEN"}
    db = tmp / "bench.sqlite3"
    for i in range(args.officers):
        subprocess.run([sys.executable, "-m", "bot", "user", "add", str(2000 + i), "--name", f"CB {2000 + i}",
                        "--role", "officer", "--unit", ["tu-phap", "mot-cua", "van-hoa"][i % 3], "--db", str(db)],
                       check=True, capture_output=True, cwd=ROOT, env=env)
    seeds = ROOT.parent / "shared" / "seeds" / "ke-hoach-cchc-2023-duc-phong.md"
    if seeds.exists():
        subprocess.run([sys.executable, "-m", "bot", "import-plan", str(seeds), "--year", "2026", "--db", str(db)],
                       check=True, capture_output=True, cwd=ROOT, env={**env, "CCHC_LOCALE": "vi"})
    env_flood = {**env, "CCHC_FLOOD_LIMIT": "1000"}
    full = run([sys.executable, "-m", "bot", "replay", str(path), "--db", str(db)], env_flood)
    floors = {mode: run([sys.executable, "-c", FLOOR, str(path), str(tmp / f"floor-{i}.sqlite3"), mode], env_flood)
              for i, mode in enumerate(("nothing", "reply", "reply+db"))}
    floor = floors["nothing"]
    n = args.messages
    print(f"replay of {n:,} messages from {args.officers} officers, whole process (`python -m bot replay`):")
    print(f"  real handlers             : {full:6.1f} s  {n / full:7.0f} updates/s (target ≥ 300)")
    print(f"  handlers that do nothing  : {floor:6.1f} s  {n / floor:7.0f} updates/s (python-telegram-bot's floor)")
    print(f"  ratio                     : {full / floor:6.2f}× the floor (target ≤ 2×)")
    print("what the floor becomes once a handler does the least this bot must (answer; store before anything):")
    for mode, label in (("reply", "one reply"), ("reply+db", "one reply + one aiosqlite trip")):
        secs = floors[mode]
        print(f"  {label:26s}: {secs:6.1f} s  {n / secs:7.0f} updates/s  ({secs / floor:4.2f}× the floor;"
              f" real handlers are {full / secs:4.2f}× this)")
    print(f"idle resident memory of the bot (console on that database): {idle_rss(db, env):.0f} MB (target ≤ 150 MB)")


if __name__ == "__main__":
    main()
