"""The state form for administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I) in python-docx: A4,
margins, Times New Roman 13, the two-column header (issuing body and number | national motto and the
place-and-date line), the title, justified body with a first-line indent, page numbers from page 2,
"Nơi nhận" beside the signature block, and a landscape section for an appendix table whose header row
repeats on every page. Words come from the caller; this module only lays them out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
SIZE = Pt(13)


def new_document() -> Any:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = SIZE
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.line_spacing = 1.15
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = True  # no number on page 1
    _page_number(section.header.paragraphs[0])
    return doc


def _page_number(p: Any) -> None:
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def set_widths(table: Any, widths_cm: Sequence[float]) -> None:
    """Fixed column widths, as Word and LibreOffice both read them (the grid and every cell)."""
    table.autofit = False
    pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    pr.append(layout)
    for col, w in zip(table.columns, widths_cm, strict=True):
        col.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(w)


def merge_row(row: Any, text: str, *, bold: bool = True, size: Pt | None = None) -> None:
    """A row made one cell across the table (an area heading), holding only `text`."""
    first = row.cells[0].merge(row.cells[-1])
    for extra in first.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    first.paragraphs[0].text = ""
    run = first.paragraphs[0].add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = size


def _no_borders(table: Any) -> None:
    pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    pr.append(borders)


def _cell_lines(cell: Any, lines: Sequence[tuple[str, dict[str, bool]]], *, size: Pt | None = None) -> None:
    cell.paragraphs[0].text = ""
    first = True
    for text, fmt in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.first_line_indent = None
        run = p.add_run(text)
        run.bold = fmt.get("bold", False)
        run.italic = fmt.get("italic", False)
        if size is not None or fmt.get("small"):
            run.font.size = size or Pt(12)


def header_block(doc: Any, *, body: str, body_name: str, number: str, motto_top: str, motto: str,
                 place_date: str) -> None:
    """The two columns of the form's header, each with its short rule, and the place-and-date line."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    set_widths(table, (6.2, 10.3))
    left, right = table.rows[0].cells
    _cell_lines(left, [(body, {"bold": False}), (body_name, {"bold": True}), ("________", {"bold": True}),
                       (number, {})], size=Pt(12.5))
    _cell_lines(right, [(motto_top, {"bold": True}), (motto, {"bold": True}), ("____________________", {}),
                        (place_date, {"italic": True})], size=Pt(12.5))


def title(doc: Any, text: str, subtitle: str) -> None:
    for i, line in enumerate((text, subtitle)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(12 if i == 0 else 0)
        run = p.add_run(line)
        run.bold = True
        run.font.size = Pt(14 if i == 0 else 13)


def body(doc: Any, text: str, *, bold: bool = False, italic: bool = False, indent: bool = True) -> Any:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    return p


def closing(doc: Any, *, recipients_title: str, recipients: Sequence[str], for_body: str, position: str,
            signer: str) -> None:
    """"Nơi nhận" on the left, the signature block on the right (room to sign, then the name)."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    set_widths(table, (8.0, 8.5))
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    run = left.paragraphs[0].add_run(recipients_title)
    run.bold, run.italic = True, True
    run.font.size = Pt(12)
    for r in recipients:
        p = left.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(r)
        run.font.size = Pt(11)
    _cell_lines(right, [(for_body, {"bold": True}), (position, {"bold": True}), ("", {}), ("", {}), ("", {}),
                        ("", {}), (signer, {"bold": True})])


def landscape_table(doc: Any, heading: str, header: Sequence[str], rows: Sequence[Sequence[str]],
                    widths_cm: Sequence[float]) -> Any:
    """A new landscape section with a table: widths by content, its header row repeated on every page."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(20), Mm(15)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(heading)
    run.bold = True
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    head = table.rows[0]
    tr_pr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, text in zip(head.cells, header, strict=True):
        cell.paragraphs[0].text = ""
        r = cell.paragraphs[0].add_run(text)
        r.bold = True
        r.font.size = Pt(10.5)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.paragraphs[0].text = ""
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
            r = cell.paragraphs[0].add_run(text)
            r.font.size = Pt(10.5)
    set_widths(table, widths_cm)
    return table
