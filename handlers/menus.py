"""Telegram's command menu per person: an officer sees the commands their roles allow, in their language
(`BotCommandScopeChat`); a stranger sees /start and /help. Set on joining, on a role or language change,
and at start for everyone whose roles, language or state changed since (also from the shell)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.core.models import Officer
from bot.core.permissions import STRANGER_MENU, menu_commands, menu_key
from bot.i18n import translator
from bot.services.people import PeopleService

log = logging.getLogger(__name__)


async def set_default_menu(bot: Any) -> None:
    for locale in ("vi", "en"):
        t = translator(locale)
        commands = [BotCommand(name, t(f"menu.{name}")) for name in STRANGER_MENU]
        await bot.set_my_commands(commands, language_code=None if locale == "vi" else locale)


async def sync_menu(bot: Any, people: PeopleService, officer: Officer) -> bool:
    """Set the officer's own menu if what it depends on changed. Returns whether it was set."""
    key = menu_key(officer.roles, officer.locale, officer.active)
    if officer.menu_key == key:
        return False
    scope = BotCommandScopeChat(officer.telegram_id)
    try:
        if officer.active:
            t = translator(officer.locale)
            await bot.set_my_commands([BotCommand(n, t(f"menu.{n}")) for n in menu_commands(officer.roles)],
                                      scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as exc:  # a chat that never started the bot: set when they do
        log.info("menu of %s not set (%s)", officer.telegram_id, exc)
        return False
    await people.menu_set(officer, key)
    return True


async def sync_all(bot: Any, people: PeopleService) -> int:
    """Every officer's menu that is out of date (at start). Returns how many were set."""
    count = 0
    for officer in await people.everyone():
        if officer.menu_key != menu_key(officer.roles, officer.locale, officer.active):
            count += await sync_menu(bot, people, officer)
    return count
