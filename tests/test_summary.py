"""/tomtat, charts and exports: the numbers the chairman reads and the files the office sends upward."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from bot.core.periods import period_in_words, reporting_period
from bot.core.summary import combine_dossiers, dossier_rates
from bot.i18n import translator
from bot.offline.session import OfflineSession
from handlers.summary import render_summary
from tests.conftest import CHAIRMAN, OFFICER, ONESTOP, SEEDS, TZ, last

PHO_AN = ("từ 01/01/2023 đến 20/07/2023 tổng số hồ sơ tiếp nhận 2.098, trực tuyến 909, kỳ trước chuyển qua 43, "
          "mới tiếp nhận 2.055, đã giải quyết 2.049, trước hạn 1.739, đúng hạn 0, quá hạn 310, "
          "đang giải quyết 20, công dân rút 29")


def last_report(session: OfflineSession) -> Any:
    """The .docx of the latest /xuatbaocao (it is sent before its .xlsx)."""
    return Document(io.BytesIO([c for c in session.api.calls if c.method == "sendDocument"][-2].data))


def row(rid: int, unit: str, start: str, end: str, created: str, **counts: int) -> dict[str, Any]:
    return {"id": rid, "unit_key": unit, "period_start": start, "period_end": end, "created_at": created, **counts}


def test_combining_never_counts_a_unit_day_twice() -> None:
    rows = [
        row(1, "mot-cua", "2026-11-02", "2026-11-08", "2026-11-08T10:00", received=10),
        row(2, "mot-cua", "2026-11-09", "2026-11-15", "2026-11-15T10:00", received=12),
        row(3, "mot-cua", "2026-11-09", "2026-11-15", "2026-11-16T09:00", received=13),  # correction of 2
        row(4, "tu-phap", "2026-11-01", "2026-11-30", "2026-11-30T17:00", received=5),
        row(5, "mot-cua", "2026-10-26", "2026-11-01", "2026-11-01T10:00", received=99),  # straddles the month
    ]
    t = combine_dossiers(rows, date(2026, 11, 1), date(2026, 11, 30))
    assert t.counts == {"received": 10 + 13 + 5} and t.reports_used == 3 and t.reports_replaced == 1
    # a monthly report sent after the weekly ones replaces them for that unit
    rows.append(row(6, "mot-cua", "2026-11-01", "2026-11-30", "2026-12-01T08:00", received=50))
    t = combine_dossiers(rows, date(2026, 11, 1), date(2026, 11, 30))
    assert t.counts == {"received": 55} and t.days_covered == 30


def test_timely_and_late_without_resolved_count_as_resolved() -> None:
    """"đúng hạn 40, quá hạn 1" resolved 41 dossiers; a late count alone says nothing of the others."""
    rows = [row(1, "mot-cua", "2026-11-23", "2026-11-29", "2026-11-23T08:00", received=52, on_time=40, late=1),
            row(2, "tu-phap", "2026-11-23", "2026-11-29", "2026-11-23T09:00", received=5, late=1),
            row(3, "van-hoa", "2026-11-23", "2026-11-29", "2026-11-23T09:00", received=3, resolved=3, early=1)]
    t = combine_dossiers(rows, date(2026, 11, 23), date(2026, 11, 29))
    assert t.counts["resolved"] == 41 + 3 and t.counts["late"] == 2
    rates = dossier_rates(t.counts)
    assert translator("vi").percent(rates["on_time_rate"] or 0) == "93,18%"  # (40 + 1) / 44


def test_pho_an_rates_from_its_own_figures() -> None:
    counts = {"total": 2098, "online": 909, "carried_over": 43, "received": 2055, "resolved": 2049,
              "early": 1739, "on_time": 0, "late": 310, "pending": 20, "withdrawn": 29}
    rates = dossier_rates(counts)
    t = translator("vi")
    assert t.percent(rates["resolved_rate"] or 0) == "97,66%"
    assert t.percent(rates["early_rate"] or 0) == "84,87%"
    assert t.percent(rates["online_rate"] or 0) == "43,33%"


async def test_pho_an_report_entered_in_chat_reproduces_its_rates(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(ONESTOP, PHO_AN)
    assert "01/01/2023 – 20/07/2023" in last(s, ONESTOP["id"])
    await s.press(ONESTOP, "Lưu")
    await s.send_text(CHAIRMAN, "/tomtat từ 01/01/2023 đến 20/07/2023")
    text = last(s, CHAIRMAN["id"])
    assert "Tiếp nhận 2.098" in text and "trực tuyến 43,33%" in text
    assert "Đã giải quyết 2.049 (97,66%)" in text and "đúng và trước hạn 84,87%" in text
    assert "Quá hạn 310, trong đó 310 chưa có thư xin lỗi" in text
    assert "Đang giải quyết 20 · công dân rút 29" in text
    assert len(text) <= 4096


async def test_summary_sections_in_order(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.3 xong")
    await s.press(OFFICER, "Lưu")
    await s.send_text(OFFICER, "nv 1.6 vướng vì chờ hướng dẫn của huyện")
    await s.press(OFFICER, "Lưu")
    await s.send_text(ONESTOP, "/nghi đến 04/12")
    await s.send_text(ONESTOP, "hs tuần này nhận 40, trực tuyến 20, trễ hạn 2")
    await s.press(ONESTOP, "Lưu")
    await s.send_text(CHAIRMAN, "/tomtat")
    text = last(s, CHAIRMAN["id"])
    order = ["1. Tiến độ kế hoạch", "2. Quá hạn", "3. Vướng mắc", "4. Chưa báo cáo tuần này", "Đang nghỉ",
             "5. Hồ sơ TTHC", "So với kỳ trước"]
    positions = [text.index(x) for x in order]
    assert positions == sorted(positions)
    assert "✅ 1 xong" in text and "⛔ 1 vướng" in text
    assert "1.6" in text and "hướng dẫn của huyện" in text
    assert "Trần Thị Bình" in text  # the office has not reported this week
    assert "Phạm Thị Dung (04/12/2026)" in text
    assert "Quá hạn 2, trong đó 2 chưa có thư xin lỗi" in text
    # 1.4 due 31/01/2026: 215 weekdays less 12 holidays, plus the make-up Saturday 22/08
    assert "trễ 204 ngày làm việc" in text
    labels = [b["text"] for b in s.buttons(CHAIRMAN["id"])]
    assert labels == ["Theo lĩnh vực", "Theo bộ phận", "📈 Biểu đồ", "📄 Xuất báo cáo"]


async def test_officer_sees_own_unit_only(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "/tomtat")
    text = last(s, OFFICER["id"])
    assert "phạm vi: bộ phận Tư pháp - Hộ tịch" in text
    assert "2.3" not in text and "1.4" in text
    assert "Xuất báo cáo" not in " ".join(b["text"] for b in s.buttons(OFFICER["id"]))


async def test_change_against_previous_period_and_kpis(settings: Any, plan_session: OfflineSession) -> None:
    s = plan_session
    await s.app.services.db.execute(
        "INSERT INTO plan_kpis (commune_id, plan_id, key, target, op, text) SELECT commune_id, id, "
        "'on_time_rate', 99, '>', 'Trên 99% hồ sơ đúng hạn' FROM plans")
    await s.send_text(ONESTOP, "tuần trước tiếp nhận 30 hồ sơ, đã giải quyết 30, trước hạn 30")
    await s.press(ONESTOP, "Lưu")
    await s.send_text(ONESTOP, "tuần này tiếp nhận 36 hồ sơ, đã giải quyết 35, đúng hạn 34, quá hạn 1")
    await s.press(ONESTOP, "Lưu")
    await s.send_text(CHAIRMAN, "/tomtat")
    text = last(s, CHAIRMAN["id"])
    assert "⚠️ Đúng hạn &gt; 99%: đạt 97,14%" in text or "⚠️ Đúng hạn > 99%: đạt 97,14%" in text
    assert "tiếp nhận 36 (▲ 6)" in text and "tỷ lệ đúng hạn ▼ 2,86 điểm" in text


async def test_empty_commune_no_plan_no_dossiers(session: OfflineSession) -> None:
    await session.send_text(CHAIRMAN, "/tomtat")
    text = last(session, CHAIRMAN["id"])
    assert "Chưa có kế hoạch CCHC" in text and "chưa có số liệu trong kỳ" in text
    await session.send_text(CHAIRMAN, "/tomtat năm con mèo")
    assert "Không hiểu kỳ" in last(session, CHAIRMAN["id"])


@pytest.mark.parametrize(("words", "start", "end"), [
    ("tuần trước", "2026-11-16", "2026-11-22"), ("tháng 11", "2026-11-01", "2026-11-30"),
    ("quý 3", "2026-07-01", "2026-09-30"), ("6 tháng", "2026-01-01", "2026-06-30"),
    ("năm", "2026-01-01", "2026-12-31"), ("từ 01/10 đến 15/11", "2026-10-01", "2026-11-15"),
    ("9 tháng", "2026-01-01", "2026-09-30"), ("tuần 48", "2026-11-23", "2026-11-29"),
    ("tuần thứ 1 năm 2027", "2027-01-04", "2027-01-10"),
])
def test_period_words(words: str, start: str, end: str) -> None:
    assert period_in_words(words, date(2026, 11, 27)) == (
        date.fromisoformat(start), date.fromisoformat(end))


@pytest.mark.parametrize("words", ["tuần 60", "13 tháng", "quý 9"])
def test_impossible_periods_are_refused(words: str) -> None:
    assert period_in_words(words, date(2026, 11, 27)) is None


@pytest.mark.parametrize(("calendar", "start", "end"), [
    ("fixed", "2026-10-01", "2026-12-31"), ("mid-month", "2025-12-15", "2026-12-14")])
def test_this_period_follows_the_reporting_calendar(calendar: str, start: str, end: str) -> None:
    """In late November the fixed calendar gathers Q4; the mid-month one, the year report (15/12–14/12)."""
    got = period_in_words("kỳ này", date(2026, 11, 27), lambda day: reporting_period(calendar, day))
    assert got == (date.fromisoformat(start), date.fromisoformat(end))


def test_render_never_exceeds_telegram_limit(plan_session: OfflineSession) -> None:
    from bot.core.summary import DossierTotals, Progress
    from bot.services.summaries import Summary

    task = plan_session  # only for the fixture's plan; build a synthetic summary with many long notes
    del task
    from bot.core.models import Task

    tasks = [Task(i, 1, 1, f"{i}.1", "tthc", "Nhiệm vụ rất dài " * 20, ("all",), (), None, None, date(2026, 1, 1),
                  "none", (), None, "blocked", 10, "<b>lý do</b> " * 40) for i in range(200)]
    s = Summary("Xã <Thử>", date(2026, 11, 23), date(2026, 11, 29), date(2026, 11, 27), None, "KH", tasks,
                Progress(200, 0, 0, 200, 0, 200), {"tthc": Progress(200, 0, 0, 200, 0, 200)}, [], tasks,
                DossierTotals(date(2026, 11, 23), date(2026, 11, 29)), {}, DossierTotals(date(2026, 11, 16),
                date(2026, 11, 22)), {}, None, [])
    text = render_summary(translator("vi"), s, {})
    assert len(text) <= 4096 and "<b>lý do</b>" not in text and "&lt;Thử&gt;" in text


async def test_charts_are_pngs_of_phone_size_and_not_blank(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(ONESTOP, "hs tuần này nhận 40, trực tuyến 20, đã giải quyết 38, trước hạn 30, đúng hạn 8")
    await s.press(ONESTOP, "Lưu")
    await s.send_text(CHAIRMAN, "/bieudo")
    photos = [c for c in s.api.calls if c.method == "sendPhoto"]
    assert len(photos) == 3
    for call in photos:
        img = Image.open(io.BytesIO(call.data)).convert("L")
        assert img.size[0] == 1200 and 800 <= img.size[1] <= 1100  # a phone screen wide, legend under it
        lo, hi = img.getextrema()
        assert hi - lo > 100 and sum(1 for n in img.histogram() if n) > 20


async def test_export_docx_and_xlsx(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(ONESTOP, PHO_AN)
    await s.press(ONESTOP, "Lưu")
    await s.send_text(OFFICER, "nv 1.6 vướng vì chờ hướng dẫn")
    await s.press(OFFICER, "Lưu")
    await s.send_text(CHAIRMAN, "/xuatbaocao từ 01/01/2023 đến 20/07/2023")
    docs = [c for c in s.api.calls if c.method == "sendDocument"]
    assert [c.filename for c in docs] == ["bao-cao-cchc-20230101-20230720.docx", "so-lieu-cchc-20230101-20230720.xlsx"]
    document = Document(io.BytesIO(docs[0].data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "DỰ THẢO" in text and "BÁO CÁO" in text
    assert "Tổng số hồ sơ tiếp nhận: 2.098 hồ sơ" in text and "trực tuyến: 909 hồ sơ" in text
    assert "Trả trước hạn: 1.739 hồ sơ." in text and "đạt 97,66%" in text and "84,87%" in text
    # a period long over is reported as it stood on its last day: the block reported today is not in it
    assert "chờ hướng dẫn" not in text and "Gặp vướng mắc" not in text
    assert "Trả quá hạn: 310 hồ sơ" in text and "văn bản xin lỗi đã gửi chưa được báo cáo" in text  # not "0"
    appendix = document.tables[-1]
    assert len(appendix.rows) == 1 + 8 + 50  # header, area rows, tasks
    wb = load_workbook(io.BytesIO(docs[1].data))
    assert wb.sheetnames == ["Nhiệm vụ", "Hồ sơ TTHC", "Chỉ tiêu"]
    tasks = wb["Nhiệm vụ"]
    assert tasks["A1"].value == "Mã" and tasks.max_row == 51 and tasks.freeze_panes == "A2"
    assert isinstance(tasks["F2"].value, datetime) and tasks["F2"].number_format == "DD/MM/YYYY"
    assert tasks["D2"].value == "Tư pháp - Hộ tịch"  # a unit's name, never its key
    dossiers = wb["Hồ sơ TTHC"]
    assert dossiers["D2"].value == 2098 and isinstance(dossiers["A2"].value, datetime)
    assert dossiers["C2"].value == "Bộ phận Một cửa"
    rates = {r[2].value: r[3].value for r in dossiers.iter_rows(min_row=3) if r[2].value}
    assert str(rates["Tỷ lệ giải quyết"]).startswith("=") and "Cả kỳ (theo quy tắc cộng dồn)" in rates
    assert all(len(c.data) < 50 * 1024 * 1024 for c in docs)
    await s.send_text(CHAIRMAN, "/xuatbaocao")  # this year to date: the block is there, with its note
    now_doc = [c for c in s.api.calls if c.method == "sendDocument"][-2]
    text = "\n".join(p.text for p in Document(io.BytesIO(now_doc.data)).paragraphs)
    assert "nhiệm vụ 1.6" in text and "chờ hướng dẫn" in text
    await s.send_text(OFFICER, "/xuatbaocao")
    assert "không có quyền" in last(s, OFFICER["id"])


async def test_the_report_follows_the_state_form_and_is_always_vietnamese(plan_session: OfflineSession) -> None:
    from docx.enum.section import WD_ORIENT

    s = plan_session
    await s.send_text(OFFICER, "nv 1.1 xong, sản phẩm: Kế hoạch số 12/KH-UBND")
    await s.press(OFFICER, "Lưu")
    await s.send_text(OFFICER, "nv 1.3 đạt 60%")
    await s.press(OFFICER, "Lưu")
    await s.send_text(CHAIRMAN, "/ngonngu en")  # the chat in English; the official document is not
    await s.send_text(CHAIRMAN, "/xuatbaocao quý 4")
    doc = last_report(s)
    body, appendix = doc.sections[0], doc.sections[-1]
    assert round(body.page_width.mm) == 210 and round(body.page_height.mm) == 297  # A4
    assert 20 <= round(body.top_margin.mm) <= 25 and 30 <= round(body.left_margin.mm) <= 35
    assert 15 <= round(body.right_margin.mm) <= 20 and body.different_first_page_header_footer
    assert "PAGE" in body.header._element.xml  # numbered from page 2
    assert appendix.orientation == WD_ORIENT.LANDSCAPE and appendix.page_width > appendix.page_height
    assert doc.styles["Normal"].font.name == "Times New Roman" and doc.styles["Normal"].font.size.pt == 13
    left, right = (c.text for c in doc.tables[0].rows[0].cells)
    assert "ỦY BAN NHÂN DÂN" in left and "XÃ ĐỨC PHONG" in left and "Số:" in left and "/BC-UBND" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Đức Phong, ngày" in right and "năm 2026" in right
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Kết quả thực hiện công tác cải cách hành chính quý IV năm 2026" in text
    for heading in ("I. KẾT QUẢ", "II. ĐÁNH GIÁ CHUNG", "III. PHƯƠNG HƯỚNG", "IV. KIẾN NGHỊ"):
        assert heading in text
    assert "Thực hiện Công văn số …" in text and "[Chủ tịch UBND xã bổ sung" in text
    assert "hoàn thành ngày 27/11/2026; sản phẩm: Kế hoạch số 12/KH-UBND" in text
    assert "đạt 60%" in text and "Summary" not in text and "Results" not in text
    recipients, signature = (c.text for c in doc.tables[1].rows[0].cells)
    assert "Nơi nhận:" in recipients and "Lưu: VT." in recipients
    assert "TM. ỦY BAN NHÂN DÂN" in signature and "CHỦ TỊCH" in signature and "Nguyễn Văn An" in signature
    appendix_table = doc.tables[-1]
    assert "w:tblHeader" in appendix_table.rows[0]._tr.xml  # the header row repeats on every page
    states = {r.cells[0].text: r.cells[-1].text for r in appendix_table.rows[1:]}
    assert states["1.1"] == "Hoàn thành 27/11/2026" and states["1.3"] == "Đang thực hiện 60%"
    assert "quá hạn" in states["1.4"] and "ngày làm việc" in states["1.4"]
    widths = [c.width for c in appendix_table.rows[1].cells]
    assert widths[1] == max(widths)  # the task's title has the room


def test_summary_cli_json(run_cli: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite3")
    run_cli("user", "add", "1004", "--name", "Dung", "--role", "officer", "--unit", "mot-cua", "--db", db)
    script = tmp_path / "s.jsonl"
    script.write_text(json.dumps({"at": "2023-07-21T09:00:00+07:00", "from": {"id": 1004, "name": "Dung"},
                                  "text": PHO_AN}, ensure_ascii=False) + "\n" +
                      json.dumps({"at": "2023-07-21T09:01:00+07:00", "from": {"id": 1004, "name": "Dung"},
                                  "press": "Lưu"}) + "\n", encoding="utf-8")
    assert run_cli("replay", str(script), "--db", db).returncode == 0
    r = run_cli("summary", "--period", "2023-01-01..2023-07-20", "--json", "--db", db,
                "--now", "2023-07-21T10:00:00+07:00")
    data = json.loads(r.stdout)
    assert data["dossiers"]["counts"]["total"] == 2098
    assert data["dossiers"]["rates"] == {"resolved_rate": 97.66, "on_time_rate": 84.87, "early_rate": 84.87,
                                         "online_rate": 43.33, "postal_rate": None, "direct_postal_rate": None,
                                         "feedback_answered": None}
    r = run_cli("summary", "--period", "2023-07-20..2023-01-01", "--db", db)
    assert r.returncode == 2 and "Traceback" not in r.stderr


async def test_summary_of_this_reporting_period(plan_session: OfflineSession) -> None:
    """"/tomtat kỳ này" is the reporting period under the commune's calendar (default "fixed": on 27/11,
    between the year's report and the next data window, the calendar quarter)."""
    s = plan_session
    await s.send_text(CHAIRMAN, "/tomtat kỳ này")
    assert "Kỳ: 01/10/2026 – 31/12/2026" in last(s, CHAIRMAN["id"])


