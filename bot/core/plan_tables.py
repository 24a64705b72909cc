"""Plan tables read by their header words, in any column order and any subset (import-contract.md).

A header row names its columns ("STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian
hoàn thành | Sản phẩm"), possibly over two rows ("Cơ quan thực hiện" over "Chủ trì | Phối hợp") and repeated
on every page. A row with only a numeral and a heading, or one cell spanning the table, is an area or a
group heading; a row with no number and no title continues the row before. A table with no header is read
from its content (codes, long text, units, dates), with a note saying what each column was taken to be.
Pure: rows of cells in, tasks out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.domain import area_of_heading, units_in_text
from bot.core.text import fold

#: column kinds by the words of their header, most specific first
_HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("support", r"phoi hop"),
    ("lead", r"chu tri|phu trach|(?:co quan|don vi|bo phan|can bo|cong chuc)\s*(?:thuc hien|tham muu|dau moi)"),
    ("score", r"\bdiem\b|thang diem"),
    ("start", r"(?:thoi gian|ngay) bat dau|^bat dau$|^tu ngay$"),
    ("deadline", r"thoi gian|thoi han|hoan thanh|tien do|\bhan\b|ket thuc|^den ngay$"),
    ("target", r"chi tieu|muc tieu|yeu cau|ket qua (?:can|phai) dat|ket qua dat duoc"),
    ("product", r"san pham|ket qua|hinh thuc"),
    ("note", r"ghi chu"),
    ("code", r"^(?:s\s*tt|tt|so tt|so thu tu|ma(?: so)?|muc)$"),
    ("title", r"noi dung|nhiem vu|cong viec|ten\b|linh vuc|tieu chi|giai phap|hoat dong"),
    ("lead", r"co quan|don vi|bo phan|thuc hien"),
)
_ROMAN = re.compile(r"^(?P<r>[IVX]{1,5})\s*[.)]?$")
_ARABIC = re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)]?$")
_LETTER = re.compile(r"^(?P<l>[a-zđ])\s*[.)]?$")
_ROMAN_VALUE = {"I": 1, "V": 5, "X": 10}
_DATEISH = re.compile(r"\d{1,2}\s*/\s*\d{1,2}|\bquy\b|\bthang\b|thuong xuyen|ca nam|hang nam|\bnam \d{4}")


@dataclass
class TableTask:
    code: str
    title: str
    area: str | None
    fields: dict[str, list[str]] = field(default_factory=dict)
    printed: str = ""  # the number as printed in the table ("1", "1.2", "a")


@dataclass
class TableRead:
    tasks: list[TableTask]
    columns: dict[int, str]  # column index -> kind
    guessed: bool  # no header: the columns were read from their content
    criteria_rows: list[list[str]] = field(default_factory=list)  # PAR rows, normalised for the criteria reader


def roman_value(s: str) -> int:
    total, prev = 0, 0
    for ch in reversed(s.upper()):
        v = _ROMAN_VALUE.get(ch, 0)
        total += -v if v < prev else v
        prev = max(prev, v)
    return total


def column_kind(text: str) -> str | None:
    f = fold(text).strip(" .:*")
    if not f or len(f) > 80:
        return None
    for kind, words in _HEADER_WORDS:
        if re.search(words, f):
            return kind
    return None


def find_header(rows: list[list[str]]) -> tuple[int, dict[int, str]] | None:
    """(index of the last header row, column -> kind) when one of the first rows reads as a header."""
    for i, row in enumerate(rows[:6]):
        kinds = {j: k for j, c in enumerate(row) if (k := column_kind(c))}
        if len(kinds) >= 2 and "title" in kinds.values():
            # a second header row under it ("Chủ trì | Phối hợp" under "Cơ quan thực hiện")
            if i + 1 < len(rows):
                below = {j: k for j, c in enumerate(rows[i + 1]) if (k := column_kind(c))}
                numbered = any(_ARABIC.match(c.strip()) or _ROMAN.match(c.strip()) for c in rows[i + 1][:1])
                if below and not numbered and len(below) >= max(1, len([c for c in rows[i + 1] if c.strip()]) - 1):
                    for j, k in below.items():
                        if kinds.get(j) in (None, "lead", "deadline") or k in ("lead", "support"):
                            kinds[j] = k
                    return i + 1, _one_title(kinds)
            return i, _one_title(kinds)
    return None


def _is_header_row(row: list[str], code_col: int | None) -> bool:
    """A header repeated on a new page (in one or both of its rows): no number, and nearly every filled cell
    is a column name."""
    code = row[code_col].strip() if code_col is not None and code_col < len(row) else ""
    if _ARABIC.match(code) or _ROMAN.match(code) or _LETTER.match(code):
        return False
    filled = [c for c in row if c.strip()]
    named = [c for c in filled if column_kind(c)]
    return len(named) >= 2 and len(named) >= len(filled) - 1


def _one_title(kinds: dict[int, str]) -> dict[int, str]:
    """One title column (the first); any other column named like one is kept as a target."""
    seen: set[str] = set()
    out = {}
    for j in sorted(kinds):
        k = kinds[j]
        if k in ("title", "code", "lead", "support") and k in seen:
            k = "target" if k == "title" else ("support" if k == "lead" else "note")
        seen.add(k)
        out[j] = k
    return out


def guess_columns(rows: list[list[str]]) -> dict[int, str]:
    """Column kinds of a table without a header, from what the cells hold."""
    width = max((len(r) for r in rows), default=0)
    stats = []
    for j in range(width):
        cells = [r[j].strip() for r in rows if j < len(r) and r[j].strip()]
        n = max(len(cells), 1)
        stats.append({
            "code": sum(bool(_ARABIC.match(c) or _ROMAN.match(c) or _LETTER.match(c)) for c in cells) / n,
            "units": sum(bool(units_in_text(c)) and len(c) < 120 for c in cells) / n,
            "date": sum(bool(_DATEISH.search(fold(c))) and len(c) < 80 for c in cells) / n,
            "length": sum(len(c) for c in cells) / n,
        })
    kinds: dict[int, str] = {}
    for j, s in enumerate(stats):
        if s["code"] > 0.6 and "code" not in kinds.values():
            kinds[j] = "code"
    rest = [j for j in range(width) if j not in kinds]
    if rest:
        kinds[max(rest, key=lambda j: stats[j]["length"])] = "title"
    for j in rest:
        if j in kinds:
            continue
        if stats[j]["date"] > 0.5:
            kinds[j] = "deadline"
        elif stats[j]["units"] > 0.5:
            kinds[j] = "lead" if "lead" not in kinds.values() else "support"
        else:
            kinds[j] = "product" if "product" not in kinds.values() else "note"
    return kinds


#: what a column can be read as, for the office's corrections ("skip": not read at all)
KINDS = ("title", "lead", "support", "deadline", "product", "target", "note", "code", "score", "start", "skip")


def read_table(rows: list[list[str]], override: dict[int, str] | None = None) -> TableRead | None:
    """The tasks of one table, or None when it is no task table (no title column, or too few rows).
    `override` sets what some columns are, as the office corrected them in the preview."""
    rows = [[c.strip() for c in r] for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        return None
    found = find_header(rows)
    guessed = found is None
    if found is None:
        columns = guess_columns(rows)
        body = rows
    else:
        last_header, columns = found
        body = rows[last_header + 1:]
    for j, corrected in (override or {}).items():
        if corrected == "skip":
            columns.pop(j, None)
        elif corrected in KINDS:
            if corrected in ("title", "code"):  # one title and one number column
                for other in [c for c, k in columns.items() if k == corrected and c != j]:
                    columns.pop(other)
            columns[j] = corrected
    header_sig = [fold(c) for c in rows[found[0]]] if found else None
    title_col = next((j for j, k in columns.items() if k == "title"), None)
    if title_col is None:
        return None
    code_col = next((j for j, k in columns.items() if k == "code"), None)
    if not guessed and code_col is None and 0 not in columns:
        code_col = 0  # an unnamed first column holds the numbers
    read = TableRead([], columns, guessed)
    area: str | None = None
    area_no = 0
    group = ""  # the code of a group heading row ("2.1" over its "-" items)
    last: TableTask | None = None
    for row in body:
        if (header_sig is not None and [fold(c) for c in row] == header_sig) or _is_header_row(row, code_col):
            continue  # the header repeated on a new page
        if all(re.fullmatch(r"\(?\d{1,2}\)?", c) for c in row if c):
            continue  # the column numbers row "(1) (2) (3)"
        filled = [j for j, c in enumerate(row) if c]
        code = row[code_col] if code_col is not None and code_col < len(row) else ""
        title = row[title_col] if title_col < len(row) else ""
        others = [j for j in filled if j not in (code_col, title_col)]
        if (len(filled) == 1 and len(row) > 2) or (len(row) <= 2 and not others and not _ARABIC.match(code)):
            text = row[filled[0]]
            rm = re.match(r"^([IVX]{1,5})\s*[.)]\s*(.+)$", text)
            heading = rm.group(2) if rm else re.sub(r"^\d{1,2}\s*[.)]\s*", "", text)
            found_area = area_of_heading(heading)
            if found_area is not None or rm:
                area, area_no = found_area, roman_value(rm.group(1)) if rm else area_no + 1
                group, last = "", None
                continue
        if not others and (m := _ROMAN.match(code)) and title:
            area = area_of_heading(title) or area
            area_no, group, last = roman_value(m.group("r")), "", None
            continue
        if not code and not title:  # a row continued over a page break
            if last is not None:
                for j in others:
                    kind = columns.get(j)
                    if kind and kind not in ("code", "score"):
                        last.fields.setdefault(kind, []).append(row[j])
            continue
        if not others and _ARABIC.match(code) and "." not in code.strip(" .)") and area_of_heading(title):
            area, area_no, group, last = area_of_heading(title), int(code.strip(" .)")), "", None
            continue
        if not others and title and not code and area_of_heading(title) and len(title) < 120:
            area, area_no, group, last = area_of_heading(title), area_no + 1, "", None
            continue
        task = TableTask("", title, area, printed=code.strip(" .)"))
        for j in others:
            kind = columns.get(j)
            if kind and kind not in ("code", "score", "title", "start"):  # a start date is not the deadline
                task.fields.setdefault(kind, []).append(row[j])
        if not others and _ARABIC.match(code) and len(body) > 3:
            group = code.strip(" .)")  # a numbered row with nothing but its title: a group over items
        read.tasks.append(task)
        task.fields.setdefault("_group", [group])
        last = task
        task.fields.setdefault("_area_no", [str(area_no)])
    _assign_codes(read.tasks)
    return read


def _assign_codes(tasks: list[TableTask]) -> None:
    """The code is what is printed; numbers that restart in each area are qualified by the area's number
    ("1." under "II." is 2.1); items without a number are numbered within their group or area."""
    printed = [t.printed for t in tasks if _ARABIC.match(t.printed)]
    restart = len(printed) != len(set(printed))
    counters: dict[str, int] = {}
    for t in tasks:
        area_no = t.fields.pop("_area_no", ["0"])[0]
        group = t.fields.pop("_group", [""])[0]
        p = t.printed
        if _ARABIC.match(p):
            qualify = restart and "." not in p and area_no != "0"
            t.code = f"{area_no}.{p}" if qualify else p
        elif _LETTER.match(p) or not p:
            parent = group or (area_no if area_no != "0" else "")
            counters[parent] = counters.get(parent, 0) + 1
            label = p if p else str(counters[parent])
            t.code = f"{parent}.{label}" if parent else label
        else:
            t.code = p
    seen: set[str] = set()
    for t in tasks:  # a code printed twice: the second gets a suffix rather than replacing the first
        base, n = t.code, 1
        while t.code in seen:
            n += 1
            t.code = f"{base}-{n}"
        seen.add(t.code)
