"""The shell's way to the database: settings, and the same services the bot uses (built by
`bot.services.container`, the one place they are wired), opened without the bot's lock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.cli.shell import EXIT_USAGE, CliError, storage_words, t
from bot.config import ConfigError, Settings, load_settings
from bot.core.clock import SystemClock
from bot.core.models import Commune
from bot.services.container import Services
from storage import Database, StorageError
from storage.lock import DatabaseLock

T = TypeVar("T")


def settings_for(db: Path | None = None) -> Settings:
    try:
        overrides: dict[str, Any] = {"db_path": db} if db is not None else {}
        return load_settings(**overrides)
    except ConfigError as exc:
        raise CliError(str(exc)) from None


def with_services(db: Path | None, work: Callable[[Services, Commune], Awaitable[T]],
                  commune: str | None = None, *, needs_commune: bool = True) -> T:
    """Open the database (migrating it), run `work(services, commune)` for the commune `--commune KEY`
    names, close. Without `--commune`: the only commune; where there are several, a command that
    `needs_commune` stops with a clear line and writes nothing."""
    settings = settings_for(db)

    async def go() -> T:
        services = Services(settings, SystemClock(settings.tz), settings.db_path, exclusive=False)
        try:
            await services.open()
        except StorageError as exc:
            raise CliError(storage_words(exc)) from None
        try:
            communes = await services.people.communes()
            known = ", ".join(c.key for c in communes if c.key) or "-"
            if commune is None and len(communes) > 1 and needs_commune:  # a province: say which one
                raise CliError(t("commune_needed", n=len(communes), known=known), EXIT_USAGE)
            chosen = await services.people.commune_by_key(commune) if commune else services.commune
            if chosen is None:
                raise CliError(t("commune_unknown", code=commune, known=known))
            return await work(services, chosen)
        finally:
            await services.close()

    return asyncio.run(go())


def not_in_use(db: Path) -> None:
    """A second bot (or console, or replay) on a database a bot is serving is refused: two schedulers would
    send every reminder twice."""
    if str(db) != ":memory:" and DatabaseLock(db).held_elsewhere():
        raise CliError(t("database_in_use", path=db))


def preflight(db: Path) -> None:
    """Open (and migrate) the database once, so that a problem is one clear line, not a traceback."""
    async def check() -> None:
        database = await Database.open(db)
        await database.close()

    try:
        asyncio.run(check())
    except StorageError as exc:
        raise CliError(storage_words(exc)) from None
