"""All handlers, registered in one ordered place.

Groups run in order; within a group the first matching handler wins.
"""

from __future__ import annotations

from telegram.ext import Application, CommandHandler, MessageHandler, TypeHandler, filters

from handlers import errors, messages, pipeline, start

GROUP_INBOX = -2  # raw inbox first, always
GROUP_GATE = -1  # who is this? strangers stop here
GROUP_MAIN = 0  # commands and messages
GROUP_DONE = 100  # mark the inbox row handled


def register_handlers(app: Application) -> None:
    # 1. every update is stored raw before anything else
    app.add_handler(TypeHandler(object, pipeline.store_raw), group=GROUP_INBOX)
    # 2. registration check: strangers and deactivated users get the refusal only
    app.add_handler(TypeHandler(object, pipeline.gatekeeper), group=GROUP_GATE)
    # 3. commands
    app.add_handler(CommandHandler("start", start.start), group=GROUP_MAIN)
    app.add_handler(CommandHandler(["help", "huongdan"], start.help_command), group=GROUP_MAIN)
    # 4. any other command points to /help
    app.add_handler(MessageHandler(filters.COMMAND, start.unknown_command), group=GROUP_MAIN)
    # 5. free text: reports
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, messages.text_message), group=GROUP_MAIN)
    # 6. bookkeeping
    app.add_handler(TypeHandler(object, pipeline.mark_handled), group=GROUP_DONE)
    app.add_error_handler(errors.on_error)
