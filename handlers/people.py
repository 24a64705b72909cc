"""Joining by invitation (/moi, /start CODE), the people list (/canbo) and leave (/nghi)."""

from __future__ import annotations

from datetime import datetime

from telegram import Update

from bot.core.absence import Leave, add_leave, current_or_next, end_leave, parse_absence
from bot.core.domain import ROLES, UNIT_KEYS
from bot.core.models import Officer
from bot.core.permissions import Perm, allowed, role_change_refusal
from handlers.common import deny, esc, reply, send_html
from handlers.context import BotContext
from handlers.invite import tell_office_of_join
from handlers.menus import sync_menu
from handlers.start import role_names, start


async def start_or_join(update: Update, context: BotContext) -> None:
    """/start, or /start CODE from someone not registered yet."""
    args = context.args or []
    if context.officer is not None or not args:
        await start(update, context)
        return
    user = update.effective_user
    if user is None:
        return
    services = context.services
    now = services.clock.now()
    code = args[0].strip().upper()
    invite = await services.repos.invites.get(code)
    problem = None
    if invite is None:
        problem = "invite.wrong"
    elif invite["used_by"] is not None:
        problem = "invite.used"
    elif datetime.fromisoformat(invite["expires_at"]) < now:
        problem = "invite.expired"
    if problem is not None or invite is None:
        await services.repos.audit.log("invite_refused", user_id=user.id, at=now, detail=code[:16])
        await reply(update, context, problem or "invite.wrong", user_id=user.id)
        return
    existing = await services.repos.officers.by_telegram_id(user.id)
    if existing is not None:  # a deactivated person cannot come back through an invitation
        await reply(update, context, "refuse.deactivated", user_id=user.id)
        return
    name = " ".join(x for x in (user.first_name, user.last_name) if x) or f"user{user.id}"
    officer = await services.repos.officers.add(invite["commune_id"], user.id, name, [invite["role"]],
                                                invite["unit_key"])
    await services.repos.invites.use(code, officer.id, now)
    await services.repos.audit.log("joined", user_id=user.id, at=now, officer_id=officer.id,
                                   commune_id=officer.commune_id, detail=code)
    context.state.officer = officer
    await sync_menu(context.bot, services.repos, officer)
    await start(update, context)
    await tell_office_of_join(context, officer, invite)


async def canbo(update: Update, context: BotContext) -> None:
    """/canbo: officers with unit, role and last report. Admins: /canbo ID vaitro ROLE | bophan UNIT | khoa."""
    officer = context.officer
    if officer is None:
        return
    args = context.args or []
    if args:
        if allowed(officer.roles, Perm.INVITE):
            await _change(update, context, args)
        else:
            await deny(update, context, Perm.INVITE, "canbo")
        return
    if not allowed(officer.roles, Perm.READ_COMMUNE):
        await reply(update, context, "misc.forbidden")
        return
    services = context.services
    t = context.t
    names = await services.repos.communes.unit_names(officer.commune_id)
    today = services.clock.now().date()
    lines = [t("people.header")]
    for p in await services.repos.officers.list(officer.commune_id):
        last = await services.repos.reports.last_report_at(p.id)
        when = t.date(datetime.fromisoformat(last).date()) if last else t("people.never")
        state = "" if p.active else " " + t("people.inactive")
        away = ""
        leave = current_or_next(p.leaves, today)
        if leave is not None:
            away = " " + (t("people.away_from", start=t.date(leave[0]), date=t.date(leave[1]))
                          if leave[0] > today else t("people.away", date=t.date(leave[1])))
        lines.append(t("people.line", name=esc(p.name), id=p.telegram_id, roles=role_names(context, p.roles),
                       unit=esc(names.get(p.unit_key or "", "—")), last=when) + state + away)
    waiting = await services.repos.invites.waiting(officer.commune_id, services.clock.now())
    if waiting:  # invited, not joined yet
        lines.append(t("people.waiting_header", n=len(waiting)))
        for w in waiting:
            lines.append(t("people.waiting_line", who=esc(w.get("invitee") or t("people.waiting_unnamed")),
                           role=t(f"role.{w['role']}"), unit=esc(names.get(w["unit_key"] or "", "—")),
                           code=w["code"], date=t.date(datetime.fromisoformat(w["expires_at"]).date())))
    if allowed(officer.roles, Perm.INVITE):
        lines.append(t("people.admin_hint"))
    await send_html(update, context, "\n".join(lines))


