"""`python -m bot …`: run, console, replay, user, parse, import-plan.

Errors are one clear line on stderr and a non-zero exit, never a traceback. Heavy modules
(telegram, aiosqlite) are imported only by the commands that need them, so `parse` starts fast.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _run(coro: Any) -> Any:
    """asyncio.run, imported when a command needs it (`parse` does not, and starts faster without it)."""
    import asyncio

    return asyncio.run(coro)


class CliError(Exception):
    """A user-facing error: printed as one line, exit code 1 (or `code`)."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def _lang() -> str:
    lang = os.environ.get("CCHC_LOCALE", "vi")
    return lang if lang in ("vi", "en") else "vi"


def _t(key: str, **values: object) -> str:
    from bot.i18n import translator

    return translator(_lang())(f"cli.{key}", **values)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{_t('error_prefix')}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m bot", description=_t("description"))
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def db_arg(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--db", type=Path, default=None, help=_t("db_help"))

    sub.add_parser("run", help=_t("run_help"), description=_t("run_help"))

    sp = sub.add_parser("console", help=_t("console_help"), description=_t("console_help"))
    sp.add_argument("--as", dest="as_id", type=int, default=None, help=_t("as_help"))
    db_arg(sp)

    sp = sub.add_parser("replay", help=_t("replay_help"), description=_t("replay_help"))
    sp.add_argument("script", type=Path)
    sp.add_argument("--files", type=Path, default=None, help=_t("files_help"))
    db_arg(sp)

    up = sub.add_parser("user", help=_t("user_help"), description=_t("user_help"))
    usub = up.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    sp = usub.add_parser("add", help=_t("user_add_help"), description=_t("user_add_help"))
    sp.add_argument("telegram_id", type=int)
    sp.add_argument("--name", required=True)
    sp.add_argument("--role", required=True, action="append",
                    help="chairman, vice_chairman, office, officer, admin (a,b hoặc lặp lại --role)")
    sp.add_argument("--unit", default=None)
    sp.add_argument("--locale", default="vi", choices=["vi", "en"])
    db_arg(sp)
    sp = usub.add_parser("list", help=_t("user_list_help"), description=_t("user_list_help"))
    db_arg(sp)
    sp = usub.add_parser("deactivate", help=_t("user_deactivate_help"), description=_t("user_deactivate_help"))
    sp.add_argument("telegram_id", type=int)
    db_arg(sp)
    sp = usub.add_parser("reactivate", help=_t("user_reactivate_help"), description=_t("user_reactivate_help"))
    sp.add_argument("telegram_id", type=int)
    db_arg(sp)
    sp = usub.add_parser("role", help=_t("user_role_help"), description=_t("user_role_help"))
    sp.add_argument("telegram_id", type=int)
    sp.add_argument("--add", default=None, help="chairman, vice_chairman, office, officer, admin (a,b)")
    sp.add_argument("--remove", default=None)
    db_arg(sp)

    sp = sub.add_parser("parse", help=_t("parse_help"), description=_t("parse_help"))
    sp.add_argument("text", nargs="?")
    sp.add_argument("--now", default=None, help=_t("now_help"))
    sp.add_argument("--jsonl", default=None, help=_t("jsonl_help"))

    sp = sub.add_parser("backup", help=_t("backup_help"), description=_t("backup_help"))
    sp.add_argument("--to", type=Path, default=None, help=_t("backup_to_help"))
    db_arg(sp)
    sp = sub.add_parser("restore", help=_t("restore_help"), description=_t("restore_help"))
    sp.add_argument("file", type=Path)
    db_arg(sp)

    sp = sub.add_parser("summary", help=_t("summary_help"), description=_t("summary_help"))
    sp.add_argument("--period", required=True, help="YYYY-MM-DD..YYYY-MM-DD")
    sp.add_argument("--unit", default=None)
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--now", default=None, help=_t("now_help"))
    db_arg(sp)

    sp = sub.add_parser("report", help=_t("report_help"), description=_t("report_help"))
    sp.add_argument("--period", required=True, help="YYYY-MM-DD..YYYY-MM-DD")
    sp.add_argument("--out", type=Path, required=True, help="FILE.docx")
    sp.add_argument("--xlsx", type=Path, default=None, help="FILE.xlsx")
    sp.add_argument("--request", default=None, help=_t("request_help"))
    sp.add_argument("--now", default=None, help=_t("now_help"))
    db_arg(sp)

    sp = sub.add_parser("import-plan", help=_t("import_help"), description=_t("import_help"))
    sp.add_argument("file", type=Path)
    sp.add_argument("--year", type=int, default=None, help=_t("year_help"))
    sp.add_argument("--json", action="store_true", help=_t("json_help"))
    db_arg(sp)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": cmd_run, "console": cmd_console, "replay": cmd_replay, "user": cmd_user,
        "parse": cmd_parse, "import-plan": cmd_import_plan, "summary": cmd_summary, "report": cmd_report,
        "backup": cmd_backup,
        "restore": cmd_restore,
    }
    try:
        return handlers[args.command](args)
    except CliError as exc:
        print(f"{_t('error_prefix')}: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


# -- settings and storage -----------------------------------------------------------------------
def _settings(db: Path | None = None) -> Any:
    from bot.config import ConfigError, load_settings

    try:
        overrides: dict[str, Any] = {"db_path": db} if db is not None else {}
        return load_settings(**overrides)
    except ConfigError as exc:
        raise CliError(str(exc)) from None


def _run_db(db: Path | None, work: Callable[[Any, Any], Any]) -> Any:
    """Open the database (migrating it), run `work(settings, repos)`, close."""
    from storage import Database, StorageError
    from storage.repositories import Repositories

    settings = _settings(db)

    async def go() -> Any:
        try:
            database = await Database.open(settings.db_path)
        except StorageError as exc:
            raise CliError(_storage_words(exc)) from None
        try:
            return await work(settings, Repositories(database))
        finally:
            await database.close()

    return _run(go())


# -- user ---------------------------------------------------------------------------------------
def cmd_user(args: argparse.Namespace) -> int:
    from bot.core.domain import ALL_UNITS, ROLES, UNIT_KEYS
    from storage.repositories import DuplicateError

    if args.user_command == "add":
        roles = [r.strip() for given in args.role for r in given.split(",") if r.strip()]
        bad = [r for r in roles if r not in ROLES]
        if bad or not roles:
            raise CliError(_t("unknown_role", value=",".join(bad) or ",".join(args.role), valid=", ".join(ROLES)))
        if args.unit is not None and (args.unit not in UNIT_KEYS or args.unit == ALL_UNITS):
            raise CliError(_t("unknown_unit", value=args.unit, valid=", ".join(UNIT_KEYS)))

        async def add(settings: Any, repos: Any) -> int:
            commune = await repos.communes.get_or_create(settings.commune_name)
            try:
                officer = await repos.officers.add(
                    commune.id, args.telegram_id, args.name, roles, args.unit, args.locale
                )
            except DuplicateError:
                raise CliError(_t("user_exists", telegram_id=args.telegram_id)) from None
            print(_t("user_added", name=officer.name, telegram_id=officer.telegram_id,
                     roles=",".join(officer.roles), unit=officer.unit_key or "-"))
            return EXIT_OK

        return int(_run_db(args.db, add))

    if args.user_command == "list":
        async def list_users(settings: Any, repos: Any) -> int:
            officers = await repos.officers.list()
            if not officers:
                print(_t("no_users"))
            for o in officers:
                state = "" if o.active else " (x)"
                print(f"{o.telegram_id}\t{o.name}\t{','.join(o.roles)}\t{o.unit_key or '-'}{state}")
            return EXIT_OK

        return int(_run_db(args.db, list_users))

    if args.user_command == "role":  # the shell's way out when nobody in chat may change roles any more
        adding = {r.strip() for r in (args.add or "").split(",") if r.strip()}
        removing = {r.strip() for r in (args.remove or "").split(",") if r.strip()}
        bad = sorted((adding | removing) - set(ROLES))
        if bad or not (adding or removing):
            raise CliError(_t("unknown_role", value=",".join(bad) or "-", valid=", ".join(ROLES)))

        async def change_roles(settings: Any, repos: Any) -> int:
            person = await repos.officers.by_telegram_id(args.telegram_id)
            if person is None:
                raise CliError(_t("user_not_found", telegram_id=args.telegram_id))
            roles = [r for r in ROLES if (r in person.roles or r in adding) and r not in removing]
            if not roles:
                raise CliError(_t("user_no_roles_left", telegram_id=args.telegram_id))
            await repos.officers.update(person.id, roles=",".join(roles))
            print(_t("user_roles_changed", telegram_id=args.telegram_id, roles=",".join(roles)))
            return EXIT_OK

        return int(_run_db(args.db, change_roles))

    active = args.user_command == "reactivate"

    async def set_active(settings: Any, repos: Any) -> int:
        if not await repos.officers.set_active(args.telegram_id, active):
            raise CliError(_t("user_not_found", telegram_id=args.telegram_id))
        print(_t("user_reactivated" if active else "user_deactivated", telegram_id=args.telegram_id))
        return EXIT_OK

    return int(_run_db(args.db, set_active))


# -- parse --------------------------------------------------------------------------------------
def _now(value: str | None) -> datetime:
    from zoneinfo import ZoneInfo

    from bot.i18n import translator

    zone = os.environ.get("CCHC_TIMEZONE", "Asia/Ho_Chi_Minh")
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError; odd keys a ValueError
        raise CliError("CCHC_TIMEZONE: " + translator(_lang())("config.time_zone", value=zone)) from None
    if value is None:
        return datetime.now(tz)
    try:
        now = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(_t("bad_now", value=value), EXIT_USAGE) from None
    return now if now.tzinfo else now.replace(tzinfo=tz)


def cmd_parse(args: argparse.Namespace) -> int:
    from bot.batch_parse import parse_stream
    from bot.core.parse import parse_message

    now = _now(args.now)
    if args.jsonl is None:
        if args.text is None:
            raise CliError("TEXT or --jsonl FILE", EXIT_USAGE)
        print(json.dumps(parse_message(args.text, now).to_dict(), ensure_ascii=False))
        return EXIT_OK
    if args.jsonl == "-":
        stream = sys.stdin
    else:
        try:
            stream = open(args.jsonl, encoding="utf-8")  # noqa: SIM115
        except OSError:
            raise CliError(_t("file_missing", path=args.jsonl)) from None
    with stream:
        status = parse_stream(stream, now, translate=_t)
    return EXIT_ERROR if status else EXIT_OK


# -- import-plan --------------------------------------------------------------------------------
def cmd_import_plan(args: argparse.Namespace) -> int:
    from bot.core.plan_import import PlanImportError, read_plan
    from bot.i18n import render_note, translator

    if not args.file.is_file():
        raise CliError(_t("file_missing", path=args.file))
    try:
        plan = read_plan(args.file.name, args.file.read_bytes(), year=args.year)
    except PlanImportError as exc:
        raise CliError(render_note(translator(_lang()), exc.note)) from None
    if args.json:  # the import contract: warnings in Vietnamese
        print(json.dumps(plan.to_dict(lambda note: render_note(translator("vi"), note)), ensure_ascii=False,
                         indent=2))
        return EXIT_OK

    async def save(settings: Any, repos: Any) -> int:
        from bot.services.plans import store_plan

        commune = await repos.communes.get_or_create(settings.commune_name)
        summary = await store_plan(repos, commune.id, plan, source_name=args.file.name)
        print(summary)
        return EXIT_OK

    return int(_run_db(args.db, save))


# -- backup and restore ---------------------------------------------------------------------------
def cmd_backup(args: argparse.Namespace) -> int:
    from storage.backup import backup_to, verify
    from storage.db import StorageError

    settings = _settings(args.db)
    _preflight(settings.db_path)
    try:
        path = backup_to(settings.db_path, args.to or settings.backups, datetime.now(settings.tz))
        version = verify(path)
    except (StorageError, OSError) as exc:
        raise CliError(_storage_words(exc)) from None
    print(_t("backup_done", path=path, version=version))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from storage.backup import restore, verify
    from storage.db import StorageError

    settings = _settings(args.db)
    try:
        version = verify(args.file)
        saved = restore(args.file, settings.db_path, commune_name=settings.commune_name)
    except (StorageError, OSError) as exc:
        raise CliError(_storage_words(exc)) from None
    print(_t("restore_done", path=settings.db_path, version=version, saved=saved or "-"))
    return EXIT_OK


def _storage_words(exc: Exception) -> str:
    """A storage or file error in the user's language."""
    reason = getattr(exc, "reason", None)
    if reason is not None:
        return _t(f"storage_{reason}", **getattr(exc, "values", {}))
    if isinstance(exc, OSError):
        kind = {errno.ENOENT: "enoent", errno.EACCES: "eacces", errno.EPERM: "eacces",
                errno.ENOSPC: "enospc", errno.EROFS: "erofs"}.get(exc.errno or 0, "other")
        return _t("os_error", path=exc.filename or "", why=_t(f"os_{kind}"))
    return str(exc)


def _not_in_use(db: Path) -> None:
    """A second bot (or console, or replay) on a database a bot is serving is refused: two schedulers would
    send every reminder twice."""
    from storage.lock import DatabaseLock

    if str(db) != ":memory:" and DatabaseLock(db).held_elsewhere():
        raise CliError(_t("database_in_use", path=db))


def _preflight(db: Path) -> None:
    """Open (and migrate) the database once, so that a problem is one clear line, not a traceback."""
    from storage import Database, StorageError

    async def check() -> None:
        database = await Database.open(db)
        await database.close()

    try:
        _run(check())
    except StorageError as exc:
        raise CliError(_storage_words(exc)) from None


# -- summary ------------------------------------------------------------------------------------
def _period(text: str) -> tuple[Any, Any]:
    from datetime import date

    try:
        a, b = text.split("..")
        start, end = date.fromisoformat(a), date.fromisoformat(b)
        if start > end:
            raise ValueError
    except ValueError:
        raise CliError(_t("bad_period", value=text), EXIT_USAGE) from None
    return start, end


def cmd_report(args: argparse.Namespace) -> int:
    """The files /xuatbaocao sends, for the office's PC: the .docx draft and, with --xlsx, the spreadsheet."""
    (start, end), now = _period(args.period), _now(args.now)

    async def build(settings: Any, repos: Any) -> int:
        from bot.documents.report_files import report_files
        from bot.services.summaries import SummaryService

        commune = await repos.communes.get_or_create(settings.commune_name)
        summary = await SummaryService(repos, settings.calendar()).build(commune.id, start, end, now)
        files = await report_files(repos, commune.id, summary, request=args.request)
        try:
            args.out.write_bytes(files.docx)
            if args.xlsx:
                args.xlsx.write_bytes(files.xlsx)
        except OSError as exc:
            raise CliError(_storage_words(exc)) from None
        print(_t("report_done", path=args.out, xlsx=args.xlsx or "-"))
        return EXIT_OK

    return int(_run_db(args.db, build))


def cmd_summary(args: argparse.Namespace) -> int:
    start, end = _period(args.period)
    now = _now(args.now)

    async def build(settings: Any, repos: Any) -> int:
        from bot.services.summaries import SummaryService

        commune = await repos.communes.get_or_create(settings.commune_name)
        summary = await SummaryService(repos, settings.calendar()).build(commune.id, start, end, now, unit=args.unit)
        if args.json:
            print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
        else:
            from bot.i18n import translator
            from handlers.summary import render_summary

            names = await repos.communes.unit_names(commune.id)
            import html
            import re

            text = render_summary(translator(_lang()), summary, names)
            print(html.unescape(re.sub(r"<[^>]+>", "", text)))
        return EXIT_OK

    return int(_run_db(args.db, build))


# -- run, console, replay -----------------------------------------------------------------------
def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings()
    if not settings.has_token:
        from bot.offline.console import demo_db_path, ensure_demo_db

        db = demo_db_path()
        print(_t("console_demo", db=db), flush=True)
        _run(ensure_demo_db(db, settings))
        return _console(db, as_id=None)
    from bot.serving.serve import ServeError, serve

    _not_in_use(settings.db_path)
    _preflight(settings.db_path)
    try:
        return serve(settings)
    except ServeError as exc:
        raise CliError(str(exc)) from None


def cmd_console(args: argparse.Namespace) -> int:
    settings = _settings(args.db)
    return _console(settings.db_path, as_id=args.as_id)


def _console(db: Path, as_id: int | None) -> int:
    from bot.offline.console import log_to_file, run_console

    settings = _settings(db)
    _not_in_use(settings.db_path)
    _preflight(settings.db_path)
    if str(settings.db_path) != ":memory:":
        log_to_file(settings.db_path.parent / "console.log")
    return _run(run_console(settings, as_id=as_id))


def cmd_replay(args: argparse.Namespace) -> int:
    from bot.offline.replay import ReplayError, load_script, run_replay

    settings = _settings(args.db)
    try:
        script = load_script(args.script)
    except ReplayError as exc:
        raise CliError(str(exc)) from None
    _not_in_use(settings.db_path)
    _preflight(settings.db_path)
    try:
        script = load_script(args.script)
    except ReplayError as exc:
        raise CliError(str(exc)) from None
    try:
        return _run(run_replay(settings, script, files_dir=args.files, out=sys.stdout))
    except ReplayError as exc:
        raise CliError(str(exc)) from None
