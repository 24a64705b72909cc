"""Services: what handlers and jobs may use, reached through the typed context (`context.services`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.core.clock import Clock
from bot.core.models import Commune, Officer
from bot.i18n import Translator, translator
from storage.db import Database
from storage.repositories import Repositories


@dataclass
class RequestState:
    """What the pipeline learned about one incoming update."""

    inbox_id: int | None = None
    officer: Officer | None = None


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db_path: Path
    _db: Database | None = None
    _repos: Repositories | None = None
    _commune: Commune | None = None
    requests: dict[int, RequestState] = field(default_factory=dict)

    async def open(self) -> None:
        if self._db is None:
            self._db = await Database.open(self.db_path)
            self._repos = Repositories(self._db)
            self._commune = await self._repos.communes.get_or_create(self.settings.commune_name)

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None
            self._repos = None

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("services are not open")
        return self._db

    @property
    def repos(self) -> Repositories:
        if self._repos is None:
            raise RuntimeError("services are not open")
        return self._repos

    @property
    def commune(self) -> Commune:
        if self._commune is None:
            raise RuntimeError("services are not open")
        return self._commune

    def t(self, officer: Officer | None = None) -> Translator:
        return translator(officer.locale if officer else self.settings.locale)
