"""The demo commune used by `python -m bot run` without a token: the Đức Phong 2023 plan, dated to this year."""

from __future__ import annotations

from pathlib import Path

from bot.core.plan_import import read_plan
from bot.services.plans import store_plan
from storage.repositories import Repositories

DEMO_PLAN = Path(__file__).with_name("ke-hoach-cchc-duc-phong.md")


async def load_demo_plan(repos: Repositories, commune_id: int, *, year: int) -> None:
    text = DEMO_PLAN.read_text(encoding="utf-8").replace("2023", str(year)).replace("2022", str(year - 1))
    plan = read_plan(DEMO_PLAN.name, text.encode("utf-8"), year=year)
    await store_plan(repos, commune_id, plan, source_name=DEMO_PLAN.name)
