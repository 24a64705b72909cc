"""Progress and dossier reports, read-backs waiting for confirmation, guided forms."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.core.models import TaskReport
from bot.core.parse import COUNT_KEYS
from bot.core.readback import Readback, ReadbackRecord, State
from storage.db import CURRENT_UPDATE, Database, Tx


@dataclass(frozen=True)
class NewerReport:
    """A saved report on a task newer than a read-back someone is about to save."""

    percent: int | None
    status: str | None
    created_at: str
    officer_name: str


DOSSIER_KEYS = COUNT_KEYS  # one column each in dossier_reports


class ReportRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_progress(self, **fields: Any) -> int:
        return await self.db.unit(lambda tx: self.add_progress_in(tx, **fields))

    @staticmethod
    def add_progress_in(
        tx: Tx, *, commune_id: int, task_id: int, officer_id: int, pending_id: int | None, inbox_id: int | None,
        percent: int | None, status: str | None, when: date | None, note: str | None, at: datetime,
        support: bool = False,
    ) -> int:
        return tx.run(
            "INSERT INTO progress_reports (commune_id, task_id, officer_id, pending_id, inbox_id, percent, status,"
            " date, note, created_at, support) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (commune_id, task_id, officer_id, pending_id, inbox_id, percent, status,
             when.isoformat() if when else None, note, at.isoformat(), int(support)),
        )

    async def add_dossier(self, **fields: Any) -> int:
        return await self.db.unit(lambda tx: self.add_dossier_in(tx, **fields))

    @staticmethod
    def add_dossier_in(
        tx: Tx, *, commune_id: int, officer_id: int, unit_key: str | None, pending_id: int | None,
        inbox_id: int | None, start: date, end: date, counts: dict[str, int], at: datetime,
        note: str | None = None,
    ) -> int:
        keys = [k for k in DOSSIER_KEYS if k in counts]
        cols = ", ".join(keys)
        marks = ", ".join("?" for _ in keys)
        return tx.run(
            "INSERT INTO dossier_reports (commune_id, officer_id, unit_key, pending_id, inbox_id, period_start,"
            f" period_end, created_at, note{', ' + cols if keys else ''}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?"
            f"{', ' + marks if keys else ''})",
            (commune_id, officer_id, unit_key, pending_id, inbox_id, start.isoformat(), end.isoformat(),
             at.isoformat(), note, *[counts[k] for k in keys]),
        )

    async def duplicate_progress(self, *args: Any) -> bool:
        return await self.db.read(lambda tx: self.duplicate_progress_in(tx, *args))

    @staticmethod
    def duplicate_progress_in(
        tx: Tx, officer_id: int, task_id: int, percent: int | None, status: str | None, when: date | None,
        since: datetime,
    ) -> bool:
        row = tx.one(
            "SELECT 1 FROM progress_reports WHERE officer_id = ? AND task_id = ? AND undone = 0"
            " AND percent IS ? AND status IS ? AND date IS ? AND created_at >= ? LIMIT 1",
            (officer_id, task_id, percent, status, when.isoformat() if when else None, since.isoformat()),
        )
        return row is not None

    async def newer_progress(self, task_id: int, after: datetime, *,
                             excluding: int | None = None) -> NewerReport | None:
        return await self.db.read(lambda tx: self.newer_progress_in(tx, task_id, after, excluding=excluding))

    @staticmethod
    def newer_progress_in(tx: Tx, task_id: int, after: datetime, *,
                          excluding: int | None = None) -> NewerReport | None:
        """The latest saved (not undone) report on a task made after `after` (ISO time), with its author; the
        rows saved from read-back `excluding` (the one being edited) do not count."""
        row = tx.one(
            "SELECT p.percent, p.status, p.created_at, o.name FROM progress_reports p JOIN officers o"
            " ON o.id = p.officer_id WHERE p.task_id = ? AND p.undone = 0 AND p.support = 0 AND p.created_at > ?"
            " AND (p.pending_id IS NULL OR p.pending_id <> ?)"
            " ORDER BY p.created_at DESC LIMIT 1",
            (task_id, after.isoformat(), excluding if excluding is not None else -1))
        if row is None:
            return None
        return NewerReport(row["percent"], row["status"], row["created_at"], row["name"])

    async def duplicate_dossier(self, *args: Any) -> bool:
        return await self.db.read(lambda tx: self.duplicate_dossier_in(tx, *args))

    @staticmethod
    def duplicate_dossier_in(tx: Tx, officer_id: int, start: date, end: date, counts: dict[str, int]) -> bool:
        rows = tx.all(
            "SELECT * FROM dossier_reports WHERE officer_id = ? AND period_start = ? AND period_end = ?"
            " AND undone = 0",
            (officer_id, start.isoformat(), end.isoformat()),
        )
        return any({k: r[k] for k in DOSSIER_KEYS if r[k] is not None} == counts for r in rows)

    async def progress_of_task(self, task_id: int, limit: int = 5) -> list[TaskReport]:
        rows = await self.db.fetchall(
            "SELECT p.percent, p.status, p.note, p.support, p.created_at, o.name AS officer_name"
            " FROM progress_reports p JOIN officers o ON o.id = p.officer_id"
            " WHERE p.task_id = ? AND p.undone = 0 ORDER BY p.created_at DESC, p.id DESC LIMIT ?",
            (task_id, limit),
        )
        return [TaskReport(r["officer_name"], datetime.fromisoformat(r["created_at"]), r["percent"], r["status"],
                           r["note"], bool(r["support"])) for r in rows]

    async def undo_pending(self, pending_id: int) -> list[int]:
        """Mark every report of a read-back as undone; returns the task ids touched."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT task_id FROM progress_reports WHERE pending_id = ? AND undone = 0", (pending_id,)
        )
        await self.db.execute("UPDATE progress_reports SET undone = 1 WHERE pending_id = ?", (pending_id,))
        await self.db.execute("UPDATE dossier_reports SET undone = 1 WHERE pending_id = ?", (pending_id,))
        return [r["task_id"] for r in rows]

    async def dossier_since(self, officer_id: int, day: date) -> bool:
        """Whether the officer has saved dossier figures since `day` (counting ones still in force)."""
        row = await self.db.fetchone(
            "SELECT 1 FROM dossier_reports WHERE officer_id = ? AND undone = 0 AND created_at >= ? LIMIT 1",
            (officer_id, day.isoformat()),
        )
        return row is not None

    async def last_report_at(self, officer_id: int) -> str | None:
        row = await self.db.fetchone(
            "SELECT MAX(at) AS at FROM (SELECT MAX(created_at) AS at FROM progress_reports WHERE officer_id = ?"
            " AND undone = 0 UNION ALL SELECT MAX(created_at) FROM dossier_reports WHERE officer_id = ?"
            " AND undone = 0)",
            (officer_id, officer_id),
        )
        return row["at"] if row else None

    async def same_period_dossier(self, *args: Any) -> dict[str, int] | None:
        return await self.db.read(lambda tx: self.same_period_dossier_in(tx, *args))

    @staticmethod
    def same_period_dossier_in(tx: Tx, commune_id: int, unit_key: str | None, start: date,
                               end: date) -> dict[str, int] | None:
        """The figures a unit already saved for exactly this period (the latest), or None."""
        row = tx.one(
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
            " AND support = 0 AND substr(created_at, 1, 10) <= ? ORDER BY task_id, created_at, id",
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
            f" WHERE undone = 0 AND support = 0 AND status = 'done' AND task_id IN ({marks}) ORDER BY created_at, id",
            tuple(task_ids),
        )
        return {r["task_id"]: date.fromisoformat(r["d"]) for r in rows}

    async def count_progress(self, commune_id: int) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS n FROM progress_reports WHERE commune_id = ? AND undone = 0", (commune_id,)
        )
        return int(row["n"]) if row else 0


