"""The parser's view of a message's text: folded one character for one (so positions in the folded text
are positions in the original), and the task references in it ("nv 2.3", "mục 8.1", "TCTP 7.3.2"). Pure."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core.normalize import normalize
from bot.core.text import COMBINING, fold_1to1

MAX_CHARS = 8192  # Telegram allows 4096; anything beyond is not a report




def prepare(text: str) -> tuple[str, str]:
    """(original, folded) of equal length: NFC, stray combining marks dropped, capped, whitespace runs
    squashed and typing slips in status words repaired (see `bot.core.normalize`)."""
    text = text[:MAX_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if COMBINING.search(text):
            text = COMBINING.sub("", text)
    return normalize(text, fold_1to1(text))


# -- task references ----------------------------------------------------------------------------
_CODE = r"\d{1,2}(?:\.\d{1,2}){1,3}"
_REF = re.compile(
    r"(?:\b(?P<crit>tctp|tcxp|tc|tieu chi)\s*(?P<ccode>\d{1,2}(?:\.\d{1,2}){0,3})(?![\d/%]|[.,]\d)"
    r"|\b(?:nhiem\s*vu|nv|muc|n\.v)(?:\s*so)?\s*[:#]?\s*(?P<code>\d{1,2}(?:[.,]\d{1,2}){1,3})(?![\d/%]|[.,]\d)"
    r"|(?P<lead>(?:^|[,;:\n+&]|\bva\b|\bvoi\b|\bcung\b|\s-\s)\s*)(?P<bare>" + _CODE + r")(?![\d/%]|[.,]\d))"
)


@dataclass
class _Ref:
    start: int
    end: int
    code: str


def find_refs(s: str) -> list[_Ref]:
    refs = []
    for m in _REF.finditer(s):
        if m.group("crit"):
            crit = "TC" if m.group("crit") == "tieu chi" else m.group("crit").upper()
            refs.append(_Ref(m.start(), m.end(), f"{crit} {m.group('ccode')}"))
        elif m.group("code"):  # "nv 2,3": a comma typed for the dot
            refs.append(_Ref(m.start(), m.end(), m.group("code").replace(",", ".")))
        else:
            start = m.start("bare")
            refs.append(_Ref(start, m.end(), m.group("bare")))
    return refs
