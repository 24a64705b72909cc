"""Plans: storing an imported plan (tasks updated by code, progress kept, KPIs replaced), and the previews of
plan files sent in chat."""

from __future__ import annotations

import dataclasses
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.models import Officer
from bot.core.plan_import import ImportedPlan
from bot.i18n import translator
from bot.services.people import Journal
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


#: a plan preview not decided within this is gone (the file is read again from Telegram on ✅ Nhập)
PREVIEW_TTL = timedelta(hours=2)


@dataclass(frozen=True)
class PlanPreview:
    """A plan file shown as a preview, waiting for ✅ Nhập or ❌ Hủy, with the office's column corrections."""

    token: str
    commune_id: int
    officer_id: int
    file_id: str
    filename: str
    year: int | None
    created_at: datetime
    columns: dict[str, str]


class PlanService:
    """Plan files from the chat: previews, column corrections, storing."""

    def __init__(self, repos: Repositories) -> None:
        self.repos = repos
        self.journal = Journal(repos)

    async def preview(self, officer: Officer, file_id: str, filename: str, year: int | None,
                      now: datetime) -> str:
        """Keep a preview of a plan file; returns its token (for its buttons)."""
        token = secrets.token_hex(4)
        await self.repos.plan_previews.purge(now - PREVIEW_TTL)
        await self.repos.plan_previews.create(token=token, commune_id=officer.commune_id, officer_id=officer.id,
                                              file_id=file_id, filename=filename, year=year, at=now)
        return token

    @staticmethod
    def _preview(row: dict[str, Any] | None, now: datetime) -> PlanPreview | None:
        if row is None or now - datetime.fromisoformat(row["created_at"]) > PREVIEW_TTL:
            return None
        return PlanPreview(token=row["token"], commune_id=int(row["commune_id"]), officer_id=int(row["officer_id"]),
                           file_id=row["file_id"], filename=row["filename"], year=row["year"],
                           created_at=datetime.fromisoformat(row["created_at"]),
                           columns=json.loads(row["columns"]) if row.get("columns") else {})

    async def take(self, token: str, officer: Officer, now: datetime) -> PlanPreview | None:
        """The officer's preview, used once (✅ Nhập or ❌ Hủy); None when gone, expired or another's."""
        return self._preview(await self.repos.plan_previews.take(token, officer.id), now)

    async def get(self, token: str, officer: Officer, now: datetime) -> PlanPreview | None:
        return self._preview(await self.repos.plan_previews.get(token, officer.id), now)

    async def correct(self, preview: PlanPreview, table: int, column: int, kind: str) -> PlanPreview:
        columns = {**preview.columns, f"{table}:{column}": kind}
        await self.repos.plan_previews.set_columns(preview.token, columns)
        return dataclasses.replace(preview, columns=columns)

    async def store_for(self, commune_id: int, plan: ImportedPlan, filename: str, lang: str = "vi") -> str:
        """Import the plan into the commune (from the shell); returns the summary in `lang`."""
        return await store_plan(self.repos, commune_id, plan, source_name=filename, lang=lang)

    async def store(self, officer: Officer, plan: ImportedPlan, filename: str, now: datetime) -> str:
        """Import the plan into the officer's commune; returns the summary in their language."""
        summary = await self.store_for(officer.commune_id, plan, filename, officer.locale)
        await self.journal.log("import_plan", user_id=officer.telegram_id, at=now, officer=officer, detail=filename)
        return summary
