"""One validated configuration model, read from the environment and an optional `.env`."""

from __future__ import annotations

import os
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
    """Every setting is the environment variable CCHC_<NAME> (or a line of `.env`), except the token, which
    is TELEGRAM_BOT_TOKEN, and the Bot API server, CCHC_BOT_API_BASE_URL."""

    model_config = SettingsConfigDict(
        env_prefix="CCHC_", env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    token: SecretStr | None = Field(default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "token"))
    db_path: Path = Path("data/cchc.sqlite3")
    timezone: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    locale: Literal["vi", "en"] = "vi"
    commune_name: str = "Xã Đức Phong"
    base_url: str | None = Field(default=None, validation_alias=AliasChoices("CCHC_BOT_API_BASE_URL", "base_url"))
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    extra_holidays: str = ""
    extra_workdays: str = ""
    readback_minutes: int = Field(default=30, ge=1, le=1440)
    weekly_ping: str = "fri 14:00"
    deadline_check: str = "08:00"
    escalation: str = "mon 07:30"
    dossier_request: str = "fri 15:00"
    quiet_hours: str = "21:00-07:00"
    report_calendar: str = "fixed"
    grace_hours: int = Field(default=12, ge=0, le=168)
    backup_dir: Path | None = None
    backup_keep: int = Field(default=14, ge=1, le=365)
    backup_at: str = "02:00"
    flood_limit: int = Field(default=20, ge=3, le=1000)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("timezone", mode="before")
    @classmethod
    def _known_zone(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return ZoneInfo(value)
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
        return self.timezone

    def calendar(self) -> WorkCalendar:
        return WorkCalendar(parse_date_list(self.extra_holidays), parse_date_list(self.extra_workdays))

    @property
    def backups(self) -> Path:
        """Where backups go: CCHC_BACKUP_DIR, else a `backups` folder beside the database."""
        return self.backup_dir or self.db_path.parent / "backups"

    @property
    def has_token(self) -> bool:
        return self.token is not None


def env_name(field: str) -> str:
    """The environment variable of a setting (as people write it in `.env`)."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str):
        return alias.choices[0]
    if info is None:
        return field.upper()
    return "CCHC_" + field.upper()


def load_settings(env_file: str | None = ".env", **overrides: object) -> Settings:
    """Build Settings; a wrong value raises ConfigError with one line naming the variable.

    The offending value is never echoed for secrets.
    """
    try:
        settings = Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg, arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        name = env_name(field)
        raise ConfigError(f"{name}: {_reason(err)}") from None
    if settings.mode == "webhook" and not settings.webhook_url:
        raise ConfigError("CCHC_WEBHOOK_URL: " + _reason({"ctx": {"error": SettingError("webhook_url")}}))
    return settings
