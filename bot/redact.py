"""Keeping the bot token out of every log line, wherever it comes from (httpx logs request URLs that
contain it; an exception message may quote it)."""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any

_installed: set[str] = set()


def install(secret: str | None) -> None:
    """Wrap the LogRecord factory so that `secret` is replaced in every record's message and args."""
    if not secret or secret in _installed:
        return
    _installed.add(secret)
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        message = record.getMessage()
        if secret in message:
            record.msg, record.args = message.replace(secret, "<TOKEN>"), ()
        if record.exc_info and record.exc_info[1] is not None and secret in str(record.exc_info[1]):
            exc = record.exc_info[1]
            record.exc_info = None
            record.msg = f"{record.msg} [{type(exc).__name__}: {str(exc).replace(secret, '<TOKEN>')}]"
        return record

    logging.setLogRecordFactory(factory)


def install_excepthook(secret: str | None) -> None:
    """An uncaught exception's traceback is printed with `secret` replaced (PTB's InvalidToken and httpx's
    errors quote the token or the URL that holds it)."""
    if not secret:
        return

    def hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(text.replace(secret, "<TOKEN>"))

    sys.excepthook = hook


def scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "<TOKEN>") if secret else text
