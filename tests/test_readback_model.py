"""The read-back is a typed, versioned record: rows written by an older bot are read, a newer bot's are
refused rather than half-read, and what is written reads back the same."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.core.readback import READBACK_VERSION, Candidate, DossierDraft, Item, Readback
from storage import Database
from storage.repositories import Repositories

#: a payload as the bot stored it before read-backs had a version (candidates as lists, dates as text)
VERSION_1_WITHOUT_V = {
    "text": "nv 1.1 xong, hs nhận 40", "items": [
        {"ref": "1.1", "hint": None, "percent": 100, "status": "done", "date": "2026-11-20", "note": None,
         "task_id": 3, "code": "1.1", "title": "Ban hành kế hoạch", "problem": None, "candidates": []},
        {"ref": None, "hint": "tuyen truyen", "percent": 50, "status": "in_progress", "date": None, "note": None,
         "task_id": None, "code": None, "title": None, "problem": None,
         "candidates": [[7, "2.1", "Tuyên truyền"], [8, "2.2", "Tuyên truyền CCHC"]]},
    ],
    "dossier": {"period_start": "2026-11-16", "period_end": "2026-11-22", "period_assumed": False,
                "counts": {"received": 40}, "mismatches": [], "late_without_apology": 0},
}


def test_a_stored_version_1_row_without_a_version_is_read() -> None:
    rb = Readback.from_json(json.dumps(VERSION_1_WITHOUT_V))
    assert rb.v == 1
    assert rb.items[0].date == date(2026, 11, 20) and rb.items[0].resolved
    assert rb.items[1].candidates == [Candidate(task_id=7, code="2.1", title="Tuyên truyền"),
                                      Candidate(task_id=8, code="2.2", title="Tuyên truyền CCHC")]
    assert rb.first_ambiguous() == 1 and rb.saveable
    assert rb.dossier is not None and rb.dossier.counts == {"received": 40}


def test_a_newer_bots_row_is_refused() -> None:
    with pytest.raises(ValidationError):
        Readback.from_json(json.dumps({**VERSION_1_WITHOUT_V, "v": READBACK_VERSION + 1}))


def test_written_json_carries_the_version_and_reads_back_the_same() -> None:
    rb = Readback(text="hs", items=[Item(ref="1.2", percent=30, status="in_progress")],
                  dossier=DossierDraft(period_start=date(2026, 11, 30), period_end=date(2026, 12, 6),
                                       counts={"received": 5}))
    stored = json.loads(rb.to_json())
    assert stored["v"] == READBACK_VERSION
    assert Readback.from_json(rb.to_json()) == rb


async def test_the_repository_returns_typed_records(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "x.sqlite3")
    try:
        repos = Repositories(db)
        commune = await repos.communes.get_or_create("Xã Thử")
        officer = await repos.officers.add(commune.id, 42, "A", ["officer"], "tu-phap")
        at = datetime(2026, 11, 27, 15, 0)
        made = await repos.readbacks.create(commune_id=commune.id, officer_id=officer.id, chat_id=42,
                                          source_message_id=5, inbox_id=None,
                                          payload=Readback.from_json(json.dumps(VERSION_1_WITHOUT_V)), at=at)
        got = await repos.readbacks.get(made.id)
        assert got == made and got.state == "pending" and got.open and got.created_at == at
        assert got.payload.items[1].candidates[0].code == "2.1"
    finally:
        await db.close()
