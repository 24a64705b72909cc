"""Webhook mode: a small tornado server (python-telegram-bot's own webhook server answers Telegram before the
update is stored, which is not what we promise).

POST <path> with the secret header: the update is committed to the inbox and handled, then answered 200;
a request without the right secret is refused (403) before its body is read. Telegram resends what was not
answered, and the inbox's unique update_id makes a resent update a no-op. GET /healthz answers 200 while the
database answers, for a load balancer.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

import tornado.httpserver
import tornado.web

from bot.serving.intake import Intake

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class _TelegramHandler(tornado.web.RequestHandler):
    def initialize(self, intake: Intake, secret: str) -> None:
        self.intake = intake
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            return
        try:
            raw = self.request.body.decode("utf-8")
            data = json.loads(raw)
        except ValueError:
            self.set_status(400)
            return
        if not isinstance(data, dict):
            self.set_status(400)
            return
        todo = await self.intake.store([data], [raw])  # committed before anything else, as it arrived
        for inbox_id, update in todo:
            await self.intake.handle(inbox_id, update)
        await self.intake.app.services.db.flush()  # on disk (shared with the requests handled meanwhile)
        self.set_status(200)


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, intake: Intake) -> None:
        self.intake = intake

    async def get(self) -> None:
        try:
            await self.intake.app.services.db.ping()
        except Exception:
            self.set_status(503)
            self.write("database unavailable\n")
            return
        self.write("ok\n")


class WebhookServer:
    def __init__(self, intake: Intake, *, listen: str, port: int, path: str, secret: str) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret")
        self.intake = intake
        self.listen = listen
        self.port = port
        self.path = "/" + path.strip("/")
        self.secret = secret
        self._server: tornado.httpserver.HTTPServer | None = None

    async def start(self) -> None:
        handlers: list[Any] = [
            (self.path, _TelegramHandler, {"intake": self.intake, "secret": self.secret}),
            ("/healthz", _HealthHandler, {"intake": self.intake}),
        ]
        app = tornado.web.Application(handlers, log_function=lambda handler: None)
        self._server = tornado.httpserver.HTTPServer(app, xheaders=True)
        self._server.listen(self.port, address=self.listen)
        log.info("webhook listening on http://%s:%d%s", self.listen, self.port, self.path)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
