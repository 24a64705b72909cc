"""Serving Telegram: the inbox as the durable queue, polling and the webhook, the bot every answer leaves
through, retries."""