async def _change(update: Update, context: BotContext, args: list[str]) -> None:
    officer = context.officer
    assert officer is not None
    services = context.services
    if not args[0].isdigit() or len(args) < 2:
        await reply(update, context, "people.usage")
        return
    person = await services.repos.officers.by_telegram_id(int(args[0]))
    if person is None or person.commune_id != officer.commune_id:
        await reply(update, context, "people.not_found", id=args[0])
        return
    action = args[1].lower()
    now = services.clock.now()
    new_roles = args[2].split(",") if action in ("vaitro", "vai-tro") and len(args) == 3 else None
    if action in ("khoa", "khóa", "vaitro", "vai-tro"):
        admins = [p for p in await services.repos.officers.list(officer.commune_id, active_only=True)
                  if p.has_role("admin") and p.id != person.id]
        refusal = role_change_refusal(officer.roles, is_self=person.id == officer.id, target_roles=person.roles,
                                      new_roles=new_roles, deactivate=action in ("khoa", "khóa"),
                                      other_active_admins=len(admins))
        if refusal is not None:
            await services.repos.audit.log("forbidden", user_id=officer.telegram_id, at=now, officer_id=officer.id,
                                           commune_id=officer.commune_id, detail=f"{refusal}:{person.telegram_id}")
            await reply(update, context, f"people.{refusal}", name=person.name)
            return
    if action in ("khoa", "khóa") and len(args) == 2:
        await services.repos.officers.update(person.id, active=0)
        detail = "deactivate"
        await reply(update, context, "people.deactivated", name=person.name)
    elif action in ("mo", "mở") and len(args) == 2:
        await services.repos.officers.update(person.id, active=1)
        detail = "activate"
        await reply(update, context, "people.activated", name=person.name)
    elif action in ("vaitro", "vai-tro") and len(args) == 3 and all(r in ROLES for r in args[2].split(",")):
        await services.repos.officers.update(person.id, roles=args[2])
        detail = f"roles:{args[2]}"
        await reply(update, context, "people.changed", name=person.name)
    elif action in ("bophan", "bo-phan") and len(args) == 3 and args[2] in UNIT_KEYS:
        await services.repos.officers.update(person.id, unit_key=args[2])
        detail = f"unit:{args[2]}"
        await reply(update, context, "people.changed", name=person.name)
    else:
        await reply(update, context, "people.usage")
        return
    await services.repos.audit.log("people_change", user_id=officer.telegram_id, at=now, officer_id=officer.id,
                                   commune_id=officer.commune_id, detail=f"{person.telegram_id}:{detail}")
    changed = await services.repos.officers.by_id(person.id)
    if changed is not None:  # their menu follows their roles (or goes, when deactivated)
        await sync_menu(context.bot, services.repos, changed)


async def nghi(update: Update, context: BotContext) -> None:
    """/nghi đến 04/12: leave; reminders skip the person and summaries show them away."""
    officer = context.officer
    if officer is None:
        return
    services = context.services
    text = " ".join(context.args or [])
    if not text:
        await reply(update, context, "absence.usage")
        return
    if text.strip().lower() in ("het", "hết", "xong", "huy", "hủy"):
        await services.repos.officers.set_leaves(officer.id, end_leave(officer.leaves, services.clock.now().date()))
        await reply(update, context, "absence.cleared")
        return
    leave = parse_absence(text, services.clock.now(), command=True)
    if leave is None:
        await reply(update, context, "absence.usage")
        return
    await record_leave(update, context, officer, leave)


async def record_leave(update: Update, context: BotContext, officer: Officer, leave: Leave) -> None:
    """Reminders skip the officer on those days; summaries and /canbo show the leave. The period is added to
    those announced before (merged where they touch), never cutting one short."""
    today = context.services.clock.now().date()
    periods = add_leave(officer.leaves, leave.start or today, leave.end, today)
    await context.services.repos.officers.set_leaves(officer.id, periods)
    widened = next((p for p in periods if p[0] <= (leave.start or today) <= p[1]), None)
    if widened is not None and (widened[0] < (leave.start or today) or widened[1] > leave.end):
        await reply(update, context, "absence.within", start=context.t.date(widened[0]),
                    date=context.t.date(widened[1]))
        return
    if leave.start is not None:
        await reply(update, context, "absence.recorded_from", start=context.t.date(leave.start),
                    date=context.t.date(leave.end))
    else:
        await reply(update, context, "absence.recorded", date=context.t.date(leave.end))
