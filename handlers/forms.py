"""/baocao: a guided form for those who prefer buttons.

Task: pick a task → 25/50/75/100% or a status → optional date → optional note → the normal read-back.
Dossiers: the usual fields one by one (this week), each skippable → the normal read-back with its checks.
The form's place is kept in the database (a restart of the bot loses nothing); a form left alone for
FORM_MINUTES is forgotten, so a later message is read as a message, not as an answer to an old question.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.core.parse import DossierFigures, ParseResult, ProgressItem, parse_message
from handlers import callbacks
from handlers.callbacks import FormCancel, FormDossier, FormProgress, FormSkip, FormTask
from handlers.common import esc, reply, send_html
from handlers.context import BotContext
from handlers.readback_send import send_readback
from handlers.render import short

FORM_MINUTES = 30
DOSSIER_FIELDS = ("received", "online", "direct", "postal", "resolved", "late", "apologized", "pending")
PERCENT_CHOICES = ("25", "50", "75", "100")
_NUMBER = re.compile(r"^\s*(\d{1,3}(?:\.\d{3})+|\d{1,7})\s*$")


async def baocao(update: Update, context: BotContext) -> None:
    officer = context.officer
    if officer is None:
        return
    t = context.t
    own = await context.services.tasks.own_open(officer)
    rows = [[FormTask(x.id).button(f"{x.code} {short(x.title, 40)}")] for x in own[:8]]
    rows.append([FormDossier().button(t("form.dossier_button"))])
    rows.append([FormCancel().button(t("button.cancel"))])
    services = context.services
    await services.forms.begin(officer, services.clock.now())
    await send_html(update, context, t("form.pick_task"), markup=InlineKeyboardMarkup(rows))


@asynccontextmanager
async def _form(context: BotContext) -> AsyncIterator[dict[str, Any] | None]:
    """The sender's form, saved again when the step is done (dropped once it is emptied: finished or
    cancelled); None when there is none, or it was left alone too long."""
    officer = context.officer
    assert officer is not None
    forms = context.services.forms
    now = context.services.clock.now()
    form = await forms.current(officer, since=now - timedelta(minutes=FORM_MINUTES))
    yield form
    if form is None:
        return
    if form:
        await forms.keep(officer, form, now)  # every answer keeps the form alive
    else:
        await forms.drop(officer)


async def form_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    officer = context.officer
    if query is None or officer is None or not query.data:
        return
    async with _form(context) as form:
        t = context.t
        data = callbacks.decode(query.data)
        await query.answer()
        if form is None:
            await send_html(update, context, t("form.expired"))
            return
        if isinstance(data, FormCancel):
            form.clear()
            await send_html(update, context, t("form.cancelled"))
            return
        if isinstance(data, FormDossier):
            form.clear()
            form.update(step="dossier", index=0, counts={})
            await _ask_dossier(update, context, form)
            return
        if isinstance(data, FormTask) and form.get("step") == "pick":
            task = await context.services.tasks.by_id(data.task_id)
            if task is None or task.commune_id != officer.commune_id:
                return
            form.update(step="progress", task_id=task.id, code=task.code)
            buttons = [FormProgress(str(p)).button(f"{p}%") for p in PERCENT_CHOICES]
            await send_html(update, context, t("form.pick_progress", code=esc(task.code), title=esc(short(task.title))),
                            markup=InlineKeyboardMarkup([buttons, [
                                FormProgress("blocked").button(t("form.blocked")),
                                FormProgress("not_started").button(t("form.not_started")),
                            ]]))
            return
        if isinstance(data, FormProgress) and form.get("step") == "progress" and (
                data.value in ("blocked", "not_started") or (data.value.isdigit() and int(data.value) <= 100)):
            value = data.value
            if value.isdigit():
                form["percent"] = int(value)
                form["status"] = "done" if value == "100" else "in_progress"
            else:
                form["status"] = value
                form["percent"] = None
            form["step"] = "date"
            await send_html(update, context, t("form.ask_date"), markup=_skip(t("form.skip")))
            return
        if isinstance(data, FormSkip):
            await _skip_step(update, context, form)


def _skip(label: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[FormSkip().button(label)]])


async def _skip_step(update: Update, context: BotContext, form: dict[str, Any]) -> None:
    step = form.get("step")
    if step == "date":
        form["step"] = "note"
        await send_html(update, context, context.t("form.ask_note"), markup=_skip(context.t("form.skip")))
    elif step == "note":
        await _finish_task(update, context, form)
    elif step == "dossier":
        form["index"] += 1
        await _ask_dossier(update, context, form)


async def consume(update: Update, context: BotContext) -> bool:
    """If the sender is filling the form, take this text as the answer. Returns True when consumed."""
    message = update.effective_message
    if message is None or message.text is None:
        return False
    async with _form(context) as form:
        if form is None or form.get("step") in (None, "pick"):
            return False
        return await _answer(update, context, form, message.text.strip())


async def _answer(update: Update, context: BotContext, form: dict[str, Any], text: str) -> bool:
    t = context.t
    step = form["step"]
    now: datetime = context.services.clock.now()
    if step == "progress":  # a typed percent instead of a button
        m = re.fullmatch(r"(\d{1,3})\s*%?", text)
        if m is None or int(m.group(1)) > 100:
            await reply(update, context, "form.bad_percent", value=text)
            return True
        form["percent"] = int(m.group(1))
        form["status"] = "done" if form["percent"] == 100 else "in_progress"
        form["step"] = "date"
        await send_html(update, context, t("form.ask_date"), markup=_skip(t("form.skip")))
        return True
    if step == "date":
        word = "xong" if form.get("status") == "done" else "dự kiến"
        parsed = parse_message(f"nv {form['code']} {word} {text}", now)
        when = parsed.progress[0].date if parsed.progress else None
        if when is None:
            await reply(update, context, "form.bad_date", value=text)
            return True
        form["date"] = when.isoformat()
        form["step"] = "note"
        await send_html(update, context, t("form.ask_note"), markup=_skip(t("form.skip")))
        return True
    if step == "note":
        form["note"] = text[:500]
        await _finish_task(update, context, form)
        return True
    if step == "dossier":
        m = _NUMBER.match(text)
        if m is None:
            await reply(update, context, "form.bad_number", value=text)
            return True
        form["counts"][DOSSIER_FIELDS[form["index"]]] = int(m.group(1).replace(".", ""))
        form["index"] += 1
        await _ask_dossier(update, context, form)
        return True
    return False


async def _ask_dossier(update: Update, context: BotContext, form: dict[str, Any]) -> None:
    t = context.t
    if form["index"] >= len(DOSSIER_FIELDS):
        await _finish_dossier(update, context, form)
        return
    key = DOSSIER_FIELDS[form["index"]]
    await send_html(update, context, t("form.ask_count", field=t(f"count.{key}"), n=form["index"] + 1,
                                       total=len(DOSSIER_FIELDS)), markup=_skip(t("form.skip")))


async def _finish_task(update: Update, context: BotContext, form: dict[str, Any]) -> None:
    item = ProgressItem(task_ref=form["code"], percent=form.get("percent"), status=form.get("status"),
                        date=date.fromisoformat(form["date"]) if form.get("date") else None, note=form.get("note"))
    code = form["code"]
    form.clear()
    await _readback(update, context, ParseResult("progress", [item], None), f"/baocao {code}")


async def _finish_dossier(update: Update, context: BotContext, form: dict[str, Any]) -> None:
    counts = dict(form["counts"])
    form.clear()
    if not counts:
        await reply(update, context, "form.cancelled")
        return
    result = ParseResult("dossier", [], DossierFigures(None, None, counts))
    await _readback(update, context, result, "/baocao hồ sơ")


async def _readback(update: Update, context: BotContext, result: ParseResult, text: str) -> None:

    officer = context.officer
    chat = update.effective_chat
    assert officer is not None and chat is not None
    services = context.services
    pending = await services.readbacks.create(
        officer, result, text=text, chat_id=chat.id, source_message_id=None, inbox_id=context.state.inbox_id,
        now=services.clock.now(),
    )
    await send_readback(update, context, pending, in_group=False)
