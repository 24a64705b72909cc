"""Second-round phrasing (parse-contract.md, "Clarifications (second round)"): our own rows for each kind, not
the shared samples. Same reference time and helpers as `tests/parse_corpus.py`; every row is also checked
without diacritics."""

from __future__ import annotations

from typing import Any

from tests.parse_corpus import LM, D, M, P, W

Q3 = ("2026-07-01", "2026-09-30")

CORPUS_ROUND2: list[tuple[str, list[dict[str, Any]], dict[str, Any] | None]] = [
    # a status word before several codes applies to each
    ("Đã hoàn thành các nhiệm vụ 2.1, 2.2, 2.3", [P("2.1", 100, "done"), P("2.2", 100, "done"),
                                                 P("2.3", 100, "done")], None),
    ("xong nv 1.5, nv 1.6", [P("1.5", 100, "done"), P("1.6", 100, "done")], None),
    ("Đang triển khai nv 4.1, 4.2", [P("4.1", None, "in_progress"), P("4.2", None, "in_progress")], None),
    ("Hoàn thành nhiệm vụ 3.1 và 3.2", [P("3.1", 100, "done"), P("3.2", 100, "done")], None),
    # a bare number after a done-word is not a percent; the next line's number is the next item's
    ("nv 2.4 hoàn thành 2", [P("2.4", 100, "done")], None),
    ("nv 3.1 xong 3", [P("3.1", 100, "done")], None),
    ("1) nv 1.1 hoàn thành\n2) nv 1.2 đạt 40%", [P("1.1", 100, "done"), P("1.2", 40, "in_progress")], None),
    ("nv 2.3 đạt 80", [P("2.3", 80, "in_progress")], None),
    ("nv 4.2 đạt 70-80%", [P("4.2", 70, "in_progress")], None),
    ("nv 7.3 0%", [P("7.3", 0, "not_started")], None),
    # PAKN anywhere in a list stays feedback
    ("tuần này tiếp nhận 25 hồ sơ, giải quyết 20, PAKN nhận 3", [],
     D(*W, received=25, resolved=20, feedback_received=3)),
    ("tháng này nhận 40 hs, PAKN đã trả lời 2", [], D(*M, received=40, feedback_answered=2)),
    ("hs tuần này nhận 12, PAKN giải quyết 1", [], D(*W, received=12, feedback_answered=1)),
    # a count before its channel
    ("tuần này có 12 hồ sơ nộp qua dịch vụ công trực tuyến", [], D(*W, online=12)),
    ("tháng này 1.021 hồ sơ trực tuyến", [], D(*M, online=1021)),
    ("tuần này 8 hồ sơ nộp trực tiếp", [], D(*W, direct=8)),
    ("tuần này 3 hồ sơ qua bưu chính", [], D(*W, postal=3)),
    # one figure for two channels
    ("quý 3: trực tiếp và bưu chính 320", [], D(*Q3, direct_postal=320)),
    ("tháng này trực tiếp, bưu chính 45", [], D(*M, direct_postal=45)),
    # questions stay questions, percent or not
    ("nv 2.3 được 80% chưa anh?", [], None),
    ("nv 1.1 đạt 50% rồi à?", [], None),
    ("nv 4.4 xong chưa", [], None),
    ("nv 3.2 xong chưa chị", [], None),
    # typing slips in status words
    ("nv 2.2 xog roi", [P("2.2", 100, "done")], None),
    ("nv 1.4 dag lam 30%", [P("1.4", 30, "in_progress")], None),
    ("nv 5.1 hoaan thanh", [P("5.1", 100, "done")], None),
    ("nv 6.2 hoàn thàh", [P("6.2", 100, "done")], None),
    ("nv 2.5 dangg lam", [P("2.5", None, "in_progress")], None),
    ("nv 7.1 hoanf thanhf roif", [P("7.1", 100, "done")], None),
    ("nv 8.2 ddang thuwcj hieenj", [P("8.2", None, "in_progress")], None),
    ("nv 3.4 hoan2 thanh2", [P("3.4", 100, "done")], None),
    ("nv 4.1 d9ang la2m", [P("4.1", None, "in_progress")], None),
    ("nv 1.3 vuog mac", [P("1.3", None, "blocked")], None),
    # a status nobody can read keeps its code
    ("nv 2.6 hxyz", [P("2.6", None, None)], None),
    # zero counts in words are dossier figures, never a blocked task
    ("tuần này không có hồ sơ trễ hạn", [], D(*W, late=0)),
    ("ko có hs quá hạn tuần này", [], D(*W, late=0)),
    ("tháng này 0 hồ sơ trễ hạn", [], D(*M, late=0)),
    ("tuần này không có hồ sơ nào bị trễ hạn", [], D(*W, late=0)),
    # parts of a month, done dates within a month, fractions of things
    ("nv 5.2 dự kiến xong đầu tháng 12", [P("5.2", None, "in_progress", "2026-12-10")], None),
    ("nv 6.3 dự kiến trung tuần tháng 12", [P("6.3", None, "in_progress", "2026-12-20")], None),
    ("nv 6.4 dự kiến hạ tuần tháng 12", [P("6.4", None, "in_progress", "2026-12-31")], None),
    ("nv 2.8 đã xong trong tháng 10", [P("2.8", 100, "done", LM[1])], None),
    ("nv 2.9 đã xong trong tháng 11", [P("2.9", 100, "done", "2026-11-27")], None),
    ("được 4/5 thôn, nv 1.6 đạt 80%", [P("1.6", 80, "in_progress")], None),
    ("nv 3.5 đạt 60%, đã tổ chức 3/7 xã", [P("3.5", 60, "in_progress")], None),
    # criterion words
    ("tiêu chí 1.4 đạt 90%", [P("TC 1.4", 90, "in_progress")], None),
    ("tieu chi 3.2 xong", [P("TC 3.2", 100, "done")], None),
]
