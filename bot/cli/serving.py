"""`python -m bot run|console|replay`: the bot on Telegram (or, without a token, the console on the demo
commune), the console on a database, a replayed script."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.shell import CliError, t
from bot.cli.store import not_in_use, preflight, settings_for
from bot.offline.console import demo_db_path, ensure_demo_db, log_to_file, run_console
from bot.offline.replay import ReplayError, load_script, run_replay
from bot.serving.serve import ServeError, serve


def run(args: argparse.Namespace) -> int:
    settings = settings_for()
    if not settings.has_token:
        db = demo_db_path()
        print(t("console_demo", db=db), flush=True)
        asyncio.run(ensure_demo_db(db, settings))
        return _console(db, as_id=None)
    not_in_use(settings.db_path)
    preflight(settings.db_path)
    try:
        return serve(settings)
    except ServeError as exc:
        raise CliError(str(exc)) from None


def console(args: argparse.Namespace) -> int:
    return _console(settings_for(args.db).db_path, as_id=args.as_id)


def _console(db: Path, as_id: int | None) -> int:
    settings = settings_for(db)
    not_in_use(settings.db_path)
    preflight(settings.db_path)
    if str(settings.db_path) != ":memory:":
        log_to_file(settings.db_path.parent / "console.log")
    return asyncio.run(run_console(settings, as_id=as_id))


def replay(args: argparse.Namespace) -> int:
    settings = settings_for(args.db)
    try:
        script = load_script(args.script)  # a malformed script changes nothing: checked before anything runs
    except ReplayError as exc:
        raise CliError(str(exc)) from None
    not_in_use(settings.db_path)
    preflight(settings.db_path)
    try:
        return asyncio.run(run_replay(settings, script, files_dir=args.files, out=sys.stdout))
    except ReplayError as exc:
        raise CliError(str(exc)) from None
