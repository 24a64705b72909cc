"""Turning service results into Telegram text and buttons, every word from the locale catalogs."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.domain import UNITS_BY_KEY
from bot.core.models import HistoryEntry, Task, TaskReport
from bot.core.parse import COUNT_KEYS
from bot.core.readback import Item, Readback, ReadbackRecord
from bot.i18n import Translator, esc
from bot.services.tasks import TaskView
from handlers.callbacks import EditChoice, PickTask, ReadbackPress

TITLE_CHARS = 70


def short(title: str | None, n: int = TITLE_CHARS) -> str:
    title = (title or "").strip()
    return title if len(title) <= n else title[: n - 1].rstrip() + "…"


def fmt_date(t: Translator, iso: str | None) -> str:
    return t.date(date.fromisoformat(iso)) if iso else ""


#: the contract's keys, the two-channel figure beside the channels it stands for
_CHANNEL_FIRST = tuple(k for k in COUNT_KEYS if k != "direct_postal")
_SHOWN_ORDER = (*_CHANNEL_FIRST[:6], "direct_postal", *_CHANNEL_FIRST[6:])


def counts_text(t: Translator, counts: dict[str, int]) -> str:
    """Dossier figures in the order of the parse contract's key table ("tiếp nhận 40, trực tuyến 30, …")."""
    ordered = [k for k in _SHOWN_ORDER if k in counts] + [k for k in counts if k not in _SHOWN_ORDER]
    return ", ".join(f"{t(f'count.{k}')} {t.number(counts[k])}" for k in ordered)


def readback_text(t: Translator, payload: Readback, state: str = "pending") -> str:
    lines = [t(f"readback.header_{state}")]
    for item in payload.items:
        lines.append(_item_line(t, item))
    d = payload.dossier
    if d is not None:
        counts = counts_text(t, d.counts)
        period = t("readback.period", start=t.date(d.period_start), end=t.date(d.period_end))
        if d.period_assumed:
            period += " " + t("readback.period_assumed")
        lines.append(t("readback.dossier", period=period, counts=counts))
        if d.note:
            lines.append("  " + t("readback.note", note=esc(short(d.note, 200))))
        for m in d.mismatches:
            values = {k: t.number(v) for k, v in m.values.items()}
            lines.append("⚠️ " + t(f"mismatch.{m.key}", **values))
        if d.late_without_apology:
            lines.append("⚠️ " + t("readback.apology_duty", n=d.late_without_apology))
    if state == "pending":
        idx = payload.first_ambiguous()
        if idx is not None:
            lines.append(t("readback.pick", hint=esc(payload.items[idx].hint or short(payload.text, 40))))
        elif payload.saveable:
            lines.append(t("readback.confirm"))
        elif payload.only_others_tasks:
            lines.append(t("readback.only_yours"))
        else:
            lines.append(t("readback.nothing"))
    return "\n".join(lines)


#: the units' names as the domain gives them (a lead unit of "all" or "external" is named by the locale)
UNIT_NAMES = {k: u.name for k, u in UNITS_BY_KEY.items()}


def _item_line(t: Translator, item: Item) -> str:
    parts = []
    if item.percent is not None:
        parts.append(f"{item.percent}%")
    if item.status:
        parts.append(t(f"status.{item.status}"))
    if item.date:
        key = "readback.done_on" if item.status == "done" else "readback.expected"
        parts.append(t(key, date=t.date(item.date)))
    if item.note:
        parts.append(t("readback.note", note=esc(short(item.note, 120))))
    what = ", ".join(parts) or t("status.unknown")
    hint = item.hint or item.ref or ""
    if item.task_id is not None:
        line = t("readback.item", code=esc(item.code or ""), title=esc(short(item.title)), what=what)
        if item.problem == "not_yours":  # whose it is (older read-backs did not keep it)
            units = ", ".join(UNIT_NAMES.get(u, u) for u in item.lead_units) or t("readback.other_unit")
            line += " " + t("readback.not_yours", units=esc(units))
        elif item.support:  # a supporting unit's report: shown as such, the lead's status unchanged
            units = ", ".join(UNIT_NAMES.get(u, u) for u in item.lead_units)
            line += "\n  " + t("readback.as_support", units=esc(units))
        return line
    if item.problem == "unknown_code":
        return "⚠️ " + t("readback.unknown_code", code=esc(item.ref or "?"))
    if item.problem == "no_plan":
        return "⚠️ " + t("readback.no_plan")
    if not hint:  # "xong rồi": no task named at all
        return t("readback.item_no_task", what=what)
    if item.candidates:
        return t("readback.item_unsure", hint=esc(hint), what=what)
    return "⚠️ " + t("readback.no_match", hint=esc(hint), what=what)


