"""Plan import speed: a generated 300-task plan (target: under 1 s), and the three seed plans."""

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


def main() -> None:
    secs, n = timed("generated.md", generated(300))
    print(f"generated plan : {n:4d} tasks in {secs * 1000:7.1f} ms (target < 1000 ms)")
    seeds = ROOT / "tests" / "fixtures"
    for path in sorted(seeds.glob("ke-hoach-*.md")):
        secs, n = timed(path.name, path.read_bytes())
        print(f"{path.stem[:30]:30s} : {n:4d} tasks in {secs * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
