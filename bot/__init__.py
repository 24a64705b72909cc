"""Administrative-reform (CCHC) assistant for Vietnamese communes.

`bot.core` is the pure core (no Telegram, SQLite or scheduler imports). The rest of `bot`
wires it to python-telegram-bot (`bot.app`), the offline Bot API (`bot.offline.botapi`) and the CLI.
"""

__version__ = "0.1.0"
