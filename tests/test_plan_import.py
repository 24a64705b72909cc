"""Plan import on the three real plans, the .docx path, unknown formats and junk."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx import Document

from bot.core.plan_import import ImportedPlan, PlanImportError, kpi_of, parse_deadline, read_plan
from bot.i18n import render_note, translator
from tests.conftest import SEEDS


def _said(plan: ImportedPlan, lang: str = "vi") -> list[str]:
    return [render_note(translator(lang), w) for w in plan.warnings]


def _plan(name: str, **kw: object):  # type: ignore[no-untyped-def]
    path = SEEDS / name
    return read_plan(path.name, path.read_bytes(), **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def duc_phong():  # type: ignore[no-untyped-def]
    return _plan("ke-hoach-cchc-2023-duc-phong.md")


def test_duc_phong_has_its_50_leaf_tasks(duc_phong) -> None:  # type: ignore[no-untyped-def]
    codes = [t.code for t in duc_phong.tasks]
    assert len(codes) == 50 and len(set(codes)) == 50
    assert duc_phong.year == 2023 and "Đức Phong" in duc_phong.title
    assert "5.1" not in codes and "5.1.1" in codes and "6.2" not in codes and "6.3" in codes
    assert duc_phong.count_by_area() == {
        "the-che": 7, "tthc": 14, "bo-may": 3, "cong-vu": 4, "tai-chinh-cong": 6, "tac-dong": 5,
        "chinh-quyen-so": 7, "chi-dao": 4,
    }
    assert duc_phong.warnings == []


@pytest.mark.parametrize(
    ("code", "area", "lead", "due", "recurrence"),
    [
        ("1.1", "the-che", ["tu-phap"], date(2023, 3, 31), "none"),
        ("1.2", "the-che", ["all"], date(2023, 12, 31), "continuous"),
        ("1.4", "the-che", ["tu-phap"], date(2023, 1, 31), "none"),
        ("1.6", "the-che", ["tu-phap", "all"], None, "periodic"),
        ("1.7", "the-che", ["tu-phap"], date(2023, 3, 31), "periodic"),
        ("2.1", "tthc", ["external"], date(2023, 3, 31), "periodic"),
        ("2.3", "tthc", ["van-phong", "all"], date(2023, 1, 31), "monthly"),
        ("2.10", "tthc", ["all"], None, "none"),
        ("5.2.2", "tai-chinh-cong", ["tai-chinh"], date(2023, 3, 31), "none"),
        ("7.6", "chinh-quyen-so", ["van-hoa"], date(2023, 12, 31), "none"),
        ("7.7", "chinh-quyen-so", ["van-phong"], date(2023, 12, 31), "continuous"),
        ("8.4", "chi-dao", ["van-phong"], date(2023, 12, 31), "none"),
    ],
)
def test_duc_phong_tasks(duc_phong, code, area, lead, due, recurrence) -> None:  # type: ignore[no-untyped-def]
    task = next(t for t in duc_phong.tasks if t.code == code)
    assert (task.area, task.lead_units, task.due_date, task.recurrence) == (area, lead, due, recurrence)


def test_duc_phong_fields(duc_phong) -> None:  # type: ignore[no-untyped-def]
    t11 = next(t for t in duc_phong.tasks if t.code == "1.1")
    assert t11.product == "Các Kế hoạch của UBND xã." and t11.deadline_text == "Trong Quý I."
    assert t11.support_units == ["all"]
    t511 = next(t for t in duc_phong.tasks if t.code == "5.1.1")
    assert t511.targets == ["Đạt tỷ lệ giải ngân đạt 100% KH."]


def test_tu_xuyen_prose_plan() -> None:
    plan = _plan("ke-hoach-cchc-2023-tu-xuyen.md")
    assert len(plan.tasks) == 24 and plan.year == 2023
    codes = [t.code for t in plan.tasks]
    assert codes[:2] == ["1.b.1", "1.b.2"] and "3.b.2" in codes and "7.b.5" in codes
    assert {t.area for t in plan.tasks} == {"chi-dao", "the-che", "tthc", "cong-vu", "chinh-quyen-so"}
    t = next(x for x in plan.tasks if x.code == "3.b.1")
    assert any("99%" in target for target in t.targets)  # the area's targets go with its tasks
    assert next(x for x in plan.tasks if x.code == "7.b.5").lead_units == ["van-hoa"]  # tuyên truyền
    assert all(x.lead_units for x in plan.tasks)
    assert any("Tổ chức thực hiện" in w for w in _said(plan))
    kpis = {k.key: (k.target, k.op) for k in plan.kpis}
    assert kpis == {"on_time_rate": (99.0, ">"), "online_rate": (50.0, ">=")}


def test_to_tung_criteria_table_and_body() -> None:
    plan = _plan("ke-hoach-chi-so-cchc-2022-to-tung.md")
    assert plan.year == 2022
    by_code = {t.code: t for t in plan.tasks}
    assert by_code["TCTP 3.4.2"].area == "tthc" and by_code["TCTP 3.4.2"].lead_units == ["van-phong"]
    assert by_code["TC 1.1"].area == "chi-dao"
    assert by_code["TCTP 7.3.2"].area == "chinh-quyen-so"
    assert by_code["TCTP 6.1.2"].lead_units == ["tai-chinh"]
    # body section 1.5 (số hóa) is the description of criterion TCTP 3.4.5: merged, not a task of its own
    assert "1.5" not in by_code
    assert any("15%" in x for x in by_code["TCTP 3.4.5"].targets)
    assert "TC 1.4#2" in by_code and any("TC 1.4" in w for w in _said(plan))
    kpis = {k.key: k.target for k in plan.kpis}
    assert kpis["postal_rate"] == 5.0 and kpis["online_rate"] == 20.0 and kpis["feedback_answered"] == 100.0


def test_docx_with_paragraphs_and_a_table(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("KẾ HOẠCH")
    doc.add_paragraph("Cải cách hành chính năm 2026 xã Thử")
    doc.add_paragraph("II. NHIỆM VỤ CỤ THỂ")
    doc.add_paragraph("1. Cải cách thể chế")
    doc.add_paragraph("1.1. Rà soát văn bản quy phạm pháp luật")
    doc.add_paragraph("- Bộ phận chủ trì: Tư pháp - Hộ tịch")
    doc.add_paragraph("- Thời gian thực hiện: Trong Quý II")
    doc.add_paragraph("Phụ lục")
    table = doc.add_table(rows=3, cols=6)
    for i, cells in enumerate([
        ["TT", "Lĩnh vực/Tiêu chí", "Mục tiêu", "Cơ quan chủ trì", "Phối hợp", "Thời gian"],
        ["III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", "", "", ""],
        ["1", "TCTP 3.3.1 - Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "Giải quyết đúng hạn 100%",
         "Văn phòng – Thống kê xã", "Cán bộ, công chức xã", "Thường xuyên trong năm"],
    ]):
        for j, text in enumerate(cells):
            table.rows[i].cells[j].text = text
    path = tmp_path / "ke-hoach.docx"
    doc.save(str(path))
    plan = read_plan(path.name, path.read_bytes())
    by_code = {t.code: t for t in plan.tasks}
    assert plan.year == 2026
    assert by_code["TCTP 3.3.1"].area == "tthc" and by_code["TCTP 3.3.1"].lead_units == ["van-phong"]
    assert by_code["1.1"].due_date == date(2026, 6, 30)
    assert {k.key for k in plan.kpis} == {"on_time_rate"}


def test_seed_as_docx_imports_the_same(tmp_path: Path) -> None:
    md = SEEDS / "ke-hoach-cchc-2023-duc-phong.md"
    doc = Document()
    for line in md.read_text(encoding="utf-8").splitlines():
        doc.add_paragraph(line.replace("**", "").lstrip("#").strip())
    path = tmp_path / "duc-phong.docx"
    doc.save(str(path))
    from_docx = read_plan(path.name, path.read_bytes())
    from_md = read_plan(md.name, md.read_bytes())
    assert [(t.code, t.area, t.lead_units, t.due_date) for t in from_docx.tasks] == [
        (t.code, t.area, t.lead_units, t.due_date) for t in from_md.tasks]


def test_unknown_layout_imports_what_it_can_with_warnings() -> None:
    text = "\n".join([
        "KẾ HOẠCH công tác năm 2026",
        "1. Nhiệm vụ chung",
        "1.1. Làm một việc không rõ lĩnh vực",
        "1.2. Cải cách thủ tục hành chính tại bộ phận một cửa",
        "- Thời gian: Quý III",
    ])
    plan = read_plan("x.txt", text.encode())
    assert [t.code for t in plan.tasks] == ["1.1", "1.2"]
    assert plan.tasks[1].due_date == date(2026, 9, 30)
    assert any("lĩnh vực" in w for w in _said(plan)) and any("chủ trì" in w for w in _said(plan))
    assert any("could not be read" in w for w in _said(plan, "en"))  # the same warnings in English


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.md", b"", "rỗng"),
        ("junk.docx", b"PK\x03\x04 not a zip", ".docx"),
        ("binary.txt", bytes(range(256)) * 10, "nhị phân"),
        ("letter.txt", "Kính gửi anh chị, mời họp lúc 14h.".encode(), "không giống một kế hoạch"),
        ("scan.pdf", b"%PDF-1.4", ".docx"),
        ("latin1.txt", "Kế hoạch".encode("cp1258", errors="replace") + b"\xff\xfe\xfa", "UTF-8"),
    ],
)
def test_files_that_are_not_plans(name: str, data: bytes, message: str) -> None:
    with pytest.raises(PlanImportError) as caught:
        read_plan(name, data)
    assert message in render_note(translator("vi"), caught.value.note)


@pytest.mark.parametrize(
    ("text", "due", "recurrence"),
    [
        ("Trong Quý I.", date(2026, 3, 31), "none"),
        ("Quý I năm 2026 ban hành kế hoạch; định kỳ báo cáo kết quả", date(2026, 3, 31), "periodic"),
        ("Chậm nhất là ngày 31/01/2026.", date(2026, 1, 31), "none"),
        ("Trong năm 2026", date(2026, 12, 31), "continuous"),
        ("Thường xuyên trong năm.", date(2026, 12, 31), "continuous"),
        ("Định kỳ hàng tháng trong năm.", date(2026, 1, 31), "monthly"),
        ("Theo quy định.", None, "none"),
        ("Theo chỉ đạo của cấp trên", None, "none"),
        ("Định kỳ theo quy định.", None, "periodic"),
        ("tháng 12 năm 2026", date(2026, 12, 31), "none"),
        (None, None, "none"),
    ],
)
def test_deadline_table_of_domain_md(text: str | None, due: date | None, recurrence: str) -> None:
    assert parse_deadline(text, 2026) == (due, recurrence)


@pytest.mark.parametrize(
    ("text", "key", "target", "op"),
    [
        ("Trên 99% hồ sơ giải quyết đúng hạn", "on_time_rate", 99.0, ">"),
        ("tỷ lệ hồ sơ trực tuyến tối thiểu 50%", "online_rate", 50.0, ">="),
        ("từ 5% hồ sơ tiếp nhận qua BCCI", "postal_rate", 5.0, ">="),
        ("90% người dân hài lòng", "satisfaction", 90.0, ">="),
        ("100% PAKN được trả lời", "feedback_answered", 100.0, ">="),
    ],
)
def test_kpis_from_targets(text: str, key: str, target: float, op: str) -> None:
    kpi = kpi_of(text)
    assert kpi is not None and (kpi.key, kpi.target, kpi.op) == (key, target, op)


def test_a_rate_that_is_not_a_kpi() -> None:
    assert kpi_of("Đạt tỷ lệ giải ngân đạt 100% KH.") is None


def test_a_plan_read_as_another_years_moves_every_due_date_with_it() -> None:
    """The seed is the 2023 plan; read as 2026's, each deadline keeps its place in the plan's year, whether
    written as a date, a month, a quarter, a year, or not at all, recurring ones included."""
    from bot.core.plan_import import read_plan

    data = (SEEDS / "ke-hoach-cchc-2023-duc-phong.md").read_bytes()
    as_written = {t.code: t for t in read_plan("p.md", data).tasks}
    moved = read_plan("p.md", data, year=2026)
    assert moved.year == 2026
    assert any(n.key == "year_moved" for n in moved.warnings)
    for t in moved.tasks:
        old = as_written[t.code]
        assert t.recurrence == old.recurrence
        if old.due_date is None:
            assert t.due_date is None
            continue
        assert t.due_date is not None and t.due_date.year == old.due_date.year + 3, (t.code, old.due_date)
        assert (t.due_date.month, t.due_date.day) == (old.due_date.month, old.due_date.day) or (
            old.due_date.month, old.due_date.day) == (2, 29)
    # the same year as written moves nothing and says nothing
    same = read_plan("p.md", data, year=2023)
    assert not any(n.key == "year_moved" for n in same.warnings)
    assert [t.due_date for t in same.tasks] == [as_written[t.code].due_date for t in same.tasks]


def test_deadline_years_move_by_the_shift() -> None:
    from datetime import date

    from bot.core.plan_import import parse_deadline

    assert parse_deadline("15/12/2023", 2026, 3) == (date(2026, 12, 15), "none")
    assert parse_deadline("Tháng 01/2024", 2026, 3)[0] == date(2027, 1, 31)
    assert parse_deadline("Quý II năm 2023", 2026, 3)[0] == date(2026, 6, 30)
    assert parse_deadline("Quý III", 2026, 3)[0] == date(2026, 9, 30)
    assert parse_deadline("Trong năm 2023", 2026, 3)[0] == date(2026, 12, 31)
    assert parse_deadline("29/02/2024", 2025, 1)[0] == date(2025, 2, 28)
    assert parse_deadline("Hằng tháng", 2026, 3) == (date(2026, 1, 31), "monthly")


@pytest.mark.parametrize("text, due", [
    ("Tháng 01/2024", date(2024, 1, 31)),
    ("tháng 01 năm 2024", date(2024, 1, 31)),
    ("Trước tháng 6-2023", date(2023, 6, 30)),
    ("Quý 02/2023", date(2023, 6, 30)),
    ("quý IV năm 2023", date(2023, 12, 31)),
    ("Tháng 12", date(2023, 12, 31)),
])
def test_month_and_quarter_deadlines_in_the_ways_plans_write_them(text: str, due: date) -> None:
    assert parse_deadline(text, 2023)[0] == due
