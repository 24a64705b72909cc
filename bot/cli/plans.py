"""`python -m bot import-plan FILE [--json]`: the import contract (--json prints what was read, in the
contract's shape), or the plan stored for the commune."""

from __future__ import annotations

import argparse
import json

from bot.cli.shell import EXIT_OK, CliError, lang, t
from bot.cli.store import with_services
from bot.core.models import Commune
from bot.core.plan_import import PlanImportError, read_plan
from bot.i18n import render_note, translator
from bot.services.container import Services


def run(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise CliError(t("file_missing", path=args.file))
    try:
        plan = read_plan(args.file.name, args.file.read_bytes(), year=args.year)
    except PlanImportError as exc:
        raise CliError(render_note(translator(lang()), exc.note)) from None
    if args.json:  # the import contract: warnings in Vietnamese
        print(json.dumps(plan.to_dict(lambda note: render_note(translator("vi"), note)), ensure_ascii=False,
                         indent=2))
        return EXIT_OK

    async def save(services: Services, commune: Commune) -> int:
        print(await services.plans.store_for(commune.id, plan, args.file.name))
        return EXIT_OK

    return with_services(args.db, save, args.commune)
