"""/tomtat speed on a big database: 100 communes × 5 years, weekly progress from 25 officers per commune
and daily dossier figures from 3 units, built by a generator. Prints the time to build and render the
summary of one commune for one quarter (target ≤ 200 ms) and for the year (target ≤ 500 ms).

    python bench/summary_bench.py [--db PATH] [--communes 100] [--years 5]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.domain import AREA_KEYS, DEFAULT_UNITS  # noqa: E402
from bot.core.workdays import WorkCalendar  # noqa: E402
from bot.i18n import translator  # noqa: E402
from storage import Database  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UNITS = [u.key for u in DEFAULT_UNITS]


def generate(path: Path, communes: int, years: int, last_year: int) -> None:
    """Fill the database with SQL directly (the schema comes from the migrations)."""
    asyncio.run(_migrate(path))
    rng = random.Random(7)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = OFF")
    first_year = last_year - years + 1
    with con:
        for c in range(1, communes + 1):
            con.execute("INSERT INTO communes (id, name, created_at) VALUES (?, ?, '2020-01-01')", (c, f"Xã {c}"))
            con.executemany("INSERT INTO units (commune_id, key, name) VALUES (?, ?, ?)",
                            [(c, u.key, u.name) for u in DEFAULT_UNITS])
            officers = []
            for i in range(25):
                oid = c * 100 + i
                unit = UNITS[i % len(UNITS)]
                con.execute("INSERT INTO officers (id, commune_id, telegram_id, name, roles, unit_key, created_at)"
                            " VALUES (?, ?, ?, ?, 'officer', ?, '2020-01-01')", (oid, c, oid, f"Cán bộ {oid}", unit))
                officers.append((oid, unit))
            for year in range(first_year, last_year + 1):
                pid = c * 10 + (year - first_year)
                con.execute("INSERT INTO plans (id, commune_id, title, year, imported_at) VALUES (?, ?, ?, ?, 'x')",
                            (pid, c, f"Kế hoạch {year}", year))
                con.execute("INSERT INTO plan_kpis (commune_id, plan_id, key, target, op, text)"
                            " VALUES (?, ?, 'on_time_rate', 99, '>', 'x')", (c, pid))
                tasks = []
                for k in range(50):
                    tid = pid * 100 + k
                    due = date(year, rng.randint(1, 12), 28).isoformat()
                    status = rng.choice(["done", "in_progress", "blocked", "not_started"])
                    con.execute("INSERT INTO tasks (id, commune_id, plan_id, code, area, title, lead_units, due_date,"
                                " status, percent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                (tid, c, pid, f"{k // 7 + 1}.{k % 7 + 1}", AREA_KEYS[k % 8], f"Nhiệm vụ {k}",
                                 f'["{UNITS[k % len(UNITS)]}"]', due, status, rng.randint(0, 100)))
                    tasks.append(tid)
                progress = []
                for week in range(52):
                    day = date(year, 1, 1) + timedelta(weeks=week)
                    for oid, _ in officers:
                        progress.append((c, rng.choice(tasks), oid, rng.randint(0, 100), "in_progress",
                                         f"{day.isoformat()}T15:00:00+07:00"))
                con.executemany("INSERT INTO progress_reports (commune_id, task_id, officer_id, percent, status,"
                                " created_at) VALUES (?, ?, ?, ?, ?, ?)", progress)
                dossiers = []
                day = date(year, 1, 1)
                while day.year == year:
                    for unit, oid in (("mot-cua", c * 100 + 5), ("tu-phap", c * 100 + 1), ("dia-chinh", c * 100 + 4)):
                        received = rng.randint(3, 20)
                        resolved = rng.randint(0, received)
                        late = rng.randint(0, min(2, resolved))
                        dossiers.append((c, oid, unit, day.isoformat(), day.isoformat(), received,
                                         rng.randint(0, received), resolved, resolved - late, late,
                                         f"{day.isoformat()}T17:00:00+07:00"))
                    day += timedelta(days=1)
                con.executemany("INSERT INTO dossier_reports (commune_id, officer_id, unit_key, period_start,"
                                " period_end, received, online, resolved, on_time, late, created_at)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", dossiers)
    con.execute("ANALYZE")
    con.close()


async def _migrate(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


async def measure(path: Path, commune: int, year: int) -> None:
    from bot.services.summaries import SummaryService
    from handlers.summary import render_summary
    from storage.repositories import Repositories

    db = await Database.open(path)
    repos = Repositories(db)
    service = SummaryService(repos, WorkCalendar())
    t = translator("vi")
    names = await repos.communes.unit_names(commune)
    now = datetime(year, 11, 27, 15, tzinfo=TZ)
    for label, start, end, target in (("quarter", date(year, 7, 1), date(year, 9, 30), 200),
                                      ("year", date(year, 1, 1), date(year, 12, 31), 500)):
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            summary = await service.build(commune, start, end, now, with_year=label == "quarter")
            text = render_summary(t, summary, names)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"/tomtat one commune, {label:7s}: median {statistics.median(times):6.1f} ms, "
              f"max {max(times):6.1f} ms (target ≤ {target} ms); {len(text)} chars, "
              f"{summary.dossiers.reports_used} dossier reports combined")
    from bot.documents.report_files import report_files

    first = date(year - 4, 1, 1)
    t0 = time.perf_counter()
    big = await service.build(commune, first, date(year, 12, 31), now)
    files = await report_files(repos, commune, big)
    docx, xlsx = files.docx, files.xlsx
    print(f"export of five years for one commune: .docx {len(docx) / 1e6:.2f} MB, .xlsx {len(xlsx) / 1e6:.2f} MB "
          f"in {time.perf_counter() - t0:.1f} s (Telegram's limit for bots: 50 MB)")
    await db.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--communes", type=int, default=100)
    ap.add_argument("--years", type=int, default=5)
    args = ap.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "bench.sqlite3"
    year = 2026
    if not path.exists():
        t0 = time.perf_counter()
        generate(path, args.communes, args.years, year)
        rows = sqlite3.connect(path).execute(
            "SELECT (SELECT COUNT(*) FROM progress_reports), (SELECT COUNT(*) FROM dossier_reports)").fetchone()
        print(f"generated {args.communes} communes × {args.years} years in {time.perf_counter() - t0:.1f} s: "
              f"{rows[0]:,} progress reports, {rows[1]:,} dossier reports ({path.stat().st_size / 1e6:.0f} MB)")
    asyncio.run(measure(path, args.communes // 2 or 1, year))


if __name__ == "__main__":
    main()
