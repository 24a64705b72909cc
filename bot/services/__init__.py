"""The use cases: read-backs, tasks, summaries, plans, people; no Telegram, no SQL (that is `storage`)."""
