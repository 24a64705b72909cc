"""The migration files: `NNNN_name.sql`, in order, each split into its statements."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from storage.errors import StorageError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        head, _, rest = path.stem.partition("_")
        found.append(Migration(int(head), rest, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != sorted(set(versions)):
        raise StorageError(f"migration versions are not unique and ordered: {versions}")
    return found


def split_statements(sql: str) -> list[str]:
    statements, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip() and not all(ln.strip().startswith("--") for ln in buf.strip().splitlines()):
        raise StorageError("migration ends with an incomplete statement")
    return statements
