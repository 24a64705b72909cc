"""Understanding officers' messages: progress on tasks and dossier figures (parse-contract.md).

Pure: text and a reference time in, a ParseResult out. All matching happens on a copy of the text
folded to ASCII (đ→d) character for character, so diacritic-free messages parse exactly as the
accented ones, and spans found on the folded copy cut the original (for notes and task hints).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.core.dates import find_absolute_dates, find_period, find_relative_date, nearest, safe_date
from bot.core.parse_dossier import (
    _DOSSIER_NOUN,
    _DOSSIER_VOCAB,
    _KEY_RE,
    _PAKN_CONTEXT,
    _QUESTION,
    _RATE_WORDS,
    _SENTENCE_END,
    _THIS_PERIOD,
    _TO_FEEDBACK,
    _dossier_pairs,
    _lone_count,
    _Pair,
)
from bot.core.parse_text import MAX_CHARS, _Ref, find_refs, prepare  # noqa: F401 (the parser's API)
from bot.core.text import fold_1to1  # noqa: F401 (the parser's API)

Status = str  # "done" | "in_progress" | "blocked" | "not_started"


@dataclass
class ProgressItem:
    task_ref: str | None = None
    task_hint: str | None = None
    percent: int | None = None
    status: Status | None = None
    date: date | None = None
    note: str | None = None

    @property
    def says_something(self) -> bool:
        return self.status is not None or self.percent is not None or self.date is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "task_ref": self.task_ref,
            "task_hint": self.task_hint,
            "percent": self.percent,
            "status": self.status,
            "date": self.date.isoformat() if self.date else None,
            "note": self.note,
        }


@dataclass
class DossierFigures:
    period_start: date | None = None
    period_end: date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    #: "kỳ này": the commune's current reporting period, which only its reporting calendar can tell
    #: (resolved by the report service; not part of the parse contract's output)
    this_period: bool = False
    #: what follows "ghi chú", "lý do", "lưu ý" in the figures' sentences, as written (kept with the figures;
    #: not part of the parse contract's output)
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "counts": dict(self.counts),
        }


@dataclass
class ParseResult:
    intent: str = "unknown"
    progress: list[ProgressItem] = field(default_factory=list)
    dossier: DossierFigures | None = None

    @property
    def says_something(self) -> bool:
        """Whether any item states a status, percent or date, or any dossier figure is given."""
        return bool(self.dossier) or any(i.says_something for i in self.progress)

    def to_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "progress": [p.to_dict() for p in self.progress],
            "dossier": self.dossier.to_dict() if self.dossier else None,
        }


COUNT_KEYS: tuple[str, ...] = (
    "total", "carried_over", "received", "online", "direct", "postal", "resolved", "early", "on_time",
    "late", "pending", "withdrawn", "apologized", "digitized", "feedback_received", "feedback_answered",
    "direct_postal",
)

# -- status and percent -------------------------------------------------------------------------
_PCT = re.compile(r"(?<![\d.,])(\d{1,3})(?:[.,](\d{1,2}))?\s*(?:%|phan tram\b)")
# "đạt 80" is 80 percent; "hoàn thành 2", "xong 3" are not (a count, or the next list item's number), and a
# number on the next line never belongs to this one
_PCT_WORD = re.compile(r"\b(?:dat|duoc|khoang|tien do|thuc hien|lam duoc)[ \t]*:?[ \t]*(\d{1,3})(?![\d.,/%])"
                       r"(?!\s*(?:ho so|hs|van ban|ngay|tuan|thang|nam|nguoi|lan|buoi|cuoc|tin|bai|trieu|ty|dong|nua"
                       r"|hom|gio|phut|thu tuc|tthc|quyet dinh|ke hoach|lop|dot|bo|muc|nhiem vu|nv|chi tieu|tieu chi"
                       r"|thon|ap|don vi|cong chuc|can bo|luot|trang|ban|cuon|to|ho)\b)")
_PCT_RANGE = re.compile(r"(?<![\d.,])(\d{1,3})[ \t]*[-–][ \t]*\d{1,3}[ \t]*(?:%|phan tram\b)")
_HALF = re.compile(r"\b(?:mot|1) nua\b|\bnua chung\b")
_NEG_DONE = re.compile(r"\b(?:chua|gan|sap|chua the) (?:xong|hoan thanh|hoan tat|hoan thien|dat)\b")
_DONE = re.compile(
    r"\b(?:xong|hoan thanh|hoan tat|hoan thien|da thuc hien|ok roi|ok|done|da ban hanh|da trien khai xong"
    r"|da nop|da gui|(?<!tp-)(?<!tp )ht)\b"
)
_PRODUCT_MARK = re.compile(r"\b(?:san pham|sp|ket qua dau ra|kem theo|van ban)\s*(?::|la\b|so\b)")
_FUTURE = re.compile(
    r"\b(?:se|du kien|dk|sap|chuan bi|phan dau|ke hoach|tuan (?:sau|toi)|thang (?:sau|toi)|nam (?:sau|toi)"
    r"|ngay mai|mai|ngay kia|\d+ (?:ngay|hom|tuan|thang) nua|cuoi (?:tuan|thang|nam|quy)|het (?:thang|nam|quy)"
    r"|quy (?:[1-4]|iv|iii|ii|i)|han(?=\s*(?::|la\b|ngay\b|cuoi\b|\d))|truoc(?= (?:ngay )?\d)|kip"
    r"|trong (?:tuan|thang|quy|nam))\b"
)
_EXPECTED = re.compile(r"\b(?:du kien|dk|du tinh|(?<!chia )se|phan dau)\b")
_PAST = re.compile(r"\b(?:da|roi|vua|hom qua|hom kia|hom nay|xong roi|tuan truoc|thang truoc|tu)\b")
_PAST_EXPLICIT = re.compile(r"\b(?:da|roi|vua|hom qua|hom kia|tuan truoc|thang truoc|nam truoc|nam ngoai)\b")
_BLOCKED = re.compile(
    r"\b(?:vuong(?: mac)?|gap kho khan|kho khan|chua the|khong the|bi cham|cham tien do|cham so voi|dang cham"
    r"|con cham|bi tre|tam dung|tam hoan|tam ngung|ngung|bi ket|dang ket|ach tac|bi treo"
    r"|cham(?! nhat| diem| cong| soc| tra)|tre han|qua han|tre hen|bi tre han"
    r"|(?:dang|con|van|phai) cho|cho (?:y kien|huyen|tinh|phe duyet|duyet|ky|ket qua|phan hoi|huong dan"
    r"|cap tren|xac nhan|kinh phi|bo sung|thong nhat|lanh dao|chu tich|so|phong)"
    r"|thieu (?:kinh phi|nhan luc|nguoi|von|thiet bi|may|huong dan))\b"
)
# "không vướng gì", "ko có khó khăn", "hết vướng": a blocker word said not to hold
_NEG_BLOCKED = re.compile(
    r"\b(?:k|ko|kg|khong|chua|het|khong con|ko con|k con)(?: (?:co|gap|bi|gi))* "
    r"(?:vuong(?: mac)?|kho khan|bi cham|cham tien do|tre han|qua han|ket)(?: gi(?: ca)?| nao)?\b"
)


def _mask_negated_blockers(seg: str) -> str:
    """`seg` with negated blocker phrases blanked out (same length: folded and original text stay aligned)."""
    return _NEG_BLOCKED.sub(lambda m: " " * len(m.group()), seg)


_BLOCKED_ORIG = re.compile(r"\bchờ\b", re.IGNORECASE)
_NOT_STARTED = re.compile(
    r"\bchua (?:bat dau|trien khai|lam|thuc hien|khoi dong|co gi|tien hanh)\b|\bchua\s*$"
)
_IN_PROGRESS = re.compile(
    r"\b(?:dang (?:lam|thuc hien|trien khai|xu ly|tien hanh|soan|hoan thien|xay dung|chuan bi)|dang|tiep tuc"
    r"|gan xong|sap xong|chua xong|chua hoan thanh|da trien khai|da bat dau|bat dau|trien khai|thuc hien)\b"
)
# strong signals that a text with no task code is still a progress report
_STRONG = re.compile(
    r"\b(?:xong|hoan thanh|hoan tat|dang (?:lam|thuc hien|trien khai)|chua (?:bat dau|trien khai|lam)"
    r"|vuong|gap kho khan|tam dung|dat)\b"
)


_DIGIT = re.compile(r"\d")
_FRACTION = re.compile(r"\b(?:dat|duoc|hoan thanh|xong|lam duoc|khoang|tien do)\s*:?\s*([123])/([234])(?![\d/])")
_FRACTIONS = {("1", "2"): 50, ("1", "3"): 33, ("2", "3"): 67, ("1", "4"): 25, ("3", "4"): 75}


def _percent(s: str) -> int | None:
    if not _DIGIT.search(s):
        return 50 if _HALF.search(s) else None
    f = _FRACTION.search(s)
    if f and (f.group(1), f.group(2)) in _FRACTIONS:
        return _FRACTIONS[(f.group(1), f.group(2))]
    m = _PCT_RANGE.search(s) or _PCT.search(s)  # "70-80%": the lower bound
    if m:
        value = int(m.group(1))
        return value if value <= 100 else None
    m = _PCT_WORD.search(s)
    if m:
        value = int(m.group(1))
        return value if value <= 100 else None
    if _HALF.search(s):
        return 50
    return None


def percent_over_100(text: str) -> int | None:
    """A percent above 100 in a message naming a task ("nv 1.4 đạt 150%"): a typo the sender should
    hear about, rather than a message nobody understood. Returns the value."""
    _, s = prepare(text)
    if not find_refs(s):
        return None
    for m in (*_PCT.finditer(s), *_PCT_WORD.finditer(s)):
        if int(m.group(1)) > 100:
            return int(m.group(1))
    return None


def _status(seg: str, orig: str, percent: int | None) -> tuple[str | None, bool]:
    """(status, done_word_seen) of one segment. What follows "sản phẩm:" (a product's name such as "Kế
    hoạch số 12/KH-UBND") says nothing of the state, so it is not read for one."""
    cut = _PRODUCT_MARK.search(seg)
    if cut is not None and cut.start() > 0:
        seg = seg[: cut.start()]
    negated = _mask_negated_blockers(seg)
    if _BLOCKED.search(negated) or _BLOCKED_ORIG.search(orig):
        return "blocked", False
    if _NOT_STARTED.search(seg) and not percent:
        return "not_started", False
    neg = _NEG_DONE.search(seg)
    done_word = bool(_DONE.search(_NEG_DONE.sub(" ", seg))) if neg else bool(_DONE.search(seg))
    if done_word:
        if _FUTURE.search(seg) and not _PAST.search(seg):
            return "in_progress", True
        if percent is not None and percent < 100:
            return "in_progress", True
        return "done", True
    if percent == 100:
        return "done", False
    if percent == 0 and not neg and not _IN_PROGRESS.search(seg):
        return "not_started", False  # "nv 7.2 0%"
    if neg or percent is not None or _IN_PROGRESS.search(seg) or negated != seg:
        return "in_progress", False  # "không có vướng mắc" alone: going on without problems
    return None, False


_MONTH_OR_QUARTER = re.compile(r"\b(?:thang (1[0-2]|0?[1-9])|quy ([1-4]|iv|iii|ii|i))\b(?!\s*(?:nam |/)?\s*\d{4})")


def _future_only_date(seg: str, today: date) -> date | None:
    """A date written without a year whose occurrence this year is still ahead (a deadline)."""
    if not _DIGIT.search(seg) and "quy" not in seg:
        return None
    seg = _FRACTION.sub(" ", seg)
    for _, _, day, month, year in find_absolute_dates(seg):
        if year is None:
            d = safe_date(today.year, month, day)
            return d if d is not None and d > today else None
        return None
    m = _MONTH_OR_QUARTER.search(seg)
    if m:
        rel = find_relative_date(seg[m.start():m.end()], today, past=False)
        if rel is not None and rel[2].year == today.year and rel[2] > today:
            start_month = int(m.group(1)) if m.group(1) else 0
            if start_month == 0 or date(today.year, start_month, 1) > today:
                return rel[2]
    return None


def _date(seg: str, today: date, *, past: bool) -> date | None:
    if _DIGIT.search(seg):
        seg = _FRACTION.sub(" ", seg)
    for _, _, day, month, year in find_absolute_dates(seg):
        d = safe_date(year, month, day) if year else nearest(month, day, today, past=past)
        if d is not None:
            return d
    rel = find_relative_date(seg, today, past=past)
    if rel is not None:
        return rel[2]
    return None


# -- the parser ---------------------------------------------------------------------------------
_REASON = re.compile(r"\b(?:vi|do|boi vi|ly do|nguyen nhan)\b\s*:?\s*")
_PCT_PHRASE = re.compile(r"[,;]?\s*(?:moi |hien |da )?(?:dat|duoc|khoang)?\s*\d{1,3}(?:[.,]\d+)?\s*%")
_CONNECTOR_ONLY = re.compile(r"^[\s,;:.&+\-–]*(?:va|voi|cung|nv|nhiem vu|muc)?[\s,;:.&+\-–]*$")
_HINT_TRIM = re.compile(r"^[\s,;:.\-–•*]+|[\s,;:.\-–•*]+$")
_NOTE_TRIM = re.compile(r"^[\s,;:.\-–•*]*(?:vi|do|boi vi|ly do|nguyen nhan)?\s*:?\s*|[\s,;:.\-–•*!]+$")


def _sentence_bounds(s: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(s):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(s)))
    return bounds


