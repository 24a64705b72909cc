"""Backups of the commune's database on request (/saoluu) and at night (`jobs`): a consistent copy made
while the bot runs, in a worker thread so that nobody's chat waits for the disk."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from bot.core.models import Officer
from bot.services.people import Journal
from storage.backup import backup_to, prune


class BackupService:
    def __init__(self, db_path: Path, folder: Path, journal: Journal) -> None:
        self.db_path = db_path
        self.folder = folder
        self.journal = journal

    async def make(self, now: datetime, folder: Path | None = None) -> Path:
        return await asyncio.to_thread(backup_to, self.db_path, folder or self.folder, now)

    async def for_admin(self, admin: Officer, now: datetime) -> Path:
        """A fresh backup to send to an admin who asked for it (audited)."""
        path = await self.make(now)
        await self.journal.log("backup_sent", user_id=admin.telegram_id, at=now, officer=admin, detail=path.name)
        return path

    async def prune(self, keep: int, folder: Path | None = None) -> list[Path]:
        return await asyncio.to_thread(prune, folder or self.folder, keep)
