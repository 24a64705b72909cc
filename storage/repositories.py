"""Repository classes: all SQL lives here, so handlers and services never see a cursor."""

from __future__ import annotations

import asyncio
import copy
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.core.domain import DEFAULT_UNITS
from bot.core.models import Commune, Officer, Task, TaskSpec
from bot.core.parse import COUNT_KEYS
from storage.db import CURRENT_UPDATE, MARK_HANDLED_SQL, Database, StorageError, utcnow_iso


class DuplicateError(StorageError):
    """A row with the same unique key exists already."""


def _officer(row: aiosqlite.Row) -> Officer:
    return Officer(
        id=row["id"],
        commune_id=row["commune_id"],
        telegram_id=row["telegram_id"],
        name=row["name"],
        roles=tuple(r for r in row["roles"].split(",") if r),
        unit_key=row["unit_key"],
        active=bool(row["active"]),
        locale=row["locale"],
        away_until=date.fromisoformat(row["away_until"]) if row["away_until"] else None,
        paused_until=date.fromisoformat(row["reminders_paused_until"]) if row["reminders_paused_until"] else None,
        away_from=date.fromisoformat(row["away_from"]) if row["away_from"] else None,
        leaves=tuple((date.fromisoformat(a), date.fromisoformat(b)) for a, b in json.loads(row["leaves"] or "[]")),
    )


def _task(row: aiosqlite.Row) -> Task:
    return Task(
        id=row["id"],
        commune_id=row["commune_id"],
        plan_id=row["plan_id"],
        code=row["code"],
        area=row["area"],
        title=row["title"],
        lead_units=tuple(json.loads(row["lead_units"])),
        support_units=tuple(json.loads(row["support_units"])),
        product=row["product"],
        deadline_text=row["deadline_text"],
        due_date=date.fromisoformat(row["due_date"]) if row["due_date"] else None,
        recurrence=row["recurrence"],
        targets=tuple(json.loads(row["targets"])),
        owner_id=row["owner_id"],
        status=row["status"],
        percent=row["percent"],
        note=row["note"],
    )


class CommuneRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get_or_create(self, name: str) -> Commune:
        row = await self.db.fetchone("SELECT id, name FROM communes WHERE name = ?", (name,))
        if row:
            return Commune(row["id"], row["name"])
        async with self.db.transaction():
            cid = await self.db.execute(
                "INSERT INTO communes (name, created_at) VALUES (?, ?)", (name, utcnow_iso())
            )
            await self.db.conn.executemany(
                "INSERT INTO units (commune_id, key, name) VALUES (?, ?, ?)",
                [(cid, u.key, u.name) for u in DEFAULT_UNITS],
            )
        return Commune(cid, name)

    async def get(self, commune_id: int) -> Commune | None:
        row = await self.db.fetchone("SELECT id, name FROM communes WHERE id = ?", (commune_id,))
        return Commune(row["id"], row["name"]) if row else None

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
                   "leaves"}
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


class TaskCache:
    """The current plan's tasks per commune, decoded once; every write to tasks goes through a repository
    method that drops the commune's entry."""

    def __init__(self) -> None:
        self.tasks: dict[tuple[int, int], list[Task]] = {}
        self.plan_ids: dict[int, int | None] = {}
        self.generation = 0

    def drop(self, commune_id: int | None = None) -> None:
        if commune_id is None:
            self.tasks.clear()
            self.plan_ids.clear()
        else:
            self.plan_ids.pop(commune_id, None)
            for key in [k for k in self.tasks if k[0] == commune_id]:
                del self.tasks[key]

    def replace(self, task: Task) -> None:
        """Put a task that changed into the cached plan it belongs to."""
        cached = self.tasks.get((task.commune_id, task.plan_id))
        if cached is None:
            return
        for i, old in enumerate(cached):
            if old.id == task.id:
                cached[i] = task
                return
        self.drop(task.commune_id)

    async def check(self, db: Database) -> None:
        """Drop everything when another connection (the CLI importing a plan) has committed."""
        generation = await db.generation()
        if generation != self.generation:
            self.generation = generation
            self.drop()


