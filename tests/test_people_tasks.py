"""Invitations and people; tasks in chat (/nhiemvu, /giao, /han); the guided form; files."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from bot.core.clock import ManualClock
from bot.offline.session import OfflineSession
from tests.conftest import (
    CHAIRMAN,
    FRIDAY,
    OFFICE,
    OFFICER,
    ONESTOP,
    SEEDS,
    add_people,
    import_seed_plan,
    last,
    texts,
)

NEWCOMER = {"id": 2024, "name": "Đỗ Thị Mới"}


def _code(text: str) -> str:
    m = re.search(r"start=([A-Z0-9]{8})", text)
    assert m, text
    return m.group(1)


async def test_invite_registers_once_and_refuses_reuse(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICE, "/moi officer van-hoa")
    code = _code(last(s, OFFICE["id"]))
    await s.send_text(NEWCOMER, f"/start {code}")
    greeting = last(s, NEWCOMER["id"])
    assert "Đỗ Thị Mới" in greeting and "Văn hóa - Xã hội" in greeting
    other = {"id": 2025, "name": "Người khác"}
    await s.send_text(other, f"/start {code}")
    assert "đã được dùng" in last(s, other["id"])
    await s.send_text(other, "/start SAIMA123")
    assert "không đúng" in last(s, other["id"])
    officer = await s.app.services.repos.officers.by_telegram_id(NEWCOMER["id"])
    assert officer is not None and officer.roles == ("officer",) and officer.unit_key == "van-hoa"


async def test_expired_invite_is_refused(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICE, "/moi officer tu-phap 1")
    code = _code(last(s, OFFICE["id"]))
    await s.advance_to(s.clock.now() + timedelta(days=2))
    await s.send_text(NEWCOMER, f"/start {code}")
    assert "hết hạn" in last(s, NEWCOMER["id"])
    assert await s.app.services.repos.officers.by_telegram_id(NEWCOMER["id"]) is None


async def test_invite_by_buttons_role_then_unit_and_the_office_is_told(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICE, "/moi")
    assert "vai trò gì" in last(s, OFFICE["id"])
    await s.press(OFFICE, "Công chức chuyên môn")
    assert "thuộc bộ phận nào" in last(s, OFFICE["id"])
    await s.press(OFFICE, "Địa chính - Xây dựng")
    code = _code(last(s, OFFICE["id"]))
    await s.send_text(OFFICE, "/canbo")
    assert "chưa tham gia" in last(s, OFFICE["id"]) and code in last(s, OFFICE["id"])
    await s.send_text(NEWCOMER, f"/start {code}")
    assert "Địa chính - Xây dựng" in last(s, NEWCOMER["id"])
    told = last(s, OFFICE["id"])
    assert "Đỗ Thị Mới" in told and "vừa tham gia" in told and "Địa chính" in told
    assert not [x for x in texts(s, OFFICER["id"]) if "vừa tham gia" in x]  # only the office and admins
    await s.send_text(OFFICE, "/canbo")
    assert "chưa tham gia" not in last(s, OFFICE["id"])


@pytest.mark.parametrize(("typed", "roles", "unit"), [
    ("/moi canbo dia-chinh", ("officer",), "dia-chinh"),
    ("/moi cán bộ địa chính", ("officer",), "dia-chinh"),  # as people type them, in several words
    ("/moi cán bộ Địa chính - Xây dựng 5 Lò Văn Pả", ("officer",), "dia-chinh"),
    ("/moi giám đốc", None, None),  # not a role of a commune: refused, with the role buttons
    ("/moi congchuc địa-chính 3 Trần Văn Nam", ("officer",), "dia-chinh"),
    ("/moi chutich lanh-dao", ("chairman",), "lanh-dao"),
    ("/moi phochutich", ("vice_chairman",), None),
    ("/moi officer mot-cua", ("officer",), "mot-cua"),
    ("/moi vanphong van-phong 10", ("office",), "van-phong"),
])
async def test_invite_typed_in_vietnamese_words(plan_session: OfflineSession, typed: str,
                                                roles: tuple[str, ...] | None, unit: str | None) -> None:
    s = plan_session
    await s.send_text(OFFICE, typed)
    shown = last(s, OFFICE["id"])
    if roles is None:
        assert "Không hiểu vai trò" in shown and s.api.latest_with_buttons.get(OFFICE["id"])
        return
    await s.send_text(NEWCOMER, f"/start {_code(shown)}")
    officer = await s.app.services.repos.officers.by_telegram_id(NEWCOMER["id"])
    assert officer is not None and officer.roles == roles and officer.unit_key == unit
    for name in ("Trần Văn Nam", "Lò Văn Pả"):
        assert ("Dành cho: " + name in shown) == (name in typed)


async def test_an_officer_cannot_press_an_invitation_button(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICE, "/moi")
    message = s.api.latest_with_buttons[OFFICE["id"]]
    await s.press_data(OFFICER, message, "mv:u:admin:-")  # a forged press by someone who may not invite
    assert not await s.app.services.db.fetchall("SELECT code FROM invites")


async def test_only_office_and_admin_may_invite(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "/moi chairman")
    assert "không có quyền" in last(s, OFFICER["id"])
    assert any(a["action"] == "forbidden" for a in await s.app.services.repos.audit.all())


async def test_people_list_and_admin_changes(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 10%")
    await s.press(OFFICER, "Lưu")
    await s.send_text(OFFICE, "/canbo")
    listing = last(s, OFFICE["id"])
    assert "Lê Văn Cường" in listing and "27/11/2026" in listing and "chưa báo cáo" in listing
    await s.send_text(OFFICE, f"/canbo {ONESTOP['id']} bophan van-hoa")
    await s.send_text(OFFICE, f"/canbo {OFFICER['id']} khoa")
    await s.send_text(OFFICER, "/nhiemvu")
    assert "tạm khóa" in last(s, OFFICER["id"])
    moved = await s.app.services.repos.officers.by_telegram_id(ONESTOP["id"])
    assert moved is not None and moved.unit_key == "van-hoa"
    assert await s.app.services.repos.reports.count_progress(s.app.services.commune.id) == 1  # history stays


async def test_officer_sees_own_open_tasks_with_working_days(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "/nhiemvu")
    listing = last(s, OFFICER["id"])
    assert "1.4" in listing and "quá hạn" in listing
    assert "1.3" in listing and "còn 24 ngày làm việc" in listing  # 27/11 → 31/12/2026 on weekdays, no holiday
    assert "2.1" not in listing  # another unit's task


async def test_chairman_sees_counts_by_area_and_drills_down(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(CHAIRMAN, "/nhiemvu")
    overview = last(s, CHAIRMAN["id"])
    assert "50 nhiệm vụ" in overview and "Cải cách TTHC: 14 việc" in overview
    await s.press(CHAIRMAN, "TTHC")
    assert "2.14" in last(s, CHAIRMAN["id"])
    await s.send_text(CHAIRMAN, "/nhiemvu")
    await s.press(CHAIRMAN, "Theo bộ phận")
    await s.press(CHAIRMAN, "Một cửa")
    assert "2.8" in last(s, CHAIRMAN["id"])


async def test_task_detail_with_history(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 đạt 80%, vướng vì thiếu kinh phí")
    await s.press(OFFICER, "Lưu")
    await s.send_text(OFFICER, "/nhiemvu 1.1")
    detail = last(s, OFFICER["id"])
    assert "Các Kế hoạch của UBND xã" in detail and "Lê Văn Cường" in detail and "thiếu kinh phí" in detail
    await s.send_text(OFFICER, "/nhiemvu 9.9")
    assert "Không tìm thấy nhiệm vụ 9.9" in last(s, OFFICER["id"])


async def test_assign_tells_the_new_owner(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(CHAIRMAN, "/giao 2.1 Lê Văn Cường")
    assert "Đã giao nhiệm vụ 2.1 cho Lê Văn Cường" in last(s, CHAIRMAN["id"])
    assert "Bạn được giao nhiệm vụ <b>2.1</b>" in last(s, OFFICER["id"])
    await s.send_text(OFFICER, "/nhiemvu")
    assert "2.1" in last(s, OFFICER["id"])
    await s.send_text(OFFICER, "/giao 2.2 Lê Văn Cường")
    assert "không có quyền" in last(s, OFFICER["id"])
    await s.send_text(CHAIRMAN, "/giao 2.2 Ai Đó Không Có")
    assert "Không tìm thấy cán bộ" in last(s, CHAIRMAN["id"])


async def test_change_due_date_keeps_the_old_one(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICE, "/han 1.1 31/12")
    assert "từ 31/03/2026 thành 31/12/2026" in last(s, OFFICE["id"])
    await s.send_text(OFFICE, "/nhiemvu 1.1")
    assert "Hạn đổi từ 31/03/2026 thành 31/12/2026" in last(s, OFFICE["id"])
    await s.send_text(OFFICE, "/han 1.1 hôm qua")
    assert "Không hiểu ngày" in last(s, OFFICE["id"])


async def test_guided_form_for_a_task(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "/baocao")
    await s.press(OFFICER, "1.4")
    await s.press(OFFICER, "75%")
    await s.send_text(OFFICER, "chưa biết")  # not a date: asked again, nothing lost
    assert "Không hiểu ngày" in last(s, OFFICER["id"])
    await s.send_text(OFFICER, "15/12")
    await s.send_text(OFFICER, "đã trình lãnh đạo ký")
    readback = last(s, OFFICER["id"])
    assert "1.4" in readback and "75%" in readback and "15/12/2026" in readback and "trình lãnh đạo" in readback
    await s.press(OFFICER, "Lưu")
    assert "Đã lưu" in last(s, OFFICER["id"])


async def test_guided_form_survives_a_restart_and_a_forgotten_one_lets_messages_through(
        settings: Any) -> None:
    await add_people(settings)
    await import_seed_plan(settings)
    first = OfflineSession(settings, ManualClock(FRIDAY))
    async with first:
        await first.send_text(OFFICER, "/baocao")
        await first.press(OFFICER, "1.4")
        await first.press(OFFICER, "50%")  # now asked for a date
        buttons = first.api.latest_with_buttons[OFFICER["id"]]
    second = OfflineSession(settings, ManualClock(FRIDAY + timedelta(minutes=5)))  # the bot restarted
    async with second:
        await second.send_text(OFFICER, "20/12")
        assert "ghi chú" in last(second, OFFICER["id"]).lower()  # the form went on: now the note
        await second.press_data(OFFICER, buttons, "f:s")  # skip the note: the read-back
        readback = last(second, OFFICER["id"])
        assert "1.4" in readback and "50%" in readback and "20/12/2026" in readback
        # a form left alone for more than half an hour does not swallow a later message
        await second.send_text(OFFICER, "/baocao")
        await second.press(OFFICER, "1.1")
        await second.advance_to(second.clock.now() + timedelta(minutes=45))
        await second.send_text(OFFICER, "nv 1.3 đạt 40%")
        reply = last(second, OFFICER["id"])
        assert "Xác nhận báo cáo" in reply and "1.3" in reply and "40%" in reply  # read as a report


async def test_guided_form_for_dossiers(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(ONESTOP, "/baocao")
    await s.press(ONESTOP, "Số liệu hồ sơ")
    await s.send_text(ONESTOP, "45")       # received
    await s.send_text(ONESTOP, "hai mươi")  # not a number
    assert "không phải là một số" in last(s, ONESTOP["id"])
    await s.send_text(ONESTOP, "20")       # online
    for _ in range(3):                      # direct, postal, resolved skipped
        await s.press(ONESTOP, "Bỏ qua")
    await s.send_text(ONESTOP, "2")        # late
    await s.send_text(ONESTOP, "1")        # apologized
    await s.press(ONESTOP, "Bỏ qua")       # pending
    readback = last(s, ONESTOP["id"])
    assert "tiếp nhận 45" in readback and "quá hạn 2" in readback and "1 hồ sơ quá hạn chưa" in readback
    await s.press(ONESTOP, "Lưu")
    rows = await s.app.services.repos.reports.dossiers(s.app.services.commune.id)
    assert rows[0]["received"] == 45 and rows[0]["apologized"] == 1 and rows[0]["direct"] is None


async def test_evidence_document_is_attached_to_the_task(plan_session: OfflineSession, tmp_path: Path) -> None:
    s = plan_session
    doc = tmp_path / "ke-hoach-12.pdf"
    doc.write_bytes(b"%PDF-1.4 fake")
    await s.send_document(OFFICER, doc, caption="nv 1.1 kế hoạch số 12/KH-UBND")
    assert "sản phẩm của nhiệm vụ 1.1" in last(s, OFFICER["id"])
    await s.send_text(OFFICER, "/nhiemvu 1.1")
    assert "kế hoạch số 12/KH-UBND" in last(s, OFFICER["id"])
    # another unit's task: not attached, and the sender is told why
    await s.send_document(OFFICER, doc, caption="nv 4.1 minh chứng")
    assert "không thuộc bộ phận của bạn" in last(s, OFFICER["id"])
    await s.send_text(OFFICE, "/nhiemvu 4.1")
    assert "minh chứng" not in last(s, OFFICE["id"])


def _docx_from_markdown(md: Path, out: Path) -> Path:
    document = Document()
    for line in md.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line.replace("**", "").replace("#", "").strip())
    document.save(str(out))
    return out


async def test_plan_file_in_chat_preview_then_import(plan_session: OfflineSession, tmp_path: Path) -> None:
    s = plan_session
    plan = _docx_from_markdown(SEEDS / "ke-hoach-cchc-2023-tu-xuyen.md", tmp_path / "ke-hoach-tu-xuyen.docx")
    await s.send_document(OFFICE, plan, caption="kế hoạch năm 2026")
    preview = last(s, OFFICE["id"])
    assert "24 nhiệm vụ" in preview and "Cải cách TTHC: 7" in preview
    assert [b["text"] for b in s.buttons(OFFICE["id"])] == ["✅ Nhập", "❌ Hủy"]
    await s.press(OFFICE, "Nhập")
    assert "24 nhiệm vụ mới" in last(s, OFFICE["id"])


async def test_plan_preview_survives_a_restart_and_is_used_once(settings: Any, tmp_path: Path) -> None:
    """The office sends the plan, the bot restarts (a deploy), then ✅ Nhập still imports it; pressing
    again, or another admin pressing, changes nothing."""
    await add_people(settings)
    plan = _docx_from_markdown(SEEDS / "ke-hoach-cchc-2023-tu-xuyen.md", tmp_path / "ke-hoach-tu-xuyen.docx")
    first = OfflineSession(settings, ManualClock(FRIDAY))
    async with first:
        await first.send_document(OFFICE, plan, caption="kế hoạch năm 2026")
        preview = first.api.latest_with_buttons[OFFICE["id"]]
        waiting = await first.app.services.db.fetchone("SELECT COUNT(*) FROM plan_previews")
        assert waiting is not None and waiting[0] == 1  # kept in the database, not in the process
    second = OfflineSession(settings, ManualClock(FRIDAY + timedelta(minutes=20)))
    second.api.uploaded.update(first.api.uploaded)  # Telegram keeps the file across the bot's restart
    async with second:
        ok = next(b["callback_data"] for row in preview["reply_markup"]["inline_keyboard"] for b in row
                  if "Nhập" in b["text"])
        await second.press_data(OFFICER, preview, ok)  # not an admin: refused, the preview stays
        await second.press_data(OFFICE, preview, ok)
        assert "24 nhiệm vụ mới" in last(second, OFFICE["id"])
        await second.press_data(OFFICE, preview, ok)  # a second press imports nothing more
        answers = [c for c in second.api.calls if c.method == "answerCallbackQuery"]
        assert "hết hạn" in (answers[-1].text or "")
        plan_rows = await second.app.services.db.fetchall("SELECT year FROM plans ORDER BY year")
        assert [r[0] for r in plan_rows] == [2026]


async def test_a_file_that_is_not_a_plan_changes_nothing(plan_session: OfflineSession, tmp_path: Path) -> None:
    s = plan_session
    junk = tmp_path / "anh.docx"
    junk.write_bytes(b"PK\x03\x04garbage")
    await s.send_document(OFFICE, junk)
    assert "Không nhập được" in last(s, OFFICE["id"]) and "Chưa có gì thay đổi" in last(s, OFFICE["id"])
    letter = tmp_path / "thu-moi.txt"
    letter.write_text("Kính mời anh chị dự họp giao ban lúc 14h.", encoding="utf-8")
    await s.send_document(OFFICE, letter)
    assert "không giống một kế hoạch" in last(s, OFFICE["id"])
    assert len(await s.app.services.tasks.all(s.app.services.commune.id)) == 50


async def test_officers_cannot_import_plans(plan_session: OfflineSession, tmp_path: Path) -> None:
    s = plan_session
    plan = tmp_path / "plan.md"
    plan.write_bytes((SEEDS / "ke-hoach-cchc-2023-tu-xuyen.md").read_bytes())
    await s.send_document(OFFICER, plan)
    assert "ghi mã nhiệm vụ ở chú thích" in last(s, OFFICER["id"])
    assert not texts(s, OFFICER["id"])[-1].startswith("📄")


async def test_a_no_deadline_placeholder_is_refused_and_a_poisoned_row_stops_nobody(
        plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICE, "/han 1.1 31/12/9999")
    assert "31/12/9999" in last(s, OFFICE["id"]) and "2100" in last(s, OFFICE["id"])
    # a row written before this rule (or by hand): /nhiemvu and the daily jobs go on for everyone
    db = s.app.services.db
    await db.execute("UPDATE tasks SET due_date = '9999-12-31' WHERE code = '1.1'")
    await db.execute("UPDATE tasks SET due_date = '2026-12-02' WHERE code = '1.2'")
    s.app.services.repos.task_cache.drop()
    await s.send_text(OFFICE, "/nhiemvu")
    assert "Kế hoạch CCHC" in last(s, OFFICE["id"])  # answered, not an error
    before = len(s.api.calls)
    await s.advance_to(s.clock.now() + timedelta(days=4))  # Monday and Tuesday 08:00: deadline checks
    later = [c.text or "" for c in s.api.calls[before:]]
    assert any("1.2" in t for t in later), "the other task's deadline reminder still went out"


async def test_the_chairman_asks_for_an_explanation_and_the_answer_is_kept_on_the_task(
        plan_session: OfflineSession) -> None:
    """Monday's escalation offers "Yêu cầu giải trình"; the chairman picks an overdue task; its lead unit's
    officer is asked, answers in a message, the answer is saved on the task (/nhiemvu shows it) and sent to
    the chairman. Nobody else can press the button."""
    from datetime import datetime

    from tests.conftest import TZ

    s = plan_session
    await s.advance_to(datetime(2026, 11, 30, 8, 0, tzinfo=TZ))  # Monday, after the 07:30 escalation
    escalation = [c for c in s.api.calls if c.chat == CHAIRMAN["id"] and c.buttons]
    assert escalation and escalation[-1].buttons == [["📝 Yêu cầu giải trình"]]
    await s.press(CHAIRMAN, "giải trình")
    pick = s.buttons(CHAIRMAN["id"])
    late = [b for b in pick if b["text"].startswith("1.4 ")]  # 1.4 is overdue and led by tư pháp
    assert late, [b["text"] for b in pick]
    # the officer cannot use the chairman's buttons (a forged press)
    before = len(s.api.calls)
    await s.press_data(OFFICER, s.api.latest_with_buttons[CHAIRMAN["id"]], late[0]["callback_data"])
    assert not any("Yêu cầu giải trình" in (c.text or "") for c in s.api.calls[before:] if c.chat == OFFICER["id"])
    await s.press(CHAIRMAN, "1.4 ")
    asked = last(s, OFFICER["id"])
    assert "Yêu cầu giải trình" in asked and "1.4" in asked and "giải trình 1.4:" in asked
    assert OFFICER["name"] in last(s, CHAIRMAN["id"])
    await s.send_text(OFFICER, "giải trình 1.4: chờ UBND huyện ban hành hướng dẫn, dự kiến xong 20/12")
    assert "Đã ghi nhận giải trình" in last(s, OFFICER["id"])
    assert "chờ UBND huyện ban hành hướng dẫn" in last(s, CHAIRMAN["id"])
    await s.send_text(CHAIRMAN, "/nhiemvu 1.4")
    assert "chờ UBND huyện ban hành hướng dẫn" in last(s, CHAIRMAN["id"])
    # no open request any more: "giải trình" is read as an ordinary message, nothing is saved twice
    await s.send_text(OFFICER, "giải trình 1.4: lần nữa")
    rows = await s.app.services.db.fetchone("SELECT COUNT(*) FROM task_history WHERE kind = 'explanation'")
    assert rows is not None and rows[0] == 1


async def test_each_person_sees_the_commands_of_their_roles_in_their_language(session: OfflineSession) -> None:
    s = session
    menus = s.api.commands

    def names(chat: int) -> list[str]:
        return [c["command"] for c in menus.get(f"chat:{chat}", [])]

    assert [c["command"] for c in menus[""]] == ["start", "help"]  # strangers: join and help only
    officer = names(OFFICER["id"])
    assert "nhiemvu" in officer and "baocao" in officer and "nghi" in officer
    assert not {"caidat", "saoluu", "moi", "xuatbaocao", "canbo", "giao"} & set(officer)
    chairman = names(CHAIRMAN["id"])
    assert {"tomtat", "xuatbaocao", "giao", "canbo"} <= set(chairman) and "saoluu" not in chairman
    assert {"moi", "saoluu", "caidat"} <= set(names(OFFICE["id"]))
    assert menus[f"chat:{OFFICER['id']}"][0]["description"] != ""  # Vietnamese descriptions
    # a role change reaches the menu; so does a language change; a restart sets nothing again
    await s.send_text(OFFICE, f"/canbo {OFFICER['id']} vaitro officer,vice_chairman")
    assert "xuatbaocao" in names(OFFICER["id"])
    vi = menus[f"chat:{OFFICER['id']}"][0]["description"]
    await s.send_text(OFFICER, "/ngonngu en")
    assert menus[f"chat:{OFFICER['id']}"][0]["description"] != vi
    await s.send_text(OFFICE, f"/canbo {OFFICER['id']} khoa")
    assert f"chat:{OFFICER['id']}" not in menus  # deactivated: back to the strangers' menu
    set_calls = sum(1 for c in s.api.calls if c.method == "setMyCommands")
    from bot.app import on_startup

    await on_startup(s.app)  # nothing changed: only the two default menus are set again
    assert sum(1 for c in s.api.calls if c.method == "setMyCommands") == set_calls + 2


async def test_an_officer_asks_for_more_time_and_the_chairman_decides(plan_session: OfflineSession) -> None:
    s = plan_session
    before = (await s.app.services.tasks.by_code(1, "1.3"))
    assert before is not None and before.due_date is not None
    await s.send_text(OFFICER, "xin gia hạn nv 1.3 đến 15/01/2027 vì chờ kinh phí của huyện")
    assert "Đã gửi đề nghị gia hạn" in last(s, OFFICER["id"])
    ask = last(s, CHAIRMAN["id"])
    assert "1.3" in ask and "15/01/2027" in ask and "chờ kinh phí của huyện" in ask
    assert [b["text"] for b in s.buttons(CHAIRMAN["id"])] == ["✅ Đồng ý", "❌ Không"]
    # only the chairman decides: the officer pressing the same button changes nothing
    await s.press_data(OFFICER, s.api.latest_with_buttons[CHAIRMAN["id"]],
                       s.buttons(CHAIRMAN["id"])[0]["callback_data"])
    unchanged = await s.app.services.tasks.by_code(1, "1.3")
    assert unchanged is not None and unchanged.due_date == before.due_date
    await s.press(CHAIRMAN, "Đồng ý")
    assert "15/01/2027" in last(s, OFFICER["id"]) and "đồng ý" in last(s, OFFICER["id"])
    after = await s.app.services.tasks.by_code(1, "1.3")
    assert after is not None and str(after.due_date) == "2027-01-15"
    await s.send_text(OFFICER, "/nhiemvu 1.3")
    assert "15/01/2027" in last(s, OFFICER["id"])
    # asked again, or with a date before the due date, or with no date: told why, nothing sent
    await s.send_text(OFFICER, "xin gia hạn nv 1.3 đến 01/01/2027")
    assert "phải sau" in last(s, OFFICER["id"])
    await s.send_text(OFFICER, "xin gia hạn nv 1.3")
    assert "Hãy ghi ngày" in last(s, OFFICER["id"])
    await s.send_text(OFFICER, "xin gia hạn nv 4.1 đến 30/12")
    assert "không do bộ phận của bạn" in last(s, OFFICER["id"])
