"""Plan import speed: a generated 300-task plan as text and as a Word table (target ≤ 0.5 s), the seed
plans, the corpus layouts, and the worst bad files (a zip bomb, damaged XML, a plan pasted 1,000 times:
each must be answered within 5 s)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.plan_import import read_plan  # noqa: E402

AREAS = ["Cải cách thể chế", "Cải cách thủ tục hành chính", "Cải cách tổ chức bộ máy", "Cải cách chế độ công vụ",
         "Cải cách tài chính công", "Xây dựng chính quyền điện tử, chính quyền số",
         "Tác động của cải cách hành chính", "Công tác chỉ đạo, điều hành cải cách hành chính"]
UNITS = ["Tư pháp - Hộ tịch", "Văn phòng - Thống kê", "Văn hóa - Xã hội", "Tài chính - Kế toán", "Bộ phận Một cửa"]
DEADLINES = ["Trong Quý I.", "Thường xuyên trong năm.", "Chậm nhất là ngày 31/01/2026.", "Định kỳ hàng tháng.",
             "Quý III năm 2026 ban hành kế hoạch; định kỳ báo cáo."]


def generated(n: int = 300) -> bytes:
    lines = ["KẾ HOẠCH", "Cải cách hành chính năm 2026 xã Thử nghiệm", "II. NHIỆM VỤ CỤ THỂ"]
    per_area = n // len(AREAS)
    k = 0
    for a, area in enumerate(AREAS, 1):
        lines.append(f"{a}. {area}")
        for i in range(1, per_area + 1 + (1 if a <= n % len(AREAS) else 0)):
            k += 1
            lines += [
                f"**{a}.{i}.** Nhiệm vụ số {k}: triển khai, rà soát, báo cáo kết quả thực hiện nội dung {k}.",
                f"- Bộ phận chủ trì: {UNITS[k % len(UNITS)]}.",
                "- Bộ phận phối hợp: Các ban, ngành xã.",
                f"- Sản phẩm: Báo cáo kết quả số {k}.",
                f"- Yêu cầu kết quả đạt được: {90 + k % 10}% hồ sơ giải quyết đúng hạn.",
                f"- Thời gian thực hiện: {DEADLINES[k % len(DEADLINES)]}",
            ]
    lines.append("III. TỔ CHỨC THỰC HIỆN")
    return "\n".join(lines).encode("utf-8")


def timed(name: str, data: bytes, rounds: int = 5) -> tuple[float, int]:
    best = float("inf")
    tasks = 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        plan = read_plan(name, data)
        best = min(best, time.perf_counter() - t0)
        tasks = len(plan.tasks)
    return best, tasks


def generated_table(n: int = 300) -> bytes:
    import io

    from docx import Document

    doc = Document()
    doc.add_paragraph("KẾ HOẠCH Cải cách hành chính năm 2026 xã Thử nghiệm")
    table = doc.add_table(rows=1, cols=6)
    for j, h in enumerate(("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành",
                           "Sản phẩm")):
        table.rows[0].cells[j].text = h
    per_area = n // len(AREAS)
    for a, area in enumerate(AREAS, 1):
        row = table.add_row()
        row.cells[0].merge(row.cells[5]).text = f"{['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII'][a - 1]}. {area}"
        for i in range(1, per_area + 1):
            k = (a - 1) * per_area + i
            cells = table.add_row().cells
            for j, v in enumerate((f"{a}.{i}", f"Nhiệm vụ số {k}: rà soát, báo cáo nội dung {k}", UNITS[k % len(UNITS)],
                                   "Các ban, ngành xã", DEADLINES[k % len(DEADLINES)], f"Báo cáo số {k}")):
                cells[j].text = v
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def bad_files() -> list[tuple[str, bytes]]:
    import io
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<" + b"a" * (300 * 1024 * 1024))
    pasted = "\n".join(["KẾ HOẠCH Cải cách hành chính năm 2026", "II. NHIỆM VỤ"] + [
        f"{a}.{i}. Nhiệm vụ {a}.{i}\n- Bộ phận chủ trì: Tư pháp\n- Thời gian thực hiện: Quý II"
        for a in range(1, 41) for i in range(1, 51)]).encode("utf-8")
    cut = generated_table(300)
    return [("bomb.docx (300 MB inflated)", bomb.getvalue()), ("cut.docx (half a file)", cut[: len(cut) // 2]),
            ("pasted.md (2,000 tasks)", pasted)]


def main() -> None:
    secs, n = timed("generated.md", generated(300))
    print(f"generated plan : {n:4d} tasks in {secs * 1000:7.1f} ms (target ≤ 500 ms)")
    secs, n = timed("generated.docx", generated_table(300))
    print(f"generated table: {n:4d} tasks in {secs * 1000:7.1f} ms (target ≤ 500 ms), a Word table")
    from bot.core.plan_import import PlanImportError

    worst = 0.0
    for name, data in bad_files():
        t0 = time.perf_counter()
        try:
            read_plan(name.split()[0], data)
            answer = "imported (!)"
        except PlanImportError as exc:
            answer = exc.note.key
        took = time.perf_counter() - t0
        worst = max(worst, took)
        print(f"bad file       : {name:28s} -> {answer:18s} in {took * 1000:7.1f} ms")
    print(f"worst bad file : {worst * 1000:7.1f} ms (target ≤ 5000 ms)")
    sys.path.insert(0, str(ROOT))
    from tests.plan_corpus import layouts, score

    for layout in layouts():
        got = score(layout)
        low = min(v for k, v in got.items() if k != "extra")
        print(f"corpus         : {layout.name[:48]:48s} worst field {low:6.1%}, extra {got['extra']}")
    seeds = ROOT / "tests" / "fixtures"
    for path in sorted(seeds.glob("ke-hoach-*.md")):
        secs, n = timed(path.name, path.read_bytes())
        print(f"{path.stem[:30]:30s} : {n:4d} tasks in {secs * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
