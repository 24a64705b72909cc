"""Plan files into lines of text (import-contract.md): .docx (body paragraphs with the numbers Word prints,
tracked insertions, tables), .xlsx (each sheet a table), .md/.txt (markdown tables too). Pure: bytes in.

A table row becomes one line with its cells separated by tabs (merged cells once); the grammar in
`plan_import` and `plan_tables` reads them. Files that would inflate beyond `MAX_UNPACKED`, or whose XML or
compressed data is damaged, are refused with a `PlanImportError` before anything heavy is read.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 20 * 1024 * 1024
#: the uncompressed size of a .docx / .xlsx read at most (a zip bomb is refused before it is inflated)
MAX_UNPACKED = 50 * 1024 * 1024
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Note:
    """Something to tell whoever imports the plan: a key of the locale table [plan_import] and its values
    (the core says what happened; the edges say it in the reader's language, see `bot.i18n.render_note`)."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


class PlanImportError(Exception):
    """The file is not a plan, is empty, or cannot be read. Nothing is imported. `note` says why."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.note = Note(key, values)


def document_lines(filename: str, data: bytes) -> list[str]:
    if not data or not data.strip():
        raise PlanImportError("empty")
    if len(data) > MAX_BYTES:
        raise PlanImportError("too_big", mb=MAX_BYTES // (1024 * 1024))
    name = filename.lower()
    if data[:2] == b"PK":
        _check_zip(data)
        if name.endswith((".xlsx", ".xlsm")) or _is_xlsx(data):
            return _xlsx_lines(data)
        return _docx_lines(data)
    if name.endswith((".docx", ".xlsx")):
        raise PlanImportError("broken_docx", error="not a zip")
    if name.endswith((".doc", ".pdf", ".xls", ".png", ".jpg", ".jpeg", ".zip", ".rar")):
        raise PlanImportError("file_type")
    return markdown_tables(_decode(data).splitlines())


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise PlanImportError("binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanImportError("encoding") from None


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise PlanImportError("broken_docx", error=type(exc).__name__) from None
    if unpacked > MAX_UNPACKED:
        raise PlanImportError("too_big_unpacked", mb=MAX_UNPACKED // (1024 * 1024))


def _is_xlsx(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "xl/workbook.xml" in z.namelist()


_MD_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def markdown_tables(lines: list[str]) -> list[str]:
    """Markdown table rows ("| 1.1 | Nội dung | Tư pháp |") become tab-separated rows; rules are dropped."""
    out = []
    for line in lines:
        if _MD_RULE.match(line) and "|" in line:
            continue
        m = _MD_ROW.match(line)
        out.append("\t".join(c.strip() for c in m.group(1).split("|")) if m and "\t" not in line else line)
    return out


# -- .docx ------------------------------------------------------------------------------------------
def _docx_lines(data: bytes) -> list[str]:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from lxml.etree import XMLSyntaxError

    try:
        doc = Document(io.BytesIO(data))
        numbering = Numbering.of(doc)
        lines: list[str] = []
        for block in doc.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block, numbering))
            elif isinstance(block, Paragraph):
                lines.extend((numbering.label(block._p) + paragraph_text(block._p)).split("\n"))
    except (zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError, zlib.error, EOFError) as exc:
        raise PlanImportError("broken_docx", error=type(exc).__name__) from None
    return lines


def paragraph_text(p: Any) -> str:
    """The text a reader sees: runs, tracked insertions (w:ins) included, deletions (w:delText) not."""
    out = []
    for el in p.iter(W + "t", W + "tab", W + "br", W + "cr"):
        if el.tag == W + "t":
            out.append(el.text or "")
        elif el.tag == W + "tab":
            out.append(" ")
        else:
            out.append("\n")
    return "".join(out)


def _table_lines(table: Any, numbering: Numbering) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per grid column it spans
                continue
            seen.add(id(cell._tc))
            text = " ".join(t for p in cell.paragraphs
                            if (t := (numbering.label(p._p) + paragraph_text(p._p)).strip()))
            cells.append(text.replace("\t", " ").replace("\n", " "))
        lines.append(_row(cells))
    return lines


def _row(cells: list[str]) -> str:
    """A table row as one line; a row of one cell keeps a tab, so it is still read as a table row."""
    return "\t".join(cells) + ("\t" if len(cells) == 1 else "")


_ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50), ("xl", 40),
          ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
_VI_LETTERS = "abcdđeghiklmnopqrstuvxy"


def _roman(n: int) -> str:
    out = ""
    for sym, val in _ROMAN:
        while n >= val:
            out, n = out + sym, n - val
    return out


def format_number(n: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt in ("lowerLetter", "upperLetter"):
        letters = _VI_LETTERS if n <= len(_VI_LETTERS) else "abcdefghijklmnopqrstuvwxyz"
        s = letters[(n - 1) % len(letters)] * ((n - 1) // len(letters) + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt == "bullet":
        return ""
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class Numbering:
    """Word's automatic numbering: the label printed in front of a numbered paragraph ("1.2. ", "a) ",
    "II. ", "- "), computed from numbering.xml with counters per list and level restarts."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNum id -> levels
    nums: dict[str, str] = field(default_factory=dict)  # numId -> abstractNum id
    styles: dict[str, tuple[str, int]] = field(default_factory=dict)  # style id -> (numId, ilvl)
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Any) -> Numbering:
        out = cls()
        part = doc.part
        try:
            root = part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            root = None
        if root is not None:
            for a in root.iter(W + "abstractNum"):
                levels = {}
                for lvl in a.iter(W + "lvl"):
                    level = _Level()
                    for child in lvl:
                        if child.tag == W + "numFmt":
                            level.fmt = child.get(W + "val") or "decimal"
                        elif child.tag == W + "lvlText":
                            level.text = child.get(W + "val") or ""
                        elif child.tag == W + "start":
                            level.start = int(child.get(W + "val") or 1)
                    levels[int(lvl.get(W + "ilvl") or 0)] = level
                out.levels[a.get(W + "abstractNumId") or ""] = levels
            for num in root.iter(W + "num"):
                ref = num.find(W + "abstractNumId")
                if ref is not None:
                    out.nums[num.get(W + "numId") or ""] = ref.get(W + "val") or ""
        for style in doc.styles.element.iter(W + "style"):
            pr = style.find(f"{W}pPr/{W}numPr")
            if pr is not None:
                num_id, ilvl = pr.find(W + "numId"), pr.find(W + "ilvl")
                if num_id is not None:
                    out.styles[style.get(W + "styleId") or ""] = (
                        num_id.get(W + "val") or "", int(ilvl.get(W + "val") or 0) if ilvl is not None else 0)
        return out

    def label(self, p: Any) -> str:
        num_id, ilvl = self._num_of(p)
        if not num_id or num_id == "0":
            return ""
        abstract = self.nums.get(num_id, "")
        levels = self.levels.get(abstract)
        if not levels or ilvl not in levels:
            return ""
        counts = self.counters.setdefault(abstract, [0] * 10)
        level = levels[ilvl]
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else level.start
        for deeper in range(ilvl + 1, len(counts)):
            counts[deeper] = 0
        if level.fmt == "bullet":
            return "- "
        text = level.text
        for i in range(ilvl, -1, -1):
            lv = levels.get(i, _Level())
            text = text.replace(f"%{i + 1}", format_number(counts[i] or lv.start, lv.fmt))
        return text + " " if text else ""

    def _num_of(self, p: Any) -> tuple[str, int]:
        pr = p.find(f"{W}pPr")
        if pr is None:
            return "", 0
        num_pr = pr.find(f"{W}numPr")
        if num_pr is not None:
            num_id, ilvl = num_pr.find(W + "numId"), num_pr.find(W + "ilvl")
            return (num_id.get(W + "val") if num_id is not None else "") or "", (
                int(ilvl.get(W + "val") or 0) if ilvl is not None else 0)
        style = pr.find(f"{W}pStyle")
        if style is not None:
            return self.styles.get(style.get(W + "val") or "", ("", 0))
        return "", 0


# -- .xlsx ------------------------------------------------------------------------------------------
def _xlsx_lines(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        lines: list[str] = []
        for ws in wb.worksheets:
            lines.append(str(ws.title))
            for row in ws.iter_rows(values_only=True):
                cells = ["" if v is None else _cell(v) for v in row]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    lines.append(_row([c.replace("\t", " ").replace("\n", " ") for c in cells]))
            lines.append("")
        wb.close()
    except (zipfile.BadZipFile, KeyError, ValueError, zlib.error, EOFError, TypeError) as exc:
        raise PlanImportError("broken_docx", error=type(exc).__name__) from None
    return lines


def _cell(v: object) -> str:
    from datetime import date, datetime

    if isinstance(v, datetime | date):
        return f"{v.day:02d}/{v.month:02d}/{v.year}"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()
