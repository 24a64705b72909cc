"""People of a commune: who they are, joining by invitation, roles and units, leave, language, reminders
paused; and the audit journal every use case writes to. No Telegram here."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from bot.core.domain import ROLES, UNIT_KEYS
from bot.core.models import Commune, Invite, Officer
from bot.core.permissions import role_change_refusal
from storage.repositories import Repositories

INVITE_DAYS = 7
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


class Journal:
    """The audit log: who did what, when (never message text)."""

    def __init__(self, repos: Repositories) -> None:
        self.repos = repos

    async def log(self, action: str, *, user_id: int | None, at: datetime, officer: Officer | None = None,
                  detail: str | None = None) -> None:
        await self.repos.audit.log(action, user_id=user_id, at=at, officer_id=officer.id if officer else None,
                                   commune_id=officer.commune_id if officer else None, detail=detail)


@dataclass(frozen=True)
class Joined:
    """The outcome of /start CODE: the new officer and their invitation, or why not (a message key)."""

    officer: Officer | None = None
    invite: Invite | None = None
    problem: Literal["invite.wrong", "invite.used", "invite.expired", "refuse.deactivated"] | None = None


@dataclass(frozen=True)
class RosterLine:
    officer: Officer
    last_report: datetime | None


#: what an admin may change with /canbo ID …, by the words they type
CHANGE_WORDS = {"khoa": "deactivate", "khóa": "deactivate", "mo": "activate", "mở": "activate",
                "vaitro": "roles", "vai-tro": "roles", "bophan": "unit", "bo-phan": "unit"}


@dataclass(frozen=True)
class Changed:
    """The outcome of a change to someone: a message key under `people.` and the person as they are now."""

    key: str
    person: Officer | None = None


class PeopleService:
    def __init__(self, repos: Repositories) -> None:
        self.repos = repos
        self.journal = Journal(repos)

    # -- communes (a province serves many) ------------------------------------------------------------
    async def communes(self) -> list[Commune]:
        return await self.repos.communes.all()

    async def commune_by_key(self, key: str) -> Commune | None:
        return await self.repos.communes.by_key(key)

    async def add_commune(self, key: str, name: str) -> Commune:
        """DuplicateError when the key or the name is taken."""
        return await self.repos.communes.add(key, name)

    async def unit_names(self, commune_id: int) -> dict[str, str]:
        return await self.repos.communes.unit_names(commune_id)

    async def commune(self, commune_id: int) -> Commune | None:
        return await self.repos.communes.get(commune_id)

    async def by_id(self, officer_id: int | None) -> Officer | None:
        return await self.repos.officers.by_id(officer_id) if officer_id is not None else None

    async def by_telegram_id(self, telegram_id: int) -> Officer | None:
        return await self.repos.officers.by_telegram_id(telegram_id)

    async def active(self, commune_id: int) -> list[Officer]:
        return await self.repos.officers.list(commune_id, active_only=True)

    async def everyone(self) -> list[Officer]:
        return await self.repos.officers.list()

    async def unit_of(self, officer_id: int | None) -> str | None:
        person = await self.by_id(officer_id)
        return person.unit_key if person else None

    # -- the shell's way in (python -m bot user …) -----------------------------------------------------
    async def register(self, commune_id: int, telegram_id: int, name: str, roles: list[str], unit: str | None,
                       locale: str = "vi") -> Officer:
        """Add someone directly (the first admin, before anyone can invite). DuplicateError if registered."""
        return await self.repos.officers.add(commune_id, telegram_id, name, roles, unit, locale)

    async def set_roles(self, officer: Officer, roles: list[str]) -> None:
        await self.repos.officers.update(officer.id, roles=",".join(roles))

    async def set_active(self, telegram_id: int, active: bool) -> bool:
        """False when nobody has that Telegram id."""
        return await self.repos.officers.set_active(telegram_id, active)

    # -- one's own settings --------------------------------------------------------------------------
    async def set_locale(self, officer: Officer, locale: str) -> Officer | None:
        await self.repos.officers.update(officer.id, locale=locale)
        return await self.repos.officers.by_id(officer.id)

    async def menu_set(self, officer: Officer, key: str) -> None:
        """The command menu `key` was set in Telegram for the officer."""
        await self.repos.officers.update(officer.id, menu_key=key)

    async def pause_reminders(self, officer: Officer, until: date | None) -> None:
        await self.repos.officers.update(officer.id, reminders_paused_until=until.isoformat() if until else None)

    async def set_leaves(self, officer: Officer, periods: tuple[tuple[date, date], ...]) -> None:
        await self.repos.officers.set_leaves(officer.id, periods)

    # -- invitations ---------------------------------------------------------------------------------
    async def invite(self, by: Officer, role: str, unit: str | None, now: datetime, *, days: int = INVITE_DAYS,
                     invitee: str | None = None) -> Invite:
        code = new_code()
        invitee = invitee[:80] if invitee else None
        async with self.repos.db.transaction():
            await self.repos.invites.create(code=code, commune_id=by.commune_id, role=role, unit_key=unit,
                                            created_by=by.id, at=now, expires=now + timedelta(days=days),
                                            invitee=invitee)
            await self.journal.log("invite", user_id=by.telegram_id, at=now, officer=by, detail=f"{role}:{unit}")
        return Invite(code=code, commune_id=by.commune_id, role=role, unit_key=unit, created_by=by.id,
                      created_at=now, expires_at=now + timedelta(days=days), invitee=invitee)

    async def waiting(self, commune_id: int, now: datetime) -> list[Invite]:
        return await self.repos.invites.waiting(commune_id, now)

    async def join(self, code: str, user_id: int, name: str, now: datetime) -> Joined:
        """/start CODE from someone not registered: they join the invitation's commune with its role."""
        invite = await self.repos.invites.get(code)
        problem: Literal["invite.wrong", "invite.used", "invite.expired"] | None = None
        if invite is None:
            problem = "invite.wrong"
        elif invite.used_by is not None:
            problem = "invite.used"
        elif invite.expires_at < now:
            problem = "invite.expired"
        if problem is not None or invite is None:
            await self.journal.log("invite_refused", user_id=user_id, at=now, detail=code[:16])
            return Joined(problem=problem or "invite.wrong")
        if await self.repos.officers.by_telegram_id(user_id) is not None:
            return Joined(problem="refuse.deactivated")  # a deactivated person cannot come back this way
        async with self.repos.db.transaction():
            officer = await self.repos.officers.add(invite.commune_id, user_id, name, [invite.role], invite.unit_key)
            await self.repos.invites.use(code, officer.id, now)
            await self.journal.log("joined", user_id=user_id, at=now, officer=officer, detail=code)
        return Joined(officer=officer, invite=invite)

    async def to_tell_of_join(self, joined: Officer, invite: Invite) -> list[Officer]:
        """Whoever made the invitation and the commune's office and admins."""
        return [p for p in await self.active(joined.commune_id) if p.id != joined.id and (
            p.id == invite.created_by or p.has_role("office", "admin"))]

    # -- the people list and changes -----------------------------------------------------------------
    async def roster(self, commune_id: int) -> list[RosterLine]:
        out = []
        for p in await self.repos.officers.list(commune_id):
            last = await self.repos.reports.last_report_at(p.id)
            out.append(RosterLine(p, datetime.fromisoformat(last) if last else None))
        return out

    async def change(self, by: Officer, telegram_id: int, word: str, value: str | None, now: datetime) -> Changed:
        """/canbo ID khoa | mo | vaitro ROLES | bophan UNIT, by an admin of the same commune."""
        person = await self.repos.officers.by_telegram_id(telegram_id)
        if person is None or person.commune_id != by.commune_id:
            return Changed("not_found")
        action = CHANGE_WORDS.get(word.lower())
        new_roles = value.split(",") if action == "roles" and value else None
        if action in ("deactivate", "roles"):
            admins = [p for p in await self.active(by.commune_id) if p.has_role("admin") and p.id != person.id]
            refusal = role_change_refusal(by.roles, is_self=person.id == by.id, target_roles=person.roles,
                                          new_roles=new_roles, deactivate=action == "deactivate",
                                          other_active_admins=len(admins))
            if refusal is not None:
                await self.journal.log("forbidden", user_id=by.telegram_id, at=now, officer=by,
                                       detail=f"{refusal}:{person.telegram_id}")
                return Changed(refusal, person)
        if action == "deactivate" and value is None:
            fields: dict[str, object] = {"active": 0}
            detail, key = "deactivate", "deactivated"
        elif action == "activate" and value is None:
            fields, detail, key = {"active": 1}, "activate", "activated"
        elif action == "roles" and new_roles and all(r in ROLES for r in new_roles):
            fields, detail, key = {"roles": value}, f"roles:{value}", "changed"
        elif action == "unit" and value in UNIT_KEYS:
            fields, detail, key = {"unit_key": value}, f"unit:{value}", "changed"
        else:
            return Changed("usage", person)
        async with self.repos.db.transaction():
            await self.repos.officers.update(person.id, **fields)
            await self.journal.log("people_change", user_id=by.telegram_id, at=now, officer=by,
                                   detail=f"{person.telegram_id}:{detail}")
        return Changed(key, await self.repos.officers.by_id(person.id))
