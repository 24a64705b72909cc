"""Leave in officers' words, and what it changes: reminders skip them and summaries show them away
only on the days of the leave."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.core.absence import Leave, parse_absence
from bot.offline.session import OfflineSession
from tests.conftest import CHAIRMAN, OFFICER, TZ, last

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=TZ)  # a Tuesday


@pytest.mark.parametrize(("text", "command", "leave"), [
    ("đến 02/12", True, Leave(date(2026, 12, 2))),
    ("5/12", True, Leave(date(2026, 12, 5))),
    ("tu 01/12 den 05/12 di hoc", True, Leave(date(2026, 12, 5), date(2026, 12, 1))),
    ("đến 05/12 đi học", True, Leave(date(2026, 12, 5))),  # the reason after the date
    ("em nghỉ phép đến thứ 6 tuần sau", False, Leave(date(2026, 12, 4))),
    ("em xin nghỉ từ thứ 2 tuần sau đến 04/12", False, Leave(date(2026, 12, 4), date(2026, 11, 30))),
    ("đi công tác từ 26/11 tới 28/11", False, Leave(date(2026, 11, 28), date(2026, 11, 26))),
    ("em nghỉ từ hôm nay đến 30/11", False, Leave(date(2026, 11, 30))),  # starts today: away now
    ("nghỉ hôm nay", False, Leave(date(2026, 11, 24))),
    ("từ 05/12 đến 01/12", True, None),  # ends before it starts
    ("hôm nay trời mưa", False, None),
    ("nv 2.3 xong", False, None),
    ("mai em nghỉ được không?", False, None),  # a question, not an announcement
])
def test_leave_in_words(text: str, command: bool, leave: Leave | None) -> None:
    assert parse_absence(text, NOW, command=command) == leave


async def test_leave_announced_ahead_counts_only_on_its_days(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "/nghi từ 01/12 đến 04/12 đi học")
    assert "từ 01/12/2026 đến hết ngày 04/12/2026" in last(s, OFFICER["id"])
    await s.send_text(CHAIRMAN, "/canbo")
    assert "nghỉ từ 01/12/2026 đến 04/12/2026" in last(s, CHAIRMAN["id"])
    await s.send_text(CHAIRMAN, "/tomtat")
    before = last(s, CHAIRMAN["id"])
    assert "Lê Văn Cường" in before.split("Chưa báo cáo tuần này")[1].split("\n")[0]  # still expected to report
    await s.advance_to(datetime(2026, 12, 2, 9, 0, tzinfo=TZ))
    await s.send_text(CHAIRMAN, "/tomtat")
    during = last(s, CHAIRMAN["id"])
    assert "Lê Văn Cường (04/12/2026)" in during and "Đang nghỉ" in during
    await s.advance_to(datetime(2026, 12, 2, 9, 0, tzinfo=TZ) + timedelta(days=6))
    await s.send_text(CHAIRMAN, "/tomtat")
    assert "Đang nghỉ" not in last(s, CHAIRMAN["id"])
