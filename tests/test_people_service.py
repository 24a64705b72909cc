"""PeopleService's rules on fake repositories (no database): joining by invitation, and what an admin may
change about whom. The same flows run through the real bot and SQLite in test_people_tasks and
test_roles."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.services.people import PeopleService
from tests.fakes import FakeRepositories

NOW = datetime(2026, 12, 2, 9, 0)


@pytest.fixture
def repos() -> FakeRepositories:
    return FakeRepositories()


@pytest.fixture
def people(repos: FakeRepositories) -> PeopleService:
    return PeopleService(repos)  # type: ignore[arg-type]


async def test_an_invitation_joins_its_commune_with_its_role_once(repos: FakeRepositories,
                                                                   people: PeopleService) -> None:
    office = await repos.officers.add(2, 100, "Văn phòng", ["office", "admin"], "van-phong")
    invite = await people.invite(office, "officer", "tu-phap", NOW, invitee="Lê Văn Cường")
    assert len(invite.code) == 8 and invite.expires_at == NOW + timedelta(days=7)
    assert [w.code for w in await people.waiting(2, NOW)] == [invite.code]

    joined = await people.join(invite.code, 555, "Lê Văn Cường", NOW + timedelta(hours=1))
    assert joined.problem is None and joined.officer is not None
    assert (joined.officer.commune_id, joined.officer.roles, joined.officer.unit_key) == (2, ("officer",), "tu-phap")
    assert await people.waiting(2, NOW) == []
    assert [p.name for p in await people.to_tell_of_join(joined.officer, invite)] == ["Văn phòng"]

    again = await people.join(invite.code, 556, "Người khác", NOW + timedelta(hours=2))
    assert again.problem == "invite.used" and await repos.officers.by_telegram_id(556) is None
    assert [a[0] for a in repos.audit.rows] == ["invite", "joined", "invite_refused"]


async def test_a_wrong_or_expired_code_joins_nobody(repos: FakeRepositories, people: PeopleService) -> None:
    office = await repos.officers.add(1, 100, "VP", ["office"], "van-phong")
    invite = await people.invite(office, "officer", None, NOW, days=1)
    assert (await people.join("NOSUCH00", 7, "X", NOW)).problem == "invite.wrong"
    assert (await people.join(invite.code, 7, "X", NOW + timedelta(days=2))).problem == "invite.expired"
    assert await repos.officers.list(1) == [office]


async def test_someone_registered_already_cannot_join_again(repos: FakeRepositories, people: PeopleService) -> None:
    office = await repos.officers.add(1, 100, "VP", ["office"], "van-phong")
    gone = await repos.officers.add(1, 200, "Đã khóa", ["officer"], "tu-phap")
    await repos.officers.update(gone.id, active=0)
    invite = await people.invite(office, "admin", None, NOW)
    assert (await people.join(invite.code, 200, "Đã khóa", NOW)).problem == "refuse.deactivated"
    assert (await repos.officers.by_id(gone.id)).active is False


async def test_the_last_admin_stays_and_no_one_raises_themselves(repos: FakeRepositories,
                                                                 people: PeopleService) -> None:
    admin = await repos.officers.add(1, 100, "Quản trị", ["admin"], "van-phong")
    officer = await repos.officers.add(1, 200, "Cán bộ", ["officer"], "tu-phap")
    assert (await people.change(admin, 100, "khoa", None, NOW)).key == "refuse_last_admin"
    assert (await people.change(officer, 200, "vaitro", "officer,chairman", NOW)).key == "refuse_self_raise"
    assert (await repos.officers.by_id(admin.id)).active is True

    changed = await people.change(admin, 200, "vaitro", "officer,office", NOW)
    assert changed.key == "changed" and changed.person is not None and changed.person.roles == ("officer", "office")
    assert (await people.change(admin, 200, "bophan", "van-phong", NOW)).person.unit_key == "van-phong"
    assert (await people.change(admin, 200, "bophan", "no-such-unit", NOW)).key == "usage"


async def test_nobody_changes_a_person_of_another_commune(repos: FakeRepositories, people: PeopleService) -> None:
    admin = await repos.officers.add(1, 100, "Quản trị", ["admin"], "van-phong")
    other = await repos.officers.add(2, 300, "Xã bên", ["officer"], "tu-phap")
    assert (await people.change(admin, 300, "khoa", None, NOW)).key == "not_found"
    assert (await repos.officers.by_id(other.id)).active is True
    assert [line.officer.name for line in await people.roster(1)] == ["Quản trị"]
