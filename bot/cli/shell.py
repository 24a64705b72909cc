"""What every shell command shares: one-line errors in the user's language, times and periods given on the
command line, storage errors in words. Light on purpose: `parse` starts with this and the parser alone."""

from __future__ import annotations

import errno
import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.i18n import translator

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A user-facing error: printed as one line, exit code 1 (or `code`)."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def lang() -> str:
    value = os.environ.get("CCHC_LOCALE", "vi")
    return value if value in ("vi", "en") else "vi"


def t(key: str, **values: object) -> str:
    return translator(lang())(f"cli.{key}", **values)


def now_from(value: str | None) -> datetime:
    """--now as given (in the commune's time zone when it has none), else the present."""
    zone = os.environ.get("CCHC_TIMEZONE", "Asia/Ho_Chi_Minh")
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError; odd keys a ValueError
        raise CliError("CCHC_TIMEZONE: " + translator(lang())("config.time_zone", value=zone)) from None
    if value is None:
        return datetime.now(tz)
    try:
        now = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(t("bad_now", value=value), EXIT_USAGE) from None
    return now if now.tzinfo else now.replace(tzinfo=tz)


def period(text: str) -> tuple[date, date]:
    try:
        a, b = text.split("..")
        start, end = date.fromisoformat(a), date.fromisoformat(b)
        if start > end:
            raise ValueError
    except ValueError:
        raise CliError(t("bad_period", value=text), EXIT_USAGE) from None
    return start, end


def storage_words(exc: Exception) -> str:
    """A storage or file error in the user's language."""
    reason = getattr(exc, "reason", None)
    if reason is not None:
        return t(f"storage_{reason}", **getattr(exc, "values", {}))
    if isinstance(exc, OSError):
        kind = {errno.ENOENT: "enoent", errno.EACCES: "eacces", errno.EPERM: "eacces",
                errno.ENOSPC: "enospc", errno.EROFS: "erofs"}.get(exc.errno or 0, "other")
        return t("os_error", path=exc.filename or "", why=t(f"os_{kind}"))
    return str(exc)