def parse_message(text: str, now: datetime) -> ParseResult:
    """Parse one message. Never raises on any string input."""
    if not isinstance(text, str) or not text.strip():
        return ParseResult()
    orig, s = prepare(text)
    today = now.date()
    refs = find_refs(s)
    sentences = _sentence_bounds(s)
    sentence_starts = [a for a, _ in sentences]

    def sentence_of(pos: int) -> tuple[int, int]:
        return sentences[max(0, bisect_right(sentence_starts, pos) - 1)]

    pairs: list[_Pair] = []
    if _KEY_RE.search(s):
        # spans that are not dossier counts: task codes, dates, percents
        blocked_spans = [(r.start, r.end) for r in refs]
        blocked_spans += [(a, b) for a, b, *_ in find_absolute_dates(s)]
        blocked_spans += [(m.start(), m.end()) for m in _PCT.finditer(s)]
        pairs = _dossier_pairs(s, blocked_spans)
    if not pairs and not refs:
        pairs = _lone_count(s, today)
    if refs:
        ref_sentences = {sentence_of(r.start) for r in refs}
        pairs = [p for p in pairs if sentence_of(p.start) not in ref_sentences
                 or _DOSSIER_NOUN.match(s, p.end + 1) or _DOSSIER_NOUN.search(s[p.end:p.end + 8])]
    dossier_sentences = sorted({sentence_of(p.start) for p in pairs})

    result = ParseResult()
    # progress items
    if refs:
        items = _progress_items(orig, s, refs, dossier_sentences, today)
        if _QUESTION.search(s):
            items = []  # "nv 2.3 là việc gì?", "nv 2.3 được 80% chưa anh?": questions, not reports
        # a code whose status cannot be read is kept (status None), so that the bot can ask about that task
        result.progress = items
    elif (not pairs or not _DOSSIER_VOCAB.search(s)) and not _RATE_WORDS.search(s):
        item = _hint_item(orig, s, today)
        if item is not None:
            result.progress = [item]

    if pairs:
        counts: dict[str, int] = {}
        feedback_only = bool(_PAKN_CONTEXT.search(s)) and not _DOSSIER_NOUN.search(_PAKN_CONTEXT.sub(" ", s))
        for p in pairs:
            key = p.key
            if feedback_only:
                key = _TO_FEEDBACK.get(key, key)
            counts.setdefault(key, p.value)
        scope = " ".join(s[a:b] for a, b in dossier_sentences) if refs else s
        period = find_period(scope, today)
        if period is None and refs:
            period = find_period(s, today)
        result.dossier = DossierFigures(period[0] if period else None, period[1] if period else None, counts,
                                        this_period=period is None and bool(_THIS_PERIOD.search(scope)),
                                        note=_dossier_note(orig, s, dossier_sentences if refs else [(0, len(s))]))

    if result.progress and result.dossier:
        result.intent = "mixed"
    elif result.progress:
        result.intent = "progress"
    elif result.dossier:
        result.intent = "dossier"
    return result


