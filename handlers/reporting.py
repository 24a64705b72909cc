"""Reporting in chat: free text → read-back → ✅ Lưu / ✏️ Sửa / ❌ Hủy; edits, /hoantac, drafts.

Understand (core parser) → service (bot.services.readbacks) → storage → render (handlers.render) → reply.
"""

from __future__ import annotations

import logging
import re
from typing import Any, TypeVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType

from bot.core.absence import parse_absence
from bot.core.models import Officer
from bot.core.parse import find_refs, parse_message, percent_over_100, prepare
from bot.core.permissions import Perm, allowed
from bot.core.readback import ReadbackRecord
from bot.core.text import fold
from bot.services.readbacks import SaveOutcome
from handlers.callbacks import EditChoice, PickTask, ReadbackPress, UndoChoice
from handlers.common import button, edit_html, esc, reply, send_html
from handlers.context import BotContext
from handlers.explain import maybe_answer
from handlers.extend import maybe_request
from handlers.forms import consume
from handlers.people import record_leave
from handlers.readback_send import forged, send_readback
from handlers.render import (
    counts_text,
    edit_proposal_buttons,
    edit_proposal_text,
    fmt_date,
    readback_buttons,
    readback_text,
)
from handlers.tasks import my_tasks, one_task
from jobs import cancel

log = logging.getLogger(__name__)
R = TypeVar("R", ReadbackPress, PickTask, EditChoice, UndoChoice)

# "nhiệm vụ của em là gì", "em phải làm gì": two searches, never `.*` between words (linear on any input)
_TASK_WORD = re.compile(r"\b(?:nhiem vu|viec|cong viec)\b")
_WHOSE = re.compile(r"\b(?:cua (?:em|toi|minh|anh|chi)|gi|nao)\b")
_WHAT_TO_DO = re.compile(r"\bem (?:phai|can) lam gi\b")


def _asks_tasks(folded: str) -> bool:
    first = _TASK_WORD.search(folded)
    if first is not None:
        line_end = folded.find("\n", first.end())
        if _WHOSE.search(folded, first.end(), line_end if line_end >= 0 else len(folded)):
            return True
    return bool(_WHAT_TO_DO.search(folded))


def _addressed_in_group(message: Message, context: BotContext) -> tuple[bool, str]:
    """In a group the bot answers only mentions of it and replies to it; returns (addressed, text)."""
    text = message.text or ""
    username = context.bot.username or ""
    mention = f"@{username}"
    if username and mention.lower() in text.lower():
        return True, re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE).strip()
    reply_to = message.reply_to_message
    if reply_to is not None and reply_to.from_user is not None and reply_to.from_user.id == context.bot.id:
        return True, text
    return False, text


async def text_message(update: Update, context: BotContext) -> None:
    message = update.effective_message
    chat = update.effective_chat
    officer = context.officer
    if message is None or chat is None or officer is None or message.text is None:
        return
    text = message.text
    in_group = chat.type != ChatType.PRIVATE
    if not in_group and (await consume(update, context) or await maybe_answer(update, context, text)
                         or await maybe_request(update, context, text)):
        return
    if in_group:
        addressed, text = _addressed_in_group(message, context)
        if not addressed:
            return
    services = context.services
    now = services.clock.now()
    result = parse_message(text, now)
    result.progress = [item for item in result.progress if item.says_something]
    if not result.says_something:
        await _not_a_report(update, context, officer, text)
        return
    if not allowed(officer.roles, Perm.REPORT):
        await reply(update, context, "misc.forbidden")
        return
    pending = await services.readbacks.create(
        officer, result, text=text, chat_id=officer.telegram_id if in_group else chat.id,
        source_message_id=message.message_id, inbox_id=context.state.inbox_id, now=now, source_chat_id=chat.id,
    )
    await send_readback(update, context, pending, in_group=in_group)


async def _own_press(
    update: Update, context: BotContext, kind: type[R]
) -> tuple[CallbackQuery, R, ReadbackRecord, Officer] | None:
    """A button press on the presser's own read-back: (query, payload, read-back, officer), or None: stale or
    forged data is audited and answered."""
    pressed = button(update, context, kind)
    if pressed is None:
        return None
    query, officer, m = pressed
    pending = await context.services.readbacks.get(m.readback_id) if m else None
    if m is None or pending is None or pending.officer_id != officer.id:
        await forged(update, context)
        return None
    return query, m, pending, officer


