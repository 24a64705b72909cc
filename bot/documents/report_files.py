"""The periodic report's two files for a period (the .docx draft in the state form and the .xlsx), built
in a worker thread from the summary and what the repositories know (when tasks were done, who signs)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.documents.report_docx import report_docx
from bot.documents.report_xlsx import tasks_xlsx
from bot.services.summaries import Summary
from bot.worker import off_loop
from storage.repositories import Repositories


@dataclass(frozen=True)
class ReportFiles:
    docx: bytes
    xlsx: bytes
    stamp: str  # 20261001-20261231, for the file names


async def report_files(repos: Repositories, commune_id: int, summary: Summary, *,
                       request: str | None = None) -> ReportFiles:
    names = await repos.communes.unit_names(commune_id)
    done = {k: v for k, v in (await repos.reports.done_dates([x.id for x in summary.tasks])).items()
            if v <= summary.end}
    chairmen = [o for o in await repos.officers.list(commune_id, active_only=True) if o.has_role("chairman")]
    signer = chairmen[0].name if chairmen else None
    rows = await repos.reports.dossiers(commune_id)
    docx = await off_loop(report_docx, summary, names, done_dates=done, signer=signer, request=request)
    xlsx = await off_loop(tasks_xlsx, summary, rows, names, done_dates=done)
    return ReportFiles(docx, xlsx, f"{summary.start.strftime('%Y%m%d')}-{summary.end.strftime('%Y%m%d')}")
