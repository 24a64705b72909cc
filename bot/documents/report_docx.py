"""The periodic CCHC report as a commune sends it upward: the state form (`bot.documents.report_form`) with the
structure of the seed report (báo cáo CCHC 7 tháng Phổ An): the opening naming the upper level's request,
I. results by area as a narrative of the tasks' states and the officers' own notes, the dossier paragraph
in the seed's wording, II. assessment with the facts the data supports and marked places for the
chairman's judgement, III. the next period's tasks, IV. proposals, then "Nơi nhận" and the signature, and a
landscape appendix of every task's state. Always Vietnamese (`locales/vi/document.toml`); a figure nobody
reported is left out, never printed as 0."""

from __future__ import annotations

import io
import tomllib
from collections import defaultdict
from datetime import date
from functools import cache
from typing import Any

from bot.core.dates import month_end, quarter_bounds
from bot.core.domain import AREA_KEYS
from bot.core.models import Task
from bot.core.summary import intake
from bot.core.text import fold
from bot.documents import report_form as form
from bot.i18n import LOCALES_DIR, Translator, translator
from bot.services.summaries import Summary

ROMAN_Q = {1: "I", 2: "II", 3: "III", 4: "IV"}


@cache
def _words() -> dict[str, Any]:
    with (LOCALES_DIR / "vi" / "document.toml").open("rb") as fh:
        return tomllib.load(fh)


def w(key: str, **values: object) -> str:
    section, name = key.split(".", 1)
    text = _words()[section][name]
    return str(text).format(**values) if values else str(text)


def period_name(start: date, end: date, vi: Translator) -> str:
    """As officials write it: "quý IV năm 2026", "6 tháng đầu năm 2026", "9 tháng năm 2026", "năm 2026"."""
    y = start.year
    if start == date(y, 1, 1) and end == date(y, 12, 31):
        return w("period.year", year=y)
    if start == date(y, 1, 1) and end == date(y, 6, 30):
        return w("period.half", year=y)
    if start == date(y, 1, 1) and end == date(y, 9, 30):
        return w("period.nine", year=y)
    for q in range(1, 5):
        if (start, end) == quarter_bounds(y, q):
            return w("period.quarter", q=ROMAN_Q[q], year=y)
    if start.day == 1 and end == month_end(y, start.month) and end.month == start.month:
        return w("period.month", m=start.month, year=y)
    return w("period.range", start=vi.date(start), end=vi.date(end))


def _in_text(commune: str) -> str:
    return "xã " + commune[3:] if commune.startswith("Xã ") else commune


def _unit(u: str, unit_names: dict[str, str], vi: Translator) -> str:
    return unit_names.get(u) or (vi(f"unit.{u}") if u in ("all", "external") else u)


def _units(task: Task, unit_names: dict[str, str], vi: Translator) -> str:
    """The lead units' names; a body outside the commune by the name the plan gave it."""
    if task.lead_units == ("external",) and task.lead_text:
        return task.lead_text
    return ", ".join(_unit(u, unit_names, vi) for u in task.lead_units) or "—"


def as_written(note: str) -> str:
    """An officer's note as written; one typed without diacritics ("cho huyen huong dan") is marked for the
    office to rewrite, since an official document is not sent in unaccented Vietnamese."""
    text = note.strip().rstrip(".")
    words = [x for x in text.split() if x.isalpha()]
    if len(words) >= 3 and fold(text) == text.lower() and text.isascii():
        return text + " " + w("body.unaccented")
    return text


def areas_in_order(tasks: list[Task]) -> dict[str, list[Task]]:
    """The tasks by area, in the order of the eight PAR areas (tasks of no area last); empty areas left out."""
    grouped: dict[str, list[Task]] = defaultdict(list)
    for task in tasks:
        grouped[task.area or "none"].append(task)
    return {area: grouped[area] for area in [*AREA_KEYS, "none"] if grouped.get(area)}


def _title(task: Task) -> str:
    return task.title.rstrip(" .;:")


def state_words(task: Task, done_on: date | None, late_days: int | None, vi: Translator) -> str:
    if task.status == "done":
        return w("appendix.state_done", date=vi.date(done_on)) if done_on else w("appendix.state_done_nodate")
    if task.status == "blocked":
        text = w("appendix.state_blocked", reason=(task.note or w("body.no_reason")).rstrip("."))
    elif task.status == "in_progress":
        text = w("appendix.state_doing", percent=task.percent)
    else:
        text = w("appendix.state_waiting")
    return text + (w("appendix.state_late", days=late_days) if late_days else "")


