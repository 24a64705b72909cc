"""The command line: user management, replay, console, parse, import-plan — as a user types them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.conftest import SEEDS


def _script(path: Path, lines: list[dict[str, Any] | str]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                    encoding="utf-8")
    return path


def test_user_add_list_deactivate(run_cli: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "u.sqlite3")
    r = run_cli("user", "add", "1001", "--name", "Nguyễn Văn An", "--role", "chairman", "--unit", "lanh-dao",
                "--db", db)
    assert r.returncode == 0 and "Nguyễn Văn An" in r.stdout
    r = run_cli("user", "add", "1001", "--name", "X", "--role", "officer", "--db", db)
    assert r.returncode == 1 and "đã được đăng ký" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("user", "list", "--db", db)
    assert "1001\tNguyễn Văn An\tchairman\tlanh-dao" in r.stdout
    r = run_cli("user", "deactivate", "1001", "--db", db)
    assert r.returncode == 0
    r = run_cli("user", "deactivate", "777", "--db", db)
    assert r.returncode == 1 and "777" in r.stderr


def test_user_add_rejects_unknown_role_or_unit_and_writes_nothing(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "u.sqlite3"
    r = run_cli("user", "add", "5", "--name", "A", "--role", "king", "--db", str(db))
    assert r.returncode == 1 and "vai trò không hợp lệ: king" in r.stderr and "chairman" in r.stderr
    r = run_cli("user", "add", "5", "--name", "A", "--role", "officer", "--unit", "mars", "--db", str(db))
    assert r.returncode == 1 and "bộ phận không hợp lệ: mars" in r.stderr
    assert not db.exists()


def test_unwritable_database_path_is_one_clear_line(run_cli: Any, tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("x")
    r = run_cli("user", "list", "--db", str(tmp_path / "blocker" / "db.sqlite3"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Lỗi:" in r.stderr


def test_help_is_localized(run_cli: Any) -> None:
    vi = run_cli("--help")
    en = run_cli("replay", "--help", env={"CCHC_LOCALE": "en"})
    assert "Trợ lý cải cách hành chính" in vi.stdout
    assert "JSONL script" in en.stdout


def test_replay_of_several_users_prints_documented_lines(run_cli: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite3")
    run_cli("user", "add", "1001", "--name", "Nguyễn Văn An", "--role", "chairman", "--unit", "lanh-dao", "--db", db)
    run_cli("user", "add", "1003", "--name", "Lê Văn Cường", "--role", "officer", "--unit", "tu-phap", "--db", db)
    script = _script(tmp_path / "s.jsonl", [
        {"at": "2026-11-27T08:00:00+07:00", "from": {"id": 1001, "name": "Nguyễn Văn An"}, "text": "/start"},
        {"at": "2026-11-27T08:05:00+07:00", "from": {"id": 1003, "name": "Lê Văn Cường"}, "text": "/start"},
        {"at": "2026-11-27T08:06:00+07:00", "from": {"id": 5555, "name": "Lạ"}, "text": "/start"},
        {"advance_to": "2026-11-27T09:00:00+07:00"},
        {"at": "2026-11-27T09:30:00+07:00", "from": {"id": 1003, "name": "Lê Văn Cường"}, "text": "/abc"},
    ])
    r = run_cli("replay", str(script), "--db", db, "--files", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [(x["chat"], x["method"], x["at"]) for x in lines] == [
        (1001, "sendMessage", "2026-11-27T08:00:00+07:00"),
        (1003, "sendMessage", "2026-11-27T08:05:00+07:00"),
        (5555, "sendMessage", "2026-11-27T08:06:00+07:00"),
        (1003, "sendMessage", "2026-11-27T09:30:00+07:00"),
    ]
    assert "Nguyễn Văn An" in lines[0]["text"] and lines[0]["buttons"] == []
    assert "chưa được đăng ký" in lines[2]["text"]
    assert "/help" in lines[3]["text"]


def test_malformed_replay_line_stops_with_its_number_and_changes_nothing(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    run_cli("user", "add", "1001", "--name", "An", "--role", "chairman", "--db", str(db))
    script = _script(tmp_path / "bad.jsonl", [
        {"at": "2026-11-27T08:00:00+07:00", "from": {"id": 1001, "name": "An"}, "text": "/start"},
        "{this is not json",
        {"at": "2026-11-27T08:02:00+07:00", "from": {"id": 1001, "name": "An"}, "text": "/help"},
    ])
    r = run_cli("replay", str(script), "--db", str(db))
    assert r.returncode == 1 and "dòng 2" in r.stderr and "JSON" in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM inbox").fetchone()[0] == 0


def test_replay_rejects_time_going_back_and_missing_fields(run_cli: Any, tmp_path: Path) -> None:
    back = _script(tmp_path / "back.jsonl", [
        {"at": "2026-11-27T08:00:00+07:00", "from": {"id": 1, "name": "A"}, "text": "a"},
        {"at": "2026-11-27T07:00:00+07:00", "from": {"id": 1, "name": "A"}, "text": "b"},
    ])
    r = run_cli("replay", str(back), "--db", str(tmp_path / "x.sqlite3"))
    assert r.returncode == 1 and "dòng 2" in r.stderr
    nofrom = _script(tmp_path / "nofrom.jsonl", [{"at": "2026-11-27T08:00:00+07:00", "text": "a"}])
    r = run_cli("replay", str(nofrom), "--db", str(tmp_path / "x.sqlite3"))
    assert r.returncode == 1 and "dòng 1" in r.stderr and '"from"' in r.stderr


def test_console_through_stdin(run_cli: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite3")
    run_cli("user", "add", "1001", "--name", "Nguyễn Văn An", "--role", "chairman", "--unit", "lanh-dao", "--db", db)
    r = run_cli("console", "--as", "1001", "--db", db, stdin="/start\n/time +1d\n/as 42\nxin chào\n/quit\n")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Console ngoại tuyến" in out
    assert "Xin chào Nguyễn Văn An" in out
    assert "Giờ hiện tại" in out
    assert "chưa được đăng ký" in out  # user 42 is a stranger
    assert out.rstrip().endswith("Tạm biệt!")


def test_run_without_token_opens_the_demo_console(run_cli: Any) -> None:
    r = run_cli("run", stdin="/start\n/quit\n")
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    assert "TELEGRAM_BOT_TOKEN" in first and "demo" in first
    assert "Xin chào Nguyễn Văn An" in r.stdout


def test_parse_command_single_and_jsonl(run_cli: Any, tmp_path: Path) -> None:
    r = run_cli("parse", "--now", "2026-11-27T15:00:00+07:00", "nv 2.3 dat 80% dk 15/12")
    out = json.loads(r.stdout)
    assert out["intent"] == "progress"
    assert out["progress"][0] | {"note": None, "task_hint": None} == {
        "task_ref": "2.3", "task_hint": None, "percent": 80, "status": "in_progress", "date": "2026-12-15",
        "note": None}
    batch = '{"id": 1, "text": "hs tuan nay nhan 45"}\n{"id": 2, "text": "xin chào"}\n'
    r = run_cli("parse", "--now", "2026-11-27T15:00:00+07:00", "--jsonl", "-", stdin=batch)
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["id"] for x in rows] == [1, 2]
    assert rows[0]["dossier"]["counts"] == {"received": 45} and rows[1]["intent"] == "unknown"


def test_parse_command_bad_input(run_cli: Any) -> None:
    r = run_cli("parse", "--now", "hôm qua", "nv 1.1 xong")
    assert r.returncode == 2 and "--now" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("parse", "--jsonl", "-", stdin='{"text": "nv 1.1 xong"}\nnot json\n{"text": "ok"}\n')
    assert r.returncode == 1 and "dòng 2" in r.stderr
    assert len(r.stdout.splitlines()) == 2
    r = run_cli("parse", "")
    assert r.returncode == 0 and json.loads(r.stdout)["intent"] == "unknown"


def test_import_plan_json_and_store(run_cli: Any, tmp_path: Path) -> None:
    plan = SEEDS / "ke-hoach-cchc-2023-duc-phong.md"
    r = run_cli("import-plan", str(plan), "--json")
    data = json.loads(r.stdout)
    assert len(data["tasks"]) == 50 and data["year"] == 2023
    db = str(tmp_path / "p.sqlite3")
    r = run_cli("import-plan", str(plan), "--db", db)
    assert r.returncode == 0 and "50 nhiệm vụ mới" in r.stdout
    r = run_cli("import-plan", str(plan), "--db", db)
    assert "0 nhiệm vụ mới, 50 nhiệm vụ cập nhật" in r.stdout
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"PK\x03\x04 this is no word file")
    r = run_cli("import-plan", str(junk), "--db", db)
    assert r.returncode == 1 and "Traceback" not in r.stderr and ".docx" in r.stderr


def test_replay_of_a_whole_conversation(run_cli: Any, tmp_path: Path) -> None:
    """Invite → join → report → Lưu → edit → /hoantac, as one JSONL script through the real bot."""
    import asyncio
    from datetime import datetime, timedelta

    from storage import Database
    from storage.repositories import Repositories
    from tests.conftest import TZ

    db = tmp_path / "conv.sqlite3"
    run_cli("user", "add", "1002", "--name", "Trần Thị Bình", "--role", "office", "--unit", "van-phong",
            "--db", str(db))
    run_cli("import-plan", str(SEEDS / "ke-hoach-cchc-2023-duc-phong.md"), "--year", "2026", "--db", str(db))

    async def invite() -> None:
        database = await Database.open(db)
        repos = Repositories(database)
        commune = (await repos.officers.list())[0].commune_id
        now = datetime(2026, 11, 27, 8, 0, tzinfo=TZ)
        await repos.invites.create(code="JOIN2026", commune_id=commune, role="officer", unit_key="tu-phap",
                                   created_by=None, at=now, expires=now + timedelta(days=7))
        await database.close()

    asyncio.run(invite())
    cuong = {"id": 1003, "name": "Lê Văn Cường"}
    script = _script(tmp_path / "conv.jsonl", [
        {"at": "2026-11-27T09:00:00+07:00", "from": cuong, "text": "/start JOIN2026"},
        {"at": "2026-11-27T09:01:00+07:00", "from": cuong, "text": "nv 1.1 dat 80% dk 15/12"},
        {"at": "2026-11-27T09:01:30+07:00", "from": cuong, "press": "Lưu"},
        {"at": "2026-11-27T09:05:00+07:00", "from": cuong, "edit": "nv 1.1 dat 90% dk 15/12"},
        {"at": "2026-11-27T09:05:30+07:00", "from": cuong, "press": "Thay bằng bản sửa"},
        {"at": "2026-11-27T09:06:00+07:00", "from": cuong, "text": "/hoantac"},
    ])
    r = run_cli("replay", str(script), "--db", str(db))
    assert r.returncode == 0, r.stderr
    every = [json.loads(x) for x in r.stdout.splitlines()]
    office = [x for x in every if x["chat"] == 1002]
    assert len(office) == 1 and "Lê Văn Cường" in office[0]["text"] and "vừa tham gia" in office[0]["text"]
    lines = [x for x in every if x["chat"] == 1003]
    assert len(every) == len(lines) + 1
    methods = [x["method"] for x in lines]
    assert methods == ["sendMessage", "sendMessage", "editMessageText", "answerCallbackQuery", "sendMessage",
                       "editMessageText", "answerCallbackQuery", "sendMessage"]
    assert "Lê Văn Cường" in lines[0]["text"]
    assert lines[1]["buttons"] == [["✅ Lưu", "✏️ Sửa", "❌ Hủy"]] and "80%" in lines[1]["text"]
    assert "Đã lưu" in lines[2]["text"] and lines[3]["text"] == "Đã lưu."
    assert "80%" in lines[4]["text"] and "90%" in lines[4]["text"]  # saved and edited, side by side
    assert "90%" in lines[5]["text"] and "hoàn tác" in lines[7]["text"]


def test_a_locked_out_admin_is_let_back_in_from_the_shell(run_cli: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "u.sqlite3")
    run_cli("user", "add", "7", "--name", "Admin", "--role", "office", "--db", db)
    assert run_cli("user", "deactivate", "7", "--db", db).returncode == 0
    assert "(x)" in run_cli("user", "list", "--db", db).stdout
    r = run_cli("user", "reactivate", "7", "--db", db)
    assert r.returncode == 0 and "(x)" not in run_cli("user", "list", "--db", db).stdout
    r = run_cli("user", "role", "7", "--add", "admin", "--db", db)
    assert (r.returncode == 0 and "office,admin" in r.stdout) or "admin" in r.stdout
    r = run_cli("user", "role", "7", "--remove", "office,admin", "--db", db)
    assert r.returncode == 1 and "ít nhất một vai trò" in r.stderr
    r = run_cli("user", "role", "7", "--add", "king", "--db", db)
    assert r.returncode == 1


def test_replay_press_on_an_older_message_with_the_buttons_it_was_sent_with(run_cli: Any, tmp_path: Path) -> None:
    """`"on": 2` presses a button on the 2nd-latest message sent with buttons, even after the bot edited
    its buttons away: pressing Lưu twice on the same read-back saves it once."""
    db = str(tmp_path / "on.sqlite3")
    run_cli("user", "add", "1003", "--name", "Lê Văn Cường", "--role", "officer", "--unit", "tu-phap", "--db", db)
    run_cli("import-plan", str(SEEDS / "ke-hoach-cchc-2023-duc-phong.md"), "--year", "2026", "--db", db)
    cuong = {"id": 1003, "name": "Lê Văn Cường"}
    script = _script(tmp_path / "on.jsonl", [
        {"at": "2026-11-27T09:01:00+07:00", "from": cuong, "text": "nv 1.1 dat 80%"},
        {"at": "2026-11-27T09:02:00+07:00", "from": cuong, "text": "nv 1.2 xong"},
        {"at": "2026-11-27T09:03:00+07:00", "from": cuong, "press": "Lưu", "on": 2},
        {"at": "2026-11-27T09:04:00+07:00", "from": cuong, "press": "Lưu", "on": 2},
    ])
    r = run_cli("replay", str(script), "--db", db)
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    edits = [x for x in lines if x["method"] == "editMessageText"]
    assert len(edits) == 1 and "Đã lưu" in edits[0]["text"] and "80%" in edits[0]["text"]
    toasts = [x["text"] for x in lines if x["method"] == "answerCallbackQuery"]
    assert toasts == ["Đã lưu.", "Báo cáo này đã được lưu rồi."]
    # the newer read-back (nv 1.2) was not touched: its buttons are still there
    assert lines[1]["buttons"] == [["✅ Lưu", "✏️ Sửa", "❌ Hủy"]] and "1.2" in lines[1]["text"]
    bad = _script(tmp_path / "bad-on.jsonl", [
        {"at": "2026-11-27T09:05:00+07:00", "from": cuong, "press": "Lưu", "on": 9},
    ])
    r = run_cli("replay", str(bad), "--db", db)
    assert r.returncode != 0 and "9" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("replay", str(_script(tmp_path / "bad2.jsonl", [
        {"at": "2026-11-27T09:05:00+07:00", "from": cuong, "text": "hi", "on": 1}])), "--db", db)
    assert r.returncode != 0 and '"on"' in r.stderr


def test_a_big_jsonl_batch_on_several_processes_keeps_order_fields_and_line_numbers(run_cli: Any,
                                                                                  tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"nv 1.{i % 9 + 1} đạt {i % 100}%", "id": i}, ensure_ascii=False)
             for i in range(3000)]
    lines[2500] = "{not json"
    src = tmp_path / "big.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outs = {}
    for workers in ("1", "2"):
        r = run_cli("parse", "--now", "2026-11-27T15:00:00+07:00", "--jsonl", str(src),
                    env={"CCHC_PARSE_WORKERS": workers})
        assert r.returncode == 1 and "2501" in r.stderr, r.stderr
        outs[workers] = r.stdout
        got = [json.loads(x) for x in r.stdout.splitlines()]
        assert [g["id"] for g in got] == [i for i in range(3000) if i != 2500]
        assert got[17]["progress"][0]["percent"] == 17 and got[17]["progress"][0]["task_ref"] == "1.9"
    assert outs["1"] == outs["2"]


def test_roles_given_twice_are_both_kept(run_cli: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite3")
    r = run_cli("user", "add", "7", "--name", "Trần Thị Bình", "--role", "office", "--role", "admin", "--db", db)
    assert r.returncode == 0 and "office,admin" in r.stdout
    assert "office,admin" in run_cli("user", "list", "--db", db).stdout


def test_the_console_keeps_log_lines_out_of_the_chat(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    run_cli("user", "add", "1003", "--name", "Lê Văn Cường", "--role", "officer", "--unit", "tu-phap",
            "--db", str(db))
    run_cli("import-plan", str(SEEDS / "ke-hoach-cchc-2023-duc-phong.md"), "--year", "2026", "--db", str(db))
    r = run_cli("console", "--db", str(db), "--as", "1003", stdin="nv 1.1 dat 20%\n/time +8d\n/quit\n")
    assert r.returncode == 0 and "Xác nhận báo cáo" in r.stdout
    for stream in (r.stdout, r.stderr):
        assert " INFO " not in stream and " WARNING " not in stream and "apscheduler" not in stream
    assert "apscheduler" in (tmp_path / "console.log").read_text(encoding="utf-8")
