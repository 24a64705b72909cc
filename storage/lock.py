"""One bot process per database: an exclusive lock on `<database>.lock`, held while the bot runs.

A second bot on the same file refuses to start (two schedulers would send every reminder twice), and
`restore` refuses while a bot holds the lock (it would go on writing to the replaced file). The lock is the
operating system's (`fcntl.flock`): a killed process releases it by itself, so a crash never leaves it stale.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class DatabaseInUse(Exception):
    """Another bot process holds the database."""


class DatabaseLock:
    def __init__(self, db_path: Path) -> None:
        self.path = Path(str(db_path) + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatabaseInUse(str(self.path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def held_elsewhere(self) -> bool:
        """True when another process holds the lock now."""
        try:
            self.acquire()
        except DatabaseInUse:
            return True
        self.release()
        return False
