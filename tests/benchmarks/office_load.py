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

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE.parent))

from benchlib import Figure
from central_load import _set_indexes, fill

from inspector_app.core.merge import open_central
from inspector_app.core.merge.summary import central_summary
from inspector_app.office import trends as ot
from inspector_app.office.awards import candidates
from inspector_app.office.trends import month_span, trends


def _best(work: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


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
    seconds, written = fill(dsn, deductions)
    _set_indexes(dsn, present=True)
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
            value = _best(lambda m=months: trends(central, m, to="2025-12"))
            naive = _best(lambda s=span: [central_summary(central, month) for month in s], repeat=1)
            _add(found, report, Figure(
                f"office trends, {months} months (departments, problems, inspectors), {scale}", value, "s", naive,
                f"{months} central summaries (departments only)", "<= 5 s", value <= 5.0))
        span = month_span("2025-12", 12)
        with central.read() as session:
            for name, work in (("departments", lambda: ot._department_months(session, span)),
                               ("problems", lambda: ot._problems(session, span, 10, {}, "zh")),
                               ("inspectors", lambda: ot._inspectors(session, span))):
                value = _best(work)
                _add(found, report, Figure(f"office trends, 12 months, {name} alone, {scale}", value, "s", value,
                                           "itself", "-", None))
        awards = _best(lambda: candidates(central, "2025-Q2"), repeat=2)
        quarter = _best(lambda: [central_summary(central, m) for m in ("2025-04", "2025-05", "2025-06")], repeat=1)
        _add(found, report, Figure(
            f"office awards, a quarter (6 windows, 2,000 persons charged, a fifth of entries on rule items), {scale}",
            awards, "s", quarter, "the quarter's 3 central summaries", "<= 10 s", awards <= 10.0))
    finally:
        central.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deductions", type=int, default=int(os.environ.get("CENTRAL_DEDUCTIONS", "200000")))
    parser.add_argument("--url", help="a central PostgreSQL database, empty or filled by an earlier run")
    parser.add_argument("--keep", action="store_true", help="leave the throwaway cluster running (prints its URL)")
    args = parser.parse_args()
    cluster = None
    url = args.url
    if url is None:
        from helpers.postgres import Cluster, _bin_dir

        bin_dir = _bin_dir()
        if bin_dir is None:
            print("office_load: PostgreSQL is not installed here", file=sys.stderr)
            return 1
        cluster = Cluster(bin_dir)
        url = cluster.new_database()
        print(f"office_load: {url}", file=sys.stderr)
    try:
        figures(url, args.deductions, report=lambda figure: print(figure.line(), flush=True))
    finally:
        if cluster is not None and not args.keep:
            cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
