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

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.core.domain import ALL_UNITS, AREAS_BY_KEY, EXTERNAL, area_of_heading, units_in_text
from bot.core.models import TaskSpec
from bot.core.plan_criteria import (
    _CRITERION,
    _dedupe,
    _Draft,
    _merge_criteria,
    _read_criteria_table,
    _spec,
    clean,
    criteria_order,
)
from bot.core.plan_fields import Kpi, _kpis, kpi_of, parse_deadline
from bot.core.plan_files import MAX_BYTES, Note, PlanImportError, document_lines
from bot.core.plan_tables import read_table, roman_value

__all__ = ["MAX_BYTES", "ImportedPlan", "Kpi", "Note", "PlanImportError", "document_lines", "kpi_of",
           "parse_deadline", "read_plan", "read_plan_lines"]
from bot.core.text import fold


@dataclass
class ImportedPlan:
    title: str
    year: int
    tasks: list[TaskSpec]
    warnings: list[Note] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    unit_texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (lead text, support text)
    #: the task tables read: (table number, column -> kind), for the preview to show and correct
    tables: list[tuple[int, dict[int, str]]] = field(default_factory=list)

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


# -- the reader ---------------------------------------------------------------------------------
_ROMAN_HEAD = re.compile(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X)\s*[.)]\s*(.+)$")
_AREA_HEAD = re.compile(r"^(\d{1,2})\s*[.)]\s+(.{3,200})$")
_TASK_HEAD = re.compile(r"^((?:\d{1,2}\.){1,3}\d{1,2})\s*\.?\s*(.*)$")
#: more tasks than any commune's plan has (about 50; a province's appendix a few hundred)
MAX_TASKS = 1000
_SUPPORT_AFTER = re.compile(r"\s*[;.,(–-]\s*(?:(?:co quan|bo phan|don vi)\s+)?phoi hop(?: thuc hien)?\s*[:)]\s*")
_NUMBERED = re.compile(r"^(\d{1,2})\s*[.)]\s+(.+)$")
_LETTER = re.compile(r"^([a-zđ])\s*[.)]\s+(.*)$")
_BULLET = re.compile(r"^[-–•+]\s*(.+)$")
_FOOTNOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
_FIELD = re.compile(
    r"^(?:[-–•+]\s*)?(?:[a-eđ]\s*[.)]\s*)?(?P<name>(?:bo phan|co quan|don vi|cong chuc)?\s*(?:thuc hien )?"
    r"(?:chu tri|phu trach)(?: thuc hien)?|(?:bo phan|co quan|don vi)?\s*phoi hop(?:\s*/\s*thuc hien| thuc hien)?"
    r"|san pham|thoi gian[^:]{0,40}(?=:)|thoi han[^:]{0,30}(?=:)"
    r"|yeu cau(?: ket qua)?(?: dat duoc)?|chi tieu|muc tieu(?:, yeu cau)?|noi dung thuc hien"
    r"|trach nhiem thuc hien|phan cong trach nhiem)\s*:?\s*(?P<value>.*)$"
)


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


_DATE_YEAR = re.compile(r"\b\d{1,2}\s*[/.]\s*\d{1,2}\s*[/.]\s*(20\d\d)\b(?!\s*/)"
                        r"|\b(?:thang|quy) [\divx]{1,4}\s*/\s*(20\d\d)\b")


_DEADLINE_LINE = re.compile(r"^(?:[-–•+*]\s*)?(?:thoi gian|thoi han|han hoan thanh|tien do)[^:]{0,40}:")


def _deadline_years(lines: list[str]) -> list[int]:
    """The years the plan's deadlines are in (its "Thời gian / Thời hạn" lines; the dates of documents it
    cites are not deadlines)."""
    out: list[int] = []
    for line in lines:
        f = fold(clean(line))
        if _DEADLINE_LINE.match(f):
            out.extend(int(m.group(1) or m.group(2)) for m in _DATE_YEAR.finditer(f))
    return out


def _dates_year(lines: list[str]) -> tuple[int, int] | None:
    """The year most deadlines of the plan are in, and how many say so."""
    years = Counter(_deadline_years(lines))
    if not years:
        return None
    top, n = years.most_common(1)[0]
    return top, n


