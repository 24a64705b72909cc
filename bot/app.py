"""The composition root: builds the Application with its services, handlers and jobs."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, CallbackContext, ContextTypes, ExtBot
from telegram.request import BaseRequest

from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.core.models import Officer
from bot.core.permissions import COMMANDS
from bot.i18n import Translator, translator
from bot.services import RequestState, Services

log = logging.getLogger(__name__)


class CCHCApplication(Application):
    """An Application that carries its typed services."""

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context every handler receives: `context.services`, `context.officer`, `context.t`."""

    _update_id: int | None = None

    @classmethod
    def from_update(cls, update: object, application: Application) -> BotContext:
        ctx = super().from_update(update, application)
        ctx._update_id = update.update_id if isinstance(update, Update) else None
        return ctx

    @property
    def services(self) -> Services:
        app = self.application
        if not isinstance(app, CCHCApplication):
            raise TypeError("BotContext needs a CCHCApplication")
        return app.services

    @property
    def state(self) -> RequestState:
        if self._update_id is None:
            return RequestState()
        return self.services.requests.setdefault(self._update_id, RequestState())

    @property
    def officer(self) -> Officer | None:
        return self.state.officer

    @property
    def t(self) -> Translator:
        officer = self.officer
        return translator(officer.locale if officer else self.services.settings.locale)


def build_application(
    settings: Settings, *, request: BaseRequest | None = None, clock: Clock | None = None,
    rate_limit: bool | None = None,
) -> CCHCApplication:
    """Build the bot. `request` replaces the network (offline Bot API); `clock` replaces real time.

    The rate limiter (Telegram's ~30 msg/s overall, 1 msg/s per chat) is on when serving Telegram.
    """
    from bot import redact
    from bot.offline import OFFLINE_TOKEN
    from handlers import register_handlers

    redact.install(settings.token.get_secret_value() if settings.token else None)
    clock = clock or SystemClock(settings.tz)
    services = Services(settings=settings, clock=clock, db_path=settings.db_path)
    context_types = ContextTypes(context=BotContext)
    token = settings.token.get_secret_value() if settings.token and request is None else OFFLINE_TOKEN
    builder = (
        ApplicationBuilder()
        .application_class(CCHCApplication, kwargs={"services": services})
        .token(token)
        .context_types(context_types)
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    if settings.base_url:
        builder = builder.base_url(settings.base_url.rstrip("/") + "/bot")
    from telegram.request import HTTPXRequest

    from bot.retry import RetryingRequest

    async def wait(seconds: float) -> None:
        await services.sleep(seconds)

    if request is not None:
        builder = builder.request(RetryingRequest(request, wait)).get_updates_request(request)
    else:
        builder = builder.request(RetryingRequest(HTTPXRequest(connection_pool_size=16), wait))
    if rate_limit if rate_limit is not None else request is None:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    app = builder.build()
    assert isinstance(app, CCHCApplication)
    register_handlers(app)
    return app


async def on_startup(app: Application) -> None:
    """Open storage, set the Vietnamese command menu, rebuild scheduled jobs from the database."""
    from jobs import rebuild_jobs

    assert isinstance(app, CCHCApplication)
    await app.services.open()
    t = translator("vi")
    menu = [BotCommand(name, t(f"menu.{name}")) for name, _ in COMMANDS if name != "huongdan"]
    await app.bot.set_my_commands(menu)
    await app.bot.set_my_commands(
        [BotCommand(name, translator("en")(f"menu.{name}")) for name, _ in COMMANDS if name != "huongdan"],
        language_code="en",
    )
    await rebuild_jobs(app)
    log.info("bot ready for %s", app.services.commune.name)


async def on_shutdown(app: Application) -> None:
    assert isinstance(app, CCHCApplication)
    await app.services.close()
