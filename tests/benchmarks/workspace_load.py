"""The office workspace at a year of central data (issue #14 part 1): what each of its screens reads.

    .venv/bin/python tests/benchmarks/workspace_load.py [--deductions N] [--url URL] [--keep]

Fills a central PostgreSQL as office_load.py does (central_load's year: 50 inspectors, 40 departments, 2,000
staff, 20 entries per inspection; 10,000,000 deductions is the issue's year), then times, best of 3 (warm cache):
- opening a month (office.overview.month_view: the month's summary, its newest 100 inspections with their
  entries and points, the departments nobody inspected), against the summary alone: the target is <= 1 s;
- one page of a month's inspections, against the same page with entries counted over the whole month
  (the grouped scan the page avoids);
- the filters' choices (opening the database), one inspection read-only, a department's page over 6 months
  (its summaries cold, then cached as the workspace keeps them).
`--url` reuses a filled database (it is filled only when empty).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE.parent))

from benchlib import Figure, best_of, central_main
from office_load import _filled
from sqlalchemy import func, select

from inspector_app.core.merge import models as m
from inspector_app.core.merge import open_central
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.summary import central_summary
from inspector_app.office.browse import choices, inspection_detail, inspections
from inspector_app.office.department import department_page
from inspector_app.office.overview import month_view

MONTH = "2025-06"




def _naive_page(central: CentralDB, month: str) -> None:  # what the page avoids: entries of the whole month
    D, I = m.Deduction, m.Inspection
    with central.read() as session:
        session.execute(select(I.id, func.count(D.id)).join(D, D.inspection_id == I.id)
                        .where(I.local_month == month, D.voided_at.is_(None)).group_by(I.id)
                        .order_by(func.max(I.started_at).desc()).limit(100)).all()


def figures(url: str, deductions: int) -> list[Figure]:
    written = _filled(url, deductions)
    scale = f"{written:,} deductions"
    central = open_central(url)
    try:
        summary = best_of(lambda: central_summary(central, MONTH))
        opened = best_of(lambda: month_view(central, MONTH))
        page = best_of(lambda: inspections(central, month=MONTH, limit=100))
        naive = best_of(lambda: _naive_page(central, MONTH), repeat=1)
        filtered = best_of(lambda: inspections(central, month=MONTH, department="D007", limit=100))
        every = best_of(lambda: inspections(central, limit=100, offset=1000))
        offered = best_of(lambda: choices(central))
        first = inspections(central, month=MONTH, limit=1).rows[0].id
        detail = best_of(lambda: inspection_detail(central, first, Path("/nonexistent")))
        cold = best_of(lambda: department_page(central, "D007", months=6, until=MONTH), repeat=1)
        cache: dict = {}
        department_page(central, "D007", months=6, until=MONTH,
                        figures=lambda mo: cache.setdefault(mo, central_summary(central, mo)))
        warm = best_of(lambda: department_page(central, "D007", months=6, until=MONTH, figures=cache.__getitem__))
    finally:
        central.close()
    return [
        Figure(f"office workspace: opening a month (summary, first 100 inspections, not inspected), {scale}",
               opened, "s", summary, "the month's central summary alone", "<= 1 s", opened <= 1.0),
        Figure(f"office workspace: a month's first page of inspections (count, 100 rows, entries, points), {scale}",
               page, "s", naive, "entries counted over the whole month", "-", None),
        Figure(f"office workspace: a month's page filtered by department, {scale}", filtered, "s", page,
               "the month's page", "-", None),
        Figure(f"office workspace: a page of every month (offset 1,000), {scale}", every, "s", page,
               "the month's page", "-", None),
        Figure(f"office workspace: the filters' choices (opening the database), {scale}", offered, "s", summary,
               "the month's central summary", "-", None),
        Figure(f"office workspace: one inspection read-only, {scale}", detail, "s", page, "the month's page", "-",
               None),
        Figure(f"office workspace: a department's page, 6 months, summaries cold, {scale}", cold, "s", 6 * summary,
               "6 central summaries", "-", None),
        Figure(f"office workspace: a department's page, 6 months, summaries cached, {scale}", warm, "s", summary,
               "the month's central summary", "<= 1 s", warm <= 1.0),
    ]


def main() -> int:
    return central_main("workspace_load", __doc__, lambda url, n, report: [report(f) for f in figures(url, n)])


if __name__ == "__main__":
    raise SystemExit(main())
