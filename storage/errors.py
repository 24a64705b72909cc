"""Storage's exceptions: one line for logs, and a reason the shell and the chat say in the user's language."""

from __future__ import annotations


class StorageError(Exception):
    """The database cannot be opened or used; the message says why in one line (English, for logs). `reason`
    and `values`, when given, let the shell and the chat say it in the user's language."""

    def __init__(self, message: str, reason: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values


class SchemaTooNewError(StorageError):
    """The database was written by a newer version of the bot."""
