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
    Area("cong-vu", "Cải cách chế độ công vụ", ("cong vu", "doi ngu can bo", "doi ngu cb", "doi ngu")),
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


_ALL_ALIASES = (
    "cac ban nganh", "cac ban nganh xa", "cac phong ban nganh", "cac phong ban nganh xa", "cac bo phan",
    "cac nganh", "cac co quan don vi", "can bo cong chuc xa", "can bo cong chuc", "cong chuc chuyen mon xa",
    "cong chuc chuyen mon", "cac bo phan chuyen mon", "bo phan chuyen mon", "toan the can bo cong chuc",
    "cac ban nganh doan the", "cac thanh vien ban chi dao",
)
_EXTERNAL_ALIASES = (
    "van phong huyen", "ubnd huyen", "ubnd tinh", "uy ban nhan dan huyen", "phong noi vu", "so noi vu",
    "phong van hoa va thong tin", "phong van hoa", "phong tu phap", "phong tai chinh", "cong an huyen",
    "chi cuc thue", "ban phap che hdnd xa", "mat tran to quoc", "cac doanh nghiep", "nha dau tu", "thon truong",
    "cac chu dau tu", "so tai chinh", "so thong tin va truyen thong",
)


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for unit in DEFAULT_UNITS:
        for alias in (unit.name, *unit.aliases):
            table.setdefault(_norm(alias), unit.key)
    table["ubnd xa"] = "lanh-dao"
    table["uy ban nhan dan xa"] = "lanh-dao"
    table["van phong ubnd xa"] = "van-phong"
    table["van phong hdnd ubnd xa"] = "van-phong"
    table["van phong thong ke"] = "van-phong"
    table["van hoa thong tin"] = "van-hoa"
    table["vhttt"] = "van-hoa"
    table["cc van hoa"] = "van-hoa"
    table["tai chinh ke toan ngan sach"] = "tai-chinh"
    for alias in _ALL_ALIASES:
        table[alias] = ALL_UNITS
    for alias in _EXTERNAL_ALIASES:
        table[alias] = EXTERNAL
    return table


_ALIASES = _alias_table()
_ALIAS_RE = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in sorted(_ALIASES, key=len, reverse=True)) + r")\b")


def units_in_text(text: str) -> list[str]:
    """Unit keys named in a free-text unit field, in order of appearance; `all` for "các ban, ngành",
    `external` for bodies outside the commune (district offices, enterprises…)."""
    words = _norm(text)
    keys: list[str] = []
    for m in _ALIAS_RE.finditer(words):
        key = _ALIASES[m.group(0)]
        if key not in keys:
            keys.append(key)
    return keys


def unit_key(text: str) -> str | None:
    """Resolve one unit given by key or by any of its names; None if unknown."""
    t = text.strip()
    if t in UNITS_BY_KEY or t == ALL_UNITS:
        return t
    keys = units_in_text(t)
    return keys[0] if len(keys) == 1 else None