class PlanRepo:
    def __init__(self, db: Database, cache: TaskCache | None = None) -> None:
        self.db = db
        self.cache = cache or TaskCache()

    async def save_plan(
        self, commune_id: int, title: str, year: int, source_name: str | None, tasks: list[TaskSpec],
        kpis: list[tuple[str, float, str, str]],
    ) -> tuple[int, int, int]:
        """Insert or update a plan and its tasks by code, keeping reported progress.

        Returns (plan_id, tasks created, tasks updated).
        """
        created = updated = 0
        self.cache.drop(commune_id)
        async with self.db.transaction() as conn:
            row = await self.db.fetchone(
                "SELECT id FROM plans WHERE commune_id = ? AND year = ?", (commune_id, year)
            )
            if row:
                plan_id = int(row["id"])
                await conn.execute(
                    "UPDATE plans SET title = ?, source_name = ?, imported_at = ? WHERE id = ?",
                    (title, source_name, utcnow_iso(), plan_id),
                )
            else:
                plan_id = await self.db.execute(
                    "INSERT INTO plans (commune_id, title, year, source_name, imported_at) VALUES (?, ?, ?, ?, ?)",
                    (commune_id, title, year, source_name, utcnow_iso()),
                )
            existing = {
                r["code"]: r["id"]
                for r in await self.db.fetchall("SELECT id, code FROM tasks WHERE plan_id = ?", (plan_id,))
            }
            for t in tasks:
                values = (
                    t.area, t.title, json.dumps(t.lead_units), json.dumps(t.support_units), t.product,
                    t.deadline_text, t.due_date.isoformat() if t.due_date else None, t.recurrence,
                    json.dumps(t.targets, ensure_ascii=False),
                )
                if t.code in existing:
                    await conn.execute(
                        "UPDATE tasks SET area=?, title=?, lead_units=?, support_units=?, product=?,"
                        " deadline_text=?, due_date=?, recurrence=?, targets=? WHERE id = ?",
                        (*values, existing[t.code]),
                    )
                    updated += 1
                else:
                    await conn.execute(
                        "INSERT INTO tasks (commune_id, plan_id, code, area, title, lead_units, support_units,"
                        " product, deadline_text, due_date, recurrence, targets)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (commune_id, plan_id, t.code, *values),
                    )
                    created += 1
            await conn.execute("DELETE FROM plan_kpis WHERE plan_id = ?", (plan_id,))
            await conn.executemany(
                "INSERT OR REPLACE INTO plan_kpis (commune_id, plan_id, key, target, op, text)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(commune_id, plan_id, k, target, op, text) for k, target, op, text in kpis],
            )
        self.cache.drop(commune_id)
        return plan_id, created, updated

    async def current_plan_id(self, commune_id: int) -> int | None:
        await self.cache.check(self.db)
        if commune_id in self.cache.plan_ids:
            return self.cache.plan_ids[commune_id]
        row = await self.db.fetchone(
            "SELECT id FROM plans WHERE commune_id = ? ORDER BY year DESC LIMIT 1", (commune_id,)
        )
        plan_id = self.cache.plan_ids[commune_id] = int(row["id"]) if row else None
        return plan_id

    async def tasks(self, commune_id: int, plan_id: int | None = None) -> list[Task]:
        await self.cache.check(self.db)
        plan_id = plan_id or await self.current_plan_id(commune_id)
        if plan_id is None:
            return []
        cached = self.cache.tasks.get((commune_id, plan_id))
        if cached is None:
            rows = await self.db.fetchall(
                "SELECT * FROM tasks WHERE commune_id = ? AND plan_id = ? ORDER BY id", (commune_id, plan_id)
            )
            cached = self.cache.tasks[(commune_id, plan_id)] = [_task(r) for r in rows]
        return list(cached)

    async def task_by_code(self, commune_id: int, code: str) -> Task | None:
        row = await self.db.fetchone(
            "SELECT t.* FROM tasks t JOIN plans p ON p.id = t.plan_id"
            " WHERE t.commune_id = ? AND t.code = ? ORDER BY p.year DESC LIMIT 1",
            (commune_id, code),
        )
        return _task(row) if row else None

    async def kpis(self, plan_id: int) -> list[dict[str, Any]]:
        rows = await self.db.fetchall("SELECT key, target, op, text FROM plan_kpis WHERE plan_id = ?", (plan_id,))
        return [dict(r) for r in rows]


@dataclass(frozen=True)
class InboxRow:
    """One incoming update as the inbox keeps it. A stranger's update is a short record: no text, no raw JSON."""

    update_id: int
    user_id: int | None
    chat_id: int | None
    kind: str
    text: str | None
    raw_json: str
    received_at: datetime
    status: str = "received"


@dataclass(frozen=True)
class NewerReport:
    """A saved report on a task newer than a read-back someone is about to save."""

    percent: int | None
    status: str | None
    created_at: str
    officer_name: str


