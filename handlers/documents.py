"""Files sent to the bot: a plan to import (preview, ✅ Nhập / ❌ Hủy), or evidence for a task."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.core.models import Officer
from bot.core.parse import find_refs, prepare
from bot.core.permissions import Perm, allowed
from bot.core.plan_import import ImportedPlan, PlanImportError, read_plan
from bot.core.plan_tables import KINDS
from bot.i18n import render_note
from bot.services.tasks import may_report_on
from bot.worker import off_loop
from handlers import callbacks
from handlers.callbacks import PlanColumn, PlanColumnKind, PlanDecision
from handlers.common import edit_html, esc, reply, send_html
from handlers.context import BotContext

MAX_FILE = 20 * 1024 * 1024  # what the Bot API lets a bot download


async def document(update: Update, context: BotContext) -> None:
    message = update.effective_message
    officer = context.officer
    if message is None or officer is None:
        return
    caption = message.caption or ""
    _, folded = prepare(caption)
    refs = find_refs(folded)
    if refs and allowed(officer.roles, Perm.REPORT):
        await _evidence(update, context, refs[0].code, caption)
        return
    doc = message.document
    if doc is None:  # a photo without a task in its caption
        await reply(update, context, "evidence.need_task")
        return
    if not allowed(officer.roles, Perm.IMPORT_PLAN):
        await reply(update, context, "evidence.need_task")
        return
    if doc.file_size and doc.file_size > MAX_FILE:
        await reply(update, context, "plan.too_big")
        return
    year_match = re.search(r"\b(20\d\d)\b", caption)
    year = int(year_match.group(1)) if year_match else None
    filename = doc.file_name or "plan"
    plan = await _read(update, context, doc.file_id, filename, year)
    if plan is None:
        return
    services = context.services
    token = await services.plans.preview(officer, doc.file_id, filename, year, services.clock.now())
    await send_html(update, context, preview_text(context, plan), markup=_preview_buttons(context, plan, token))


def _preview_buttons(context: BotContext, plan: ImportedPlan, token: str) -> InlineKeyboardMarkup:
    t = context.t
    rows = [[PlanDecision("ok", token).button(t("button.import")),
             PlanDecision("no", token).button(t("button.cancel"))]]
    if plan.tables:  # columns read by their header or their content: the office may correct them
        rows.append([PlanDecision("cols", token).button(t("plan.fix_columns"))])
    return InlineKeyboardMarkup(rows)


async def _read(update: Update, context: BotContext, file_id: str, filename: str,
                year: int | None, columns: dict[str, str] | None = None) -> ImportedPlan | None:
    """Download and read a plan file; a file that is no plan gets the reason and None."""
    file = await context.bot.get_file(file_id)
    data = bytes(await file.download_as_bytearray())
    try:
        return await off_loop(read_plan, filename, data, year=year, columns=columns)
    except PlanImportError as exc:
        await reply(update, context, "plan.not_a_plan", reason=render_note(context.t, exc.note))
        return None


def preview_text(context: BotContext, plan: ImportedPlan) -> str:
    t = context.t
    lines = [t("plan.preview_header", title=esc(plan.title), year=plan.year, n=len(plan.tasks))]
    for area, n in sorted(plan.count_by_area().items(), key=lambda x: -x[1]):
        lines.append(t("plan.preview_area", area=t(f"area.{area or 'none'}"), n=n))
    for number, columns in plan.tables:  # how each table was read ("cột 3 = Chủ trì")
        lines.append(t("plan.preview_table", n=number + 1, columns=", ".join(
            t("plan.column_is", n=j + 1, kind=t(f"plan.kind_{k}")) for j, k in columns.items())))
    if plan.kpis:
        lines.append(t("plan.preview_kpis", kpis=", ".join(
            f"{t(f'kpi.{k.key}')} {k.op} {t.number(k.target)}%" for k in plan.kpis)))
    for w in plan.warnings[:8]:
        lines.append("⚠️ " + esc(render_note(t, w)))
    if len(plan.warnings) > 8:
        lines.append(t("plan.more_warnings", n=len(plan.warnings) - 8))
    lines.append(t("plan.preview_footer"))
    return "\n".join(lines)


async def plan_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    officer = context.officer
    if query is None or officer is None or not query.data or query.message is None:
        return
    t = context.t
    if not allowed(officer.roles, Perm.IMPORT_PLAN):
        await query.answer(t("misc.forbidden"), show_alert=True)
        return
    services = context.services
    m = callbacks.decode(query.data)
    if isinstance(m, PlanColumn | PlanColumnKind) or (isinstance(m, PlanDecision) and m.action == "cols"):
        await _column_button(update, context, officer, m)
        return
    if not isinstance(m, PlanDecision):
        m = None
    preview = await services.plans.take(m.token, officer, services.clock.now()) if m else None
    if m is None or preview is None:
        await query.answer(t("plan.expired"), show_alert=True)
        return
    chat_id, message_id = query.message.chat.id, query.message.message_id
    if m.action == "no":
        await edit_html(context, chat_id, message_id, t("plan.cancelled"))
        await query.answer()
        return
    plan = await _read(update, context, preview.file_id, preview.filename, preview.year, preview.columns or None)
    if plan is None:
        await query.answer()
        return
    summary = await services.plans.store(officer, plan, preview.filename, services.clock.now())
    await edit_html(context, chat_id, message_id, esc(summary))
    await query.answer(t("plan.imported_toast"))


async def _column_button(update: Update, context: BotContext, officer: Officer,
                         m: PlanDecision | PlanColumn | PlanColumnKind) -> None:
    """plan:cols:TOKEN (which column?) · plan:col:TOKEN:T:C (read it as?) · plan:set:TOKEN:T:C:K (so be it:
    the file is read again with the correction and the preview shown anew)."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    t = context.t
    services = context.services
    preview = await services.plans.get(m.token, officer, services.clock.now())
    if preview is None:
        await query.answer(t("plan.expired"), show_alert=True)
        return
    token = m.token
    chat_id, message_id = query.message.chat.id, query.message.message_id
    if isinstance(m, PlanColumnKind) and m.kind < len(KINDS):
        preview = await services.plans.correct(preview, m.table, m.column, KINDS[m.kind])
    plan = await _read(update, context, preview.file_id, preview.filename, preview.year, preview.columns or None)
    if plan is None:
        await query.answer()
        return
    if isinstance(m, PlanDecision):
        rows = [[InlineKeyboardButton(t("plan.column_button", table=number + 1, n=j + 1, kind=t(f"plan.kind_{k}")),
                                      callback_data=PlanColumn(token, number, j).encode())]
                for number, cols in plan.tables for j, k in cols.items()][:40]
        await edit_html(context, chat_id, message_id, t("plan.pick_column"), InlineKeyboardMarkup(rows))
    elif isinstance(m, PlanColumn):
        pick = [InlineKeyboardButton(t(f"plan.kind_{k}"),
                                     callback_data=PlanColumnKind(token, m.table, m.column, i).encode())
                for i, k in enumerate(KINDS)]
        await edit_html(context, chat_id, message_id, t("plan.pick_kind", n=m.column + 1),
                        InlineKeyboardMarkup([pick[i:i + 3] for i in range(0, len(pick), 3)]))
    else:
        await edit_html(context, chat_id, message_id, preview_text(context, plan),
                        _preview_buttons(context, plan, token))
    await query.answer()


async def _evidence(update: Update, context: BotContext, code: str, caption: str) -> None:
    """A document or photo whose caption names a task becomes that task's product (sản phẩm)."""
    officer = context.officer
    message = update.effective_message
    assert officer is not None and message is not None
    services = context.services
    task = await services.tasks.by_code(officer.commune_id, code)
    if task is None:
        await reply(update, context, "tasks.unknown_code", code=code)
        return
    if not may_report_on(task, officer):
        await reply(update, context, "evidence.not_yours", code=task.code)
        return
    if message.document is not None:
        file_id, name = message.document.file_id, message.document.file_name or context.t("evidence.a_file")
    else:
        file_id, name = message.photo[-1].file_id, context.t("evidence.a_photo")
    await services.tasks.add_evidence(task, file_id, f"{name}: {caption}".strip(), officer, services.clock.now())
    await reply(update, context, "evidence.saved", code=task.code, name=name)
