"""10,000 generated hostile messages (random Unicode, huge texts, HTML/Markdown control characters,
SQL-looking strings, commands with junk arguments) and forged callback data, from registered users and
strangers, through the real Application on the offline Bot API. Prints what happened to them.

    python bench/hostile_bench.py [--messages 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_settings  # noqa: E402
from bot.core.clock import ManualClock  # noqa: E402
from bot.offline.session import OfflineSession  # noqa: E402
from tests.conftest import FRIDAY, OFFICE, OFFICER, ONESTOP, STRANGER, add_people, import_seed_plan  # noqa: E402
from tests.hostile import FORGED, random_message, unsafe_tags  # noqa: E402


async def run(n: int, seed: int) -> None:
    rng = random.Random(seed)
    settings = load_settings(env_file=None, db_path=Path(tempfile.mkdtemp()) / "hostile.sqlite3")
    await add_people(settings)
    await import_seed_plan(settings)
    people = [OFFICER, OFFICE, ONESTOP, STRANGER, {"id": 777, "name": "Kẻ lạ 2"}]
    strangers = {STRANGER["id"], 777}
    stats = {"sent": 0, "answered": 0, "throttled": 0, "unanswered": 0, "strangers_quiet": 0, "unsafe_html": 0,
             "stranger_leaks": 0, "forged": 0}
    session = OfflineSession(settings, ManualClock(FRIDAY))
    t0 = time.perf_counter()
    async with session:
        for i in range(n):
            person = people[rng.randrange(len(people))]
            before = len(session.api.calls)
            if rng.random() < 0.05:
                message = session.api.latest_with_buttons.get(OFFICER["id"])
                if message is not None:
                    await session.press_data(person, message, rng.choice(FORGED))
                    stats["forged"] += 1
                    continue
            text = random_message(rng).strip() or "?"
            await session.send_text(person, text)
            stats["sent"] += 1
            answers = [c for c in session.api.calls[before:] if c.chat == person["id"]]
            if answers:
                stats["answered"] += 1
            elif person["id"] in strangers:  # one refusal per ten minutes; the rest is not even stored
                stats["strangers_quiet"] += 1
            else:
                await session.app.services.repos.inbox.flush()  # outcomes are written behind
                row = await session.app.services.db.fetchone("SELECT status FROM inbox ORDER BY id DESC LIMIT 1")
                stats["throttled" if row is not None and row["status"] == "held" else "unanswered"] += 1
            for c in answers:
                if unsafe_tags(c.text or ""):
                    stats["unsafe_html"] += 1
                if person["id"] in strangers and "chưa được đăng ký" not in (c.text or "") and "không đúng" not in (
                        c.text or "") and "quá nhiều tin" not in (c.text or ""):
                    stats["stranger_leaks"] += 1
            if i % 50 == 0:
                await session.advance_to(session.clock.now() + timedelta(minutes=2))
        inbox = await session.app.services.repos.inbox.all()
        saved = await session.app.services.repos.reports.count_progress(session.app.services.commune.id)
    elapsed = time.perf_counter() - t0
    by_status: dict[str, int] = {}
    for r in inbox:
        by_status[r["status"]] = by_status.get(r["status"], 0) + 1
    print(f"{stats['sent']:,} hostile messages + {stats['forged']} forged button presses in {elapsed:.1f} s "
          f"({(stats['sent'] + stats['forged']) / elapsed:.0f}/s)")
    print(f"answered {stats['answered']:,}; held for flooding (answered after the pause) {stats['throttled']:,}; "
          f"strangers beyond their one refusal per ten minutes {stats['strangers_quiet']:,}; "
          f"registered users unanswered {stats['unanswered']:,}")
    print(f"inbox rows {len(inbox):,} by status {by_status} (failed = unhandled exceptions: "
          f"{by_status.get('failed', 0)})")
    print(f"replies with unescaped user HTML: {stats['unsafe_html']}; replies to strangers other than the "
          f"refusal: {stats['stranger_leaks']}; reports saved by forged buttons: {saved}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    asyncio.run(run(args.messages, args.seed))


if __name__ == "__main__":
    main()
