"""/tomtat, /bieudo, /xuatbaocao: what the chairman reads, looks at, and sends upward."""

from __future__ import annotations

from datetime import date
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot.core.domain import AREA_KEYS, UNIT_KEYS
from bot.core.models import Officer
from bot.core.permissions import Perm, allowed
from bot.core.text import fold
from bot.documents import charts
from bot.documents.report_files import report_files
from bot.worker import off_loop
from handlers.callbacks import SummaryView
from handlers.common import button, esc, reply, reply_chat_id, requires, send_html
from handlers.context import BotContext
from handlers.render.summary import area_line, render_summary


async def _scope(context: BotContext, officer: Officer) -> str | None:
    """Leaders and the office see the commune; an officer sees their own unit."""
    return None if allowed(officer.roles, Perm.READ_COMMUNE) else (officer.unit_key or "-")


async def tomtat(update: Update, context: BotContext) -> None:
    officer = context.officer
    if officer is None:
        return
    services = context.services
    now = services.clock.now()
    args = context.args or []
    period = context.services.summaries.period_in_words(" ".join(args), now.date())
    if period is None:
        await reply(update, context, "summary.bad_period", value=" ".join(args))
        return
    unit = await _scope(context, officer)
    summary = await services.summaries.build(officer.commune_id, *period, now, unit=unit, with_year=not args)
    names = await services.people.unit_names(officer.commune_id)
    text = render_summary(context.t, summary, names)
    def view(kind: Literal["a", "u", "c", "x"]) -> str:
        return SummaryView(kind, *period).encode()

    rows = [[InlineKeyboardButton(context.t("summary.by_area"), callback_data=view("a")),
             InlineKeyboardButton(context.t("summary.by_unit"), callback_data=view("u"))],
            [InlineKeyboardButton(context.t("summary.chart"), callback_data=view("c"))]]
    if allowed(officer.roles, Perm.EXPORT):
        rows[1].append(InlineKeyboardButton(context.t("summary.export"), callback_data=view("x")))
    await send_html(update, context, text, markup=InlineKeyboardMarkup(rows))


async def summary_button(update: Update, context: BotContext) -> None:
    pressed = button(update, context, SummaryView)
    if pressed is None:
        return
    query, officer, m = pressed
    if m is None:
        await query.answer()
        return
    kind, start, end = m.view, m.start, m.end
    await query.answer()
    if kind == "c":
        await send_charts(update, context, officer, end)
        return
    if kind == "x":
        if not allowed(officer.roles, Perm.EXPORT):
            await reply(update, context, "misc.forbidden")
            return
        await send_exports(update, context, officer, start, end)
        return
    services = context.services
    t = context.t
    unit = await _scope(context, officer)
    s = await services.summaries.build(officer.commune_id, start, end, services.clock.now(), unit=unit)
    names = await services.people.unit_names(officer.commune_id)
    if kind == "a":
        lines = [t("summary.by_area_header")]
        lines += [area_line(t, a, s.per_area[a]) for a in [*AREA_KEYS, "none"] if a in s.per_area]
    else:
        lines = [t("summary.by_unit_header")]
        for key in UNIT_KEYS:
            tasks = [x for x in s.tasks if key in x.lead_units]
            if tasks:
                done = sum(1 for x in tasks if x.status == "done")
                late = sum(1 for x in s.overdue if key in x.task.lead_units)
                lines.append(t("summary.unit_line", unit=esc(names.get(key, key)), done=done, total=len(tasks),
                               overdue=late))
    await send_html(update, context, "\n".join(lines))


async def bieudo(update: Update, context: BotContext) -> None:
    officer = context.officer
    if officer is None:
        return
    await send_charts(update, context, officer, context.services.clock.now().date())


async def send_charts(update: Update, context: BotContext, officer: Officer, end: date) -> None:
    services = context.services
    t = context.t
    chat = update.effective_chat
    if chat is None:
        return
    unit = await _scope(context, officer)
    now = services.clock.now()
    year_start = date(end.year, 1, 1)
    s = await services.summaries.build(officer.commune_id, year_start, end, now, unit=unit)
    rows = await services.summaries.dossier_rows(officer.commune_id)
    if unit is not None:
        rows = [r for r in rows if r["unit_key"] == unit]
    number = t.number
    weekly_labels = {"received": t("chart.received"), "on_time": t("chart.on_time"),
                     "title": t("chart.weekly_title"), "empty": t("chart.empty"), "spread": t("chart.spread")}
    weekly = await off_loop(charts.weekly_dossiers, rows, end, weekly_labels, number)
    area_names = {k: t(f"area_short.{k}") for k in [*AREA_KEYS, "none"]}
    areas = await off_loop(charts.completion_by_area, s.per_area, area_names, t("chart.areas_title"),
                           t("chart.areas_x"))
    done_dates = await services.summaries.done_dates(s.tasks)
    done = [done_dates.get(x.id) if x.status == "done" else None for x in s.tasks]
    burn_labels = {"ideal": t("chart.ideal"), "actual": t("chart.actual"), "open": t("chart.open"),
                   "title": t("chart.burndown_title"), "months": t("chart.months", year=end.year)}
    burn = await off_loop(charts.burndown, done, end.year, min(end, now.date()), burn_labels)
    for name, data, caption in (("ho-so-theo-tuan.png", weekly, t("chart.weekly_title")),
                                ("tien-do-linh-vuc.png", areas, t("chart.areas_title")),
                                ("burn-down.png", burn, t("chart.burndown_title"))):
        await context.bot.send_photo(reply_chat_id(update) or chat.id, InputFile(data, filename=name), caption=caption)


@requires(Perm.EXPORT)
async def xuatbaocao(update: Update, context: BotContext) -> None:
    officer = context.officer
    assert officer is not None
    now = context.services.clock.now()
    args, request = split_request(context.args or [])
    period = context.services.summaries.period_in_words(" ".join(args), now.date()) if args else (
        date(now.year, 1, 1), now.date())
    if period is None:
        await reply(update, context, "summary.bad_period", value=" ".join(args))
        return
    await send_exports(update, context, officer, *period, request=request)


def split_request(args: list[str]) -> tuple[list[str], str | None]:
    """"/xuatbaocao quý 4 theo Công văn số 123/SNV-CCHC ngày 05/12/2026 của Sở Nội vụ": the period, and the
    upper level's request the report answers (its opening line names it)."""
    folded = [fold(a) for a in args]
    if "theo" not in folded:
        return args, None
    i = folded.index("theo")
    request = " ".join(args[i + 1:]).strip()
    return args[:i], request[:300] or None


async def send_exports(update: Update, context: BotContext, officer: Officer, start: date, end: date, *,
                       request: str | None = None) -> None:
    services = context.services
    chat = update.effective_chat
    if chat is None:
        return
    t = context.t
    s = await services.summaries.build(officer.commune_id, start, end, services.clock.now())
    files = await report_files(services.repos, officer.commune_id, s, request=request)
    target = reply_chat_id(update) or chat.id
    await context.bot.send_document(target, InputFile(files.docx, filename=f"bao-cao-cchc-{files.stamp}.docx"),
                                    caption=t("export.caption_docx", start=t.date(start), end=t.date(end)))
    await context.bot.send_document(target, InputFile(files.xlsx, filename=f"so-lieu-cchc-{files.stamp}.xlsx"),
                                    caption=t("export.caption_xlsx"))
