"""/start, /help and /huongdan, /ngonngu."""

from __future__ import annotations

from telegram import Update

from bot.core.permissions import menu_commands
from bot.core.text import fold
from bot.i18n import translator
from handlers.common import reply, send_html
from handlers.context import BotContext
from handlers.menus import sync_menu


def role_names(context: BotContext, roles: tuple[str, ...]) -> str:
    return ", ".join(context.t(f"role.{r}") for r in roles)


async def start(update: Update, context: BotContext) -> None:
    officer = context.officer
    if officer is None:  # a stranger with an invite code: registration (invites) handles it
        user_id = update.effective_user.id if update.effective_user else 0
        await reply(update, context, "refuse.stranger", user_id=user_id)
        return
    services = context.services
    units = await services.people.unit_names(officer.commune_id)
    commune = await services.people.commune(officer.commune_id)
    await reply(
        update, context, "start.greeting",
        name=officer.name, roles=role_names(context, officer.roles),
        unit=units.get(officer.unit_key or "", context.t("start.no_unit")),
        commune=commune.name if commune else "",
    )


async def help_command(update: Update, context: BotContext) -> None:
    officer = context.officer
    if officer is None:
        return
    lines = [context.t("help.header")]
    for name in menu_commands(officer.roles):  # the same set as the person's Telegram menu
        lines.append(f"/{name} — {context.t(f'help.{name}')}")
    lines.append(context.t("help.footer"))
    await send_html(update, context, "\n".join(lines))


async def unknown_command(update: Update, context: BotContext) -> None:
    msg = update.effective_message
    command = (msg.text or "").split()[0] if msg and msg.text else ""
    await reply(update, context, "unknown.command", command=command)


async def other_kind(update: Update, context: BotContext) -> None:
    """A voice message, sticker, location, contact, video…: one line on what the bot does read (in private
    chats; a group is not answered)."""
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return
    await reply(update, context, "unknown.kind")


_LANGUAGES = {"vi": "vi", "tieng viet": "vi", "viet": "vi", "vn": "vi", "en": "en", "english": "en",
              "tieng anh": "en", "anh": "en"}


async def ngonngu(update: Update, context: BotContext) -> None:
    """/ngonngu en · /ngonngu vi: the language the bot speaks to this user."""
    officer = context.officer
    if officer is None:
        return
    wanted = _LANGUAGES.get(fold(" ".join(context.args or [])).strip())
    if wanted is None:
        await reply(update, context, "language.usage", current=context.t(f"language.name_{officer.locale}"))
        return
    services = context.services
    changed = await services.people.set_locale(officer, wanted)
    if changed is not None:
        await sync_menu(context.bot, services.people, changed)
    await send_html(update, context, translator(wanted)("language.changed"))
