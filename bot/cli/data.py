"""`python -m bot backup|restore|summary|report`: the commune's data from the shell."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from typing import Any

from bot.cli.shell import EXIT_OK, CliError, lang, now_from, period, storage_words, t
from bot.cli.store import preflight, settings_for, with_services
from bot.core.models import Commune
from bot.documents.report_files import report_files
from bot.i18n import translator
from bot.services.container import Services
from bot.services.province import CommuneRow, ProvinceService
from handlers.render import to_plain
from handlers.render.summary import render_summary
from storage.backup import backup_to, restore, verify
from storage.db import StorageError


def backup(args: argparse.Namespace) -> int:
    settings = settings_for(args.db)
    preflight(settings.db_path)
    try:
        path = backup_to(settings.db_path, args.to or settings.backups, datetime.now(settings.tz))
        version = verify(path)
    except (StorageError, OSError) as exc:
        raise CliError(storage_words(exc)) from None
    print(t("backup_done", path=path, version=version))
    return EXIT_OK


def restore_backup(args: argparse.Namespace) -> int:
    settings = settings_for(args.db)
    try:
        version = verify(args.file)
        saved = restore(args.file, settings.db_path, commune_name=settings.commune_name)
    except (StorageError, OSError) as exc:
        raise CliError(storage_words(exc)) from None
    print(t("restore_done", path=settings.db_path, version=version, saved=saved or "-"))
    return EXIT_OK


def report(args: argparse.Namespace) -> int:
    """The files /xuatbaocao sends, for the office's PC: the .docx draft and, with --xlsx, the spreadsheet."""
    (start, end), now = period(args.period), now_from(args.now)

    async def build(services: Services, commune: Commune) -> int:
        summary = await services.summaries.build(commune.id, start, end, now)
        files = await report_files(services.repos, commune.id, summary, request=args.request)
        try:
            args.out.write_bytes(files.docx)
            if args.xlsx:
                args.xlsx.write_bytes(files.xlsx)
        except OSError as exc:
            raise CliError(storage_words(exc)) from None
        print(t("report_done", path=args.out, xlsx=args.xlsx or "-"))
        return EXIT_OK

    return with_services(args.db, build, args.commune)


def summary(args: argparse.Namespace) -> int:
    """What /tomtat shows, as plain text, or as JSON (--json) for other tools; with --province, every
    commune of the deployment ranked side by side."""
    (start, end), now = period(args.period), now_from(args.now)
    if args.province:
        return _province(args, start, end, now)

    async def build(services: Services, commune: Commune) -> int:
        found = await services.summaries.build(commune.id, start, end, now, unit=args.unit)
        if args.json:
            print(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
        else:
            names = await services.people.unit_names(commune.id)
            print(to_plain(render_summary(translator(lang()), found, names)))
        return EXIT_OK

    return with_services(args.db, build, args.commune)


def _province(args: argparse.Namespace, start: date, end: date, now: datetime) -> int:
    async def build(services: Services, default: Commune) -> int:
        rows = await services.province.ranking(await services.people.communes(), start, end, now)
        if args.json:
            print(json.dumps(ProvinceService.to_dict(rows, start, end), ensure_ascii=False, indent=2))
        else:
            tr = translator(lang())
            print(tr("province.header", start=tr.date(start), end=tr.date(end), n=len(rows)))
            for rank, row in enumerate(rows, 1):
                print(_province_line(tr, rank, row))
        return EXIT_OK

    return with_services(args.db, build, needs_commune=False)


def _province_line(tr: Any, rank: int, row: CommuneRow) -> str:
    if not row.reported:
        return tr("province.not_reported", name=row.name, overdue=row.overdue_tasks)

    def rate(value: float | None) -> str:
        return tr.number(value) + "%" if value is not None else tr("province.not_computable")

    return tr("province.line", rank=rank, name=row.name, received=tr.number(row.received or 0),
              on_time=rate(row.on_time_rate), online=rate(row.online_rate), late=row.late_without_apology or 0,
              overdue=row.overdue_tasks, weeks=row.weeks_reported, of=row.weeks_in_period)
