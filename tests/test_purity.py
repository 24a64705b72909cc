"""The pure core imports nothing from Telegram, SQLite or the scheduler, directly or indirectly."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "bot" / "core"
FORBIDDEN = ("telegram", "aiosqlite", "sqlite3", "apscheduler", "storage", "handlers", "jobs")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_sources_import_nothing_impure() -> None:
    files = sorted(CORE.glob("*.py"))
    assert len(files) >= 6
    for path in files:
        for name in _imports(path):
            assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
            if name.startswith("bot."):
                assert name.startswith("bot.core"), f"{path.name} imports {name} outside the core"


def test_importing_the_core_loads_no_impure_module() -> None:
    modules = ", ".join(f"'bot.core.{p.stem}'" for p in CORE.glob("*.py") if p.stem != "__init__")
    code = (
        "import importlib, sys\n"
        f"for m in [{modules}]: importlib.import_module(m)\n"
        "from bot.core.plan_import import read_plan_lines\n"
        "read_plan_lines(['II. NHIỆM VỤ', '1. Cải cách thể chế', '1.1. Việc', '- Bộ phận chủ trì: Tư pháp'])\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
