"""Dossier figures: the relations that hold when they are right, and the rates reports compute."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mismatch:
    """One relation that does not add up: `key` names the message, `values` fill it."""

    key: str
    values: dict[str, int]


def check(counts: dict[str, int], previous_pending: int | None = None) -> list[Mismatch]:
    """The relations of domain.md that the stated figures break (only those that can be checked)."""
    c = counts
    out: list[Mismatch] = []

    def has(*keys: str) -> bool:
        return all(k in c for k in keys)

    if has("total", "carried_over", "received") and c["total"] != c["carried_over"] + c["received"]:
        out.append(Mismatch("total_parts", {"total": c["total"], "sum": c["carried_over"] + c["received"]}))
    if has("total", "resolved", "pending", "withdrawn"):
        s = c["resolved"] + c["pending"] + c["withdrawn"]
        if s != c["total"]:
            out.append(Mismatch("total_outcomes", {"total": c["total"], "sum": s}))
    if has("resolved", "early", "on_time", "late"):
        s = c["early"] + c["on_time"] + c["late"]
        if s != c["resolved"]:
            out.append(Mismatch("resolved_parts", {"resolved": c["resolved"], "sum": s}))
    if has("received", "online", "direct_postal") or has("received", "online", "direct", "postal"):
        s = c["online"] + (c["direct_postal"] if "direct_postal" in c else c["direct"] + c["postal"])
        if s != c["received"]:
            out.append(Mismatch("channels", {"received": c["received"], "sum": s}))
    if has("online", "received") and c["online"] > c["received"]:
        out.append(Mismatch("online_over", {"online": c["online"], "received": c["received"]}))
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
