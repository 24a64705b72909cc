"""The inbox (the durable queue of incoming updates) and the audit log."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import MARK_HANDLED_SQL, Database


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
