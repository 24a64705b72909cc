"""Dossier figures in a message (the parse contract's count keys) and the question detector both parts of
the parser use. Pure; every regex linear on any input up to 4,096 characters."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date

from bot.core.dates import find_period

_QUESTION_RE = re.compile(
    r"\?|\b(?:khi nao|bao gio|the nao|tai sao|vi sao|lam sao|nhu the nao|bao nhieu|phai khong|duoc khong"
    r"|chua a|co phai|la gi|o dau|(?:xong|dat|duoc|hoan thanh|roi|nop|gui|lam|kip) chua"
    r"|(?:chua|khong) (?:anh|chi|em|a|ban|nhi|ha|vay|the))[ \t.!]*$"
)


class _Question:
    """A question mark anywhere, or a question word at the end: only the tail is searched (linear, cheap)."""

    @staticmethod
    def search(s: str) -> bool:
        return "?" in s or bool(_QUESTION_RE.search(s.rstrip(" \t.!")[-40:]))


_QUESTION = _Question()


# -- dossier figures ----------------------------------------------------------------------------
_KEY_PHRASES: dict[str, str | None] = {
    # total
    "tong so ho so tiep nhan": "total", "tong so ho so": "total", "tong so hs": "total", "tong cong": "total",
    "tong so": "total", "tong": "total",
    # carried over
    "ky truoc chuyen qua": "carried_over", "ky truoc chuyen sang": "carried_over", "ky truoc chuyen": "carried_over",
    "ton ky truoc": "carried_over", "chuyen tu ky truoc": "carried_over", "ton tu ky truoc": "carried_over",
    "chuyen qua": "carried_over", "chuyen sang": "carried_over",
    # received
    "moi tiep nhan": "received", "tiep nhan moi": "received", "tiep nhan": "received", "nhan moi": "received",
    "nhan": "received", "da nhan": "received",
    # channels
    "dich vu cong truc tuyen": "online", "dvc truc tuyen": "online", "truc tuyen": "online", "online": "online",
    "qua mang": "online", "dvctt": "online", "dvc": "online", "dich vu cong": "online", "truc tiep": "direct",
    "buu chinh cong ich": "postal", "buu chinh": "postal", "bcci": "postal", "qua buu dien": "postal",
    "buu dien": "postal",
    # one figure for two channels, as reports write it
    **{f"truc tiep{j}{k}": "direct_postal" for j in (" va ", ", ", " + ", "/", " hoac ", " va qua ", ", qua ")
       for k in ("buu chinh", "dich vu buu chinh", "buu chinh cong ich", "dich vu buu chinh cong ich", "bcci")},
    # outcomes
    "da tra kq": "resolved", "tra kq": "resolved",
    "da giai quyet xong": "resolved", "da giai quyet": "resolved", "giai quyet xong": "resolved",
    "da tra ket qua": "resolved", "tra ket qua": "resolved", "xu ly xong": "resolved", "giai quyet": "resolved",
    "da xu ly": "resolved",
    "truoc han": "early", "som han": "early", "dung han": "on_time",
    "qua han": "late", "tre han": "late", "tre hen": "late", "cham tra": "late", "tre": "late",
    "dang giai quyet": "pending", "dang xu ly": "pending", "chua den han": "pending", "chua giai quyet": "pending",
    "con ton": "pending", "ton dong": "pending",
    "cong dan rut ho so": "withdrawn", "cong dan rut": "withdrawn", "rut ho so": "withdrawn", "rut": "withdrawn",
    "da gui thu xin loi": "apologized", "gui thu xin loi": "apologized", "thu xin loi": "apologized",
    "van ban xin loi": "apologized", "phieu xin loi": "apologized", "da xin loi": "apologized",
    "xin loi": "apologized",
    "da so hoa": "digitized", "so hoa": "digitized",
    "phan anh kien nghi": "feedback_received", "pakn tiep nhan": "feedback_received",
    "tiep nhan pakn": "feedback_received", "pakn": "feedback_received", "phan anh": "feedback_received",
    "kien nghi": "feedback_received",
    "pakn da tra loi": "feedback_answered", "pakn da xu ly": "feedback_answered", "da tra loi": "feedback_answered",
    "tra loi": "feedback_answered",
    # shadows: words that contain a key word but are not one
    "xac nhan": None, "nhan vien": None, "nhan dan": None, "ca nhan": None, "nhan luc": None, "nhan xet": None,
    "tiep nhan va tra ket qua": None, "bo phan tiep nhan": None, "ty le": None, "tong hop": None,
    "tre em": None, "thoi han": None,
}
_KEY_RE = re.compile(
    r"\b(?=[" + "".join(sorted({k[0] for k in _KEY_PHRASES})) + r"])(?:"
    + "|".join(re.escape(k) for k in sorted(_KEY_PHRASES, key=len, reverse=True)) + r")\b"
)
_NUM = re.compile(r"(?<![\w.,/:-])(\d{1,3}(?:\.\d{3})+|\d+)(?![\w/%]|[.,]\d)")
_AFTER_NUM_NOT_COUNT = re.compile(
    r"\s*(?:%|phan tram|ngay|hom|tuan|thang|nam|gio|phut|lan|trieu|ty|dong|nguoi|km|m2|ha)\b|\s*%"
)
_BEFORE_NUM_NOT_COUNT = re.compile(r"(?:ngay|thang|quy|nam|tuan|dien thoai|sdt|hotline|lan|thu|nv|muc)\s*:?\s*$")
_FILLER = re.compile(
    r"^[\s:=,\-–(]*(?:(?:la|duoc|co|gom|khoang|hs|ho so|thu tuc|tthc|thu tuc hanh chinh|so|luong|so luong|moi"
    r"|tong|da|dat|voi|ca|cua|ho|hoso|tuan nay|thang nay|quy nay|nam nay|hom nay|tuan truoc|thang truoc"
    r"|trong tuan|trong thang|trong quy|trong nam|trong ky|trong|ky nay|ky bao cao|bao cao|nay|tu dau nam|den nay"
    r"|luy ke|tra|tra ket qua|hen tra|thang \d{1,2}|quy (?:[1-4]|iv|iii|ii|i)|nam \d{4}"
    r"|nop|duoc nop|nop qua|qua|tai|bang|theo|tren|thong qua|hinh thuc|phuong thuc|duoi hinh thuc)\b[\s:=,\-–]*)*$"
)
_PAKN_AFTER = re.compile(r"\s*(?:pakn|phan anh|kien nghi|y kien)\b")
_PAKN_BEFORE = re.compile(r"\b(?:pakn|phan anh kien nghi|phan anh|kien nghi)(?: da| duoc| moi)?[ :]*$")
_TO_FEEDBACK = {"received": "feedback_received", "resolved": "feedback_answered"}
# "không có hồ sơ trễ hạn", "ko có hs nào quá hạn": a zero written in words, right before its key
_ZERO_BEFORE = re.compile(
    r"\b(?:khong|ko|k|kg|chua)(?: co| phat sinh| bi)?(?: (?:hs|ho so|tthc|thu tuc|truong hop))?(?: nao)?(?: bi)? *$"
)
_CHANNELS = frozenset({"online", "direct", "postal"})
_CLAUSE_BREAK = re.compile(r"[,;(]")
_KEYS_AFTER = "truc tuyen|truc tiep|buu chinh|qua han|tre han|dung han|truoc han|dang|da|rut|so hoa|ton"
_THIS_PERIOD = re.compile(r"\bky (?:bao cao )?(?:nay|hien tai)\b")
_RATE_WORDS = re.compile(r"\b(?:ty le|ti le)\b")
_CHANNEL_JOIN = re.compile(r"^\s*(?:,|va|hoac|\+|/)\s*(?:dich vu|qua|hs|ho so)?\s*$")
_NOUN_ONLY = re.compile(r"^\s*(?:hs|ho so|tthc|ho so tthc)\s*$")
_PAKN_CONTEXT = re.compile(r"\b(?:pakn|phan anh|kien nghi)\b")
_DOSSIER_NOUN = re.compile(r"\b(?:hs|ho so|tthc|pakn|bcci|thu tuc)\b")
_DOSSIER_VOCAB = re.compile(
    r"\b(?:hs|ho so|tthc|pakn|bcci|truc tuyen|buu chinh|tiep nhan|dung han|truoc han|qua han|tre han|ty le"
    r"|giai quyet|so hoa|mot cua)\b"
)
_SENTENCE_END = re.compile(r"[\n;!?]|\.(?=\s|$)")


@dataclass
class _Pair:
    start: int
    end: int
    key: str
    value: int


def _dossier_pairs(s: str, blocked_spans: list[tuple[int, int]]) -> list[_Pair]:
    mask = bytearray(len(s) + 1)  # positions inside a code, a date or a percent (linear to build and ask)
    for a, b in blocked_spans:
        mask[a:b] = b"\x01" * (b - a)

    def blocked(a: int, b: int) -> bool:
        return 1 in mask[a:b]

    keys = [(m.start(), m.end(), _KEY_PHRASES[m.group(0)]) for m in _KEY_RE.finditer(s)]
    nums = []
    for m in _NUM.finditer(s):
        if blocked(m.start(), m.end()):
            continue
        if _AFTER_NUM_NOT_COUNT.match(s, m.end()) or _BEFORE_NUM_NOT_COUNT.search(s, max(0, m.start() - 14),
                                                                                    m.start()):
            continue
        nums.append((m.start(), m.end(), int(m.group(1).replace(".", ""))))
    used: set[int] = set()
    used_by: dict[int, str] = {}
    pairs: list[_Pair] = []
    paired: dict[int, _Pair] = {}  # key index -> its pair
    key_starts = [k[0] for k in keys]
    num_starts = [n[0] for n in nums]
    num_ends = [n[1] for n in nums]
    for i, (ks, ke, key) in enumerate(keys):
        if key is None or blocked(ks, ke):
            continue
        next_key = key_starts[i + 1] if i + 1 < len(keys) else len(s)
        chosen = None
        for j in range(bisect_left(num_starts, ke), len(nums)):
            ns, ne, value = nums[j]
            if j in used:
                continue
            if ns < next_key and ns - ke <= 40 and _FILLER.match(s[ke:ns]) and not _CLAUSE_BREAK.search(s[ke:ns]):
                chosen = (j, ns, ne, value)
            break
        if chosen is None:  # "45 hồ sơ trực tuyến": the number before the key
            prev_key_end = keys[i - 1][1] if i else 0
            for j in range(bisect_right(num_ends, ks) - 1, -1, -1):
                ns, ne, value = nums[j]
                shared = key in _CHANNELS and used_by.get(j) == "received" and _NOUN_ONLY.match(s[ne:ks])
                if (j not in used or shared) and (ns >= prev_key_end or shared) and ks - ne <= 40 and _FILLER.match(
                        s[ne:ks]):
                    chosen = (j, ns, ne, value)
                break
        if chosen is None:
            if _ZERO_BEFORE.search(s, max(0, ks - 30), ks):
                pairs.append(_Pair(max(0, ks - 1), ke, key, 0))
                paired[i] = pairs[-1]
            continue
        j, ns, ne, value = chosen
        used.add(j)
        used_by.setdefault(j, key or "")
        if _PAKN_AFTER.match(s, ne) or _PAKN_AFTER.match(s, ke) or _PAKN_BEFORE.search(s, max(0, ks - 30), ks):
            key = _TO_FEEDBACK.get(key, key)
        pairs.append(_Pair(min(ks, ns), max(ke, ne), key, value))
        paired[i] = pairs[-1]
    for i in range(1, len(keys)):  # "trực tiếp, dịch vụ bưu chính: 1.146": one figure for two channels
        before, this = keys[i - 1], keys[i]
        if (before[2] in _CHANNELS and this[2] in _CHANNELS and i - 1 not in paired and i in paired
                and _CHANNEL_JOIN.match(s[before[1]:this[0]])):
            pair = paired.pop(i)
            if {before[2], this[2]} == {"direct", "postal"}:
                pair.key, pair.start = "direct_postal", before[0]
            else:
                pairs.remove(pair)
    if pairs and not any(p.key in ("received", "total") for p in pairs):
        # "tuần này: 45 hồ sơ, 20 trực tuyến": a count of dossiers with no verb is what was received
        for j, (ns, ne, value) in enumerate(nums):
            if j not in used and re.match(r"\s*(?:hs|ho so)\b(?!\s*(?:" + _KEYS_AFTER + r"))", s[ne:ne + 30]):
                pairs.append(_Pair(ns, ne, "received", value))
                break
    return pairs


# what may stand right before a lone count of dossiers: nothing, a colon, "có", "được", or the period itself
_LONE_BEFORE = re.compile(r"(?:^|[:\-–=]|\b(?:co|duoc|la|gom|tong|tong cong|nay|truoc|qua|\d{1,2}))\s*$")


def _lone_count(s: str, today: date) -> list[_Pair]:
    """"tuần này có 12 hồ sơ", "hôm nay 0 hồ sơ": a period and one count of dossiers, no key word. That
    count is what was received."""
    if find_period(s, today) is None or _QUESTION.search(s):
        return []
    counts = [m for m in _NUM.finditer(s)
              if not _BEFORE_NUM_NOT_COUNT.search(s, max(0, m.start() - 14), m.start())
              and not _AFTER_NUM_NOT_COUNT.match(s, m.end())]
    if len(counts) != 1 or not re.match(r"\s*(?:hs|ho so)\b", s[counts[0].end():]):
        return []
    m = counts[0]
    if not _LONE_BEFORE.search(s[:m.start()]):  # "xong 3 hồ sơ", "còn 3 hồ sơ" say something else
        return []
    return [_Pair(m.start(), m.end(), "received", int(m.group(1).replace(".", "")))]
