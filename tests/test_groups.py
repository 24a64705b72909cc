"""Group chats (issue 12): only group-safe commands answer in a group; everything with commune data answers in
the sender's private chat, with one line in the group; the database never goes to a group."""

from __future__ import annotations

import pytest

from bot.offline.session import OfflineSession
from tests.conftest import CHAIRMAN, OFFICE, OFFICER, texts

GROUP = {"id": -100555, "type": "supergroup", "title": "UBND xã Đức Phong"}


@pytest.mark.parametrize("command", ["/tomtat", "/canbo", "/nhiemvu", "/bieudo", "/xuatbaocao", "/start", "/caidat"])
async def test_commands_with_commune_data_answer_in_private(plan_session: OfflineSession, command: str) -> None:
    s = plan_session
    await s.send_text(CHAIRMAN if command != "/caidat" else OFFICE, command, chat=GROUP)
    in_group = [c for c in s.api.calls if c.chat == GROUP["id"]]
    assert len(in_group) == 1 and in_group[0].method == "sendMessage"
    assert "tin nhắn riêng" in (in_group[0].text or "")
    person = CHAIRMAN if command != "/caidat" else OFFICE
    assert [c for c in s.api.calls if c.chat == person["id"]], "answered in private"


async def test_backup_is_never_posted_in_a_group(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICE, "/saoluu", chat=GROUP)
    assert not [c for c in s.api.calls if c.chat == GROUP["id"] and c.method == "sendDocument"]
    assert [c for c in s.api.calls if c.chat == OFFICE["id"] and c.method == "sendDocument"]


async def test_help_may_answer_in_the_group(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "/help", chat=GROUP)
    [answer] = texts(s, GROUP["id"])
    assert "/start" in answer
