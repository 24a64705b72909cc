"""Reminder rules and the sent-ledger."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from storage.db import Database


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