class InboxRepo:
    """Every incoming update, raw, stored before anything else touches it.

    The outcome of an update (handled, refused, throttled) is bookkeeping, not a promise to anyone, so
    it is written behind: buffered and flushed together, when `FLUSH_AT` outcomes are waiting, one
    second after the first, and on `flush()` (close, backup, reads). After a crash the last few rows may
    still say 'received'. Failures are written at once, with their error.
    """

    FLUSH_AT = 64
    FLUSH_AFTER_SECONDS = 1.0

    def __init__(self, db: Database) -> None:
        self.db = db
        self._marks: list[tuple[str, int | None, int]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()

    async def store(
        self, *, update_id: int, user_id: int | None, chat_id: int | None, kind: str, text: str | None,
        raw_json: str, received_at: datetime, commune_id: int | None = None,
    ) -> int:
        return await self.db.execute(
            "INSERT INTO inbox (commune_id, update_id, user_id, chat_id, kind, text, raw_json, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (commune_id, update_id, user_id, chat_id, kind, text, raw_json, received_at.isoformat()),
        )

    async def store_batch(self, rows: list[InboxRow]) -> dict[int, int]:
        """Commit a batch of updates in one statement (atomic, durable); {update_id: inbox id} of those not
        stored before. An update_id already in the inbox is left as it is."""
        out: dict[int, int] = {}
        for start in range(0, len(rows), 100):
            chunk = rows[start:start + 100]
            marks = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?)" for _ in chunk)
            params: list[Any] = []
            for r in chunk:
                params += [r.update_id, r.user_id, r.chat_id, r.kind, r.text, r.raw_json, r.received_at.isoformat(),
                           r.status]
            got = await self.db.fetchall(
                "INSERT INTO inbox (update_id, user_id, chat_id, kind, text, raw_json, received_at, status)"
                f" VALUES {marks} ON CONFLICT (update_id) DO NOTHING RETURNING id, update_id",
                tuple(params),
            )
            out.update({int(r["update_id"]): int(r["id"]) for r in got})
        return out

    async def open_rows(self, status: str = "received", user_id: int | None = None,
                        limit: int = 1000) -> list[tuple[int, str]]:
        """(inbox id, raw JSON) of stored updates still to be handled, oldest first."""
        if user_id is None:
            rows = await self.db.fetchall(
                "SELECT id, raw_json FROM inbox WHERE status = ? AND raw_json != '' ORDER BY id LIMIT ?",
                (status, limit))
        else:
            rows = await self.db.fetchall(
                "SELECT id, raw_json FROM inbox WHERE status = ? AND user_id = ? AND raw_json != '' ORDER BY id"
                " LIMIT ?", (status, user_id, limit))
        return [(int(r["id"]), str(r["raw_json"])) for r in rows]

    async def mark_handled_now(self, inbox_id: int) -> None:
        """Durably mark an update handled (unless it was refused, held or failed meanwhile): done before the
        bot's first visible answer to it, so that a restart never handles it again."""
        await self.db.execute(MARK_HANDLED_SQL, (inbox_id,))

    async def max_update_id(self) -> int:
        row = await self.db.fetchone("SELECT MAX(update_id) AS m FROM inbox")
        return int(row["m"]) if row and row["m"] is not None else 0

    async def mark(self, inbox_id: int, status: str, error: str | None = None, commune_id: int | None = None) -> None:
        await self.db.execute(
            "UPDATE inbox SET status = ?, error = COALESCE(?, error), commune_id = COALESCE(?, commune_id)"
            " WHERE id = ?",
            (status, error, commune_id, inbox_id),
        )

    async def mark_later(self, inbox_id: int, status: str, commune_id: int | None = None) -> None:
        self._marks.append((status, commune_id, inbox_id))
        if len(self._marks) >= self.FLUSH_AT:
            await self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.FLUSH_AFTER_SECONDS, self._flush_soon)

    def _flush_soon(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self.flush())
        self._flushing.add(task)
        task.add_done_callback(self._flushing.discard)

    async def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        marks, self._marks = self._marks, []
        if marks:
            await self.db.executemany(
                "UPDATE inbox SET status = ?, commune_id = COALESCE(?, commune_id) WHERE id = ?", marks
            )

    async def all(self) -> list[dict[str, Any]]:
        await self.flush()
        return [dict(r) for r in await self.db.fetchall("SELECT * FROM inbox ORDER BY id")]


class AuditRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def log(
        self, action: str, *, user_id: int | None, at: datetime, officer_id: int | None = None,
        commune_id: int | None = None, detail: str | None = None,
    ) -> None:
        await self.db.execute(
            "INSERT INTO audit_log (commune_id, user_id, officer_id, action, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
            (commune_id, user_id, officer_id, action, detail, at.isoformat()),
        )

    async def all(self) -> list[dict[str, Any]]:
        return [dict(r) for r in await self.db.fetchall("SELECT * FROM audit_log ORDER BY id")]


