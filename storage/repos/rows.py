"""Row decoders shared by the repositories, and their one error."""

from __future__ import annotations

import json
from datetime import date

import aiosqlite

from bot.core.models import Officer, Task
from storage.db import StorageError


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
        menu_key=row["menu_key"],
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
        lead_text=row["lead_text"] if "lead_text" in row.keys() else None,  # noqa: SIM118 (Row: `in` tests values)
    )
