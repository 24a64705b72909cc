"""Configuration errors, locale parity and locale formats."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.i18n import LOCALES_DIR, SUPPORTED, catalog, placeholders, translator


def test_defaults() -> None:
    s = load_settings(env_file=None)
    assert s.db_path == Path("data/cchc.sqlite3")
    assert s.timezone.key == "Asia/Ho_Chi_Minh" and s.locale == "vi" and s.mode == "polling"
    assert not s.has_token


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"CCHC_TIMEZONE": "Mars/Olympus"}, "CCHC_TIMEZONE"),
        ({"CCHC_LOCALE": "fr"}, "CCHC_LOCALE"),
        ({"CCHC_WEBHOOK_PORT": "99999"}, "CCHC_WEBHOOK_PORT"),
        ({"CCHC_MODE": "carrier-pigeon"}, "CCHC_MODE"),
        ({"CCHC_MODE": "webhook"}, "CCHC_WEBHOOK_URL"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
    ],
)
def test_wrong_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], name: str) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ConfigError) as err:
        load_settings(env_file=None)
    message = str(err.value)
    assert message.startswith(name + ":") and "\n" not in message


def test_token_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    token = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    s = load_settings(env_file=None)
    assert s.has_token and token not in repr(s) and token not in str(s.model_dump())


def test_env_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("CCHC_COMMUNE_NAME=Xã Tú Xuyên\nCCHC_LOCALE=en\n", encoding="utf-8")
    s = load_settings(env_file=str(env))
    assert s.commune_name == "Xã Tú Xuyên" and s.locale == "en"


def test_catalogs_have_same_keys_and_placeholders() -> None:
    vi, en = catalog("vi"), catalog("en")
    assert set(vi) == set(en), set(vi) ^ set(en)
    for key in vi:
        assert placeholders(vi[key]) == placeholders(en[key]), key
    assert sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir()) == sorted(SUPPORTED)


def test_vietnamese_number_and_date_formats() -> None:
    t = translator("vi")
    assert t.number(2098) == "2.098"
    assert t.percent(97.6573) == "97,66%"
    assert t.percent(43.33) == "43,33%"
    assert t.date(date(2026, 12, 15)) == "15/12/2026"
    e = translator("en")
    assert e.number(2098) == "2,098" and e.percent(97.66) == "97.66%"


def test_missing_key_falls_back_to_vietnamese_then_fails_loudly() -> None:
    with pytest.raises(KeyError):
        translator("vi")("no.such.key")


def test_production_application_is_built_with_retries_and_the_rate_limiter(tmp_path: Path) -> None:
    from telegram.ext import AIORateLimiter

    from bot.app import build_application
    from bot.serving.retry import RetryingRequest

    token = "123456789:AAH-production-token-abcdefghijkl"
    s = load_settings(env_file=None, token=token, db_path=tmp_path / "p.sqlite3", mode="webhook",
                      webhook_url="https://cchc.example.vn", base_url="http://127.0.0.1:8081")
    app = build_application(s)
    assert app.bot.token == token
    assert isinstance(app.bot.request, RetryingRequest)
    assert isinstance(app.bot.rate_limiter, AIORateLimiter)
    assert app.bot.base_url.startswith("http://127.0.0.1:8081/bot")


@pytest.mark.parametrize(
    ("env", "vietnamese"),
    [
        ({"CCHC_FLOOD_LIMIT": "abc"}, "CCHC_FLOOD_LIMIT: phải là một số nguyên"),
        ({"CCHC_WEBHOOK_PORT": "99999"}, "CCHC_WEBHOOK_PORT: không được lớn hơn 65535"),
        ({"CCHC_MODE": "carrier-pigeon"}, "CCHC_MODE: phải là một trong: polling, webhook"),
        ({"CCHC_WEEKLY_PING": "thu9 14:00"}, "CCHC_WEEKLY_PING: không hiểu thứ trong „thu9 14:00”"),
        ({"CCHC_TIMEZONE": "Mars/Base"}, "CCHC_TIMEZONE: không có múi giờ „Mars/Base”"),
        ({"CCHC_MODE": "webhook"}, "CCHC_WEBHOOK_URL: cần đặt khi CCHC_MODE=webhook"),
    ],
)
def test_configuration_errors_speak_the_configured_language(
        monkeypatch: pytest.MonkeyPatch, env: dict[str, str], vietnamese: str) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ConfigError) as err:
        load_settings(env_file=None)
    assert str(err.value).startswith(vietnamese)
    monkeypatch.setenv("CCHC_LOCALE", "en")
    if "CCHC_LOCALE" not in env:
        with pytest.raises(ConfigError) as err_en:
            load_settings(env_file=None)
        assert str(err_en.value).split(":")[0] == vietnamese.split(":")[0]
        assert not any(ch in str(err_en.value) for ch in "ảạấầậếềệộớờợưữựđ"), str(err_en.value)


async def test_a_429_pauses_every_request_of_the_bot_for_as_long_as_telegram_asks() -> None:
    """Telegram's flood control is for the whole bot: after one call gets 429 (retry after 3 s), another
    call made meanwhile waits out the same pause before it goes."""
    from telegram.request import BaseRequest

    from bot.serving.retry import RetryingRequest

    now = [100.0]
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(round(seconds, 3))
        now[0] += seconds

    answers = [(429, b'{"ok": false, "error_code": 429, "parameters": {"retry_after": 3}}'), (200, b"{}"),
               (200, b"{}")]

    class Inner(BaseRequest):

        async def initialize(self) -> None: ...

        async def shutdown(self) -> None: ...

        @property
        def read_timeout(self) -> float | None:
            return None

        async def do_request(self, *args: object, **kwargs: object) -> tuple[int, bytes]:
            return answers.pop(0)

    request = RetryingRequest(Inner(), sleep, clock=lambda: now[0])
    assert (await request.do_request("https://x/bot1/sendMessage", "POST"))[0] == 200
    assert waited == [3.0] and request.retries == 1
    now[0] = 101.0  # another call made 1 s after the 429 (at 100): it waits the 2 s still left
    assert (await request.do_request("https://x/bot1/sendMessage", "POST"))[0] == 200
    assert waited == [3.0, 2.0]
