"""`python -m bot parse --jsonl`: a JSON-lines stream parsed in blocks; a big batch uses the machine's cores
(worker processes forked with the parser loaded), the output keeps the input's order and every line's extra
fields. CCHC_PARSE_WORKERS=1 keeps it in one process."""

from __future__ import annotations

import functools
import itertools
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from bot.core.parse import parse_message

BLOCK = 1024


def parse_stream(stream: Iterable[str], now: datetime, *, translate: Callable[..., str]) -> int:
    """Parse every line of `stream` to stdout; errors (a line's number and why) to stderr. Returns 1 when a
    line was bad, else 0."""
    blocks = _blocks(stream, BLOCK)
    first = next(blocks, None)
    second = next(blocks, None) if first is not None else None
    todo = itertools.chain([b for b in (first, second) if b is not None], blocks)
    work = functools.partial(_parse_block, now=now, translate=translate)
    workers = _parse_workers()
    if second is None or workers < 2:  # a small input: a pool would cost more than it saves
        return _write_parsed(map(work, todo))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return _write_parsed(pool.imap(work, todo))


def _parse_workers() -> int:
    value = os.environ.get("CCHC_PARSE_WORKERS", "")
    if value.isdigit():
        return max(1, int(value))
    return min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _blocks(stream: Iterable[str], size: int) -> Iterator[tuple[int, list[str]]]:
    """(number of the first line, lines) blocks of a JSON-lines stream."""
    lineno, block = 1, list[str]()
    for n, line in enumerate(stream, 1):
        if not block:
            lineno = n
        block.append(line)
        if len(block) >= size:
            yield lineno, block
            block = []
    if block:
        yield lineno, block


def _parse_block(block: tuple[int, list[str]], now: datetime, translate: Callable[..., str]
                 ) -> tuple[list[str], list[str]]:
    """Parse one block: (output lines, error lines)."""
    first, lines = block
    out: list[str] = []
    errors: list[str] = []
    for lineno, line in enumerate(lines, first):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise ValueError('need an object with a "text" string')
        except ValueError as exc:
            errors.append(f"{translate('error_prefix')}: " + translate("bad_line", line=lineno, reason=str(exc)))
            continue
        result = parse_message(obj["text"], now).to_dict()
        for key, value in obj.items():
            if key != "text" and key not in result:
                result[key] = value
        out.append(json.dumps(result, ensure_ascii=False))
    return out, errors


def _write_parsed(done: Iterable[tuple[list[str], list[str]]]) -> int:
    status = 0
    for out, errors in done:
        if errors:
            sys.stdout.flush()
            print("\n".join(errors), file=sys.stderr)
            status = 1
        if out:
            sys.stdout.write("\n".join(out) + "\n")
    return status
