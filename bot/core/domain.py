"""Roles, units and reform areas of domain.md, with the spellings people use for them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.text import fold


class Role(StrEnum):
    CHAIRMAN = "chairman"
    VICE_CHAIRMAN = "vice_chairman"
    OFFICE = "office"
    OFFICER = "officer"
    ADMIN = "admin"


ROLES: tuple[str, ...] = tuple(r.value for r in Role)


@dataclass(frozen=True)
class Unit:
    key: str
    name: str
    aliases: tuple[str, ...] = ()


DEFAULT_UNITS: tuple[Unit, ...] = (
    Unit("van-phong", "Văn phòng - Thống kê", ("Văn phòng xã", "Văn phòng HĐND-UBND", "VP-TK", "Văn phòng UBND",
                                               "Văn phòng-Thống kê", "VPTK", "Văn phòng")),
    Unit("tu-phap", "Tư pháp - Hộ tịch", ("TP-HT", "Tư pháp", "Tư pháp-Hộ tịch", "TPHT")),
    Unit("van-hoa", "Văn hóa - Xã hội", ("VH-XH", "Văn hóa - Thông tin", "Văn hóa-Xã hội", "VHXH",
                                         "Văn hóa", "Văn hóa - Thông tin", "Văn hóa thông tin")),
    Unit("tai-chinh", "Tài chính - Kế toán", ("TC-KT", "Tài chính - Kế toán ngân sách", "Kế toán",
                                              "Tài chính-Kế toán", "Tài chính", "TCKT")),
    Unit("dia-chinh", "Địa chính - Xây dựng", ("ĐC-XD", "Địa chính - Xây dựng - Nông nghiệp và Môi trường",
                                               "Địa chính", "Địa chính-Xây dựng", "ĐCXD", "Địa chính - Nông nghiệp")),
    Unit("mot-cua", "Bộ phận Một cửa", ("Bộ phận tiếp nhận và trả kết quả", "một cửa", "Bộ phận TN&TKQ")),
    Unit("quan-su", "Ban Chỉ huy Quân sự", ("Quân sự xã", "Quân sự", "BCH Quân sự")),
    Unit("cong-an", "Công an xã", ("Công an",)),
    Unit("lanh-dao", "Lãnh đạo UBND xã", ("Chủ tịch", "Phó Chủ tịch", "Lãnh đạo", "Chủ tịch UBND xã",
                                          "Phó Chủ tịch UBND xã")),
)
UNIT_KEYS: tuple[str, ...] = tuple(u.key for u in DEFAULT_UNITS)
UNITS_BY_KEY: dict[str, Unit] = {u.key: u for u in DEFAULT_UNITS}
ALL_UNITS = "all"
EXTERNAL = "external"


@dataclass(frozen=True)
class Area:
    key: str
    name: str
    # folded keywords that identify the area in a heading
    keywords: tuple[str, ...]


AREAS: tuple[Area, ...] = (
    Area("chi-dao", "Công tác chỉ đạo, điều hành cải cách hành chính", ("chi dao", "dieu hanh")),
    Area("the-che", "Cải cách thể chế", ("the che",)),
    Area("tthc", "Cải cách thủ tục hành chính", ("thu tuc hanh chinh", "tthc")),
    Area("bo-may", "Cải cách tổ chức bộ máy", ("bo may",)),
    Area("cong-vu", "Cải cách chế độ công vụ", ("cong vu", "doi ngu can bo", "cong chuc")),
    Area("tai-chinh-cong", "Cải cách tài chính công", ("tai chinh cong",)),
    Area("chinh-quyen-so", "Xây dựng, phát triển chính quyền điện tử, chính quyền số",
         ("chinh quyen dien tu", "chinh quyen so", "chinh phu dien tu", "chinh phu so", "hien dai hoa")),
    Area("tac-dong", "Tác động của CCHC đến người dân, tổ chức và phát triển KT-XH", ("tac dong",)),
)
AREA_KEYS: tuple[str, ...] = tuple(a.key for a in AREAS)
AREAS_BY_KEY: dict[str, Area] = {a.key: a for a in AREAS}

_WORD_RE = re.compile(r"[a-z0-9]+")


def _norm(text: str) -> str:
    return " ".join(_WORD_RE.findall(fold(text)))


def area_of_heading(heading: str) -> str | None:
    """The area key a section heading speaks of, from its words (never from its number)."""
    words = _norm(heading)
    # "tài chính công" before "tthc" etc.; first area whose keyword occurs wins in this order
    order = ("tai-chinh-cong", "tac-dong", "chinh-quyen-so", "the-che", "tthc", "bo-may", "cong-vu", "chi-dao")
    for key in order:
        for kw in AREAS_BY_KEY[key].keywords:
            if re.search(rf"\b{kw}\b", words):
                return key
    return None


_ALL_RE = re.compile(
    r"\b(cac|toan bo cac|tat ca cac) (phong )?(ban )?(nganh|bo phan|co quan|ban nganh|ban, nganh)\b"
)


def units_in_text(text: str) -> list[str]:
    """Unit keys named in a free-text unit field, in order; `all` for "các ban, ngành"."""
    words = _norm(text)
    found: list[tuple[int, str]] = []
    for unit in DEFAULT_UNITS:
        best = None
        for alias in (unit.name, *unit.aliases):
            a = _norm(alias)
            if not a:
                continue
            m = re.search(rf"\b{re.escape(a)}\b", words)
            if m and (best is None or m.start() < best):
                best = m.start()
        if best is not None:
            found.append((best, unit.key))
    if unit_is_external(words):
        found = [f for f in found if f[1] != "van-phong"]
    if _ALL_RE.search(words.replace(",", "")) or re.search(r"\bcac ban nganh\b", words):
        found.append((words.find("cac"), ALL_UNITS))
    found.sort()
    keys: list[str] = []
    for _, k in found:
        if k not in keys:
            keys.append(k)
    return keys


def unit_is_external(folded_words: str) -> bool:
    return bool(re.search(r"\b(huyen|tinh|so|phong noi vu|ubnd huyen)\b", folded_words)) and not re.search(
        r"\bxa\b", folded_words
    )


def unit_key(text: str) -> str | None:
    """Resolve one unit given by key or by any of its names; None if unknown."""
    t = text.strip()
    if t in UNITS_BY_KEY or t == ALL_UNITS:
        return t
    keys = units_in_text(t)
    return keys[0] if len(keys) == 1 else None
