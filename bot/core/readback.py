"""The read-back: what the bot understood from one message, shown to its sender before anything is saved.

It is stored as JSON in `pending_reports.payload` with a version (`v`), so a row written by an older bot is
read by this one (version 1 rows written before the version existed have no `v`: they are version 1), and a
row from a newer bot is refused instead of half-read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: the version this bot writes; it reads every version up to it
READBACK_VERSION = 1

#: the states a read-back goes through (pending → saved | cancelled | draft | editing → replaced | undone)
State = Literal["pending", "draft", "editing", "saved", "cancelled", "replaced", "undone"]
OPEN_STATES: tuple[State, ...] = ("pending", "draft")


class Candidate(BaseModel):
    """A task the message may speak of, offered as a button."""

    model_config = ConfigDict(frozen=True)

    task_id: int
    code: str
    title: str

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, value: Any) -> Any:  # version 1 rows keep candidates as [id, code, title]
        if isinstance(value, list | tuple) and len(value) == 3:
            return {"task_id": value[0], "code": value[1], "title": value[2]}
        return value


class Item(BaseModel):
    """One task's progress as read: what was written and which task it was found to be."""

    ref: str | None = None
    hint: str | None = None
    percent: int | None = None
    status: str | None = None
    date: dt.date | None = None
    note: str | None = None
    task_id: int | None = None
    code: str | None = None
    title: str | None = None
    #: why it cannot be saved as it is: unknown_code, no_plan, no_match, not_yours, … (None: it can)
    problem: str | None = None
    candidates: list[Candidate] = Field(default_factory=list)
    #: whose task it is, when the sender is not its lead (not_yours, or a supporting unit's report)
    lead_units: list[str] = Field(default_factory=list)
    support: bool = False

    @property
    def resolved(self) -> bool:
        """The item names one task and may be saved."""
        return self.task_id is not None and not self.problem


class Mismatch(BaseModel):
    key: str
    values: dict[str, int]


class DossierDraft(BaseModel):
    """Dossier figures as read, for the period they are about (assumed this week when none was written)."""

    period_start: dt.date
    period_end: dt.date
    period_assumed: bool = False
    counts: dict[str, int]
    mismatches: list[Mismatch] = Field(default_factory=list)
    late_without_apology: int = 0
    note: str | None = None


class Readback(BaseModel):
    """The payload of one read-back."""

    v: int = READBACK_VERSION
    text: str
    items: list[Item] = Field(default_factory=list)
    dossier: DossierDraft | None = None
    #: the edited message's reading, waiting beside the saved one for the sender's choice
    proposed_edit: EditProposal | None = None

    @field_validator("v")
    @classmethod
    def _known(cls, v: int) -> int:
        if v > READBACK_VERSION:
            raise ValueError(f"read-back version {v} is newer than this bot reads ({READBACK_VERSION})")
        return v

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=False)

    @classmethod
    def from_json(cls, text: str) -> Readback:
        return cls.model_validate_json(text)

    @property
    def saveable(self) -> bool:
        return self.dossier is not None or any(i.resolved for i in self.items)

    def first_ambiguous(self) -> int | None:
        """The first item waiting for the sender to pick its task."""
        for i, item in enumerate(self.items):
            if item.task_id is None and item.candidates:
                return i
        return None

    @property
    def only_others_tasks(self) -> bool:
        return bool(self.items) and all(i.problem == "not_yours" for i in self.items)


class EditProposal(BaseModel):
    n: int
    payload: Readback


Readback.model_rebuild()


@dataclass(frozen=True)
class ReadbackRecord:
    """A stored read-back: the payload and where it was written, shown and in what state it is."""

    id: int
    commune_id: int
    officer_id: int
    chat_id: int
    state: State
    created_at: dt.datetime
    payload: Readback
    inbox_id: int | None = None
    source_message_id: int | None = None
    source_chat_id: int | None = None
    bot_message_id: int | None = None

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES
