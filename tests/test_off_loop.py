"""No CPU-heavy step with unbounded input on the event loop (issue 13): fuzzy matching is bounded, and the
heavy steps (plan import, documents, charts) run in the worker thread while the loop keeps answering."""

from __future__ import annotations

import asyncio
import itertools
import time

from bot.core.models import Task
from bot.services.tasks import fuzzy_tasks
from bot.worker import off_loop

WORDS = ["tuyên", "truyền", "cải", "cách", "hành", "chính", "kiểm", "soát", "thủ", "tục", "số", "hóa", "hồ", "sơ"]


def _task(i: int) -> Task:
    title = " ".join(WORDS[(i * k) % len(WORDS)] for k in range(1, 18)) + f" đợt {i}"
    return Task(id=i, commune_id=1, plan_id=1, code=f"{i // 10}.{i % 10}", area=None, title=title, lead_units=(),
                support_units=(), product=None, deadline_text=None, due_date=None, recurrence="none", targets=(),
                owner_id=None, status="not_started", percent=0, note=None)


def test_fuzzy_matching_a_pasted_essay_against_a_large_plan_is_quick() -> None:
    tasks = [_task(i) for i in range(300)]
    essay = " ".join(WORDS * 40)[:4096]
    fuzzy_tasks("tuyên truyền cải cách", tasks)  # titles folded once, then cached
    start = time.perf_counter()
    fuzzy_tasks(essay, tasks)
    fuzzy_tasks("tuyên truyền cải cách hành chính", tasks)
    assert time.perf_counter() - start < 0.2


async def test_heavy_work_runs_while_the_loop_keeps_answering() -> None:
    ticks: list[float] = []

    async def heartbeat() -> None:
        for _ in range(20):
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.01)

    beat = asyncio.create_task(heartbeat())
    await off_loop(time.sleep, 0.3)  # stands for a slow .docx or chart
    await beat
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert max(gaps) < 0.1  # the loop was never blocked for the 0.3 s the work took
