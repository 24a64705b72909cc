"""Services: what handlers and jobs may use, reached through the typed context (`context.services`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.core.clock import Clock
from bot.core.models import Commune, Officer
from bot.core.workdays import WorkCalendar
from bot.i18n import Translator, translator
from bot.reports import ReportService
from bot.summaries import SummaryService
from bot.tasks import TaskService
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
    _tasks: TaskService | None = None
    _reports: ReportService | None = None
    requests: dict[int, RequestState] = field(default_factory=dict)
    #: how the bot waits before retrying a send (replay and tests do not wait real seconds)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def open(self) -> None:
        if self._db is None:
            self._db = await Database.open(self.db_path)
            self._repos = Repositories(self._db)
            self._commune = await self._repos.communes.get_or_create(self.settings.commune_name)
            self._tasks = TaskService(self._repos, self.calendar)
            self._reports = ReportService(self._repos, self._tasks)

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

    @property
    def calendar(self) -> WorkCalendar:
        return self.settings.calendar()

    @property
    def summaries(self) -> SummaryService:
        return SummaryService(self.repos, self.tasks.calendar)

    @property
    def tasks(self) -> TaskService:
        if self._tasks is None:
            raise RuntimeError("services are not open")
        return self._tasks

    @property
    def reports(self) -> ReportService:
        if self._reports is None:
            raise RuntimeError("services are not open")
        return self._reports

    def t(self, officer: Officer | None = None) -> Translator:
        return translator(officer.locale if officer else self.settings.locale)
