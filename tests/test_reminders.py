"""Reminders over a simulated month containing Tết 2027, a make-up Saturday, restarts and Telegram faults."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

import jobs.delivery as delivery
from bot.config import Settings, load_settings
from bot.core.clock import ManualClock
from bot.offline.botapi import FaultPlan, SentCall
from bot.offline.session import OfflineSession
from storage import Database
from tests.conftest import CHAIRMAN, OFFICE, OFFICER, ONESTOP, TZ, add_people, import_seed_plan

START = datetime(2027, 1, 25, 8, 0, tzinfo=TZ)  # a Monday
END = datetime(2027, 2, 27, 0, 0, tzinfo=TZ)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


@pytest.fixture
def month_settings(tmp_path: Path) -> Settings:
    # 20/02/2027 is a make-up Saturday the commune announced
    return load_settings(env_file=None, db_path=tmp_path / "month.sqlite3", extra_workdays="2027-02-20")


async def _prepare(settings: Settings) -> None:
    await add_people(settings)
    await import_seed_plan(settings, year=2027)


def reminders(calls: list[SentCall], header: str, chat: int | None = None) -> list[datetime]:
    return [c.at for c in calls if c.method == "sendMessage" and (c.text or "").startswith(header)
            and (chat is None or c.chat == chat)]


async def _run(settings: Settings, start: datetime, end: datetime, faults: FaultPlan | None = None) -> list[SentCall]:
    s = OfflineSession(settings, ManualClock(start), faults=faults)
    async with s:
        await s.advance_to(end)
    return s.api.calls


async def test_a_month_with_tet(month_settings: Settings) -> None:
    await _prepare(month_settings)
    db = await Database.open(month_settings.db_path)  # a task of the officer's due Friday 19/02
    await db.execute("UPDATE tasks SET due_date = '2027-02-19' WHERE code = '1.3'")
    await db.close()
    calls = await _run(month_settings, START, END)
    weekly = reminders(calls, "🔔", OFFICER["id"])
    # Friday 14:00, except Tết eve (Fri 5/2): moved to the next working morning, Thursday 11/2 07:00
    assert weekly == [at(2027, 1, 29, 14), at(2027, 2, 11, 7), at(2027, 2, 12, 14), at(2027, 2, 19, 14),
                      at(2027, 2, 26, 14)]
    monday = reminders(calls, "📋", CHAIRMAN["id"])
    # Monday 07:30, except 8/2 (mùng ba Tết): 11/2 07:00
    assert monday == [at(2027, 2, 1, 7, 30), at(2027, 2, 11, 7), at(2027, 2, 15, 7, 30), at(2027, 2, 22, 7, 30)]
    dossier = reminders(calls, "📊", ONESTOP["id"])
    assert dossier == [at(2027, 1, 29, 15), at(2027, 2, 11, 7), at(2027, 2, 12, 15), at(2027, 2, 19, 15),
                       at(2027, 2, 26, 15)]
    overdue = reminders(calls, "🔴", OFFICER["id"])
    days = [d.date().isoformat() for d in overdue]
    # the overdue digest comes on each week's first working day (after Tết: Thursday 11/2), and on the day a
    # task has just become overdue: 1.3, due Friday 19/2, on the make-up Saturday 20/2 (a working day);
    # not the same list every morning
    assert days == ["2027-02-01", "2027-02-11", "2027-02-15", "2027-02-20", "2027-02-22"]
    due = reminders(calls, "⏰", OFFICER["id"])
    assert at(2027, 1, 29, 8) in due  # 1.4 is due Sunday 31/01: 0 working days left on Friday
    sent = [c for c in calls if c.method == "sendMessage"]
    for c in sent:
        local = c.at.astimezone(TZ)
        assert 7 <= local.hour < 21, c
        assert month_settings.calendar().is_workday(local.date()), c


async def test_reporting_calendar_reminds_the_office_with_the_summary(tmp_path: Path) -> None:
    settings = load_settings(env_file=None, db_path=tmp_path / "r.sqlite3")
    await _prepare(settings)
    calls = await _run(settings, at(2027, 5, 10, 8), at(2027, 5, 26, 0))
    reports = [c for c in calls if c.method == "sendMessage" and (c.text or "").startswith("📅")]
    # the six-month report is due 25/05/2027: 7 and 2 working days before
    assert [(c.chat, c.at) for c in reports] == [(OFFICE["id"], at(2027, 5, 14, 8)),
                                                 (OFFICE["id"], at(2027, 5, 21, 8))]
    assert "15/12/2026" in (reports[0].text or "") and "Tóm tắt CCHC" in (reports[0].text or "")
    docs = [c for c in calls if c.method == "sendDocument"]
    assert [d.filename for d in docs] == ["du-thao-bao-cao-6-thang-2027.docx"] * 2


async def test_restart_does_not_resend_and_catches_up_once(
    month_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    await _prepare(month_settings)
    first = await _run(month_settings, START, at(2027, 1, 29, 14, 30))  # the ping went out at 14:00
    assert len(reminders(first, "🔔", OFFICER["id"])) == 1
    again = await _run(month_settings, at(2027, 1, 29, 16), at(2027, 1, 29, 20))  # restart 2 hours later
    assert reminders(again, "🔔", OFFICER["id"]) == []
    # down over Friday 12/2 14:00, back at 18:00: within the 12-hour grace, sent once at restart
    late = await _run(month_settings, at(2027, 2, 12, 18), at(2027, 2, 12, 20))
    assert reminders(late, "🔔", OFFICER["id"]) == [at(2027, 2, 12, 18)]
    # down from Thursday to Saturday 20/2 10:00: Friday's ping is 20 hours old, dropped and logged
    gone = await _run(month_settings, at(2027, 2, 20, 10), at(2027, 2, 20, 12))
    assert reminders(gone, "🔔", OFFICER["id"]) == []
    assert any("dropped" in r.message for r in caplog.records)


async def test_telegram_faults_do_not_lose_or_double_reminders(month_settings: Settings, tmp_path: Path) -> None:
    await _prepare(month_settings)
    clean_settings = load_settings(env_file=None, db_path=tmp_path / "clean.sqlite3", extra_workdays="2027-02-20")
    await _prepare(clean_settings)
    faults = FaultPlan(rate=0.15, seed=3)
    faulty = await _run(month_settings, START, END, faults)
    clean = await _run(clean_settings, START, END)
    assert faults.injected >= 5

    def delivered(calls: list[SentCall]) -> Counter[tuple[int | None, str, str]]:
        return Counter((c.chat, (c.text or "")[:2], c.at.date().isoformat()) for c in calls
                       if c.method == "sendMessage")

    got, want = delivered(faulty), delivered(clean)
    assert got == want  # every reminder exactly once, at the same day, despite 10% of calls failing


async def test_paused_and_away_officers_are_skipped(month_settings: Settings) -> None:
    await _prepare(month_settings)
    s = OfflineSession(month_settings, ManualClock(START))
    async with s:
        await s.send_text(OFFICER, "/tamdung đến 12/02")
        await s.send_text(ONESTOP, "em nghỉ phép đến 12/02")
        await s.advance_to(END)
    assert reminders(s.api.calls, "🔔", OFFICER["id"])[0] == at(2027, 2, 19, 14)
    assert reminders(s.api.calls, "📊", ONESTOP["id"])[0] == at(2027, 2, 19, 15)


async def test_one_tap_update_from_the_weekly_ping(month_settings: Settings) -> None:
    await _prepare(month_settings)
    s = OfflineSession(month_settings, ManualClock(START))
    async with s:
        await s.advance_to(at(2027, 1, 29, 14, 1))
        labels = [b["text"] for b in s.buttons(OFFICER["id"])]
        assert "1.1: 25%" in labels and "✅ Xong" in labels
        await s.press(OFFICER, "1.1: 25%")
        assert "25%" in (s.api.calls[-1].text or "") and next(b["text"] for b in s.buttons(OFFICER["id"])) == "✅ Lưu"
        await s.press(OFFICER, "Lưu")
        task = await s.app.services.repos.plans.task_by_code(s.app.services.commune.id, "1.1")
        assert task is not None and task.percent == 25
        # having reported, the officer gets no ping next week
        await s.advance_to(at(2027, 2, 12, 15))
        assert reminders(s.api.calls, "🔔", OFFICER["id"])[-1] == at(2027, 2, 12, 14)


async def test_admin_changes_the_schedule_in_chat(month_settings: Settings) -> None:
    await _prepare(month_settings)
    s = OfflineSession(month_settings, ManualClock(START))
    async with s:
        await s.send_text(OFFICE, "/caidat")
        shown = s.api.calls[-1].text or ""
        assert "Nhắc báo cáo hằng tuần (nhacviec): thứ 6 hằng tuần, 14:00 (bật)" in shown
        assert "(han): các ngày làm việc, 08:00" in shown and "fri 15:00" not in shown and "mon 07:30" not in shown
        assert "hạn cố định" in shown and "Báo cáo quý I: hạn 25/02/" in shown and ": fixed" not in shown
        await s.send_text(OFFICE, "/caidat nhacviec thu5 09:00")
        assert "(nhacviec): thứ 5 hằng tuần, 09:00" in (s.api.calls[-1].text or "")
        await s.send_text(OFFICE, "/caidat lichbaocao mid-month")
        assert "Báo cáo quý I: hạn 15/03/" in (s.api.calls[-1].text or "")
        await s.send_text(OFFICE, "/caidat baocaochutich tat")
        await s.send_text(OFFICE, "/caidat yenlang 25:00-07:00")  # every reason in Vietnamese
        assert s.api.calls[-1].text == "Giờ yên lặng phải viết như 21:00-07:00, không phải „25:00-07:00”."
        await s.send_text(OFFICE, "/caidat nhacviec thu9 14:00")
        assert s.api.calls[-1].text == "Không hiểu thứ trong „thu9 14:00”. Dùng thu2 … thu7, cn."
        await s.send_text(OFFICE, "/caidat lichbaocao q1:31/02:01/01-31/03")
        assert "Không đọc được lịch báo cáo „q1:31/02:01/01-31/03”" in (s.api.calls[-1].text or "")
        await s.send_text(OFFICE, "/caidat abc 08:00")
        assert "Không có mục „abc”" in (s.api.calls[-1].text or "")
        await s.send_text(OFFICER, "/caidat han tat")
        assert "không có quyền" in (s.api.calls[-1].text or "")
        await s.advance_to(at(2027, 2, 2, 0))
    assert reminders(s.api.calls, "🔔", OFFICER["id"]) == [at(2027, 1, 28, 9)]
    assert reminders(s.api.calls, "📋", CHAIRMAN["id"]) == []


async def test_crash_in_the_middle_of_a_run_then_restart(month_settings: Settings,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    await _prepare(month_settings)
    real = delivery.deliver
    delivered: list[int] = []

    class Crash(BaseException):
        """The process dies (kill -9) while the weekly ping run is under way."""

    async def dying(app: object, item: delivery.Outgoing) -> bool:
        if delivered:
            raise Crash
        delivered.append(item.officer.telegram_id)
        return await real(app, item)  # type: ignore[arg-type]

    monkeypatch.setattr(delivery, "deliver", dying)
    s = OfflineSession(month_settings, ManualClock(at(2027, 1, 29, 13)))
    with pytest.raises(Crash):
        async with s:
            await s.advance_to(at(2027, 1, 29, 14, 1))
    first = delivered[0]
    monkeypatch.setattr(delivery, "deliver", real)
    after = await _run(month_settings, at(2027, 1, 29, 15), at(2027, 1, 29, 16))
    pinged = {c.chat for c in after if c.method == "sendMessage" and (c.text or "").startswith("🔔")}
    assert first not in pinged  # not sent twice
    # the rest, once, after the restart — including the one whose send the crash interrupted
    assert pinged == {OFFICER["id"], OFFICE["id"], ONESTOP["id"]} - {first}


async def test_monday_report_lists_overdue_tasks_per_unit_with_their_owner(month_settings: Settings) -> None:
    await _prepare(month_settings)
    s = OfflineSession(month_settings, ManualClock(START))
    async with s:
        await s.send_text(OFFICE, f"/giao 1.4 {OFFICER['id']}")
        await s.advance_to(at(2027, 2, 1, 8))
    monday = [c.text or "" for c in s.api.calls if c.chat == CHAIRMAN["id"] and (c.text or "").startswith("📋")]
    assert len(monday) == 1
    text = monday[0]
    assert "<b>Tư pháp - Hộ tịch</b>" in text
    line_14 = next(line for line in text.splitlines() if "• 1.4 " in line)
    assert "— Lê Văn Cường: trễ 1 ngày làm việc" in line_14  # due Sunday 31/01: Monday is one working day late
    assert "— —" not in text  # tasks nobody owns yet show no empty owner


async def test_under_a_persistent_429_a_reminder_is_tried_only_by_the_one_retry_layer(
        month_settings: Settings) -> None:
    """Telegram answers every sendMessage with 429: each weekly ping is tried `attempts` times in all (not
    request retries × rate-limiter retries × the job's own loop), nothing is marked sent, and the run is tried
    again five minutes later, when Telegram takes messages again: the ping goes out once, then the next ones."""
    await _prepare(month_settings)
    faults = FaultPlan(rate=1.0, seed=1, kinds=("retry_after",), methods=frozenset({"sendMessage"}))
    s = OfflineSession(month_settings, ManualClock(at(2027, 1, 29, 13, 59)), faults=faults)
    async with s:
        await s.advance_to(at(2027, 1, 29, 14, 1))
        attempts = s.app.bot.request.attempts  # type: ignore[attr-defined]
        assert s.app.job_queue.scheduler.get_job("rule:1:weekly_ping:retry") is not None
        pinged = faults.injected // attempts
        assert pinged >= 2 and faults.injected == pinged * attempts  # every officer's ping: `attempts` tries
        assert reminders(s.api.calls, "🔔") == []
        faults.rate = 0.0
        await s.advance_to(at(2027, 2, 12, 14, 1))
    # the retry at 14:05, then the next occurrences (Friday 5/2 is Tết eve: moved to Thursday 11/2 07:00)
    assert reminders(s.api.calls, "🔔", OFFICER["id"]) == [at(2027, 1, 29, 14, 5), at(2027, 2, 11, 7),
                                                            at(2027, 2, 12, 14)]
