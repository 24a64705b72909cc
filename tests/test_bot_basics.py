"""The real Application on the offline Bot API: /start, /help, unknown commands, strangers, errors."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import CommandHandler

from bot.offline.session import OfflineSession
from tests.conftest import CHAIRMAN, OFFICE, OFFICER, STRANGER, last, texts


async def test_start_greets_a_registered_user_by_name_role_and_unit(session: OfflineSession) -> None:
    await session.send_text(CHAIRMAN, "/start")
    [reply] = texts(session, CHAIRMAN["id"])
    assert "Nguyễn Văn An" in reply
    assert "Chủ tịch UBND xã" in reply and "Lãnh đạo UBND xã" in reply


async def test_stranger_gets_polite_refusal_and_no_commune_data(session: OfflineSession) -> None:
    for text in ("/start", "/help", "nv 2.3 đạt 80%", "/tomtat", "xin chào"):
        await session.send_text(STRANGER, text)
    # one refusal per ten minutes, however many messages: a crowd of strangers cannot keep the bot busy
    [reply] = texts(session, STRANGER["id"])
    assert "chưa được đăng ký" in reply and str(STRANGER["id"]) in reply
    assert "Đức Phong" not in reply and "/help" not in reply
    audit = await session.app.services.repos.audit.all()
    assert [a["action"] for a in audit] == ["refused"] * 3  # each stored attempt, none beyond
    # a stranger's update is a short record: who, when, what kind; neither the text nor the raw update
    inbox = await session.app.services.repos.inbox.all()
    assert len(inbox) == 3  # the first three of the window; the rest is not stored at all
    assert all(r["status"] == "refused" and r["text"] is None and r["raw_json"] == "" for r in inbox)
    assert [r["kind"] for r in inbox] == ["command", "command", "text"]
    # ten minutes later the stranger is answered again
    await session.advance_to(session.clock.now() + timedelta(minutes=11))
    await session.send_text(STRANGER, "xin chào")
    assert len(texts(session, STRANGER["id"])) == 2


async def test_deactivated_user_is_refused(session: OfflineSession) -> None:
    await session.app.services.repos.officers.set_active(OFFICER["id"], False)
    await session.send_text(OFFICER, "/start")
    [reply] = texts(session, OFFICER["id"])
    assert "tạm khóa" in reply


async def test_help_lists_commands_by_role(session: OfflineSession) -> None:
    await session.send_text(CHAIRMAN, "/help")
    await session.send_text(OFFICER, "/huongdan")
    chairman_help = texts(session, CHAIRMAN["id"])[0]
    officer_help = texts(session, OFFICER["id"])[0]
    assert "/start" in chairman_help and "/help" in chairman_help
    assert "/start" in officer_help


async def test_unknown_command_points_to_help(session: OfflineSession) -> None:
    await session.send_text(OFFICER, "/xoa_het")
    [reply] = texts(session, OFFICER["id"])
    assert "/xoa_het" in reply and "/help" in reply


async def test_command_menu_is_set_in_vietnamese(session: OfflineSession) -> None:
    menu = session.api.commands[""]
    assert {"command": "help", "description": "Hướng dẫn sử dụng"} in menu
    assert "en" in session.api.commands


async def test_every_message_is_stored_raw_and_marked(session: OfflineSession) -> None:
    await session.send_text(OFFICER, "/start")
    await session.send_text(OFFICER, "chào anh")
    inbox = await session.app.services.repos.inbox.all()
    assert [(r["kind"], r["text"], r["status"]) for r in inbox] == [
        ("command", "/start", "handled"), ("text", "chào anh", "handled"),
    ]


async def test_a_failing_handler_is_reported_kindly_and_the_message_kept(session: OfflineSession) -> None:
    async def boom(update: object, context: object) -> None:
        raise RuntimeError("secret internal detail")

    session.app.add_handler(CommandHandler("boom", boom), group=50)  # after the main handlers
    await session.send_text(OFFICER, "/boom")
    replies = texts(session, OFFICER["id"])
    assert any("lỗi" in r for r in replies)
    assert all("secret internal detail" not in r for r in replies)
    inbox = await session.app.services.repos.inbox.all()
    assert inbox[-1]["text"] == "/boom" and inbox[-1]["status"] == "failed"


async def test_jobs_fire_at_simulated_times_in_order(session: OfflineSession) -> None:
    from jobs import schedule_at

    fired: list[tuple[str, object]] = []
    clock = session.clock

    async def job(context: object) -> None:
        name = context.job.name  # type: ignore[attr-defined]
        fired.append((name, clock.now()))

    start = clock.now()
    schedule_at(session.app, job, start + timedelta(hours=3), "later")
    schedule_at(session.app, job, start + timedelta(hours=1), "sooner")
    schedule_at(session.app, job, start + timedelta(days=2), "too-late")
    await session.advance_to(start + timedelta(days=1))
    assert fired == [("sooner", start + timedelta(hours=1)), ("later", start + timedelta(hours=3))]
    assert clock.now() == start + timedelta(days=1)
    left = [j.name for j in session.app.job_queue.jobs()  # type: ignore[union-attr]
            if not (j.name or "").startswith(("rule:", "backup:"))]
    assert left == ["too-late"]


async def test_each_user_chooses_the_language_the_bot_speaks_to_them(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "/ngonngu")
    assert "Ngôn ngữ hiện tại: tiếng Việt" in last(s, OFFICER["id"])
    await s.send_text(OFFICER, "/ngonngu English")
    assert last(s, OFFICER["id"]) == "Switched to English."
    await s.send_text(OFFICER, "nv 1.1 dat 50%")
    assert "Save" in str(s.buttons(OFFICER["id"]))  # the read-back in English
    await s.send_text(OFFICE, "/help")  # the others keep Vietnamese
    assert "Các lệnh bạn có thể dùng" in last(s, OFFICE["id"])
    await s.send_text(OFFICER, "/ngonngu tiếng việt")
    assert last(s, OFFICER["id"]) == "Đã chuyển sang tiếng Việt."
    await s.send_text(OFFICER, "/ngonngu klingon")
    assert "/ngonngu en" in last(s, OFFICER["id"])


async def test_every_kind_of_message_gets_an_answer(session: OfflineSession) -> None:
    kinds = [
        {"voice": {"file_id": "v1", "file_unique_id": "v1", "duration": 3}},
        {"sticker": {"file_id": "s1", "file_unique_id": "s1", "width": 512, "height": 512, "is_animated": False,
                     "is_video": False, "type": "regular"}},
        {"location": {"latitude": 21.0, "longitude": 105.8}},
        {"contact": {"phone_number": "0900000000", "first_name": "An"}},
        {"video": {"file_id": "vd", "file_unique_id": "vd", "width": 1, "height": 1, "duration": 1}},
    ]
    for extra in kinds:
        before = len(session.api.calls)
        msg = session._message(OFFICER, None)
        msg.update(extra)
        await session._process({"message": msg})
        answers = [c.text or "" for c in session.api.calls[before:] if c.chat == OFFICER["id"]]
        assert len(answers) == 1 and "tin nhắn chữ" in answers[0], extra
