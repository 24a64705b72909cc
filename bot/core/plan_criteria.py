"""Plan task drafts and the PAR-index criteria tables (Tơ Tung): a criterion table's rows in any column order,
and the body's sections merged into the criteria they describe. Pure."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.core.domain import area_of_heading, units_in_text
from bot.core.models import TaskSpec
from bot.core.plan_fields import parse_deadline
from bot.core.plan_files import Note
from bot.core.plan_tables import find_header
from bot.core.text import fold

_MD = re.compile(r"</?[bi]>|[*_`]+|^#+\s*")

def clean(line: str) -> str:
    line = unicodedata.normalize("NFC", line)
    line = _MD.sub("", line.strip())
    line = _MD.sub("", line.strip())
    return re.sub(r"[ \u00a0]+", " ", line).strip()

_CRITERION = re.compile(r"^(TCTP|TCXP|TC)\s*(\d{1,2}(?:\.\d{1,2}){0,3})\s*[-.–:]?\s*(.*)$", re.IGNORECASE)

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

def criteria_order(rows: list[list[str]]) -> list[str]:
    """A PAR criteria table's rows in the order the criteria reader expects (TT, criterion, target, lead,
    support, deadline), whatever order its own columns come in; score columns are left out."""
    found = find_header(rows)
    if found is None:
        return ["\t".join(r) for r in rows]
    last, columns = found
    want = ("code", "title", "target", "lead", "support", "deadline")
    where = {k: j for j, k in sorted(columns.items(), reverse=True)}
    out = []
    for r in rows[last + 1:]:
        cells = [r[where[k]] if k in where and where[k] < len(r) else "" for k in want]
        if not any(cells[1:]) and any(r):  # an area row: its numeral and heading, wherever they stand
            texts = [c for c in r if c]
            cells = texts[:2] if len(texts) >= 2 else ["", texts[0]]
        out.append("\t".join(cells))
    return out

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
