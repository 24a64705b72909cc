""""Yêu cầu giải trình": the chairman asks who is responsible for an overdue task why it is late; their answer
is kept on the task (its history) and shown in /nhiemvu, and the chairman is told. No Telegram here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.core.models import Officer, Task
from bot.core.permissions import Perm, allowed
from bot.core.text import fold
from bot.services.tasks import TaskService, belongs_to
from storage.repositories import Repositories

ASKED, ANSWER = "explain_asked", "explanation"

#: "giải trình 1.4: chờ huyện phê duyệt", "giai trinh: ...", "gt 1.4 ..." (folded text)
_ANSWER = re.compile(r"^\s*(?:giai trinh|gt)\b\s*(?P<code>\d{1,2}(?:\.\d{1,2}){0,3})?\s*[:\-–]?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Request:
    task: Task
    asked: list[Officer]  # who was asked


@dataclass(frozen=True)
class Answer:
    task: Task
    text: str
    askers: list[Officer]  # who asked, to be told


def answer_of(text: str) -> tuple[str | None, str] | None:
    """(task code or None, the explanation) when a message is an answer to a request, else None."""
    m = _ANSWER.match(fold(text))
    if m is None:
        return None
    body = text[m.end():].strip()
    return (m.group("code"), body) if body else None


class ExplanationService:
    def __init__(self, repos: Repositories, tasks: TaskService) -> None:
        self.repos = repos
        self.tasks = tasks

    async def ask(self, chairman: Officer, task_id: int, at: datetime) -> Request | None:
        """Record the request and say whom to ask: the task's owner, else its lead unit's reporters."""
        if not allowed(chairman.roles, Perm.ASSIGN) or not chairman.has_role("chairman", "vice_chairman"):
            return None
        task = await self.repos.tasks.by_id(task_id)
        if task is None or task.commune_id != chairman.commune_id:
            return None
        people = [o for o in await self.repos.officers.list(chairman.commune_id, active_only=True)
                  if o.id != chairman.id]
        owner = next((o for o in people if o.id == task.owner_id), None)
        asked = [owner] if owner is not None else [
            o for o in people if belongs_to(task, o) and allowed(o.roles, Perm.REPORT)
            and not o.has_role("chairman", "vice_chairman")]
        for o in asked:
            await self.repos.tasks.history(task, ASKED, str(o.id), None, chairman.id, at)
        return Request(task, asked)

    async def answer(self, officer: Officer, code: str | None, text: str, at: datetime) -> Answer | None:
        """Keep `text` as the officer's explanation of an open request (the one named by `code`, or their
        only open one). None when there is no such request."""
        open_ids = await self.repos.tasks.open_requests(officer.id)
        if not open_ids:
            return None
        task = None
        if code is not None:
            task = await self.tasks.by_code(officer.commune_id, code)
            if task is None or task.id not in open_ids:
                return None
        elif len(open_ids) == 1:
            task = await self.repos.tasks.by_id(open_ids[0])
        if task is None:
            return None
        await self.repos.tasks.history(task, ANSWER, None, text[:1000], officer.id, at)
        asker_ids = await self.repos.tasks.askers(task.id, officer.id)
        askers = [o for o in await self.repos.officers.list(officer.commune_id, active_only=True)
                  if o.id in asker_ids]
        return Answer(task, text[:1000], askers)

    async def open_codes(self, officer: Officer) -> list[str]:
        out = []
        for task_id in await self.repos.tasks.open_requests(officer.id):
            task = await self.repos.tasks.by_id(task_id)
            if task is not None:
                out.append(task.code)
        return out
