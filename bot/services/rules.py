"""A commune's reminder rules and quiet hours as stored (what /caidat changes; `jobs` schedules them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.repositories import Repositories


class RuleService:
    def __init__(self, repos: Repositories) -> None:
        self.repos = repos

    async def all(self, commune_id: int) -> dict[str, tuple[dict[str, Any], bool]]:
        """Each rule kind: (its spec, whether it is on)."""
        return await self.repos.rules.all(commune_id)

    async def ensure(self, commune_id: int, defaults: dict[str, dict[str, Any]], since: datetime) -> None:
        """A commune starts with the deployment's defaults; what its admins set is kept."""
        await self.repos.rules.ensure(commune_id, defaults, since)

    async def put(self, commune_id: int, kind: str, spec: dict[str, Any], enabled: bool = True) -> None:
        await self.repos.rules.put(commune_id, kind, spec, enabled)
