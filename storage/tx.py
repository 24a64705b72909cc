"""A unit of work's statements, run in the database's own thread (`Database.unit`, `Database.read`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar


class Tx:
    """The statements of one unit of work, run in the database's own thread on its sqlite3 connection: a
    service hands `Database.unit` a function of a `Tx`, and every statement in it costs no thread hop."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Row | None:
        """The first row (the statement is run to its end: an UPDATE … RETURNING is complete before COMMIT)."""
        rows = self._conn.execute(sql, params).fetchall()
        return rows[0] if rows else None

    def all(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return list(self._conn.execute(sql, params).fetchall())

    def run(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> int:
        """Run one statement; returns lastrowid (for INSERT) or 0."""
        return self._conn.execute(sql, params).lastrowid or 0


T = TypeVar("T")


def _after(later: list[tuple[str, tuple[Any, ...]]], work: Callable[[Tx], T]) -> Callable[[Tx], T]:
    """`work`, after the waiting bookkeeping writes, in the same trip."""
    def run(tx: Tx) -> T:
        for sql, params in later:
            tx.run(sql, params)
        return work(tx)
    return run
