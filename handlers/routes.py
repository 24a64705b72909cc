"""All handlers, registered in one ordered place.

Groups run in order; within a group the first matching handler wins.
"""

from __future__ import annotations

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import callbacks as cb
from handlers import (
    documents,
    errors,
    explain,
    extend,
    forms,
    invite,
    people,
    pipeline,
    reporting,
    settings,
    start,
    summary,
    tasks,
)

GROUP_INBOX = -2  # raw inbox first, always
GROUP_GATE = -1  # who is this? strangers stop here
GROUP_MAIN = 0  # commands, buttons and messages
GROUP_DONE = 100  # mark the inbox row handled


def register_handlers(app: Application) -> None:
    # 1. every update is stored raw before anything else
    app.add_handler(TypeHandler(object, pipeline.store_raw), group=GROUP_INBOX)
    # 2. registration check: strangers and deactivated users get the refusal only (/start CODE may pass)
    app.add_handler(TypeHandler(object, pipeline.gatekeeper), group=GROUP_GATE)
    # 3. commands (in groups too)
    main = [
        CommandHandler("start", people.start_or_join),
        CommandHandler(["help", "huongdan"], start.help_command),
        CommandHandler("tomtat", summary.tomtat),
        CommandHandler("bieudo", summary.bieudo),
        CommandHandler("xuatbaocao", summary.xuatbaocao),
        CommandHandler("nhiemvu", tasks.nhiemvu),
        CommandHandler("giao", tasks.giao),
        CommandHandler("han", tasks.han),
        CommandHandler("baocao", forms.baocao),
        CommandHandler("hoantac", reporting.undo),
        CommandHandler("nghi", people.nghi),
        CommandHandler("moi", invite.moi),
        CommandHandler("canbo", people.canbo),
        CommandHandler("caidat", settings.caidat),
        CommandHandler("tamdung", settings.tamdung),
        CommandHandler(["ngonngu", "language"], start.ngonngu),
        CommandHandler("saoluu", settings.saoluu),
        # 4. buttons
        CallbackQueryHandler(reporting.readback_button, pattern=cb.prefixes(cb.ReadbackPress)),
        CallbackQueryHandler(reporting.pick_button, pattern=cb.prefixes(cb.PickTask)),
        CallbackQueryHandler(reporting.edit_decision, pattern=cb.prefixes(cb.EditChoice)),
        CallbackQueryHandler(invite.invite_button, pattern=cb.prefixes(*cb.INVITE)),
        CallbackQueryHandler(reporting.undo_button, pattern=cb.prefixes(cb.UndoChoice)),
        CallbackQueryHandler(tasks.drill_down, pattern=cb.prefixes(*cb.TASKS)),
        CallbackQueryHandler(summary.summary_button, pattern=cb.prefixes(cb.SummaryView)),
        CallbackQueryHandler(settings.quick_update, pattern=cb.prefixes(cb.QuickUpdate)),
        CallbackQueryHandler(documents.plan_button, pattern=cb.prefixes(*cb.PLAN)),
        CallbackQueryHandler(forms.form_button, pattern=cb.prefixes(*cb.FORM)),
        CallbackQueryHandler(explain.explain_button, pattern=cb.prefixes(*cb.EXPLAIN)),
        CallbackQueryHandler(extend.decision_button, pattern=cb.prefixes(cb.ExtensionDecision)),
        CallbackQueryHandler(reporting.unknown_button),
        # 5. any other command points to /help
        MessageHandler(filters.COMMAND, start.unknown_command),
        # 6. edits re-read the report
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, reporting.edited_message),
        # 7. files: plans to import, evidence for tasks
        MessageHandler(filters.Document.ALL | filters.PHOTO, documents.document),
        # 8. free text: answers to the guided form, else reports
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, reporting.text_message),
        # 9. anything else a person can send (voice, sticker, location, contact, video…) gets one line
        MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.Document.ALL & ~filters.PHOTO
                       & ~filters.StatusUpdate.ALL, start.other_kind),
    ]
    for handler in main:
        app.add_handler(handler, group=GROUP_MAIN)
    # 10. bookkeeping
    app.add_handler(TypeHandler(object, pipeline.mark_handled), group=GROUP_DONE)
    app.add_error_handler(errors.on_error)