_DOSSIER_REMARK = re.compile(r"\b(?:ghi chu|gc|luu y|ly do|nguyen nhan)\b[ \t]*:?[ \t]*")


def _dossier_note(orig: str, s: str, spans: list[tuple[int, int]]) -> str | None:
    """The remark written with the figures ("…, ghi chú: 2 hồ sơ chờ bổ sung"), to the end of its line."""
    for a, b in spans:
        m = _DOSSIER_REMARK.search(s, a, b)
        if m is not None:
            note = _NOTE_TRIM.sub("", orig[m.end():].split("\n", 1)[0]).strip()
            return note[:300] or None
    return None


def _progress_items(
    orig: str, s: str, refs: list[_Ref], dossier_sentences: list[tuple[int, int]], today: date
) -> list[ProgressItem]:
    items: list[ProgressItem] = []
    segments: list[tuple[int, int]] = []
    starts = [a for a, _ in dossier_sentences]
    for i, ref in enumerate(refs):
        end = refs[i + 1].start if i + 1 < len(refs) else len(s)
        k = bisect_left(starts, ref.end)  # a dossier sentence between this code and the next ends its segment
        if k < len(starts) and starts[k] < end:
            end = starts[k]
        segments.append((ref.end, end))
    prefix = s[: refs[0].start]
    prefix_orig = orig[: refs[0].start]
    # "Đã hoàn thành các nhiệm vụ 1.5, 1.6, 1.7": what stands before the codes applies to each code that
    # says nothing of its own
    shared = _analyse(prefix, prefix_orig, today) if prefix.strip() else None
    raw: list[tuple[ProgressItem, bool]] = []
    for i, (ref, (a, b)) in enumerate(zip(refs, segments, strict=True)):
        seg, seg_orig = s[a:b], orig[a:b]
        if i == 0 and prefix.strip():
            seg, seg_orig = prefix + " " + seg, prefix_orig + " " + seg_orig
        empty = bool(_CONNECTOR_ONLY.match(s[a:b]))
        item = _analyse(seg, seg_orig, today)
        item.task_ref = ref.code
        raw.append((item, empty))
    # "1.4 và 1.5 xong": a reference with nothing of its own takes what the next one says
    for i in range(len(raw) - 2, -1, -1):
        item, empty = raw[i]
        if empty:
            nxt = raw[i + 1][0]
            item.percent, item.status, item.date, item.note = nxt.percent, nxt.status, nxt.date, nxt.note
    items = [item for item, _ in raw]
    if shared is not None and (shared.status or shared.percent is not None):
        for item in items:
            if item.status is None and item.percent is None:
                item.percent, item.status, item.date, item.note = (shared.percent, shared.status, shared.date,
                                                                   shared.note)
    return items


