"""Real long polling under kill -9: `python -m bot run` against a fake Bot API over HTTP on 127.0.0.1 that
follows Telegram's getUpdates offset rule (asking with `offset` confirms, and forgets, every update below it).

A backlog of reports waits before the bot starts (as after downtime) and more arrive while it runs; the bot is
killed at random moments, restarted, killed again, and finally left to finish. Printed per run and in total:
kills, backlog, acknowledged (confirmed to the fake Telegram), stored (in the inbox), confirmed-lost
(acknowledged but never stored: must be 0), duplicates (an update handled into more than one read-back: must
be 0), and whether every update was handled in the end.

    python bench/polling_crash_bench.py [--kills 5] [--backlog 300] [--officers 50]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAH-polling-crash-bench-000000000000"
CODES = ["1.2", "1.5", "2.2", "2.4", "2.5", "2.7", "2.11", "3.2", "4.2", "4.4"]


class FakeTelegram:
    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.updates: list[dict[str, Any]] = []
        self.confirmed_below = 0
        self.next_id = 1
        self.sent = 0
        self.message_ids = 10_000

    def add(self, user: int, text: str) -> None:
        with self.lock:
            uid = self.next_id
            self.next_id += 1
            self.updates.append({"update_id": uid, "message": {
                "message_id": uid, "date": int(time.time()), "text": text,
                "chat": {"id": user, "type": "private"}, "from": {"id": user, "is_bot": False, "first_name": "CB"}}})
            self.lock.notify_all()

    def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        with self.lock:
            if offset:
                self.confirmed_below = max(self.confirmed_below, offset)
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            deadline = time.time() + min(timeout, 2.0)
            while not self.updates and time.time() < deadline:
                self.lock.wait(deadline - time.time())
            return self.updates[: int(params.get("limit") or 100)]

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":
            return self.get_updates(params)
        if method == "getMe":
            return {"id": 123456789, "is_bot": True, "first_name": "Bench", "username": "bench_bot",
                    "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
        if method in ("sendMessage", "editMessageText", "sendDocument", "sendPhoto"):
            with self.lock:
                self.sent += 1
                self.message_ids += 1
                chat = int(params.get("chat_id") or 0)
                return {"message_id": self.message_ids, "date": int(time.time()), "text": params.get("text", ""),
                        "chat": {"id": chat, "type": "private"}}
        return True


def serve(fake: FakeTelegram) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            kind = self.headers.get("Content-Type", "")
            if "json" in kind:
                params = json.loads(body or b"{}")
            else:
                params = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
            for key in ("offset", "timeout", "limit"):
                if isinstance(params.get(key), str) and params[key].lstrip("-").isdigit():
                    params[key] = int(params[key])
            method = self.path.rsplit("/", 1)[-1]
            out = json.dumps({"ok": True, "result": fake.answer(method, params)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def env(db: Path, port: int) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_") and k != "TELEGRAM_BOT_TOKEN"}
    e.update(TELEGRAM_BOT_TOKEN=TOKEN, CCHC_DB_PATH=str(db), CCHC_BOT_API_BASE_URL=f"http://127.0.0.1:{port}",
             CCHC_FLOOD_LIMIT="1000", CCHC_LOG_LEVEL="WARNING")
    return e


def counts(db: Path) -> tuple[set[int], int, int]:
    con = sqlite3.connect(db)
    try:
        stored = {int(r[0]) for r in con.execute("SELECT update_id FROM inbox WHERE update_id > 0")}
        doubles = int(con.execute("SELECT COUNT(*) FROM (SELECT inbox_id FROM pending_reports WHERE inbox_id IS NOT"
                                  " NULL GROUP BY inbox_id HAVING COUNT(*) > 1)").fetchone()[0])
        open_ = int(con.execute("SELECT COUNT(*) FROM inbox WHERE status = 'received'").fetchone()[0])
    finally:
        con.close()
    return stored, doubles, open_


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--backlog", type=int, default=300)
    ap.add_argument("--officers", type=int, default=50)
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "polling.sqlite3"
    fake = FakeTelegram()
    server = serve(fake)
    port = server.server_address[1]
    base_env = env(db, port)
    for i in range(args.officers):
        subprocess.run([sys.executable, "-m", "bot", "user", "add", str(4000 + i), "--name", f"CB {i}", "--role",
                        "officer", "--unit", "tu-phap", "--db", str(db)], check=True, capture_output=True, cwd=ROOT,
                       env=base_env)
    n = 0

    def report() -> None:
        nonlocal n
        user = 4000 + n % args.officers
        fake.add(user, f"nv {CODES[n % len(CODES)]} đạt {n % 99 + 1}%")
        n += 1

    for _ in range(args.backlog):
        report()
    total_lost = 0
    print(f"backlog {args.backlog} reports from {args.officers} officers before the first start")
    for run in range(args.kills + 1):
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, cwd=ROOT, env=base_env)
        if run < args.kills:
            until = time.time() + rng.uniform(1.5, 4.0)
            while time.time() < until:  # more reports keep arriving while it runs
                report()
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        else:  # the last run finishes the queue, then stops
            deadline = time.time() + 300
            while time.time() < deadline:
                with fake.lock:
                    waiting = len(fake.updates)
                stored, _, open_ = counts(db)
                if waiting == 0 and open_ == 0 and len(stored) >= n:
                    break
                time.sleep(0.5)
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        stored, doubles, open_ = counts(db)
        acknowledged = set(range(1, fake.confirmed_below))
        lost = len(acknowledged - stored)
        total_lost += lost
        print(f"run {run + 1}: {'kill -9' if run < args.kills else 'finish'}; sent so far {n}, acknowledged "
              f"{len(acknowledged)}, stored {len(stored)}, confirmed-lost {lost}, duplicates {doubles}, "
              f"still to handle {open_}")
    stored, doubles, open_ = counts(db)
    server.shutdown()
    print(f"\n{args.kills} kills: {n} updates, stored {len(stored)}, confirmed-lost {total_lost}, duplicates "
          f"{doubles}, unhandled at the end {open_}, messages sent {fake.sent}")


if __name__ == "__main__":
    main()
