"""Webhook mode end to end: the bot registers its webhook with the secret, a request from Telegram on
http://LISTEN:PORT/telegram is answered, and a request without the secret is refused unread."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import httpx

from bot.app import build_application, on_shutdown, on_startup
from bot.config import load_settings
from bot.core.clock import ManualClock
from bot.offline.botapi import OfflineBotAPI
from bot.serving.serve import ServeError, check, webhook_server, webhook_url
from tests.conftest import FRIDAY, OFFICER, STRANGER, add_people


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _update(update_id: int, user: dict[str, object], text: str) -> dict[str, object]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(FRIDAY.timestamp()), "text": text,
        "chat": {"id": user["id"], "type": "private"},
        "from": {"id": user["id"], "is_bot": False, "first_name": user["name"]},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
    }}


async def _answers(api: OfflineBotAPI, chat_id: object, count: int) -> list[str]:
    for _ in range(200):
        texts = [c.text or "" for c in api.calls if c.method == "sendMessage" and c.chat == chat_id]
        if len(texts) >= count:
            return texts
        await asyncio.sleep(0.02)
    raise AssertionError(f"no answer to chat {chat_id}")


async def test_webhook_mode_answers_telegram_and_refuses_requests_without_the_secret(tmp_path: Path) -> None:
    port = _free_port()
    settings = load_settings(
        env_file=None, db_path=tmp_path / "w.sqlite3", token="123456789:AAH-webhook-test-secret-0123456789",
        mode="webhook",
        webhook_url="https://cchc.example.vn/", webhook_listen="127.0.0.1", webhook_port=port,
        webhook_secret="s3cret-token",
    )
    await add_people(settings)
    clock = ManualClock(FRIDAY)
    api = OfflineBotAPI(clock)
    app = build_application(settings, request=api, clock=clock)
    url = f"http://127.0.0.1:{port}/telegram"
    async with app:  # what serve does, without taking over the process's signals
        await on_startup(app)
        server = webhook_server(app, settings)
        await server.start()
        await app.bot.set_webhook(webhook_url(settings), secret_token="s3cret-token")
        await app.start()
        try:
            assert api.webhook is not None
            assert api.webhook["url"] == "https://cchc.example.vn/telegram"
            assert api.webhook["secret_token"] == "s3cret-token"
            async with httpx.AsyncClient() as client:
                ok = await client.post(url, content=json.dumps(_update(1, OFFICER, "/help")),
                                       headers={"Content-Type": "application/json",
                                                "X-Telegram-Bot-Api-Secret-Token": "s3cret-token"})
                assert ok.status_code == 200
                # answered after the update was committed and handled: the reply is there already
                assert "/tomtat" in (await _answers(api, OFFICER["id"], 1))[0]  # the help text, in Vietnamese
                inbox = await app.services.repos.inbox.all()
                assert [(r["update_id"], r["status"]) for r in inbox] == [(1, "handled")]
                again = await client.post(url, content=json.dumps(_update(1, OFFICER, "/help")),
                                          headers={"Content-Type": "application/json",
                                                   "X-Telegram-Bot-Api-Secret-Token": "s3cret-token"})
                assert again.status_code == 200  # Telegram resending: stored and answered once
                assert len(await _answers(api, OFFICER["id"], 1)) == 1
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
                assert health.status_code == 200
                forged = await client.post(url, content=json.dumps(_update(2, STRANGER, "/help")),
                                           headers={"Content-Type": "application/json",
                                                    "X-Telegram-Bot-Api-Secret-Token": "guess"})
                assert forged.status_code == 403
                await asyncio.sleep(0.1)
                assert not [c for c in api.calls if c.chat == STRANGER["id"]]
                inbox = await app.services.repos.inbox.all()  # type: ignore[attr-defined]
                assert [r["update_id"] for r in inbox] == [1]
        finally:
            await server.stop()
            await app.stop()
            await on_shutdown(app)


def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    settings = load_settings(env_file=None, db_path=tmp_path / "w.sqlite3",
                             token="123456789:AAH-webhook-test-secret-0123456789",
                             mode="webhook", webhook_url="https://cchc.example.vn/")
    try:
        check(settings)
    except ServeError as exc:
        assert "CCHC_WEBHOOK_SECRET" in str(exc)
    else:
        raise AssertionError("webhook mode started without a secret")


def test_a_revoked_token_is_one_line_without_the_token(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    token = "123456789:AAH-revoked-token-0123456789abcdef"

    class Refuse(BaseHTTPRequestHandler):  # a Bot API that says the token is not valid
        def do_POST(self) -> None:
            body = b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
        env.update(TELEGRAM_BOT_TOKEN=token, CCHC_DB_PATH=str(tmp_path / "t.sqlite3"),
                   CCHC_BOT_API_BASE_URL=f"http://127.0.0.1:{server.server_port}")
        r = subprocess.run([sys.executable, "-m", "bot", "run"], capture_output=True, text=True, env=env,
                           timeout=60, cwd=Path(__file__).resolve().parent.parent)
    finally:
        server.shutdown()
    out = r.stdout + r.stderr
    assert r.returncode == 1
    assert token not in out and token.split(":")[1] not in out
    assert "Traceback" not in out and "TELEGRAM_BOT_TOKEN" in out
