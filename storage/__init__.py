"""SQLite storage: connection, ordered migrations, repositories."""

from storage.db import Database, SchemaTooNewError, StorageError

__all__ = ["Database", "SchemaTooNewError", "StorageError"]
