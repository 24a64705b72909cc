"""Message catalogs (locales/<lang>/messages.toml) and locale-aware number and date formats."""

from __future__ import annotations

import html
import string
import tomllib
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import locales

LOCALES_DIR = Path(locales.__file__).resolve().parent  # shipped as package data
DEFAULT_LOCALE = "vi"
SUPPORTED = ("vi", "en")


@cache
def catalog(lang: str) -> dict[str, str]:
    path = LOCALES_DIR / lang / "messages.toml"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return _flatten(data)


def _flatten(data: dict[str, object], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = str(value)
    return out


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Translator:
    """`t("key", name=...)` in one language, falling back to Vietnamese for a missing key."""

    def __init__(self, lang: str = DEFAULT_LOCALE) -> None:
        self.lang = lang if lang in SUPPORTED else DEFAULT_LOCALE
        self._messages = catalog(self.lang)

    def __call__(self, key: str, **values: object) -> str:
        template = self._messages.get(key) or catalog(DEFAULT_LOCALE).get(key)
        if template is None:
            raise KeyError(f"no message {key!r}")
        return template.format(**values) if values else template

    def number(self, value: float | int) -> str:
        from babel.numbers import format_decimal  # babel loads its data on first use, not at every CLI start

        return format_decimal(value, locale=self._babel)

    def percent(self, value: float, digits: int = 2) -> str:
        """`value` is a percentage (97.66 → '97,66%' in vi)."""
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        from babel.numbers import format_decimal

        return format_decimal(round(value, digits), format=pattern, locale=self._babel) + "%"

    def date(self, value: date) -> str:
        from babel.dates import format_date

        return format_date(value, format="dd/MM/yyyy", locale=self._babel)

    @property
    def _babel(self) -> str:
        return "vi_VN" if self.lang == "vi" else "en_US"


@lru_cache(maxsize=4)
def esc(text: object) -> str:
    """User-supplied text (names, units, titles, notes, file names) made safe for Telegram HTML."""
    return html.escape(str(text), quote=False)


def translator(lang: str = DEFAULT_LOCALE) -> Translator:
    return Translator(lang)


def render_note(t: Translator, note: Any) -> str:
    """Words for a note of the core (`key` under [plan_import], `values`); a list of task codes cut short
    says how many more there are."""
    values = dict(note.values)
    more = values.pop("more", 0)
    if more:
        values["codes"] = f"{values.get('codes', '')}{t('plan_import.and_more', n=more)}"
    return t(f"plan_import.{note.key}", **values)
