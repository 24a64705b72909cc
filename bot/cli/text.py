"""`python -m bot parse`: the parse contract (one message, or a JSON-lines stream). Starts with the parser
alone, no database, no Telegram."""

from __future__ import annotations

import argparse
import json
import sys

from bot.batch_parse import parse_stream
from bot.cli.shell import EXIT_ERROR, EXIT_OK, EXIT_USAGE, CliError, now_from, t
from bot.core.parse import parse_message


def parse(args: argparse.Namespace) -> int:
    now = now_from(args.now)
    if args.jsonl is None:
        if args.text is None:
            raise CliError("TEXT or --jsonl FILE", EXIT_USAGE)
        print(json.dumps(parse_message(args.text, now).to_dict(), ensure_ascii=False))
        return EXIT_OK
    if args.jsonl == "-":
        stream = sys.stdin
    else:
        try:
            stream = open(args.jsonl, encoding="utf-8")  # noqa: SIM115
        except OSError:
            raise CliError(t("file_missing", path=args.jsonl)) from None
    with stream:
        status = parse_stream(stream, now, translate=t)
    return EXIT_ERROR if status else EXIT_OK