class RuleRepo:
    """Reminder rules of a commune: kind -> spec (JSON), enabled."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self, commune_id: int) -> dict[str, tuple[dict[str, Any], bool]]:
        rows = await self.db.fetchall(
            "SELECT kind, spec, enabled FROM reminder_rules WHERE commune_id = ? ORDER BY id", (commune_id,)
        )
        return {r["kind"]: (json.loads(r["spec"]), bool(r["enabled"])) for r in rows}

    async def put(self, commune_id: int, kind: str, spec: dict[str, Any], enabled: bool = True) -> None:
        await self.db.execute(
            "INSERT INTO reminder_rules (commune_id, kind, spec, enabled) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (commune_id, kind) DO UPDATE SET spec = excluded.spec, enabled = excluded.enabled",
            (commune_id, kind, json.dumps(spec), int(enabled)),
        )

    async def ensure(self, commune_id: int, defaults: dict[str, dict[str, Any]], since: datetime) -> None:
        """Create missing rules; `since` marks when a rule started to exist (no catch-up before it)."""
        existing = await self.all(commune_id)
        for kind, spec in defaults.items():
            if kind not in existing:
                await self.put(commune_id, kind, {**spec, "since": since.isoformat()})


class LedgerRepo:
    """Exactly-once reminder ledger keyed by (rule, officer, occurrence)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(self, commune_id: int, rule: str, officer_id: int, occurrence: str, at: datetime) -> bool:
        """Record that this reminder is being sent ('sending'); False if it was sent already. A 'sending' row
        left by a crash is taken over: that message may or may not have gone out, and it goes again."""
        try:
            await self.db.execute(
                "INSERT INTO reminder_ledger (commune_id, rule, officer_id, occurrence, sent_at, state)"
                " VALUES (?, ?, ?, ?, ?, 'sending')",
                (commune_id, rule, officer_id, occurrence, at.isoformat()),
            )
        except sqlite3.IntegrityError:
            row = await self.db.fetchone(
                "SELECT state FROM reminder_ledger WHERE rule = ? AND officer_id = ? AND occurrence = ?",
                (rule, officer_id, occurrence),
            )
            return row is not None and row["state"] == "sending"
        return True

    async def mark_sent(self, rule: str, officer_id: int, occurrence: str) -> None:
        await self.db.execute(
            "UPDATE reminder_ledger SET state = 'sent' WHERE rule = ? AND officer_id = ? AND occurrence = ?",
            (rule, officer_id, occurrence),
        )

    async def already(self, rule: str, occurrence: str, officer_ids: list[int]) -> set[int]:
        """Who has this occurrence already (one query for a whole run)."""
        if not officer_ids:
            return set()
        marks = ",".join("?" for _ in officer_ids)
        rows = await self.db.fetchall(
            f"SELECT officer_id FROM reminder_ledger WHERE rule = ? AND occurrence = ? AND state = 'sent'"
            f" AND officer_id IN ({marks})",
            (rule, occurrence, *officer_ids),
        )
        return {int(r["officer_id"]) for r in rows}

    async def release(self, rule: str, officer_id: int, occurrence: str) -> None:
        """Forget a claim whose message could not be delivered, so it is tried again."""
        await self.db.execute(
            "DELETE FROM reminder_ledger WHERE rule = ? AND officer_id = ? AND occurrence = ?",
            (rule, officer_id, occurrence),
        )

    async def count(self) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) AS n FROM reminder_ledger")
        return int(row["n"]) if row else 0


# -- tasks, reports, drafts, invitations ----------------------------------------------------------
DOSSIER_KEYS = COUNT_KEYS  # one column each in dossier_reports


class TaskRepo:
    def __init__(self, db: Database, cache: TaskCache | None = None) -> None:
        self.db = db
        self.cache = cache or TaskCache()

    async def by_id(self, task_id: int) -> Task | None:
        row = await self.db.fetchone("SELECT * FROM tasks WHERE id = ?", (task_id,))
        return _task(row) if row else None

    async def set_owner(self, task: Task, owner_id: int | None, by: int | None, at: datetime) -> None:
        self.cache.drop(task.commune_id)
        async with self.db.transaction():
            await self.db.execute("UPDATE tasks SET owner_id = ? WHERE id = ?", (owner_id, task.id))
            await self.history(task, "owner", str(task.owner_id or ""), str(owner_id or ""), by, at)

    async def set_lead_units(self, task: Task, units: list[str], by: int | None, at: datetime) -> None:
        self.cache.drop(task.commune_id)
        async with self.db.transaction():
            await self.db.execute("UPDATE tasks SET lead_units = ? WHERE id = ?", (json.dumps(units), task.id))
            await self.history(task, "lead_units", json.dumps(list(task.lead_units)), json.dumps(units), by, at)

    async def set_due(self, task: Task, due: date, by: int | None, at: datetime) -> None:
        self.cache.drop(task.commune_id)
        async with self.db.transaction():
            await self.db.execute("UPDATE tasks SET due_date = ? WHERE id = ?", (due.isoformat(), task.id))
            old = task.due_date.isoformat() if task.due_date else ""
            await self.history(task, "due_date", old, due.isoformat(), by, at)

    async def history(
        self, task: Task, kind: str, old: str | None, new: str | None, by: int | None, at: datetime
    ) -> None:
        await self.db.execute(
            "INSERT INTO task_history (commune_id, task_id, officer_id, kind, old_value, new_value, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (task.commune_id, task.id, by, kind, old, new, at.isoformat()),
        )

    async def open_requests(self, officer_id: int) -> list[int]:
        """Tasks on which `officer_id` was asked to explain (kind 'explain_asked') and has not answered since."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT h.task_id FROM task_history h WHERE h.kind = 'explain_asked' AND h.old_value = ?"
            " AND NOT EXISTS (SELECT 1 FROM task_history e WHERE e.task_id = h.task_id AND e.kind = 'explanation'"
            " AND e.officer_id = ? AND e.at >= h.at) ORDER BY h.task_id",
            (str(officer_id), officer_id))
        return [int(r[0]) for r in rows]

    async def askers(self, task_id: int, officer_id: int) -> set[int]:
        """Who asked `officer_id` to explain `task_id`."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT officer_id FROM task_history WHERE task_id = ? AND kind = 'explain_asked'"
            " AND old_value = ?", (task_id, str(officer_id)))
        return {int(r[0]) for r in rows if r[0] is not None}

    async def history_of(self, task_id: int, limit: int = 10) -> list[dict[str, Any]]:
        rows = await self.db.fetchall(
            "SELECT h.*, o.name AS officer_name FROM task_history h LEFT JOIN officers o ON o.id = h.officer_id"
            " WHERE h.task_id = ? ORDER BY h.at DESC, h.id DESC LIMIT ?",
            (task_id, limit),
        )
        return [dict(r) for r in rows]

    async def refresh_progress(self, task_id: int) -> None:
        """Set the task's status and percent from its latest report that still counts. The cached plan gets
        the changed task in place (a rollback drops the whole cache: `TaskCache.check`)."""
        row = await self.db.fetchone(
            "SELECT percent, status, note, created_at FROM progress_reports WHERE task_id = ? AND undone = 0"
            " ORDER BY created_at DESC, id DESC LIMIT 1",
            (task_id,),
        )
        if row is None:
            changed = await self.db.fetchone(
                "UPDATE tasks SET status = 'not_started', percent = 0, note = NULL, last_report_at = NULL"
                " WHERE id = ? RETURNING *", (task_id,),
            )
        else:
            status = row["status"] or ("done" if row["percent"] == 100 else "in_progress")
            percent = row["percent"] if row["percent"] is not None else (100 if status == "done" else None)
            changed = await self.db.fetchone(
                "UPDATE tasks SET status = ?, percent = COALESCE(?, percent), note = ?, last_report_at = ?"
                " WHERE id = ? RETURNING *",
                (status, percent, row["note"], row["created_at"], task_id),
            )
        if changed is None:
            self.cache.drop()
        else:
            self.cache.replace(_task(changed))


class ReportRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_progress(
        self, *, commune_id: int, task_id: int, officer_id: int, pending_id: int | None, inbox_id: int | None,
        percent: int | None, status: str | None, when: date | None, note: str | None, at: datetime,
    ) -> int:
        return await self.db.execute(
            "INSERT INTO progress_reports (commune_id, task_id, officer_id, pending_id, inbox_id, percent, status,"
            " date, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (commune_id, task_id, officer_id, pending_id, inbox_id, percent, status,
             when.isoformat() if when else None, note, at.isoformat()),
        )

    async def add_dossier(
        self, *, commune_id: int, officer_id: int, unit_key: str | None, pending_id: int | None,
        inbox_id: int | None, start: date, end: date, counts: dict[str, int], at: datetime,
        note: str | None = None,
    ) -> int:
        keys = [k for k in DOSSIER_KEYS if k in counts]
        cols = ", ".join(keys)
        marks = ", ".join("?" for _ in keys)
        return await self.db.execute(
            "INSERT INTO dossier_reports (commune_id, officer_id, unit_key, pending_id, inbox_id, period_start,"
            f" period_end, created_at, note{', ' + cols if keys else ''}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?"
            f"{', ' + marks if keys else ''})",
            (commune_id, officer_id, unit_key, pending_id, inbox_id, start.isoformat(), end.isoformat(),
             at.isoformat(), note, *[counts[k] for k in keys]),
        )

    async def duplicate_progress(
        self, officer_id: int, task_id: int, percent: int | None, status: str | None, when: date | None,
        since: datetime,
    ) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM progress_reports WHERE officer_id = ? AND task_id = ? AND undone = 0"
            " AND percent IS ? AND status IS ? AND date IS ? AND created_at >= ? LIMIT 1",
            (officer_id, task_id, percent, status, when.isoformat() if when else None, since.isoformat()),
        )
        return row is not None

    async def newer_progress(self, task_id: int, after: str) -> NewerReport | None:
        """The latest saved (not undone) report on a task made after `after` (ISO time), with its author."""
        row = await self.db.fetchone(
            "SELECT p.percent, p.status, p.created_at, o.name FROM progress_reports p JOIN officers o"
            " ON o.id = p.officer_id WHERE p.task_id = ? AND p.undone = 0 AND p.created_at > ?"
            " ORDER BY p.created_at DESC LIMIT 1", (task_id, after))
        if row is None:
            return None
        return NewerReport(row["percent"], row["status"], row["created_at"], row["name"])

    async def duplicate_dossier(
        self, officer_id: int, start: date, end: date, counts: dict[str, int]
    ) -> bool:
        rows = await self.db.fetchall(
            "SELECT * FROM dossier_reports WHERE officer_id = ? AND period_start = ? AND period_end = ?"
            " AND undone = 0",
            (officer_id, start.isoformat(), end.isoformat()),
        )
        return any({k: r[k] for k in DOSSIER_KEYS if r[k] is not None} == counts for r in rows)

    async def progress_of_task(self, task_id: int, limit: int = 5) -> list[dict[str, Any]]:
        rows = await self.db.fetchall(
            "SELECT p.*, o.name AS officer_name FROM progress_reports p JOIN officers o ON o.id = p.officer_id"
            " WHERE p.task_id = ? AND p.undone = 0 ORDER BY p.created_at DESC, p.id DESC LIMIT ?",
            (task_id, limit),
        )
        return [dict(r) for r in rows]

    async def undo_pending(self, pending_id: int) -> list[int]:
        """Mark every report of a read-back as undone; returns the task ids touched."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT task_id FROM progress_reports WHERE pending_id = ? AND undone = 0", (pending_id,)
        )
        await self.db.execute("UPDATE progress_reports SET undone = 1 WHERE pending_id = ?", (pending_id,))
        await self.db.execute("UPDATE dossier_reports SET undone = 1 WHERE pending_id = ?", (pending_id,))
        return [r["task_id"] for r in rows]

    async def last_report_at(self, officer_id: int) -> str | None:
        row = await self.db.fetchone(
            "SELECT MAX(at) AS at FROM (SELECT MAX(created_at) AS at FROM progress_reports WHERE officer_id = ?"
            " AND undone = 0 UNION ALL SELECT MAX(created_at) FROM dossier_reports WHERE officer_id = ?"
            " AND undone = 0)",
            (officer_id, officer_id),
        )
        return row["at"] if row else None

    async def same_period_dossier(self, commune_id: int, unit_key: str | None, start: date,
                                  end: date) -> dict[str, int] | None:
        """The figures a unit already saved for exactly this period (the latest), or None."""
        row = await self.db.fetchone(
            "SELECT * FROM dossier_reports WHERE commune_id = ? AND unit_key IS ? AND period_start = ?"
            " AND period_end = ? AND undone = 0 ORDER BY created_at DESC, id DESC LIMIT 1",
            (commune_id, unit_key, start.isoformat(), end.isoformat()))
        if row is None:
            return None
        return {k: int(row[k]) for k in DOSSIER_KEYS if row[k] is not None}

    async def dossiers(
        self, commune_id: int, start: date | None = None, end: date | None = None
    ) -> list[dict[str, Any]]:
        """Dossier reports that still count; with bounds, only those lying within [start, end]."""
        sql = "SELECT * FROM dossier_reports WHERE commune_id = ? AND undone = 0"
        params: list[Any] = [commune_id]
        if start is not None and end is not None:  # within, or running past the end (see combine_dossiers)
            sql += " AND period_start >= ? AND period_start <= ?"
            params += [start.isoformat(), end.isoformat()]
        rows = await self.db.fetchall(sql + " ORDER BY created_at, id", tuple(params))
        return [dict(r) for r in rows]

    async def progress_as_of(self, commune_id: int, as_of: date) -> dict[int, tuple[str, int, str | None]]:
        """task id → (status, percent, note) as the reports that count, made on or before `as_of`, left it
        (as `TaskRepo.refresh_progress` does now: a report without a percent keeps the one before)."""
        rows = await self.db.fetchall(
            "SELECT task_id, status, percent, note FROM progress_reports WHERE commune_id = ? AND undone = 0"
            " AND substr(created_at, 1, 10) <= ? ORDER BY task_id, created_at, id",
            (commune_id, as_of.isoformat()))
        out: dict[int, tuple[str, int, str | None]] = {}
        for r in rows:
            before = out.get(int(r["task_id"]), ("not_started", 0, None))
            status = r["status"] or ("done" if r["percent"] == 100 else "in_progress")
            percent = r["percent"] if r["percent"] is not None else (100 if status == "done" else before[1])
            out[int(r["task_id"])] = (status, int(percent), r["note"])
        return out

    async def reporters_between(self, commune_id: int, start: date, end: date) -> set[int]:
        """Officers who made a report that counts (progress or dossier) between `start` and `end`."""
        rows = await self.db.fetchall(
            "SELECT officer_id FROM progress_reports WHERE commune_id = ? AND undone = 0"
            " AND substr(created_at, 1, 10) BETWEEN ? AND ?"
            " UNION SELECT officer_id FROM dossier_reports WHERE commune_id = ? AND undone = 0"
            " AND substr(created_at, 1, 10) BETWEEN ? AND ?",
            (commune_id, start.isoformat(), end.isoformat(), commune_id, start.isoformat(), end.isoformat()))
        return {int(r[0]) for r in rows}

    async def unit_intake_history(self, commune_id: int, unit_key: str | None, limit: int = 12
                                  ) -> list[tuple[int, int]]:
        """(received, days of the period) of the unit's latest reports that state received dossiers."""
        rows = await self.db.fetchall(
            "SELECT received, CAST(julianday(period_end) - julianday(period_start) AS INTEGER) + 1 AS days"
            " FROM dossier_reports WHERE commune_id = ? AND unit_key IS ? AND undone = 0 AND received IS NOT NULL"
            " ORDER BY created_at DESC, id DESC LIMIT ?",
            (commune_id, unit_key, limit))
        return [(int(r["received"]), int(r["days"])) for r in rows]

    async def last_reports(self, commune_id: int) -> dict[int, str]:
        """officer id -> time of their latest report that still counts (progress or dossier)."""
        rows = await self.db.fetchall(
            "SELECT o.id AS officer_id,"
            " (SELECT MAX(created_at) FROM progress_reports p WHERE p.officer_id = o.id AND p.undone = 0) AS p,"
            " (SELECT MAX(created_at) FROM dossier_reports d WHERE d.officer_id = o.id AND d.undone = 0) AS d"
            " FROM officers o WHERE o.commune_id = ?",
            (commune_id,),
        )
        return {int(r["officer_id"]): max(x for x in (r["p"], r["d"]) if x) for r in rows if r["p"] or r["d"]}

    async def done_dates(self, task_ids: list[int]) -> dict[int, date]:
        """When each task was reported done (the date it names, else the day of the report)."""
        if not task_ids:
            return {}
        marks = ",".join("?" for _ in task_ids)
        rows = await self.db.fetchall(
            f"SELECT task_id, COALESCE(date, substr(created_at, 1, 10)) AS d FROM progress_reports"
            f" WHERE undone = 0 AND status = 'done' AND task_id IN ({marks}) ORDER BY created_at, id",
            tuple(task_ids),
        )
        return {r["task_id"]: date.fromisoformat(r["d"]) for r in rows}

    async def count_progress(self, commune_id: int) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS n FROM progress_reports WHERE commune_id = ? AND undone = 0", (commune_id,)
        )
        return int(row["n"]) if row else 0


