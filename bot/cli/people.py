"""`python -m bot user add|list|role|deactivate|reactivate`: the shell's way to register the first admin,
and the way out when nobody in chat may change roles any more."""

from __future__ import annotations

import argparse
import re

from bot.cli.shell import EXIT_OK, CliError, t
from bot.cli.store import with_services
from bot.core.domain import ALL_UNITS, ROLES, UNIT_KEYS
from bot.core.models import Commune
from bot.services.container import Services
from storage.repositories import DuplicateError


def _roles(given: list[str]) -> list[str]:
    roles = [r.strip() for value in given for r in value.split(",") if r.strip()]
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise CliError(t("unknown_role", value=",".join(bad) or ",".join(given), valid=", ".join(ROLES)))
    return roles


def run(args: argparse.Namespace) -> int:
    command = args.user_command
    if command == "add":
        roles = _roles(args.role)
        if args.unit is not None and (args.unit not in UNIT_KEYS or args.unit == ALL_UNITS):
            raise CliError(t("unknown_unit", value=args.unit, valid=", ".join(UNIT_KEYS)))

        async def add(services: Services, commune: Commune) -> int:
            try:
                officer = await services.people.register(commune.id, args.telegram_id, args.name, roles,
                                                         args.unit, args.locale)
            except DuplicateError:
                raise CliError(t("user_exists", telegram_id=args.telegram_id)) from None
            print(t("user_added", name=officer.name, telegram_id=officer.telegram_id,
                    roles=",".join(officer.roles), unit=officer.unit_key or "-"))
            return EXIT_OK

        return with_services(args.db, add, args.commune)

    if command == "list":
        async def list_users(services: Services, commune: Commune) -> int:
            officers = [o for o in await services.people.everyone() if o.commune_id == commune.id]
            if not officers:
                print(t("no_users"))
            for o in officers:
                state = "" if o.active else " (x)"
                print(f"{o.telegram_id}\t{o.name}\t{','.join(o.roles)}\t{o.unit_key or '-'}{state}")
            return EXIT_OK

        return with_services(args.db, list_users, args.commune)

    if command == "role":
        adding = {r.strip() for r in (args.add or "").split(",") if r.strip()}
        removing = {r.strip() for r in (args.remove or "").split(",") if r.strip()}
        bad = sorted((adding | removing) - set(ROLES))
        if bad or not (adding or removing):
            raise CliError(t("unknown_role", value=",".join(bad) or "-", valid=", ".join(ROLES)))

        async def change_roles(services: Services, commune: Commune) -> int:
            person = await services.people.by_telegram_id(args.telegram_id)
            if person is None:
                raise CliError(t("user_not_found", telegram_id=args.telegram_id))
            roles = [r for r in ROLES if (r in person.roles or r in adding) and r not in removing]
            if not roles:
                raise CliError(t("user_no_roles_left", telegram_id=args.telegram_id))
            await services.people.set_roles(person, roles)
            print(t("user_roles_changed", telegram_id=args.telegram_id, roles=",".join(roles)))
            return EXIT_OK

        return with_services(args.db, change_roles, args.commune, needs_commune=False)

    active = command == "reactivate"

    async def set_active(services: Services, commune: Commune) -> int:
        if not await services.people.set_active(args.telegram_id, active):
            raise CliError(t("user_not_found", telegram_id=args.telegram_id))
        print(t("user_reactivated" if active else "user_deactivated", telegram_id=args.telegram_id))
        return EXIT_OK

    return with_services(args.db, set_active, args.commune, needs_commune=False)


_KEY = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")


def commune(args: argparse.Namespace) -> int:
    """`commune add KEY --name "Xã …"` (its units are the standard ones) · `commune list`."""
    if args.commune_command == "add":
        key, name = args.key.strip().lower(), " ".join(args.name.split())
        if not _KEY.fullmatch(key) or not name:
            raise CliError(t("commune_bad_key", code=args.key))

        async def add(services: Services, default: Commune) -> int:
            try:
                made = await services.people.add_commune(key, name)
            except DuplicateError:
                raise CliError(t("commune_exists", code=key, name=name)) from None
            print(t("commune_added", code=made.key, name=made.name))
            return EXIT_OK

        return with_services(args.db, add, needs_commune=False)

    async def list_communes(services: Services, default: Commune) -> int:
        for c in await services.people.communes():
            people = [o for o in await services.people.active(c.id)]
            print(f"{c.key or '-'}\t{c.name}\t{t('commune_people', n=len(people))}"
                  + (f"\t{t('commune_default')}" if c.id == default.id else ""))
        return EXIT_OK

    return with_services(args.db, list_communes, needs_commune=False)
