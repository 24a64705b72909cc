"""Task service: whose tasks are whose, where they stand in working days, and finding the task a report
speaks of (by code, or fuzzily by words, the sender's own tasks first)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from rapidfuzz import fuzz

from bot.core.domain import ALL_UNITS
from bot.core.models import HistoryEntry, Officer, Task, TaskReport
from bot.core.text import fold
from bot.core.workdays import WorkCalendar
from storage.repositories import Repositories

OPEN = ("not_started", "in_progress", "blocked")


@dataclass(frozen=True)
class TaskView:
    task: Task
    overdue: bool
    workdays_left: int | None  # negative when overdue


@dataclass(frozen=True)
class TaskDetail:
    history: list[HistoryEntry]
    reports: list[TaskReport]
    owner: Officer | None


@dataclass(frozen=True)
class Resolution:
    task: Task | None
    candidates: tuple[Task, ...] = ()
    problem: str | None = None  # unknown_code, no_match, ambiguous, no_plan


def belongs_to(task: Task, officer: Officer) -> bool:
    """Owner first; otherwise the lead unit; tasks of all units are followed up by the office."""
    if task.owner_id is not None:
        return task.owner_id == officer.id
    if officer.unit_key and officer.unit_key in task.lead_units:
        return True
    return ALL_UNITS in task.lead_units and officer.has_role("office")


def supports_only(task: Task, officer: Officer) -> bool:
    """The officer's unit supports the task (phối hợp) but does not lead it: their report is support."""
    if belongs_to(task, officer) or ALL_UNITS in task.lead_units or officer.has_role("office", "chairman",
                                                                                      "vice_chairman"):
        return False
    return officer.unit_key is not None and officer.unit_key in task.support_units


def may_report_on(task: Task, officer: Officer) -> bool:
    return belongs_to(task, officer) or ALL_UNITS in task.lead_units or (
        officer.unit_key is not None and officer.unit_key in task.support_units
    ) or officer.has_role("office", "chairman", "vice_chairman")


class TaskService:
    def __init__(self, repos: Repositories, calendar: WorkCalendar) -> None:
        self.repos = repos
        self.calendar = calendar

    def view(self, task: Task, today: date) -> TaskView:
        if task.due_date is None:
            return TaskView(task, False, None)
        left = self.calendar.workdays_between(today, task.due_date)
        overdue = task.status != "done" and task.due_date < today
        return TaskView(task, overdue, left)

    async def all(self, commune_id: int) -> list[Task]:
        return await self.repos.plans.tasks(commune_id)

    async def own_open(self, officer: Officer) -> list[Task]:
        tasks = await self.all(officer.commune_id)
        return [t for t in tasks if t.status in OPEN and belongs_to(t, officer)]

    async def by_code(self, commune_id: int, code: str) -> Task | None:
        return await self.repos.plans.task_by_code(commune_id, code)

    async def by_id(self, task_id: int) -> Task | None:
        return await self.repos.tasks.by_id(task_id)

    async def detail(self, task: Task) -> TaskDetail:
        """What /nhiemvu 2.3 shows beside the task: its history, latest reports, owner."""
        owner = await self.repos.officers.by_id(task.owner_id) if task.owner_id else None
        return TaskDetail(await self.repos.tasks.history_of(task.id),
                          await self.repos.reports.progress_of_task(task.id), owner)

    async def owner_unit(self, task: Task) -> str | None:
        owner = await self.repos.officers.by_id(task.owner_id) if task.owner_id else None
        return owner.unit_key if owner else None

    async def assign(self, task: Task, owner: Officer, by: Officer, at: datetime) -> None:
        """/giao 2.3 <person>: the task is theirs (the history keeps who had it)."""
        await self.repos.tasks.set_owner(task, owner.id, by.id, at)

    async def assign_to_unit(self, task: Task, unit: str, by: Officer, at: datetime) -> None:
        """/giao 2.3 <unit>: the unit leads it, nobody in particular owns it."""
        async with self.repos.db.transaction():
            await self.repos.tasks.set_owner(task, None, by.id, at)
            await self.repos.tasks.set_lead_units(task, [unit], by.id, at)

    async def set_due(self, task: Task, due: date, by: Officer, at: datetime) -> None:
        await self.repos.tasks.set_due(task, due, by.id, at)

    async def add_evidence(self, task: Task, file_id: str, caption: str, by: Officer, at: datetime) -> None:
        """A file or photo sent as the task's product (sản phẩm), kept in its history."""
        await self.repos.tasks.history(task, "evidence", file_id, caption, by.id, at)

    async def resolve(self, officer: Officer, ref: str | None, hint: str | None) -> Resolution:
        tasks = await self.all(officer.commune_id)
        if not tasks:
            return Resolution(None, problem="no_plan")
        if ref:
            for t in tasks:
                if t.code == ref:
                    return Resolution(t)
            return Resolution(None, problem="unknown_code")
        own = [t for t in tasks if belongs_to(t, officer)]
        if not hint:
            open_own = [t for t in own if t.status in OPEN]
            if len(open_own) == 1:
                return Resolution(open_own[0])
            return Resolution(None, tuple(open_own[:8]), problem="ambiguous" if open_own else "no_match")
        found = fuzzy_tasks(hint, tasks, prefer={t.id for t in own})
        if len(found) == 1:
            return Resolution(found[0])
        if found:
            return Resolution(None, tuple(found[:5]), problem="ambiguous")
        open_own = [t for t in own if t.status in OPEN]
        if open_own:  # nothing fits the words: let the sender pick among their own tasks
            return Resolution(None, tuple(open_own[:8]), problem="ambiguous")
        return Resolution(None, problem="no_match")


