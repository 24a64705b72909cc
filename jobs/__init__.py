"""Scheduled work. Every job is scheduled at an absolute time taken from the injectable clock, with
a stable name, so that replay's `advance_to` fires exactly what production would, when it would."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from telegram.ext import Application, Job

JobCallback = Callable[[Any], Coroutine[Any, Any, None]]


def schedule_at(
    app: Application, callback: JobCallback, when: datetime, name: str, data: object = None
) -> Job[Any]:
    """Schedule `callback` once at `when` (aware), replacing any job of the same name: the name is the
    APScheduler job id, so the scheduler itself keeps one job per name."""
    if when.tzinfo is None:
        raise ValueError("schedule_at needs an aware datetime")
    jq = app.job_queue
    assert jq is not None, "install python-telegram-bot[job-queue]"
    return jq.run_once(callback, when=when, name=name, data=data,
                       job_kwargs={"id": name, "replace_existing": True})


def cancel(app: Application, name: str) -> None:
    """Remove the job scheduled under `name`, if any."""
    jq = app.job_queue
    if jq is None:
        return
    with contextlib.suppress(JobLookupError):  # none, or it ran already
        jq.scheduler.remove_job(name)
