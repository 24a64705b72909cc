"""CPU-heavy steps (plan import, .docx/.xlsx documents, charts) run here, off the event loop, so that a slow
file or a large report never stalls anyone else's chat. One worker thread: matplotlib's pyplot is not
thread-safe, and one thread at a time is all a commune's office needs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cchc-worker")


async def off_loop(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run `fn(*args, **kwargs)` in the worker thread and wait for it without blocking the loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_POOL, lambda: fn(*args, **kwargs))
