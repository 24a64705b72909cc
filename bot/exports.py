"""Exports: a .docx draft of the periodic CCHC report in the structure of the seed report
(báo cáo CCHC 7 tháng Phổ An), and an .xlsx of tasks and dossier figures. Every word from the catalogs.
The draft says it is a draft: the office edits and signs it."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from bot.core.domain import AREA_KEYS
from bot.core.parse import COUNT_KEYS
from bot.core.summary import intake
from bot.i18n import Translator
from bot.summaries import Summary


def report_docx(summary: Summary, t: Translator, unit_names: dict[str, str]) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    def para(text: str, *, bold: bool = False, center: bool = False, italic: bool = False) -> None:
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    para(t("export.draft_notice"), italic=True)
    para(t("export.header_left", commune=summary.commune.upper()), bold=True)
    para(t("export.number"))
    para(t("export.place_date", commune=summary.commune, year=summary.end.year), italic=True)
    para(t("export.title"), bold=True, center=True)
    para(t("export.subtitle", start=t.date(summary.start), end=t.date(summary.end)), bold=True, center=True)

    para(t("export.section_results", start=t.date(summary.start), end=t.date(summary.end)), bold=True)
    by_area: dict[str, list[Any]] = defaultdict(list)
    for task in summary.tasks:
        by_area[task.area or "none"].append(task)
    n = 0
    for area in [*AREA_KEYS, "none"]:
        tasks = by_area.get(area)
        if not tasks:
            continue
        n += 1
        para(f"{n}. {t(f'area_full.{area}')}:", bold=True)
        done = [x for x in tasks if x.status == "done"]
        doing = [x for x in tasks if x.status in ("in_progress", "blocked")]
        para(t("export.area_counts", total=len(tasks), done=len(done), doing=len(doing),
               waiting=len(tasks) - len(done) - len(doing)))
        for x in done[:12]:
            para("- " + t("export.task_done", code=x.code, title=x.title.rstrip(".")))
        for x in doing[:12]:
            para("- " + t("export.task_doing", code=x.code, title=x.title.rstrip("."), percent=x.percent))
        if area == "tthc":
            _dossier_paragraphs(para, summary, t, unit_names)
    if "tthc" not in by_area:
        para(t("export.dossier_heading"), bold=True)
        _dossier_paragraphs(para, summary, t, unit_names)

    para(t("export.section_problems"), bold=True)
    if summary.blocked:
        for x in summary.blocked:
            para("- " + t("export.problem", code=x.code, title=x.title.rstrip("."), note=x.note or t("export.no_note")))
    else:
        para(t("export.no_problems"))
    if summary.overdue:
        para(t("export.overdue_intro", n=len(summary.overdue)))
        for late in summary.overdue[:15]:
            para("- " + t("export.overdue", code=late.task.code, title=late.task.title.rstrip("."),
                          days=late.workdays_late))

    para(t("export.section_table"), bold=True)
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, key in zip(table.rows[0].cells, ("code", "title", "unit", "due", "status", "percent"), strict=True):
        cell.text = t(f"export.col_{key}")
    for x in summary.tasks:
        row = table.add_row().cells
        row[0].text = x.code
        row[1].text = x.title
        row[2].text = ", ".join(unit_names.get(u, t(f"unit.{u}") if u in ("all", "external") else u)
                                for u in x.lead_units)
        row[3].text = t.date(x.due_date) if x.due_date else ""
        row[4].text = t(f"status.{x.status}")
        row[5].text = f"{x.percent}%"
    para(t("export.signature"), bold=True)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _dossier_paragraphs(para: Any, summary: Summary, t: Translator, unit_names: dict[str, str]) -> None:
    c = summary.dossiers.counts
    if not c:
        para(t("export.no_dossiers"))
        return
    n = t.number
    total = intake(c)
    online = c.get("online")
    other = sum(c.get(k, 0) for k in ("direct", "postal", "direct_postal")) if (
        "direct" in c or "postal" in c or "direct_postal" in c) else (
        total - online if total is not None and online is not None else None)
    para("- " + t("export.d_total", total=n(total or 0), online=n(online or 0),
                  other=n(other) if other is not None else "…"))
    if "carried_over" in c:
        para("+ " + t("export.d_carried", n=n(c["carried_over"])))
    if "received" in c:
        para("+ " + t("export.d_new", n=n(c["received"])))
    if "resolved" in c:
        para("- " + t("export.d_resolved", n=n(c["resolved"])))
        for key in ("early", "on_time", "late", "pending", "withdrawn"):
            if key in c:
                para("+ " + t(f"export.d_{key}", n=n(c[key])))
    r = summary.rates
    if r["resolved_rate"] is not None:  # a rate nobody reported the figures for is left out, not shown as 0 %
        sentence = t("export.d_rates", resolved=t.percent(r["resolved_rate"]))
        if r["early_rate"] is not None:
            sentence += t("export.d_rates_early", early=t.percent(r["early_rate"]))
        if r["on_time_rate"] is not None:
            sentence += t("export.d_rates_on_time", on_time=t.percent(r["on_time_rate"]))
        para(sentence + ".")
    if r["online_rate"] is not None:
        para(t("export.d_online", n=n(online or 0), rate=t.percent(r["online_rate"])))
    if "late" in c:
        para(t("export.d_apology", late=n(c["late"]), apologized=n(c.get("apologized", 0))))
    for unit, note in summary.dossiers.notes[-10:]:  # what the units wrote with their figures, as written
        para("+ " + t("export.d_note", unit=unit_names.get(unit, unit) or "—", note=note.rstrip(".")))


def tasks_xlsx(summary: Summary, dossier_rows: list[dict[str, Any]], t: Translator,
               unit_names: dict[str, str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = t("export.sheet_tasks")
    head = [t(f"export.col_{k}") for k in ("code", "area", "title", "unit", "due", "status", "percent", "note")]
    ws.append(head)
    for x in summary.tasks:
        ws.append([x.code, t(f"area.{x.area or 'none'}"), x.title,
                   ", ".join(unit_names.get(u, u) for u in x.lead_units),
                   x.due_date, t(f"status.{x.status}"), x.percent / 100, x.note or ""])
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].number_format = "DD/MM/YYYY"
    for row in ws.iter_rows(min_row=2, min_col=7, max_col=7):
        row[0].number_format = "0%"
    ws2 = wb.create_sheet(t("export.sheet_dossiers"))
    keys = COUNT_KEYS
    ws2.append([t("export.col_from"), t("export.col_to"), t("export.col_unit"), *[t(f"count.{k}") for k in keys]])
    for r in dossier_rows:
        if r["period_start"] >= summary.start.isoformat() and r["period_end"] <= summary.end.isoformat():
            ws2.append([r["period_start"], r["period_end"], unit_names.get(r["unit_key"] or "", r["unit_key"] or ""),
                        *[r[k] for k in keys]])
    for sheet in (ws, ws2):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    ws.column_dimensions["C"].width = 80
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
