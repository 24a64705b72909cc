"""Where each officer is in the /baocao form (kept in the database, so a restart loses no step)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.models import Officer
from storage.repositories import Repositories


class FormService:
    def __init__(self, repos: Repositories) -> None:
        self.repos = repos

    async def begin(self, officer: Officer, now: datetime) -> None:
        await self.repos.forms.put(officer.id, {"step": "pick"}, now)

    async def current(self, officer: Officer, since: datetime) -> dict[str, Any] | None:
        """The officer's form, if touched at or after `since` (an older one is forgotten)."""
        return await self.repos.forms.get(officer.id, since=since)

    async def keep(self, officer: Officer, form: dict[str, Any], now: datetime) -> None:
        await self.repos.forms.put(officer.id, form, now)

    async def drop(self, officer: Officer) -> None:
        await self.repos.forms.drop(officer.id)
