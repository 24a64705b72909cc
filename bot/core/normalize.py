"""Before any pattern runs: whitespace runs squashed and typing slips in status words repaired, on the
aligned pair (original, folded) so that spans found on the folded text still cut the original.

Both steps are single linear passes. They keep the two strings the same length: a squashed run becomes one
character in both, a repaired word becomes the folded spelling of the word meant in both.

Typing slips (parse-contract.md, second round) are repaired only where one reading fits:
- a token that is a valid Vietnamese syllable is never touched ("than" stays "than", not "thanh");
- Telex tone letters left in (hoanf thanhf, rooif, ddang) and VNI digits (hoan2 thanh2) are removed when
  what is left is a status word;
- one letter dropped or doubled (xog, dag, hoaan, thah) is repaired when exactly one status word is one
  such edit away;
- a few phone abbreviations (r = rồi, dc = được, dg = đang, xg = xong).
"""

from __future__ import annotations

import re
from functools import lru_cache

# the words status phrases are made of (folded); only these are ever produced by a repair
STATUS_WORDS: frozenset[str] = frozenset({
    "xong", "hoan", "thanh", "tat", "thien", "dang", "lam", "roi", "chua", "vuong", "mac", "dat", "duoc",
    "trien", "khai", "thuc", "hien", "bat", "dau", "kho", "khan", "cham", "tre", "han", "tien", "nop", "gui",
    "ban", "hanh", "cho", "duyet", "tam", "dung", "ngung", "xu", "ly", "giai", "quyet", "khong", "gap",
    "chuan", "bi", "soan", "xay", "tiep", "tuc", "sap", "gan", "vua", "moi", "khoi", "dong",
})
# words long enough that one dropped or doubled letter still points at one of them
_EDITABLE = frozenset(w for w in STATUS_WORDS if len(w) >= 4)
ABBREVIATIONS: dict[str, str] = {"r": "roi", "dc": "duoc", "dg": "dang", "xg": "xong", "hthanh": "hoan thanh"}

_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_RHYME = re.compile(r"[aeiouy]{1,3}(?:ch|nh|ng|c|m|n|p|t)?")
_DOUBLED_VOWEL = re.compile(r"aa|ee|oo|ii|yy")
_TOKEN = re.compile(r"[a-z0-9]+")
_WS_RUN = re.compile(r"\s{2,}")
_TELEX_TONE = re.compile(r"(?<=[aeiouy])[sfrxj]|(?<=[aou])w")
_TELEX_DOUBLE = re.compile(r"aa|ee|oo|^dd")


@lru_cache(maxsize=4096)
def is_syllable(word: str) -> bool:
    """A folded Vietnamese syllable: onset + rhyme, nothing else ("xog", "dag", "hoanf" are not)."""
    if not word.isalpha() or _DOUBLED_VOWEL.search(word):
        return False
    return any(word.startswith(onset) and _RHYME.fullmatch(word, len(onset)) for onset in _ONSETS)


def _one_edit(a: str, b: str) -> bool:
    """True when `a` is `b` with one letter dropped or one letter doubled/inserted."""
    if len(a) == len(b) - 1:
        a, b = b, a
    if len(a) != len(b) + 1:
        return False
    return any(a[:i] + a[i + 1:] == b for i in range(len(a)))


@lru_cache(maxsize=4096)
def repair_word(token: str) -> str | None:
    """The status word `token` was meant to be, or None when it stands as typed (or is ambiguous)."""
    if token in ABBREVIATIONS:
        return ABBREVIATIONS[token]
    if token in STATUS_WORDS or token.isdigit() or len(token) > 12:
        return None
    if not token.isalpha():  # VNI: tone and vowel digits typed inside the word ("hoan2", "tha2nh")
        letters = "".join(ch for ch in token if ch.isalpha())
        return letters if letters in STATUS_WORDS and not token[0].isdigit() else None
    if is_syllable(token):
        return None
    telex = _TELEX_DOUBLE.sub(lambda m: m.group()[0], _TELEX_TONE.sub("", token))
    if telex != token and telex in STATUS_WORDS:
        return telex
    if len(token) < 3:
        return None
    near = [w for w in _EDITABLE if _one_edit(token, w)]
    return near[0] if len(near) == 1 else None


def normalize(orig: str, folded: str) -> tuple[str, str]:
    """(original, folded), still of equal length, with whitespace runs squashed and slips repaired."""
    if _WS_RUN.search(folded):
        orig, folded = _squash(orig, folded)
    pieces_o: list[str] = []
    pieces_f: list[str] = []
    last = 0
    for m in _TOKEN.finditer(folded):
        fixed = repair_word(m.group())
        if fixed is None:
            continue
        pieces_o.append(orig[last:m.start()])
        pieces_f.append(folded[last:m.start()])
        pieces_o.append(fixed)
        pieces_f.append(fixed)
        last = m.end()
    if not pieces_f:
        return orig, folded
    pieces_o.append(orig[last:])
    pieces_f.append(folded[last:])
    return "".join(pieces_o), "".join(pieces_f)


def _squash(orig: str, folded: str) -> tuple[str, str]:
    """Every run of whitespace becomes one character: a newline if the run held one, else a space."""
    pieces_o: list[str] = []
    pieces_f: list[str] = []
    last = 0
    for m in _WS_RUN.finditer(folded):
        ch = "\n" if "\n" in m.group() else " "
        pieces_o.append(orig[last:m.start()])
        pieces_f.append(folded[last:m.start()])
        pieces_o.append(ch)
        pieces_f.append(ch)
        last = m.end()
    pieces_o.append(orig[last:])
    pieces_f.append(folded[last:])
    return "".join(pieces_o), "".join(pieces_f)
