"""The permission matrix, in one place. The README prints the same table (tests/test_permissions.py)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from bot.core.domain import Role


class Perm(StrEnum):
    REPORT = "report"                    # report progress and dossier figures
    READ_OWN = "read_own"                # own tasks, own unit's summary
    READ_COMMUNE = "read_commune"        # the whole commune's summary and tasks
    IMPORT_PLAN = "import_plan"
    INVITE = "invite"                    # invite people, change roles, deactivate
    ASSIGN = "assign"                    # assign tasks, change due dates
    EXPORT = "export"                    # .docx/.xlsx exports
    BACKUP = "backup"
    SETTINGS = "settings"                # reminder schedules


MATRIX: dict[Role, frozenset[Perm]] = {
    Role.OFFICER: frozenset({Perm.REPORT, Perm.READ_OWN}),
    Role.OFFICE: frozenset({Perm.REPORT, Perm.READ_OWN, Perm.READ_COMMUNE, Perm.IMPORT_PLAN, Perm.INVITE,
                            Perm.ASSIGN, Perm.EXPORT}),
    Role.VICE_CHAIRMAN: frozenset({Perm.REPORT, Perm.READ_OWN, Perm.READ_COMMUNE, Perm.EXPORT}),
    Role.CHAIRMAN: frozenset({Perm.REPORT, Perm.READ_OWN, Perm.READ_COMMUNE, Perm.ASSIGN, Perm.EXPORT}),
    Role.ADMIN: frozenset({Perm.READ_OWN, Perm.READ_COMMUNE, Perm.IMPORT_PLAN, Perm.INVITE, Perm.EXPORT,
                           Perm.BACKUP, Perm.SETTINGS}),
}


def permissions(roles: Iterable[str]) -> frozenset[Perm]:
    out: set[Perm] = set()
    for r in roles:
        try:
            out |= MATRIX[Role(r)]
        except ValueError:
            continue
    return frozenset(out)


def allowed(roles: Iterable[str], perm: Perm) -> bool:
    return perm in permissions(roles)


#: commands, the permission each needs (None: any registered user), in menu order
COMMANDS: tuple[tuple[str, Perm | None], ...] = (
    ("start", None),
    ("tomtat", Perm.READ_OWN),
    ("nhiemvu", Perm.READ_OWN),
    ("baocao", Perm.REPORT),
    ("hoantac", Perm.REPORT),
    ("nghi", None),
    ("giao", Perm.ASSIGN),
    ("han", Perm.ASSIGN),
    ("bieudo", Perm.READ_OWN),
    ("xuatbaocao", Perm.EXPORT),
    ("canbo", Perm.READ_COMMUNE),
    ("moi", Perm.INVITE),
    ("tamdung", None),
    ("ngonngu", None),
    ("caidat", Perm.SETTINGS),
    ("saoluu", Perm.BACKUP),
    ("help", None),
    ("huongdan", None),
)
