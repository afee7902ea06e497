"""The office's trends and quarterly selection at a year of central data (issue #14 parts 4 and 5).

    .venv/bin/python tests/benchmarks/office_load.py [--deductions N] [--url URL] [--keep]

Fills a central PostgreSQL as central_load.py does (50 inspectors, 40 departments, 2,000 staff; 10,000,000
deductions is the issue's year; the first 6 departments made windows), then times, best of 3 (warm cache):
- office trends over 12, 6 and 3 months (department month over month, problems, inspectors), against the
  same department figures as one central_summary per month (what "equal the central summary" costs naively);
- each of the three parts of trends alone over 12 months;
- the quarter's awards (office.awards.candidates: windows and every person charged), against the same
  quarter's three central summaries.
`--url` reuses a filled database (it is filled only when empty).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE.parent))

from benchlib import Figure, best_of, central_main
from central_load import _set_indexes, fill

from inspector_app.core.merge import open_central
from inspector_app.core.merge.summary import central_summary
from inspector_app.office import trends as ot
from inspector_app.office.awards import candidates
from inspector_app.office.trends import month_span, trends


def _real_checklist(dsn: str) -> None:
    """central_load's snapshot has no body; give it 001's items as A01..A30 (A05/A13 推诿, A07/A15 投诉…), so
    the selection's rules find their items: with 20 entries per inspection on A01..A20, a fifth of all entries
    count against a criterion (far more than a hospital's, the worst case for those scans)."""
    import json

    import psycopg

    from inspector_app.core.checklists.library import ChecklistLibrary
    from inspector_app.core.checklists.models import Checklist

    body = ChecklistLibrary.load(HERE.parent.parent / "forms").get("svc-001-assessment").model_dump(mode="json")
    items = [item for section in body["sections"] for item in section["items"]]
    body["sections"] = [dict(body["sections"][0], items=[dict(items[(n - 1) % len(items)], code=f"A{n:02d}")
                                                         for n in range(1, 31)])]
    Checklist.model_validate(body)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("UPDATE checklist_snapshots SET payload = %s", (json.dumps({"body": body}),))


def _add(found: list[Figure], report: Callable[[Figure], object], figure: Figure) -> None:
    found.append(figure)
    report(figure)


def _filled(url: str, deductions: int) -> int:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    open_central(url).close()
    with psycopg.connect(dsn) as connection:
        held = connection.execute("SELECT count(*) FROM deductions").fetchone()[0]
    if held:
        _real_checklist(dsn)
        return held
    _set_indexes(dsn, present=False)
    with psycopg.connect(dsn, autocommit=True) as connection:  # c0010's, built after the load as the others
        connection.execute("DROP INDEX IF EXISTS ix_deductions_repeat_key")
    seconds, written = fill(dsn, deductions)
    _set_indexes(dsn, present=True)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("CREATE INDEX ix_deductions_repeat_key ON deductions (local_month, department_id, "
                           "item_code, staff_no, inspection_id, count, staff_name, id) WHERE voided_at IS NULL")
        connection.execute("VACUUM ANALYZE deductions")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("UPDATE departments SET kind = 'window' WHERE id < 'D006'")
    _real_checklist(dsn)
    print(f"office_load: {written:,} deductions copied in {seconds:.1f}s", file=sys.stderr)
    return written


def figures(url: str, deductions: int, report: Callable[[Figure], object] = lambda figure: None) -> list[Figure]:
    """Each figure is also given to `report` as soon as it is measured (a year takes minutes)."""
    written = _filled(url, deductions)
    scale = f"{written:,} deductions"
    central = open_central(url)
    found = []
    try:
        for months in (12, 6, 3):
            span = month_span("2025-12", months)
            value = best_of(lambda m=months: trends(central, m, to="2025-12"))
            naive = best_of(lambda s=span: [central_summary(central, month) for month in s], repeat=1)
            _add(found, report, Figure(
                f"office trends, {months} months (departments, problems, inspectors), {scale}", value, "s", naive,
                f"{months} central summaries (departments only)", "<= 5 s", value <= 5.0))
        span = month_span("2025-12", 12)
        with central.read() as session:
            for name, work in (("departments", lambda: ot._department_months(session, span)),
                               ("problems", lambda: ot._problems(session, span, 10, {}, "zh")),
                               ("inspectors", lambda: ot._inspectors(session, span))):
                value = best_of(work)
                _add(found, report, Figure(f"office trends, 12 months, {name} alone, {scale}", value, "s", value,
                                           "itself", "-", None))
        awards = best_of(lambda: candidates(central, "2025-Q2"), repeat=2)
        quarter = best_of(lambda: [central_summary(central, m) for m in ("2025-04", "2025-05", "2025-06")], repeat=1)
        _add(found, report, Figure(
            f"office awards, a quarter (6 windows, 2,000 persons charged, a fifth of entries on rule items), {scale}",
            awards, "s", quarter, "the quarter's 3 central summaries", "<= 10 s", awards <= 10.0))
    finally:
        central.close()
    return found


def main() -> int:
    return central_main("office_load", __doc__, lambda url, n, report: figures(url, n, report))


if __name__ == "__main__":
    raise SystemExit(main())
