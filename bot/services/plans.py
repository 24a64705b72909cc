"""Storing an imported plan: tasks updated by code, progress kept, KPIs replaced."""

from __future__ import annotations

from bot.core.plan_import import ImportedPlan
from bot.i18n import translator
from storage.repositories import Repositories


async def store_plan(repos: Repositories, commune_id: int, plan: ImportedPlan, *, source_name: str | None,
                     lang: str = "vi") -> str:
    """Save the plan; returns a one-paragraph summary in `lang`."""
    _, created, updated = await repos.plans.save_plan(
        commune_id, plan.title, plan.year, source_name, plan.tasks,
        [(k.key, k.target, k.op, k.text) for k in plan.kpis],
    )
    t = translator(lang)
    return t("plan.stored", title=plan.title, year=plan.year, created=created, updated=updated,
             kpis=len(plan.kpis), warnings=len(plan.warnings))