async def readback_button(update: Update, context: BotContext) -> None:
    services = context.services
    press = button(update, context, ReadbackPress)
    wanted = press[2] if press is not None else None
    if press is not None and wanted is not None and wanted.action in ("save", "force"):
        query, officer, m = press[0], press[1], wanted
        saved = await services.readbacks.save_pressed(m.readback_id, officer, services.clock.now(),
                                                      force=m.action == "force")  # one trip to the database
        if saved is None:
            await forged(update, context)
            return
        pending, outcome = saved
    else:
        pressed = await _own_press(update, context, ReadbackPress)
        if pressed is None:
            return
        query, m, pending, officer = pressed
    action = m.action
    t = context.t
    chat_id, message_id = pending.chat_id, pending.bot_message_id or (
        query.message.message_id if query.message else 0)
    if action in ("save", "force"):
        if outcome.already:
            await query.answer(t(f"readback.already_{outcome.already}"), show_alert=True)
            return
        if outcome.needs_confirmation:  # say why, and ask before anything is saved
            lines = _confirmation_lines(t, outcome)
            if outcome.replaces is not None:
                old = counts_text(t, outcome.replaces) or "—"
                lines.append(t("readback.confirm_replace", old=esc(old)))
            markup = InlineKeyboardMarkup([[
                ReadbackPress("force", pending.id).button(t("button.save_anyway")),
                ReadbackPress("cancel", pending.id).button(t("button.cancel"))]])
            await edit_html(context, chat_id, message_id,
                            readback_text(t, pending.payload) + "\n\n" + "\n".join(lines), markup)
            await query.answer()
            return
        lines = [readback_text(t, pending.payload, "saved")]
        if outcome.duplicates:
            lines.append(t("readback.duplicates", codes=", ".join(outcome.duplicates)))
        if outcome.dossier_duplicate:
            lines.append(t("readback.dossier_duplicate"))
        await edit_html(context, chat_id, message_id, "\n".join(lines))
        await query.answer(t("readback.saved_toast"))
        _cancel_expiry(context, pending.id)
    elif action == "cancel":
        already = await services.readbacks.cancel(pending)
        if already:
            await query.answer(t(f"readback.already_{already}"), show_alert=True)
            return
        await edit_html(context, chat_id, message_id, readback_text(t, pending.payload, "cancelled"))
        await query.answer(t("readback.cancelled_toast"))
        _cancel_expiry(context, pending.id)
    else:
        editing = await services.readbacks.begin_edit(pending)
        if isinstance(editing, str):  # saved, cancelled or replaced meanwhile
            await query.answer(t(f"readback.already_{editing}"), show_alert=True)
            return
        await edit_html(context, chat_id, message_id,
                        readback_text(t, pending.payload, "editing") + "\n" + t("readback.edit_hint"))
        await query.answer()
        _cancel_expiry(context, pending.id)


def _confirmation_lines(t: Any, outcome: SaveOutcome) -> list[str]:
    """Why a save waits for a second press: newer reports on its tasks, figures that disagree."""
    lines = [t("readback.newer_header")] if outcome.newer else []
    for code, newer in outcome.newer:
        lines.append(t("readback.newer_line", code=esc(code), name=esc(newer.officer_name),
                       when=fmt_date(t, newer.created_at[:10]),
                       state=t(f"status.{newer.status}") if newer.status else "—",
                       percent=newer.percent if newer.percent is not None else "—"))
    if outcome.implausible:
        lines.append(t("readback.confirm_implausible"))
    return lines


async def edit_decision(update: Update, context: BotContext) -> None:
    """✅ Thay bằng bản sửa / ❌ Giữ bản đã lưu, after a saved report's message was edited."""
    pressed = await _own_press(update, context, EditChoice)
    if pressed is None:
        return
    query, m, pending, officer = pressed
    services, t = context.services, context.t
    action, n = m.action, m.n
    outcome = await services.readbacks.decide_edit(pending, officer, n, action != "n", services.clock.now(),
                                                 force=action == "f")
    chat_id, message_id = query.message.chat.id if query.message else pending.chat_id, (
        query.message.message_id if query.message else 0)
    if isinstance(outcome, str):
        if outcome == "kept":
            await edit_html(context, chat_id, message_id,
                            readback_text(t, pending.payload, "saved") + "\n" + t("readback.edit_kept"))
            await query.answer()
        else:
            await query.answer(t(f"readback.edit_{outcome}"), show_alert=True)
        return
    assert pending.payload.proposed_edit is not None  # decide_edit answered "gone" otherwise
    proposal = pending.payload.proposed_edit.payload
    if outcome.needs_confirmation:
        await edit_html(context, chat_id, message_id,
                        edit_proposal_text(t, pending.payload, proposal) + "\n\n" +
                        "\n".join(_confirmation_lines(t, outcome)),
                        edit_proposal_buttons(t, pending.id, n, force=True))
        await query.answer()
        return
    await edit_html(context, chat_id, message_id, readback_text(t, proposal, "saved") + "\n" +
                    t("readback.resaved", codes=", ".join(outcome.saved) or "—"))
    await query.answer(t("readback.saved_toast"))


async def pick_button(update: Update, context: BotContext) -> None:
    pressed = await _own_press(update, context, PickTask)
    if pressed is None:
        return
    query, m, pending, officer = pressed
    services = context.services
    if not pending.open:
        await query.answer(context.t(f"readback.already_{pending.state}"), show_alert=True)
        return
    picked = await services.readbacks.pick(pending, m.index, m.task_id, officer)
    await edit_html(context, picked.chat_id, picked.bot_message_id or 0,
                    readback_text(context.t, picked.payload), readback_buttons(context.t, picked))
    await query.answer()