def _plan_year(title: str, lines: list[str], warnings: list[Note] | None = None) -> int | None:
    m = re.search(r"\b(20\d\d)\b", title)
    if m:
        said = int(m.group(1))
        dated = _dates_year(lines)
        # a title left from last year's plan: the plan's own dates win when nearly all of them disagree
        if dated is not None and dated[0] != said and dated[1] >= 5 and warnings is not None:
            others = sum(1 for y in _deadline_years(lines) if y == said)
            if others * 4 <= dated[1]:
                warnings.append(Note("title_year", {"title": said, "year": dated[0]}))
                return dated[0]
        return said
    years = Counter(int(y) for line in lines for y in re.findall(r"\bn[ăa]m (20\d\d)\b", line, flags=re.IGNORECASE))
    if years:
        return years.most_common(1)[0][0]
    return None


def read_plan(filename: str, data: bytes, *, year: int | None = None,
              columns: dict[str, str] | None = None) -> ImportedPlan:
    """`columns`: corrections of how table columns are read, "<table>:<column>" (both from 0) -> kind."""
    lines = document_lines(filename, data)
    return read_plan_lines(lines, year=year, columns=columns)


def read_plan_lines(raw_lines: list[str], *, year: int | None = None,
                    columns: dict[str, str] | None = None) -> ImportedPlan:
    title = _plan_title(raw_lines)
    warnings: list[Note] = []
    written_year = _plan_year(title, raw_lines, warnings)
    plan_year = year or written_year
    # read as another year's plan: every year written in a deadline moves with it
    shift = year - written_year if year and written_year else 0
    if shift:
        warnings.append(Note("year_moved", {"written": written_year, "year": year}))
    if plan_year is None:
        plan_year = date.today().year
        warnings.append(Note("no_year", {"year": plan_year}))

    body, org, tables = _split_sections(raw_lines)
    drafts, area_targets, area_numbers = _read_body(body, warnings)
    criteria_rows: list[str] = []
    table_drafts: list[_Draft] = []
    tables_read: list[tuple[int, dict[int, str]]] = []
    for number, table in enumerate(tables):
        rows = [[clean(c) for c in r.split("\t")] for r in table]
        if any(_CRITERION.match(c) for r in rows for c in r):
            criteria_rows.extend(criteria_order(rows))
            continue
        override = {int(k.split(":")[1]): v for k, v in (columns or {}).items() if k.split(":")[0] == str(number)}
        read = read_table(rows, override)
        if read is None or not read.tasks:
            continue
        tables_read.append((number, dict(sorted(read.columns.items()))))
        if read.guessed:
            warnings.append(Note("table_guessed", {"columns": _column_names(read.columns)}))
        table_drafts.extend(_Draft(t.code, t.title, t.area, t.fields, kind="table") for t in read.tasks)
    criteria = _read_criteria_table(criteria_rows, warnings)
    org_units = _read_organisation(org)

    leaves = _leaves(drafts)
    table_leaves = _leaves(table_drafts)
    if len(table_leaves) >= max(1, len(leaves)):  # the plan's task list is its table
        leaves = table_leaves
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
    unknown: dict[str, list[str]] = {}
    for t in tasks:  # a lead written but not a unit we know: kept by its name as outside the commune
        written = unit_texts.get(t.code, ("", ""))[0].strip(" .;")
        if not t.lead_units and written:
            t.lead_units = [EXTERNAL]
            unknown.setdefault(written[:60], []).append(t.code)
    for name, codes in unknown.items():
        warnings.append(Note("unknown_unit", {"name": name, **_codes(codes)}))
    for t in tasks:
        t.lead_text = unit_texts.get(t.code, ("", ""))[0].strip(" .;")[:200] or None
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
    if len(tasks) > MAX_TASKS:  # no commune plan has this many: most often one plan pasted over and over
        raise PlanImportError("too_many_tasks", n=len(tasks), limit=MAX_TASKS)
    kpis = _kpis(tasks, area_targets)
    return ImportedPlan(title, plan_year, tasks, warnings, kpis, unit_texts, tables_read)


