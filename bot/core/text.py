"""Vietnamese text helpers: fold to ASCII (đ→d) for matching; never restore accents."""

from __future__ import annotations

import re
import unicodedata

_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "D"})
_SPACE_RE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ→d). Keeps length-independent words; not 1:1 positions."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()


def fold_keep_positions(text: str) -> str:
    """Fold character by character so that index i of the result matches index i of `text`."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)
        kept = "".join(c for c in base if unicodedata.category(c) != "Mn")
        kept = kept.lower()
        out.append(kept[:1] if len(kept) >= 1 else " ")
    return "".join(out)


def squash_spaces(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()
