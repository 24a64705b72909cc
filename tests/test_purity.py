"""The pure core imports nothing from Telegram, SQLite or the scheduler, directly or indirectly."""

from __future__ import annotations

import ast
import os
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
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE")}  # coverage itself uses sqlite3
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]", out.stdout


ROOT = CORE.parent.parent
LAYERS = ("bot", "handlers", "storage", "jobs")


def _module_graph() -> dict[str, set[str]]:
    """Project module -> project modules it imports (anywhere in the file)."""
    mods: dict[str, Path] = {}
    for top in LAYERS:
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            mods[".".join(parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        deps = set()
        for imported in _imports(path):
            while imported and imported not in mods:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                deps.add(imported)
        graph[name] = deps
    return graph


def test_no_import_cycles_between_project_modules() -> None:
    graph = _module_graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in graph[node]:
            if state.get(dep) == 1:
                cycle = [*stack[stack.index(dep):], dep]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_layers_point_one_way() -> None:
    """Adapters and jobs never reach the composition root; storage knows no Telegram and no adapter."""
    graph = _module_graph()
    for name, deps in graph.items():
        if name.startswith(("handlers", "jobs")):
            assert "bot.app" not in deps, f"{name} imports the composition root"
        if name.startswith("storage"):
            assert not any(d.startswith(("handlers", "jobs", "bot.app", "bot.services.container")) for d in deps), name
        if name.startswith("bot.services.container") or name == "bot.services.summaries":
            assert not any(d.startswith("handlers") for d in deps), name
    for path in (ROOT / "storage").rglob("*.py"):
        assert not any(n.split(".")[0] == "telegram" for n in _imports(path)), path


def _sources(*tops: str) -> list[Path]:
    return sorted(p for top in tops for p in (ROOT / top).rglob("*.py"))


def test_handlers_never_touch_repositories_or_the_database() -> None:
    """Handlers call services (`context.services.people`, `.reports`, …): no repository, no SQL."""
    for path in _sources("handlers"):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        assert ".repos." not in text and ".repos\n" not in text, f"{rel} reaches a repository"
        assert ".db." not in text, f"{rel} reaches the database"
        for name in _imports(path):
            assert not name.startswith(("storage", "aiosqlite", "sqlite3")), f"{rel} imports {name}"


SQL_WORDS = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "CREATE TABLE")


def test_sql_lives_only_in_storage() -> None:
    for path in _sources("bot", "handlers", "jobs"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                upper = node.value.lstrip().upper()
                assert not upper.startswith(SQL_WORDS), f"SQL in {path.relative_to(ROOT)}: {node.value[:60]!r}"


def test_services_import_nothing_from_telegram() -> None:
    for path in _sources("bot/services"):
        for name in _imports(path):
            assert name.split(".")[0] not in ("telegram", "handlers", "jobs", "apscheduler"), (
                f"{path.relative_to(ROOT)} imports {name}")