_ABBREVIATIONS = {
    "cchc": "cai cach hanh chinh", "tthc": "thu tuc hanh chinh", "qppl": "quy pham phap luat",
    "pakn": "phan anh kien nghi", "bcci": "buu chinh cong ich", "dvc": "dich vu cong", "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan", "cbcc": "can bo cong chuc", "nsnn": "ngan sach nha nuoc", "ktxh": "kinh te xa hoi",
}
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({"cac", "va", "cua", "cho", "voi", "nhiem", "viec", "trong", "dat", "xong", "dang", "lam"})


@lru_cache(maxsize=8192)
def _normal(text: str) -> str:
    """Folded words with abbreviations spelled out; cached, so a plan's titles are folded once."""
    return " ".join(_ABBREVIATIONS.get(w, w) for w in _WORD.findall(fold(text)))


HINT_CHARS = 160  # a task is named in a few words; a pasted essay is not compared with every title


def fuzzy_tasks(hint: str, tasks: list[Task], prefer: set[int] | frozenset[int] = frozenset()) -> list[Task]:
    """Tasks whose title contains something close to the words; one when it clearly fits best.

    Scored with rapidfuzz's partial_ratio on diacritic-folded text with abbreviations spelled out; the
    sender's own tasks get a small bonus."""

    words = _normal(hint[:HINT_CHARS])
    if len(words) < 3:
        return []
    keywords = {w for w in words.split() if len(w) >= 3 and w not in _STOP}

    def score(task: Task) -> float:
        title = _normal(task.title)
        best = fuzz.partial_ratio(words, title)
        if keywords:  # every word of the hint somewhere in the title, in any order
            coverage = len(keywords & set(title.split())) / len(keywords)
            best = max(best, coverage * 100 - 5)
        return best + (4 if task.id in prefer else 0)

    scored = sorted(((score(t), t) for t in tasks), key=lambda x: -x[0])
    good = [(sc, t) for sc, t in scored if sc >= 80]
    if not good:
        return []
    top = good[0][0]
    close = [t for sc, t in good if top - sc < 4]
    return close


def nearest_codes(ref: str, tasks: list[Task], n: int = 5) -> list[Task]:
    """The tasks whose codes are nearest to a code that is not in the plan ("1.10" → 1.1, 1.7 …; "11" →
    1.1): same first part first, then the closest spelling. Nothing when no code shares its first part."""
    parts = ref.split(".")
    joined = ref.replace(".", "")
    scored = []
    for t in tasks:
        other = t.code.split(".")
        shared = 0
        for a, b in zip(parts, other, strict=False):
            if a != b:
                break
            shared += 1
        spelled = fuzz.ratio(joined, t.code.replace(".", ""))
        if shared or spelled >= 80:
            scored.append((-shared, -spelled, t.code, t))
    return [x[3] for x in sorted(scored, key=lambda x: x[:3])[:n]]
