"""One deployment, many communes (the start of issue 19, on SQLite): communes are added from the shell,
people and plans go into the commune named by `--commune`, and nobody of one commune sees another's people,
tasks or figures in chat or in the files the bot sends."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import docx as docx_reader
import openpyxl
import pytest

from bot.cli import main
from bot.config import Settings
from bot.core.clock import ManualClock
from bot.offline.session import OfflineSession
from handlers import callbacks
from tests.conftest import FIXTURES, FRIDAY, last

PLAN = FIXTURES / "ke-hoach-cchc-2023-duc-phong.md"
#: (telegram id, name, role, unit, commune key)
PEOPLE = [(1001, "Nguyễn Văn An", "chairman", "lanh-dao", "duc-phong"),
          (1003, "Lê Văn Cường", "officer", "tu-phap", "duc-phong"),
          (2001, "Đỗ Thị Hoa", "chairman", "lanh-dao", "tu-xuyen"),
          (2003, "Vũ Minh Khang", "officer", "tu-phap", "tu-xuyen")]


def shell(db: Path, *args: str) -> int:
    return main([*args, "--db", str(db)])


@pytest.fixture
def two_communes(settings: Settings, capsys: pytest.CaptureFixture[str]) -> Settings:
    db = settings.db_path
    assert shell(db, "commune", "add", "duc-phong", "--name", settings.commune_name) == 0
    assert shell(db, "commune", "add", "tu-xuyen", "--name", "Xã Tú Xuyên") == 0
    for tid, name, role, unit, key in PEOPLE:
        assert shell(db, "user", "add", str(tid), "--name", name, "--role", role, "--unit", unit,
                     "--commune", key) == 0
    for key in ("duc-phong", "tu-xuyen"):
        assert shell(db, "import-plan", str(PLAN), "--year", "2026", "--commune", key) == 0
    capsys.readouterr()
    return settings


def user(tid: int) -> dict[str, Any]:
    return {"id": tid, "name": next(p[1] for p in PEOPLE if p[0] == tid)}


def test_communes_from_the_shell(two_communes: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    db = two_communes.db_path
    assert shell(db, "commune", "list") == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed == ["duc-phong\tXã Đức Phong\t2 người đang dùng\t(xã mặc định)",
                      "tu-xuyen\tXã Tú Xuyên\t2 người đang dùng"]
    assert shell(db, "user", "list", "--commune", "tu-xuyen") == 0
    assert [line.split("\t")[1] for line in capsys.readouterr().out.splitlines()] == ["Đỗ Thị Hoa", "Vũ Minh Khang"]
    assert shell(db, "user", "add", "3001", "--name", "X", "--role", "officer", "--commune", "khong-co") == 1
    assert "Không có xã mã „khong-co”" in capsys.readouterr().err
    # several communes: a command that writes into one must say which; nothing is written otherwise
    assert shell(db, "user", "add", "3002", "--name", "Y", "--role", "officer") == 2
    assert "có 2 xã: hãy ghi --commune" in capsys.readouterr().err
    assert shell(db, "import-plan", str(PLAN), "--year", "2026") == 2
    assert shell(db, "user", "list", "--commune", "duc-phong") == 0
    assert "3002" not in capsys.readouterr().out
    assert shell(db, "commune", "add", "tu-xuyen", "--name", "Xã Khác") == 1
    assert shell(db, "commune", "add", "Tú Xuyên", "--name", "Xã Khác") == 1


async def test_nobody_sees_another_communes_people_tasks_or_figures(two_communes: Settings) -> None:
    s = OfflineSession(two_communes, ManualClock(FRIDAY))
    async with s:
        await s.send_text(user(1003), "nv 1.1 đạt 50%")  # Đức Phong's officer
        await s.press(user(1003), "Lưu")
        await s.send_text(user(2003), "nv 1.1 đạt 20%, nv 1.2 xong")  # Tú Xuyên's, the same codes
        await s.press(user(2003), "Lưu")

        await s.send_text(user(2001), "/nhiemvu 1.1")
        theirs = last(s, 2001)
        assert "20%" in theirs and "50%" not in theirs and "Lê Văn Cường" not in theirs
        await s.send_text(user(1001), "/nhiemvu 1.1")
        ours = last(s, 1001)
        assert "50%" in ours and "20%" not in ours and "Vũ Minh Khang" not in ours

        await s.send_text(user(2001), "/canbo")
        people = last(s, 2001)
        assert "Vũ Minh Khang" in people and "Lê Văn Cường" not in people and "Nguyễn Văn An" not in people

        await s.send_text(user(2001), "/tomtat")
        summary = last(s, 2001)
        assert "Xã Tú Xuyên" in summary and "Đức Phong" not in summary and "✅ 1 xong" in summary
        await s.send_text(user(1001), "/tomtat")
        assert "✅ 0 xong" in last(s, 1001)  # Tú Xuyên's 1.2 is not Đức Phong's

        await s.send_text(user(2001), "/xuatbaocao quý 4")
        sheets = [c for c in s.api.calls if c.method == "sendDocument" and c.chat == 2001
                  and (c.filename or "").endswith(".xlsx")]
        book = openpyxl.load_workbook(io.BytesIO(sheets[-1].data))
        cells = " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row if v is not None)
        assert "Vũ Minh Khang" in cells or "20" in cells
        assert "Lê Văn Cường" not in cells and "50%" not in cells
        docx = [c for c in s.api.calls if c.method == "sendDocument" and c.chat == 2001
                and (c.filename or "").endswith(".docx")][-1]
        text = "\n".join(p.text for p in docx_reader.Document(io.BytesIO(docx.data)).paragraphs)
        assert "XÃ TÚ XUYÊN" in text.upper() and "Lê Văn Cường" not in text and "Nguyễn Văn An" not in text

        # Đức Phong's officer presses ✅ Lưu forged with Tú Xuyên's open read-back: nothing is saved
        await s.send_text(user(2003), "nv 1.3 đạt 90%")
        theirs_open = (await s.app.services.readbacks.all_open())[-1]
        mine = next(m for (chat, _), m in reversed(s.api.messages.items()) if chat == 1003)
        await s.press_data(user(1003), mine, callbacks.ReadbackPress("save", theirs_open.id).encode())
        after = await s.app.services.readbacks.get(theirs_open.id)
        assert after is not None and after.state == "pending"
        await s.send_text(user(2001), "/nhiemvu 1.3")
        assert "90%" not in last(s, 2001)


async def test_the_province_ranking_sums_before_dividing_and_never_ranks_silence(
        two_communes: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    s = OfflineSession(two_communes, ManualClock(FRIDAY))
    async with s:
        # Tú Xuyên's one-stop figures for two weeks: 40 resolved 39 on time, then 10 resolved 5 on time
        for text in ("hs từ 16/11 đến 22/11 nhận 50, trực tuyến 20, giải quyết 40, đúng hạn 39, trễ hạn 1",
                     "hs từ 23/11 đến 29/11 nhận 10, trực tuyến 10, giải quyết 10, đúng hạn 5, trễ hạn 5, "
                     "xin lỗi 2"):
            await s.send_text(user(2003), text)
            await s.press(user(2003), "Lưu")
    capsys.readouterr()
    ask = ("summary", "--province", "--period", "2026-11-16..2026-11-29", "--now", "2026-11-30T09:00")
    assert await asyncio.to_thread(shell, two_communes.db_path, *ask, "--json") == 0
    got = json.loads(capsys.readouterr().out)
    first, second = got["communes"]
    assert first["key"] == "tu-xuyen" and first["reported"] is True
    assert first["received"] == 60 and first["on_time_rate"] == 88.0  # 44 of 50, not (97.5 + 50) / 2
    assert first["online_rate"] == 50.0 and first["late_without_apology"] == 4
    assert (first["weeks_reported"], first["weeks_in_period"]) == (2, 2)
    assert second["key"] == "duc-phong" and second["reported"] is False and second["received"] is None
    assert second["on_time_rate"] is None and second["weeks_reported"] == 0  # not ranked with zeros
    assert await asyncio.to_thread(shell, two_communes.db_path, *ask) == 0
    text = capsys.readouterr().out
    assert "1. Xã Tú Xuyên: nhận 60 hồ sơ · đúng hạn 88%" in text
    assert "– Xã Đức Phong: chưa báo cáo số liệu hồ sơ trong kỳ" in text
