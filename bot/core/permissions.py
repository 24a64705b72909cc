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


#: what a stranger's menu offers (joining and help)
STRANGER_MENU = ("start", "help")


def menu_commands(roles: Iterable[str]) -> list[str]:
    """The commands an officer with `roles` sees in Telegram's menu (and in /help): those they may use."""
    perms = permissions(roles)
    return [name for name, perm in COMMANDS if name != "huongdan" and (perm is None or perm in perms)]


def menu_key(roles: Iterable[str], locale: str, active: bool) -> str:
    """What an officer's menu depends on; the menu is set again when this changes."""
    return f"v1:{','.join(sorted(roles))}:{locale}:{int(active)}"


def role_change_refusal(
    actor_roles: Iterable[str], *, is_self: bool, target_roles: Iterable[str], new_roles: Iterable[str] | None,
    deactivate: bool = False, other_active_admins: int,
) -> str | None:
    """Why the actor may not make this change (a locale key under `people.`), or None when it may.

    - nobody gives themselves a role they do not have;
    - only an admin grants admin; others grant only roles they hold themselves;
    - the last active admin keeps the admin role and stays active.
    """
    actor, target = set(actor_roles), set(target_roles)
    new = set(new_roles) if new_roles is not None else target
    added = new - target
    if is_self and added:
        return "refuse_self_raise"
    if Role.ADMIN.value in added and Role.ADMIN.value not in actor:
        return "refuse_admin_only"
    if Role.ADMIN.value not in actor and not added <= actor:
        return "refuse_above_own"
    losing_admin = Role.ADMIN.value in target and (deactivate or Role.ADMIN.value not in new)
    if losing_admin and other_active_admins == 0:
        return "refuse_last_admin"
    return None
