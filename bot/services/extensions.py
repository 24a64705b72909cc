"""Deadline extensions: "xin gia hạn nv 2.3 đến 30/12 vì chờ kinh phí" goes to the chairman with ✅ Đồng ý /
❌ Không; approval moves the due date (the task's history keeps the old one). No Telegram here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.dates import find_absolute_dates, nearest, safe_date
from bot.core.models import Officer, Task
from bot.core.text import fold
from bot.services.tasks import TaskService, may_report_on
from storage.repositories import Repositories

ASKED, APPROVED, DECLINED = "extension_asked", "extension_approved", "extension_declined"

_ASK = re.compile(r"^\s*(?:xin\s+)?(?:gia han|lui han|keo dai han)\b\s*(?:cho\s+)?(?:nv|nhiem vu)?\s*"
                  r"(?P<code>\d{1,2}(?:\.\d{1,2}){0,3})\b", re.IGNORECASE)


@dataclass(frozen=True)
class ExtensionRequest:
    code: str
    until: date | None
    reason: str


@dataclass(frozen=True)
class Asked:
    history_id: int
    task: Task
    until: date
    reason: str
    deciders: list[Officer]


@dataclass(frozen=True)
class Decided:
    task: Task
    until: date
    approved: bool
    asker: Officer | None


def request_of(text: str, today: date) -> ExtensionRequest | None:
    """An extension request in an officer's words, or None. The date is the first one written after the code."""
    folded = fold(text)
    m = _ASK.match(folded)
    if m is None:
        return None
    until = None
    for _start, _end, day, month, year in find_absolute_dates(folded[m.end():]):
        until = safe_date(year, month, day) if year else nearest(month, day, today, past=False)
        if until is not None:
            break
    reason = ""
    why = re.search(r"\b(?:vi|do|ly do)\b[:\s]*", folded[m.end():])
    if why is not None:
        reason = text[m.end() + why.end():].strip(" .,:;")[:300]
    return ExtensionRequest(m.group("code"), until, reason)


class ExtensionService:
    def __init__(self, repos: Repositories, tasks: TaskService) -> None:
        self.repos = repos
        self.tasks = tasks

    async def ask(self, officer: Officer, req: ExtensionRequest, at: datetime) -> Asked | str:
        """Record the request; the deciders are the commune's chairmen. A string is why it was refused
        (a locale key under [extension])."""
        task = await self.tasks.by_code(officer.commune_id, req.code)
        if task is None:
            return "unknown_code"
        if not may_report_on(task, officer):
            return "not_yours"
        if req.until is None:
            return "no_date"
        if req.until <= at.date() or (task.due_date is not None and req.until <= task.due_date):
            return "not_later"
        deciders = [o for o in await self.repos.officers.list(officer.commune_id, active_only=True)
                    if o.has_role("chairman") and o.id != officer.id]
        if not deciders:
            return "no_chairman"
        hid = await self.repos.tasks.history(task, ASKED, task.due_date.isoformat() if task.due_date else None,
                                             req.until.isoformat(), officer.id, at)
        return Asked(hid, task, req.until, req.reason, deciders)

    async def decide(self, chairman: Officer, history_id: int, approve: bool, at: datetime) -> Decided | str:
        row = await self.repos.tasks.history_row(history_id)
        if row is None or row["kind"] != ASKED or row["commune_id"] != chairman.commune_id:
            return "gone"
        if not chairman.has_role("chairman"):
            return "forbidden"
        task = await self.repos.tasks.by_id(int(row["task_id"]))
        if task is None:
            return "gone"
        done = [h for h in await self.repos.tasks.history_of(task.id, limit=50)
                if h.kind in (APPROVED, DECLINED) and h.old_value == str(history_id)]
        if done:
            return "already"
        until = date.fromisoformat(row["new_value"])
        if approve:
            await self.repos.tasks.set_due(task, until, chairman.id, at)
        await self.repos.tasks.history(task, APPROVED if approve else DECLINED, str(history_id), row["new_value"],
                                       chairman.id, at)
        asker = await self.repos.officers.by_id(int(row["officer_id"])) if row["officer_id"] else None
        return Decided(task, until, approve, asker)