async def test_this_reporting_period_follows_the_mid_month_calendar(tmp_path: Path) -> None:
    from bot.config import load_settings
    from bot.core.clock import ManualClock
    from tests.conftest import FRIDAY, add_people

    settings = load_settings(env_file=None, db_path=tmp_path / "m.sqlite3", report_calendar="mid-month")
    await add_people(settings)
    s = OfflineSession(settings, ManualClock(FRIDAY))
    async with s:
        await s.send_text(CHAIRMAN, "/tomtat kỳ này")  # the year's report: data 15/12/2025 – 14/12/2026
        assert "Kỳ: 15/12/2025 – 14/12/2026" in last(s, CHAIRMAN["id"])
        await s.send_text(ONESTOP, "hs kỳ này nhận 900")
        assert "15/12/2025 – 14/12/2026" in last(s, ONESTOP["id"])


async def test_export_leaves_out_rates_nobody_reported(plan_session: OfflineSession) -> None:
    """'đúng hạn 40, quá hạn 1' says nothing of early dossiers: the draft must not claim 0 % were early."""
    s = plan_session
    await s.send_text(ONESTOP, "hs tuần này nhận 52, trực tuyến 30, đúng hạn 40, quá hạn 1, đã xin lỗi 1")
    await s.press(ONESTOP, "Lưu")
    await s.send_text(CHAIRMAN, "/xuatbaocao tuần này")
    docx = next(c for c in s.api.calls if c.method == "sendDocument" and (c.filename or "").endswith(".docx"))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    rates = next(line for line in text.splitlines() if line.startswith("Kết quả giải quyết TTHC"))
    assert rates == ("Kết quả giải quyết TTHC trên địa bàn xã đạt 78,85% tổng số hồ sơ TTHC đã giải quyết; "
                     "tỷ lệ giải quyết đúng và trước hạn đạt 97,56%.")


