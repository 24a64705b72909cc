"""The first and last steps every update goes through.

1. `store_raw` (group -2): the raw update goes into the inbox before anything else touches it.
2. `gatekeeper` (group -1): finds the sender's officer record; strangers and deactivated users get the
   refusal and nothing more (the attempt is audited), except `/start <invite code>`.
3. `mark_handled` (last group): the inbox row is marked handled (written behind, see `InboxRepo`).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.core.permissions import COMMANDS, allowed
from bot.serving.intake import CURRENT
from handlers.common import deny, reply
from handlers.context import BotContext, CCHCApplication
from jobs import schedule_at

log = logging.getLogger(__name__)


def _kind(update: Update) -> str:
    if update.callback_query:
        return "callback"
    if update.edited_message:
        return "edit"
    msg = update.effective_message
    if msg is None:
        return "other"
    if msg.document:
        return "document"
    if msg.photo:
        return "photo"
    if msg.text and msg.text.startswith("/"):
        return "command"
    return "text" if msg.text is not None else "other"


def _text(update: Update) -> str | None:
    if update.callback_query:
        return update.callback_query.data
    msg = update.effective_message
    if msg is None:
        return None
    return msg.text if msg.text is not None else msg.caption


async def store_raw(update: object, context: BotContext) -> None:
    """The update is in the inbox already (`bot.serving.intake` stored it before anything else); an update handed to
    the Application some other way is stored here, so that none goes unrecorded."""
    if not isinstance(update, Update):
        return
    current = CURRENT.get()
    if current is not None:
        context.state.inbox_id = current.inbox_id
        return
    services = context.services
    user = update.effective_user
    chat = update.effective_chat
    context.state.inbox_id = await services.inbox.store(
        update_id=update.update_id,
        user_id=user.id if user else None,
        chat_id=chat.id if chat else None,
        kind=_kind(update),
        text=_text(update),
        raw_json=json.dumps(update.to_dict(), ensure_ascii=False),
        at=services.clock.now(),
    )


async def _hold(update: Update, context: BotContext, user_id: int, *, first: bool) -> None:
    """A flooding user's message is kept ('held', durably) and handled when the pause ends; they are told
    so once, truthfully."""
    services = context.services
    state = context.state
    if state.inbox_id is not None:
        await services.inbox.held(state.inbox_id)
    if not first:
        return
    until = datetime.fromtimestamp(services.throttle.until(user_id), tz=services.clock.now().tzinfo)
    await services.journal.log("throttled", user_id=user_id, at=services.clock.now())
    schedule_at(context.application, _release_held, until, f"release:{user_id}", user_id)
    if update.effective_chat is not None and update.effective_chat.type == "private":
        await reply(update, context, "misc.throttled", limit=services.throttle.limit,
                    at=until.strftime("%H:%M:%S"))


async def _release_held(context: BotContext) -> None:
    job = context.job
    app = context.application
    if job is None or not isinstance(job.data, int) or not isinstance(app, CCHCApplication):
        return
    await app.intake.release_held(job.data)


def _is_invite_start(update: Update) -> bool:
    msg = update.message
    if msg is None or not msg.text:
        return False
    parts = msg.text.split()
    return len(parts) == 2 and parts[0].split("@")[0] == "/start"


async def gatekeeper(update: object, context: BotContext) -> None:
    if not isinstance(update, Update):
        return
    services = context.services
    user = update.effective_user
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    # flood control counts messages, never button taps (a guided form is a dozen taps)
    verdict = "ok" if update.callback_query is not None else services.throttle.check(
        user.id, services.clock.now().timestamp())
    if verdict != "ok":
        await _hold(update, context, user.id, first=verdict == "block")
        raise ApplicationHandlerStop
    officer = await services.people.by_telegram_id(user.id)
    if officer is not None and officer.active:
        context.state.officer = officer
        if _group_command(update) and not _group_safe(update):
            await _answer_in_private(update, context)
            raise ApplicationHandlerStop
        command = _command(update)
        perm = COMMAND_PERMS.get(command) if command else None
        if perm is not None and not allowed(officer.roles, perm):  # the one table, for every command
            await deny(update, context, perm, command or "")
            raise ApplicationHandlerStop
        return
    if _is_invite_start(update):
        return  # registration by invitation is the one thing a stranger may do
    state = context.state
    await services.journal.log("refused", user_id=user.id, at=services.clock.now(), officer=officer,
                               detail=_kind(update))
    if state.inbox_id is not None:
        await services.inbox.refused(state.inbox_id)
    chat = update.effective_chat
    if update.callback_query:
        await update.callback_query.answer(context.t("refuse.short"), show_alert=True)
    elif chat is not None and chat.type == "private":
        key = "refuse.deactivated" if officer is not None else "refuse.stranger"
        await reply(update, context, key, user_id=user.id)
    raise ApplicationHandlerStop


#: commands that show nothing of the commune and may answer in a group
GROUP_SAFE = frozenset({"help", "huongdan"})


COMMAND_PERMS = {name: perm for name, perm in COMMANDS}
COMMAND_PERMS["language"] = COMMAND_PERMS.get("ngonngu")


def _command(update: Update) -> str | None:
    msg = update.message
    if msg is None or not msg.text or not msg.text.startswith("/"):
        return None
    return msg.text.split()[0][1:].split("@")[0].lower()


def _group_command(update: Update) -> bool:
    msg = update.message
    chat = update.effective_chat
    return (msg is not None and chat is not None and chat.type != "private" and msg.text is not None
            and msg.text.startswith("/"))


def _group_safe(update: Update) -> bool:
    msg = update.message
    assert msg is not None and msg.text
    command = msg.text.split()[0][1:].split("@")[0].lower()
    return command in GROUP_SAFE


async def _answer_in_private(update: Update, context: BotContext) -> None:
    """A command with commune data typed in a group is handled as if typed in the sender's private chat;
    the group gets one line saying so, and nothing else."""
    user = update.effective_user
    assert user is not None and update.message is not None
    data = update.to_dict()
    data["message"]["chat"] = {"id": user.id, "type": "private", "first_name": user.first_name}
    private = Update.de_json(data, context.bot)
    await reply(update, context, "group.answered_private", name=user.full_name)
    await context.application.process_update(private)


async def mark_handled(update: object, context: BotContext) -> None:
    if not isinstance(update, Update):
        return
    state = context.state
    current = CURRENT.get()
    if state.inbox_id is not None and not (current is not None and current.failed):
        await context.services.inbox.handled(state.inbox_id, state.officer.commune_id if state.officer else None)
