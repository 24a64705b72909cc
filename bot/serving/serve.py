"""Serving Telegram for real: long polling by default, a webhook when configured. Either way updates enter
through `app.intake` (stored, then handled), so nothing Telegram was told is received can be lost."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot import redact
from bot.app import CCHCApplication, build_application, on_shutdown, on_startup
from bot.config import Settings
from bot.i18n import translator
from bot.serving.intake import poll
from bot.serving.webhook import WebhookServer

log = logging.getLogger(__name__)

WEBHOOK_PATH = "telegram"


class ServeError(Exception):
    """Serving cannot start; the message is one line in the configured language."""


def setup_logging(settings: Settings) -> None:
    # the token is scrubbed from every log line before anything can fail
    redact.install(settings.token.get_secret_value() if settings.token else None)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)


def webhook_url(settings: Settings) -> str:
    assert settings.webhook_url is not None
    return settings.webhook_url.rstrip("/") + "/" + WEBHOOK_PATH


def webhook_server(app: CCHCApplication, settings: Settings) -> WebhookServer:
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    return WebhookServer(app.intake, listen=settings.webhook_listen, port=settings.webhook_port,
                         path=WEBHOOK_PATH, secret=secret)


def check(settings: Settings) -> None:
    t = translator(settings.locale)
    if settings.mode == "webhook" and not (settings.webhook_secret and settings.webhook_secret.get_secret_value()):
        raise ServeError(t("cli.webhook_needs_secret"))


def serve(settings: Settings) -> int:
    redact.install_excepthook(settings.token.get_secret_value() if settings.token else None)
    check(settings)
    setup_logging(settings)
    app = build_application(settings)
    t = translator(settings.locale)
    print(t("cli.serving", mode=settings.mode, commune=settings.commune_name), flush=True)
    try:
        asyncio.run(_serve(app, settings))
    except InvalidToken:
        raise ServeError(t("cli.token_refused")) from None
    return 0


async def _serve(app: CCHCApplication, settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await _initialize_with_retry(app, settings, stop)
    if stop.is_set():
        return
    await on_startup(app)
    await app.start()
    server: WebhookServer | None = None
    try:
        if settings.mode == "webhook":
            server = webhook_server(app, settings)
            await server.start()
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            await app.bot.set_webhook(webhook_url(settings), secret_token=secret, allowed_updates=Update.ALL_TYPES)
            await stop.wait()
        else:
            await app.bot.delete_webhook()
            await poll(app.intake, stop=stop)
    finally:
        if server is not None:
            await server.stop()
        await app.stop()
        await on_shutdown(app)
        await app.shutdown()


async def _initialize_with_retry(app: CCHCApplication, settings: Settings, stop: asyncio.Event) -> None:
    """`getMe` until Telegram answers: one line per failed try, waiting longer each time (up to a minute)."""
    t = translator(settings.locale)
    wait = 2.0
    while not stop.is_set():
        try:
            await app.initialize()
            return
        except InvalidToken:
            raise
        except NetworkError as exc:
            log.warning(t("cli.telegram_unreachable", seconds=int(wait), reason=type(exc).__name__))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
            wait = min(wait * 2, 60.0)
