"""An in-process Bot API: a `telegram.request.BaseRequest` that answers the methods the bot uses.

The real `Application` runs on it unchanged (python-telegram-bot's own test suite does the same with
its OfflineRequest). It keeps the chat state a person would see: message ids, the latest message with
buttons in each chat, files the bot sent; and records every call. Faults (timeouts, 5xx, 429, dropped
connections) can be injected for reliability tests.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.core.clock import Clock

OFFLINE_TOKEN = "123456789:OFFLINE-bot-token-not-for-telegram"
BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Trợ lý CCHC",
    "username": "cchc_xa_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

#: methods a person sees the result of; the rest are recorded but not printed by replay
VISIBLE_METHODS = {
    "sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto",
    "answerCallbackQuery",
}


@dataclass
class SentCall:
    at: datetime
    method: str
    chat: int | None
    params: dict[str, Any]
    text: str | None = None
    buttons: list[list[str]] = field(default_factory=list)
    filename: str | None = None
    caption: str | None = None
    file_path: Path | None = None
    data: bytes = b""

    def as_replay_line(self) -> dict[str, Any]:
        out: dict[str, Any] = {"at": self.at.isoformat(), "chat": self.chat, "method": self.method}
        if self.method in ("sendMessage", "editMessageText"):
            out["text"] = self.text
            out["buttons"] = self.buttons
        elif self.method == "editMessageReplyMarkup":
            out["buttons"] = self.buttons
        elif self.method == "sendDocument":
            out["filename"] = self.filename
            out["caption"] = self.caption
        elif self.method == "sendPhoto":
            out["caption"] = self.caption
        elif self.method == "answerCallbackQuery":
            out["text"] = self.text
        return out


@dataclass
class FaultPlan:
    """Inject failures into a share of calls. Failures happen before the call takes effect,
    except `lost_reply`, where Telegram did the work but the answer never arrived."""

    rate: float = 0.0
    seed: int = 0
    kinds: tuple[str, ...] = ("timeout", "server_error", "retry_after", "network")
    methods: frozenset[str] = frozenset({"sendMessage", "editMessageText", "sendDocument", "sendPhoto"})

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self.injected = 0

    def pick(self, method: str) -> str | None:
        if method not in self.methods or self.rate <= 0 or self._rng.random() >= self.rate:
            return None
        self.injected += 1
        return self._rng.choice(self.kinds)


_TAG_AT = re.compile(r"</?(?:b|i|u|s|strong|em|ins|del|strike|code|pre|a|span|tg-spoiler|tg-emoji|blockquote)"
                     r"(?:\s[^<>]*)?>")


def valid_html(text: str) -> bool:
    """What Telegram's HTML parse mode accepts, roughly: every '<' opens a supported tag."""
    pos = text.find("<")
    while pos >= 0:
        m = _TAG_AT.match(text, pos)
        if m is None:
            return False
        pos = text.find("<", m.end())
    return True