def test_no_rate_outside_0_to_100_ever() -> None:
    from bot.core.summary import dossier_rates

    # late > resolved (on-time would be -133 %), postal > intake (bưu chính 91,67 % of a smaller intake…)
    rates = dossier_rates({"received": 12, "resolved": 3, "late": 7, "postal": 30, "online": 5})
    assert rates["on_time_rate"] is None and rates["postal_rate"] is None
    assert all(v is None or 0 <= v <= 100 for v in rates.values())
    assert rates["online_rate"] is not None and round(rates["online_rate"], 2) == 41.67


def test_a_week_reported_mid_week_counts_in_a_period_ending_that_day_and_not_before_it_was_sent() -> None:
    from datetime import date

    from bot.core.summary import combine_dossiers

    row = {"unit_key": "mot-cua", "period_start": "2026-11-23", "period_end": "2026-11-29",
           "created_at": "2026-11-27T15:00:00+07:00", "id": 1, "received": 12}
    assert combine_dossiers([row], date(2026, 1, 1), date(2026, 11, 27)).counts == {"received": 12}
    assert combine_dossiers([row], date(2026, 1, 1), date(2026, 11, 27)).days_covered == 5
    assert combine_dossiers([row], date(2026, 1, 1), date(2026, 11, 26)).counts == {}  # not sent yet then
    assert combine_dossiers([row], date(2026, 11, 24), date(2026, 11, 30)).counts == {}  # starts before


