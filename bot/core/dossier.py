"""Dossier figures: the relations that hold when they are right, and the rates reports compute."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mismatch:
    """One relation that does not add up: `key` names the message, `values` fill it."""

    key: str
    values: dict[str, int]


#: the channels a received dossier comes by; "direct_postal" is one figure for the last two together
CHANNELS = ("online", "direct", "postal")
#: how resolved dossiers were resolved
TIMELINESS = ("early", "on_time", "late")
#: what became of every dossier of the period
OUTCOMES = ("resolved", "pending", "withdrawn")


def _channel_parts(c: dict[str, int]) -> tuple[list[int], bool]:
    """The stated channel figures and whether they cover every channel."""
    if "direct_postal" in c:
        parts = [c["direct_postal"]] + ([c["online"]] if "online" in c else [])
        return parts, "online" in c
    parts = [c[k] for k in CHANNELS if k in c]
    return parts, len(parts) == len(CHANNELS)


def check(counts: dict[str, int], previous_pending: int | None = None) -> list[Mismatch]:
    """The relations of domain.md that the stated figures break, as far as they can be checked.

    A whole and its parts (received by channel, resolved by timeliness, every dossier by outcome) must add
    up when every part is stated, and the stated parts may never exceed the whole when only some are. A
    channel figure may count the dossiers carried over as well as the new ones (reports differ), so channels
    are held against received + carried over when carried over is stated. No figure is negative.
    """
    c = counts
    out: list[Mismatch] = []
    for value in c.values():
        if value < 0:
            out.append(Mismatch("negative", {"value": value}))
    if out:
        return out

    def has(*keys: str) -> bool:
        return all(k in c for k in keys)

    if has("total", "carried_over", "received") and c["total"] != c["carried_over"] + c["received"]:
        out.append(Mismatch("total_parts", {"total": c["total"], "sum": c["carried_over"] + c["received"]}))
    whole = c["total"] if "total" in c else (
        c["carried_over"] + c["received"] if has("carried_over", "received") else None)
    outcomes = [c[k] for k in OUTCOMES if k in c]
    if whole is not None and outcomes:
        if len(outcomes) == len(OUTCOMES) and sum(outcomes) != whole:
            out.append(Mismatch("total_outcomes", {"total": whole, "sum": sum(outcomes)}))
        elif sum(outcomes) > whole:
            out.append(Mismatch("outcomes_over", {"total": whole, "sum": sum(outcomes)}))
    timely = [c[k] for k in TIMELINESS if k in c]
    if "resolved" in c and timely:
        if len(timely) == len(TIMELINESS) and sum(timely) != c["resolved"]:
            out.append(Mismatch("resolved_parts", {"resolved": c["resolved"], "sum": sum(timely)}))
        elif sum(timely) > c["resolved"]:
            out.append(Mismatch("resolved_over", {"resolved": c["resolved"], "sum": sum(timely)}))
    channels, all_channels = _channel_parts(c)
    if "received" in c and channels:
        allowed = {c["received"]} | ({c["received"] + c["carried_over"]} if "carried_over" in c else set())
        if all_channels and sum(channels) not in allowed:
            out.append(Mismatch("channels", {"received": c["received"], "sum": sum(channels)}))
        elif not all_channels and sum(channels) > max(allowed):
            if channels == [c.get("online")]:
                out.append(Mismatch("online_over", {"online": c["online"], "received": max(allowed)}))
            else:
                out.append(Mismatch("channels_over", {"received": max(allowed), "sum": sum(channels)}))
    if has("apologized", "late") and c["apologized"] > c["late"]:
        out.append(Mismatch("apology_over", {"apologized": c["apologized"], "late": c["late"]}))
    if has("feedback_answered", "feedback_received") and c["feedback_answered"] > c["feedback_received"]:
        out.append(Mismatch("feedback_over", {"answered": c["feedback_answered"], "received": c["feedback_received"]}))
    if previous_pending is not None and "carried_over" in c and c["carried_over"] != previous_pending:
        out.append(Mismatch("carried_over", {"carried_over": c["carried_over"], "previous": previous_pending}))
    return out


def late_without_apology(counts: dict[str, int]) -> int:
    """Late dossiers with no apology slip recorded (Nghị định 61/2018/NĐ-CP requires one for each)."""
    late = counts.get("late", 0)
    return max(0, late - counts.get("apologized", 0)) if late else 0


def rate(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return 100.0 * part / whole


#: a unit's figures this many times its usual daily intake ask to be confirmed
FAR_ABOVE = 5
#: reports of the unit needed before "usual" means anything
USUAL_AFTER = 4


def far_above_usual(received: int, days: int, history: list[tuple[int, int]]) -> Mismatch | None:
    """Received dossiers far beyond the unit's own history (more than FAR_ABOVE times its median per day,
    over its earlier reports: (received, days) each), which is most often a typo (120 for 12) or a
    cumulative total sent as a week's."""
    rates = sorted(r / max(d, 1) for r, d in history if r is not None and d > 0)
    if len(rates) < USUAL_AFTER or received <= 0:
        return None
    mid = len(rates) // 2
    median = rates[mid] if len(rates) % 2 else (rates[mid - 1] + rates[mid]) / 2
    if median <= 0 or received / max(days, 1) <= FAR_ABOVE * median:
        return None
    return Mismatch("far_above_usual", {"received": received, "usual": max(1, round(median * max(days, 1)))})
