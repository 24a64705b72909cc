"""The composition root: builds the Application with its services, handlers and jobs."""

from __future__ import annotations

import logging

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from bot import redact
from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.offline.botapi import OFFLINE_TOKEN
from bot.services.container import Services
from bot.serving.intake import Intake
from bot.serving.retry import RetryingRequest
from bot.serving.safebot import ChatRateLimiter, SafeBot
from handlers.context import BotContext, CCHCApplication
from handlers.menus import set_default_menu, sync_all
from handlers.routes import register_handlers
from jobs.rebuild import rebuild_jobs

log = logging.getLogger(__name__)


def build_application(
    settings: Settings, *, request: BaseRequest | None = None, clock: Clock | None = None,
    rate_limit: bool | None = None,
) -> CCHCApplication:
    """Build the bot. `request` replaces the network (offline Bot API); `clock` replaces real time.

    Updates enter through `app.intake` (stored, then handled), never through PTB's Updater. The rate
    limiter (Telegram's 30 msg/s overall, 20/min per group, 1/s per private chat) is on when serving Telegram.
    """
    redact.install(settings.token.get_secret_value() if settings.token else None)
    clock = clock or SystemClock(settings.tz)
    services = Services(settings=settings, clock=clock, db_path=settings.db_path)
    context_types = ContextTypes(context=BotContext)
    token = settings.token.get_secret_value() if settings.token and request is None else OFFLINE_TOKEN

    async def wait(seconds: float) -> None:
        await services.sleep(seconds)

    async def mark_handled(inbox_id: int) -> None:
        await services.repos.inbox.mark_handled_now(inbox_id)

    async def flush() -> None:
        await services.db.flush()

    base = settings.base_url.rstrip("/") if settings.base_url else None
    inner = request if request is not None else HTTPXRequest(connection_pool_size=16)
    # the limiter paces sends and never retries: retrying is RetryingRequest's alone (one layer)
    limiter = ChatRateLimiter(max_retries=0) if (rate_limit if rate_limit is not None else request is None) else None
    bot = SafeBot(
        token,
        base_url=f"{base}/bot" if base else "https://api.telegram.org/bot",
        base_file_url=f"{base}/file/bot" if base else "https://api.telegram.org/file/bot",
        request=RetryingRequest(inner, wait),
        get_updates_request=request if request is not None else HTTPXRequest(connection_pool_size=1, read_timeout=45),
        rate_limiter=limiter,
        # every message is HTML (user text escaped by the renderers) without link previews
        defaults=Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)),
        before_first_send=mark_handled,
        before_visible=flush,
    )
    builder = (
        ApplicationBuilder()
        .application_class(CCHCApplication, kwargs={"services": services})
        .bot(bot)
        .updater(None)
        .context_types(context_types)
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    app = builder.build()
    assert isinstance(app, CCHCApplication)
    app.intake = Intake(app, inline_refusals=request is not None)
    register_handlers(app)
    return app


async def on_startup(app: Application) -> None:
    """Open storage, set the command menus (handlers.menus), rebuild scheduled jobs from the database."""
    assert isinstance(app, CCHCApplication)
    await app.services.open()
    await set_default_menu(app.bot)
    menus = sync_all(app.bot, app.services.people)
    if app.intake.inline_refusals:  # offline: at once, so a session starts in a known state
        await menus
    else:  # a province's thousands of menus go out behind the rate limiter, not before the bot answers
        app.create_task(menus, name="menus")
    await rebuild_jobs(app)
    recovered = await app.intake.recover()
    if recovered:
        log.info("handled %d stored updates that were not handled before the stop", recovered)
    log.info("bot ready for %s", app.services.commune.name)


async def on_shutdown(app: Application) -> None:
    assert isinstance(app, CCHCApplication)
    await app.intake.stop()
    await app.services.close()
