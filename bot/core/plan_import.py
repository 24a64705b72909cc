"""Reading a commune's CCHC plan into tasks (import-contract.md). Pure: bytes in, ImportedPlan out.

Three layouts are understood, and mixes of them:

* **Numbered tasks** (Đức Phong): area headings "1. Cải cách thể chế", tasks "1.1." with lines
  "Bộ phận chủ trì / phối hợp / Sản phẩm / Thời gian thực hiện / Yêu cầu kết quả". Group headings
  (5.1 over 5.1.1) are not tasks: only leaves are.
* **Prose** (Tú Xuyên): area headings with "a) Chỉ tiêu" targets and "b) Nhiệm vụ, giải pháp" bullets.
  Each bullet is a task coded "<area no>.b.<n>"; the area's targets go with each of its tasks; the lead
  unit comes from "TỔ CHỨC THỰC HIỆN" where a unit's paragraph speaks of the task's area or theme,
  otherwise the unit that follows up the plan (usually Văn phòng), with a warning.
* **PAR-index criteria** (Tơ Tung): an appendix table of TC/TCTP criteria by area (roman numerals).
  The criteria are the tasks (codes "TC 1.4", "TCTP 3.4.2", the form officers use when reporting).
  The body's numbered sections ("1.6. Tiêu chí thành phần: …") describe how to improve some criteria:
  a body section whose title matches a criterion adds its targets and, where the criterion lacks them,
  its units and deadline; a body section matching no criterion becomes a task with its own code.

Anything else imports what it can, with warnings listing what it could not read.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.core.dates import month_end, quarter_bounds, safe_date
from bot.core.domain import ALL_UNITS, AREAS_BY_KEY, EXTERNAL, area_of_heading, units_in_text
from bot.core.models import TaskSpec
from bot.core.text import fold

MAX_BYTES = 20 * 1024 * 1024


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


@dataclass
class Kpi:
    key: str  # on_time_rate, online_rate, postal_rate, satisfaction, feedback_answered
    target: float
    op: str  # ">=" or ">"
    text: str


@dataclass
class ImportedPlan:
    title: str
    year: int
    tasks: list[TaskSpec]
    warnings: list[Note] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    unit_texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (lead text, support text)

    def to_dict(self, say: Callable[[Note], str]) -> dict[str, Any]:
        """The import contract's JSON; `say` puts the warnings into words."""
        return {
            "title": self.title,
            "year": self.year,
            "tasks": [
                {
                    "code": t.code,
                    "area": t.area,
                    "title": t.title,
                    "lead_units": t.lead_units,
                    "support_units": t.support_units,
                    "product": t.product,
                    "deadline_text": t.deadline_text,
                    "due_date": t.due_date.isoformat() if t.due_date else None,
                    "recurrence": t.recurrence,
                    "targets": t.targets,
                    "lead_text": self.unit_texts.get(t.code, ("", ""))[0] or None,
                    "support_text": self.unit_texts.get(t.code, ("", ""))[1] or None,
                }
                for t in self.tasks
            ],
            "warnings": [say(w) for w in self.warnings],
            "kpis": [{"key": k.key, "target": k.target, "op": k.op, "text": k.text} for k in self.kpis],
        }

    def count_by_area(self) -> dict[str | None, int]:
        return dict(Counter(t.area for t in self.tasks))