async def test_past_months_are_shown_as_they_stood_on_their_last_day(settings: Any, tmp_path: Path) -> None:
    """A quarter of history, then each month asked about in December: task states, blocks, who did not
    report in that month, and the comparison with the month before."""
    from datetime import datetime, timedelta

    from bot.core.clock import ManualClock
    from tests.conftest import TZ, add_people, import_seed_plan

    await add_people(settings)
    await import_seed_plan(settings)
    s = OfflineSession(settings, ManualClock(datetime(2026, 7, 10, 9, 0, tzinfo=TZ)), files_dir=tmp_path / "f")
    async with s:
        await s.send_text(OFFICER, "nv 1.1 đạt 30%")
        await s.press(OFFICER, "Lưu")
        await s.advance_to(datetime(2026, 8, 12, 9, 0, tzinfo=TZ))
        await s.send_text(OFFICER, "nv 1.1 xong, nv 1.2 vướng chờ văn bản của huyện")
        await s.press(OFFICER, "Lưu")
        await s.send_text(ONESTOP, "hs tháng 8 nhận 40, trực tuyến 10")
        await s.press(ONESTOP, "Lưu")
        await s.advance_to(datetime(2026, 9, 15, 9, 0, tzinfo=TZ))
        await s.send_text(OFFICER, "nv 1.2 đạt 60%")
        await s.press(OFFICER, "Lưu")
        await s.advance_to(datetime(2026, 12, 1, 9, 0, tzinfo=TZ) + timedelta(minutes=1))
        month = {}
        for m in (7, 8, 9):
            await s.send_text(CHAIRMAN, f"/tomtat tháng {m}")
            month[m] = last(s, CHAIRMAN["id"])
    # July: 1.1 under way, nothing done, nothing blocked; the one-stop officer did not report in July
    assert "chờ văn bản của huyện" not in month[7]
    assert "tuần này" not in month[7]
    silent_july = month[7].split("Không báo cáo trong kỳ:")[1].split("\n")[0]
    assert ONESTOP["name"] in silent_july and OFFICER["name"] not in silent_july
    assert "✅ 0 xong" in month[7] and "▶️ 1 đang làm" in month[7]
    # August: 1.2 blocked with its note; both reported in August
    assert "1.2" in month[8] and "chờ văn bản của huyện" in month[8] and "✅ 1 xong" in month[8]
    assert ONESTOP["name"] not in month[8].split("Không báo cáo trong kỳ:")[1].split("\n")[0]
    assert "01/07/2026" in month[8] and "31/07/2026" in month[8]  # compared with July, not 30 days back
    # September: the block is over
    assert "chờ văn bản của huyện" not in month[9]
    assert ONESTOP["name"] in month[9]  # did not report in September


