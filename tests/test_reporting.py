"""Officers reporting in chat: read-back, confirm, correct, undo, drafts — nothing lost, nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.offline.session import OfflineSession
from handlers import callbacks
from tests.conftest import CHAIRMAN, OFFICE, OFFICER, ONESTOP, STRANGER, last, texts


async def _task(session: OfflineSession, code: str):  # type: ignore[no-untyped-def]
    services = session.app.services
    task = await services.repos.plans.task_by_code(services.commune.id, code)
    assert task is not None
    return task


async def test_progress_report_read_back_then_saved(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 dat 80% dk 15/12")
    readback = last(s, OFFICER["id"])
    assert "1.1" in readback and "80%" in readback and "15/12/2026" in readback and "đang thực hiện" in readback
    assert s.buttons(OFFICER["id"]) and [b["text"] for b in s.buttons(OFFICER["id"])] == ["✅ Lưu", "✏️ Sửa", "❌ Hủy"]
    assert (await _task(s, "1.1")).percent == 0  # nothing saved before ✅ Lưu
    await s.press(OFFICER, "Lưu")
    assert "Đã lưu" in last(s, OFFICER["id"])
    task = await _task(s, "1.1")
    assert (task.percent, task.status) == (80, "in_progress")
    assert s.buttons(OFFICER["id"]) == []  # the saved read-back has no buttons left


async def test_cancel_saves_nothing(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.4 xong")
    await s.press(OFFICER, "Hủy")
    assert "Đã hủy" in last(s, OFFICER["id"])
    assert (await _task(s, "1.4")).status == "not_started"


async def test_several_tasks_and_a_done_word_about_the_future(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.3 xong; nv 1.6 dự kiến hoàn thành 15/12")
    await s.press(OFFICER, "Lưu")
    assert (await _task(s, "1.3")).status == "done"
    t16 = await _task(s, "1.6")
    assert t16.status == "in_progress"


async def test_unknown_code_is_told_and_not_saved(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 9.9 đạt 50%")
    reply = last(s, OFFICER["id"])
    assert "9.9" in reply and "không có trong kế hoạch" in reply
    assert s.buttons(OFFICER["id"]) == []


async def test_task_named_in_words_is_found_among_own_tasks(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "Tuyên truyền pháp luật đạt 40%")
    assert "1.7" in last(s, OFFICER["id"])
    await s.press(OFFICER, "Lưu")
    assert (await _task(s, "1.7")).percent == 40


async def test_ambiguous_words_ask_with_buttons(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICE, "ISO 9001 đạt 30%")  # the ISO tasks are the office's
    labels = [b["text"] for b in s.buttons(OFFICE["id"])]
    assert any(label.startswith("7.4") for label in labels) and any(label.startswith("7.7") for label in labels)
    await s.press(OFFICE, "7.7")
    assert "7.7" in last(s, OFFICE["id"]) and "Lưu" in " ".join(b["text"] for b in s.buttons(OFFICE["id"]))
    await s.press(OFFICE, "Lưu")
    assert (await _task(s, "7.7")).percent == 30


async def test_which_task_buttons_offer_only_tasks_the_sender_may_report_on(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "ISO 9001 đạt 30%")  # the office's tasks: not offered to the justice officer
    assert not any(b["text"].startswith(("7.4", "7.7")) for b in s.buttons(OFFICER["id"]))
    readback = (await s.app.services.readbacks.all_open())[-1]
    assert readback.officer_id == (await s.app.services.people.by_telegram_id(OFFICER["id"])).id
    assert all(c.code not in ("7.4", "7.7") for c in readback.payload.items[0].candidates)
    message = next(m for (chat, _), m in reversed(s.api.messages.items()) if chat == OFFICER["id"])
    task = await _task(s, "7.7")
    forged = callbacks.PickTask(readback.id, 0, task.id).encode()  # a forged pick of another unit's task
    await s.press_data(OFFICER, message, forged)
    assert (await _task(s, "7.7")).percent != 30
    after = await s.app.services.readbacks.get(readback.id)
    assert after is not None and after.payload.items[0].task_id is None  # nothing was picked


async def test_dossier_read_back_checks_relations_and_apology_duty(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(ONESTOP, "hs tuan nay nhan 45, truc tuyen 20, truc tiep 20, buu chinh 3, tre han 2")
    reply = last(s, ONESTOP["id"])
    assert "23/11/2026 – 29/11/2026" in reply
    assert "45 tiếp nhận nhưng trực tuyến + trực tiếp + bưu chính = 43" in reply
    assert "Nghị định 61/2018" in reply
    await s.press(ONESTOP, "Lưu")  # figures that disagree are not saved on the first press
    assert await s.app.services.repos.reports.dossiers(s.app.services.commune.id) == []
    assert "không khớp" in last(s, ONESTOP["id"])
    await s.press(ONESTOP, "Vẫn lưu")
    rows = await s.app.services.repos.reports.dossiers(s.app.services.commune.id)
    assert len(rows) == 1 and rows[0]["received"] == 45 and rows[0]["unit_key"] == "mot-cua"


async def test_a_second_report_of_the_same_period_shows_the_old_figures_and_asks(
        plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(ONESTOP, "hs tuần này nhận 40, đúng hạn 30")
    await s.press(ONESTOP, "Lưu")
    await s.send_text(ONESTOP, "hs tuần này nhận 45, đúng hạn 33")
    await s.press(ONESTOP, "Lưu")
    rows = await s.app.services.repos.reports.dossiers(s.app.services.commune.id)
    assert [r["received"] for r in rows] == [40]  # not replaced silently
    assert "tiếp nhận 40" in last(s, ONESTOP["id"])
    await s.press(ONESTOP, "Vẫn lưu")
    rows = await s.app.services.repos.reports.dossiers(s.app.services.commune.id)
    assert [r["received"] for r in rows] == [40, 45]  # the newer one counts (README: combining rule)


async def test_same_report_twice_is_not_counted_twice(plan_session: OfflineSession) -> None:
    s = plan_session
    for _ in range(2):
        await s.send_text(ONESTOP, "tuần này tiếp nhận 30 hồ sơ, trực tuyến 12")
        await s.press(ONESTOP, "Lưu")
    assert "đã được lưu trước đó" in last(s, ONESTOP["id"])
    rows = await s.app.services.repos.reports.dossiers(s.app.services.commune.id)
    assert len(rows) == 1
    for _ in range(2):
        await s.send_text(OFFICER, "nv 1.1 đạt 50%")
        await s.press(OFFICER, "Lưu")
    assert await s.app.services.repos.reports.count_progress(s.app.services.commune.id) == 1


async def test_pressing_save_twice_saves_once(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 50%")
    message = s.api.latest_with_buttons[OFFICER["id"]]
    data = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                if "Lưu" in b["text"])
    await s.press_data(OFFICER, message, data)
    await s.press_data(OFFICER, message, data)
    assert await s.app.services.repos.reports.count_progress(s.app.services.commune.id) == 1
    toasts = [c.text for c in s.api.calls if c.method == "answerCallbackQuery"]
    assert toasts[-1] == "Báo cáo này đã được lưu rồi."


async def test_editing_the_message_updates_the_pending_read_back(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 50%")
    await s.edit(OFFICER, "nv 1.1 đạt 60%")
    edits = [c for c in s.api.calls if c.method == "editMessageText"]
    assert edits and "60%" in (edits[-1].text or "")
    await s.press(OFFICER, "Lưu")
    assert (await _task(s, "1.1")).percent == 60


async def test_editing_a_saved_report_asks_with_both_then_replaces_and_keeps_history(
        plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 50%")
    await s.press(OFFICER, "Lưu")
    await s.edit(OFFICER, "nv 1.1 đạt 70%")
    asked = last(s, OFFICER["id"])
    assert "Chưa có gì thay đổi" in asked and asked.index("50%") < asked.index("70%")  # old, then new
    assert (await _task(s, "1.1")).percent == 50  # nothing replaced before they say so
    await s.edit(OFFICER, "nv 1.1 đạt 80%")  # edited again: the newer proposal is the one that counts
    await s.press(OFFICER, "Thay bằng bản sửa", on=2)
    assert "thêm lần nữa" in [c.text for c in s.api.calls if c.method == "answerCallbackQuery"][-1]
    assert (await _task(s, "1.1")).percent == 50
    await s.press(OFFICER, "Thay bằng bản sửa")
    assert "cập nhật theo tin nhắn đã sửa" in last(s, OFFICER["id"])
    assert (await _task(s, "1.1")).percent == 80
    rows = await s.app.services.db.fetchall("SELECT percent, undone FROM progress_reports ORDER BY id")
    assert [(r["percent"], r["undone"]) for r in rows] == [(50, 1), (80, 0)]
    await s.press(OFFICER, "Thay bằng bản sửa", on=1)  # pressed again: nothing more happens
    assert len(await s.app.services.db.fetchall("SELECT id FROM progress_reports")) == 2


async def test_keeping_the_saved_report_after_an_edit(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(ONESTOP, "hs tuần này nhận 40, trực tuyến 30")
    await s.press(ONESTOP, "Lưu")
    await s.edit(ONESTOP, "hs tuần này nhận 40, trực tuyến 50")  # the edit is implausible, too
    assert "nhiều hơn 40" in last(s, ONESTOP["id"]) or "lớn hơn số tiếp nhận" in last(s, ONESTOP["id"])
    await s.press(ONESTOP, "Thay bằng bản sửa")  # figures that disagree: a second press is asked for
    assert "không khớp" in last(s, ONESTOP["id"])
    rows = await s.app.services.repos.reports.dossiers(s.app.services.commune.id)
    assert [r["online"] for r in rows] == [30]
    await s.press(ONESTOP, "Giữ bản đã lưu")
    assert "giữ nguyên" in last(s, ONESTOP["id"])
    rows = await s.app.services.repos.reports.dossiers(s.app.services.commune.id)
    assert [r["online"] for r in rows] == [30]


async def test_correct_button_then_new_message(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 50%")
    await s.press(OFFICER, "Sửa")
    assert "gửi lại tin nhắn đã sửa" in last(s, OFFICER["id"])
    await s.send_text(OFFICER, "nv 1.1 đạt 55%")
    await s.press(OFFICER, "Lưu")
    assert (await _task(s, "1.1")).percent == 55
    states = await s.app.services.db.fetchall("SELECT state FROM pending_reports ORDER BY id")
    assert [r["state"] for r in states] == ["replaced", "saved"]


async def test_undo_the_last_saved_report(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 30%")
    await s.press(OFFICER, "Lưu")
    await s.send_text(OFFICER, "nv 1.1 đạt 90%")
    await s.press(OFFICER, "Lưu")
    await s.send_text(OFFICER, "/hoantac")
    assert "hoàn tác" in last(s, OFFICER["id"])
    assert (await _task(s, "1.1")).percent == 30
    await s.send_text(OFFICER, "/hoantac")  # the 30% one is not what they did last: asked first
    assert "Hoàn tác báo cáo này?" in last(s, OFFICER["id"])
    await s.press(OFFICER, "Hoàn tác")
    await s.send_text(OFFICER, "/hoantac")
    assert "chưa có báo cáo nào" in last(s, OFFICER["id"])
    assert (await _task(s, "1.1")).status == "not_started"


async def test_unconfirmed_read_back_becomes_a_draft_and_can_still_be_saved(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 45%")
    await s.advance_to(s.clock.now() + timedelta(minutes=31))
    assert "Bản nháp" in last(s, OFFICER["id"])
    row = await s.app.services.db.fetchone("SELECT state FROM pending_reports")
    assert row is not None and row["state"] == "draft"
    await s.press(OFFICER, "Lưu")
    assert (await _task(s, "1.1")).percent == 45


async def test_not_understood_gives_examples_from_own_tasks_and_keeps_the_message(
    plan_session: OfflineSession,
) -> None:
    s = plan_session
    await s.send_text(OFFICER, "hôm nay trời mưa to quá")
    reply = last(s, OFFICER["id"])
    assert "chưa hiểu" in reply and "nv 1." in reply
    inbox = await s.app.services.repos.inbox.all()
    assert inbox[-1]["text"] == "hôm nay trời mưa to quá"


async def test_question_about_own_tasks_lists_them(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nhiệm vụ của em là gì ạ?")
    assert "Nhiệm vụ của bạn" in last(s, OFFICER["id"])


async def test_forged_callback_cannot_touch_another_users_report(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 50%")
    message = s.api.latest_with_buttons[OFFICER["id"]]
    data = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                if "Lưu" in b["text"])
    await s.press_data(ONESTOP, message, data)
    await s.press_data(ONESTOP, message, "rb:save:999999")
    await s.press_data(ONESTOP, message, "'; DROP TABLE tasks; --")
    await s.press_data(STRANGER, message, data)
    assert await s.app.services.repos.reports.count_progress(s.app.services.commune.id) == 0
    audit = [a["action"] for a in await s.app.services.repos.audit.all()]
    assert audit.count("bad_callback") == 3 and "refused" in audit


async def test_absence_in_words_and_command(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "em nghỉ phép đến thứ 6 tuần sau")
    assert "04/12/2026" in last(s, OFFICER["id"])
    officer = await s.app.services.repos.officers.by_telegram_id(OFFICER["id"])
    assert officer is not None and [(str(a), str(b)) for a, b in officer.leaves] == [("2026-11-27", "2026-12-04")]
    await s.send_text(ONESTOP, "/nghi đến 02/12")
    assert "02/12/2026" in last(s, ONESTOP["id"])
    await s.send_text(CHAIRMAN, "/canbo")
    assert "nghỉ đến 04/12/2026" in last(s, CHAIRMAN["id"])


async def test_in_a_group_the_bot_answers_only_when_addressed(plan_session: OfflineSession) -> None:
    s = plan_session
    group = {"id": -100123, "title": "UBND xã", "type": "group"}
    await s.send_text(OFFICER, "nv 1.1 đạt 50%", chat=group)
    assert texts(s, group["id"]) == []
    await s.send_text(OFFICER, "@cchc_xa_bot nv 1.1 đạt 50%", chat=group)
    assert "tin nhắn riêng" in last(s, group["id"])
    assert "1.1" in last(s, OFFICER["id"]) and s.buttons(OFFICER["id"])
    await s.press(OFFICER, "Lưu")
    assert (await _task(s, "1.1")).percent == 50


async def test_this_period_means_the_reporting_period_not_this_week(plan_session: OfflineSession) -> None:
    """"kỳ này" names the period being reported under the commune's calendar (default "fixed": between
    the year's report on 20/11 and the next data window, the calendar quarter), never an assumed week."""
    s = plan_session
    await s.send_text(ONESTOP, "hs kỳ này nhận 120, trực tuyến 80")
    reply = last(s, ONESTOP["id"])
    assert "01/10/2026 – 31/12/2026" in reply and "23/11/2026" not in reply
    await s.press(ONESTOP, "Lưu")
    rows = await s.app.services.repos.reports.dossiers(s.app.services.commune.id)
    assert [(r["period_start"], r["period_end"], r["received"]) for r in rows] == [("2026-10-01", "2026-12-31", 120)]


