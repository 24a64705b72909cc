"""In-memory fakes of the repositories a service uses (cosmicpython's style: fakes over mocks): the service
runs unchanged on them, so its rules are tested without a database, and the same cases run on real SQLite
in the other tests."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import date, datetime

from bot.core.models import Commune, Invite, Officer


class FakeDb:
    def __init__(self) -> None:
        self.committed = 0
        self.rolled_back = 0

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        try:
            yield None
        except BaseException:
            self.rolled_back += 1
            raise
        self.committed += 1


class FakeCommunes:
    def __init__(self) -> None:
        self.rows = {1: Commune(1, "Xã Thử"), 2: Commune(2, "Xã Bên")}

    async def get(self, commune_id: int) -> Commune | None:
        return self.rows.get(commune_id)

    async def unit_names(self, commune_id: int) -> dict[str, str]:
        return {"tu-phap": "Tư pháp - Hộ tịch", "van-phong": "Văn phòng"}


class FakeOfficers:
    def __init__(self) -> None:
        self.rows: dict[int, Officer] = {}

    async def add(self, commune_id: int, telegram_id: int, name: str, roles: Iterable[str], unit_key: str | None,
                  locale: str = "vi") -> Officer:
        if any(o.telegram_id == telegram_id for o in self.rows.values()):
            raise ValueError("duplicate")
        officer = Officer(len(self.rows) + 1, commune_id, telegram_id, name, tuple(roles), unit_key, True, locale)
        self.rows[officer.id] = officer
        return officer

    async def by_id(self, officer_id: int) -> Officer | None:
        return self.rows.get(officer_id)

    async def by_telegram_id(self, telegram_id: int) -> Officer | None:
        return next((o for o in self.rows.values() if o.telegram_id == telegram_id), None)

    async def list(self, commune_id: int | None = None, *, active_only: bool = False) -> list[Officer]:
        return [o for o in self.rows.values() if (commune_id is None or o.commune_id == commune_id)
                and (o.active or not active_only)]

    async def update(self, officer_id: int, **fields: object) -> None:
        changes: dict[str, object] = {}
        for key, value in fields.items():
            if key == "roles":
                changes["roles"] = tuple(str(value).split(","))
            elif key == "active":
                changes["active"] = bool(value)
            elif key in ("unit_key", "locale", "menu_key"):
                changes[key] = value
        self.rows[officer_id] = dataclasses.replace(self.rows[officer_id], **changes)  # type: ignore[arg-type]

    async def set_leaves(self, officer_id: int, periods: tuple[tuple[date, date], ...]) -> None:
        self.rows[officer_id] = dataclasses.replace(self.rows[officer_id], leaves=periods)


class FakeInvites:
    def __init__(self) -> None:
        self.rows: dict[str, Invite] = {}

    async def create(self, *, code: str, commune_id: int, role: str, unit_key: str | None, created_by: int | None,
                     at: datetime, expires: datetime, invitee: str | None = None) -> None:
        self.rows[code] = Invite(code, commune_id, role, unit_key, created_by, at, expires, invitee)

    async def get(self, code: str) -> Invite | None:
        return self.rows.get(code)

    async def use(self, code: str, officer_id: int, at: datetime) -> bool:
        invite = self.rows[code]
        if invite.used_by is not None:
            return False
        self.rows[code] = dataclasses.replace(invite, used_by=officer_id, used_at=at)
        return True

    async def waiting(self, commune_id: int, now: datetime) -> list[Invite]:
        return [i for i in self.rows.values() if i.commune_id == commune_id and i.used_by is None
                and i.expires_at > now]


class FakeAudit:
    def __init__(self) -> None:
        self.rows: list[tuple[str, int | None, int | None, str | None]] = []

    async def log(self, action: str, *, user_id: int | None, at: datetime, officer_id: int | None = None,
                  commune_id: int | None = None, detail: str | None = None) -> None:
        self.rows.append((action, user_id, commune_id, detail))


class FakeReports:
    def __init__(self) -> None:
        self.last: dict[int, str] = {}

    async def last_report_at(self, officer_id: int) -> str | None:
        return self.last.get(officer_id)


class FakeRepositories:
    """What `PeopleService` reaches: communes, officers, invitations, the audit log, reports, transactions."""

    def __init__(self) -> None:
        self.db = FakeDb()
        self.communes = FakeCommunes()
        self.officers = FakeOfficers()
        self.invites = FakeInvites()
        self.audit = FakeAudit()
        self.reports = FakeReports()
