"""Parser speed: our parser vs dateparser.search_dates alone, on the same messages, in one run.

Prints messages/s, p50/p99 latency per message and the ratio; then the cold start of
`python -m bot parse "…"` (whole process). Targets (issue 3): >= 10,000 msg/s on one core,
p50 <= 100 µs, p99 <= 1 ms, >= 15x faster than search_dates, cold start <= 1.0 s.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.parse import parse_message  # noqa: E402
from bot.core.text import fold  # noqa: E402
from tests.parse_corpus import CORPUS, NOW  # noqa: E402


def messages() -> list[str]:
    texts = [t for t, _, _ in CORPUS]
    samples = ROOT.parent / "shared" / "samples" / "parse_samples.jsonl"
    if samples.exists():
        texts += [json.loads(x)["text"] for x in samples.read_text(encoding="utf-8").splitlines() if x.strip()]
    return texts + [fold(t) for t in texts]


def timed(fn, texts: list[str], rounds: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    lat: list[float] = []
    start = time.perf_counter()
    for _ in range(rounds):
        for t in texts:
            t0 = time.perf_counter()
            fn(t)
            lat.append(time.perf_counter() - t0)
    return time.perf_counter() - start, lat


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def main() -> None:
    now = datetime.fromisoformat(NOW)
    texts = messages()
    for t in texts[:50]:  # warm up caches and regexes
        parse_message(t, now)
    total, lat = timed(lambda t: parse_message(t, now), texts, 20)
    n = len(lat)
    ours_rate = n / total
    print(f"messages: {len(texts)} distinct x 20 rounds = {n}")
    print(f"parser        : {ours_rate:10,.0f} msg/s   p50 {pct(lat, 50) * 1e6:7.1f} µs   "
          f"p99 {pct(lat, 99) * 1e6:7.1f} µs")

    import dateparser.search

    settings = {"RELATIVE_BASE": now.replace(tzinfo=None)}
    dateparser.search.search_dates(texts[0], languages=["vi"], settings=settings)  # load its data once
    dp_total, dp_lat = timed(
        lambda t: dateparser.search.search_dates(t, languages=["vi"], settings=settings), texts, 1
    )
    dp_rate = len(dp_lat) / dp_total
    print(f"search_dates  : {dp_rate:10,.0f} msg/s   p50 {pct(dp_lat, 50) * 1e6:7.1f} µs   "
          f"p99 {pct(dp_lat, 99) * 1e6:7.1f} µs")
    print(f"ratio         : {ours_rate / dp_rate:10.1f}x faster than search_dates")

    colds = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "parse", "--now", NOW, "nv 2.3 dat 80% dk 15/12"],
                       check=True, capture_output=True, cwd=ROOT)
        colds.append(time.perf_counter() - t0)
    print(f"cold start    : `python -m bot parse` whole process, best of 3: {min(colds):.3f} s")


if __name__ == "__main__":
    main()
