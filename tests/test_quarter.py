"""A replayed quarter full of traps (tests/fixtures/quarter-traps.jsonl), through `python -m bot replay`: the
whole bot, offline Bot API, scheduler and SQLite as in production, Q4 2026 at Đức Phong.

The traps, in order: a stranger asks for the summary; impossible dossier figures (channels over received,
more late than resolved); the same week reported twice; an old read-back pressed after a newer report was
saved; a task finished in November asked about in October; one figure for two channels and a note; a leave
announced, then a sick day inside it; undo of a three-week-old report; a public holiday (24/11, Ngày Văn hóa
Việt Nam); a cumulative report for two months holding the weekly ones, then a week after it. Each test reads
what a chairman or an officer would have seen, and the figures are worked out by hand in the comments.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT = FIXTURES / "quarter-traps.jsonl"
CHAIRMAN, OFFICER, ONESTOP, STRANGER = 1001, 1003, 1004, 5555


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], Path, Any]:
    import os
    import subprocess
    import sys

    tmp = tmp_path_factory.mktemp("quarter")
    db = tmp / "q.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_") and k != "TELEGRAM_BOT_TOKEN"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        r = subprocess.run([sys.executable, "-m", "bot", *args, "--db", str(db)], capture_output=True, text=True,
                           cwd=tmp, env=env, timeout=120)
        assert r.returncode == 0, r.stderr
        return r

    cli("user", "add", str(CHAIRMAN), "--name", "Nguyễn Văn An", "--role", "chairman", "--unit", "lanh-dao")
    cli("user", "add", "1002", "--name", "Trần Thị Bình", "--role", "office,admin", "--unit", "van-phong")
    cli("user", "add", str(OFFICER), "--name", "Lê Văn Cường", "--role", "officer", "--unit", "tu-phap")
    cli("user", "add", str(ONESTOP), "--name", "Phạm Thị Dung", "--role", "officer", "--unit", "mot-cua")
    cli("import-plan", str(FIXTURES / "ke-hoach-cchc-2023-duc-phong.md"), "--year", "2026")
    r = cli("replay", str(SCRIPT), "--files", str(tmp / "files"))
    return [json.loads(line) for line in r.stdout.splitlines()], db, cli


def said(out: list[dict[str, Any]], chat: int, since: str = "", until: str = "9") -> list[str]:
    return [o.get("text") or "" for o in out if o["chat"] == chat and since <= o["at"] < until]


def summary_for(out: list[dict[str, Any]], period: str) -> str:
    found = [o["text"] for o in out if o["chat"] == CHAIRMAN and f"Kỳ: {period}" in (o.get("text") or "")]
    assert len(found) == 1, period
    return str(found[0])


def test_a_stranger_reads_nothing(quarter: Any) -> None:
    out, _, _ = quarter
    to_stranger = said(out, STRANGER)
    assert len(to_stranger) == 1 and "chưa được đăng ký" in to_stranger[0]
    assert "Tóm tắt" not in to_stranger[0] and "Đức Phong" not in to_stranger[0]


def test_impossible_figures_are_named_and_not_saved_on_one_press(quarter: Any) -> None:
    out, db, _ = quarter
    first = said(out, ONESTOP, "2026-10-09T10:00", "2026-10-09T10:01")[0]
    # 30 online + 20 by post = 50 of 40 received; 40 late of 35 resolved
    assert "cộng lại 50, nhiều hơn 40 hồ sơ tiếp nhận" in first
    assert "cộng lại 40, nhiều hơn 35 hồ sơ đã giải quyết" in first
    assert "không khớp" in said(out, ONESTOP, "2026-10-09T10:01", "2026-10-09T10:02")[0]
    with sqlite3.connect(db) as con:
        received = [r[0] for r in con.execute("SELECT received FROM dossier_reports ORDER BY id")]
    assert 45 not in received and received[0] == 40  # the cancelled figures and the refused replacement: not kept


def test_a_second_report_of_the_week_shows_the_old_figures_and_asks(quarter: Any) -> None:
    out, _, _ = quarter
    asked = said(out, ONESTOP, "2026-10-09T16:01", "2026-10-09T16:02")[0]
    assert "đã báo cáo kỳ này rồi: tiếp nhận 40, trực tuyến 30, trực tiếp và bưu chính 10" in asked


def test_an_old_read_back_does_not_overwrite_a_newer_report(quarter: Any) -> None:
    out, _, _ = quarter
    pressed = said(out, OFFICER, "2026-10-21T09:00", "2026-10-21T09:01")
    assert any("Đã có báo cáo mới hơn" in x and "60%" in x for x in pressed)
    october = summary_for(out, "01/10/2026 – 31/10/2026")
    assert "✅ 0 xong (0%) · ▶️ 1 đang làm" in october  # 1.3 at 60% then; it was finished on 02/11


def test_october_as_it_was_on_its_last_day(quarter: Any) -> None:
    out, _, _ = quarter
    october = summary_for(out, "01/10/2026 – 31/10/2026")
    assert "Tiếp nhận 40 · trực tuyến 75,00% · trực tiếp và bưu chính 10, 25,00%" in october
    assert "Đã giải quyết 35 (87,50%) · đúng và trước hạn 94,29%" in october  # (35 - 2) / 35
    assert "2 hồ sơ trễ do chờ xác minh đất" in october
    assert "(số liệu có cho 7/31 ngày của kỳ)" in october  # one week of figures, said so
    assert "Chưa báo cáo tuần này" not in october  # a past month names who was silent in it, not this week


def test_november_counts_the_finished_task_and_compares_with_october(quarter: Any) -> None:
    out, _, _ = quarter
    november = summary_for(out, "01/11/2026 – 30/11/2026")
    assert "✅ 1 xong (2%)" in november
    assert "Tiếp nhận 50" in november and "đúng và trước hạn 97,92%" in november  # (48 - 1) / 48
    assert "tiếp nhận 50 (▲ 10)" in november and "tỷ lệ đúng hạn ▲ 3,63 điểm" in november  # 97,92 - 94,29


def test_the_quarter_neither_double_counts_nor_drops(quarter: Any) -> None:
    out, _, cli = quarter
    q4 = summary_for(out, "01/10/2026 – 31/12/2026 (đến hôm nay, 02/12/2026)")
    # 01/10–29/11 cumulative (95) holds the October and November weeks (40, 50); the week from 30/11 adds 12
    assert "Tiếp nhận 107" in q4 and "(2 báo cáo)" in q4
    assert "trực tuyến 73,83%" in q4  # (70 + 9) / 107: both reports give online figures
    # only the cumulative report gives resolved dossiers: its rate is over it alone, and says so
    assert "Đã giải quyết 90 (84,11% — tính trên 1/2 báo cáo có số này)" not in q4
    assert "94,74% — tính trên 1/2 báo cáo có số này" in q4  # 90 / 95
    assert "Quá hạn 3, trong đó 0 chưa có thư xin lỗi" in q4
    assert "2 hồ sơ trễ do chờ xác minh đất" in q4  # the note of a week inside the cumulative is kept
    data = json.loads(cli("summary", "--period", "2026-10-01..2026-12-31", "--json",
                          "--now", "2026-12-02T10:00:00+07:00").stdout)
    assert data["dossiers"]["counts"]["received"] == 107
    assert all(v is None or 0 <= v <= 100 for v in data["dossiers"]["rates"].values())


def test_leave_is_kept_whole_and_nobody_is_reminded_during_it(quarter: Any) -> None:
    out, _, _ = quarter
    assert any("nghỉ đến hết ngày 20/11/2026" in x for x in said(out, OFFICER, "2026-11-09T08:00", "2026-11-09T08:01"))
    sick = said(out, OFFICER, "2026-11-10T08:00", "2026-11-10T08:01")[-1]
    assert "09/11/2026 đến 20/11/2026" in sick and "giữ nguyên" in sick
    during = said(out, OFFICER, "2026-11-09T08:01", "2026-11-21")
    assert not [x for x in during if "🔔" in x or "quá hạn</b>" in x]
    assert any("🔔" in x for x in said(out, OFFICER, "2026-11-27", "2026-11-28"))  # back: reminded again


def test_undo_of_an_old_report_asks_first(quarter: Any) -> None:
    out, db, _ = quarter
    asked = said(out, OFFICER, "2026-11-24T09:00", "2026-11-24T09:01")[0]
    assert "02/11/2026" in asked and "Hoàn tác báo cáo này?" in asked
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT status, percent FROM tasks WHERE code = '1.3'").fetchone() == ("done", 100)


def test_nothing_is_sent_on_a_public_holiday(quarter: Any) -> None:
    out, _, _ = quarter
    assert not [o for o in out if o["at"].startswith("2026-11-24T08")]  # Ngày Văn hóa Việt Nam
    assert [o for o in out if o["at"].startswith("2026-11-23T08")]  # the Monday before: the daily check ran


def test_the_monday_escalation_counts_tasks_and_lists_each_once(quarter: Any) -> None:
    out, _, _ = quarter
    for text in [x for x in said(out, CHAIRMAN) if "Báo cáo đầu tuần" in x]:
        header = int(text.split("Báo cáo đầu tuần: ")[1].split()[0])
        listed = [line.split()[1] for line in text.splitlines() if line.startswith("  • ")]
        assert len(listed) == header == len(set(listed))