class PendingRepo:
    """Read-backs waiting for ✅ Lưu, and drafts (read-backs nobody confirmed in time).

    A new read-back replaces the officer's read-back waiting for a correction after ✏️ Sửa (state
    'editing' → 'replaced'): the database does that on insert (migration 0005)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self, *, commune_id: int, officer_id: int, chat_id: int, source_message_id: int | None,
        inbox_id: int | None, payload: dict[str, Any], at: datetime, source_chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Insert a read-back and return it as `get` would (one round trip). One incoming update makes one
        read-back: handled again after a crash, it gets the read-back it made the first time."""
        row = await self.db.fetchone(
            "INSERT INTO pending_reports (commune_id, officer_id, chat_id, source_message_id, inbox_id, payload,"
            " state, created_at, source_chat_id) SELECT ?, ?, ?, ?, ?, ?, 'pending', ?, ?"
            " WHERE ? IS NULL OR NOT EXISTS (SELECT 1 FROM pending_reports WHERE inbox_id = ?) RETURNING *",
            (commune_id, officer_id, chat_id, source_message_id, inbox_id, json.dumps(payload, ensure_ascii=False),
             at.isoformat(), source_chat_id, inbox_id, inbox_id),
        )
        if row is None:
            row = await self.db.fetchone(
                "SELECT * FROM pending_reports WHERE inbox_id = ? ORDER BY id LIMIT 1", (inbox_id,))
        update = CURRENT_UPDATE.get()
        if update is not None and update.inbox_id == inbox_id:
            update.marked = True  # the insert marked its update handled (trigger, migration 0010)
        assert row is not None
        return self._decoded(row)

    @staticmethod
    def _decoded(row: aiosqlite.Row) -> dict[str, Any]:
        out = dict(row)
        out["payload"] = json.loads(out["payload"])
        return out

    async def get(self, pending_id: int) -> dict[str, Any] | None:
        row = await self.db.fetchone("SELECT * FROM pending_reports WHERE id = ?", (pending_id,))
        return self._decoded(row) if row is not None else None

    async def by_source(self, chat_id: int, source_message_id: int) -> dict[str, Any] | None:
        """The latest read-back of the message `source_message_id` written in chat `chat_id` (a group's report
        is found by the group's id, not by the private chat its read-back went to)."""
        row = await self.db.fetchone(
            "SELECT id FROM pending_reports WHERE source_chat_id = ? AND source_message_id = ?"
            " UNION ALL SELECT id FROM pending_reports WHERE source_chat_id IS NULL AND chat_id = ?"
            " AND source_message_id = ? ORDER BY id DESC LIMIT 1",
            (chat_id, source_message_id, chat_id, source_message_id),
        )
        return await self.get(int(row["id"])) if row else None

    async def update(
        self, pending_id: int, *, state: str | None = None, payload: dict[str, Any] | None = None,
        bot_message_id: int | None = None, chat_id: int | None = None,
    ) -> None:
        sets: list[str] = []
        params: list[Any] = []
        if state is not None:
            sets.append("state = ?")
            params.append(state)
        if payload is not None:
            sets.append("payload = ?")
            params.append(json.dumps(payload, ensure_ascii=False))
        if bot_message_id is not None:
            sets += ["bot_message_id = ?", "chat_id = COALESCE(?, chat_id)"]
            params += [bot_message_id, chat_id]
        if sets:
            await self.db.execute(f"UPDATE pending_reports SET {', '.join(sets)} WHERE id = ?", (*params, pending_id))

    async def transition(self, pending_id: int, from_state: str, to_state: str) -> dict[str, Any] | None:
        """Move a read-back from one state to another if it is still in the first; returns it (in its
        new state), or None when it was not."""
        row = await self.db.fetchone(
            "UPDATE pending_reports SET state = ? WHERE id = ? AND state = ? RETURNING *",
            (to_state, pending_id, from_state),
        )
        return self._decoded(row) if row is not None else None

    async def all_open(self) -> list[dict[str, Any]]:
        rows = await self.db.fetchall("SELECT id FROM pending_reports WHERE state = 'pending' ORDER BY id")
        return [p for r in rows if (p := await self.get(int(r["id"]))) is not None]

    async def has_later(self, officer_id: int, pending_id: int) -> bool:
        """Whether the officer has made a read-back after this one."""
        row = await self.db.fetchone("SELECT 1 FROM pending_reports WHERE officer_id = ? AND id > ? LIMIT 1",
                                     (officer_id, pending_id))
        return row is not None

    async def last_saved(self, officer_id: int) -> dict[str, Any] | None:
        row = await self.db.fetchone(
            "SELECT id FROM pending_reports WHERE officer_id = ? AND state = 'saved' ORDER BY id DESC LIMIT 1",
            (officer_id,),
        )
        return await self.get(int(row["id"])) if row else None


