"""The plan layouts of tests/plan_corpus.py, scored per field, and the families of files and phrasings the
import must read: deadlines in every form plans use, units on one line, PAR tables in any column order,
bad files that must get a clear answer quickly."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date

import pytest
from docx import Document

from bot.core.plan_import import MAX_TASKS, PlanImportError, parse_deadline, read_plan, read_plan_lines
from tests.plan_corpus import FIELDS, YEAR, Layout, layouts, score

LAYOUTS = layouts()


@pytest.mark.parametrize("layout", LAYOUTS, ids=[x.name for x in LAYOUTS])
def test_every_field_of_every_layout_reads_right(layout: Layout) -> None:
    got = score(layout)
    assert got["extra"] == 0, "tasks that are not in the plan"
    for name in FIELDS:
        assert got[name] >= 0.95, f"{name}: {got[name]:.2%}"


def test_the_corpus_has_a_dozen_layouts_of_the_whole_plan() -> None:
    assert len(LAYOUTS) >= 12 and all(len(x.expected) >= 45 for x in LAYOUTS)
    assert {x.filename.rsplit(".", 1)[1] for x in LAYOUTS} >= {"docx", "xlsx", "md", "txt"}


@pytest.mark.parametrize(("text", "due", "recurrence"), [
    ("trước ngày 30/6", date(2024, 6, 30), "none"),  # no year: the plan's
    ("Trước ngày 20 tháng 11", date(2024, 11, 20), "none"),
    ("Trong tháng 01/2024", date(2024, 1, 31), "none"),
    ("15.12.2024", date(2024, 12, 15), "none"),
    ("30-9-2024", date(2024, 9, 30), "none"),
    ("6 tháng đầu năm 2024", date(2024, 6, 30), "none"),
    ("9 tháng", date(2024, 9, 30), "none"),
    ("6 tháng cuối năm", date(2024, 12, 31), "none"),
    ("Ngày 09/11 hằng năm", date(2024, 11, 9), "periodic"),
    ("Từ tháng 3 đến tháng 6", date(2024, 6, 30), "none"),
    ("tháng 3-6/2024", date(2024, 6, 30), "none"),
    ("Quý II/2024", date(2024, 6, 30), "none"),
    ("Trong Quý IV", date(2024, 12, 31), "none"),
    ("Tháng 12/2024", date(2024, 12, 31), "none"),
    ("Cả năm", date(2024, 12, 31), "continuous"),
    ("Thường xuyên", date(2024, 12, 31), "continuous"),
    ("Hằng tháng", date(2024, 1, 31), "monthly"),
    ("Chậm nhất là ngày 31/01/2024", date(2024, 1, 31), "none"),
])
def test_deadlines_as_plans_write_them(text: str, due: date, recurrence: str) -> None:
    assert parse_deadline(text, 2024) == (due, recurrence)


PLAN = """KẾ HOẠCH Cải cách hành chính năm 2024 xã Thử
II. NHIỆM VỤ, GIẢI PHÁP
1. Cải cách thể chế
1.1. Rà soát văn bản quy phạm pháp luật
Chủ trì: Tư pháp - Hộ tịch; phối hợp: Văn phòng - Thống kê
Thời gian: trước ngày 30/6
1.2. Tuyên truyền pháp luật
Bộ phận chủ trì: Văn hóa - Xã hội. Phối hợp: Tư pháp
Thời gian: Ngày 09/11 hằng năm
III. TỔ CHỨC THỰC HIỆN
"""


def test_lead_and_support_on_one_line() -> None:
    tasks = {t.code: t for t in read_plan_lines(PLAN.splitlines(), year=2024).tasks}
    assert tasks["1.1"].lead_units == ["tu-phap"] and tasks["1.1"].support_units == ["van-phong"]
    assert tasks["1.2"].lead_units == ["van-hoa"] and tasks["1.2"].support_units == ["tu-phap"]
    assert tasks["1.2"].due_date == date(2024, 11, 9) and tasks["1.2"].recurrence == "periodic"


def test_a_heading_whose_spaces_were_lost_still_opens_the_task_section() -> None:
    lines = PLAN.replace("II. NHIỆM VỤ, GIẢI PHÁP", "II. CÁCCHỈTIÊU,NHIỆMVỤ").splitlines()
    assert [t.code for t in read_plan_lines(lines, year=2024).tasks] == ["1.1", "1.2"]


def test_a_title_left_from_last_year_gives_way_to_the_plans_own_deadlines() -> None:
    lines = ["KẾ HOẠCH Cải cách hành chính năm 2023", "II. NHIỆM VỤ", "1. Cải cách thể chế"]
    for i in range(1, 7):
        lines += [f"1.{i}. Nhiệm vụ số {i} về rà soát văn bản", "Chủ trì: Tư pháp",
                  f"Thời gian: trước ngày {i + 10}/0{i}/2024"]
    plan = read_plan_lines(lines)
    assert plan.year == 2024 and any(n.key == "title_year" for n in plan.warnings)


def _par_table(columns: list[str]) -> bytes:
    names = {"max": "Điểm tối đa", "got": "Điểm đạt", "tt": "TT", "crit": "Tiêu chí / Tiêu chí thành phần",
             "goal": "Mục tiêu, yêu cầu", "lead": "Cơ quan chủ trì", "sup": "Cơ quan phối hợp",
             "when": "Thời gian hoàn thành"}
    rows = [
        {"max": "", "got": "", "tt": "I", "crit": "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC", "goal": "", "lead": "",
         "sup": "", "when": ""},
        {"max": "2", "got": "1,5", "tt": "1", "crit": "TC 1.1. Xây dựng và thực hiện kế hoạch CCHC",
         "goal": "Hoàn thành 100% kế hoạch", "lead": "Văn phòng – Thống kê xã", "sup": "Cán bộ, công chức xã",
         "when": "Quý I/2024"},
        {"max": "1", "got": "1", "tt": "2", "crit": "TCTP 2.1.1 - Theo dõi thi hành pháp luật",
         "goal": "Đủ 03 hoạt động", "lead": "Tư pháp – Hộ tịch xã", "sup": "Văn phòng – Thống kê xã",
         "when": "Trước ngày 30/6/2024"},
    ]
    doc = Document()
    doc.add_paragraph("KẾ HOẠCH Nâng cao Chỉ số cải cách hành chính năm 2024")
    table = doc.add_table(rows=1 + len(rows), cols=len(columns))
    for j, c in enumerate(columns):
        table.cell(0, j).text = names[c]
    for i, r in enumerate(rows, start=1):
        for j, c in enumerate(columns):
            table.cell(i, j).text = r[c]
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("columns", [
    ["tt", "crit", "goal", "lead", "sup", "when"],
    ["max", "got", "tt", "crit", "goal", "lead", "sup", "when"],  # score columns first
    ["tt", "crit", "when", "lead", "sup", "goal", "max"],
])
def test_par_criteria_tables_in_any_column_order(columns: list[str]) -> None:
    plan = read_plan("chi-so.docx", _par_table(columns), year=2024)
    tasks = {t.code: t for t in plan.tasks}
    assert set(tasks) == {"TC 1.1", "TCTP 2.1.1"}
    assert tasks["TC 1.1"].lead_units == ["van-phong"] and tasks["TC 1.1"].due_date == date(2024, 3, 31)
    assert tasks["TCTP 2.1.1"].lead_units == ["tu-phap"] and tasks["TCTP 2.1.1"].due_date == date(2024, 6, 30)
    assert "Hoàn thành 100% kế hoạch" in tasks["TC 1.1"].targets


def _zip(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _damaged_xml() -> bytes:
    good = LAYOUTS[0].data
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files["word/document.xml"] = files["word/document.xml"][:5000]  # cut in the middle of the XML
    return _zip(files)


@pytest.mark.parametrize(("name", "make", "key"), [
    ("bomb.docx", lambda: _zip({"word/document.xml": b"<" + b"a" * (60 * 1024 * 1024)}), "too_big_unpacked"),
    ("cut.docx", _damaged_xml, "broken_docx"),
    ("half.docx", lambda: LAYOUTS[0].data[: len(LAYOUTS[0].data) // 2], "broken_docx"),
    ("notzip.docx", lambda: b"PK\x03\x04 but nothing more", "broken_docx"),
    ("sheet.xlsx", lambda: _zip({"xl/workbook.xml": b"<not-a-workbook"}), "broken_docx"),
])
def test_bad_files_get_a_clear_answer_within_seconds(name: str, make: object, key: str) -> None:
    data = make()  # type: ignore[operator]
    started = time.perf_counter()
    with pytest.raises(PlanImportError) as err:
        read_plan(name, data, year=YEAR)
    assert err.value.note.key == key
    assert time.perf_counter() - started < 5


def test_a_plan_pasted_over_and_over_is_refused_not_imported() -> None:
    lines = ["KẾ HOẠCH Cải cách hành chính năm 2024", "II. NHIỆM VỤ", "1. Cải cách thể chế"]
    lines += [f"{a}.{i}. Nhiệm vụ {a}.{i}" for a in range(1, 26) for i in range(1, 1 + MAX_TASKS // 24)]
    with pytest.raises(PlanImportError) as err:
        read_plan_lines(lines, year=2024)
    assert err.value.note.key == "too_many_tasks"


def test_lead_units_as_their_own_paragraphs_and_an_unknown_unit_kept_by_name() -> None:
    lines = ["KẾ HOẠCH Cải cách hành chính năm 2024", "II. NHIỆM VỤ, GIẢI PHÁP", "1. Cải cách thể chế",
             "1.1. Rà soát văn bản quy phạm pháp luật", "Bộ phận chủ trì thực hiện:", "Văn phòng xã",
             "Tư pháp - Hộ tịch", "Thời gian: trước ngày 30/6",
             "1.2. Tuyên truyền pháp luật", "Chủ trì: Hội Nông dân xã", "Thời gian: Quý II"]
    plan = read_plan_lines(lines, year=2024)
    tasks = {t.code: t for t in plan.tasks}
    assert tasks["1.1"].lead_units == ["van-phong", "tu-phap"]
    assert tasks["1.2"].lead_units == ["external"]  # never dropped
    note = next(n for n in plan.warnings if n.key == "unknown_unit")
    assert note.values["name"] == "Hội Nông dân xã" and note.values["codes"] == "1.2"


async def test_the_office_corrects_a_column_in_the_preview_before_importing(
        session: object, tmp_path: object) -> None:
    from pathlib import Path

    from bot.offline.session import OfflineSession
    from tests.conftest import OFFICE, last

    s = session
    assert isinstance(s, OfflineSession)
    # a table whose product and deadline columns are swapped under their headers' words: the office fixes it
    doc = Document()
    doc.add_paragraph("KẾ HOẠCH Cải cách hành chính năm 2026 xã Đức Phong")
    rows = [["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Ghi chú"],
            ["I", "CẢI CÁCH THỂ CHẾ", "", ""],
            ["1", "Rà soát văn bản quy phạm pháp luật", "Tư pháp - Hộ tịch", "Quý II/2026"],
            ["2", "Tuyên truyền phổ biến pháp luật", "Văn hóa - Xã hội", "Tháng 9/2026"],
            ["3", "Theo dõi thi hành pháp luật", "Tư pháp - Hộ tịch", "Trước ngày 30/11/2026"]]
    table = doc.add_table(rows=len(rows), cols=4)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            table.cell(i, j).text = v
    path = Path(str(tmp_path)) / "ke-hoach.docx"
    doc.save(path)
    await s.send_document(OFFICE, path)
    preview = last(s, OFFICE["id"])
    assert "Bảng 1: cột 1 = Số thứ tự, cột 2 = Nội dung, cột 3 = Chủ trì, cột 4 = Ghi chú" in preview
    await s.press(OFFICE, "Sửa cách đọc cột")
    await s.press(OFFICE, "cột 4: Ghi chú")
    assert "Cột 4 là gì?" in last(s, OFFICE["id"])
    await s.press(OFFICE, "Thời hạn")
    assert "cột 4 = Thời hạn" in last(s, OFFICE["id"])
    await s.press(OFFICE, "Nhập")
    tasks = {t.code: t for t in await s.app.services.repos.plans.tasks(s.app.services.commune.id)}
    # numbers printed once each stay as printed (numbers restarting in every area get the area's in front)
    assert tasks["1"].due_date == date(2026, 6, 30) and tasks["2"].due_date == date(2026, 9, 30)
    assert tasks["3"].due_date == date(2026, 11, 30) and list(tasks["1"].lead_units) == ["tu-phap"]


def _table_doc(rows: list[list[str]]) -> bytes:
    doc = Document()
    doc.add_paragraph("KẾ HOẠCH Cải cách hành chính năm 2024 xã Thử")
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            table.cell(i, j).text = v
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_a_table_with_start_and_end_columns_and_other_header_words() -> None:
    rows = [["TT", "Nhiệm vụ, giải pháp", "Đơn vị thực hiện", "Thời gian bắt đầu", "Thời gian hoàn thành",
             "Kết quả cần đạt", "Hình thức văn bản"],
            ["1", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", "", "", "", ""],
            ["a", "Rà soát, đơn giản hóa thủ tục hành chính", "Bộ phận Một cửa", "01/3/2024", "30/9/2024",
             "100% TTHC được rà soát", "Báo cáo"],
            ["b", "Niêm yết công khai thủ tục", "Văn phòng - Thống kê", "Tháng 1/2024", "Quý II/2024",
             "Niêm yết đầy đủ", "Thông báo"]]
    plan = read_plan("bang.docx", _table_doc(rows), year=2024)
    tasks = {t.code: t for t in plan.tasks}
    assert set(tasks) == {"1.a", "1.b"} and all(t.area == "tthc" for t in tasks.values())
    assert tasks["1.a"].due_date == date(2024, 9, 30) and tasks["1.b"].due_date == date(2024, 6, 30)  # the end
    assert tasks["1.a"].lead_units == ["mot-cua"] and tasks["1.a"].targets == ["100% TTHC được rà soát"]
    assert tasks["1.a"].product == "Báo cáo"
