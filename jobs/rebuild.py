"""The job queue rebuilt from the database at start: nothing scheduled lives only in memory."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application

from handlers.context import CCHCApplication
from jobs import schedule_at
from jobs.backup import schedule_backup
from jobs.readbacks import expire_readback
from jobs.schedule import rebuild


async def rebuild_jobs(app: Application) -> None:
    """Rebuild the JobQueue from what the database says is due: read-backs waiting for confirmation
    become drafts at their time (at once when that passed while the bot was down), and every reminder
    rule gets its next occurrence (jobs/schedule.py)."""
    assert isinstance(app, CCHCApplication)
    services = app.services
    now = services.clock.now()
    minutes = timedelta(minutes=services.settings.readback_minutes)
    for pending in await services.readbacks.all_open():
        schedule_at(app, expire_readback, max(now, pending.created_at + minutes), f"readback:{pending.id}",
                    pending.id)
    await rebuild(app)
    await schedule_backup(app)