# -- reading files into lines -------------------------------------------------------------------
def document_lines(filename: str, data: bytes) -> list[str]:
    if not data or not data.strip():
        raise PlanImportError("empty")
    if len(data) > MAX_BYTES:
        raise PlanImportError("too_big", mb=MAX_BYTES // (1024 * 1024))
    name = filename.lower()
    if data[:2] == b"PK" or name.endswith(".docx"):
        return _docx_lines(data)
    if name.endswith((".doc", ".pdf", ".xls", ".xlsx", ".png", ".jpg", ".jpeg", ".zip", ".rar")):
        raise PlanImportError("file_type")
    text = _decode(data)
    return text.splitlines()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise PlanImportError("binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanImportError("encoding") from None


def _docx_lines(data: bytes) -> list[str]:
    from docx import Document
    from docx.table import Table

    try:
        doc = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PlanImportError("broken_docx", error=type(exc).__name__) from None
    lines: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
                    if not cells or text != cells[-1] or not text:  # merged cells repeat
                        cells.append(text)
                lines.append("\t".join(cells))
        else:
            lines.extend(block.text.split("\n"))
    return lines


_MD = re.compile(r"</?[bi]>|[*_`]+|^#+\s*")


def clean(line: str) -> str:
    line = unicodedata.normalize("NFC", line)
    line = _MD.sub("", line.strip())
    line = _MD.sub("", line.strip())
    return re.sub(r"[ \u00a0]+", " ", line).strip()


# -- deadlines ----------------------------------------------------------------------------------
_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_D_DATE = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\b")
_D_WORDY = re.compile(r"\bngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})\b")
_D_QUARTER = re.compile(r"\bquy (iv|iii|ii|i|0?[1-4])\b(?:\s*(?:nam|/|-)\s*(\d{4}))?")
_D_MONTH = re.compile(r"\bthang (1[0-2]|0?[1-9])\b(?:\s*(?:nam|/|-)\s*(\d{4}))?")
_D_YEAR = re.compile(r"\b(?:trong|ca|hang|cuoi) nam\b|\bnam (\d{4})\b|\bthuong xuyen\b")


def _moved(d: date, shift: int) -> date:
    if not shift:
        return d
    try:
        return d.replace(year=d.year + shift)
    except ValueError:  # 29 February into a common year
        return d.replace(year=d.year + shift, day=28)


def parse_deadline(text: str | None, year: int, shift: int = 0) -> tuple[date | None, str]:
    """(due date, recurrence) of a deadline as plans write it (domain.md's table). `shift` moves the years
    written in the deadline (a plan of 2023 read as this year's: every written year + 3, so "15/12/2023"
    and "tháng 1/2024" keep their place in the plan); deadlines without a year take `year`."""
    if not text:
        return None, "none"
    s = fold(text)
    if re.search(r"\bhang thang\b|\bhang thang\b|\bhang thang\b|\bmoi thang\b", s):
        return month_end(year, 1), "monthly"
    if re.search(r"\bhang quy\b|\bmoi quy\b", s):
        return quarter_bounds(year, 1)[1], "quarterly"
    periodic = bool(re.search(r"\bdinh ky\b", s))
    continuous = bool(re.search(r"\bthuong xuyen\b", s))
    m = _D_DATE.search(s) or _D_WORDY.search(s)
    if m:
        d = safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d is not None:
            return _moved(d, shift), "periodic" if periodic else "none"
    m = _D_QUARTER.search(s)
    if m:
        y = int(m.group(2)) + shift if m.group(2) else year
        return quarter_bounds(y, _ROMAN_Q[m.group(1).lstrip("0")])[1], "periodic" if periodic else "none"
    m = _D_MONTH.search(s)
    if m:
        y = int(m.group(2)) + shift if m.group(2) else year
        return month_end(y, int(m.group(1))), "periodic" if periodic else "none"
    m = _D_YEAR.search(s)
    if m:
        y = int(m.group(1)) + shift if m.group(1) else year
        return date(y, 12, 31), "continuous"
    if continuous:
        return date(year, 12, 31), "continuous"
    if periodic:
        return None, "periodic"
    return None, "none"


# -- KPIs ---------------------------------------------------------------------------------------
_PCT_IN = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")


def kpi_of(text: str, context: str = "") -> Kpi | None:
    """A measurable rate a target states: on-time, online, postal (BCCI), satisfaction, PAKN answered."""
    s = fold(text)
    both = fold(context + " " + text)
    m = _PCT_IN.search(s)
    if not m:
        return None
    value = float(m.group(1).replace(",", "."))
    before = s[: m.start()]
    op = ">" if re.search(r"\btren\s*$", before) or re.search(r"\btren\b", before[-12:]) else ">="
    key = None
    dossier_rate = bool(re.search(r"ty le ho so|%\s*(?:so )?ho so|\bho so\b[^%]*%", both)) and not re.search(
        r"ty le (?:tthc|thu tuc)", both
    )
    if re.search(r"\b(pakn|phan anh,? kien nghi)\b", both) and re.search(r"\b(tra loi|xu ly|giai quyet)\b", both):
        key = "feedback_answered"
    elif re.search(r"\bhai long\b", both):
        key = "satisfaction"
    elif dossier_rate and re.search(r"\b(bcci|buu chinh)\b", both) and re.search(r"\btiep nhan\b", both):
        key = "postal_rate"
    elif dossier_rate and re.search(r"\btruc tuyen\b", both) and not re.search(r"\bthanh toan\b", both):
        key = "online_rate"
    elif dossier_rate and re.search(r"\b(dung han|truoc han)\b", both):
        key = "on_time_rate"
    if key is None:
        return None
    return Kpi(key, value, op, text.strip())


# -- the reader ---------------------------------------------------------------------------------
_ROMAN_HEAD = re.compile(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X)\s*[.)]\s*(.+)$")
_AREA_HEAD = re.compile(r"^(\d{1,2})\s*[.)]\s+(.{3,200})$")
_TASK_HEAD = re.compile(r"^((?:\d{1,2}\.){1,3}\d{1,2})\s*\.?\s*(.*)$")
_LETTER = re.compile(r"^([a-eđ])\s*[.)]\s*(.*)$")
_BULLET = re.compile(r"^[-–•+]\s*(.+)$")
_FOOTNOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
_FIELD = re.compile(
    r"^(?:[-–•+]\s*)?(?:[a-eđ]\s*[.)]\s*)?(?P<name>(?:bo phan|co quan|don vi|cong chuc)?\s*(?:thuc hien )?"
    r"(?:chu tri|phu trach)(?: thuc hien)?|(?:bo phan|co quan|don vi)?\s*phoi hop(?:\s*/\s*thuc hien| thuc hien)?"
    r"|san pham|thoi gian[^:]{0,40}(?=:)|thoi han[^:]{0,30}(?=:)"
    r"|yeu cau(?: ket qua)?(?: dat duoc)?|chi tieu|muc tieu(?:, yeu cau)?|noi dung thuc hien"
    r"|trach nhiem thuc hien|phan cong trach nhiem)\s*:?\s*(?P<value>.*)$"
)
_CRITERION = re.compile(r"^(TCTP|TCXP|TC)\s*(\d{1,2}(?:\.\d{1,2}){0,3})\s*[-.–:]?\s*(.*)$", re.IGNORECASE)


def _field_kind(name: str) -> str:
    if "chu tri" in name or "phu trach" in name:
        return "lead"
    if "phoi hop" in name:
        return "support"
    if name.startswith("san pham"):
        return "product"
    if name.startswith(("thoi gian", "thoi han")):
        return "deadline"
    if name.startswith(("trach nhiem", "phan cong")):
        return "responsibility"
    return "target"


@dataclass
class _Draft:
    code: str
    title: str
    area: str | None
    fields: dict[str, list[str]] = field(default_factory=dict)
    kind: str = "numbered"  # numbered, bullet, criterion

    def add(self, kind: str, value: str) -> None:
        self.fields.setdefault(kind, [])
        if value:
            self.fields[kind].append(value)

    def text(self, kind: str) -> str:
        return " ".join(self.fields.get(kind, [])).strip()


def _plan_title(lines: list[str]) -> str:
    for i, line in enumerate(lines[:120]):
        c = clean(line)
        if fold(c).startswith("ke hoach") and len(c) < 200:
            rest = c[len("KẾ HOẠCH"):].strip(" :")
            if rest:
                return "Kế hoạch " + rest
            for nxt in lines[i + 1 : i + 6]:
                n = clean(nxt)
                if n:
                    return "Kế hoạch " + n[0].lower() + n[1:] if n[:1].isupper() and not n.isupper() else (
                        "Kế hoạch " + n
                    )
    for line in lines:
        if clean(line):
            return clean(line)[:200]
    return "Kế hoạch"


def _plan_year(title: str, lines: list[str]) -> int | None:
    m = re.search(r"\b(20\d\d)\b", title)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for line in lines for y in re.findall(r"\bn[ăa]m (20\d\d)\b", line, flags=re.IGNORECASE))
    if years:
        return years.most_common(1)[0][0]
    return None


