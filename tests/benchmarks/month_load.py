"""The office's month at a year of central data (issue #14 part 2): opening it, closing it, the bulletin and
the pay list, on central_load's year in PostgreSQL.

    .venv/bin/python tests/benchmarks/month_load.py [--deductions N] [--url URL] [--keep]

Fills a central PostgreSQL as office_load.py does (central_load's generator: 50 inspectors, 40 departments,
2,000 staff, every one of them charged every month; 10,000,000 deductions is the issue's year), then times,
best of 3 with a warm cache as at the office:
- opening a month in the workspace (office/overview.month_view: summary, first page, not inspected), against
  the central summary alone (the one scoring module's month, the part no screen can skip);
- the bulletin: its content (summary, repeat problems, overdue, corrections), its XLSX and its PDF;
- the pay list: every live entry of the month with item, clause and inspector (pay_list), and its XLSX;
- closing the month (the frozen summary and the figures' hash over every entry), once;
each against the same central summary, so a slower box reads as a ratio.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE.parent))

from benchlib import Figure, best_of, central_main
from office_load import _filled

from inspector_app.core.documents.bulletin import render_content, write_content_xlsx
from inspector_app.core.merge import open_central
from inspector_app.core.merge.summary import central_summary
from inspector_app.office.bulletin import central_content
from inspector_app.office.month import close_month
from inspector_app.office.overview import month_view
from inspector_app.office.pay_list import pay_list, write_pay_list_xlsx

MONTH = "2025-06"




def figures(url: str, deductions: int, report: Callable[[Figure], object] = lambda figure: None) -> list[Figure]:
    written = _filled(url, deductions)
    scale = f"{written:,} deductions"
    central = open_central(url)
    out = Path(tempfile.mkdtemp(prefix="month-load-"))
    found: list[Figure] = []

    def add(label: str, value: float, target: float | None, baseline: float) -> None:
        figure = Figure(f"{label}, {scale}", value, "s", baseline, "the month's central summary alone",
                        f"<= {target:g} s" if target else "-", value <= target if target else None)
        found.append(figure)
        report(figure)

    try:
        summary = best_of(lambda: central_summary(central, MONTH))
        add("central summary of a month", summary, 1.0, summary)
        add("opening a month in the office workspace (summary, first 100 inspections, not inspected)",
            best_of(lambda: month_view(central, MONTH)), 1.0, summary)
        content = central_content(central, MONTH, hospital="示例市人民医院", office="综合办公室", today=date(2025, 7, 3))
        add("bulletin content (summary, repeat problems, overdue, corrections)",
            best_of(lambda: central_content(central, MONTH, hospital="H", office="O", today=date(2025, 7, 3))), None,
            summary)
        add("bulletin XLSX from its content", best_of(lambda: write_content_xlsx(content, out / "b.xlsx")), None,
            summary)
        add("bulletin PDF from its content (2,000 staff charged)", best_of(lambda: render_content(
            content, "TB-2025-06-01"), repeat=1), None, summary)
        pay = pay_list(central, MONTH)
        add(f"pay list data ({len(pay.lines):,} entries with item, clause, inspector)",
            best_of(lambda: pay_list(central, MONTH), repeat=1), None, summary)
        add("pay list XLSX from its data", best_of(lambda: write_pay_list_xlsx(pay, out / "p.xlsx"), repeat=1), None,
            summary)
        start = time.perf_counter()
        close_month(central, "2025-05", closed_by="bench", today=date(2025, 7, 3), force=True)
        add("closing a month (frozen summary, hash of every entry's figures)", time.perf_counter() - start, None,
            summary)
        add("opening a closed month in the office workspace", best_of(lambda: month_view(central, "2025-05")), 1.0,
            summary)
    finally:
        central.close()
    return found


def main() -> int:
    return central_main("month_load", __doc__, lambda url, n, report: figures(url, n, report))


if __name__ == "__main__":
    raise SystemExit(main())
