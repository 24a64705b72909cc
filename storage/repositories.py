"""All repositories over one database (the modules in `storage/repos/`, one per aggregate)."""

from __future__ import annotations

from storage.db import Database
from storage.repos.inbox import AuditRepo, InboxRepo, InboxRow
from storage.repos.people import CommuneRepo, InviteRepo, OfficerRepo
from storage.repos.plans import PlanPreviewRepo, PlanRepo, TaskCache, TaskRepo
from storage.repos.reminders import LedgerRepo, RuleRepo
from storage.repos.reports import DOSSIER_KEYS, FormRepo, NewerReport, ReadbackRepo, ReportRepo
from storage.repos.rows import DuplicateError

__all__ = ["DOSSIER_KEYS", "DuplicateError", "InboxRow", "NewerReport", "Repositories"]


class Repositories:
    """All repositories over one database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.communes = CommuneRepo(db)
        self.officers = OfficerRepo(db)
        self.task_cache = TaskCache()
        self.plans = PlanRepo(db, self.task_cache)
        self.inbox = InboxRepo(db)
        self.audit = AuditRepo(db)
        self.ledger = LedgerRepo(db)
        self.rules = RuleRepo(db)
        self.tasks = TaskRepo(db, self.task_cache)
        self.reports = ReportRepo(db)
        self.readbacks = ReadbackRepo(db)
        self.invites = InviteRepo(db)
        self.plan_previews = PlanPreviewRepo(db)
        self.forms = FormRepo(db)
