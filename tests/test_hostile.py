"""Generated hostile input from registered users and strangers: nothing breaks, nothing leaks."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import load_settings
from bot.core.clock import ManualClock
from bot.offline.session import OfflineSession
from tests.conftest import FRIDAY, OFFICE, OFFICER, STRANGER, add_people, import_seed_plan
from tests.hostile import COMMANDS, FORGED, NASTY, unsafe_tags

# what Telegram can deliver: non-empty after stripping (it trims and refuses empty messages)
MESSAGES = st.one_of(st.sampled_from(NASTY + COMMANDS), st.text(max_size=300),
                     st.text(alphabet="nv1.2%đạtxonghs <>&/", max_size=40)).map(str.strip).filter(bool)


async def _check(tmp: Path, messages: list[tuple[int, str]], forged: list[str]) -> None:
    s_settings = load_settings(env_file=None, db_path=tmp / f"h{uuid.uuid4().hex}.sqlite3", flood_limit=1000)
    await add_people(s_settings)
    await import_seed_plan(s_settings)
    session = OfflineSession(s_settings, ManualClock(FRIDAY))
    people = [OFFICER, OFFICE, STRANGER]
    async with session:
        for who, text in messages:
            person = people[who % 3]
            before = len(session.api.calls)
            await session.send_text(person, text)
            answers = [c for c in session.api.calls[before:] if c.chat == person["id"]]
            # every registered user's message is answered; a stranger at most once per ten minutes
            assert answers or person is STRANGER, (person, text)
            for c in answers:
                assert not unsafe_tags(c.text or ""), (text, c.text)
                if person is STRANGER:
                    assert "chưa được đăng ký" in (c.text or "") or "không đúng" in (c.text or ""), c.text
            await session.advance_to(session.clock.now() + timedelta(seconds=5))
        await session.send_text(OFFICER, "nv 1.1 đạt 50%")
        message = session.api.latest_with_buttons.get(OFFICER["id"])
        db = session.app.services.db
        officer_id = (await db.fetchone("SELECT id FROM officers WHERE telegram_id = ?", (OFFICER["id"],)))[0]
        before_states = [tuple(r) for r in await db.fetchall(
            "SELECT id, state, payload FROM pending_reports WHERE officer_id = ? ORDER BY id", (officer_id,))]
        for data in forged:
            for person in (OFFICE, STRANGER):
                if message is not None:
                    await session.press_data(person, message, data)
        inbox = await session.app.services.repos.inbox.all()
        assert all(r["status"] in ("handled", "refused") for r in inbox), [r for r in inbox if r["status"]
                                                                           not in ("handled", "refused")]
        # forged presses by others leave the officer's read-backs as they were and save nothing of theirs
        # (the office may act on its own read-backs: that is no forgery)
        after_states = [tuple(r) for r in await db.fetchall(
            "SELECT id, state, payload FROM pending_reports WHERE officer_id = ? ORDER BY id", (officer_id,))]
        assert after_states == before_states
        saved = await db.fetchone("SELECT COUNT(*) FROM progress_reports WHERE officer_id = ?", (officer_id,))
        assert saved is not None and saved[0] == 0


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2), MESSAGES), min_size=5, max_size=25),
       st.lists(st.sampled_from(FORGED), max_size=6))
def test_hostile_messages(tmp_path: Path, messages: list[tuple[int, str]], forged: list[str]) -> None:
    import asyncio

    asyncio.run(_check(tmp_path, messages, forged))
