"""/moi: single-use invitations, by buttons (role, then unit) or typed in Vietnamese words
("/moi canbo dia-chinh 7 Trần Văn Nam": role, unit, days valid, whom it is for); the office is told when one
is used (`tell_office_of_join`)."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.helpers import create_deep_linked_url

from bot.core.domain import ROLES
from bot.core.models import Invite, Officer
from bot.core.permissions import Perm, allowed
from bot.core.text import fold
from bot.i18n import translator
from bot.services.people import INVITE_DAYS
from handlers.callbacks import InviteRole, InviteUnit
from handlers.common import button, deny, edit_html, esc, notify, reply, requires, send_html
from handlers.context import BotContext
from handlers.readback_send import forged

#: the words people type for a role, folded, without spaces or dashes
ROLE_WORDS = {
    "chutich": "chairman", "ct": "chairman", "phochutich": "vice_chairman", "pct": "vice_chairman",
    "vanphong": "office", "vanphongthongke": "office", "canbo": "officer", "congchuc": "officer",
    "chuyenmon": "officer", "quantri": "admin", "quantrivien": "admin",
    **{r.replace("_", ""): r for r in ROLES},
}


def _squash(word: str) -> str:
    return "".join(ch for ch in fold(word) if ch.isalnum())


def read_role(word: str) -> str | None:
    return ROLE_WORDS.get(_squash(word))


def read_unit(word: str, names: dict[str, str]) -> str | None:
    """A unit by its key or its name, as typed ("dia-chinh", "địa chính", "diachinh")."""
    w = _squash(word)
    if not w:
        return None
    for key, name in names.items():
        if w in (_squash(key), _squash(name)):
            return key
    return None


@requires(Perm.INVITE)
async def moi(update: Update, context: BotContext) -> None:
    officer = context.officer
    assert officer is not None
    args = context.args or []
    t = context.t
    if not args:
        await send_html(update, context, t("invite.pick_role"), markup=_role_buttons(context))
        return
    role, rest = _leading(args, read_role)
    if role is None:
        await send_html(update, context, t("invite.bad_role", role=esc(args[0])), markup=_role_buttons(context))
        return
    names = await context.services.people.unit_names(officer.commune_id)
    unit, after = _leading(rest, lambda w: read_unit(w, names), longest=6)
    if unit is None and rest and not rest[0].isdigit() and "-" in rest[0]:  # a unit key that is not one
        await reply(update, context, "invite.bad_unit", unit=rest[0], units=", ".join(names))
        return
    rest = after
    days = INVITE_DAYS
    if rest and rest[0].isdigit() and 1 <= int(rest[0]) <= 90:
        days, rest = int(rest[0]), rest[1:]
    await send_html(update, context, await _create(context, officer, role, unit, days, " ".join(rest) or None))


async def invite_button(update: Update, context: BotContext) -> None:
    """mv:r:ROLE (a role was chosen: now the unit) · mv:u:ROLE:UNIT (create; UNIT "-" for none)."""
    pressed = button(update, context, InviteRole, InviteUnit)
    if pressed is None:
        return
    query, officer, m = pressed
    if not allowed(officer.roles, Perm.INVITE):
        await query.answer()
        await deny(update, context, Perm.INVITE, "moi")
        return
    names = await context.services.people.unit_names(officer.commune_id)
    role = m.role if isinstance(m, InviteRole | InviteUnit) else None
    unit = m.unit if isinstance(m, InviteUnit) else None
    if role not in ROLES or (unit is not None and unit != "-" and unit not in names):
        await forged(update, context)
        return
    assert role is not None and query.message is not None
    t = context.t
    if unit is None:
        rows = [[InviteUnit(role, key).button(name)] for key, name in names.items()]
        rows.append([InviteUnit(role, "-").button(t("invite.no_unit"))])
        await edit_html(context, query.message.chat.id, query.message.message_id,
                        t("invite.pick_unit", role=t(f"role.{role}")), InlineKeyboardMarkup(rows))
        await query.answer()
        return
    text = await _create(context, officer, role, None if unit == "-" else unit, INVITE_DAYS, None)
    await edit_html(context, query.message.chat.id, query.message.message_id, text)
    await query.answer()


def _leading(words: list[str], read: Callable[[str], str | None], longest: int = 3
             ) -> tuple[str | None, list[str]]:
    """What the first words say ("cán bộ", "địa chính", "Địa chính - Xây dựng"), longest reading first, and
    the words after it."""
    for n in range(min(longest, len(words)), 0, -1):
        found = read(" ".join(words[:n]))
        if found is not None:
            return found, words[n:]
    return None, words


def _role_buttons(context: BotContext) -> InlineKeyboardMarkup:
    t = context.t
    return InlineKeyboardMarkup([[InviteRole(r).button(t(f"role.{r}"))] for r in ROLES])


async def _create(context: BotContext, officer: Officer, role: str, unit: str | None, days: int,
                  invitee: str | None) -> str:
    services = context.services
    invite = await services.people.invite(officer, role, unit, services.clock.now(), days=days, invitee=invitee)
    names = await services.people.unit_names(officer.commune_id)
    link = create_deep_linked_url(context.bot.username, invite.code)
    t = context.t
    text = t("invite.created", code=invite.code, link=link, role=t(f"role.{role}"),
             unit=esc(names.get(unit or "", "—")), date=t.date(invite.expires_at.date()))
    return text + ("\n" + t("invite.for_whom", name=esc(invite.invitee)) if invite.invitee else "")


async def tell_office_of_join(context: BotContext, joined: Officer, invite: Invite) -> None:
    """Whoever made the invitation and the commune's office and admins learn that it was used."""
    people = context.services.people
    names = await people.unit_names(joined.commune_id)
    for person in await people.to_tell_of_join(joined, invite):
        t = translator(person.locale)
        await notify(context, person, t("invite.joined", name=esc(joined.name), id=joined.telegram_id,
                                        role=t(f"role.{invite.role}"), unit=esc(names.get(invite.unit_key or "", "—"))))
