"""The typed application and context every handler and job receives (`context.services`, `context.officer`,
`context.t`, `context.state`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.core.models import Officer
from bot.i18n import Translator, translator
from bot.services.container import Services
from bot.serving.intake import Intake


@dataclass
class RequestState:
    """What the pipeline learned about one incoming update."""

    inbox_id: int | None = None
    officer: Officer | None = None


class CCHCApplication(Application):
    """An Application that carries its typed services."""

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.intake: Intake  # set by build_application


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context every handler receives: `context.services`, `context.officer`, `context.t`."""

    _update_id: int | None = None

    @classmethod
    def from_update(cls, update: object, application: Application) -> BotContext:
        ctx = super().from_update(update, application)
        ctx._update_id = update.update_id if isinstance(update, Update) else None
        return ctx

    @property
    def services(self) -> Services:
        app = self.application
        if not isinstance(app, CCHCApplication):
            raise TypeError("BotContext needs a CCHCApplication")
        return app.services

    _state: RequestState | None = None

    @property
    def state(self) -> RequestState:
        """What the pipeline learned about this update; PTB makes one context per update, so it lives and
        dies with the update (nothing kept per update_id, nothing to leak)."""
        if self._state is None:
            self._state = RequestState()
        return self._state

    @property
    def officer(self) -> Officer | None:
        return self.state.officer

    @property
    def t(self) -> Translator:
        officer = self.officer
        return translator(officer.locale if officer else self.services.settings.locale)
