"""The one retry layer: a `BaseRequest` wrapper that retries what Telegram (or the network) says to try
again: 429 RetryAfter, 5xx answers, timeouts and dropped connections, at most `attempts` tries in all. It
wraps python-telegram-bot's HTTPXRequest in production and the offline Bot API in tests, so both go
through the same path.

A 429 is Telegram's flood control for the whole bot, so it pauses every request (not just the one that got
it) for as long as Telegram asks. Nothing above retries again: the rate limiter only paces (`max_retries=0`)
and a reminder that still fails is released in the ledger and sent at the next run."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

MAX_WAIT = 60.0


#: calls whose callers retry with their own back-off (the polling loop; start-up, which says so in one line
#: per try in the configured language): retrying here too would only multiply the waits and the log lines
OWN_RETRY = frozenset({"getUpdates", "getMe"})


class RetryingRequest(BaseRequest):
    def __init__(self, inner: BaseRequest, sleep: Callable[[float], Awaitable[None]], attempts: int = 5,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.sleep = sleep
        self.attempts = attempts
        self.retries = 0
        self.clock = clock
        #: until when Telegram asked the whole bot to wait (a 429's retry_after), on `clock`
        self.paused_until = 0.0

    async def _wait_pause(self) -> None:
        left = self.paused_until - self.clock()
        if left > 0:
            await self.sleep(left)

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = None,
        write_timeout: object = None,
        connect_timeout: object = None,
        pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            if api_method not in OWN_RETRY:
                await self._wait_pause()
            try:
                code, body = await self.inner.do_request(
                    url, method, request_data, read_timeout, write_timeout, connect_timeout,  # type: ignore[arg-type]
                    pool_timeout,  # type: ignore[arg-type]
                )
            except (TimedOut, NetworkError) as exc:
                if last or api_method in OWN_RETRY:
                    raise
                log.info("%s failed (%s), retry %d", api_method, type(exc).__name__, attempt)
                self.retries += 1
                await self.sleep(min(0.5 * 2 ** (attempt - 1), MAX_WAIT))
                continue
            if code == 429 and not last and api_method not in OWN_RETRY:
                self.retries += 1
                self.paused_until = max(self.paused_until, self.clock() + min(_retry_after(body), MAX_WAIT))
                continue
            if code >= 500 and not last:
                self.retries += 1
                await self.sleep(min(0.5 * 2 ** (attempt - 1), MAX_WAIT))
                continue
            return code, body
        raise NetworkError("unreachable")  # pragma: no cover


def _retry_after(body: bytes) -> float:
    try:
        return float(json.loads(body)["parameters"]["retry_after"])
    except (ValueError, KeyError, TypeError):
        return 1.0