def _row(i: int, start: str, end: str, sent: str, received: int, unit: str = "mot-cua") -> dict[str, Any]:
    return {"id": i, "unit_key": unit, "period_start": start, "period_end": end,
            "created_at": f"{sent}T10:00:00+07:00", "received": received}


@pytest.mark.parametrize("rows, start, end, received", [
    # Phổ An's cumulative Jan–Jul, then weekly reports: one inside July (already in the cumulative), two after
    ([_row(1, "2023-01-01", "2023-07-20", "2023-07-21", 2098), _row(2, "2023-07-17", "2023-07-20", "2023-07-24", 60),
      _row(3, "2023-07-24", "2023-07-30", "2023-07-31", 70), _row(4, "2023-07-31", "2023-08-06", "2023-08-07", 80)],
     "2023-01-01", "2023-12-31", 2098 + 70 + 80),
    # the same, the weekly inside sent before the cumulative: still not added twice
    ([_row(2, "2023-07-17", "2023-07-20", "2023-07-19", 60), _row(1, "2023-01-01", "2023-07-20", "2023-07-21", 2098)],
     "2023-01-01", "2023-12-31", 2098),
    # a month after its weeks, and weeks after their month: the month holds them either way
    ([_row(1, "2026-11-02", "2026-11-08", "2026-11-09", 10), _row(2, "2026-11-09", "2026-11-15", "2026-11-16", 12),
      _row(3, "2026-11-01", "2026-11-30", "2026-12-01", 50)], "2026-11-01", "2026-11-30", 50),
    ([_row(3, "2026-11-01", "2026-11-30", "2026-11-30", 50), _row(1, "2026-11-02", "2026-11-08", "2026-12-01", 10)],
     "2026-11-01", "2026-11-30", 50),
    # the same week twice: the newer replaces the older
    ([_row(1, "2026-11-23", "2026-11-29", "2026-11-27", 12), _row(2, "2026-11-23", "2026-11-29", "2026-11-28", 15)],
     "2026-11-01", "2026-11-30", 15),
    # two units add up; a unit's weeks add up
    ([_row(1, "2026-11-02", "2026-11-08", "2026-11-09", 10), _row(2, "2026-11-09", "2026-11-15", "2026-11-16", 12),
      _row(3, "2026-11-02", "2026-11-08", "2026-11-09", 7, unit="dia-chinh")], "2026-11-01", "2026-11-30", 29),
    # a week asked about inside a cumulative report: the cumulative is not inside the week, the week's own counts
    ([_row(1, "2023-01-01", "2023-07-20", "2023-07-21", 2098), _row(2, "2023-07-17", "2023-07-20", "2023-07-24", 60)],
     "2023-07-17", "2023-07-23", 60),
])
def test_periods_combine_without_double_counting_or_dropping(rows: list[dict[str, Any]], start: str, end: str,
                                                             received: int) -> None:
    from datetime import date

    from bot.core.summary import combine_dossiers

    got = combine_dossiers(rows, date.fromisoformat(start), date.fromisoformat(end))
    assert got.counts.get("received") == received


