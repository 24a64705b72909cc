"""The spreadsheet sent with the report, ready to use: tasks (real dates, unit names, plain states), dossier
figures by period and unit with a totals row and rate rows as formulas, KPIs against the plan's targets;
frozen header, filters, widths, number formats. Vietnamese, like the report."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.core.parse import COUNT_KEYS
from bot.core.summary import combine_dossiers
from bot.documents.report_docx import _units, period_name, state_words
from bot.i18n import translator
from bot.services.summaries import Summary

HEAD = Font(bold=True)
FILL = PatternFill("solid", fgColor="DDEBF7")
#: the dossier figures in the order of the seed report, the two-channel figure beside the channels
SHOWN = ("total", "carried_over", "received", "online", "direct", "postal", "direct_postal", "resolved", "early",
         "on_time", "late", "apologized", "pending", "withdrawn", "digitized", "feedback_received",
         "feedback_answered")


def _sheet(wb: Workbook, title: str, header: list[str], widths: list[float]) -> Any:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font, cell.fill = HEAD, FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    return ws


def tasks_xlsx(summary: Summary, dossier_rows: list[dict[str, Any]], unit_names: dict[str, str], *,
               done_dates: dict[int, date] | None = None) -> bytes:
    vi = translator("vi")
    done_dates = done_dates or {}
    late = {x.task.id: x.workdays_late for x in summary.overdue}
    wb = Workbook()
    default = wb.active
    assert default is not None
    wb.remove(default)

    ws = _sheet(wb, "Nhiệm vụ", ["Mã", "Lĩnh vực", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn", "Trạng thái",
                                 "Tiến độ", "Ngày hoàn thành", "Tình hình thực hiện", "Ghi chú"],
                [8, 22, 70, 24, 24, 12, 16, 10, 14, 36, 40])
    for x in summary.tasks:
        support = ", ".join(vi(f"unit.{u}") if u in ("all", "external") else unit_names.get(u, u)
                            for u in x.support_units)
        ws.append([x.code, vi(f"area.{x.area or 'none'}"), x.title, _units(x, unit_names, vi), support,
                   x.due_date, vi(f"status.{x.status}"), x.percent / 100, done_dates.get(x.id),
                   state_words(x, done_dates.get(x.id), late.get(x.id), vi), x.note or ""])
    for row in ws.iter_rows(min_row=2):
        row[5].number_format = row[8].number_format = "DD/MM/YYYY"
        row[7].number_format = "0%"
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    ws.auto_filter.ref = f"A1:K{max(ws.max_row, 1)}"

    keys = [k for k in SHOWN if k in COUNT_KEYS]
    ws2 = _sheet(wb, "Hồ sơ TTHC", ["Từ ngày", "Đến ngày", "Bộ phận", *[vi(f"count.{k}") for k in keys], "Ghi chú"],
                 [12, 12, 24, *[11] * len(keys), 40])
    used = [r for r in dossier_rows
            if r["period_start"] >= summary.start.isoformat() and r["period_end"] <= summary.end.isoformat()]
    for r in used:
        ws2.append([date.fromisoformat(r["period_start"][:10]), date.fromisoformat(r["period_end"][:10]),
                    unit_names.get(r["unit_key"] or "", r["unit_key"] or ""),
                    *[r.get(k) for k in keys], r.get("note") or ""])
    last = ws2.max_row
    combined = combine_dossiers(used, summary.start, summary.end)
    # the period's figures by the combining rule (README): what /tomtat and the report say
    ws2.append([summary.start, summary.end, "Cả kỳ (theo quy tắc cộng dồn)",
                *[combined.counts.get(k) for k in keys], ""])
    total_row = ws2.max_row
    for cell in ws2[total_row]:
        cell.font = HEAD
    col = {k: get_column_letter(4 + i) for i, k in enumerate(keys)}
    if last >= 2:  # a plain column sum too, for checking (it double counts overlapping periods)
        ws2.append(["", "", "Tổng các dòng (kiểm tra)", *[f"=SUM({col[k]}2:{col[k]}{last})" for k in keys], ""])
    for label, part, whole in (("Tỷ lệ giải quyết", "resolved", "received"),
                               ("Tỷ lệ trực tuyến", "online", "received"),
                               ("Tỷ lệ trước hạn", "early", "resolved")):
        if combined.counts.get(part) is not None and combined.counts.get(whole):
            ws2.append(["", "", label, f"={col[part]}{total_row}/{col[whole]}{total_row}"])
            ws2.cell(ws2.max_row, 4).number_format = "0.00%"
    for row in ws2.iter_rows(min_row=2):
        for cell in row[:2]:
            cell.number_format = "DD/MM/YYYY"
        for cell in row[3:3 + len(keys)]:
            if cell.number_format == "General":
                cell.number_format = "#,##0"
    ws2.auto_filter.ref = f"A1:{get_column_letter(3 + len(keys) + 1)}{max(last, 1)}"

    ws3 = _sheet(wb, "Chỉ tiêu", ["Chỉ tiêu", "Mục tiêu", "Thực tế", "Đánh giá"], [40, 12, 12, 16])
    for k in summary.kpis:
        ws3.append([vi(f"kpi.{k.key}"), k.target / 100, k.actual / 100 if k.actual is not None else None,
                    {"ok": "Đạt", "near": "Gần đạt", "bad": "Chưa đạt"}.get(k.mark, "Chưa có số liệu")])
    for row in ws3.iter_rows(min_row=2):
        row[1].number_format = row[2].number_format = "0.00%"
    ws3.append([])
    ws3.append([f"Kỳ báo cáo: {period_name(summary.start, summary.end, vi)}"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
