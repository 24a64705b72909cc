"""`python -m bot replay SCRIPT.jsonl`: drive the real bot offline from a script (replay-contract.md).

The whole script is checked before anything runs, so a malformed line changes nothing.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.core.clock import ManualClock
from bot.i18n import translator
from bot.offline.botapi import VISIBLE_METHODS, SentCall
from bot.offline.session import OfflineSession, SessionError


class ReplayError(Exception):
    """The script cannot be replayed; the message names the line."""


@dataclass(frozen=True)
class Step:
    line: int
    kind: str  # text, press, document, edit, advance
    at: datetime
    user: dict[str, Any] | None = None
    chat: dict[str, Any] | None = None
    value: str = ""
    caption: str | None = None
    path: Path | None = None
    on: int | None = None  # a press on the N-th latest message sent with buttons


def _t(key: str, **values: object) -> str:
    return translator("vi")(f"cli.{key}", **values)


def _time(value: object, lineno: int, field: str) -> datetime:
    if not isinstance(value, str):
        raise ReplayError(_t("bad_line", line=lineno, reason=f'"{field}" must be an ISO 8601 time string'))
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ReplayError(_t("bad_line", line=lineno, reason=f'"{field}" is not ISO 8601: {value}')) from None
    if when.tzinfo is None:
        raise ReplayError(_t("bad_line", line=lineno, reason=f'"{field}" needs a UTC offset: {value}'))
    return when


def _user(value: object, lineno: int) -> dict[str, Any]:
    if not isinstance(value, dict) or not isinstance(value.get("id"), int) or isinstance(value.get("id"), bool):
        raise ReplayError(_t("bad_line", line=lineno, reason='"from" must be {"id": <integer>, "name": ...}'))
    return value


def parse_step(obj: object, lineno: int, base: Path) -> Step:
    if not isinstance(obj, dict):
        raise ReplayError(_t("bad_line", line=lineno, reason="expected a JSON object"))
    if "advance_to" in obj:
        return Step(lineno, "advance", _time(obj["advance_to"], lineno, "advance_to"))
    at = _time(obj.get("at"), lineno, "at")
    user = _user(obj.get("from"), lineno)
    chat = obj.get("chat")
    if chat is not None and (not isinstance(chat, dict) or not isinstance(chat.get("id"), int)):
        raise ReplayError(_t("bad_line", line=lineno, reason='"chat" must be {"id": <integer>, "title": ...}'))
    actions = [k for k in ("text", "press", "document", "edit") if k in obj]
    if len(actions) != 1:
        raise ReplayError(_t("bad_line", line=lineno, reason='need exactly one of "text", "press", "document", "edit"'))
    kind = actions[0]
    value = obj[kind]
    if not isinstance(value, str):
        raise ReplayError(_t("bad_line", line=lineno, reason=f'"{kind}" must be a string'))
    path = None
    if kind == "document":
        path = (base / value).resolve()
        if not path.is_file():
            raise ReplayError(_t("bad_line", line=lineno, reason=_t("file_missing", path=value)))
    caption = obj.get("caption")
    if caption is not None and not isinstance(caption, str):
        raise ReplayError(_t("bad_line", line=lineno, reason='"caption" must be a string'))
    on = obj.get("on")
    if on is not None and (kind != "press" or not isinstance(on, int) or isinstance(on, bool) or on < 1):
        raise ReplayError(_t("bad_line", line=lineno, reason='"on" goes with "press" and is a whole number ≥ 1'))
    return Step(lineno, kind, at, user, chat, value, caption, path, on)


def load_script(path: Path) -> list[Step]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReplayError(_t("file_missing", path=path) + f" ({exc.__class__.__name__})") from None
    steps: list[Step] = []
    last: datetime | None = None
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReplayError(_t("bad_line", line=lineno, reason=f"not valid JSON ({exc.msg})")) from None
        step = parse_step(obj, lineno, path.parent)
        if last is not None and step.at < last:
            raise ReplayError(_t("bad_line", line=lineno, reason="time goes back; the clock never goes back"))
        last = step.at
        steps.append(step)
    return steps


def call_line(call: SentCall, tz: Any) -> dict[str, Any]:
    line = call.as_replay_line()
    line["at"] = call.at.astimezone(tz).isoformat()
    return line


async def run_replay(
    settings: Settings, steps: list[Step], *, files_dir: Path | None = None, out: TextIO = sys.stdout
) -> int:
    if not steps:
        return 0
    if files_dir is None:
        files_dir = Path(tempfile.mkdtemp(prefix="cchc-replay-"))
        print(_t("replay_files", path=files_dir), file=sys.stderr)
    clock = ManualClock(steps[0].at, settings.tz)
    session = OfflineSession(settings, clock, files_dir=files_dir)

    def emit(call: SentCall) -> None:
        if call.method in VISIBLE_METHODS:
            out.write(json.dumps(call_line(call, settings.tz), ensure_ascii=False) + "\n")
            out.flush()

    session.api.listeners.append(emit)
    async with session:
        for step in steps:
            try:
                await session.advance_to(step.at)
                if step.kind == "advance":
                    continue
                assert step.user is not None
                if step.kind == "text":
                    await session.send_text(step.user, step.value, step.chat)
                elif step.kind == "edit":
                    await session.edit(step.user, step.value, step.chat)
                elif step.kind == "press":
                    await session.press(step.user, step.value, step.chat, on=step.on)
                elif step.kind == "document":
                    assert step.path is not None
                    await session.send_document(step.user, step.path, step.caption, step.chat)
            except SessionError as exc:
                raise ReplayError(_t("bad_line", line=step.line, reason=str(exc))) from None
    return 0
