"""Plan layouts generated from the Đức Phong seed's content: the same fifty tasks written the ways other
communes write their plans (Word tables in several column orders, with and without merged area rows, two-row
and repeated headers, numbering restarting per area, Roman areas, Word automatic numbering, lettered
prose, track changes, markdown and Excel tables, a table without header). Each layout comes with the tasks a
reader would take from it, so the import can be scored per field. Examples, not the test: the import is
judged on plans nobody wrote here."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from openpyxl import Workbook

from bot.core.domain import AREAS_BY_KEY
from bot.core.models import TaskSpec
from bot.core.plan_import import read_plan

SEED = Path(__file__).parent / "fixtures" / "ke-hoach-cchc-2023-duc-phong.md"
YEAR = 2026
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
AREA_ORDER = ["chi-dao", "the-che", "tthc", "bo-may", "cong-vu", "tai-chinh-cong", "chinh-quyen-so", "tac-dong"]
HEADINGS = {k: AREAS_BY_KEY[k].name.upper() for k in AREA_ORDER}
STAMP = "2023-01-05T00:00:00Z"
PREAMBLE = ["ỦY BAN NHÂN DÂN XÃ ĐỨC PHONG", "Số: 12/KH-UBND", "Đức Phong, ngày 05 tháng 01 năm 2023",
            "KẾ HOẠCH", "Cải cách hành chính năm 2023 xã Đức Phong"]


@dataclass
class Expected:
    code: str
    area: str | None
    lead: list[str]
    support: list[str]
    due: str | None
    product: str | None
    targets: list[str] | None = None  # None: the layout does not write them


@dataclass
class Layout:
    name: str
    filename: str
    data: bytes
    expected: list[Expected]


def seed_tasks() -> list[TaskSpec]:
    plan = read_plan("duc-phong.md", SEED.read_bytes(), year=YEAR)
    return [t for t in plan.tasks if t.area in AREA_ORDER]


def _by_area(tasks: list[TaskSpec]) -> list[tuple[int, str, list[TaskSpec]]]:
    out = []
    for i, key in enumerate(AREA_ORDER, start=1):
        group = [t for t in tasks if t.area == key]
        if group:
            out.append((i, key, group))
    return out


def _expected(t: TaskSpec, code: str, targets: bool = False) -> Expected:
    return Expected(code, t.area, list(t.lead_units), list(t.support_units),
                    t.due_date.isoformat() if t.due_date else None, t.product,
                    [" ".join(t.targets)] if targets and t.targets else ([] if targets else None))


def _texts(plan_texts: dict[str, tuple[str, str]], t: TaskSpec) -> tuple[str, str]:
    return plan_texts.get(t.code, ("", ""))


# -- writers ----------------------------------------------------------------------------------------
def _docx(build: Callable[[Document], None]) -> bytes:
    doc = Document()
    for line in PREAMBLE:
        doc.add_paragraph(line)
    build(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


COLUMNS_A = ("code", "title", "lead", "support", "deadline", "product")
COLUMNS_B = ("code", "title", "product", "deadline", "lead", "support")
COLUMNS_C = ("code", "title", "target", "lead", "support", "product", "deadline")
HEADER_WORDS = {"code": "STT", "title": "Nội dung nhiệm vụ", "lead": "Cơ quan chủ trì", "support": "Cơ quan phối hợp",
                "deadline": "Thời gian hoàn thành", "product": "Sản phẩm", "target": "Chỉ tiêu, yêu cầu"}
HEADER_WORDS_B = {"code": "TT", "title": "Tên nhiệm vụ", "lead": "Đơn vị chủ trì", "support": "Phối hợp",
                  "deadline": "Thời hạn thực hiện", "product": "Kết quả đầu ra"}


def _cells(t: TaskSpec, code: str, texts: tuple[str, str], columns: tuple[str, ...]) -> list[str]:
    values = {"code": code, "title": t.title, "lead": texts[0], "support": texts[1],
              "deadline": t.deadline_text or "", "product": t.product or "", "target": " ".join(t.targets)}
    return [values[c] for c in columns]


def table_layout(tasks: list[TaskSpec], texts: dict[str, tuple[str, str]], *, columns: tuple[str, ...] = COLUMNS_A,
                 words: dict[str, str] = HEADER_WORDS, merged_areas: bool = True, restart: bool = False,
                 two_row_header: bool = False, repeat_header_every: int = 0, header: bool = True
                 ) -> tuple[list[list[str]], list[Expected], list[int]]:
    """Rows of a task table, the expected tasks, and which rows are area rows (to merge)."""
    rows: list[list[str]] = []
    merged: list[int] = []
    expected: list[Expected] = []
    head = [words[c] for c in columns]
    if header and two_row_header:
        top = ["Cơ quan thực hiện" if c in ("lead", "support") else words[c] for c in columns]
        rows.append(top)
        rows.append(["Chủ trì" if c == "lead" else "Phối hợp" if c == "support" else "" for c in columns])
    elif header:
        rows.append(head)
    n = 0
    for area_no, key, group in _by_area(tasks):
        if merged_areas:
            merged.append(len(rows))
            rows.append([f"{ROMAN[area_no - 1]}. {HEADINGS[key]}"] + [""] * (len(columns) - 1))
        else:
            rows.append([ROMAN[area_no - 1] if c == "code" else HEADINGS[key] if c == "title" else "" for c in columns])
        for i, t in enumerate(group, start=1):
            code = str(i) if restart else t.code
            rows.append(_cells(t, code, texts.get(t.code, ("", "")), columns))
            expected.append(_expected(t, f"{area_no}.{i}" if restart else t.code, targets="target" in columns))
            n += 1
            if repeat_header_every and n % repeat_header_every == 0:
                rows.append(head)
    return rows, expected, merged


def docx_table(rows: list[list[str]], merged: list[int]) -> bytes:
    def build(doc: Document) -> None:
        doc.add_paragraph("Phụ lục: NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2023")
        table = doc.add_table(rows=len(rows), cols=len(rows[0]))
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                table.cell(r, c).text = v
            if r in merged:
                first = table.cell(r, 0)
                first.merge(table.cell(r, len(values) - 1))
                first.text = values[0]
    return _docx(build)


def xlsx_table(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws.append(["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2023 XÃ ĐỨC PHONG"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def markdown_table(rows: list[list[str]]) -> bytes:
    lines = [*PREAMBLE, "", "Phụ lục", ""]
    lines.append("| " + " | ".join(rows[0]) + " |")
    lines.append("|" + "---|" * len(rows[0]))
    lines.extend("| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows[1:])
    return "\n".join(lines).encode("utf-8")


def _field_lines(t: TaskSpec, texts: tuple[str, str]) -> list[str]:
    out = []
    if texts[0]:
        out.append(f"Bộ phận chủ trì: {texts[0]}")
    if texts[1]:
        out.append(f"Bộ phận phối hợp: {texts[1]}")
    if t.product:
        out.append(f"Sản phẩm: {t.product}")
    if t.deadline_text:
        out.append(f"Thời gian thực hiện: {t.deadline_text}")
    if t.targets:
        out.append(f"Yêu cầu kết quả đạt được: {' '.join(t.targets)}")
    return out


def prose_roman(tasks: list[TaskSpec], texts: dict[str, tuple[str, str]]) -> tuple[bytes, list[Expected]]:
    """Areas as I., II., …, tasks as 1., 2., … restarting in each area, fields as lines."""
    lines = [*PREAMBLE, "I. MỤC ĐÍCH, YÊU CẦU", "Nâng cao hiệu quả cải cách hành chính.", "II. NHIỆM VỤ, GIẢI PHÁP"]
    expected = []
    for area_no, key, group in _by_area(tasks):
        lines.append(f"{ROMAN[area_no - 1]}. {AREAS_BY_KEY[key].name}")
        for i, t in enumerate(group, start=1):
            lines.append(f"{i}. {t.title}")
            lines.extend(_field_lines(t, texts.get(t.code, ("", ""))))
            expected.append(_expected(t, f"{area_no}.{i}", targets=True))
    lines += ["III. TỔ CHỨC THỰC HIỆN", "Văn phòng - Thống kê theo dõi, tổng hợp."]
    return "\n".join(lines).encode("utf-8"), expected


def prose_letters(tasks: list[TaskSpec], texts: dict[str, tuple[str, str]]) -> tuple[bytes, list[Expected]]:
    """Areas 1., 2., … with lettered tasks a) … (the Vietnamese alphabet: a b c d đ e g h i k …)."""
    letters = "abcdđeghiklmnopqrstuvxy"
    lines = [*PREAMBLE, "I. NHIỆM VỤ, GIẢI PHÁP"]
    expected = []
    for area_no, key, group in _by_area(tasks):
        lines.append(f"{area_no}. {AREAS_BY_KEY[key].name}")
        for i, t in enumerate(group[: len(letters)]):
            lines.append(f"{letters[i]}) {t.title}")
            lines.extend(_field_lines(t, texts.get(t.code, ("", ""))))
            expected.append(_expected(t, f"{area_no}.{letters[i]}", targets=True))
    lines += ["II. TỔ CHỨC THỰC HIỆN", "Văn phòng - Thống kê theo dõi."]
    return "\n".join(lines).encode("utf-8"), expected


_NUMBERING = (
    '<w:abstractNum {ns} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>'
    '</w:abstractNum>'
)


def word_numbering(tasks: list[TaskSpec], texts: dict[str, tuple[str, str]], *, track_changes: bool = False
                   ) -> tuple[bytes, list[Expected]]:
    """Areas and tasks numbered by Word (w:numPr): the numbers are not in the text at all."""
    expected = []

    def build(doc: Document) -> None:
        numbering = doc.part.numbering_part.element
        numbering.insert(0, parse_xml(_NUMBERING.format(ns=nsdecls("w"))))
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
        doc.add_paragraph("I. NHIỆM VỤ, GIẢI PHÁP")

        def numbered(text: str, level: int) -> None:
            p = doc.add_paragraph(text)
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))

        for area_no, key, group in _by_area(tasks):
            numbered(AREAS_BY_KEY[key].name, 0)
            for i, t in enumerate(group, start=1):
                numbered(t.title, 1)
                for line in _field_lines(t, texts.get(t.code, ("", ""))):
                    p = doc.add_paragraph()
                    if track_changes and line.startswith("Bộ phận chủ trì: "):
                        p.add_run("Bộ phận chủ trì: ")
                        run = copy.deepcopy(p.add_run(line.removeprefix("Bộ phận chủ trì: "))._r)
                        p._p.remove(p._p[-1])
                        ins = parse_xml(f'<w:ins {nsdecls("w")} w:id="{i}" w:author="VP" w:date="{STAMP}"/>')
                        ins.append(run)
                        p._p.append(ins)
                        gone = parse_xml(f'<w:del {nsdecls("w")} w:id="{i + 900}" w:author="VP" w:date="{STAMP}">'
                                         '<w:r><w:delText>Cơ quan ngoài xã</w:delText></w:r></w:del>')
                        p._p.append(gone)
                    else:
                        p.add_run(line)
                expected.append(_expected(t, f"{area_no}.{i}", targets=True))
        doc.add_paragraph("II. TỔ CHỨC THỰC HIỆN")
        doc.add_paragraph("Văn phòng - Thống kê theo dõi.")

    return _docx(build), expected


def layouts() -> list[Layout]:
    tasks = seed_tasks()
    plan = read_plan("duc-phong.md", SEED.read_bytes(), year=YEAR)
    texts = plan.unit_texts
    out: list[Layout] = []
    rows, exp, merged = table_layout(tasks, texts)
    out.append(Layout("docx table, merged area rows", "a.docx", docx_table(rows, merged), exp))
    rows, exp, merged = table_layout(tasks, texts, merged_areas=False)
    out.append(Layout("docx table, area rows in the number column", "b.docx", docx_table(rows, merged), exp))
    rows, exp, merged = table_layout(tasks, texts, columns=COLUMNS_B, words=HEADER_WORDS_B)
    out.append(Layout("docx table, another column order and header words", "c.docx", docx_table(rows, merged), exp))
    rows, exp, merged = table_layout(tasks, texts, two_row_header=True, repeat_header_every=12)
    out.append(Layout("docx table, two-row header repeated on pages", "d.docx", docx_table(rows, merged), exp))
    rows, exp, merged = table_layout(tasks, texts, restart=True, merged_areas=False)
    out.append(Layout("docx table, numbers restart in each Roman area", "e.docx", docx_table(rows, merged), exp))
    rows, exp, merged = table_layout(tasks, texts, columns=COLUMNS_B, words=HEADER_WORDS_B, restart=True)
    out.append(Layout("xlsx sheet, restarting numbers", "f.xlsx", xlsx_table(rows), exp))
    rows, exp, merged = table_layout(tasks, texts, columns=COLUMNS_C)
    out.append(Layout("docx table with a targets column", "m.docx", docx_table(rows, merged), exp))
    rows, exp, _ = table_layout(tasks, texts, merged_areas=False)
    out.append(Layout("markdown table", "g.md", markdown_table(rows), exp))
    rows, exp, merged = table_layout(tasks, texts, header=False, merged_areas=False)
    out.append(Layout("docx table without a header row", "h.docx", docx_table(rows, merged), exp))
    data, exp = prose_roman(tasks, texts)
    out.append(Layout("prose, Roman areas, tasks 1. 2. …", "i.txt", data, exp))
    data, exp = prose_letters(tasks, texts)
    out.append(Layout("prose, lettered tasks a) … under areas", "j.txt", data, exp))
    data, exp = word_numbering(tasks, texts)
    out.append(Layout("Word automatic numbering", "k.docx", data, exp))
    data, exp = word_numbering(tasks, texts, track_changes=True)
    out.append(Layout("Word automatic numbering with tracked changes", "l.docx", data, exp))
    return out


FIELDS = ("code", "area", "lead", "support", "due", "product", "targets")


def score(layout: Layout) -> dict[str, float]:
    """Per field, the share of expected tasks read right (a task not found counts wrong in every field)."""
    plan = read_plan(layout.filename, layout.data, year=YEAR)
    got = {t.code: t for t in plan.tasks}
    right = dict.fromkeys(FIELDS, 0)
    for e in layout.expected:
        t = got.get(e.code)
        if t is None:
            continue
        right["code"] += 1
        right["area"] += t.area == e.area
        right["lead"] += list(t.lead_units) == e.lead
        right["support"] += list(t.support_units) == e.support
        right["due"] += (t.due_date.isoformat() if t.due_date else None) == e.due
        right["product"] += (t.product or None) == (e.product or None)
        right["targets"] += e.targets is None or [" ".join(t.targets)] == e.targets or t.targets == e.targets
    n = max(len(layout.expected), 1)
    extra = max(0, len(plan.tasks) - len(layout.expected))
    out = {k: v / n for k, v in right.items()}
    out["extra"] = extra
    return out


_ = qn  # kept for writers that need qualified names