_BARE_NUMBER = re.compile(r"^\s*[:\-–]?\s*(\d{1,3})\s*[.!]*\s*$")


def _analyse(seg: str, seg_orig: str, today: date) -> ProgressItem:
    remark = _REMARK.search(seg)
    if remark is not None:  # what follows "ghi chú:" is the note, not the status
        note = _NOTE_TRIM.sub("", seg_orig[remark.end():].split("\n", 1)[0]).strip() or None
        item = _analyse(seg[:remark.start()], seg_orig[:remark.start()], today)
        item.note = item.note or note
        return item
    product = _PRODUCT_MARK.search(seg)
    if product is not None and product.start() > 0:  # "xong, sản phẩm: Kế hoạch số 12": kept, not read
        item = _analyse(seg[:product.start()], seg_orig[:product.start()], today)
        named = _NOTE_TRIM.sub("", seg_orig[product.start():].split("\n", 1)[0]).strip(" ,;.") or None
        item.note = item.note or named
        return item
    percent = _percent(seg)
    bare = _BARE_NUMBER.match(seg) if percent is None else None
    if bare and int(bare.group(1)) <= 100:  # "nv 1.1 100", "nv 1.3: 0": a percent without its sign
        percent = int(bare.group(1))
    status, _ = _status(seg, seg_orig, percent)
    if status == "done" and percent is None:
        percent = 100
    if status == "done" and not _PAST_EXPLICIT.search(seg):
        ahead = _future_only_date(seg, today)
        if ahead is not None:  # "xong 15/12" on 27/11: expected, not done
            return ProgressItem(percent=percent if percent != 100 else None, status="in_progress", date=ahead)
    past = status == "done" or (status is None and bool(_PAST_EXPLICIT.search(seg)) and not _FUTURE.search(seg))
    when = _date(seg, today, past=past)  # "đã tổ chức hội nghị ngày 20/11": the 20/11 gone by
    if status is None and when is not None and when >= today and _EXPECTED.search(seg):
        status = "in_progress"  # "dự kiến 15/12": expected to be done then, so under way now
    note = None
    if status == "blocked":
        m = _BLOCKED.search(_mask_negated_blockers(seg)) or _BLOCKED_ORIG.search(seg_orig)
        start = m.start() if m else 0
        reason = _REASON.search(seg, start)
        if reason:  # "vướng vì thiếu kinh phí": the reason after vì / do
            start = reason.end()
        cut = seg_orig[start:]
        for pm in reversed(list(_PCT_PHRASE.finditer(seg[start:]))):
            cut = cut[: pm.start()] + cut[pm.end():]
        cut = cut.split("\n", 1)[0]  # a note ends with its line ("3. NV 2.5: … chờ huyện.\n4. Hồ sơ …")
        note = _NOTE_TRIM.sub("", cut).strip() or None
    elif marked := _NOTE_MARK.search(seg):  # "nv 1.1 xong, ghi chú: đã gửi huyện", "đạt 50% vì thiếu người"
        note = _NOTE_TRIM.sub("", seg_orig[marked.end():].split("\n", 1)[0]).strip() or None
    return ProgressItem(percent=percent, status=status, date=when, note=note)


