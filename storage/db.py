"""SQLite connection (WAL, foreign keys, busy timeout) and ordered migrations.

Each migration file `NNNN_name.sql` is applied in one transaction and recorded in
`schema_migrations`; running `migrate()` again applies nothing.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.errors import SchemaTooNewError, StorageError
from storage.schema import MIGRATIONS_DIR, Migration, load_migrations, split_statements
from storage.tx import T, Tx, _after


@dataclass
class UpdateMark:
    """The incoming update being handled in this task (set by `bot.serving.intake`): its inbox row, whether that row
    is marked handled on disk yet, and whether handling it failed."""

    inbox_id: int
    marked: bool = False
    failed: bool = False


#: the update handled in the current task; a transaction commits its "handled" mark with its own effects
CURRENT_UPDATE: contextvars.ContextVar[UpdateMark | None] = contextvars.ContextVar("cchc_update", default=None)

MARK_HANDLED_SQL = "UPDATE inbox SET status = 'handled' WHERE id = ? AND status = 'received'"

#: set while writing something whose caller makes it durable itself (`Database.deferred`)
_DEFERRED: contextvars.ContextVar[bool] = contextvars.ContextVar("cchc_deferred_flush", default=False)

_READ_ONLY = ("SELECT", "PRAGMA", "EXPLAIN")


def _writes(sql: str) -> bool:
    return not sql.lstrip()[:7].upper().startswith(_READ_ONLY)


def utcnow_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Database:
    """One aiosqlite connection in autocommit mode; `transaction()` groups writes.

    The connection is shared by every coroutine (updates, jobs), so a transaction belongs to the task that
    opened it: other tasks' statements wait until it ends instead of landing inside it.

    Durability is group commit: SQLite commits with `synchronous = NORMAL` (written to the WAL, not yet
    flushed), and `flush()` makes every commit so far durable with one fsync of the WAL, shared by every task
    waiting for it (as PostgreSQL's WAL writer does). Who waits for the flush:

    - a write outside an update being handled (jobs, the CLI, migrations) flushes before it returns;
    - a write while an update is handled does not: the bot flushes before anything visible leaves
      (`bot.serving.safebot`), the webhook before it answers, polling before it confirms the batch to Telegram. So
      the updates handled together share one flush, and a "saved" a person sees is on disk.
    """

    #: how often (seconds) `generation()` asks SQLite whether another connection committed
    EXTERNAL_CHECK_SECONDS = 2.0

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._tx_task: asyncio.Task[Any] | None = None
        self._tx_lock = asyncio.Lock()
        self._data_version: int | None = None
        self._generation = 0
        self._checked_at = float("-inf")
        #: commits made / commits known durable / fsyncs done (group commit; see flush)
        self.writes = 0
        self.synced = 0
        self.fsyncs = 0
        self._flushing: asyncio.Future[None] | None = None
        self._tx_active = 0  # transactions opened or waiting to open, of other tasks than the flushing one
        self._wal_fd: int | None = None
        self._wal_ino = 0
        #: bookkeeping writes that ride along with the next trip to the database (`later`)
        self._later: list[tuple[str, tuple[Any, ...]]] = []

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        path = Path(path)
        if str(path) != ":memory:":
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(f"cannot create folder {path.parent}: {exc.strerror}", "no_folder",
                                   path=path.parent) from None
            if path.exists() and not path.is_file():
                raise StorageError(f"{path} is not a file", "not_a_file", path=path)
        try:
            conn = await aiosqlite.connect(str(path), isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open database {path}: {exc}", "cannot_open", path=path) from None
        conn.row_factory = aiosqlite.Row
        db = cls(conn, path)
        try:
            await conn.execute("PRAGMA busy_timeout = 5000")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL: a commit is written to the WAL; `flush()` fsyncs it (group commit) before anyone is told
            await conn.execute("PRAGMA synchronous = NORMAL")
            if migrate:
                await db.migrate()
        except sqlite3.Error as exc:
            await conn.close()
            raise StorageError(f"cannot use database {path}: {exc}", "cannot_open", path=path) from None
        except StorageError:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        try:
            await self.flush()
        finally:
            await self.conn.close()
            if self._wal_fd is not None:
                os.close(self._wal_fd)
                self._wal_fd = None

    # -- group commit -----------------------------------------------------------------------
    async def flush(self) -> None:
        """Return once every commit made so far is on disk. One fsync serves every task waiting: a task that
        comes while a flush is running waits for the next one, which covers all that came meanwhile."""
        if self._later:
            await self._drain_later()
        target = self.writes
        while self.synced < target:
            if self._flushing is None:
                self._flushing = asyncio.ensure_future(self._sync())
            await asyncio.shield(self._flushing)

    #: how long a flush waits for transactions already under way to commit and join it (seconds); it does
    #: not wait at all when none is (an idle bot flushes at once)
    GROUP_WAIT = 0.002

    async def _sync(self) -> None:
        deadline = time.monotonic() + self.GROUP_WAIT
        while self._tx_active and time.monotonic() < deadline:
            await asyncio.sleep(0)
        upto = self.writes
        try:
            await asyncio.get_running_loop().run_in_executor(None, self._fsync_wal)
            self.synced = max(self.synced, upto)
            self.fsyncs += 1
        finally:
            self._flushing = None

    def _fsync_wal(self) -> None:
        """fsync the WAL file (in a worker thread, so statements go on meanwhile)."""
        if str(self.path) == ":memory:":
            return
        wal = f"{self.path}-wal"
        try:
            ino = os.stat(wal).st_ino
        except FileNotFoundError:  # nothing written since the last checkpoint removed it
            return
        if self._wal_fd is None or ino != self._wal_ino:
            if self._wal_fd is not None:
                os.close(self._wal_fd)
            self._wal_fd = os.open(wal, os.O_RDONLY)
            self._wal_ino = ino
        os.fdatasync(self._wal_fd)  # as SQLite does: the data and the size, not the times

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Writes inside do not wait for their flush; the caller calls `flush()` before telling anyone."""
        token = _DEFERRED.set(True)
        try:
            yield
        finally:
            _DEFERRED.reset(token)

    async def _wrote(self) -> None:
        """After a commit: flush now, unless someone flushes later before anything is visible."""
        self.writes += 1
        if CURRENT_UPDATE.get() is None and not _DEFERRED.get():
            await self.flush()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT; nested use (same task) joins the outer transaction."""
        me = asyncio.current_task()
        if self._tx_task is not None and self._tx_task is me:
            yield self.conn
            return
        self._tx_active += 1
        try:
            async with self._tx_lock:
                self._tx_task = me
                try:
                    await self.conn.execute("BEGIN IMMEDIATE")
                    if self._later:
                        waiting = _after(self._take_later(), lambda tx: None)
                        await self._in_thread(lambda c: waiting(Tx(c)))
                    try:
                        yield self.conn
                    except BaseException:
                        await self.conn.execute("ROLLBACK")
                        self._generation += 1  # caches may hold rows that are no more
                        raise
                    update = CURRENT_UPDATE.get()
                    if update is not None and not update.marked:  # the update's effects and its mark, together
                        await self.conn.execute(MARK_HANDLED_SQL, (update.inbox_id,))
                    await self.conn.execute("COMMIT")
                    if update is not None:
                        update.marked = True
                finally:
                    self._tx_task = None
        finally:
            self._tx_active -= 1
        await self._wrote()

    # -- units of work: many statements, one hop ----------------------------------------------------
    async def _in_thread(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` on aiosqlite's own thread with its sqlite3 connection: one hand-over for all of it
        (aiosqlite's queue of calls; its `_execute` and `_conn` are the documented way its methods work)."""
        conn = self.conn

        def call() -> T:
            return fn(conn._conn)

        execute: Any = conn._execute  # untyped in aiosqlite
        result: T = await execute(call)
        return result

    def later(self, sql: str, params: tuple[Any, ...]) -> None:
        """A bookkeeping write (where a message was shown) that need not cost a trip of its own: it is run at
        the start of the next one (a unit of work, a read, any statement) or at the next `flush`, whichever
        comes first, so every read sees it and nothing visible leaves before it is on disk."""
        self._later.append((sql, params))

    def _take_later(self) -> list[tuple[str, tuple[Any, ...]]]:
        later, self._later = self._later, []
        return later

    async def _drain_later(self) -> None:
        if self._later:
            await self.unit(lambda tx: None)  # the unit runs what is waiting

    async def read(self, work: Callable[[Tx], T]) -> T:
        """Reads of one unit of work in one hop (no transaction of their own; inside this task's open
        transaction they see its writes)."""
        await self._wait_foreign_tx()
        later = self._take_later()
        if later and self._tx_task is None:  # the waiting writes, committed in the same trip
            return await self.unit(_after(later, work))
        run = _after(later, work)
        return await self._in_thread(lambda c: run(Tx(c)))

    async def unit(self, work: Callable[[Tx], T]) -> T:
        """A unit of work in one hop: BEGIN IMMEDIATE, `work`, the handled mark of the update being handled,
        COMMIT (ROLLBACK when `work` raises). Inside this task's open transaction it joins it. Durable as
        any commit here (group commit, `flush`)."""
        me = asyncio.current_task()
        if self._tx_task is not None and self._tx_task is me:
            joined = _after(self._take_later(), work)
            return await self._in_thread(lambda c: joined(Tx(c)))
        update = CURRENT_UPDATE.get()
        mark = update.inbox_id if update is not None and not update.marked else None

        def whole(c: sqlite3.Connection) -> T:
            c.execute("BEGIN IMMEDIATE")
            try:
                result = waiting_then_work(Tx(c))
                if mark is not None:
                    c.execute(MARK_HANDLED_SQL, (mark,))
            except BaseException:
                c.execute("ROLLBACK")
                raise
            c.execute("COMMIT")
            return result

        self._tx_active += 1
        try:
            async with self._tx_lock:
                self._tx_task = me
                taken = self._take_later()
                waiting_then_work = _after(taken, work)
                try:
                    result = await self._in_thread(whole)
                except BaseException:
                    self._generation += 1  # caches may hold rows that are no more
                    self._later[:0] = taken  # the bookkeeping waits for the next trip instead
                    raise
                finally:
                    self._tx_task = None
        finally:
            self._tx_active -= 1
        if update is not None:
            update.marked = True
        await self._wrote()
        return result

    async def _wait_foreign_tx(self) -> None:
        """A statement outside any transaction waits while another task's transaction is open."""
        while self._tx_task is not None and self._tx_task is not asyncio.current_task():
            async with self._tx_lock:
                pass

    async def _ready(self) -> None:
        """Before a single statement: other tasks' transactions done."""
        await self._wait_foreign_tx()

    async def _with_waiting(self, sql: str, params: Any, many: bool = False) -> tuple[list[Any], int, int]:
        """The waiting bookkeeping writes and one statement, in one trip: (rows, lastrowid, rowcount)."""
        later = self._take_later()

        def run(c: sqlite3.Connection) -> tuple[list[Any], int, int]:
            for waiting_sql, waiting_params in later:
                c.execute(waiting_sql, waiting_params)
            cur = c.executemany(sql, params) if many else c.execute(sql, params)
            rows = [] if many else cur.fetchall()
            return rows, cur.lastrowid or 0, cur.rowcount

        return await self._in_thread(run)

    # Each call below is one hop to aiosqlite's thread (execute and fetch together); cursors are left to
    # the garbage collector rather than closed with another hop.
    def _autocommit(self) -> bool:
        """A statement run now commits by itself (no transaction of this task is open)."""
        return self._tx_task is None

    async def fetchone(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> aiosqlite.Row | None:
        await self._ready()
        waiting = bool(self._later)
        rows = (await self._with_waiting(sql, params))[0] if self._later else await self.conn.execute_fetchall(
            sql, params)
        if self._autocommit() and (_writes(sql) or waiting):
            await self._wrote()
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        await self._ready()
        waiting = bool(self._later)
        rows = (await self._with_waiting(sql, params))[0] if self._later else list(
            await self.conn.execute_fetchall(sql, params))
        if self._autocommit() and (_writes(sql) or waiting):
            await self._wrote()
        return rows

    async def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> int:
        """Run one statement; returns lastrowid (for INSERT) or 0."""
        await self._ready()
        waiting = bool(self._later)
        if self._later:
            lastrowid = (await self._with_waiting(sql, params))[1]
        else:
            lastrowid = (await self.conn.execute(sql, params)).lastrowid or 0
        if self._autocommit() and (_writes(sql) or waiting):
            await self._wrote()
        return lastrowid

    async def rowcount(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> int:
        await self._ready()
        waiting = bool(self._later)
        count = (await self._with_waiting(sql, params))[2] if self._later else (
            await self.conn.execute(sql, params)).rowcount
        if self._autocommit() and (_writes(sql) or waiting):
            await self._wrote()
        return count

    async def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        await self._ready()
        if self._later:
            await self._with_waiting(sql, rows, many=True)
        else:
            await self.conn.executemany(sql, rows)
        if self._autocommit():
            await self._wrote()

    async def ping(self) -> None:
        """A trivial query: raises when the database cannot be used (the health check)."""
        await self.fetchone("SELECT 1")

    async def generation(self) -> int:
        """A number that changes when a transaction is rolled back and when another connection (the CLI,
        a restore) has committed to the database, checked at most every EXTERNAL_CHECK_SECONDS:
        in-memory caches compare it to drop what may be stale. This connection's own commits do not
        change it: repositories drop their caches themselves when they write."""
        now = time.monotonic()
        if now - self._checked_at >= self.EXTERNAL_CHECK_SECONDS:
            self._checked_at = now
            row = await self.fetchone("PRAGMA data_version")
            version = int(row[0]) if row else 0
            if self._data_version is not None and version != self._data_version:
                self._generation += 1
            self._data_version = version
        return self._generation

    # -- migrations -------------------------------------------------------------------------
    async def schema_version(self) -> int:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        row = await self.fetchone("SELECT MAX(version) AS v FROM schema_migrations")
        return int(row["v"]) if row and row["v"] is not None else 0

    async def migrate(self, migrations: list[Migration] | None = None) -> list[int]:
        """Apply pending migrations in order, each in one transaction. Returns versions applied."""
        migrations = load_migrations() if migrations is None else migrations
        current = await self.schema_version()
        latest = migrations[-1].version if migrations else 0
        if current > latest:
            raise SchemaTooNewError(
                f"database schema version {current} is newer than this bot knows ({latest}); upgrade the bot",
                "db_newer", version=current, latest=latest,
            )
        applied = []
        pending = [m for m in migrations if m.version > current]
        if current > 0 and pending and str(self.path) != ":memory:":
            await self._copy_before_migrating(current)
        for m in migrations:
            if m.version <= current:
                continue
            async with self.transaction():
                for stmt in split_statements(m.sql):
                    await self.conn.execute(stmt)
                await self.conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (m.version, m.name, utcnow_iso()),
                )
            applied.append(m.version)
        return applied

    async def _copy_before_migrating(self, current: int) -> None:
        """An older database is copied aside (online backup) before its schema is upgraded."""
        target = self.path.with_name(f"{self.path.stem}.schema-v{current}.bak.sqlite3")

        def copy() -> None:
            dest = sqlite3.connect(str(target))
            try:
                src = sqlite3.connect(str(self.path))
                try:
                    src.backup(dest)
                finally:
                    src.close()
            finally:
                dest.close()

        await asyncio.to_thread(copy)

    @staticmethod
    def latest_version() -> int:
        migrations = load_migrations()
        return migrations[-1].version if migrations else 0


__all__ = ["CURRENT_UPDATE", "MARK_HANDLED_SQL", "MIGRATIONS_DIR", "Database", "Migration", "SchemaTooNewError",
           "StorageError", "Tx", "UpdateMark", "load_migrations", "split_statements", "utcnow_iso"]
