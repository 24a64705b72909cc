"""The inbox rows of incoming updates, as the pipeline and the error handler see them: stored, held while
a user is paused, refused, handled, failed."""

from __future__ import annotations

from datetime import datetime

from storage.repositories import Repositories


class InboxService:
    def __init__(self, repos: Repositories) -> None:
        self.repos = repos

    async def store(self, *, update_id: int, user_id: int | None, chat_id: int | None, kind: str, text: str | None,
                    raw_json: str, at: datetime) -> int:
        return await self.repos.inbox.store(update_id=update_id, user_id=user_id, chat_id=chat_id, kind=kind,
                                            text=text, raw_json=raw_json, received_at=at)

    async def held(self, inbox_id: int) -> None:
        """Kept (durably) while its sender is paused for flooding; handled when the pause ends."""
        await self.repos.inbox.mark(inbox_id, "held")

    async def refused(self, inbox_id: int) -> None:
        await self.repos.inbox.mark_later(inbox_id, "refused")

    async def handled(self, inbox_id: int, commune_id: int | None) -> None:
        await self.repos.inbox.mark_later(inbox_id, "handled", commune_id=commune_id)

    async def failed(self, inbox_id: int, error: str) -> None:
        await self.repos.inbox.mark(inbox_id, "failed", error=error)
