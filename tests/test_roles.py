"""Roles (issue 12): nobody raises their own roles, only admins grant admin, the last admin stays; and a walk
over every command × role × chat type: a role without the permission gets the refusal and nothing else, and a
group never receives commune data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.permissions import COMMANDS, allowed, role_change_refusal
from bot.i18n import translator
from bot.offline.session import OfflineSession
from tests.conftest import OFFICE, OFFICER, texts

GROUP = {"id": -100777, "type": "supergroup", "title": "Nhóm xã"}


@pytest.mark.parametrize(("actor", "is_self", "target", "new", "deactivate", "others", "expected"), [
    (["office"], True, ["office"], ["office", "admin"], False, 1, "refuse_self_raise"),
    (["office"], False, ["officer"], ["officer", "admin"], False, 1, "refuse_admin_only"),
    (["office"], False, ["officer"], ["chairman"], False, 1, "refuse_above_own"),
    (["office"], False, ["officer"], ["office"], False, 1, None),
    (["office", "admin"], False, ["officer"], ["officer", "admin"], False, 1, None),
    (["admin", "office"], True, ["admin", "office"], ["office"], False, 0, "refuse_last_admin"),
    (["admin"], True, ["admin"], None, True, 0, "refuse_last_admin"),
    (["admin"], True, ["admin"], None, True, 1, None),
    (["admin"], False, ["admin"], ["officer"], False, 1, None),
])
def test_role_change_rules(actor: list[str], is_self: bool, target: list[str], new: list[str] | None,
                           deactivate: bool, others: int, expected: str | None) -> None:
    assert role_change_refusal(actor, is_self=is_self, target_roles=target, new_roles=new, deactivate=deactivate,
                               other_active_admins=others) == expected


async def test_office_cannot_make_itself_admin_nor_lock_out_the_admin(plan_session: OfflineSession) -> None:
    s = plan_session
    repos = s.app.services.repos
    commune = s.app.services.commune
    clerk = {"id": 6100, "name": "Văn thư"}
    await repos.officers.add(commune.id, clerk["id"], clerk["name"], ["office"], "van-phong")
    await s.send_text(clerk, f"/canbo {clerk['id']} vaitro office,admin")
    assert "chính mình" in texts(s, clerk["id"])[-1]
    await s.send_text(clerk, f"/canbo {OFFICE['id']} khoa")  # OFFICE is the only admin
    assert "quản trị viên cuối cùng" in texts(s, clerk["id"])[-1] or "Chỉ" in texts(s, clerk["id"])[-1]
    me = await repos.officers.by_telegram_id(clerk["id"])
    admin = await repos.officers.by_telegram_id(OFFICE["id"])
    assert me is not None and me.roles == ("office",)
    assert admin is not None and admin.active
    await s.send_text(OFFICE, f"/canbo {OFFICE['id']} khoa")  # the last admin cannot lock herself out
    assert "quản trị viên cuối cùng" in texts(s, OFFICE["id"])[-1]


ROLE_PEOPLE = {role: {"id": 6200 + i, "name": f"Người {role}"}
               for i, role in enumerate(("officer", "office", "vice_chairman", "chairman", "admin"))}


@pytest.mark.parametrize("role", list(ROLE_PEOPLE))
async def test_every_command_for_every_role_and_chat_type(plan_session: OfflineSession, role: str) -> None:
    s = plan_session
    person = ROLE_PEOPLE[role]
    await s.app.services.repos.officers.add(s.app.services.commune.id, person["id"], person["name"], [role],
                                            "van-phong" if role != "officer" else "tu-phap")
    forbidden = translator("vi")("misc.forbidden")
    for name, perm in COMMANDS:
        for chat in (None, GROUP):
            before = len(s.api.calls)
            await s.advance_to(s.clock.now() + timedelta(seconds=5))  # a person's pace, under the flood limit
            await s.send_text(person, f"/{name}", chat=chat)
            calls = s.api.calls[before:]
            in_group = [c for c in calls if chat and c.chat == chat["id"]]
            if chat is not None and name not in ("help", "huongdan"):
                assert len(in_group) <= 1 and all("tin nhắn riêng" in (c.text or "") for c in in_group), name
                assert not [c for c in in_group if c.method in ("sendDocument", "sendPhoto")], name
            if perm is not None and not allowed([role], perm):
                mine = [c.text or "" for c in calls if c.chat == person["id"] and c.method == "sendMessage"]
                assert mine and mine[-1] == forbidden, (role, name, mine)
                assert not [c for c in calls if c.method in ("sendDocument", "sendPhoto")], (role, name)
    assert texts(s, OFFICER["id"]) == []
