"""Communes and their units, officers, invitations."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date, datetime

import aiosqlite

from bot.core.domain import DEFAULT_UNITS
from bot.core.models import Commune, Invite, Officer
from storage.db import Database, StorageError, utcnow_iso
from storage.repos.rows import DuplicateError, _officer


class CommuneRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get_or_create(self, name: str) -> Commune:
        row = await self.db.fetchone("SELECT id, name, key FROM communes WHERE name = ?", (name,))
        if row:
            return Commune(row["id"], row["name"], row["key"])
        async with self.db.transaction():
            cid = await self.db.execute(
                "INSERT INTO communes (name, created_at) VALUES (?, ?)", (name, utcnow_iso())
            )
            await self.db.conn.executemany(
                "INSERT INTO units (commune_id, key, name) VALUES (?, ?, ?)",
                [(cid, u.key, u.name) for u in DEFAULT_UNITS],
            )
        return Commune(cid, name)

    async def add(self, key: str, name: str) -> Commune:
        """A new commune with its key and the default units (a commune of that name without a key, such as a
        deployment's first, gets the key); DuplicateError when the key is taken or the name has another."""
        found = await self.db.fetchone("SELECT id FROM communes WHERE key = ? OR (name = ? AND key IS NOT NULL)",
                                       (key, name))
        if found is not None:
            raise DuplicateError(f"commune {key} / {name} exists already")
        commune = await self.get_or_create(name)
        await self.db.execute("UPDATE communes SET key = ? WHERE id = ?", (key, commune.id))
        return Commune(commune.id, name, key)

    async def by_key(self, key: str) -> Commune | None:
        row = await self.db.fetchone("SELECT id, name, key FROM communes WHERE key = ?", (key,))
        return Commune(row["id"], row["name"], row["key"]) if row else None

    async def all(self) -> list[Commune]:
        rows = await self.db.fetchall("SELECT id, name, key FROM communes ORDER BY id")
        return [Commune(r["id"], r["name"], r["key"]) for r in rows]

    async def default(self, name: str) -> Commune:
        """The deployment's own commune: the one named `name`, else (a province's database, whose communes
        were added by key) the first; a new database gets a commune of that name."""
        found = await self.db.fetchone("SELECT id, name, key FROM communes ORDER BY name = ? DESC, id LIMIT 1",
                                       (name,))
        if found is not None:
            return Commune(found["id"], found["name"], found["key"])
        return await self.get_or_create(name)

    async def ids(self) -> list[int]:
        rows = await self.db.fetchall("SELECT id FROM communes ORDER BY id")
        return [int(r["id"]) for r in rows]

    async def get(self, commune_id: int) -> Commune | None:
        row = await self.db.fetchone("SELECT id, name, key FROM communes WHERE id = ?", (commune_id,))
        return Commune(row["id"], row["name"], row["key"]) if row else None

    async def unit_keys(self, commune_id: int) -> list[str]:
        rows = await self.db.fetchall("SELECT key FROM units WHERE commune_id = ? ORDER BY id", (commune_id,))
        return [r["key"] for r in rows]

    async def unit_names(self, commune_id: int) -> dict[str, str]:
        rows = await self.db.fetchall("SELECT key, name FROM units WHERE commune_id = ?", (commune_id,))
        return {r["key"]: r["name"] for r in rows}


class OfficerRepo:
    """Officers. Every update asks who its sender is, so found officers are kept in memory: this
    repository's writes drop the cache, and so does a commit by another connection (the CLI), seen
    within `Database.EXTERNAL_CHECK_SECONDS`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._by_tg: dict[int, Officer] = {}
        self._by_id: dict[int, Officer] = {}
        self._generation = 0

    def _drop(self) -> None:
        self._by_tg.clear()
        self._by_id.clear()

    async def _cached(self) -> None:
        generation = await self.db.generation()
        if generation != self._generation:
            self._generation = generation
            self._drop()

    def _keep(self, officer: Officer) -> Officer:
        self._by_tg[officer.telegram_id] = officer
        self._by_id[officer.id] = officer
        return officer

    async def add(
        self, commune_id: int, telegram_id: int, name: str, roles: Iterable[str], unit_key: str | None,
        locale: str = "vi",
    ) -> Officer:
        self._drop()
        try:
            oid = await self.db.execute(
                "INSERT INTO officers (commune_id, telegram_id, name, roles, unit_key, locale, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (commune_id, telegram_id, name, ",".join(roles), unit_key, locale, utcnow_iso()),
            )
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc):
                raise DuplicateError(f"telegram id {telegram_id} is registered already") from None
            raise StorageError(f"cannot add officer: {exc}") from None
        officer = await self.by_id(oid)
        assert officer is not None
        return officer

    async def by_id(self, officer_id: int) -> Officer | None:
        await self._cached()
        if (hit := self._by_id.get(officer_id)) is not None:
            return hit
        row = await self.db.fetchone("SELECT * FROM officers WHERE id = ?", (officer_id,))
        return self._keep(_officer(row)) if row else None

    async def by_telegram_id(self, telegram_id: int) -> Officer | None:
        await self._cached()
        if (hit := self._by_tg.get(telegram_id)) is not None:
            return hit
        row = await self.db.fetchone("SELECT * FROM officers WHERE telegram_id = ?", (telegram_id,))
        return self._keep(_officer(row)) if row else None

    async def list(self, commune_id: int | None = None, *, active_only: bool = False) -> list[Officer]:
        sql, params = "SELECT * FROM officers WHERE 1=1", []
        if commune_id is not None:
            sql += " AND commune_id = ?"
            params.append(commune_id)
        if active_only:
            sql += " AND active = 1"
        rows = await self.db.fetchall(sql + " ORDER BY id", tuple(params))
        return [_officer(r) for r in rows]

    async def update(self, officer_id: int, **fields: object) -> None:
        allowed = {"roles", "unit_key", "away_from", "away_until", "reminders_paused_until", "locale", "active",
                   "leaves", "menu_key"}
        self._drop()
        for key, value in fields.items():
            if key not in allowed:
                raise ValueError(key)
            if key == "roles" and not isinstance(value, str):
                value = ",".join(value)  # type: ignore[arg-type]
            await self.db.execute(f"UPDATE officers SET {key} = ? WHERE id = ?", (value, officer_id))

    async def set_leaves(self, officer_id: int, periods: tuple[tuple[date, date], ...]) -> None:
        """Replace the officer's leave periods (the older single-period columns are cleared)."""
        self._drop()
        await self.db.execute(
            "UPDATE officers SET leaves = ?, away_from = NULL, away_until = NULL WHERE id = ?",
            (json.dumps([[a.isoformat(), b.isoformat()] for a, b in periods]), officer_id))

    async def set_active(self, telegram_id: int, active: bool) -> bool:
        self._drop()
        return await self.db.rowcount(
            "UPDATE officers SET active = ? WHERE telegram_id = ?", (int(active), telegram_id)
        ) > 0


class InviteRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self, *, code: str, commune_id: int, role: str, unit_key: str | None, created_by: int | None,
        at: datetime, expires: datetime, invitee: str | None = None,
    ) -> None:
        await self.db.execute(
            "INSERT INTO invites (code, commune_id, role, unit_key, created_by, created_at, expires_at, invitee)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (code, commune_id, role, unit_key, created_by, at.isoformat(), expires.isoformat(), invitee),
        )

    @staticmethod
    def _invite(row: aiosqlite.Row) -> Invite:
        return Invite(
            code=row["code"], commune_id=int(row["commune_id"]), role=row["role"], unit_key=row["unit_key"],
            created_by=row["created_by"], created_at=datetime.fromisoformat(row["created_at"]),
            expires_at=datetime.fromisoformat(row["expires_at"]), invitee=row["invitee"], used_by=row["used_by"],
            used_at=datetime.fromisoformat(row["used_at"]) if row["used_at"] else None,
        )

    async def waiting(self, commune_id: int, now: datetime) -> list[Invite]:
        """Invitations of the commune not used yet and not expired, oldest first (who has not joined)."""
        rows = await self.db.fetchall(
            "SELECT * FROM invites WHERE commune_id = ? AND used_by IS NULL AND expires_at > ?"
            " ORDER BY created_at, code", (commune_id, now.isoformat()))
        return [self._invite(r) for r in rows]

    async def get(self, code: str) -> Invite | None:
        row = await self.db.fetchone("SELECT * FROM invites WHERE code = ?", (code,))
        return self._invite(row) if row else None

    async def use(self, code: str, officer_id: int, at: datetime) -> bool:
        return await self.db.rowcount(
            "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL",
            (officer_id, at.isoformat(), code),
        ) == 1
