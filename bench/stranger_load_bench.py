"""Officers' reply time while strangers flood the bot: `python -m bot run` (real polling over HTTP) against the
local fake Bot API of `polling_crash_bench.py`, with 300 strangers sending 8 messages each while 50 officers
report. Prints the officers' reply time (from the update reaching the fake Telegram to the bot's answer in
that officer's chat): p50, p95, max; and how much of the strangers was stored. Target: p95 < 1 s.

    python bench/stranger_load_bench.py [--strangers 300] [--each 8] [--officers 50]
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from polling_crash_bench import ROOT, FakeTelegram, env, serve


class TimedTelegram(FakeTelegram):
    def __init__(self, officers: set[int]) -> None:
        super().__init__()
        self.officers = officers
        self.asked: dict[int, list[float]] = {}
        self.replies: list[float] = []

    def add_timed(self, user: int, text: str) -> None:
        with self.lock:
            self.asked.setdefault(user, []).append(time.perf_counter())
        self.add(user, text)

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "sendMessage":
            chat = int(params.get("chat_id") or 0)
            with self.lock:
                waiting = self.asked.get(chat)
                if chat in self.officers and waiting:
                    self.replies.append(time.perf_counter() - waiting.pop(0))
        return super().answer(method, params)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--strangers", type=int, default=300)
    ap.add_argument("--each", type=int, default=8)
    ap.add_argument("--officers", type=int, default=50)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "load.sqlite3"
    officers = {5000 + i for i in range(args.officers)}
    fake = TimedTelegram(officers)
    server = serve(fake)
    e = env(db, server.server_address[1])
    for uid in sorted(officers):
        subprocess.run([sys.executable, "-m", "bot", "user", "add", str(uid), "--name", f"CB {uid}", "--role",
                        "officer", "--unit", "tu-phap", "--db", str(db)], check=True, capture_output=True, cwd=ROOT,
                       env=e)
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=ROOT, env=e)
    time.sleep(3)  # started
    stop = threading.Event()

    def strangers() -> None:
        for round_ in range(args.each):
            for s in range(args.strangers):
                fake.add(900_000 + s, f"xin chào {round_}")
            time.sleep(0.2)
        stop.set()

    flood = threading.Thread(target=strangers)
    flood.start()
    sent = 0
    officer_list = sorted(officers)
    while not stop.is_set() or sent < args.officers:
        fake.add_timed(officer_list[sent % len(officer_list)], f"nv 1.1 đạt {sent % 99 + 1}%")
        sent += 1
        time.sleep(0.1)  # ten reports a second from the commune: a very busy morning
    flood.join()
    deadline = time.time() + 60
    while len(fake.replies) < sent and time.time() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    server.shutdown()
    con = sqlite3.connect(db)
    try:
        stranger_rows = con.execute(
            "SELECT COUNT(*), SUM(LENGTH(raw_json)) FROM inbox WHERE user_id >= 900000").fetchone()
    finally:
        con.close()
    lat = sorted(fake.replies)
    p95 = statistics.quantiles(lat, n=100)[94] if len(lat) >= 20 else max(lat or [0])
    print(f"{args.strangers} strangers x {args.each} messages while {args.officers} officers sent {sent} reports")
    print(f"officers answered {len(lat)}/{sent}: p50 {statistics.median(lat):.3f} s, p95 {p95:.3f} s, "
          f"max {max(lat):.3f} s (target p95 < 1 s)")
    print(f"strangers' updates stored: {stranger_rows[0]} of {args.strangers * args.each} "
          f"({stranger_rows[1] or 0} bytes of raw JSON)")


if __name__ == "__main__":
    main()
