"""Central query load (issue #8): a year of 50 inspectors in a central PostgreSQL, then the monthly summary.

    .venv/bin/python tests/benchmarks/central_load.py [--deductions N] [--url URL]
    .venv/bin/python tests/benchmarks/run.py --only central        (N from CENTRAL_DEDUCTIONS, default 200,000)

Fills a new central database (schema by open_central, so at the newest migration) through COPY: 50 inspectors,
one batch per inspector per working day over a year, 20 deductions per inspection, 40 departments and 2,000
staff; 10,000,000 deductions is the issue's year. Rows have the real columns and a JSON payload of the real
width and the counted points a merge works out; their hashes are random (no merge reads them here). Then
times the central month (core/merge/summary.central_summary) with the month indexes of c0002/c0003, and
again on c0001's month-only indexes (the baseline: same queries, same data).
Without --url a throwaway cluster is started (tests/helpers/postgres.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE.parent))  # helpers.postgres

from benchlib import Figure

from inspector_app.core.merge import open_central
from inspector_app.core.merge.summary import central_summary

INSPECTORS, DEPARTMENTS, STAFF, PER_INSPECTION = 50, 40, 2_000, 20
C0003 = ("ix_deductions_month_department", "ix_deductions_month_staff", "ix_inspections_month_department")
C0001 = ("ix_deductions_local_month", "ix_inspections_local_month")  # replaced by c0002's, then c0003's
TZ = timezone(timedelta(hours=8))
ITEMS = [f"A{n:02d}" for n in range(1, 31)]
DEDUCTION_COLUMNS = ("id", "inspection_id", "item_code", "charged_to", "staff_no", "staff_name", "department_id",
                     "department_code", "count", "points", "counted_points", "pay_percent", "note", "recorded_at",
                     "local_month", "voided_at", "void_reason", "utc_offset_min", "content_hash", "payload")
INSPECTION_COLUMNS = ("id", "batch_id", "checklist_hash", "department_id", "inspector_name", "inspector_no", "mode",
                      "started_at", "finished_at", "local_month", "device_id", "seq", "content_hash", "payload")


def _hex() -> str:
    return random.getrandbits(256).to_bytes(32, "big").hex()


def fill(dsn: str, deductions: int, year: int = 2025) -> tuple[float, int]:
    """COPY a year into the central database at `dsn`; returns (seconds, deductions written)."""
    import psycopg

    rng = random.Random(5)
    departments = [(f"D{n:03d}", f"D{n:03d}", f"科室{n:03d}") for n in range(DEPARTMENTS)]  # id = roster code (c0003)
    staff = [(f"S{n:05d}", f"职工{n:05d}", departments[n % DEPARTMENTS]) for n in range(STAFF)]
    days = [datetime(year, 1, 1, 9, tzinfo=TZ) + timedelta(days=d) for d in range(365)]
    days = [d for d in days if d.weekday() < 5]
    inspections = max(1, deductions // PER_INSPECTION)
    per_batch = max(1, -(-inspections // (INSPECTORS * len(days))))
    checklist = _hex()
    start = time.perf_counter()
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        with cursor.copy("COPY departments (id, code, name, kind, content_hash, payload) FROM STDIN") as copy:
            for key, code, name in departments:
                copy.write_row((key, code, name, "clinical", _hex(), json.dumps({"id": key, "code": code})))
        with cursor.copy("COPY checklist_snapshots (id, checklist_id, version, content_hash, payload) "
                         "FROM STDIN") as copy:
            copy.write_row((checklist, "svc-001-assessment", 1, _hex(), "{}"))
        batches = [(str(uuid.uuid4()), day, inspector) for day in days for inspector in range(INSPECTORS)]
        batches = batches[:-(-inspections // per_batch)]
        _copy_batches(cursor, batches)
        made = written = 0
        with cursor.copy(f"COPY inspections ({', '.join(INSPECTION_COLUMNS)}) FROM STDIN") as copy:
            for batch, day, inspector in batches:
                for n in range(min(per_batch, inspections - made)):
                    key, dept = str(uuid.uuid4()), departments[rng.randrange(DEPARTMENTS)]
                    moment = day + timedelta(minutes=20 * n)
                    copy.write_row((key, batch, checklist, dept[0], f"督查员{inspector:02d}", f"I{inspector:02d}",
                                    "open", moment, moment + timedelta(minutes=15), moment.strftime("%Y-%m"),
                                    f"device-{inspector:02d}", n, _hex(),
                                    json.dumps({"id": key, "department_id": dept[0]})))
                    made += 1
        connection.commit()
        cursor.execute("SELECT id, department_id, local_month, started_at FROM inspections")
        parents = cursor.fetchall()
        with cursor.copy(f"COPY deductions ({', '.join(DEDUCTION_COLUMNS)}) FROM STDIN") as copy:
            for inspection, dept_id, month, moment in parents:
                for n in range(PER_INSPECTION):
                    if written >= deductions:
                        break
                    person = staff[rng.randrange(STAFF)]
                    key, item, points = str(uuid.uuid4()), ITEMS[n % len(ITEMS)], float(1 + n % 3)
                    voided = moment if n == 7 else None
                    payload = (f'{{"id":"{key}","inspection_id":"{inspection}","item_code":"{item}",'
                               f'"charged_to":"person","staff_no":"{person[0]}","staff_name":"{person[1]}",'
                               f'"department_id":"{dept_id}","count":1,"points":{points},'
                               f'"note":"未佩戴胸牌，已当场提醒","local_month":"{month}","utc_offset_min":480}}')
                    copy.write_row((key, inspection, item, "person", person[0], person[1], person[2][0],
                                    person[2][1], 1, points, points, points, "未佩戴胸牌，已当场提醒", moment, month,
                                    voided, "录入有误" if voided else None, 480, _hex(), payload))
                    written += 1
        connection.commit()
    return time.perf_counter() - start, written


def _copy_batches(cursor, batches: list) -> None:
    with cursor.copy("COPY batches (batch_id, device_id, staff_no, inspector_name, bundle_name, bundle_sha256, "
                     "created_at, merged_at, inspections, inserted, unchanged, conflicts) FROM STDIN") as copy:
        for batch, day, inspector in batches:
            copy.write_row((batch, f"device-{inspector:02d}", f"I{inspector:02d}", f"督查员{inspector:02d}",
                            f"batch-{batch}.zip", _hex(), day, day, 1, 0, 0, 0))


def _time_month(url: str, month: str, repeat: int = 3) -> float:
    """Best of `repeat` (warm cache, as at the office) for the whole central month: both rankings and the
    staff table with pay share (core/merge/summary.central_summary)."""
    central = open_central(url)
    try:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            summary = central_summary(central, month)
            best = min(best, time.perf_counter() - start)
            assert summary.departments and summary.persons
        return best
    finally:
        central.close()


def _set_indexes(dsn: str, present: bool) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection:
        for name in (*C0003, *C0001):
            connection.execute(f"DROP INDEX IF EXISTS {name}")
        if not present:  # the schema before c0002: month-only indexes
            connection.execute("CREATE INDEX ix_deductions_local_month ON deductions (local_month)")
            connection.execute("CREATE INDEX ix_inspections_local_month ON inspections (local_month)")
        else:  # as migrations c0002 and c0003 make them
            connection.execute("CREATE INDEX ix_deductions_month_department ON deductions "
                               "(local_month, department_id, voided_at, charged_to, count, counted_points, "
                               "pay_percent)")
            connection.execute("CREATE INDEX ix_deductions_month_staff ON deductions "
                               "(local_month, staff_no, voided_at, count, counted_points, pay_percent, staff_name, "
                               "department_code)")
            connection.execute("CREATE INDEX ix_inspections_month_department ON inspections "
                               "(local_month, department_id)")
        connection.execute("VACUUM ANALYZE")


def figures(url: str, deductions: int) -> list[Figure]:
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    open_central(url).close()
    _set_indexes(dsn, present=False)  # load with c0001's indexes, then build the month indexes
    fill_s, written = fill(dsn, deductions)
    start = time.perf_counter()
    _set_indexes(dsn, present=True)
    index_s = time.perf_counter() - start
    month = "2025-06"
    indexed = _time_month(url, month)
    _set_indexes(dsn, present=False)
    month_only = _time_month(url, month)
    _set_indexes(dsn, present=True)
    print(f"central_load: {written:,} deductions copied in {fill_s:.1f}s ({written / fill_s:,.0f} rows/s), "
          f"month indexes built in {index_s:.1f}s", file=sys.stderr)
    scale = f"{written:,} deductions"
    return [
        Figure(f"central month (both rankings, staff and pay share), {scale}", indexed, "s", month_only,
               "same queries on month-only indexes (c0001)", "<= 1 s", indexed <= 1.0),
        Figure(f"central load: COPY {scale} (with inspections, batches)", written / fill_s, "rows/s",
               written / fill_s, "itself (the generator's rate)", "-", None),
    ]


def bench_central_load() -> list[Figure]:
    from helpers.postgres import Cluster, _bin_dir

    deductions = int(os.environ.get("CENTRAL_DEDUCTIONS", "200000"))
    bin_dir = _bin_dir()
    if bin_dir is None:
        print("bench_central_load: PostgreSQL is not installed here; skipped", file=sys.stderr)
        return []
    cluster = Cluster(bin_dir)
    try:
        return figures(cluster.new_database(), deductions)
    finally:
        cluster.stop()


ALL = [bench_central_load]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deductions", type=int, default=int(os.environ.get("CENTRAL_DEDUCTIONS", "200000")))
    parser.add_argument("--url", help="an empty central PostgreSQL database (default: a throwaway cluster)")
    args = parser.parse_args()
    os.environ["CENTRAL_DEDUCTIONS"] = str(args.deductions)
    found = figures(args.url, args.deductions) if args.url else bench_central_load()
    for figure in found:
        print(figure.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