def read_plan(filename: str, data: bytes, *, year: int | None = None) -> ImportedPlan:
    lines = document_lines(filename, data)
    return read_plan_lines(lines, year=year)


def read_plan_lines(raw_lines: list[str], *, year: int | None = None) -> ImportedPlan:
    title = _plan_title(raw_lines)
    written_year = _plan_year(title, raw_lines)
    plan_year = year or written_year
    warnings: list[Note] = []
    # read as another year's plan: every year written in a deadline moves with it
    shift = year - written_year if year and written_year else 0
    if shift:
        warnings.append(Note("year_moved", {"written": written_year, "year": year}))
    if plan_year is None:
        plan_year = date.today().year
        warnings.append(Note("no_year", {"year": plan_year}))

    body, org, table_rows = _split_sections(raw_lines)
    drafts, area_targets, area_numbers = _read_body(body, warnings)
    criteria = _read_criteria_table(table_rows, warnings)
    org_units = _read_organisation(org)

    leaves = _leaves(drafts)
    tasks: list[TaskSpec] = []
    unit_texts: dict[str, tuple[str, str]] = {}
    inferred: list[str] = []
    if criteria:
        tasks, unit_texts = _merge_criteria(criteria, leaves, plan_year, warnings, shift)
    else:
        for d in leaves:
            spec, texts = _spec(d, plan_year, shift)
            if d.kind == "bullet":
                spec.targets = list(area_targets.get(area_numbers.get(d.code.split(".")[0], ""), [])) + spec.targets
                if not spec.lead_units:
                    spec.lead_units = _lead_from_org(d, org_units)
                    texts = (", ".join(spec.lead_units), texts[1])
                    if spec.lead_units:
                        inferred.append(d.code)
            tasks.append(spec)
            unit_texts[spec.code] = texts

    if inferred:
        warnings.append(Note("lead_inferred", _codes(inferred)))
    tasks = _dedupe(tasks, warnings)
    no_area = [t.code for t in tasks if t.area is None]
    no_lead = [t.code for t in tasks if not t.lead_units]
    no_deadline = [t for t in tasks if t.deadline_text is None]
    for t in no_deadline:  # the plan covers its year
        t.due_date, t.recurrence = date(plan_year, 12, 31), "continuous"
    if no_area:
        warnings.append(Note("no_area", _codes(no_area)))
    if no_lead:
        warnings.append(Note("no_lead", _codes(no_lead)))
    if no_deadline:
        warnings.append(Note("no_deadline", {**_codes([t.code for t in no_deadline]), "year": plan_year}))
    if not tasks:
        raise PlanImportError("no_tasks")
    kpis = _kpis(tasks, area_targets)
    return ImportedPlan(title, plan_year, tasks, warnings, kpis, unit_texts)


