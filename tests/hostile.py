"""Hostile messages and the checks every bot reply must pass (shared by tests and bench/hostile_bench.py)."""

from __future__ import annotations

import random
from html.parser import HTMLParser

ALLOWED_TAGS = {"b", "i", "u", "s", "code", "pre", "a"}
NASTY = [
    "<script>alert(1)</script>", "<b>đậm</b>", "</i>", "&amp;&lt;", "*bold* _it_ `code` [x](http://a)",
    "'; DROP TABLE tasks; --", "\" OR 1=1 --", "\x00\x01\x02", "\u202e\u200b\ufeff", "🙂" * 50, "ﷺ" * 20,
    "nv 2.3 đạt 80% <i>", "hs tuần này nhận 45 <b>", "%s %d {0} {name}", "\\n\\r\\t", "../../etc/passwd",
]
COMMANDS = [
    "/nhiemvu", "/nhiemvu ' OR 1=1", "/nhiemvu <b>2.3</b>", "/giao", "/giao 2.3", "/giao 9.9 <i>x</i>",
    "/han 2.3 99/99", "/han x y z", "/moi king", "/moi officer mars 9999", "/canbo abc", "/canbo 1 vaitro god",
    "/tomtat <script>", "/tomtat từ 99/99 đến 00/00", "/start AAAAAAAA", "/start ' OR 1=1", "/baocao extra",
    "/hoantac now", "/nghi đến hôm qua", "/tamdung -5", "/caidat yenlang 99:99-00:00", "/saoluu x",
    "/xuatbaocao quý 9", "/bieudo 😀", "/help@cchc_xa_bot", "/unknown_cmd arg", "/", "//", "/123",
]
FORGED = ["rb:save:1", "rb:save:999999", "rb:cancel:-1", "pick:1:0:1", "pick:a:b:c", "nv:a:../../x",
          "tt:x:2026-01-01:2026-12-31", "q:1:done", "plan:ok:deadbeef", "f:t:1", "x" * 64, "", "💣"]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.bad.append(tag)


def unsafe_tags(text: str) -> list[str]:
    parser = _Tags()
    parser.feed(text)
    return parser.bad


def random_message(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:
        return rng.choice(NASTY)
    if kind < 0.5:
        return rng.choice(COMMANDS)
    if kind < 0.65:
        return "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 60)))
    if kind < 0.7:
        return "nv 1.1 " * rng.randint(500, 1500)  # a huge text
    words = ["nv", "1.1", "2.3", "đạt", "50%", "xong", "hs", "tuần này", "nhận", "45", "<b>", "&", "quý IV", "?"]
    return " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
