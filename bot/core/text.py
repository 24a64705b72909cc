"""Vietnamese text folded to ASCII for matching (đ→d, diacritics dropped, lower case); never restore accents.

One folding for the whole bot: `fold_1to1` maps each character to exactly one (so a position in the folded
text is a position in the original: the parser reads the folded text and quotes the original), `fold` is the
same on text whose combining marks are dropped first (words typed in decomposed form)."""

from __future__ import annotations

import re
import unicodedata

#: đ, and the look-alikes that reach us from old fonts and converters: Ð/ð (U+00D0/U+00F0, "eth"), Ɖ/ɖ
_D = frozenset("đĐÐðƉɖ")
COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _fold_char(ch: str) -> str:
    if ch < "\x80":
        return ch.lower()
    if ch in _D:
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    if unicodedata.category(base).startswith("L"):
        return base.lower()[:1] if base.isascii() else " "
    if base.isdigit() and base.isascii():
        return base
    if ch in "％":
        return "%"
    if unicodedata.category(ch) in ("Zs", "Cc") or ch in "\u200b\u200c\u200d\ufeff":
        return "\n" if ch in "\r\x0b\x0c\u2028\u2029" else " "
    return ch if ch.isascii() else " "


class _FoldTable(dict[int, str]):
    """A str.translate table that fills itself: each character folded once, then looked up in C."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < 20000:
            self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()
def fold_1to1(text: str) -> str:
    """Fold each character to one lower-case ASCII character (non-letters outside ASCII → space)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


def fold(text: str) -> str:
    """Lower-case ASCII words for matching ("Tư pháp – Hộ tịch" → "tu phap   ho tich"): composed first, so
    decomposed input folds the same, then one character for one."""
    if text.isascii():
        return text.lower()
    return fold_1to1(COMBINING.sub("", unicodedata.normalize("NFC", text)))
