"""The office's month at a year of central data (issue #14 part 2): opening it, closing it, the bulletin and
the pay list, on central_load's year in PostgreSQL.

    .venv/bin/python tests/benchmarks/month_load.py [--deductions N] [--url URL] [--keep]

Fills a central PostgreSQL as office_load.py does (central_load's generator: 50 inspectors, 40 departments,
2,000 staff, every one of them charged every month; 10,000,000 deductions is the issue's year), then times,
with a warm cache as at the office:
- opening a month in the workspace (office/overview.month_view: summary, first page, not inspected), against
  the central summary alone (the one scoring module's month, the part no screen can skip), the steps and
  the summary run alternately (MONTH_LOAD_ROUNDS times, default 3) and their medians compared;
- the bulletin: its content (summary, repeat problems, overdue, corrections), its XLSX and its PDF;
- the pay list: every live entry of the month with item, clause and inspector (pay_list), and its XLSX;
- closing the month (the frozen summary, the figures' hash over every entry, the lines, the bulletin's
  groupings and the pay list's workbook kept), once; then the closed month's bulletin content and pay list
  (what the close kept, read back), the pay list's XLSX from the database to the file (the workbook the close
  wrote) and the bulletin's XLSX and PDF from the database to the file (its line splits not kept between
  renders, as in a fresh process);
each against the same central summary, so a slower box reads as a ratio. The close is taken back out
afterwards (the month_closes row, its office event, lines and workbook, the corrections it took over), so a filled database
(`--url`) can be measured again.
"""

from __future__ import annotations

import os
import statistics
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
from inspector_app.core.documents.cjk_lines import _char_widths, _split
from inspector_app.core.merge import open_central
from inspector_app.core.merge.summary import central_summary
from inspector_app.office.bulletin import central_content
from inspector_app.office.kept_workbook import export_pay_list_xlsx
from inspector_app.office.month import close_month
from inspector_app.office.overview import month_view
from inspector_app.office.pay_list import pay_list, write_pay_list_xlsx

MONTH = "2025-06"




def _undo_close(url: str, month: str) -> None:
    """Take a benchmark's close back out, so the filled database can be measured again (and closed again)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        connection.execute("UPDATE adjustments SET carried_by = NULL WHERE carried_by = %s", (month,))
        connection.execute("DELETE FROM office_events WHERE action = 'close_month' AND subject = %s", (month,))
        connection.execute("DELETE FROM month_close_lines WHERE month = %s", (month,))
        connection.execute("DELETE FROM month_close_files WHERE month = %s", (month,))
        connection.execute("DELETE FROM month_closes WHERE month = %s", (month,))


def figures(url: str, deductions: int, report: Callable[[Figure], object] = lambda figure: None) -> list[Figure]:
    """The month's steps and the central summary run alternately ROUNDS times (MONTH_LOAD_ROUNDS, default 3;
    the machine is shared, figures drift): each step's median against the summaries' median, with the load
    average; the workbooks and the close once."""
    written = _filled(url, deductions)
    scale = f"{written:,} deductions"
    central = open_central(url)
    out = Path(tempfile.mkdtemp(prefix="month-load-"))
    found: list[Figure] = []
    rounds = int(os.environ.get("MONTH_LOAD_ROUNDS", "3"))

    def add(label: str, value: float, target: float | None, baseline: float) -> None:
        figure = Figure(f"{label}, {scale}, load {os.getloadavg()[0]:.1f}", value, "s", baseline,
                        "median of the month's central summary, run alternately",
                        f"<= {target:g} s" if target else "-", value <= target if target else None)
        found.append(figure)
        report(figure)

    def timed(work: Callable[[], object]) -> float:
        start = time.perf_counter()
        work()
        return time.perf_counter() - start

    steps: dict[str, tuple[Callable[[], object], float]] = {
        "opening a month in the office workspace (summary, first 100 inspections, not inspected)":
            (lambda: month_view(central, MONTH), 1.0),
        "bulletin content (summary, repeats, problems, cases, overdue, corrections, complaints)":
            (lambda: central_content(central, MONTH, hospital="H", office="O", today=date(2025, 7, 3)), 5.0),
        "pay list data (every line's figures, item, clause, inspector; totals from the summary)":
            (lambda: pay_list(central, MONTH), 5.0)}
    try:
        central_summary(central, MONTH)  # a warm cache, as at the office
        summaries: list[float] = []
        samples: dict[str, list[float]] = {name: [] for name in steps}
        for _ in range(rounds):
            for name, (work, _target) in steps.items():
                summaries.append(timed(lambda: central_summary(central, MONTH)))
                samples[name].append(timed(work))
        summary = statistics.median(summaries)
        add("central summary of a month", summary, 1.0, summary)
        for name, (_work, target) in steps.items():
            add(name, statistics.median(samples[name]), target, summary)
        content = central_content(central, MONTH, hospital="示例市人民医院", office="综合办公室", today=date(2025, 7, 3))
        add("bulletin XLSX from its content", timed(lambda: write_content_xlsx(content, out / "b.xlsx")), None,
            summary)
        add("bulletin PDF from its content (2,000 staff charged)",
            timed(lambda: render_content(content, "TB-2025-06-01")), None, summary)
        pay = pay_list(central, MONTH)
        add(f"pay list XLSX from its data ({len(pay.lines):,} lines, streamed)",
            timed(lambda: write_pay_list_xlsx(pay, out / "p.xlsx")), None, summary)
        add("closing a month (frozen summary, hash of every line's figures, lines, groupings and the pay list's "
            "workbook kept), then undone", timed(
            lambda: close_month(central, "2025-05", closed_by="bench", today=date(2025, 7, 3), force=True)), None,
            summary)
        add("opening a closed month in the office workspace", best_of(lambda: month_view(central, "2025-05")), 1.0,
            summary)
        add("bulletin content of a closed month (its groupings kept by the close, read back)", best_of(
            lambda: central_content(central, "2025-05", hospital="H", office="O", today=date(2025, 7, 3))), 5.0,
            summary)
        add("pay list data of a closed month (the lines its close kept, read back)",
            best_of(lambda: pay_list(central, "2025-05")), 5.0, summary)
        add("pay list of a closed month, from the database to the finished XLSX (the workbook its close wrote)",
            best_of(lambda: export_pay_list_xlsx(central, pay_list(central, "2025-05"), out / "closed.xlsx")), 5.0,
            summary)

        def closed_content() -> object:
            return central_content(central, "2025-05", hospital="示例市人民医院", office="综合办公室",
                                   today=date(2025, 7, 3))

        add("bulletin of a closed month, from the database to the finished XLSX", best_of(
            lambda: write_content_xlsx(closed_content(), out / "closed-bulletin.xlsx")), 5.0, summary)
        def closed_pdf() -> object:
            _split.cache_clear()  # each time as in a fresh process: no line split kept from an earlier render
            _char_widths.clear()
            return render_content(closed_content(), "TB-2025-05-01")

        add("bulletin of a closed month, from the database to the finished PDF (unsigned)", best_of(closed_pdf),
            5.0, summary)
        _undo_close(url, "2025-05")
    finally:
        central.close()
    return found


def main() -> int:
    return central_main("month_load", __doc__, lambda url, n, report: figures(url, n, report))


if __name__ == "__main__":
    raise SystemExit(main())
