"""Plain records shared by the core, the services and storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Commune:
    id: int
    name: str
    key: str | None = None  # the shell's short name (`--commune KEY`); None for a deployment's first one


@dataclass(frozen=True)
class Invite:
    """A single-use invitation to join a commune with a role (and a unit)."""

    code: str
    commune_id: int
    role: str
    unit_key: str | None
    created_by: int | None
    created_at: datetime
    expires_at: datetime
    invitee: str | None = None  # whom it is for, as the office wrote it
    used_by: int | None = None
    used_at: datetime | None = None


@dataclass(frozen=True)
class Officer:
    id: int
    commune_id: int
    telegram_id: int
    name: str
    roles: tuple[str, ...]
    unit_key: str | None
    active: bool
    locale: str
    away_until: date | None = None
    paused_until: date | None = None
    away_from: date | None = None  # (older databases) leave announced ahead starts on this day
    #: periods of leave, (first day, last day), ordered and not overlapping (`bot.core.absence.add_leave`)
    leaves: tuple[tuple[date, date], ...] = ()
    menu_key: str | None = None  # the command menu last set for this officer (bot.core.permissions.menu_key)

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def away_on(self, day: date) -> bool:
        """On leave that day (any of `leaves`, both ends included)."""
        return any(s <= day <= e for s, e in self.leaves)


@dataclass
class TaskSpec:
    """A task as read from a plan document (before it is stored)."""

    code: str
    area: str | None
    title: str
    lead_units: list[str] = field(default_factory=list)
    support_units: list[str] = field(default_factory=list)
    product: str | None = None
    deadline_text: str | None = None
    due_date: date | None = None
    recurrence: str = "none"
    targets: list[str] = field(default_factory=list)
    lead_text: str | None = None  # the lead unit as the plan wrote it


@dataclass(frozen=True)
class Task:
    id: int
    commune_id: int
    plan_id: int
    code: str
    area: str | None
    title: str
    lead_units: tuple[str, ...]
    support_units: tuple[str, ...]
    product: str | None
    deadline_text: str | None
    due_date: date | None
    recurrence: str
    targets: tuple[str, ...]
    owner_id: int | None
    status: str
    percent: int
    note: str | None
    lead_text: str | None = None  # the lead unit as the plan wrote it (names a body outside the commune)


@dataclass(frozen=True)
class HistoryEntry:
    """One change in a task's history: due date, owner, evidence, an explanation asked or given, …"""

    kind: str
    old_value: str | None
    new_value: str | None
    at: datetime
    officer_name: str | None = None


@dataclass(frozen=True)
class TaskReport:
    """A saved progress report on a task, with its author's name."""

    officer_name: str
    created_at: datetime
    percent: int | None
    status: str | None
    note: str | None
    support: bool = False
