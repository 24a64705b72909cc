"""Serving Telegram for real: long polling by default, a webhook when configured."""

from __future__ import annotations

import logging

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.i18n import translator


class _RedactToken(logging.Filter):
    """Keeps the bot token out of every log line (httpx logs request URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            msg = record.getMessage()
            if self.token in msg:
                record.msg = msg.replace(self.token, "<TOKEN>")
                record.args = ()
        return True


def setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    token = settings.token.get_secret_value() if settings.token else ""
    for handler in logging.getLogger().handlers:
        handler.addFilter(_RedactToken(token))


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
