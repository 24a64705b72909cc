"""`python -m bot console`: chat with the real bot in a terminal, over the offline Bot API.

Type as a user; the bot's replies appear with their buttons numbered. `/press N` presses one,
`/as ID` switches user, `/time +2d` or `/time 2026-11-27 15:00` moves the clock (due jobs fire),
`/quit` leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.core.clock import ManualClock
from bot.i18n import translator
from bot.offline.botapi import VISIBLE_METHODS, SentCall
from bot.offline.demo import load_demo_plan
from bot.offline.session import OfflineSession, SessionError
from storage import Database
from storage.repositories import Repositories

_TAG = re.compile(r"<[^>]+>")
_DELTA = re.compile(r"^\+(\d+)\s*([dhm])$")

DEMO_OFFICERS: tuple[tuple[int, str, str, str], ...] = (
    (1001, "Nguyễn Văn An", "chairman", "lanh-dao"),
    (1002, "Trần Thị Bình", "office,admin", "van-phong"),
    (1003, "Lê Văn Cường", "officer", "tu-phap"),
    (1004, "Phạm Thị Dung", "officer", "mot-cua"),
    (1005, "Hoàng Văn Em", "officer", "van-hoa"),
)


def _t(key: str, **values: object) -> str:
    return translator("vi")(f"cli.{key}", **values)


def demo_db_path() -> Path:
    return Path("data") / "demo.sqlite3"


async def ensure_demo_db(db: Path, settings: Settings) -> None:
    """One commune, the Đức Phong plan (dated to this year) and a few officers."""
    database = await Database.open(db)
    try:
        repos = Repositories(database)
        commune = await repos.communes.get_or_create(settings.commune_name)
        for tid, name, roles, unit in DEMO_OFFICERS:
            if await repos.officers.by_telegram_id(tid) is None:
                await repos.officers.add(commune.id, tid, name, roles.split(","), unit)
        if await repos.plans.current_plan_id(commune.id) is None:
            await load_demo_plan(repos, commune.id, year=datetime.now(settings.tz).year)
    finally:
        await database.close()


def render_call(call: SentCall) -> list[str]:
    lines: list[str] = []
    text = call.text if call.method != "sendDocument" and call.method != "sendPhoto" else call.caption
    prefix = {"sendMessage": "🤖", "editMessageText": "🤖✎", "answerCallbackQuery": "🔔",
              "sendDocument": "📎", "sendPhoto": "🖼", "editMessageReplyMarkup": "🤖✎"}.get(call.method, "🤖")
    if call.method == "sendDocument":
        lines.append(f"{prefix} {call.filename} → {call.file_path}")
    if call.method == "sendPhoto":
        lines.append(f"{prefix} → {call.file_path}")
    if text:
        plain = html.unescape(_TAG.sub("", text))
        lines.extend(f"{prefix if i == 0 else '  '} {ln}" for i, ln in enumerate(plain.splitlines()))
    n = 1
    for row in call.buttons:
        cells = []
        for label in row:
            cells.append(f"[{n}] {label}")
            n += 1
        lines.append("   " + "  ".join(cells))
    return lines


def parse_time(value: str, now: datetime) -> datetime | None:
    value = value.strip()
    m = _DELTA.match(value)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        return now + {"d": timedelta(days=n), "h": timedelta(hours=n), "m": timedelta(minutes=n)}[unit]
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=now.tzinfo)
        except ValueError:
            continue
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=now.tzinfo)


def log_to_file(path: Path) -> None:
    """The bot's log lines go to a file beside the database, never between the chat lines on screen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)


