"""Serving Telegram for real: long polling by default, a webhook when configured."""

from __future__ import annotations

import logging

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


def serve(settings: Settings) -> int:
    setup_logging(settings)
    app = build_application(settings)
    t = translator(settings.locale)
    print(t("cli.serving", mode=settings.mode, commune=settings.commune_name), flush=True)
    if settings.mode == "webhook":
        assert settings.webhook_url is not None
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=settings.webhook_url.rstrip("/") + "/telegram",
            secret_token=settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
