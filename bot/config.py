"""One validated configuration model, read from the environment and an optional `.env`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core import schedule
from bot.core.workdays import WorkCalendar, parse_date_list
from bot.i18n import translator


class ConfigError(Exception):
    """A configuration value is wrong; the message is one line naming the variable, in the configured
    language (CCHC_LOCALE, Vietnamese by default)."""


class SettingError(ValueError):
    """A validator's verdict: `reason` is a key of the locale table [config], `values` fill it in."""

    def __init__(self, reason: str, **values: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.values = values


#: pydantic's error types that have words of ours, with the context value they need
_PYDANTIC_REASONS = {"int_parsing": None, "float_parsing": None, "bool_parsing": None, "greater_than_equal": "ge",
                     "greater_than": "gt", "less_than_equal": "le", "less_than": "lt", "literal_error": "expected",
                     "missing": None}


def _reason(err: Any) -> str:
    """One validation error in words of the configured language."""
    import os

    lang = os.environ.get("CCHC_LOCALE", "vi")
    t = translator(lang if lang in ("vi", "en") else "vi")
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, SettingError):
        return t(f"config.{cause.reason}", **cause.values)
    kind = err.get("type", "")
    if kind in _PYDANTIC_REASONS:
        need = _PYDANTIC_REASONS[kind]
        limit = str((err.get("ctx") or {}).get(need, "")) if need else ""
        if kind == "literal_error":  # pydantic writes "'polling' or 'webhook'"
            limit = limit.replace("'", "").replace(" or ", ", ")
        return t(f"config.{kind}", **({"limit": limit} if need else {}))
    return str(err.get("msg", "")).removeprefix("Value error, ")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "token")
    )
    db_path: Path = Field(
        default=Path("data/cchc.sqlite3"), validation_alias=AliasChoices("CCHC_DB_PATH", "db_path")
    )
    timezone: str = Field(
        default="Asia/Ho_Chi_Minh", validation_alias=AliasChoices("CCHC_TIMEZONE", "timezone")
    )
    locale: Literal["vi", "en"] = Field(default="vi", validation_alias=AliasChoices("CCHC_LOCALE", "locale"))
    commune_name: str = Field(
        default="Xã Đức Phong", validation_alias=AliasChoices("CCHC_COMMUNE_NAME", "commune_name")
    )
    base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("CCHC_BOT_API_BASE_URL", "base_url")
    )
    mode: Literal["polling", "webhook"] = Field(default="polling", validation_alias=AliasChoices("CCHC_MODE", "mode"))
    webhook_url: str | None = Field(default=None, validation_alias=AliasChoices("CCHC_WEBHOOK_URL", "webhook_url"))
    webhook_listen: str = Field(
        default="127.0.0.1", validation_alias=AliasChoices("CCHC_WEBHOOK_LISTEN", "webhook_listen")
    )
    webhook_port: int = Field(
        default=8443, ge=1, le=65535, validation_alias=AliasChoices("CCHC_WEBHOOK_PORT", "webhook_port")
    )
    webhook_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("CCHC_WEBHOOK_SECRET", "webhook_secret")
    )
    extra_holidays: str = Field(
        default="", validation_alias=AliasChoices("CCHC_EXTRA_HOLIDAYS", "extra_holidays")
    )
    extra_workdays: str = Field(
        default="", validation_alias=AliasChoices("CCHC_EXTRA_WORKDAYS", "extra_workdays")
    )
    readback_minutes: int = Field(
        default=30, ge=1, le=1440, validation_alias=AliasChoices("CCHC_READBACK_MINUTES", "readback_minutes")
    )
    weekly_ping: str = Field(default="fri 14:00", validation_alias=AliasChoices("CCHC_WEEKLY_PING", "weekly_ping"))
    deadline_check: str = Field(
        default="08:00", validation_alias=AliasChoices("CCHC_DEADLINE_CHECK", "deadline_check")
    )
    escalation: str = Field(default="mon 07:30", validation_alias=AliasChoices("CCHC_ESCALATION", "escalation"))
    dossier_request: str = Field(
        default="fri 15:00", validation_alias=AliasChoices("CCHC_DOSSIER_REQUEST", "dossier_request")
    )
    quiet_hours: str = Field(default="21:00-07:00", validation_alias=AliasChoices("CCHC_QUIET_HOURS", "quiet_hours"))
    report_calendar: str = Field(
        default="fixed", validation_alias=AliasChoices("CCHC_REPORT_CALENDAR", "report_calendar")
    )
    grace_hours: int = Field(default=12, ge=0, le=168, validation_alias=AliasChoices("CCHC_GRACE_HOURS", "grace_hours"))
    backup_dir: Path | None = Field(
        default=None, validation_alias=AliasChoices("CCHC_BACKUP_DIR", "backup_dir")
    )
    backup_keep: int = Field(default=14, ge=1, le=365, validation_alias=AliasChoices("CCHC_BACKUP_KEEP", "backup_keep"))
    backup_at: str = Field(default="02:00", validation_alias=AliasChoices("CCHC_BACKUP_AT", "backup_at"))
    flood_limit: int = Field(
        default=20, ge=3, le=1000, validation_alias=AliasChoices("CCHC_FLOOD_LIMIT", "flood_limit")
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias=AliasChoices("CCHC_LOG_LEVEL", "log_level")
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingError("time_zone", value=value) from exc
        return value

    @field_validator("extra_holidays", "extra_workdays")
    @classmethod
    def _dates(cls, value: str) -> str:
        try:
            parse_date_list(value)
        except ValueError:
            raise SettingError("dates", value=value) from None
        return value

    @field_validator("weekly_ping", "deadline_check", "escalation", "dossier_request", "quiet_hours",
                     "report_calendar", "backup_at")
    @classmethod
    def _schedule(cls, value: str, info: ValidationInfo) -> str:
        checks: dict[str, Callable[[str], object]] = {
            "quiet_hours": schedule.parse_quiet, "report_calendar": lambda v: schedule.reporting_calendar(v, 2026)}
        check = checks.get(info.field_name or "", schedule.parse_when)
        try:
            check(value)
        except schedule.ScheduleError as exc:
            raise SettingError(f"schedule_{exc.reason}", value=exc.text or value) from None
        return value

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        raw = value.get_secret_value().strip()
        head, _, tail = raw.partition(":")
        if not head.isdigit() or len(tail) < 20:
            raise SettingError("token")
        return SecretStr(raw)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def calendar(self) -> WorkCalendar:
        return WorkCalendar(parse_date_list(self.extra_holidays), parse_date_list(self.extra_workdays))

    @property
    def backups(self) -> Path:
        """Where backups go: CCHC_BACKUP_DIR, else a `backups` folder beside the database."""
        return self.backup_dir or self.db_path.parent / "backups"

    @property
    def has_token(self) -> bool:
        return self.token is not None


_ENV_NAMES = {
    "token": "TELEGRAM_BOT_TOKEN",
    "db_path": "CCHC_DB_PATH",
    "timezone": "CCHC_TIMEZONE",
    "locale": "CCHC_LOCALE",
    "commune_name": "CCHC_COMMUNE_NAME",
    "base_url": "CCHC_BOT_API_BASE_URL",
    "mode": "CCHC_MODE",
    "webhook_url": "CCHC_WEBHOOK_URL",
    "webhook_listen": "CCHC_WEBHOOK_LISTEN",
    "webhook_port": "CCHC_WEBHOOK_PORT",
    "webhook_secret": "CCHC_WEBHOOK_SECRET",
    "log_level": "CCHC_LOG_LEVEL",
    "extra_holidays": "CCHC_EXTRA_HOLIDAYS",
    "extra_workdays": "CCHC_EXTRA_WORKDAYS",
    "readback_minutes": "CCHC_READBACK_MINUTES",
    "weekly_ping": "CCHC_WEEKLY_PING",
    "deadline_check": "CCHC_DEADLINE_CHECK",
    "escalation": "CCHC_ESCALATION",
    "dossier_request": "CCHC_DOSSIER_REQUEST",
    "quiet_hours": "CCHC_QUIET_HOURS",
    "report_calendar": "CCHC_REPORT_CALENDAR",
    "grace_hours": "CCHC_GRACE_HOURS",
    "backup_dir": "CCHC_BACKUP_DIR",
    "backup_keep": "CCHC_BACKUP_KEEP",
    "backup_at": "CCHC_BACKUP_AT",
    "flood_limit": "CCHC_FLOOD_LIMIT",
}


def load_settings(env_file: str | None = ".env", **overrides: object) -> Settings:
    """Build Settings; a wrong value raises ConfigError with one line naming the variable.

    The offending value is never echoed for secrets.
    """
    try:
        settings = Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg, arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        name = _ENV_NAMES.get(field, field)
        raise ConfigError(f"{name}: {_reason(err)}") from None
    if settings.mode == "webhook" and not settings.webhook_url:
        raise ConfigError("CCHC_WEBHOOK_URL: " + _reason({"ctx": {"error": SettingError("webhook_url")}}))
    return settings
