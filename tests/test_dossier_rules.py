"""The dossier plausibility rules of domain.md as a table: each row is figures an officer might send and the
broken rules the read-back must name (empty: the figures may be saved with one press)."""

from __future__ import annotations

import pytest

from bot.core.dossier import check
from bot.i18n import translator

CASES: list[tuple[str, dict[str, int], set[str]]] = [
    # channels against received
    ("all channels add up", {"received": 40, "online": 30, "direct": 8, "postal": 2}, set()),
    ("all channels short", {"received": 45, "online": 20, "direct": 20, "postal": 3}, {"channels"}),
    ("online and postal already over", {"received": 40, "online": 30, "postal": 20}, {"channels_over"}),
    ("online and postal under", {"received": 40, "online": 30, "postal": 5}, set()),
    ("online alone over", {"received": 10, "online": 12}, {"online_over"}),
    ("two-channel figure adds up", {"received": 2098, "online": 952, "direct_postal": 1146}, set()),
    ("two-channel figure over", {"received": 100, "direct_postal": 120}, {"channels_over"}),
    ("two-channel with online short", {"received": 100, "online": 30, "direct_postal": 60}, {"channels"}),
    ("channels count the carried over too", {"carried_over": 5, "received": 40, "online": 30, "direct": 15,
                                             "postal": 0}, set()),
    ("partial channels within received + carried", {"carried_over": 10, "received": 40, "online": 45}, set()),
    ("partial channels over received + carried", {"carried_over": 1, "received": 40, "online": 30,
                                                  "direct": 15}, {"channels_over"}),
    # timeliness against resolved
    ("timeliness adds up", {"resolved": 35, "early": 10, "on_time": 23, "late": 2}, set()),
    ("timeliness short", {"resolved": 35, "early": 10, "on_time": 20, "late": 2}, {"resolved_parts"}),
    ("late over resolved", {"resolved": 35, "late": 40}, {"resolved_over"}),
    ("early and on time over resolved", {"resolved": 10, "early": 6, "on_time": 6}, {"resolved_over"}),
    ("late within resolved", {"resolved": 35, "late": 3}, set()),
    # apologies, feedback
    ("apologies over late", {"late": 2, "apologized": 3}, {"apology_over"}),
    ("apologies within late", {"late": 3, "apologized": 3}, set()),
    ("feedback answered over received", {"feedback_received": 4, "feedback_answered": 5}, {"feedback_over"}),
    # totals and outcomes
    ("total is carried + received", {"total": 50, "carried_over": 10, "received": 40}, set()),
    ("total is not carried + received", {"total": 52, "carried_over": 10, "received": 40}, {"total_parts"}),
    ("outcomes add up", {"total": 50, "resolved": 45, "pending": 4, "withdrawn": 1}, set()),
    ("outcomes do not add up", {"total": 50, "resolved": 40, "pending": 4, "withdrawn": 1}, {"total_outcomes"}),
    ("outcomes stated over the total", {"total": 50, "resolved": 45, "pending": 9}, {"outcomes_over"}),
    ("outcomes over carried + received", {"carried_over": 2, "received": 10, "resolved": 13}, {"outcomes_over"}),
    ("resolved above received alone may hold carried-over dossiers", {"received": 10, "resolved": 13}, set()),
    # several at once, negatives
    ("several broken", {"received": 40, "online": 30, "postal": 20, "resolved": 35, "late": 40},
     {"channels_over", "resolved_over"}),
    ("a negative figure", {"received": -3}, {"negative"}),
    ("nothing to check", {"received": 12}, set()),
]


@pytest.mark.parametrize(("figures", "broken"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_dossier_rules(figures: dict[str, int], broken: set[str]) -> None:
    assert {m.key for m in check(figures)} == broken


def test_carried_over_is_held_against_the_previous_periods_pending() -> None:
    assert [m.key for m in check({"carried_over": 5, "received": 10}, previous_pending=7)] == ["carried_over"]
    assert check({"carried_over": 7, "received": 10}, previous_pending=7) == []


def test_every_rule_has_words_in_both_languages() -> None:
    for _, figures, _broken in CASES:
        for m in check(figures):
            for locale in ("vi", "en"):
                text = translator(locale)(f"mismatch.{m.key}", **m.values)
                assert "{" not in text and all(str(v) in text for v in m.values.values()), text
