"""Backups: SQLite's online backup API (a consistent copy while the bot runs), checked restores."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from storage.db import Database, StorageError, load_migrations, split_statements
from storage.lock import DatabaseInUse, DatabaseLock


def backup_to(db_path: Path, dest: Path, now: datetime | None = None) -> Path:
    """Copy the live database to `dest` (a file, or a folder for a name stamped with `now`, the commune's
    local time, so that the night's backup carries that night's date). Returns the file."""
    if dest.suffix != ".sqlite3":
        dest.mkdir(parents=True, exist_ok=True)
        stamp = (now or datetime.now().astimezone()).strftime('%Y%m%d-%H%M%S-%f')
        dest = dest / f"cchc-{stamp}.sqlite3"
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
    if not db_path.exists():
        raise StorageError(f"no database at {db_path}", "no_database", path=db_path)
    tmp = dest.with_suffix(".part")
    src = sqlite3.connect(str(db_path))
    try:
        out = sqlite3.connect(str(tmp))
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()
    os.replace(tmp, dest)
    return dest


def verify(path: Path) -> int:
    """Integrity check and schema version of a backup file; raises StorageError when it is not usable."""
    if not path.is_file():
        raise StorageError(f"no file {path}", "no_file", path=path)
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise StorageError(f"{path.name} is not an SQLite database", "not_sqlite", name=path.name)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise StorageError(f"{path.name} fails the integrity check: {ok}", "integrity", name=path.name, detail=ok)
        try:
            version = con.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        except sqlite3.DatabaseError:
            raise StorageError(f"{path.name} is not a database of this bot (no schema_migrations)", "not_ours",
                               name=path.name) from None
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path.name} cannot be read: {exc}", "unreadable", name=path.name) from None
    finally:
        con.close()
    if version is None:
        raise StorageError(f"{path.name} has no schema version", "not_ours", name=path.name)
    if version > Database.latest_version():
        raise StorageError(f"{path.name} comes from a newer bot (schema {version} > {Database.latest_version()})",
                           "newer", name=path.name, version=version, latest=Database.latest_version())
    return int(version)


def _schema(con: sqlite3.Connection) -> dict[str, set[str]]:
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                        " AND name NOT LIKE 'sqlite_%'")]
    return {t: {r[1] for r in con.execute(f'PRAGMA table_info("{t}")')} for t in tables}


def check_contents(path: Path, commune_name: str | None) -> None:
    """The backup has every table and column of its schema version, and holds the commune this deployment
    serves (when it holds any): another commune's backup is refused, not silently restored."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = con.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        have = _schema(con)
        names = [r[0] for r in con.execute("SELECT name FROM communes")] if "communes" in have else []
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path.name} cannot be read: {exc}", "unreadable", name=path.name) from None
    finally:
        con.close()
    want = _schema_at(int(version))
    missing = sorted(f"{t}.{c}" for t, cols in want.items() for c in cols - have.get(t, set()))
    if missing:
        what = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise StorageError(f"{path.name} is not a whole database of this bot (missing {what})", "partial",
                           name=path.name, missing=what)
    if commune_name and names and commune_name not in names:
        raise StorageError(f"{path.name} holds another commune ({', '.join(names[:3])}), not {commune_name}",
                           "other_commune", name=path.name, found=", ".join(names[:3]), commune=commune_name)


def _schema_at(version: int) -> dict[str, set[str]]:
    con = sqlite3.connect(":memory:")
    try:
        for migration in load_migrations():
            if migration.version > version:
                break
            for stmt in split_statements(migration.sql):
                con.execute(stmt)
        return _schema(con)
    finally:
        con.close()


def restore(backup: Path, db_path: Path, *, commune_name: str | None = None) -> Path | None:
    """Replace the database with a verified backup; the current database is backed up first.
    Returns where the current database was saved (None when there was none). Refused while a bot holds
    the database, and for a backup that is not whole or holds another commune."""
    if db_path.exists() and backup.resolve() == db_path.resolve():
        raise StorageError(f"{backup} is the database itself", "same_file", path=db_path)
    verify(backup)
    check_contents(backup, commune_name)
    lock = DatabaseLock(db_path)
    try:
        lock.acquire()
    except DatabaseInUse:
        raise StorageError(f"{db_path}: a bot is running on this database; stop it before restoring", "in_use",
                           path=db_path) from None
    try:
        return _replace(backup, db_path)
    finally:
        lock.release()


def _replace(backup: Path, db_path: Path) -> Path | None:
    saved = None
    if db_path.exists():
        stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
        saved = backup_to(db_path, db_path.parent / "backups" / f"before-restore-{stamp}.sqlite3")
    tmp = db_path.with_suffix(".restoring")
    shutil.copyfile(backup, tmp)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(tmp, db_path)
    return saved


def prune(folder: Path, keep: int) -> list[Path]:
    """Keep the newest `keep` nightly backups in `folder`; returns what was removed."""
    files = sorted(folder.glob("cchc-*.sqlite3"))
    removed = files[:-keep] if keep > 0 and len(files) > keep else []
    for f in removed:
        f.unlink()
    return removed