def _cancel_expiry(context: BotContext, pending_id: int) -> None:
    cancel(context.application, f"readback:{pending_id}")


async def edited_message(update: Update, context: BotContext) -> None:
    """Editing a message re-reads it: the pending read-back, or the saved report, follows the new text."""
    message = update.edited_message
    officer = context.officer
    if message is None or officer is None or message.text is None:
        return
    services = context.services
    pending = await services.readbacks.of_message(message.chat.id, message.message_id)
    now = services.clock.now()
    result = parse_message(message.text, now)
    if pending is None:
        if result.intent != "unknown" and message.chat.type == ChatType.PRIVATE:
            await text_message(update, context)
        return
    t = context.t
    if result.intent == "unknown":
        await reply(update, context, "readback.edit_unclear")
        return
    if pending.state in ("pending", "draft", "editing"):
        fresh = await services.readbacks.replace(pending, officer, result, message.text, now.date())
        if fresh.bot_message_id:
            await edit_html(context, fresh.chat_id, fresh.bot_message_id,
                            readback_text(t, fresh.payload) + "\n" + t("readback.updated_by_edit"),
                            readback_buttons(t, fresh))
        return
    if pending.state == "saved":  # nothing saved changes before the sender says so
        proposal, n = await services.readbacks.propose_edit(pending, officer, result, message.text, now.date())
        await send_html(update, context, edit_proposal_text(t, pending.payload, proposal),
                        markup=edit_proposal_buttons(t, pending.id, n))


async def undo(update: Update, context: BotContext) -> None:
    officer = context.officer
    if officer is None:
        return
    services = context.services
    pending, ask = await services.readbacks.last_to_undo(officer, services.clock.now())
    if pending is None:
        await reply(update, context, "undo.nothing")
        return
    t = context.t
    if ask:  # an old report, or not the last thing they did: show it and ask
        markup = InlineKeyboardMarkup([[
            UndoChoice("ok", pending.id).button(t("button.undo_yes")),
            UndoChoice("no", pending.id).button(t("button.undo_no"))]])
        text = t("undo.ask", when=t.date(pending.created_at.date())) + "\n\n" + readback_text(
            t, pending.payload, "saved")
        await send_html(update, context, text, markup=markup)
        return
    undone = await services.readbacks.undo(pending, officer)
    if undone is not None:
        await send_html(update, context, readback_text(t, undone.payload, "undone"))


async def undo_button(update: Update, context: BotContext) -> None:
    pressed = await _own_press(update, context, UndoChoice)
    if pressed is None:
        return
    query, m, pending, officer = pressed
    t = context.t
    chat_id = query.message.chat.id if query.message else officer.telegram_id
    message_id = query.message.message_id if query.message else 0
    if m.action == "no":
        await edit_html(context, chat_id, message_id, t("undo.kept"))
        await query.answer()
        return
    undone = await context.services.readbacks.undo(pending, officer)
    if undone is None:
        await query.answer(t("undo.nothing"), show_alert=True)
        return
    await edit_html(context, chat_id, message_id, readback_text(t, undone.payload, "undone"))
    await query.answer()


async def _not_a_report(update: Update, context: BotContext, officer: Officer, text: str) -> None:
    services = context.services
    now = services.clock.now()
    leave = parse_absence(text, now)
    if leave is not None:

        await record_leave(update, context, officer, leave)
        return
    if (value := percent_over_100(text)) is not None:
        await reply(update, context, "report.percent_over_100", value=value)
        return
    refs = find_refs(prepare(text)[1])
    if refs:  # "nhiệm vụ 1.3 là gì?", "nv 1.3 hạn khi nào?": names a task but reports nothing

        await one_task(update, context, refs[0].code)
        return
    folded = fold(text)
    if _asks_tasks(folded):

        await my_tasks(update, context)
        return
    await send_html(update, context, context.t("report.not_understood_intro") + "\n" + await examples(context, officer))


async def examples(context: BotContext, officer: Officer) -> str:
    """Two or three examples that fit the sender's own tasks."""
    t = context.t
    own = await context.services.tasks.own_open(officer)
    lines = [t("report.examples_header")]
    if own:
        lines.append("• <i>" + esc(t("report.example_percent", code=own[0].code)) + "</i>")
        lines.append("• <i>" + esc(t("report.example_done", code=own[min(1, len(own) - 1)].code)) + "</i>")
    else:
        lines.append("• <i>" + esc(t("report.example_percent", code="1.2")) + "</i>")
    if officer.unit_key == "mot-cua" or not own:
        lines.append("• <i>" + esc(t("report.example_dossier")) + "</i>")
    lines.append(t("report.examples_footer"))
    return "\n".join(lines)


async def unknown_button(update: Update, context: BotContext) -> None:
    """A button from an old message or forged data that no handler knows."""
    await forged(update, context)