def _line_reader(stdin: TextIO, out: TextIO) -> Any:
    """What reads one typed line: on a terminal `input()` with line editing and history (↑/↓, kept in
    ~/.cchc_console_history), otherwise plain lines from the stream (scripts, tests)."""
    if stdin is sys.stdin and out is sys.stdout and stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline  # line editing for input(); absent on some platforms

            history = Path.home() / ".cchc_console_history"
            with contextlib.suppress(OSError):
                readline.read_history_file(history)
            readline.set_history_length(500)
            import atexit

            def save() -> None:
                with contextlib.suppress(OSError):
                    readline.write_history_file(history)
            atexit.register(save)

        def typed() -> str:
            try:
                return input("> ") + "\n"
            except EOFError:
                return ""
        return typed

    def piped() -> str:
        print("> ", end="", file=out, flush=True)
        return stdin.readline()
    return piped


async def run_console(
    settings: Settings, *, as_id: int | None = None, stdin: TextIO | None = None, out: TextIO | None = None,
    start: datetime | None = None,
) -> int:
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    clock = ManualClock(start or datetime.now(settings.tz).replace(microsecond=0), settings.tz)
    files_dir = settings.db_path.parent / "console-files"
    session = OfflineSession(settings, clock, files_dir=files_dir)

    user: dict[str, Any] = {"id": as_id or 0, "name": ""}
    names: dict[int, str] = {}

    def show(call: SentCall) -> None:
        if call.method in VISIBLE_METHODS:
            if call.chat is not None and call.chat != user["id"]:  # a message to someone else (a reminder…)
                print(_t("console_to", who=f"{names.get(call.chat, call.chat)} ({call.chat})"), file=out)
            for line in render_call(call):
                print(line, file=out)
            out.flush()

    session.api.listeners.append(show)
    async with session:
        officers = await session.app.services.repos.officers.list(active_only=True)
        if as_id is None:
            as_id = officers[0].telegram_id if officers else 1
        names.update({o.telegram_id: o.name for o in officers})
        user.update({"id": as_id, "name": names.get(as_id, f"user{as_id}")})
        wall = time.monotonic()
        print(_t("console_intro", commune=session.app.services.commune.name,
                 who=f"{user['name']} ({as_id})"), file=out)
        read_line = _line_reader(stdin, out)
        while True:
            line = await asyncio.to_thread(read_line)
            if not line:
                break
            line = line.strip()
            if not line:
                continue
            if line in ("/quit", "/exit", "/thoat"):
                break
            # the clock follows real time between lines (jobs due meanwhile run); /time still jumps
            elapsed, wall = int(time.monotonic() - wall), time.monotonic()
            if elapsed > 0:
                await session.advance_to(clock.now() + timedelta(seconds=elapsed))
            try:
                if line.startswith("/press"):
                    arg = line.removeprefix("/press").strip()
                    buttons = session.buttons(user["id"])
                    if not arg.isdigit() or not 1 <= int(arg) <= len(buttons):
                        print(_t("console_no_button", n=arg), file=out)
                        continue
                    message = session.api.latest_with_buttons[user["id"]]
                    await session.press_data(user, message, buttons[int(arg) - 1].get("callback_data", ""))
                elif line.startswith("/as"):
                    arg = line.removeprefix("/as").strip()
                    if not arg.lstrip("-").isdigit():
                        print(_t("console_as", who=f"{user['name']} ({user['id']})"), file=out)
                        continue
                    user.update({"id": int(arg), "name": names.get(int(arg), f"user{arg}")})
                    print(_t("console_as", who=f"{user['name']} ({user['id']})"), file=out)
                elif line.startswith("/time"):
                    arg = line.removeprefix("/time").strip()
                    when = parse_time(arg, clock.now()) if arg else clock.now()
                    if when is None or when < clock.now():
                        print(_t("console_bad_time", value=arg), file=out)
                        continue
                    ran = await session.advance_to(when)
                    print(_t("console_time", now=clock.now().strftime("%d/%m/%Y %H:%M"), jobs=ran), file=out)
                else:
                    await session.send_text(user, line)
            except SessionError as exc:
                print(str(exc), file=out)
    print(_t("console_bye"), file=out)
    return 0