def _codes(codes: list[str], limit: int = 12) -> dict[str, Any]:
    """Values of a note listing task codes: how many, the first `limit`, and how many more."""
    return {"n": len(codes), "codes": ", ".join(codes[:limit]), "more": max(0, len(codes) - limit)}


def _split_sections(raw: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(task body, organisation section, appendix table rows)."""
    body: list[str] = []
    org: list[str] = []
    table: list[str] = []
    mode = "pre"
    for raw_line in raw:
        if "\t" in raw_line:
            table.append(raw_line)
            continue
        line = clean(raw_line)
        f = fold(line)
        head = _ROMAN_HEAD.match(line)
        if head:
            h = fold(head.group(2))
            if re.search(r"nhiem vu|noi dung|giai phap", h):
                mode = "body"
                continue
            if "to chuc thuc hien" in h:
                mode = "org"
                continue
            if mode == "body" or re.search(r"muc dich|yeu cau|kinh phi", h):
                mode = "other"
                continue
        if f.startswith(("noi nhan", "phu luc")) or re.match(r"^tm\.? (uy ban|ubnd)", f):
            mode = "tail"
            continue
        if mode == "body":
            body.append(line)
        elif mode == "org":
            org.append(line)
        elif mode == "pre":
            body.append(line)  # a plan with no roman headings: the whole text is the body
    return body, org, table


def _read_body(
    lines: list[str], warnings: list[Note]
) -> tuple[list[_Draft], dict[str, list[str]], dict[str, str]]:
    drafts: list[_Draft] = []
    area: str | None = None
    area_no = ""
    area_targets: dict[str, list[str]] = {}  # area number -> targets
    area_numbers: dict[str, str] = {}  # area number -> area number (kept for lookups)
    current: _Draft | None = None
    last_field: str | None = None
    letter: str | None = None  # a), b) … directly under an area
    bullet_no = 0
    seen_codes = 0
    for line in lines:
        if not line or _FOOTNOTE.match(line):
            continue
        f = fold(line)
        if line.startswith("(") and line.endswith(")"):
            continue
        m = _TASK_HEAD.match(line)
        if m and not _BULLET.match(line):
            code, rest = m.group(1), m.group(2).strip()
            rest = re.sub(r"^[.:\s]+", "", rest).rstrip()
            title = re.sub(r"^(?:tieu chi(?: thanh phan)?\s*:\s*)", "", fold(rest))
            cut = len(rest) - len(title)
            clean_title = rest[cut:].rstrip(" .:;") if cut >= 0 else rest
            heading_area = area_of_heading(clean_title) if area is None else None
            current = _Draft(code, clean_title, area or heading_area)
            drafts.append(current)
            last_field, letter = None, None
            seen_codes += 1
            continue
        m = _AREA_HEAD.match(line)
        if m and len(line) < 220 and not _FIELD.match(f):
            new_area = area_of_heading(m.group(2))
            area_no = m.group(1)
            area = new_area
            area_numbers[area_no] = area_no
            current, last_field, letter, bullet_no = None, None, None, 0
            continue
        fm = _FIELD.match(f)
        if fm and current is not None and current.kind != "bullet":
            kind = _field_kind(fm.group("name").strip())
            value = line[len(line) - len(fm.group("value")):].strip() if fm.group("value") else ""
            if kind == "responsibility":
                kind = "lead" if value else "responsibility"
            if kind != "responsibility":
                current.add(kind, value)
            last_field = kind
            continue
        lm = _LETTER.match(line)
        if lm and (current is None or current.kind == "bullet"):
            letter = lm.group(1)
            rest = lm.group(2)
            rf = fold(rest)
            if re.match(r"(chi tieu|muc tieu)", rf):
                last_field = "area_target"
                value = rest.split(":", 1)[1].strip() if ":" in rest else ""
                if value:
                    area_targets.setdefault(area_no, []).append(value)
            elif re.match(r"(nhiem vu|giai phap)", rf):
                last_field = "area_tasks"
                bullet_no = 0
            else:
                last_field = None
            current = None
            continue
        if lm and current is not None:
            last_field = None  # b. Nhiệm vụ, giải pháp inside a numbered task: its description
            continue
        bm = _BULLET.match(line)
        if last_field == "area_tasks" and area_no:
            if bm:
                bullet_no += 1
                current = _Draft(f"{area_no}.{letter or 'b'}.{bullet_no}", bm.group(1).strip(), area, kind="bullet")
                drafts.append(current)
            elif current is not None and current.kind == "bullet":
                current.title = f"{current.title} {line}".strip()
            continue
        if last_field == "area_target" and area_no:
            area_targets.setdefault(area_no, []).append(bm.group(1).strip() if bm else line)
            continue
        if current is not None and last_field in ("lead", "support", "product", "deadline", "target") and (
            bm or line[:1].islower()
        ):
            current.add(last_field, bm.group(1).strip() if bm else line)
            continue
    if seen_codes == 0 and not drafts:
        warnings.append(Note("no_numbered"))
    return drafts, area_targets, area_numbers


def _leaves(drafts: list[_Draft]) -> list[_Draft]:
    codes = [d.code for d in drafts]
    return [d for d in drafts if not any(c != d.code and c.startswith(d.code + ".") for c in codes)]


def _spec(d: _Draft, year: int, shift: int = 0) -> tuple[TaskSpec, tuple[str, str]]:
    lead_text, support_text = d.text("lead"), d.text("support")
    deadline_text = d.text("deadline") or None
    due, recurrence = parse_deadline(deadline_text, year, shift)
    title = d.title.strip().rstrip(" .:;")
    return TaskSpec(
        code=d.code,
        area=d.area,
        title=title,
        lead_units=units_in_text(lead_text),
        support_units=units_in_text(support_text),
        product=d.text("product").rstrip() or None,
        deadline_text=deadline_text,
        due_date=due,
        recurrence=recurrence,
        targets=list(d.fields.get("target", [])),
    ), (lead_text, support_text)


def _read_organisation(lines: list[str]) -> list[tuple[list[str], str]]:
    """[(unit keys, folded text of what the unit is asked to do)] from TỔ CHỨC THỰC HIỆN."""
    out: list[tuple[list[str], str]] = []
    for line in lines:
        m = _AREA_HEAD.match(line)
        if m and len(line) < 160:
            out.append((units_in_text(m.group(2)), ""))
            continue
        if out:
            keys, text = out[-1]
            out[-1] = (keys, text + " " + fold(line))
    return [(keys, text) for keys, text in out if keys and keys != [ALL_UNITS]]


def _lead_from_org(d: _Draft, org: list[tuple[list[str], str]]) -> list[str]:
    if not org:
        return []
    title = fold(d.title)
    themes = ("tuyen truyen", "so hoa", "trang thong tin", "mot cua", "tai chinh", "ngan sach", "phap luat")
    for keys, text in org:
        if any(th in title and th in text for th in themes):
            return [k for k in keys if k not in (ALL_UNITS, EXTERNAL)]
    for keys, text in org:
        if d.area and any(kw in text for kw in AREAS_BY_KEY[d.area].keywords if len(kw) > 6):
            return [k for k in keys if k not in (ALL_UNITS, EXTERNAL)]
    for keys, text in org:  # the unit that follows up the whole plan
        if "van-phong" in keys or "theo doi" in text:
            return [k for k in keys if k not in (ALL_UNITS, EXTERNAL)]
    return []


def _read_criteria_table(rows: list[str], warnings: list[Note]) -> list[tuple[_Draft, list[str]]]:
    """TC/TCTP criteria of an appendix table: (draft, [target, lead, support, deadline])."""
    area: str | None = None
    out: list[tuple[_Draft, list[str]]] = []
    last: list[str] | None = None
    for raw in rows:
        cells = [clean(c) for c in raw.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        first = cells[0]
        if fold(first) in ("tt", "stt"):
            continue
        if re.fullmatch(r"[IVX]+\.?", first) and len(cells) >= 2:
            area = area_of_heading(cells[1])
            last = None
            continue
        if not first and last is not None:  # a row continued over a page break
            for i, c in enumerate(cells[1:], start=1):
                if c and i < len(last):
                    last[i] = f"{last[i]} {c}".strip()
            continue
        if len(cells) >= 2:
            m = _CRITERION.match(cells[1])
            if m:
                cells += [""] * (6 - len(cells))
                code = f"{m.group(1).upper()} {m.group(2)}"
                draft = _Draft(code, m.group(3).strip(" -–"), area, kind="criterion")
                last = cells
                out.append((draft, cells))
                continue
        last = None
    result = []
    for draft, cells in out:
        draft.title = cells[1]
        m = _CRITERION.match(cells[1])
        if m:
            draft.title = m.group(3).strip(" -–.")
        result.append((draft, cells[2:6]))
    return result


def _merge_criteria(
    criteria: list[tuple[_Draft, list[str]]], body: list[_Draft], year: int, warnings: list[Note], shift: int = 0,
) -> tuple[list[TaskSpec], dict[str, tuple[str, str]]]:
    from rapidfuzz import fuzz

    tasks: list[TaskSpec] = []
    texts: dict[str, tuple[str, str]] = {}
    for draft, (target, lead, support, deadline) in criteria:
        draft.add("target", target)
        draft.add("lead", lead)
        draft.add("support", support)
        draft.add("deadline", deadline)
        spec, t = _spec(draft, year, shift)
        tasks.append(spec)
        texts[spec.code] = t
    folded = [fold(t.title) for t in tasks]
    for d in body:
        title = fold(d.title)
        best, score = -1, 0.0
        for i, ft in enumerate(folded):
            sc = fuzz.token_set_ratio(title, ft)
            if sc > score:
                best, score = i, sc
        body_spec, body_texts = _spec(d, year, shift)
        if best >= 0 and score >= 75:
            crit = tasks[best]
            crit.targets.extend(x for x in body_spec.targets if x not in crit.targets)
            if not crit.lead_units and body_spec.lead_units:
                crit.lead_units = body_spec.lead_units
                texts[crit.code] = (body_texts[0], texts[crit.code][1])
            if crit.deadline_text is None and body_spec.deadline_text:
                crit.deadline_text, crit.due_date, crit.recurrence = (
                    body_spec.deadline_text, body_spec.due_date, body_spec.recurrence,
                )
            if crit.area is None:
                crit.area = body_spec.area or area_of_heading(d.title)
        else:
            if body_spec.area is None:
                body_spec.area = area_of_heading(d.title)
            tasks.append(body_spec)
            texts[body_spec.code] = body_texts
    return tasks, texts


def _dedupe(tasks: list[TaskSpec], warnings: list[Note]) -> list[TaskSpec]:
    seen: Counter[str] = Counter()
    for t in tasks:
        seen[t.code] += 1
        if seen[t.code] > 1:
            new = f"{t.code}#{seen[t.code]}"
            warnings.append(Note("duplicate_code", {"code": t.code, "n": seen[t.code], "new": new}))
            t.code = new
    return tasks


def _kpis(tasks: list[TaskSpec], area_targets: dict[str, list[str]]) -> list[Kpi]:
    found: dict[str, Kpi] = {}
    candidates: list[tuple[str, str]] = []
    for targets in area_targets.values():
        candidates.extend((t, "") for t in targets)
    shared = {x for targets in area_targets.values() for x in targets}
    for t in tasks:
        candidates.extend((x, t.title) for x in t.targets if x not in shared)
    for text, context in candidates:
        k = kpi_of(text, context)
        if k is not None and k.key not in found:
            found[k.key] = k
    return list(found.values())
