"""Plans and their tasks (with the in-memory cache of the current plan), plan previews."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from bot.core.models import HistoryEntry, Task, TaskSpec
from storage.db import Database, Tx, utcnow_iso
from storage.repos.rows import _task


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
                    json.dumps(t.targets, ensure_ascii=False), t.lead_text,
                )
                if t.code in existing:
                    await conn.execute(
                        "UPDATE tasks SET area=?, title=?, lead_units=?, support_units=?, product=?,"
                        " deadline_text=?, due_date=?, recurrence=?, targets=?, lead_text=? WHERE id = ?",
                        (*values, existing[t.code]),
                    )
                    updated += 1
                else:
                    await conn.execute(
                        "INSERT INTO tasks (commune_id, plan_id, code, area, title, lead_units, support_units,"
                        " product, deadline_text, due_date, recurrence, targets, lead_text)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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

    async def title(self, plan_id: int) -> str | None:
        row = await self.db.fetchone("SELECT title FROM plans WHERE id = ?", (plan_id,))
        return str(row["title"]) if row else None

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
    ) -> int:
        return await self.db.execute(
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

    async def history_row(self, history_id: int) -> dict[str, Any] | None:
        row = await self.db.fetchone("SELECT * FROM task_history WHERE id = ?", (history_id,))
        return dict(row) if row else None

    async def history_of(self, task_id: int, limit: int = 10) -> list[HistoryEntry]:
        """The task's latest changes, newest first."""
        rows = await self.db.fetchall(
            "SELECT h.kind, h.old_value, h.new_value, h.at, o.name AS officer_name FROM task_history h"
            " LEFT JOIN officers o ON o.id = h.officer_id WHERE h.task_id = ? ORDER BY h.at DESC, h.id DESC LIMIT ?",
            (task_id, limit),
        )
        return [HistoryEntry(r["kind"], r["old_value"], r["new_value"], datetime.fromisoformat(r["at"]),
                             r["officer_name"]) for r in rows]

    async def refresh_progress(self, task_id: int) -> None:
        """Set the task's status and percent from its latest report that still counts. The cached plan gets
        the changed task in place (a rollback drops the whole cache: `TaskCache.check`)."""
        self.cached(await self.db.unit(lambda tx: self.refresh_progress_in(tx, task_id)))

    def cached(self, changed: Task | None) -> None:
        """A task changed by a unit of work (`refresh_progress_in`): the cached plan gets it in place."""
        if changed is None:
            self.cache.drop()
        else:
            self.cache.replace(changed)

    @staticmethod
    def refresh_progress_in(tx: Tx, task_id: int) -> Task | None:
        """`refresh_progress` inside a unit of work; returns the task as it is now (None: it is gone)."""
        row = tx.one(
            "SELECT percent, status, note, created_at FROM progress_reports WHERE task_id = ? AND undone = 0"
            " AND support = 0 ORDER BY created_at DESC, id DESC LIMIT 1",
            (task_id,),
        )
        if row is None:
            changed = tx.one(
                "UPDATE tasks SET status = 'not_started', percent = 0, note = NULL, last_report_at = NULL"
                " WHERE id = ? RETURNING *", (task_id,),
            )
        else:
            status = row["status"] or ("done" if row["percent"] == 100 else "in_progress")
            percent = row["percent"] if row["percent"] is not None else (100 if status == "done" else None)
            changed = tx.one(
                "UPDATE tasks SET status = ?, percent = COALESCE(?, percent), note = ?, last_report_at = ?"
                " WHERE id = ? RETURNING *",
                (status, percent, row["note"], row["created_at"], task_id),
            )
        return _task(changed) if changed is not None else None


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

    async def get(self, token: str, officer_id: int) -> dict[str, Any] | None:
        """The officer's preview under `token`, left in place (a correction before ✅ Nhập)."""
        row = await self.db.fetchone(
            "SELECT * FROM plan_previews WHERE token = ? AND officer_id = ?", (token, officer_id))
        return dict(row) if row is not None else None

    async def set_columns(self, token: str, columns: dict[str, str]) -> None:
        await self.db.execute("UPDATE plan_previews SET columns = ? WHERE token = ?",
                              (json.dumps(columns, sort_keys=True), token))

    async def purge(self, before: datetime) -> int:
        return await self.db.rowcount("DELETE FROM plan_previews WHERE created_at < ?", (before.isoformat(),))
