"""Parser speed: our parser vs dateparser.search_dates alone, on the same messages, in one run.

Prints messages/s, p50/p99 latency per message and the ratio; then the cold start of
`python -m bot parse "…"` (whole process). Targets (issue 3): >= 10,000 msg/s on one core,
p50 <= 100 µs, p99 <= 1 ms, >= 15x faster than search_dates, cold start <= 1.0 s.
Issue 13: whole process `python -m bot parse --jsonl` against a process that runs search_dates over the same
JSON lines (>= 15x), and the worst case over hostile inputs of up to 4,096 characters (<= 50 ms, aim 5 ms).
"""

from __future__ import annotations

import json
import os
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
from tests.parse_corpus_round2 import CORPUS_ROUND2  # noqa: E402

SEARCH_DATES_PROCESS = """
import json, sys
from datetime import datetime
import dateparser.search
now = datetime.fromisoformat(sys.argv[1]).replace(tzinfo=None)
settings = {"RELATIVE_BASE": now}
out = sys.stdout
for line in sys.stdin:
    if line.strip():
        found = dateparser.search.search_dates(json.loads(line)["text"], languages=["vi"], settings=settings)
        out.write(json.dumps([[a, b.isoformat()] for a, b in found or []], ensure_ascii=False) + "\\n")
"""
HOSTILE_PIECES = ["vướng", "nv 1.1", "1.1", "xong", "đạt ", "hồ sơ ", "nhận 5 ", "5 trực tuyến ", "12/12", "ghi chú:",
                  "vì ", "chờ ", "PAKN ", "%", " ", "\n", ",", ".", " ,", ";"]


def messages() -> list[str]:
    texts = [t for t, _, _ in CORPUS + CORPUS_ROUND2]
    samples = ROOT / "tests" / "fixtures" / "parse_samples.jsonl"
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

    whole_process(texts)
    worst_case()

    colds = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "parse", "--now", NOW, "nv 2.3 dat 80% dk 15/12"],
                       check=True, capture_output=True, cwd=ROOT)
        colds.append(time.perf_counter() - t0)
    print(f"cold start    : `python -m bot parse` whole process, best of 3: {min(colds):.3f} s")


def whole_process(texts: list[str]) -> None:
    """Both as a process reading the same JSON lines from standard input, best of 3 runs each."""
    lines = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts * 20).encode()
    n = len(texts) * 20

    def run(cmd: list[str], workers: str = "") -> float:
        best = float("inf")
        env = {**os.environ, "CCHC_PARSE_WORKERS": workers} if workers else None
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run(cmd, input=lines, check=True, capture_output=True, cwd=ROOT, env=env)
            best = min(best, time.perf_counter() - t0)
        return best

    cmd = [sys.executable, "-m", "bot", "parse", "--now", NOW, "--jsonl", "-"]
    one = run(cmd, "1")
    ours = run(cmd)
    theirs = run([sys.executable, "-c", SEARCH_DATES_PROCESS, NOW])
    print(f"whole process : {n} lines; search_dates {theirs:.2f} s ({n / theirs:,.0f} msg/s) in one process")
    print(f"  bot parse --jsonl, one process        : {one:.2f} s ({n / one:,.0f} msg/s): {theirs / one:.1f}x")
    print(f"  bot parse --jsonl, the machine's cores: {ours:.2f} s ({n / ours:,.0f} msg/s): {theirs / ours:.1f}x"
          f" (target >= 15x)")


def worst_case() -> None:
    """Every piece, and every pair of pieces, repeated to 4,096 characters; also one piece then a long run of
    another. Prints the slowest."""
    now = datetime.fromisoformat(NOW)
    worst = (0.0, "")
    for a in HOSTILE_PIECES:
        for b in HOSTILE_PIECES:
            for text in ((a + b) * 4096)[:4096], (a + " " + b * 4096)[:4096]:
                t0 = time.perf_counter()
                parse_message(text, now)
                took = time.perf_counter() - t0
                if took > worst[0]:
                    worst = (took, repr((a + b)[:20]))
    print(f"worst case    : {worst[0] * 1000:.1f} ms for 4,096 characters of {worst[1]} "
          f"({len(HOSTILE_PIECES) ** 2 * 2} hostile inputs)")


if __name__ == "__main__":
    main()