def _codes(codes: list[str], limit: int = 12) -> dict[str, Any]:
    """Values of a note listing task codes: how many, the first `limit`, and how many more."""
    return {"n": len(codes), "codes": ", ".join(codes[:limit]), "more": max(0, len(codes) - limit)}


def _split_sections(raw: list[str]) -> tuple[list[str], list[str], list[list[str]]]:
    """(task body, organisation section, the tables: each a list of tab-separated rows)."""
    body: list[str] = []
    org: list[str] = []
    tables: list[list[str]] = []
    mode = "pre"
    in_table = False
    for raw_line in raw:
        if "\t" in raw_line:
            if not in_table:
                tables.append([])
            tables[-1].append(raw_line)
            in_table = True
            continue
        in_table = False
        line = clean(raw_line)
        f = fold(line)
        head = _ROMAN_HEAD.match(line)
        if head and mode == "body" and area_of_heading(head.group(2)) and not re.search(
                r"to chuc thuc hien|kinh phi", fold(head.group(2))):
            body.append(line)  # "II. Cải cách thể chế": an area of the task section, numbered in Roman
            continue
        if head:
            h = re.sub(r"[^a-z]", "", fold(head.group(2)))  # "CÁCCHỈTIÊU,NHIỆMVỤ": spaces lost in copying
            if re.search(r"nhiemvu|noidung|giaiphap", h):
                mode = "body"
                continue
            if "tochucthuchien" in h:
                mode = "org"
                continue
            if mode == "body" or re.search(r"mucdich|yeucau|kinhphi", h):
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
    return body, org, tables


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
    roman_areas = False  # areas numbered I., II., …: their tasks are numbered 1., 2., … within each
    for line in lines:
        if not line or _FOOTNOTE.match(line):
            continue
        f = fold(line)
        if line.startswith("(") and line.endswith(")"):
            continue
        rh = _ROMAN_HEAD.match(line)
        if rh and area_of_heading(rh.group(2)):
            area, area_no, roman_areas = area_of_heading(rh.group(2)), str(roman_value(rh.group(1))), True
            current, last_field, letter, bullet_no = None, None, None, 0
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
        m = _NUMBERED.match(line) if roman_areas else None
        if m and not _FIELD.match(f):  # under Roman areas, a numbered line is a task, whatever it speaks of
            current = _Draft(f"{area_no}.{m.group(1)}", m.group(2).strip().rstrip(" .:;"), area)
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
            if kind == "lead" and (split := _SUPPORT_AFTER.search(fold(value))):
                # "Chủ trì: Tư pháp; phối hợp: Văn phòng" on one line: two fields
                current.add("support", value[split.end():].strip())
                value = value[: split.start()].strip()
            if kind != "responsibility":
                current.add(kind, value)
            last_field = kind
            continue
        lm = _LETTER.match(line)
        if lm and (current is None or current.kind in ("bullet", "letter")):
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
            elif area_no and len(rest) > 8:  # a lettered task directly under an area: "g) Thực hiện …"
                current = _Draft(f"{area_no}.{letter}", rest.strip().rstrip(" .:;"), area, kind="letter")
                drafts.append(current)
                last_field = None
                seen_codes += 1
                continue
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
            bm or line[:1].islower() or (last_field in ("lead", "support") and len(line) < 300 and (
                not current.fields.get(last_field) or (len(line) < 120 and units_in_text(line))))
        ):  # "Bộ phận chủ trì thực hiện:" then the units as their own paragraphs, bulleted or not
            current.add(last_field, bm.group(1).strip() if bm else line)
            continue
    if seen_codes == 0 and not drafts:
        warnings.append(Note("no_numbered"))
    return drafts, area_targets, area_numbers


def _leaves(drafts: list[_Draft]) -> list[_Draft]:
    """The drafts that are not group headings over others (5.1 over 5.1.1): linear in the number of codes."""
    parents: set[str] = set()
    for d in drafts:
        parts = d.code.split(".")
        parents.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return [d for d in drafts if d.code not in parents]


def _column_names(columns: dict[int, str]) -> str:
    return ", ".join(f"{j + 1}={k}" for j, k in sorted(columns.items()))


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
