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
from bot.services.backups import BackupService
from bot.services.explanations import ExplanationService
from bot.services.extensions import ExtensionService
from bot.services.forms import FormService
from bot.services.inbox import InboxService
from bot.services.people import Journal, PeopleService
from bot.services.plans import PlanService
from bot.services.province import ProvinceService
from bot.services.readbacks import ReadbackService
from bot.services.rules import RuleService
from bot.services.summaries import SummaryService
from bot.services.tasks import TaskService
from storage.db import Database, StorageError
from storage.lock import DatabaseInUse, DatabaseLock
from storage.repositories import Repositories


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
    """Every use case, built once over one database when the bot opens (`open`); handlers and jobs reach
    them through the typed context (`context.services.readbacks`, `.people`, …), never the repositories."""

    settings: Settings
    clock: Clock
    db_path: Path
    #: how the bot waits before retrying a send (replay and tests do not wait real seconds)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    throttle: Throttle = field(default_factory=Throttle)
    _db: Database | None = None
    _repos: Repositories | None = None
    _commune: Commune | None = None
    _calendar: WorkCalendar | None = None
    _lock: DatabaseLock | None = None
    _built: _Built | None = None
    #: the bot holds the database's lock (one bot per database); the shell's commands do not
    exclusive: bool = True

    async def open(self) -> None:
        self.throttle.limit = self.settings.flood_limit
        if self._db is None:
            if self.exclusive and str(self.db_path) != ":memory:" and self._lock is None:
                lock = DatabaseLock(self.db_path)
                try:
                    lock.acquire()
                except DatabaseInUse:
                    raise StorageError(translator(self.settings.locale)("cli.database_in_use",
                                                                        path=self.db_path)) from None
                self._lock = lock
            self._db = await Database.open(self.db_path)
            self._repos = Repositories(self._db)
            self._commune = await self._repos.communes.default(self.settings.commune_name)
            self._built = _Built.over(self._repos, self.calendar, self.settings)

    async def close(self) -> None:
        if self._db is not None:
            if self._repos is not None:
                await self._repos.inbox.flush()
            await self._db.close()
            self._db = None
            self._repos = None
            self._built = None
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
        """For jobs and the shell (the ledger, backups); handlers use the services below."""
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
    def _all(self) -> _Built:
        if self._built is None:
            raise RuntimeError("services are not open")
        return self._built

    @property
    def tasks(self) -> TaskService:
        return self._all.tasks

    @property
    def readbacks(self) -> ReadbackService:
        return self._all.readbacks

    @property
    def summaries(self) -> SummaryService:
        return self._all.summaries

    @property
    def explanations(self) -> ExplanationService:
        return self._all.explanations

    @property
    def extensions(self) -> ExtensionService:
        return self._all.extensions

    @property
    def people(self) -> PeopleService:
        return self._all.people

    @property
    def journal(self) -> Journal:
        return self._all.people.journal

    @property
    def plans(self) -> PlanService:
        return self._all.plans

    @property
    def rules(self) -> RuleService:
        return self._all.rules

    @property
    def forms(self) -> FormService:
        return self._all.forms

    @property
    def inbox(self) -> InboxService:
        return self._all.inbox

    @property
    def province(self) -> ProvinceService:
        return ProvinceService(self.summaries)

    @property
    def backups(self) -> BackupService:
        return BackupService(self.db_path, self.settings.backups, self.journal)

    def t(self, officer: Officer | None = None) -> Translator:
        return translator(officer.locale if officer else self.settings.locale)


@dataclass(frozen=True)
class _Built:
    tasks: TaskService
    readbacks: ReadbackService
    summaries: SummaryService
    explanations: ExplanationService
    extensions: ExtensionService
    people: PeopleService
    plans: PlanService
    rules: RuleService
    forms: FormService
    inbox: InboxService

    @classmethod
    def over(cls, repos: Repositories, calendar: WorkCalendar, settings: Settings) -> _Built:
        tasks = TaskService(repos, calendar)
        return cls(tasks=tasks, readbacks=ReadbackService(repos, tasks, settings.report_calendar),
                   summaries=SummaryService(repos, calendar, settings.report_calendar),
                   explanations=ExplanationService(repos, tasks), extensions=ExtensionService(repos, tasks),
                   people=PeopleService(repos), plans=PlanService(repos), rules=RuleService(repos),
                   forms=FormService(repos), inbox=InboxService(repos))
