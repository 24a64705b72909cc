"""Services: what handlers and jobs may use, reached through the typed context (`context.services`)."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.core.clock import Clock
from bot.core.models import Commune, Officer
from bot.core.workdays import WorkCalendar
from bot.i18n import Translator, translator
from bot.services.explanations import ExplanationService
from bot.services.extensions import ExtensionService
from bot.services.readbacks import ReportService
from bot.services.summaries import SummaryService
from bot.services.tasks import TaskService
from storage.db import Database, StorageError
from storage.lock import DatabaseInUse, DatabaseLock
from storage.repositories import Repositories


@dataclass
class RequestState:
    """What the pipeline learned about one incoming update."""

    inbox_id: int | None = None
    officer: Officer | None = None


class Throttle:
    """Per-user flood control: more than `limit` updates in `window` seconds blocks that user (alone)
    for `window` seconds; they are told once."""

    def __init__(self, limit: int = 20, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[int, deque[float]] = {}
        self._blocked: dict[int, float] = {}

    def until(self, user_id: int) -> float:
        """When the pause of `user_id` ends (a timestamp; 0 when not paused)."""
        return self._blocked.get(user_id, 0.0)

    def check(self, user_id: int, now: float) -> str:
        """'ok', 'block' (first refused update: tell them), or 'blocked' (ignore quietly)."""
        until = self._blocked.get(user_id)
        if until is not None:
            if now < until:
                return "blocked"
            del self._blocked[user_id]
        seen = self._seen.setdefault(user_id, deque())
        while seen and now - seen[0] > self.window:
            seen.popleft()
        seen.append(now)
        if len(seen) > self.limit:
            self._blocked[user_id] = now + self.window
            seen.clear()
            return "block"
        return "ok"


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
    _calendar: WorkCalendar | None = None
    #: how the bot waits before retrying a send (replay and tests do not wait real seconds)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    throttle: Throttle = field(default_factory=Throttle)
    _lock: DatabaseLock | None = None

    async def open(self) -> None:
        self.throttle.limit = self.settings.flood_limit
        if self._db is None:
            if str(self.db_path) != ":memory:" and self._lock is None:
                lock = DatabaseLock(self.db_path)
                try:
                    lock.acquire()
                except DatabaseInUse:
                    raise StorageError(translator(self.settings.locale)("cli.database_in_use",
                                                                        path=self.db_path)) from None
                self._lock = lock
            self._db = await Database.open(self.db_path)
            self._repos = Repositories(self._db)
            self._commune = await self._repos.communes.get_or_create(self.settings.commune_name)
            self._tasks = TaskService(self._repos, self.calendar)
            self._reports = ReportService(self._repos, self._tasks, self.settings.report_calendar)

    async def close(self) -> None:
        if self._db is not None:
            if self._repos is not None:
                await self._repos.inbox.flush()
            await self._db.close()
            self._db = None
            self._repos = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

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
        if self._calendar is None:
            self._calendar = self.settings.calendar()
        return self._calendar

    @property
    def summaries(self) -> SummaryService:
        return SummaryService(self.repos, self.tasks.calendar)

    @property
    def tasks(self) -> TaskService:
        if self._tasks is None:
            raise RuntimeError("services are not open")
        return self._tasks

    @property
    def explanations(self) -> ExplanationService:
        return ExplanationService(self.repos, self.tasks)

    @property
    def extensions(self) -> ExtensionService:
        return ExtensionService(self.repos, self.tasks)

    @property
    def reports(self) -> ReportService:
        if self._reports is None:
            raise RuntimeError("services are not open")
        return self._reports

    def t(self, officer: Officer | None = None) -> Translator:
        return translator(officer.locale if officer else self.settings.locale)
