from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings, load_settings
from bot.core.clock import ManualClock
from bot.offline.session import OfflineSession
from storage import Database
from storage.repositories import Repositories

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parent.parent
#: copies of the real documents and the shared parse samples (../shared/seeds, ../shared/samples), so the
#: suite needs nothing beside the repository; tests/fixtures/README.md says where each comes from
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = FIXTURES
SHARED = FIXTURES
FRIDAY = datetime(2026, 11, 27, 15, 0, tzinfo=TZ)

CHAIRMAN = {"id": 1001, "name": "Nguyễn Văn An"}
OFFICE = {"id": 1002, "name": "Trần Thị Bình"}
OFFICER = {"id": 1003, "name": "Lê Văn Cường"}
ONESTOP = {"id": 1004, "name": "Phạm Thị Dung"}
STRANGER = {"id": 9999, "name": "Người lạ"}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("CCHC_") or key == "TELEGRAM_BOT_TOKEN":
            monkeypatch.delenv(key, raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cchc.sqlite3"


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return load_settings(env_file=None, db_path=db_path)


@pytest.fixture
async def repos(db_path: Path) -> AsyncIterator[Repositories]:
    db = await Database.open(db_path)
    yield Repositories(db)
    await db.close()


async def add_people(settings: Settings) -> None:
    db = await Database.open(settings.db_path)
    repos = Repositories(db)
    commune = await repos.communes.get_or_create(settings.commune_name)
    await repos.officers.add(commune.id, CHAIRMAN["id"], CHAIRMAN["name"], ["chairman"], "lanh-dao")
    await repos.officers.add(commune.id, OFFICE["id"], OFFICE["name"], ["office", "admin"], "van-phong")
    await repos.officers.add(commune.id, OFFICER["id"], OFFICER["name"], ["officer"], "tu-phap")
    await repos.officers.add(commune.id, ONESTOP["id"], ONESTOP["name"], ["officer"], "mot-cua")
    await db.close()


@pytest.fixture
async def session(settings: Settings, tmp_path: Path) -> AsyncIterator[OfflineSession]:
    await add_people(settings)
    s = OfflineSession(settings, ManualClock(FRIDAY), files_dir=tmp_path / "files")
    async with s:
        yield s


def texts(session: OfflineSession, chat: int | None = None, since: int = 0) -> list[str]:
    return [c.text or "" for c in session.api.calls[since:]
            if c.method in ("sendMessage", "editMessageText") and (chat is None or c.chat == chat)]


@pytest.fixture
def run_cli(tmp_path: Path) -> Iterator[object]:
    import subprocess

    def run(
        *args: str, stdin: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_") and k != "TELEGRAM_BOT_TOKEN"}
        full_env.update(env or {})
        return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                              cwd=tmp_path, env=full_env, timeout=120)

    yield run


async def import_seed_plan(settings: Settings, year: int = 2026) -> None:
    from bot.core.plan_import import read_plan
    from bot.services.plans import store_plan

    db = await Database.open(settings.db_path)
    repos = Repositories(db)
    commune = await repos.communes.get_or_create(settings.commune_name)
    text = (SEEDS / "ke-hoach-cchc-2023-duc-phong.md").read_text(encoding="utf-8")
    text = text.replace("2023", str(year)).replace("2022", str(year - 1))  # the plan, moved to `year`
    plan = read_plan("duc-phong.md", text.encode("utf-8"), year=year)
    await store_plan(repos, commune.id, plan, source_name="duc-phong.md")
    await db.close()


@pytest.fixture
async def plan_session(settings: Settings, tmp_path: Path) -> AsyncIterator[OfflineSession]:
    """Four people and the Đức Phong plan read as this year's (2026), on Friday 27/11/2026 15:00."""
    await add_people(settings)
    await import_seed_plan(settings)
    s = OfflineSession(settings, ManualClock(FRIDAY), files_dir=tmp_path / "files")
    async with s:
        yield s


def last(session: OfflineSession, chat: int) -> str:
    found = texts(session, chat)
    return found[-1] if found else ""
