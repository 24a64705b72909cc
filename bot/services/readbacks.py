"""Report service: turns an understood message into a read-back (a stored draft), and saves, cancels,
edits or undoes it. No Telegram here: handlers render what this returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.core.dates import week_bounds
from bot.core.dossier import check, far_above_usual, late_without_apology
from bot.core.models import Officer, Task
from bot.core.parse import ParseResult
from bot.core.periods import reporting_period
from bot.core.readback import (
    Candidate,
    DossierDraft,
    EditProposal,
    Item,
    Readback,
    ReadbackRecord,
    State,
)
from bot.core.readback import (
    Mismatch as DraftMismatch,
)
from bot.services.tasks import TaskService, may_report_on, nearest_codes, supports_only
from storage.db import Tx
from storage.repositories import NewerReport, Repositories

DUPLICATE_WINDOW = timedelta(days=3)


@dataclass
class SaveOutcome:
    saved: list[str] = field(default_factory=list)  # task codes
    duplicates: list[str] = field(default_factory=list)
    dossier_saved: bool = False
    dossier_duplicate: bool = False
    already: State | None = None  # the state when it was not open any more
    #: (code, newer report) for tasks that got a newer saved report after this read-back was made; nothing is
    #: saved until the sender confirms (`force`)
    newer: list[tuple[str, NewerReport]] = field(default_factory=list)
    #: the dossier figures break a plausibility rule (shown in the read-back): saved only when confirmed
    implausible: bool = False
    #: the figures the unit already saved for the same period, which these would replace: asked first
    replaces: dict[str, int] | None = None

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.newer) or self.implausible or self.replaces is not None


UNDO_WITHOUT_ASKING = timedelta(days=1)


class ReadbackService:
    def __init__(self, repos: Repositories, tasks: TaskService, report_calendar: str = "fixed") -> None:
        self.repos = repos
        self.tasks = tasks
        self.report_calendar = report_calendar

    def this_period(self, today: date) -> tuple[date, date]:
        """What "kỳ này" means on `today`: the data period of the report being gathered under the
        commune's reporting calendar, else the calendar quarter."""
        return reporting_period(self.report_calendar, today)

    # -- building read-backs --------------------------------------------------------------------
    async def payload(self, officer: Officer, result: ParseResult, text: str, today: date) -> Readback:
        items = []
        for p in result.progress:
            res = await self.tasks.resolve(officer, p.task_ref, p.task_hint)
            item = Item(ref=p.task_ref, hint=p.task_hint, percent=p.percent, status=p.status, date=p.date,
                        note=p.note, problem=res.problem)
            if res.task is not None:
                task = res.task
                item = item.model_copy(update={"task_id": task.id, "code": task.code, "title": task.title,
                                               "problem": None})
                if not may_report_on(task, officer):
                    item.problem = "not_yours"
                    item.lead_units = list(task.lead_units)  # whose it is, for the answer
                elif supports_only(task, officer):  # recorded as support: the lead unit's status stays
                    item.support = True
                    item.lead_units = list(task.lead_units)
            elif res.problem == "unknown_code" and p.task_ref:  # "did you mean?": the sender's nearest codes
                mine = [t for t in await self.tasks.all(officer.commune_id) if may_report_on(t, officer)]
                item.candidates = [_candidate(t) for t in nearest_codes(p.task_ref, mine)]
            else:  # only tasks the sender may report on are offered, as a typed code would be checked
                mine = [t for t in res.candidates if may_report_on(t, officer)]
                item.candidates = [_candidate(t) for t in mine]
                if res.candidates and not mine:
                    item.problem = "no_match"
            items.append(item)
        dossier = None
        if result.dossier is not None:
            start, end = result.dossier.period_start, result.dossier.period_end
            if (start is None or end is None) and result.dossier.this_period:
                start, end = self.this_period(today)
            assumed = start is None or end is None
            if start is None or end is None:
                start, end = week_bounds(today)
            counts = dict(result.dossier.counts)
            mismatches = check(counts)
            if "received" in counts:
                history = await self.repos.reports.unit_intake_history(officer.commune_id, officer.unit_key)
                unusual = far_above_usual(counts["received"], (end - start).days + 1, history)
                if unusual is not None:
                    mismatches.append(unusual)
            dossier = DossierDraft(
                period_start=start, period_end=end, period_assumed=assumed, counts=counts,
                mismatches=[DraftMismatch(key=m.key, values=m.values) for m in mismatches],
                late_without_apology=late_without_apology(counts), note=result.dossier.note,
            )
        return Readback(text=text, items=items, dossier=dossier)

    async def create(
        self, officer: Officer, result: ParseResult, *, text: str, chat_id: int, source_message_id: int | None,
        inbox_id: int | None, now: datetime, source_chat_id: int | None = None,
    ) -> ReadbackRecord:
        payload = await self.payload(officer, result, text, now.date())
        return await self.repos.readbacks.create(
            commune_id=officer.commune_id, officer_id=officer.id, chat_id=chat_id,
            source_message_id=source_message_id, inbox_id=inbox_id, payload=payload, at=now,
            source_chat_id=source_chat_id,
        )

    async def get(self, readback_id: int) -> ReadbackRecord | None:
        return await self.repos.readbacks.get(readback_id)

    async def of_message(self, chat_id: int, message_id: int) -> ReadbackRecord | None:
        """The latest read-back of a message the sender wrote (to find it again when they edit it)."""
        return await self.repos.readbacks.by_source(chat_id, message_id)

    async def _fresh(self, readback_id: int) -> ReadbackRecord:
        fresh = await self.repos.readbacks.get(readback_id)
        assert fresh is not None
        return fresh

    async def replace(self, pending: ReadbackRecord, officer: Officer, result: ParseResult, text: str,
                      today: date) -> ReadbackRecord:
        payload = await self.payload(officer, result, text, today)
        await self.repos.readbacks.update(pending.id, payload=payload, state="pending")
        return await self._fresh(pending.id)

    async def pick(self, pending: ReadbackRecord, index: int, task_id: int, officer: Officer) -> ReadbackRecord:
        """The sender chose which task an item speaks of."""
        payload = pending.payload
        items = payload.items
        if not 0 <= index < len(items):
            return pending
        allowed = {c.task_id for c in items[index].candidates}
        task = await self.repos.tasks.by_id(task_id)
        # a button offers what a typed code would allow, no more: another unit's task is not yours to report on
        if task is None or task_id not in allowed or task.commune_id != officer.commune_id or not may_report_on(
                task, officer):
            return pending
        items[index] = items[index].model_copy(update={"task_id": task.id, "code": task.code, "title": task.title,
                                                       "problem": None, "candidates": []})
        await self.repos.readbacks.update(pending.id, payload=payload)
        return await self._fresh(pending.id)

    async def begin_edit(self, pending: ReadbackRecord) -> ReadbackRecord | State:
        """✏️ Sửa: the read-back waits for the corrected message (the next one replaces it); returns it, or the
        state it was found in when it is no longer open."""
        editing = (await self.repos.readbacks.transition(pending.id, "pending", "editing")
                   or await self.repos.readbacks.transition(pending.id, "draft", "editing"))
        if editing is not None:
            return editing
        fresh = await self.repos.readbacks.get(pending.id)
        return fresh.state if fresh is not None else pending.state

    async def shown(self, pending: ReadbackRecord, chat_id: int, message_id: int) -> None:
        """Where the read-back was shown, so that its buttons and its expiry edit find it."""
        self.repos.readbacks.shown_later(pending.id, chat_id, message_id)

    async def all_open(self) -> list[ReadbackRecord]:
        return await self.repos.readbacks.all_open()

    # -- deciding ---------------------------------------------------------------------------------
    async def save(self, pending: ReadbackRecord, officer: Officer, now: datetime, *,
                   force: bool = False) -> SaveOutcome:
        """Save a read-back. A read-back older than a saved report on one of its tasks (a stale button pressed
        days later, or a colleague's newer report) saves nothing unless `force`: `outcome.newer` says why.

        One unit of work, one trip to the database: the read-back read again (a second press, or another
        device, may have saved it meanwhile), the checks, the reports, the tasks' new state, the read-back
        saved and the update handled, committed together."""
        changed: list[Task | None] = []

        def work(tx: Tx) -> SaveOutcome:
            return self._save_in(tx, self.repos.readbacks.get_in(tx, pending.id) or pending, officer, now, force,
                                 changed)

        outcome = await self.repos.db.unit(work)
        for task in changed:
            self.repos.tasks.cached(task)
        return outcome

    async def save_pressed(self, readback_id: int, officer: Officer, now: datetime, *,
                           force: bool = False) -> tuple[ReadbackRecord, SaveOutcome] | None:
        """✅ Lưu pressed on read-back `readback_id`: saved as `save` does, in the same one trip, which also
        finds the read-back and checks it is the presser's own (None when it is not: stale or forged)."""
        changed: list[Task | None] = []

        def work(tx: Tx) -> tuple[ReadbackRecord, SaveOutcome] | None:
            found = self.repos.readbacks.get_in(tx, readback_id)
            if found is None or found.officer_id != officer.id:
                return None
            return found, self._save_in(tx, found, officer, now, force, changed)

        result = await self.repos.db.unit(work)
        for task in changed:
            self.repos.tasks.cached(task)
        return result

    def _save_in(self, tx: Tx, fresh: ReadbackRecord, officer: Officer, now: datetime, force: bool,
                 changed: list[Task | None]) -> SaveOutcome:
        out = SaveOutcome()
        if not fresh.open:
            out.already = fresh.state
            return out
        payload = fresh.payload
        if not force:
            self._warnings_in(tx, out, payload, fresh.created_at)
            d = payload.dossier
            if d is not None:
                old = self.repos.reports.same_period_dossier_in(tx, officer.commune_id, officer.unit_key,
                                                                d.period_start, d.period_end)
                if old is not None and old != d.counts:
                    out.replaces = old
            if out.needs_confirmation:
                return out
        self._write_in(tx, out, fresh, officer, now, changed)
        return out

    def _write_in(self, tx: Tx, out: SaveOutcome, pending: ReadbackRecord, officer: Officer, now: datetime,
                  changed: list[Task | None]) -> None:
        reports = self.repos.reports
        touched: dict[int, None] = {}
        for item in pending.payload.items:
            if item.task_id is None or item.problem or item.code is None:
                continue
            if reports.duplicate_progress_in(tx, officer.id, item.task_id, item.percent, item.status, item.date,
                                             now - DUPLICATE_WINDOW):
                out.duplicates.append(item.code)
                continue
            reports.add_progress_in(
                tx, commune_id=officer.commune_id, task_id=item.task_id, officer_id=officer.id,
                pending_id=pending.id, inbox_id=pending.inbox_id, percent=item.percent, status=item.status,
                when=item.date, note=item.note, at=now, support=item.support,
            )
            touched[item.task_id] = None
            out.saved.append(item.code)
        d = pending.payload.dossier
        if d is not None:
            if reports.duplicate_dossier_in(tx, officer.id, d.period_start, d.period_end, d.counts):
                out.dossier_duplicate = True
            else:
                reports.add_dossier_in(
                    tx, commune_id=officer.commune_id, officer_id=officer.id, unit_key=officer.unit_key,
                    pending_id=pending.id, inbox_id=pending.inbox_id, start=d.period_start, end=d.period_end,
                    counts=d.counts, at=now, note=d.note,
                )
                out.dossier_saved = True
        changed.extend(self.repos.tasks.refresh_progress_in(tx, task_id) for task_id in touched)
        self.repos.readbacks.update_in(tx, pending.id, state="saved")

    async def _warnings(self, out: SaveOutcome, payload: Readback, created_at: datetime,
                        excluding: int | None = None) -> None:
        await self.repos.db.read(lambda tx: self._warnings_in(tx, out, payload, created_at, excluding))

    def _warnings_in(self, tx: Tx, out: SaveOutcome, payload: Readback, created_at: datetime,
                     excluding: int | None = None) -> None:
        """What must be confirmed before `payload` is saved: newer reports on its tasks, figures that disagree."""
        for item in payload.items:
            if item.task_id is not None and item.code is not None and not item.problem:
                newer = self.repos.reports.newer_progress_in(tx, item.task_id, created_at, excluding=excluding)
                if newer is not None:
                    out.newer.append((item.code, newer))
        if payload.dossier is not None:
            out.implausible = bool(payload.dossier.mismatches)

    async def cancel(self, pending: ReadbackRecord) -> State | None:
        """❌ Hủy; returns the state it was found in when it was no longer open."""
        if not pending.open:
            return pending.state
        await self.repos.readbacks.update(pending.id, state="cancelled")
        return None

    async def expire(self, pending_id: int) -> ReadbackRecord | None:
        """An unconfirmed read-back becomes a draft (kept, still savable); returns it, or None when it
        was saved, cancelled or replaced meanwhile."""
        return await self.repos.readbacks.transition(pending_id, "pending", "draft")

    async def last_to_undo(self, officer: Officer, now: datetime) -> tuple[ReadbackRecord | None, bool]:
        """(the officer's last saved report, whether undoing it must be confirmed first): it is older than a
        day, or the officer has written another report since (so it is not what they just did)."""
        pending = await self.repos.readbacks.last_saved(officer.id)
        if pending is None:
            return None, False
        old = now - pending.created_at > UNDO_WITHOUT_ASKING
        return pending, old or await self.repos.readbacks.has_later(officer.id, pending.id)

    async def undo(self, pending: ReadbackRecord, officer: Officer) -> ReadbackRecord | None:
        """Undo a saved report of the officer's; None when it is not (or no longer) a saved one of theirs."""
        fresh = await self.repos.readbacks.get(pending.id)
        if fresh is None or fresh.officer_id != officer.id or fresh.state != "saved":
            return None
        return await self._undo(fresh)

    async def undo_last(self, officer: Officer) -> ReadbackRecord | None:
        pending = await self.repos.readbacks.last_saved(officer.id)
        if pending is None:
            return None
        return await self._undo(pending)

    async def _undo(self, pending: ReadbackRecord) -> ReadbackRecord:
        async with self.repos.db.transaction():
            for task_id in await self.repos.reports.undo_pending(pending.id):
                await self.repos.tasks.refresh_progress(task_id)
            await self.repos.readbacks.update(pending.id, state="undone")
        return pending

    async def propose_edit(self, pending: ReadbackRecord, officer: Officer, result: ParseResult, text: str,
                           today: date) -> tuple[Readback, int]:
        """The sender edited a message whose report was saved: nothing changes yet. The edited reading is kept
        beside the saved one as proposal number n (a later edit makes a newer proposal) until they choose."""
        proposal = await self.payload(officer, result, text, today)
        previous = pending.payload.proposed_edit
        n = (previous.n if previous else 0) + 1
        payload = pending.payload.model_copy(update={"proposed_edit": EditProposal(n=n, payload=proposal)})
        await self.repos.readbacks.update(pending.id, payload=payload)
        return proposal, n

    async def decide_edit(self, pending: ReadbackRecord, officer: Officer, n: int, accept: bool,
                          now: datetime, *, force: bool = False) -> SaveOutcome | str:
        """Apply (accept) or drop the edit proposal n: the outcome of saving it ("needs_confirmation" when a
        newer report or figures that disagree must be confirmed first: nothing changed then), "kept" when
        dropped, or why nothing happened ("replaced": a later edit made a newer proposal; "gone": decided)."""
        proposed = pending.payload.proposed_edit
        if pending.state != "saved" or proposed is None:
            return "gone"
        if proposed.n != n:
            return "replaced"
        if accept and not force:
            out = SaveOutcome()
            await self._warnings(out, proposed.payload, pending.created_at, excluding=pending.id)
            if out.needs_confirmation:
                return out
        async with self.repos.db.transaction():
            if not accept:
                kept = pending.payload.model_copy(update={"proposed_edit": None})
                await self.repos.readbacks.update(pending.id, payload=kept)
                return "kept"
            for task_id in await self.repos.reports.undo_pending(pending.id):
                await self.repos.tasks.refresh_progress(task_id)
            await self.repos.readbacks.update(pending.id, payload=proposed.payload, state="pending")
            return await self.save(await self._fresh(pending.id), officer, now, force=True)


def _candidate(task: Task) -> Candidate:
    return Candidate(task_id=task.id, code=task.code, title=task.title)