async def test_summary_sections_are_numbered_in_order_whatever_is_left_out(plan_session: OfflineSession) -> None:
    import re

    s = plan_session
    await s.send_text(CHAIRMAN, "/tomtat")
    numbers = [int(n) for n in re.findall(r"^<b>(\d)\. ", last(s, CHAIRMAN["id"]), flags=re.MULTILINE)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 4


async def test_a_period_is_compared_with_the_same_period_last_year(settings: Any, tmp_path: Path) -> None:
    from datetime import datetime

    from bot.core.clock import ManualClock
    from tests.conftest import TZ, add_people, import_seed_plan

    await add_people(settings)
    await import_seed_plan(settings)
    s = OfflineSession(settings, ManualClock(datetime(2025, 11, 10, 9, 0, tzinfo=TZ)), files_dir=tmp_path / "f")
    async with s:
        await s.send_text(ONESTOP, "hs tháng 10/2025 nhận 80, trực tuyến 30")
        await s.press(ONESTOP, "Lưu")
        await s.advance_to(datetime(2026, 11, 9, 9, 0, tzinfo=TZ))
        await s.send_text(ONESTOP, "hs tháng 10 nhận 100, trực tuyến 50")
        await s.press(ONESTOP, "Lưu")
        await s.send_text(CHAIRMAN, "/tomtat tháng 10")
        text = last(s, CHAIRMAN["id"])
    assert "Cùng kỳ năm trước (01/10/2025 – 31/10/2025): tiếp nhận 80; năm nay 100 (▲ 20)" in text, text
    assert "So với kỳ trước</b> (01/09/2026 – 30/09/2026)" in text


async def test_a_rate_whose_figures_disagree_is_said_to_be_not_computable(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(ONESTOP, "hs tuần này nhận 20, trực tuyến 25, giải quyết 5, trễ hạn 8")
    await s.press(ONESTOP, "Lưu")
    await s.press(ONESTOP, "Vẫn lưu")  # the read-back warned; the officer insists
    await s.send_text(CHAIRMAN, "/tomtat")
    text = last(s, CHAIRMAN["id"])
    assert "Tỷ lệ trực tuyến không tính được" in text and "25 so với tổng 20" in text
    assert "Tỷ lệ đúng và trước hạn không tính được" in text and "8 so với tổng 5" in text
    assert "-" + "15" not in text and "125" not in text  # no rate outside 0..100, no negative figure


def test_a_rate_is_over_the_reports_that_give_its_figures_only() -> None:
    rows = [row(1, "mot-cua", "2026-10-05", "2026-10-11", "2026-10-09", received=40, online=30, direct_postal=10,
                resolved=35, late=2),
            row(2, "mot-cua", "2026-11-02", "2026-11-08", "2026-11-06", received=50, resolved=48, early=20,
                on_time=27, late=1),
            row(3, "tu-phap", "2026-11-02", "2026-11-08", "2026-11-06", received=10, online=2, resolved=10,
                on_time=10)]
    t = combine_dossiers(rows, date(2026, 10, 1), date(2026, 12, 31))
    assert t.counts["received"] == 100 and t.counts["online"] == 32
    assert t.rates["online_rate"] == pytest.approx(100 * 32 / 50)  # not 32 of 100: report 2 gave no channel
    assert t.rate_partial("online_rate") and t.rate_reports["online_rate"] == 2
    assert t.rates["direct_postal_rate"] == pytest.approx(25.0)
    assert t.rates["on_time_rate"] == pytest.approx(100 * (33 + 47 + 10) / 93)  # a late-only report: resolved - late
    assert not t.rate_partial("on_time_rate") and t.rates["early_rate"] == pytest.approx(100 * 20 / 48)
    assert t.rate_partial("early_rate")


def test_the_weekly_chart_spreads_monthly_reports_over_weeks_without_double_counting() -> None:
    from bot.documents.charts import spread_long_reports

    starts = [date(2026, 9, 28) + timedelta(weeks=i) for i in range(6)]  # 28/09 … 02/11
    rows = [row(1, "tu-phap", "2026-10-01", "2026-10-31", "2026-11-01", received=62),  # 2 a day
            row(2, "mot-cua", "2026-10-01", "2026-10-31", "2026-11-01", received=31),  # 1 a day…
            row(3, "mot-cua", "2026-10-12", "2026-10-18", "2026-10-18", received=9)]  # …but its own week counts
    spread = spread_long_reports(rows, starts)
    assert spread[0] == pytest.approx(4 * 2 + 4 * 1)  # 01–04/10
    assert spread[1] == pytest.approx(7 * 3)
    assert spread[2] == pytest.approx(7 * 2)  # mot-cua sent this week itself: only tu-phap's month is spread
    assert spread[4] == pytest.approx(6 * 3) and spread[5] == 0  # 26–31/10; November has no monthly report
    assert sum(spread) == pytest.approx(62 + 31 - 7)


async def test_the_report_names_the_request_it_answers(plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(CHAIRMAN, "/xuatbaocao quý 4 theo Công văn số 123/SNV-CCHC ngày 05/12/2026 của Sở Nội vụ")
    doc = last_report(s)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Thực hiện Công văn số 123/SNV-CCHC ngày 05/12/2026 của Sở Nội vụ, Ủy ban nhân dân xã Đức Phong" in text
    assert "quý IV năm 2026" in text


def test_report_command_writes_the_same_files_for_the_office_pc(run_cli: Any, tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite3")
    run_cli("user", "add", "1001", "--name", "Nguyễn Văn An", "--role", "chairman", "--db", db)
    run_cli("import-plan", str(SEEDS / "ke-hoach-cchc-2023-duc-phong.md"), "--year", "2026", "--db", db)
    out, xlsx = tmp_path / "bao-cao.docx", tmp_path / "so-lieu.xlsx"
    r = run_cli("report", "--period", "2026-10-01..2026-12-31", "--out", str(out), "--xlsx", str(xlsx), "--db", db,
                "--now", "2026-12-02T09:00:00+07:00", "--request", "Công văn số 9/SNV ngày 01/12/2026")
    assert r.returncode == 0, r.stderr
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "Công văn số 9/SNV ngày 01/12/2026" in text and "quý IV năm 2026" in text
    assert load_workbook(str(xlsx)).sheetnames == ["Nhiệm vụ", "Hồ sơ TTHC", "Chỉ tiêu"]
    r = run_cli("report", "--period", "2026-12-31..2026-10-01", "--out", str(out), "--db", db)
    assert r.returncode == 2 and "Traceback" not in r.stderr


async def test_a_body_outside_the_commune_is_named_by_the_plans_own_words(settings: Any, tmp_path: Path) -> None:
    from bot.core.clock import ManualClock
    from bot.core.plan_import import read_plan_lines
    from bot.services.plans import store_plan
    from storage import Database
    from storage.repositories import Repositories
    from tests.conftest import FRIDAY, add_people

    await add_people(settings)
    db = await Database.open(settings.db_path)
    repos = Repositories(db)
    commune = await repos.communes.get_or_create(settings.commune_name)
    plan = read_plan_lines(["KẾ HOẠCH Cải cách hành chính năm 2026", "II. NHIỆM VỤ", "1. Cải cách thể chế",
                            "1.1. Tuyên truyền pháp luật cho nông dân", "Chủ trì: Hội Nông dân xã",
                            "Thời gian: Quý IV"], year=2026)
    await store_plan(repos, commune.id, plan, source_name="kh.md")
    await db.close()
    s = OfflineSession(settings, ManualClock(FRIDAY), files_dir=tmp_path / "files")
    async with s:
        await s.send_text(CHAIRMAN, "/xuatbaocao quý 4")
        files = [c for c in s.api.calls if c.method == "sendDocument"]
    appendix = Document(io.BytesIO(files[0].data)).tables[-1]
    assert [r.cells[2].text for r in appendix.rows if r.cells[0].text == "1.1"] == ["Hội Nông dân xã"]
    sheet = load_workbook(io.BytesIO(files[1].data))["Nhiệm vụ"]
    assert sheet["D2"].value == "Hội Nông dân xã"


async def test_a_note_typed_without_diacritics_is_marked_for_the_office_in_the_report(
        plan_session: OfflineSession) -> None:
    s = plan_session
    await s.send_text(OFFICER, "nv 1.6 vuong vi cho huyen huong dan")
    await s.press(OFFICER, "Lưu")
    await s.send_text(CHAIRMAN, "/xuatbaocao quý 4")
    doc = last_report(s)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "cho huyen huong dan [ghi chú gõ không dấu — Văn phòng viết lại có dấu]" in text


async def test_a_report_overlapping_a_longer_one_in_part_is_said_not_silently_dropped(
        plan_session: OfflineSession) -> None:
    s = plan_session  # Friday 27/11/2026
    await s.send_text(ONESTOP, "hs tháng 11 tiếp nhận 120, trực tuyến 80")
    await s.press(ONESTOP, "Lưu")
    await s.advance_to(datetime(2026, 12, 2, 9, 0, tzinfo=TZ))
    await s.send_text(ONESTOP, "hs tuần này tiếp nhận 15")  # 30/11–06/12: its Monday is inside November
    await s.press(ONESTOP, "Lưu")
    await s.send_text(CHAIRMAN, "/tomtat quý 4")
    shown = last(s, CHAIRMAN["id"])
    assert "Tiếp nhận 120" in shown  # the week is not added (one of its days is November's)…
    assert "30/11/2026 – 06/12/2026 trùng một phần" in shown  # …and the summary says so
    await s.send_text(CHAIRMAN, "/xuatbaocao quý 4")
    doc = last_report(s)
    assert "từ 30/11/2026 đến 06/12/2026 chưa được cộng" in "\n".join(p.text for p in doc.paragraphs)
