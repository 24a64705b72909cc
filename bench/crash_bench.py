"""Crash safety: `kill -9` of the bot at random moments while a replay of 2,000 reports from 50 officers
is being saved, 20 times; after each kill the database must pass `PRAGMA integrity_check` and hold every
report the bot told its sender was saved; then a restart continues with what is left. At the end every
report is saved exactly once.

    python bench/crash_bench.py [--kills 20] [--reports 2000] [--officers 50]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CODES = ["1.2", "1.5", "2.2", "2.4", "2.5", "2.7", "2.11", "3.2", "4.2", "4.4"]  # tasks of all units


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_") and k != "TELEGRAM_BOT_TOKEN"}
    e["CCHC_FLOOD_LIMIT"] = "1000"
    return e


def saved(db: Path) -> set[tuple[int, int]]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT o.telegram_id, p.percent FROM progress_reports p JOIN officers o"
                           " ON o.id = p.officer_id WHERE p.undone = 0").fetchall()
    finally:
        con.close()
    return {(int(a), int(b)) for a, b in rows}


def duplicates(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT COUNT(*) - COUNT(DISTINCT officer_id || ':' || percent) FROM progress_reports"
                               " WHERE undone = 0").fetchone()[0])
    finally:
        con.close()


def integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()


def write_script(path: Path, todo: list[tuple[int, int]], start: datetime) -> None:
    lines = []
    for i, (user, pct) in enumerate(todo):
        who = {"id": user, "name": f"CB {user}"}
        at = start + timedelta(seconds=10 * i)
        lines.append({"at": at.isoformat(), "from": who, "text": f"nv {CODES[pct % len(CODES)]} đạt {pct}%"})
        lines.append({"at": (at + timedelta(seconds=2)).isoformat(), "from": who, "press": "Lưu"})
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")


def confirmed(output: str) -> set[tuple[int, int]]:
    out = set()
    for line in output.splitlines():
        try:
            call = json.loads(line)
        except json.JSONDecodeError:
            continue  # the last line may be cut by the kill
        if call.get("method") == "editMessageText" and "Đã lưu" in (call.get("text") or ""):
            m = re.search(r"(\d+)%", call["text"])
            if m:
                out.add((int(call["chat"]), int(m.group(1))))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--officers", type=int, default=50)
    args = ap.parse_args()
    rng = random.Random(9)
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "crash.sqlite3"
    for i in range(args.officers):
        subprocess.run([sys.executable, "-m", "bot", "user", "add", str(3000 + i), "--name", f"CB {3000 + i}",
                        "--role", "officer", "--unit", "tu-phap", "--db", str(db)], check=True, capture_output=True,
                       cwd=ROOT, env=env())
    plan = ROOT / "tests" / "fixtures" / "ke-hoach-cchc-2023-duc-phong.md"
    subprocess.run([sys.executable, "-m", "bot", "import-plan", str(plan), "--year", "2026", "--db", str(db)],
                   check=True, capture_output=True, cwd=ROOT, env=env())
    per = args.reports // args.officers
    reports = [(3000 + i, pct) for pct in range(1, per + 1) for i in range(args.officers)]
    told: set[tuple[int, int]] = set()
    start = datetime(2026, 11, 23, 8, 0, tzinfo=TZ)
    lost = 0
    t0 = time.perf_counter()
    for run in range(args.kills + 1):
        todo = [r for r in reports if r not in saved(db)]
        if not todo:
            break
        script = tmp / f"run{run}.jsonl"
        write_script(script, todo, start + timedelta(days=run))
        proc = subprocess.Popen([sys.executable, "-m", "bot", "replay", str(script), "--db", str(db)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, env=env(), text=True)
        if run < args.kills:
            time.sleep(rng.uniform(0.8, 3.0))
            proc.send_signal(signal.SIGKILL)
        output, _ = proc.communicate()
        now_told = confirmed(output)
        told |= now_told
        missing = told - saved(db)
        lost += len(missing)
        state = integrity(db)
        print(f"run {run + 1:2d}: {'killed' if run < args.kills else 'finished'}, told saved {len(now_told):4d}, "
              f"in the database {len(saved(db)):4d}/{len(reports)}, confirmed but missing {len(missing)}, "
              f"integrity {state}")
        assert state == "ok"
    final = saved(db)
    print(f"\n{args.kills} kills in {time.perf_counter() - t0:.0f} s; reports saved {len(final)}/{len(reports)}, "
          f"confirmed-but-lost {lost}, saved twice {duplicates(db)}, integrity {integrity(db)}")


if __name__ == "__main__":
    main()