def report_docx(summary: Summary, unit_names: dict[str, str], *, done_dates: dict[int, date] | None = None,
                signer: str | None = None, request: str | None = None) -> bytes:
    vi = translator("vi")  # an official document: Vietnamese whatever the requester's chat language
    done_dates = done_dates or {}
    commune = summary.commune or ""
    place = commune.removeprefix("Xã ").removeprefix("xã ").strip() or commune
    in_text = f"xã {place}" if place != commune else commune  # "Ủy ban nhân dân xã Đức Phong" in a sentence
    period = period_name(summary.start, summary.end, vi)
    late = {x.task.id: x.workdays_late for x in summary.overdue}
    doc = form.new_document()
    form.header_block(doc, body=w("form.body"), body_name=w("form.body_name", commune=commune.upper()),
                      number=w("form.number"), motto_top=w("form.motto_top"), motto=w("form.motto"),
                      place_date=w("form.place_date", place=place, year=summary.end.year))
    form.title(doc, w("form.title"), w("form.subtitle", period=period))
    form.body(doc, w("form.draft"), italic=True, indent=False)
    form.body(doc, w("body.opening", request=request or w("body.request_unknown"), commune=in_text, period=period))

    form.body(doc, w("body.section_results"), bold=True, indent=False)
    by_area = areas_in_order(summary.tasks)
    for n, (area, tasks) in enumerate(by_area.items(), start=1):
        form.body(doc, f"{n}. {vi(f'area_full.{area}')}", bold=True, indent=False)
        _area_narrative(doc, tasks, done_dates, late)
        if area == "tthc":
            _dossiers(doc, summary, unit_names, vi)
    if "tthc" not in by_area:
        form.body(doc, w("body.dossier_heading"), bold=True)
        _dossiers(doc, summary, unit_names, vi)
    _assessment(doc, summary, vi)
    _next_period(doc, summary, unit_names, vi)
    form.body(doc, w("body.section_proposals"), bold=True, indent=False)
    if summary.blocked:
        for x in summary.blocked:
            form.body(doc, w("body.proposal", code=x.code, title=_title(x),
                             reason=as_written(x.note) if x.note else w("body.no_reason")))
    else:
        form.body(doc, w("body.placeholder_proposals"), italic=True)
    form.body(doc, w("body.closing", period=period, commune=in_text))
    form.closing(doc, recipients_title=w("form.recipients_title"), recipients=_words()["form"]["recipients"],
                 for_body=w("form.for_body"), position=w("form.position"),
                 signer=signer or w("form.signer_unknown"))
    _appendix(doc, summary, unit_names, done_dates, late, period, vi)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _area_narrative(doc: Any, tasks: list[Task], done_dates: dict[int, date], late: dict[int, int]) -> None:
    done = [x for x in tasks if x.status == "done"]
    doing = [x for x in tasks if x.status == "in_progress"]
    blocked = [x for x in tasks if x.status == "blocked"]
    waiting = [x for x in tasks if x.status not in ("done", "in_progress", "blocked")]
    overdue = [x for x in tasks if x.id in late]
    form.body(doc, w("body.area_intro", total=len(tasks), done=len(done), doing=len(doing), blocked=len(blocked),
                     waiting=len(waiting), overdue=w("body.area_overdue", n=len(overdue)) if overdue else ""))
    if done:
        items = []
        for x in done:
            # what the officer wrote when reporting it done (often the product itself), else the plan's product
            product = w("body.note", note=as_written(x.note)) if x.note else (
                w("body.product", product=x.product.rstrip(" .")) if x.product else "")
            d = done_dates.get(x.id)
            items.append(w("body.done_item", title=_title(x), code=x.code, date=d.strftime("%d/%m/%Y"), product=product)
                         if d else w("body.done_item_nodate", title=_title(x), code=x.code, product=product))
        form.body(doc, w("body.done", items="; ".join(items)))
    if doing:
        form.body(doc, w("body.doing", items="; ".join(
            w("body.doing_item", title=_title(x), code=x.code, percent=x.percent,
              note=w("body.note", note=as_written(x.note)) if x.note else "") for x in doing)))
    if blocked:
        form.body(doc, w("body.blocked", items="; ".join(
            w("body.blocked_item", title=_title(x), code=x.code,
              reason=as_written(x.note) if x.note else w("body.no_reason"))
            for x in blocked)))
    if waiting:
        form.body(doc, w("body.waiting", codes=", ".join(x.code for x in waiting)))
    if overdue:
        form.body(doc, w("body.late", items=", ".join(w("body.late_item", code=x.code, days=late[x.id])
                                                      for x in overdue)))


