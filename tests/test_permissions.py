"""The permission matrix is enforced from one table, and the README shows that same table."""

from __future__ import annotations

import re

from bot.core.domain import Role
from bot.core.permissions import MATRIX, Perm, allowed
from tests.conftest import ROOT

README_ROWS = {
    "report progress and dossier figures": Perm.REPORT,
    "read own tasks and own unit's summary": Perm.READ_OWN,
    "read the whole commune": Perm.READ_COMMUNE,
    "import plans": Perm.IMPORT_PLAN,
    "invite people, change roles, deactivate": Perm.INVITE,
    "assign tasks, change due dates": Perm.ASSIGN,
    "export reports": Perm.EXPORT,
    "backups": Perm.BACKUP,
    "reminder settings": Perm.SETTINGS,
}


def test_readme_matrix_matches_the_code() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Permissions", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    roles = [Role(h) for h in header[1:]]
    seen = set()
    for line in rows[1:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        perm = README_ROWS[cells[0]]
        seen.add(perm)
        for role, cell in zip(roles, cells[1:], strict=True):
            assert (cell == "✓") == (perm in MATRIX[role]), (cells[0], role)
    assert seen == set(Perm)


def test_several_roles_add_up() -> None:
    assert allowed(["officer", "admin"], Perm.BACKUP) and allowed(["officer", "admin"], Perm.REPORT)
    assert not allowed(["officer"], Perm.READ_COMMUNE)
    assert not allowed(["no-such-role"], Perm.READ_OWN)


def test_every_command_in_the_menu_has_help() -> None:
    from bot.core.permissions import COMMANDS
    from bot.i18n import catalog

    for name, _ in COMMANDS:
        assert f"help.{name}" in catalog("vi") and f"menu.{name}" in catalog("vi")
    assert re.fullmatch(r"[a-z]+", "".join(n for n, _ in COMMANDS))