class OfflineBotAPI(BaseRequest):
    """Answers Bot API calls in process. One instance may serve both bot and get_updates requests."""

    def __init__(self, clock: Clock, *, files_dir: Path | None = None, faults: FaultPlan | None = None) -> None:
        self.clock = clock
        self.files_dir = files_dir
        self.faults = faults
        self.calls: list[SentCall] = []
        self.listeners: list[Callable[[SentCall], None]] = []
        #: the latest MESSAGES_KEPT messages by (chat, message id), as Telegram's servers would show them
        self.messages: OrderedDict[tuple[int, int], dict[str, Any]] = OrderedDict()
        self.latest_with_buttons: dict[int, dict[str, Any]] = {}
        #: per chat, the bot's messages as they were *sent* with buttons, newest last (replay's `"on": N`)
        self.sent_with_buttons: dict[int, list[dict[str, Any]]] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] | None = None  # what setWebhook was last given
        self.uploaded: dict[str, bytes] = {}
        self._ids: dict[int, itertools.count[int]] = {}
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self.callback_chats: dict[str, int] = {}
        #: updates waiting for getUpdates (polling tests), and the offset confirmed so far
        self.pending_updates: list[dict[str, Any]] = []
        self.confirmed_below = 0
        self.rejected_html = 0  # messages refused for their HTML, as Telegram refuses them

    # -- BaseRequest --------------------------------------------------------------------------
    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = None,
        write_timeout: object = None,
        connect_timeout: object = None,
        pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # file download
            file_path = url.rsplit("/", 1)[-1]
            data = self.uploaded.get(file_path)
            return (200, data) if data is not None else (404, b"")
        api_method = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        fault = self.faults.pick(api_method) if self.faults else None
        if fault == "timeout":
            raise TimedOut("offline Bot API: injected timeout")
        if fault == "network":
            raise NetworkError("offline Bot API: injected dropped connection")
        if fault == "server_error":
            return 502, json.dumps({"ok": False, "error_code": 502, "description": "Bad Gateway"}).encode()
        if fault == "retry_after":
            body = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1}}
            return 429, json.dumps(body).encode()
        if api_method in ("sendMessage", "editMessageText") and params.get("parse_mode") == "HTML" and not valid_html(
                str(params.get("text", ""))):
            self.rejected_html += 1
            body = {"ok": False, "error_code": 400,
                    "description": "Bad Request: can't parse entities: unsupported start tag"}
            return 400, json.dumps(body).encode()
        handler = getattr(self, f"_m_{api_method}", None)
        if handler is None:
            body = {"ok": False, "error_code": 400, "description": f"Bad Request: offline Bot API has no {api_method}"}
            return 400, json.dumps(body).encode()
        result = handler(params, files)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- helpers ------------------------------------------------------------------------------
    def _now_ts(self) -> int:
        return int(self.clock.now().timestamp())

    def _next_id(self, chat_id: int) -> int:
        return next(self._ids.setdefault(chat_id, itertools.count(1)))

    def reserve_message_id(self, chat_id: int) -> int:
        """Message ids are shared by users and bot in a chat, as in Telegram."""
        return self._next_id(chat_id)

    def _record(self, call: SentCall) -> None:
        self.calls.append(call)
        for listener in self.listeners:
            listener(call)

    @staticmethod
    def _buttons(markup: Any) -> list[list[str]]:
        if isinstance(markup, str):
            markup = json.loads(markup)
        if not isinstance(markup, dict):
            return []
        return [[b.get("text", "") for b in row] for row in markup.get("inline_keyboard", [])]

    @staticmethod
    def _chat(chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "type": "private" if chat_id > 0 else "group", "first_name": "chat",
                "title": None if chat_id > 0 else "group"}

    #: how many sent-with-buttons messages are remembered per chat, and messages in all
    SENT_KEPT = 50
    MESSAGES_KEPT = 5000

    def _store_message(self, chat_id: int, message: dict[str, Any], markup: Any, *, sent: bool = True
                       ) -> dict[str, Any]:
        if markup:
            message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
        key = (chat_id, message["message_id"])
        self.messages[key] = message
        self.messages.move_to_end(key)
        if len(self.messages) > self.MESSAGES_KEPT:  # a long replay keeps a bounded memory
            self.messages.popitem(last=False)
        if self._buttons(markup):
            self.latest_with_buttons[chat_id] = message
            if sent:
                kept = self.sent_with_buttons.setdefault(chat_id, [])
                kept.append(dict(message))
                del kept[: -self.SENT_KEPT]
        elif self.latest_with_buttons.get(chat_id, {}).get("message_id") == message["message_id"]:
            del self.latest_with_buttons[chat_id]
        return message

    def register_file(self, data: bytes) -> str:
        file_id = f"file-{next(self._file_ids)}"
        self.uploaded[file_id] = data
        return file_id

    def new_callback_id(self, chat_id: int) -> str:
        cb_id = f"cb-{next(self._callback_ids)}"
        self.callback_chats[cb_id] = chat_id
        return cb_id

    # -- Bot API methods ----------------------------------------------------------------------
    def _m_getMe(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return BOT_USER

    def _m_getUpdates(self, params: dict[str, Any], files: Any) -> list[Any]:
        """Telegram's offset rule: asking with `offset` confirms every update below it, which is then gone."""
        offset = params.get("offset")
        if offset is not None:
            offset = int(offset)
            self.confirmed_below = max(self.confirmed_below, offset)
            self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        return self.pending_updates[: int(params.get("limit") or 100)]

    def _m_deleteWebhook(self, params: dict[str, Any], files: Any) -> bool:
        return True

    def _m_setWebhook(self, params: dict[str, Any], files: Any) -> bool:
        self.webhook = dict(params)
        self._record(SentCall(self.clock.now(), "setWebhook", None, params))
        return True

    def _m_setMyCommands(self, params: dict[str, Any], files: Any) -> bool:
        commands = params.get("commands", [])
        if isinstance(commands, str):
            commands = json.loads(commands)
        self.commands[self._menu_key(params)] = commands
        self._record(SentCall(self.clock.now(), "setMyCommands", None, params))
        return True

    @staticmethod
    def _menu_key(params: dict[str, Any]) -> str:
        """"" / "en" for the default menus, "chat:ID" for one chat's own."""
        scope = params.get("scope")
        if isinstance(scope, str):
            scope = json.loads(scope)
        if isinstance(scope, dict) and scope.get("type") == "chat":
            return f"chat:{scope.get('chat_id')}"
        return str(params.get("language_code", "") or "")

    def _m_deleteMyCommands(self, params: dict[str, Any], files: Any) -> bool:
        self.commands.pop(self._menu_key(params), None)
        return True

    def _m_sendChatAction(self, params: dict[str, Any], files: Any) -> bool:
        return True

    def _m_getFile(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        fid = str(params["file_id"])
        return {"file_id": fid, "file_unique_id": fid, "file_size": len(self.uploaded.get(fid, b"")),
                "file_path": fid}

    def _m_sendMessage(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = {"message_id": self._next_id(chat_id), "date": self._now_ts(), "chat": self._chat(chat_id),
                   "from": BOT_USER, "text": params.get("text", "")}
        markup = params.get("reply_markup")
        self._record(SentCall(self.clock.now(), "sendMessage", chat_id, params, text=params.get("text"),
                              buttons=self._buttons(markup)))
        return self._store_message(chat_id, message, markup)

    def _edit(self, method: str, params: dict[str, Any]) -> dict[str, Any] | bool:
        chat_id = int(params.get("chat_id", 0))
        key = (chat_id, int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None:
            message = {"message_id": key[1], "date": self._now_ts(), "chat": self._chat(chat_id), "from": BOT_USER}
        message = dict(message)
        message.pop("reply_markup", None)
        if "text" in params:
            message["text"] = params["text"]
        markup = params.get("reply_markup")
        self._record(SentCall(self.clock.now(), method, chat_id, params, text=message.get("text"),
                              buttons=self._buttons(markup)))
        return self._store_message(chat_id, message, markup, sent=False)

    def _m_editMessageText(self, params: dict[str, Any], files: Any) -> dict[str, Any] | bool:
        return self._edit("editMessageText", params)

    def _m_editMessageReplyMarkup(self, params: dict[str, Any], files: Any) -> dict[str, Any] | bool:
        return self._edit("editMessageReplyMarkup", params)

    def _m_answerCallbackQuery(self, params: dict[str, Any], files: Any) -> bool:
        chat = self.callback_chats.get(str(params.get("callback_query_id")))
        self._record(SentCall(self.clock.now(), "answerCallbackQuery", chat, params,
                              text=params.get("text")))
        return True

    def _send_file(self, method: str, field_name: str, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        filename, data = "file", b""
        if files and field_name in files:
            entry = files[field_name]
            filename, data = str(entry[0]), bytes(entry[1])
        path = None
        if self.files_dir is not None:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            path = self.files_dir / filename
            path.write_bytes(data)
        fid = self.register_file(data)
        message: dict[str, Any] = {"message_id": self._next_id(chat_id), "date": self._now_ts(),
                                   "chat": self._chat(chat_id), "from": BOT_USER, "caption": params.get("caption")}
        if method == "sendDocument":
            message["document"] = {"file_id": fid, "file_unique_id": fid, "file_name": filename,
                                   "file_size": len(data)}
        else:
            message["photo"] = [{"file_id": fid, "file_unique_id": fid, "width": 1, "height": 1}]
        markup = params.get("reply_markup")
        self._record(SentCall(self.clock.now(), method, chat_id, params, filename=filename,
                              caption=params.get("caption"), buttons=self._buttons(markup), file_path=path,
                              data=data))
        return self._store_message(chat_id, message, markup)

    def _m_sendDocument(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return self._send_file("sendDocument", "document", params, files)

    def _m_sendPhoto(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return self._send_file("sendPhoto", "photo", params, files)
