"""Telegram adapters: thin handlers (one service call, one render), registered in `handlers.routes`."""
