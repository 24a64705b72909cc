"""Serving Telegram for real: long polling by default, a webhook when configured."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.i18n import translator


def setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from bot import redact

    redact.install(settings.token.get_secret_value() if settings.token else None)


WEBHOOK_PATH = "telegram"


def webhook_options(settings: Settings) -> dict[str, Any]:
    """How the bot listens in webhook mode: http://LISTEN:PORT/telegram behind the proxy that holds
    CCHC_WEBHOOK_URL; Telegram must send CCHC_WEBHOOK_SECRET in every request when it is set."""
    assert settings.webhook_url is not None
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": WEBHOOK_PATH,
        "webhook_url": settings.webhook_url.rstrip("/") + "/" + WEBHOOK_PATH,
        "secret_token": settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
        "allowed_updates": Update.ALL_TYPES,
    }


def serve(settings: Settings) -> int:
    setup_logging(settings)
    app = build_application(settings)
    t = translator(settings.locale)
    print(t("cli.serving", mode=settings.mode, commune=settings.commune_name), flush=True)
    if settings.mode == "webhook":
        app.run_webhook(**webhook_options(settings))
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