def _dossiers(doc: Any, summary: Summary, unit_names: dict[str, str], vi: Translator) -> None:
    d = summary.dossiers
    c = d.counts
    if not c:
        form.body(doc, w("body.no_dossiers"))
        return
    n = vi.number
    total = intake(c)
    online = c.get("online")
    other = None
    if "direct_postal" in c or "direct" in c or "postal" in c:
        other = sum(c.get(k, 0) for k in ("direct", "postal", "direct_postal"))
    channels = (w("body.d_channels_online", online=n(online)) if online is not None else "") + (
        w("body.d_channels_other", other=n(other)) if other is not None else "")
    form.body(doc, w("body.d_total", total=n(total or 0), channels=channels))
    if "carried_over" in c:
        form.body(doc, w("body.d_carried", n=n(c["carried_over"])))
    if "received" in c:
        form.body(doc, w("body.d_new", n=n(c["received"])))
    if "resolved" in c:
        form.body(doc, w("body.d_resolved", n=n(c["resolved"])))
        for key in ("early", "on_time", "late", "pending", "withdrawn"):
            if key in c:
                form.body(doc, w(f"body.d_{key}", n=n(c[key])))
    r = summary.rates

    def rate(key: str) -> str:
        value = vi.percent(r[key] or 0)
        return value + (w("body.d_partial", n=d.rate_reports[key], total=d.reports_used)
                        if d.rate_partial(key) else "")

    if r["resolved_rate"] is not None:  # a rate nobody reported the figures for is left out
        form.body(doc, w("body.d_rates", resolved=rate("resolved_rate"),
                         early=w("body.d_rates_early", early=rate("early_rate")) if r["early_rate"] is not None else "",
                         on_time=w("body.d_rates_on_time", on_time=rate("on_time_rate"))
                         if r["on_time_rate"] is not None else ""))
    if "late" in c:
        if "apologized" in c:
            form.body(doc, w("body.d_apology", late=n(c["late"]), apologized=n(c["apologized"])))
        else:
            form.body(doc, w("body.d_apology_unknown", late=n(c["late"])))
    for unit, start, end in d.partly_left_out:  # figures not counted are said, never silent
        form.body(doc, w("body.d_left_out", unit=_unit(unit, unit_names, vi) if unit else "—", start=vi.date(start),
                         end=vi.date(end)), italic=True)
    for unit, note in d.notes[-10:]:  # what the units wrote with their figures, as written
        form.body(doc, w("body.d_note", unit=_unit(unit, unit_names, vi) if unit else "—", note=as_written(note)))


def _assessment(doc: Any, summary: Summary, vi: Translator) -> None:
    form.body(doc, w("body.section_assessment"), bold=True, indent=False)
    form.body(doc, w("body.strengths"), bold=True)
    p = summary.progress
    on_time = summary.rates.get("on_time_rate")
    form.body(doc, w("body.strengths_facts", done=p.done, total=p.total,
                     pct=vi.percent(100 * p.done / p.total) if p.total else "—",
                     rate=w("body.strengths_rate", rate=vi.percent(on_time)) if on_time is not None else ""))
    form.body(doc, w("body.placeholder_strengths"), italic=True)
    form.body(doc, w("body.shortcomings"), bold=True)
    said = False
    if summary.overdue:
        form.body(doc, w("body.shortcoming_overdue", n=len(summary.overdue),
                         codes=", ".join(x.task.code for x in summary.overdue)))
        said = True
    if summary.blocked:
        form.body(doc, w("body.shortcoming_blocked", n=len(summary.blocked),
                         codes=", ".join(x.code for x in summary.blocked)))
        said = True
    c = summary.dossiers.counts
    if "late" in c and "apologized" in c and c["late"] > c["apologized"]:
        form.body(doc, w("body.shortcoming_apology", n=c["late"] - c["apologized"]))
        said = True
    if not said:
        form.body(doc, w("body.shortcoming_none"))
    form.body(doc, w("body.placeholder_shortcomings"), italic=True)
    form.body(doc, w("body.causes"), bold=True)
    form.body(doc, w("body.placeholder_causes"), italic=True)


def _next_period(doc: Any, summary: Summary, unit_names: dict[str, str], vi: Translator) -> None:
    form.body(doc, w("body.section_next"), bold=True, indent=False)
    form.body(doc, w("body.next_intro", year=summary.end.year))
    open_tasks = [x for x in summary.tasks if x.status != "done"]
    open_tasks.sort(key=lambda x: (x.due_date or date.max, x.code))
    for x in open_tasks[:12]:
        who = _units(x, unit_names, vi)
        form.body(doc, w("body.next_item", title=_title(x), code=x.code, who=who, due=vi.date(x.due_date))
                  if x.due_date else w("body.next_item_nodue", title=_title(x), code=x.code, who=who), indent=False)
    if len(open_tasks) > 12:
        form.body(doc, w("body.next_more", n=len(open_tasks) - 12), indent=False)


def _appendix(doc: Any, summary: Summary, unit_names: dict[str, str], done_dates: dict[int, date],
              late: dict[int, int], period: str, vi: Translator) -> None:
    rows: list[list[str]] = []
    for n, (area, tasks) in enumerate(areas_in_order(summary.tasks).items(), start=1):
        rows.append(["", w("appendix.area_row", n=n, area=vi(f"area_full.{area}")), "", "", ""])
        for x in tasks:
            rows.append([x.code, _title(x), _units(x, unit_names, vi), vi.date(x.due_date) if x.due_date else "",
                         state_words(x, done_dates.get(x.id), late.get(x.id), vi)])
    header = [w(f"appendix.col_{k}") for k in ("code", "title", "unit", "due", "state")]
    table = form.landscape_table(doc, w("appendix.heading", period=period.upper(), commune=_in_text(summary.commune)),
                                 header, rows, (1.5, 11.8, 4.2, 2.9, 5.8))
    for row, values in zip(table.rows[1:], rows, strict=True):
        if not values[0]:  # an area row: bold, across the table
            form.merge_row(row, values[1], size=form.Pt(10.5))
