"""Every user-controlled string is escaped (issue 12): a profile name like "Lan <3" or one with a link never
breaks a message or shows a live link; a message Telegram still refuses is sent again as plain text."""

from __future__ import annotations

from datetime import timedelta

from bot.offline.session import OfflineSession
from tests.conftest import OFFICE
from tests.hostile import unsafe_tags

HOSTILE_NAMES = ["Lan <3", '<a href="http://phish.example">Chủ tịch</a>', "Tú & <b>Bình", "</code>Nam"]


async def test_hostile_names_in_people_list_and_reminders(plan_session: OfflineSession) -> None:
    s = plan_session
    repos = s.app.services.repos
    commune = s.app.services.commune
    ids = []
    for i, name in enumerate(HOSTILE_NAMES):
        ids.append(5000 + i)
        await repos.officers.add(commune.id, 5000 + i, name, ["officer"], "tu-phap")
    await s.app.services.db.generation()  # the bot sees the new people (they were added as the CLI would)
    await s.send_text(OFFICE, "/canbo")
    # a week of reminders: the weekly ping to each of them, the chairman's Monday escalation
    await s.advance_to(s.clock.now() + timedelta(days=7))
    assert s.api.rejected_html == 0, "a message Telegram would refuse"
    for call in s.api.calls:
        if call.text:
            assert not unsafe_tags(call.text), call.text
    listing = next(c.text for c in s.api.calls if c.chat == OFFICE["id"] and c.text and "5000" in c.text)
    assert "Lan &lt;3" in listing
    pinged = {c.chat for c in s.api.calls if c.method == "sendMessage"}
    assert set(ids) <= pinged, "every one of them got the weekly ping"


async def test_a_message_telegram_refuses_is_sent_again_as_plain_text(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.app.bot.send_message(OFFICE["id"], "Chào <3 bạn <b>đậm</b>", parse_mode="HTML")
    [call] = [c for c in s.api.calls if c.chat == OFFICE["id"]]
    assert s.api.rejected_html == 1
    assert call.text == "Chào <3 bạn đậm" and "parse_mode" not in call.params