async def test_a_percent_over_100_is_named_not_ignored(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 dat 150%")
    reply = last(s, OFFICER["id"])
    assert "150% không hợp lệ" in reply and "0 đến 100" in reply
    assert s.buttons(OFFICER["id"]) == []  # nothing to save
    inbox = await s.app.services.repos.inbox.all()
    assert inbox[-1]["text"] == "nv 1.1 dat 150%"  # kept, as every message


async def test_a_question_about_a_task_gets_the_task(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nhiệm vụ 1.3 là gì vậy?")
    reply = last(s, OFFICER["id"])
    assert reply.startswith("📌 <b>1.3</b>") and "Chủ trì" in reply
    await s.send_text(OFFICER, "nv 4.1 hạn khi nào?")  # another unit's task: not shown to an officer
    assert "không có quyền" in last(s, OFFICER["id"])
    await s.send_text(OFFICER, "nv 9.9 là gì?")
    assert "9.9" in last(s, OFFICER["id"])


async def test_edit_pressed_twice_or_after_saving_changes_nothing(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 50%")
    message = s.api.latest_with_buttons[OFFICER["id"]]
    edit = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                if b["callback_data"].startswith("rb:edit:"))
    await s.press_data(OFFICER, message, edit)
    await s.press_data(OFFICER, message, edit)  # again: it is already waiting for the correction
    answers = [c.text for c in s.api.calls if c.method == "answerCallbackQuery"]
    assert answers[-1] == "Báo cáo này đang chờ bạn gửi bản sửa."
    await s.send_text(OFFICER, "nv 1.1 đạt 60%")  # the correction replaces it
    await s.press(OFFICER, "Lưu")
    await s.press_data(OFFICER, message, edit)  # the old read-back's ✏️ after all that
    answers = [c.text for c in s.api.calls if c.method == "answerCallbackQuery"]
    assert answers[-1] == "Báo cáo này đã được thay bằng bản sửa."
    assert (await _task(s, "1.1")).percent == 60


async def test_an_old_readback_never_overwrites_a_newer_report_silently(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 20%")
    old = dict(s.api.latest_with_buttons[OFFICER["id"]])
    old_save = next(b["callback_data"] for row in old["reply_markup"]["inline_keyboard"] for b in row
                    if "Lưu" in b["text"])
    await s.advance_to(s.clock.now() + timedelta(minutes=5))
    await s.send_text(OFFICER, "nv 1.1 đạt 50%")
    await s.press(OFFICER, "Lưu")
    assert (await _task(s, "1.1")).percent == 50
    await s.advance_to(s.clock.now() + timedelta(days=3))
    await s.press_data(OFFICER, old, old_save)  # the stale button, days later
    assert (await _task(s, "1.1")).percent == 50  # not overwritten
    assert "mới hơn" in last(s, OFFICER["id"]) and "50%" in last(s, OFFICER["id"])
    await s.press(OFFICER, "Vẫn lưu")  # the sender says the old one is right
    assert (await _task(s, "1.1")).percent == 20


async def test_a_colleagues_newer_report_is_not_overwritten_silently(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 20%")
    await s.advance_to(s.clock.now() + timedelta(minutes=2))
    await s.send_text(OFFICE, "nv 1.1 đạt 60%")
    await s.press(OFFICE, "Lưu")
    await s.press(OFFICER, "Lưu")
    assert (await _task(s, "1.1")).percent == 60
    assert "Trần Thị Bình" in last(s, OFFICER["id"])


async def test_undo_of_an_old_report_asks_first_and_says_what_it_undid(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 40%")
    await s.press(OFFICER, "Lưu")
    await s.advance_to(s.clock.now() + timedelta(days=3))
    await s.send_text(OFFICER, "/hoantac")
    assert "Hoàn tác báo cáo này?" in last(s, OFFICER["id"]) and "40%" in last(s, OFFICER["id"])
    assert (await _task(s, "1.1")).percent == 40  # nothing undone yet
    await s.press(OFFICER, "Không")
    assert (await _task(s, "1.1")).percent == 40
    await s.send_text(OFFICER, "/hoantac")
    await s.press(OFFICER, "Hoàn tác")
    assert (await _task(s, "1.1")).percent != 40
    assert "40%" in last(s, OFFICER["id"])


async def test_undo_right_after_saving_needs_no_question(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 40%")
    await s.press(OFFICER, "Lưu")
    await s.send_text(OFFICER, "/hoantac")
    assert (await _task(s, "1.1")).percent != 40


async def test_a_task_of_another_unit_is_refused_with_the_reason_and_the_way_out(
        plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 4.1 đạt 90%")  # 4.1 is led by the office (văn phòng), not tư pháp
    reply = last(s, OFFICER["id"])
    assert "bộ phận mình chủ trì" in reply and "/giao" in reply and "Không có gì để lưu" not in reply
    assert not s.buttons(OFFICER["id"])
    await s.send_text(OFFICER, "nv 4.1 đạt 90%, nv 1.1 đạt 20%")  # one of them is theirs: that one is saved
    assert "Bấm ✅ Lưu" in last(s, OFFICER["id"])



async def test_leave_announcements_add_up_and_never_cut_a_leave_short(plan_session: OfflineSession) -> None:
    """Friday 27/11: a week off next week, then a sick day inside it, a trip later, an older announcement
    repeated: each adds or changes nothing; only "/nghi hết" ends the leave going on."""
    from datetime import date, timedelta

    s = plan_session
    repos = s.app.services.repos

    async def periods() -> list[tuple[str, str]]:
        o = await repos.officers.by_telegram_id(OFFICER["id"])
        assert o is not None
        return [(a.isoformat(), b.isoformat()) for a, b in o.leaves]

    await s.send_text(OFFICER, "/nghi từ 30/11 đến 04/12")
    assert await periods() == [("2026-11-30", "2026-12-04")]
    await s.advance_to(s.clock.now() + timedelta(days=4))  # Tuesday 01/12, on leave
    await s.send_text(OFFICER, "em xin nghỉ ốm hôm nay")
    assert await periods() == [("2026-11-30", "2026-12-04")]
    assert "04/12/2026" in last(s, OFFICER["id"]) and "giữ nguyên" in last(s, OFFICER["id"])
    await s.send_text(OFFICER, "/nghi từ 14/12 đến 16/12 đi công tác")
    await s.send_text(OFFICER, "/nghi đến 02/12")  # an older, shorter announcement, sent again
    assert await periods() == [("2026-11-30", "2026-12-04"), ("2026-12-14", "2026-12-16")]
    await s.send_text(OFFICER, "/nghi đến 07/12")  # widens the leave going on
    assert await periods() == [("2026-11-30", "2026-12-07"), ("2026-12-14", "2026-12-16")]
    officer = await repos.officers.by_telegram_id(OFFICER["id"])
    assert officer is not None and officer.away_on(date(2026, 12, 15)) and not officer.away_on(date(2026, 12, 10))
    await s.send_text(OFFICER, "/nghi hết")  # back on Tuesday: the trip stays planned
    assert await periods() == [("2026-11-30", "2026-11-30"), ("2026-12-14", "2026-12-16")]
    await s.send_text(CHAIRMAN, "/canbo")
    assert "14/12/2026" in last(s, CHAIRMAN["id"])


def test_add_leave_merges_touching_periods_in_any_order() -> None:
    from datetime import date

    from bot.core.absence import add_leave, end_leave

    d = date.fromisoformat
    today = d("2026-12-01")
    p = add_leave((), d("2026-12-10"), d("2026-12-12"), today)
    p = add_leave(p, d("2026-12-01"), d("2026-12-03"), today)
    assert p == ((d("2026-12-01"), d("2026-12-03")), (d("2026-12-10"), d("2026-12-12")))
    p = add_leave(p, d("2026-12-04"), d("2026-12-09"), today)  # fills the gap: one period
    assert p == ((d("2026-12-01"), d("2026-12-12")),)
    assert add_leave(p, d("2026-12-05"), d("2026-12-06"), today) == p
    assert add_leave(((d("2026-01-01"), d("2026-01-05")),), today, today, today) == ((today, today),)  # long past
    assert end_leave(p, d("2026-12-01")) == ()
    assert end_leave(p, d("2026-12-05")) == ((d("2026-12-01"), d("2026-12-04")),)


async def test_what_an_officer_writes_with_dossier_figures_is_kept_and_shown(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(ONESTOP, "hs tuần này nhận 12, trực tuyến 5, ghi chú: 2 hồ sơ đất đai chờ bổ sung giấy tờ")
    readback = last(s, ONESTOP["id"])
    assert "ghi chú: 2 hồ sơ đất đai chờ bổ sung giấy tờ" in readback and "12" in readback
    await s.press(ONESTOP, "Lưu")
    row = await s.app.services.db.fetchone("SELECT received, online, note FROM dossier_reports")
    assert row is not None and (row[0], row[1], row[2]) == (12, 5, "2 hồ sơ đất đai chờ bổ sung giấy tờ")
    await s.send_text(CHAIRMAN, "/tomtat")
    assert "2 hồ sơ đất đai chờ bổ sung giấy tờ" in last(s, CHAIRMAN["id"])
    await s.send_text(CHAIRMAN, "/xuatbaocao")
    import io

    from docx import Document

    docs = [c for c in s.api.calls if c.method == "sendDocument" and (c.filename or "").endswith(".docx")]
    assert docs and docs[-1].data is not None
    text = "\n".join(p.text for p in Document(io.BytesIO(docs[-1].data)).paragraphs)
    assert "ghi chú: 2 hồ sơ đất đai chờ bổ sung giấy tờ" in text


async def test_a_week_far_beyond_the_units_usual_asks_before_it_is_saved(plan_session: OfflineSession) -> None:
    from datetime import timedelta

    s = plan_session
    for week, got in enumerate((10, 14, 12, 9)):
        await s.send_text(ONESTOP, f"hs tuần này nhận {got}, trực tuyến 3")
        await s.press(ONESTOP, "Lưu")
        assert "Đã lưu" in last(s, ONESTOP["id"]), week
        await s.advance_to(s.clock.now() + timedelta(days=7))
    await s.send_text(ONESTOP, "hs tuần này nhận 120, trực tuyến 3")  # 12 with a slipped zero
    readback = last(s, ONESTOP["id"])
    assert "gấp hơn 5 lần" in readback and "120" in readback
    await s.press(ONESTOP, "Lưu")
    assert "Vẫn lưu" in str(s.buttons(ONESTOP["id"]))
    rows = await s.app.services.db.fetchone("SELECT COUNT(*) FROM dossier_reports")
    assert rows is not None and rows[0] == 4  # not saved without the second press
    await s.press(ONESTOP, "Vẫn lưu")
    rows = await s.app.services.db.fetchone("SELECT COUNT(*) FROM dossier_reports WHERE received = 120")
    assert rows is not None and rows[0] == 1
    await s.advance_to(s.clock.now() + timedelta(days=7))
    await s.send_text(ONESTOP, "hs tuần này nhận 25, trực tuyến 3")  # a busy week, not beyond 5x
    assert "gấp hơn 5 lần" not in last(s, ONESTOP["id"])


def test_far_above_usual_needs_history_and_compares_per_day() -> None:
    from bot.core.dossier import far_above_usual

    assert far_above_usual(100, 7, [(10, 7)] * 3) is None  # too little history
    assert far_above_usual(100, 7, [(10, 7)] * 4) is not None
    assert far_above_usual(40, 30, [(10, 7)] * 4) is None  # a month: 40 is a low month
    assert far_above_usual(300, 30, [(10, 7)] * 4) is not None
    assert far_above_usual(5, 7, [(0, 7)] * 6) is None  # no usual to compare with


async def test_an_unknown_code_offers_the_senders_nearest_tasks_to_pick(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.10 xong")  # no task 1.10: tư pháp's 1.1 is the nearest
    reply = last(s, OFFICER["id"])
    assert "1.10" in reply and "không có trong kế hoạch" in reply
    labels = [b["text"] for b in s.buttons(OFFICER["id"])]
    assert labels and labels[0].startswith("1.1 ") and all(lbl.startswith("1.") or "Hủy" in lbl for lbl in labels)
    await s.press(OFFICER, "1.1 ")
    assert "Bấm ✅ Lưu" in last(s, OFFICER["id"])
    await s.press(OFFICER, "Lưu")
    assert (await _task(s, "1.1")).status == "done"


async def test_another_units_task_is_named_with_its_unit(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 4.1 đạt 90%")
    assert "Văn phòng" in last(s, OFFICER["id"])


async def test_a_supporting_unit_reports_as_support_without_changing_the_leads_status(
        plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(ONESTOP, "nv 2.12 đạt 40%, ghi chú: đã chuẩn bị danh sách")  # Văn phòng leads, Một cửa supports
    readback = last(s, ONESTOP["id"])
    assert "phối hợp" in readback and "Văn phòng" in readback
    await s.press(ONESTOP, "Lưu")
    task = await _task(s, "2.12")
    assert task.status == "not_started" and task.percent == 0  # the lead unit's status is its own
    await s.send_text(OFFICE, "nv 2.12 đạt 20%")  # the lead's own report sets it, and is not "older than" support
    await s.press(OFFICE, "Lưu")
    assert (await _task(s, "2.12")).percent == 20
    await s.send_text(ONESTOP, "/nhiemvu 2.12")
    detail = last(s, ONESTOP["id"])
    lead_part, support_part = detail.split("Đơn vị phối hợp báo cáo")
    assert "20%" in lead_part and "40%" in support_part and "chuẩn bị danh sách" in support_part
    await s.send_text(CHAIRMAN, "/tomtat")
    assert "▶️ 1 đang làm" in last(s, CHAIRMAN["id"])  # one task in progress (2.12 at 20%), not two


@pytest.mark.parametrize("text", ["xong rồi", "đã hoàn thành", "dat 60% roi a", "nv 11 xong"])
async def test_a_report_without_a_known_task_asks_which_with_the_senders_open_tasks(
        plan_session: OfflineSession, text: str) -> None:
    s = plan_session
    await s.send_text(OFFICER, text)
    shown = last(s, OFFICER["id"])
    assert "„?”" not in shown and "?”:" not in shown
    labels = [b["text"] for row in s.api.latest_with_buttons[OFFICER["id"]]["reply_markup"]["inline_keyboard"]
              for b in row]
    codes = {label.split()[0] for label in labels if label[0].isdigit()}
    assert codes and codes <= {"1.1", "1.3", "1.4", "1.6", "1.7", "8.2", "1.2", "1.5", "2.2"}  # own or all-unit
