"""Every button's callback data goes through one typed codec: what is written reads back the same, fits
Telegram's 64 bytes, and anything else (an old bot's button, forged data) reads as nothing."""

from __future__ import annotations

import dataclasses
import typing
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers import callbacks as cb


def _example(cls: type[cb.Payload]) -> cb.Payload:
    values: dict[str, object] = {}
    for f in dataclasses.fields(cls):
        kind = typing.get_type_hints(cls)[f.name]
        if kind is int:
            values[f.name] = 987654321
        elif kind is date:
            values[f.name] = date(2026, 12, 31)
        elif typing.get_origin(kind) is typing.Literal:
            values[f.name] = typing.get_args(kind)[-1]
        else:
            values[f.name] = "dia-chinh"
    return cls(**values)


@pytest.mark.parametrize("cls", cb.PAYLOADS, ids=lambda c: c.__name__)
def test_every_payload_reads_back_as_written(cls: type[cb.Payload]) -> None:
    payload = _example(cls)
    data = payload.encode()
    assert len(data.encode()) <= cb.MAX_BYTES
    assert cb.decode(data) == payload
    assert cb.handles(cls)(data) and cb.prefixes(cls)(data)
    assert payload.button("x").callback_data == data


@pytest.mark.parametrize("data", [
    "", "rb", "rb:save", "rb:save:", "rb:delete:5", "rb:save:5:6", "rb:save:-5", "rb:save:1e9", "pick:1:2",
    "tt:a:2026-13-01:2026-12-31", "tt:z:2026-10-01:2026-12-31", "gh:maybe:3", "plan:ok:ab cd", "nv:a:",
    "q:5:" + "9" * 60, "f:x:extra", "undo:ok:" + "1" * 13, "unknown:1", "x" * 65,
])
def test_data_no_payload_has_reads_as_nothing(data: str) -> None:
    assert cb.decode(data) is None


def test_a_field_that_cannot_be_written_is_refused_at_once() -> None:
    with pytest.raises(cb.CallbackDataError):
        cb.InviteUnit("officer", "a:b").encode()
    with pytest.raises(cb.CallbackDataError):
        cb.PlanDecision("ok", "x" * 70).encode()


@given(st.text(max_size=80))
def test_any_text_decodes_to_a_payload_or_nothing_never_an_error(data: str) -> None:
    got = cb.decode(data)
    assert got is None or got.encode() == data


def test_prefixes_are_unique_and_none_shadows_another() -> None:
    prefixes = [p.PREFIX for p in cb.PAYLOADS]
    assert len(set(prefixes)) == len(prefixes)
    # "plan:col:…" is not read as a PlanDecision, "nv:units" not as TasksOfUnit
    assert isinstance(cb.decode("plan:col:ab12cd34:1:2"), cb.PlanColumn)
    assert isinstance(cb.decode("nv:units"), cb.UnitList)