def readback_buttons(t: Translator, pending: ReadbackRecord) -> InlineKeyboardMarkup | None:
    payload = pending.payload
    pid = pending.id
    idx = payload.first_ambiguous()
    rows: list[list[InlineKeyboardButton]] = []
    if idx is not None:
        for c in payload.items[idx].candidates:
            label = f"{c.code} {short(c.title, 40)}"
            rows.append([PickTask(pid, idx, c.task_id).button(label)])
        rows.append([ReadbackPress("cancel", pid).button(t("button.cancel"))])
        return InlineKeyboardMarkup(rows)
    if not payload.saveable:
        return None
    return InlineKeyboardMarkup([[
        ReadbackPress("save", pid).button(t("button.save")),
        ReadbackPress("edit", pid).button(t("button.edit")),
        ReadbackPress("cancel", pid).button(t("button.cancel")),
    ]])


def task_line(t: Translator, view: TaskView) -> str:
    task = view.task
    state = f"{task.percent}%, {t(f'status.{task.status}')}" if task.status != "not_started" else t(
        "status.not_started")
    when = ""
    if task.due_date is not None:
        if view.overdue and view.workdays_left is not None:
            when = t("tasks.overdue", date=t.date(task.due_date), days=-view.workdays_left)
        elif view.workdays_left is not None and task.status != "done":
            when = t("tasks.days_left", date=t.date(task.due_date), days=view.workdays_left)
        else:
            when = t("tasks.due", date=t.date(task.due_date))
    icon = "🔴" if view.overdue else "⛔" if task.status == "blocked" else "✅" if task.status == "done" else "▫️"
    return t("tasks.line", icon=icon, code=esc(task.code), title=esc(short(task.title, 60)), state=state, when=when)


def task_detail(t: Translator, view: TaskView, units: dict[str, str], history: list[HistoryEntry],
                reports: list[TaskReport], owner: str | None) -> str:
    task: Task = view.task
    lines = [t("task.header", code=esc(task.code), title=esc(task.title))]
    if task.area:
        lines.append(t("task.area", area=t(f"area.{task.area}")))
    lead = ", ".join(units.get(u, t(f"unit.{u}") if u in ("all", "external") else u) for u in task.lead_units)
    lines.append(t("task.lead", units=esc(lead or "—")))
    if owner:
        lines.append(t("task.owner", name=esc(owner)))
    if task.product:
        lines.append(t("task.product", product=esc(short(task.product, 300))))
    for target in task.targets[:4]:
        lines.append(t("task.target", target=esc(short(target, 200))))
    lines.append(task_line(t, view))
    if task.deadline_text:
        lines.append(t("task.deadline_text", text=esc(task.deadline_text)))
    for key, group in (("task.reports", [r for r in reports if not r.support]),
                       ("task.support_reports", [r for r in reports if r.support])):
        if not group:  # the lead's reports, then the supporting units' (which never set the status)
            continue
        lines.append(t(key))
        for r in group:
            what = ", ".join(x for x in (f"{r.percent}%" if r.percent is not None else "",
                                         t(f"status.{r.status}") if r.status else "") if x)
            lines.append(t("task.report_line", when=t.date(r.created_at.date()), name=esc(r.officer_name),
                           what=what, note=esc(short(r.note or "", 80))))
    evidence = [h for h in history if h.kind == "evidence"]
    if evidence:
        lines.append(t("task.evidence"))
        for h in evidence[:5]:
            lines.append(t("task.evidence_line", when=t.date(h.at.date()), name=esc(h.officer_name or ""),
                           caption=esc(short(h.new_value or "", 100))))
    explained = [h for h in history if h.kind == "explanation"]
    if explained:  # answers to the chairman's "Yêu cầu giải trình", newest first
        lines.append(t("task.explanations"))
        for h in explained[:3]:
            lines.append(t("task.explanation_line", when=t.date(h.at.date()), name=esc(h.officer_name or ""),
                           text=esc(short(h.new_value or "", 300))))
    changes = [h for h in history if h.kind in ("due_date", "owner")]
    for h in changes[:3]:
        if h.kind == "due_date":
            lines.append(t("task.due_changed", old=fmt_date(t, h.old_value or None) or "—",
                           new=fmt_date(t, h.new_value), when=t.date(h.at.date())))
    return "\n".join(lines)


def edit_proposal_text(t: Translator, saved: Readback, proposal: Readback) -> str:
    """A saved report and the reading of the message as edited, side by side, asking which to keep."""
    old = readback_text(t, saved, "saved").split("\n")[1:]
    new = readback_text(t, proposal, "saved").split("\n")[1:]
    return "\n".join([t("readback.edit_header"), t("readback.edit_old"), *old, t("readback.edit_new"), *new,
                      t("readback.edit_question")])


def edit_proposal_buttons(t: Translator, pending_id: int, n: int, *, force: bool = False) -> InlineKeyboardMarkup:
    yes = EditChoice("f" if force else "y", pending_id, n).encode()
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t("button.edit_replace_anyway" if force else "button.edit_replace"), callback_data=yes),
        EditChoice("n", pending_id, n).button(t("button.edit_keep"))]])


class _Plain(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def to_plain(html_text: str) -> str:
    """A rendered message as plain text (the shell prints what the chat shows): tags dropped, entities read."""
    parser = _Plain()
    parser.feed(html_text)
    parser.close()
    return "".join(parser.parts)
