"""Scheduled work. Every job is scheduled at an absolute time taken from the injectable clock, with
a stable name, so that replay's `advance_to` fires exactly what production would, when it would."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from telegram.ext import Application, Job

JobCallback = Callable[[Any], Coroutine[Any, Any, None]]


def schedule_at(
    app: Application, callback: JobCallback, when: datetime, name: str, data: object = None
) -> Job[Any]:
    """Schedule `callback` once at `when` (aware), replacing any job of the same name."""
    if when.tzinfo is None:
        raise ValueError("schedule_at needs an aware datetime")
    jq = app.job_queue
    assert jq is not None, "install python-telegram-bot[job-queue]"
    index: dict[str, Job[Any]] = _INDEX.setdefault(jq.scheduler, {})
    old = index.pop(name, None)
    if old is not None and not old.removed:
        with contextlib.suppress(Exception):  # it ran already and was removed by the scheduler
            old.schedule_removal()
    job = jq.run_once(callback, when=when, name=name, data=data)
    index[name] = job
    if len(index) > 2000:  # forget jobs that have run
        for key in [k for k, j in index.items() if j.removed or j.next_t is None]:
            del index[key]
    return job


def cancel(app: Application, name: str) -> None:
    """Remove the job scheduled under `name`, if any."""
    jq = app.job_queue
    if jq is None:
        return
    job = _INDEX.get(jq.scheduler, {}).pop(name, None)
    if job is not None and not job.removed:
        with contextlib.suppress(Exception):
            job.schedule_removal()


#: a job queue's scheduler -> name -> its latest job (weak: forgotten with its application)
_INDEX: weakref.WeakKeyDictionary[Any, dict[str, Job[Any]]] = weakref.WeakKeyDictionary()
