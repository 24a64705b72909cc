"""One folding for the whole bot: the parser, task matching, units and plan reading see the same letters."""

from __future__ import annotations

import unicodedata
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.domain import unit_key
from bot.core.parse import parse_message
from bot.core.text import fold, fold_1to1


@pytest.mark.parametrize("typed", ["Đã xong", "ÐÃ XONG", "ðã xong", "đã xong", "da xong", "Ɖã xong"])
def test_every_d_folds_to_d(typed: str) -> None:
    assert fold(typed) == "da xong"


@given(st.text(max_size=200))
def test_fold_1to1_keeps_every_position(text: str) -> None:
    folded = fold_1to1(text)
    assert len(folded) == len(text) and folded.isascii()


@pytest.mark.parametrize("word", ["Địa chính - Xây dựng", "Tư pháp – Hộ tịch", "nhiệm vụ cải cách"])
def test_decomposed_text_folds_like_composed(word: str) -> None:
    assert fold(unicodedata.normalize("NFD", word)) == fold(word)


def test_an_eth_typed_for_d_still_reads_as_the_unit_and_the_report() -> None:
    assert unit_key("ÐỊA CHÍNH") == unit_key("địa chính") is not None
    result = parse_message("nv 1.1 Ðã hoàn thành", datetime(2026, 12, 2, 9, 0))
    assert [(p.task_ref, p.status) for p in result.progress] == [("1.1", "done")]