class ReadbackRepo:
    """Read-backs waiting for ✅ Lưu, and drafts (read-backs nobody confirmed in time).

    A new read-back replaces the officer's read-back waiting for a correction after ✏️ Sửa (state
    'editing' → 'replaced'): the database does that on insert (migration 0005)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self, *, commune_id: int, officer_id: int, chat_id: int, source_message_id: int | None,
        inbox_id: int | None, payload: Readback, at: datetime, source_chat_id: int | None = None,
    ) -> ReadbackRecord:
        """Insert a read-back and return it as `get` would (one round trip). One incoming update makes one
        read-back: handled again after a crash, it gets the read-back it made the first time."""
        row = await self.db.fetchone(
            "INSERT INTO pending_reports (commune_id, officer_id, chat_id, source_message_id, inbox_id, payload,"
            " state, created_at, source_chat_id) SELECT ?, ?, ?, ?, ?, ?, 'pending', ?, ?"
            " WHERE ? IS NULL OR NOT EXISTS (SELECT 1 FROM pending_reports WHERE inbox_id = ?) RETURNING *",
            (commune_id, officer_id, chat_id, source_message_id, inbox_id, payload.to_json(),
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
    def _decoded(row: aiosqlite.Row) -> ReadbackRecord:
        return ReadbackRecord(
            id=int(row["id"]), commune_id=int(row["commune_id"]), officer_id=int(row["officer_id"]),
            chat_id=int(row["chat_id"]), state=row["state"], created_at=datetime.fromisoformat(row["created_at"]),
            payload=Readback.from_json(row["payload"]), inbox_id=row["inbox_id"],
            source_message_id=row["source_message_id"], source_chat_id=row["source_chat_id"],
            bot_message_id=row["bot_message_id"],
        )

    async def get(self, pending_id: int) -> ReadbackRecord | None:
        return await self.db.read(lambda tx: self.get_in(tx, pending_id))

    @classmethod
    def get_in(cls, tx: Tx, pending_id: int) -> ReadbackRecord | None:
        row = tx.one("SELECT * FROM pending_reports WHERE id = ?", (pending_id,))
        return cls._decoded(row) if row is not None else None

    async def by_source(self, chat_id: int, source_message_id: int) -> ReadbackRecord | None:
        """The latest read-back of the message `source_message_id` written in chat `chat_id` (a group's report
        is found by the group's id, not by the private chat its read-back went to)."""
        row = await self.db.fetchone(
            "SELECT id FROM pending_reports WHERE source_chat_id = ? AND source_message_id = ?"
            " UNION ALL SELECT id FROM pending_reports WHERE source_chat_id IS NULL AND chat_id = ?"
            " AND source_message_id = ? ORDER BY id DESC LIMIT 1",
            (chat_id, source_message_id, chat_id, source_message_id),
        )
        return await self.get(int(row["id"])) if row else None

    async def update(self, pending_id: int, **fields: Any) -> None:
        await self.db.unit(lambda tx: self.update_in(tx, pending_id, **fields))

    @staticmethod
    def update_in(
        tx: Tx, pending_id: int, *, state: State | None = None, payload: Readback | None = None,
        bot_message_id: int | None = None, chat_id: int | None = None,
    ) -> None:
        sets: list[str] = []
        params: list[Any] = []
        if state is not None:
            sets.append("state = ?")
            params.append(state)
        if payload is not None:
            sets.append("payload = ?")
            params.append(payload.to_json())
        if bot_message_id is not None:
            sets += ["bot_message_id = ?", "chat_id = COALESCE(?, chat_id)"]
            params += [bot_message_id, chat_id]
        if sets:
            tx.run(f"UPDATE pending_reports SET {', '.join(sets)} WHERE id = ?", (*params, pending_id))

    def shown_later(self, pending_id: int, chat_id: int, message_id: int) -> None:
        """Where the read-back was shown: bookkeeping, written with the next trip to the database (a crash
        before it only means the read-back's message is not edited into a draft later; its buttons work)."""
        self.db.later("UPDATE pending_reports SET bot_message_id = ?, chat_id = COALESCE(?, chat_id) WHERE id = ?",
                      (message_id, chat_id, pending_id))

    async def transition(self, pending_id: int, from_state: State, to_state: State) -> ReadbackRecord | None:
        """Move a read-back from one state to another if it is still in the first; returns it (in its
        new state), or None when it was not."""
        row = await self.db.fetchone(
            "UPDATE pending_reports SET state = ? WHERE id = ? AND state = ? RETURNING *",
            (to_state, pending_id, from_state),
        )
        return self._decoded(row) if row is not None else None

    async def all_open(self) -> list[ReadbackRecord]:
        rows = await self.db.fetchall("SELECT id FROM pending_reports WHERE state = 'pending' ORDER BY id")
        return [p for r in rows if (p := await self.get(int(r["id"]))) is not None]

    async def has_later(self, officer_id: int, pending_id: int) -> bool:
        """Whether the officer has made a read-back after this one."""
        row = await self.db.fetchone("SELECT 1 FROM pending_reports WHERE officer_id = ? AND id > ? LIMIT 1",
                                     (officer_id, pending_id))
        return row is not None

    async def last_saved(self, officer_id: int) -> ReadbackRecord | None:
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
