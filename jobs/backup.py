"""The nightly backup, at `CCHC_BACKUP_AT`, keeping the newest `CCHC_BACKUP_KEEP`."""


from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot.core.schedule import (
    slot_after,
)
from jobs import schedule_at
from jobs.schedule import to_rule

log = logging.getLogger(__name__)


async def schedule_backup(app: Application) -> None:
    services = app.services  # type: ignore[attr-defined]
    rule = to_rule("backup", {"when": services.settings.backup_at}, True)
    slot = slot_after(rule, services.clock.now())
    schedule_at(app, nightly_backup, slot, "backup:nightly", slot.isoformat())


async def nightly_backup(context: Any) -> None:
    app = context.application
    services = app.services
    try:
        path = await services.backups.make(services.clock.now())
        removed = await services.backups.prune(services.settings.backup_keep)
        log.info("nightly backup %s (%d old ones removed)", path, len(removed))
    except Exception:
        log.exception("nightly backup failed")
    finally:
        await schedule_backup(app)