_NOTE_MARK = re.compile(r"\b(?:ly do|vi|boi vi|nguyen nhan)\b[ \t]*:?[ \t]*")
_REMARK = re.compile(r"\b(?:ghi chu|gc|nd|noi dung)\b[ \t]*:?[ \t]*")


_TIME_WORDS = frozenset({"tuan", "thang", "quy", "nam", "nay", "truoc", "sau", "hom", "qua", "ngay", "mai", "ky",
                         "cuoi", "dau", "trong"})


def _hint_item(orig: str, s: str, today: date) -> ProgressItem | None:
    """A report naming its task in words ("Tuyên truyền CCHC đạt 40%"), or None for chatter."""
    if _QUESTION.search(s):
        return None
    strong = _STRONG.search(s)
    pct = _PCT.search(s)
    if not strong and not pct and not _BLOCKED.search(s):
        return None
    item = _analyse(s, orig, today)
    if item.status is None:
        return None
    cut = min(m.start() for m in (strong, pct) if m is not None) if (strong or pct) else len(s)
    hint = _HINT_TRIM.sub("", orig[:cut]).strip()
    words = [w for w in re.findall(r"[a-z]+", s[:cut]) if w not in ("em", "toi", "minh", "da", "dang", "nv")]
    names_task = bool(words) and not all(w in _TIME_WORDS for w in words)  # "hôm nay xong rồi": no task named
    item.task_hint = hint if names_task and len(hint) >= 3 else None
    return item
