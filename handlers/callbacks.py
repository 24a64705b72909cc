"""Every button's callback data, as typed payloads with one codec.

A payload is a frozen dataclass with a `PREFIX`; `encode` writes `PREFIX:field:field…` (Telegram allows 64
bytes), `decode` reads it back into the payload, checking each field's type (int, str, date, one of a
Literal's values). Data that fits no payload — an old bot's button, forged data — decodes to None, and
handlers answer it as stale. `handles(*types)` is the pattern a `CallbackQueryHandler` routes by.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, Literal

from telegram import InlineKeyboardButton

#: Telegram refuses callback data longer than this (bytes)
MAX_BYTES = 64
_FIELD = re.compile(r"[\w\-.]{1,40}")  # what a field may hold once written (no ':', no spaces)


@dataclasses.dataclass(frozen=True)
class Payload:
    PREFIX: ClassVar[str] = ""

    def encode(self) -> str:
        return encode(self)

    def button(self, label: str) -> InlineKeyboardButton:
        """A button with this payload."""
        return InlineKeyboardButton(label, callback_data=encode(self))


# -- read-backs -----------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ReadbackPress(Payload):
    """✅ Lưu / ✅ Vẫn lưu / ✏️ Sửa / ❌ Hủy on a read-back."""

    PREFIX: ClassVar[str] = "rb"
    action: Literal["save", "force", "edit", "cancel"]
    readback_id: int


@dataclasses.dataclass(frozen=True)
class PickTask(Payload):
    """Which task an item of a read-back speaks of."""

    PREFIX: ClassVar[str] = "pick"
    readback_id: int
    index: int
    task_id: int


@dataclasses.dataclass(frozen=True)
class EditChoice(Payload):
    """A saved report's message was edited: replace (y), replace although it disagrees (f), or keep (n)."""

    PREFIX: ClassVar[str] = "re"
    action: Literal["y", "n", "f"]
    readback_id: int
    n: int


@dataclasses.dataclass(frozen=True)
class UndoChoice(Payload):
    PREFIX: ClassVar[str] = "undo"
    action: Literal["ok", "no"]
    readback_id: int


# -- people --------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class InviteRole(Payload):
    PREFIX: ClassVar[str] = "mv:r"
    role: str


@dataclasses.dataclass(frozen=True)
class InviteUnit(Payload):
    """The unit of the invited person ("-": none)."""

    PREFIX: ClassVar[str] = "mv:u"
    role: str
    unit: str


# -- tasks and summaries ------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class TasksOfArea(Payload):
    PREFIX: ClassVar[str] = "nv:a"
    area: str


@dataclasses.dataclass(frozen=True)
class UnitList(Payload):
    PREFIX: ClassVar[str] = "nv:units"


@dataclasses.dataclass(frozen=True)
class TasksOfUnit(Payload):
    PREFIX: ClassVar[str] = "nv:u"
    unit: str


@dataclasses.dataclass(frozen=True)
class SummaryView(Payload):
    """/tomtat's buttons: by area (a), by unit (u), chart (c), export (x) for the period shown."""

    PREFIX: ClassVar[str] = "tt"
    view: Literal["a", "u", "c", "x"]
    start: date
    end: date


@dataclasses.dataclass(frozen=True)
class QuickUpdate(Payload):
    """The weekly ping's one-tap answer for a task: a percentage, done or blocked."""

    PREFIX: ClassVar[str] = "q"
    task_id: int
    value: str


# -- plans ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class PlanDecision(Payload):
    """✅ Nhập (ok), ❌ Hủy (no) or ✏️ Sửa cách đọc cột (cols) on a plan preview."""

    PREFIX: ClassVar[str] = "plan"
    action: Literal["ok", "no", "cols"]
    token: str


@dataclasses.dataclass(frozen=True)
class PlanColumn(Payload):
    """A column of a table in the preview, picked to correct how it is read."""

    PREFIX: ClassVar[str] = "plan:col"
    token: str
    table: int
    column: int


@dataclasses.dataclass(frozen=True)
class PlanColumnKind(Payload):
    """What the picked column holds (an index into the column kinds)."""

    PREFIX: ClassVar[str] = "plan:set"
    token: str
    table: int
    column: int
    kind: int


# -- the /baocao form ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class FormTask(Payload):
    PREFIX: ClassVar[str] = "f:t"
    task_id: int


@dataclasses.dataclass(frozen=True)
class FormDossier(Payload):
    PREFIX: ClassVar[str] = "f:d"