class FormRepo:
    """Officers' places in the /baocao form. Every private text asks whether its sender is filling the
    form, so all forms are kept in memory after the first read (only the bot writes them), and every
    change is written through to the database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._forms: dict[int, tuple[dict[str, Any], datetime]] | None = None

    async def _all(self) -> dict[int, tuple[dict[str, Any], datetime]]:
        if self._forms is None:
            rows = await self.db.fetchall("SELECT officer_id, state, updated_at FROM forms")
            self._forms = {int(r[0]): (json.loads(r[1]), datetime.fromisoformat(r[2])) for r in rows}
        return self._forms

    async def get(self, officer_id: int, *, since: datetime) -> dict[str, Any] | None:
        """The officer's form, if touched at or after `since` (an older one is forgotten)."""
        found = (await self._all()).get(officer_id)
        if found is None:
            return None
        if found[1] < since:
            await self.drop(officer_id)
            return None
        return copy.deepcopy(found[0])  # the caller's changes count once `put` back

    async def put(self, officer_id: int, state: dict[str, Any], at: datetime) -> None:
        (await self._all())[officer_id] = (copy.deepcopy(state), at)
        await self.db.execute(
            "INSERT INTO forms (officer_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (officer_id)"
            " DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            (officer_id, json.dumps(state, ensure_ascii=False), at.isoformat()),
        )

    async def drop(self, officer_id: int) -> None:
        if (await self._all()).pop(officer_id, None) is not None:
            await self.db.execute("DELETE FROM forms WHERE officer_id = ?", (officer_id,))


class PlanPreviewRepo:
    """Plan files shown as a preview, waiting for ✅ Nhập or ❌ Hủy."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, *, token: str, commune_id: int, officer_id: int, file_id: str, filename: str,
                     year: int | None, at: datetime) -> None:
        await self.db.execute(
            "INSERT INTO plan_previews (token, commune_id, officer_id, file_id, filename, year, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (token, commune_id, officer_id, file_id, filename, year, at.isoformat()),
        )

    async def take(self, token: str, officer_id: int) -> dict[str, Any] | None:
        """The officer's preview under `token`, removed so that it is used once; None when there is none
        (another officer's token is left alone)."""
        row = await self.db.fetchone(
            "DELETE FROM plan_previews WHERE token = ? AND officer_id = ? RETURNING *", (token, officer_id)
        )
        return dict(row) if row is not None else None

    async def purge(self, before: datetime) -> int:
        return await self.db.rowcount("DELETE FROM plan_previews WHERE created_at < ?", (before.isoformat(),))


class InviteRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self, *, code: str, commune_id: int, role: str, unit_key: str | None, created_by: int | None,
        at: datetime, expires: datetime,
    ) -> None:
        await self.db.execute(
            "INSERT INTO invites (code, commune_id, role, unit_key, created_by, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (code, commune_id, role, unit_key, created_by, at.isoformat(), expires.isoformat()),
        )

    async def get(self, code: str) -> dict[str, Any] | None:
        row = await self.db.fetchone("SELECT * FROM invites WHERE code = ?", (code,))
        return dict(row) if row else None

    async def use(self, code: str, officer_id: int, at: datetime) -> bool:
        return await self.db.rowcount(
            "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL",
            (officer_id, at.isoformat(), code),
        ) == 1


class Repositories:
    """All repositories over one database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.communes = CommuneRepo(db)
        self.officers = OfficerRepo(db)
        self.task_cache = TaskCache()
        self.plans = PlanRepo(db, self.task_cache)
        self.inbox = InboxRepo(db)
        self.audit = AuditRepo(db)
        self.ledger = LedgerRepo(db)
        self.rules = RuleRepo(db)
        self.tasks = TaskRepo(db, self.task_cache)
        self.reports = ReportRepo(db)
        self.pending = PendingRepo(db)
        self.invites = InviteRepo(db)
        self.plan_previews = PlanPreviewRepo(db)
        self.forms = FormRepo(db)
