"""The user-facing words: `vi/messages.toml` (default) and `en/messages.toml`. A package so that they ship
in the wheel (see `bot.i18n`)."""