@dataclasses.dataclass(frozen=True)
class FormCancel(Payload):
    PREFIX: ClassVar[str] = "f:x"


@dataclasses.dataclass(frozen=True)
class FormProgress(Payload):
    """A percentage, or a state (blocked, not_started)."""

    PREFIX: ClassVar[str] = "f:p"
    value: str


@dataclasses.dataclass(frozen=True)
class FormSkip(Payload):
    PREFIX: ClassVar[str] = "f:s"


# -- explanations and extensions -----------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ExplainMenu(Payload):
    PREFIX: ClassVar[str] = "gt:m"


@dataclasses.dataclass(frozen=True)
class ExplainAsk(Payload):
    PREFIX: ClassVar[str] = "gt:a"
    task_id: int


@dataclasses.dataclass(frozen=True)
class ExtensionDecision(Payload):
    PREFIX: ClassVar[str] = "gh"
    answer: Literal["y", "n"]
    history_id: int


PAYLOADS: tuple[type[Payload], ...] = (
    ReadbackPress, PickTask, EditChoice, UndoChoice, InviteRole, InviteUnit, TasksOfArea, UnitList, TasksOfUnit,
    SummaryView, QuickUpdate, PlanDecision, PlanColumn, PlanColumnKind, FormTask, FormDossier, FormCancel,
    FormProgress, FormSkip, ExplainMenu, ExplainAsk, ExtensionDecision,
)
#: the payloads one handler answers
INVITE = (InviteRole, InviteUnit)
TASKS = (TasksOfArea, UnitList, TasksOfUnit)
PLAN = (PlanDecision, PlanColumn, PlanColumnKind)
FORM = (FormTask, FormDossier, FormCancel, FormProgress, FormSkip)
EXPLAIN = (ExplainMenu, ExplainAsk)
_BY_PREFIX = {p.PREFIX: p for p in PAYLOADS}
assert len(_BY_PREFIX) == len(PAYLOADS), "two payloads share a prefix"


class CallbackDataError(ValueError):
    """A payload that cannot be written as callback data (a field with ':' or too long)."""


def _hints(cls: type[Payload]) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(cls)
    return [(f.name, hints[f.name]) for f in dataclasses.fields(cls)]


_FIELDS = {p: _hints(p) for p in PAYLOADS}


def _write(value: object) -> str:
    text = value.isoformat() if isinstance(value, date) else str(value)
    if not _FIELD.fullmatch(text):
        raise CallbackDataError(f"cannot write {text!r} into callback data")
    return text


def encode(payload: Payload) -> str:
    parts = [payload.PREFIX, *(_write(getattr(payload, name)) for name, _ in _FIELDS[type(payload)])]
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise CallbackDataError(f"callback data longer than {MAX_BYTES} bytes: {data!r}")
    return data


def _read(text: str, kind: Any) -> object:
    if kind is int:
        if not text.isdigit() or len(text) > 12:
            raise ValueError(text)
        return int(text)
    if kind is date:
        return date.fromisoformat(text)
    if typing.get_origin(kind) is Literal:
        if text not in typing.get_args(kind):
            raise ValueError(text)
        return text
    if not _FIELD.fullmatch(text):
        raise ValueError(text)
    return text


def decode(data: str | None) -> Payload | None:
    """The payload written in `data`, or None when it is no payload this bot writes."""
    if not data or len(data) > MAX_BYTES:
        return None
    parts = data.split(":")
    for n in (2, 1):  # "plan:col:…" before "plan:…"
        cls = _BY_PREFIX.get(":".join(parts[:n]))
        if cls is None:
            continue
        fields, values = _FIELDS[cls], parts[n:]
        if len(values) != len(fields):
            continue
        try:
            return cls(**{name: _read(v, kind) for (name, kind), v in zip(fields, values, strict=True)})
        except ValueError:
            return None
    return None


def handles(*types: type[Payload]) -> Callable[[object], bool]:
    """The `pattern` of a CallbackQueryHandler: data that decodes to one of `types`."""
    def match(data: object) -> bool:
        return isinstance(data, str) and isinstance(decode(data), types)
    return match


def prefixes(*types: type[Payload]) -> Callable[[object], bool]:
    """Data that starts like one of `types` (decodable or not): its handler answers what does not decode."""
    heads = tuple(t.PREFIX + ":" for t in types) + tuple(t.PREFIX for t in types if not _FIELDS[t])

    def match(data: object) -> bool:
        return isinstance(data, str) and (data.startswith(heads))
    return match


