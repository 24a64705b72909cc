"""Joining by invitation (/moi, /start CODE), the people list (/canbo) and leave (/nghi)."""

from __future__ import annotations

from telegram import Update

from bot.core.absence import Leave, add_leave, current_or_next, end_leave, parse_absence
from bot.core.models import Officer
from bot.core.permissions import Perm, allowed
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
    name = " ".join(x for x in (user.first_name, user.last_name) if x) or f"user{user.id}"
    joined = await services.people.join(args[0].strip().upper(), user.id, name, services.clock.now())
    if joined.officer is None or joined.invite is None:
        await reply(update, context, joined.problem or "invite.wrong", user_id=user.id)
        return
    context.state.officer = joined.officer
    await sync_menu(context.bot, services.people, joined.officer)
    await start(update, context)
    await tell_office_of_join(context, joined.officer, joined.invite)


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
    names = await services.people.unit_names(officer.commune_id)
    today = services.clock.now().date()
    lines = [t("people.header")]
    for line in await services.people.roster(officer.commune_id):
        p, last = line.officer, line.last_report
        when = t.date(last.date()) if last else t("people.never")
        state = "" if p.active else " " + t("people.inactive")
        away = ""
        leave = current_or_next(p.leaves, today)
        if leave is not None:
            away = " " + (t("people.away_from", start=t.date(leave[0]), date=t.date(leave[1]))
                          if leave[0] > today else t("people.away", date=t.date(leave[1])))
        lines.append(t("people.line", name=esc(p.name), id=p.telegram_id, roles=role_names(context, p.roles),
                       unit=esc(names.get(p.unit_key or "", "—")), last=when) + state + away)
    waiting = await services.people.waiting(officer.commune_id, services.clock.now())
    if waiting:  # invited, not joined yet
        lines.append(t("people.waiting_header", n=len(waiting)))
        for w in waiting:
            lines.append(t("people.waiting_line", who=esc(w.invitee or t("people.waiting_unnamed")),
                           role=t(f"role.{w.role}"), unit=esc(names.get(w.unit_key or "", "—")),
                           code=w.code, date=t.date(w.expires_at.date())))
    if allowed(officer.roles, Perm.INVITE):
        lines.append(t("people.admin_hint"))
    await send_html(update, context, "\n".join(lines))


async def _change(update: Update, context: BotContext, args: list[str]) -> None:
    officer = context.officer
    assert officer is not None
    services = context.services
    if not args[0].isdigit() or len(args) < 2 or len(args) > 3:
        await reply(update, context, "people.usage")
        return
    changed = await services.people.change(officer, int(args[0]), args[1], args[2] if len(args) == 3 else None,
                                           services.clock.now())
    name = changed.person.name if changed.person else ""
    await reply(update, context, f"people.{changed.key}", name=name, id=args[0])
    if changed.key in ("deactivated", "activated", "changed") and changed.person is not None:
        await sync_menu(context.bot, services.people, changed.person)  # their menu follows their roles


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
        await services.people.set_leaves(officer, end_leave(officer.leaves, services.clock.now().date()))
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
    await context.services.people.set_leaves(officer, periods)
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
