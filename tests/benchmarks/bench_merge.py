"""Central-merge benchmarks: real signed batch bundles merged into SQLite and PostgreSQL, each with a baseline.

Setup (built once per run, shared by both functions): a laptop workspace with the demo roster and identity,
N finished inspections of 50 person deductions each (svc-001-assessment), one signed batch bundle per
inspection. The merge verifies each bundle, recomputes every deduction from its checklist snapshot and
inserts the rows, a group of bundles per transaction (core/merge/service.py). Its headline baseline is a raw
executemany of the same number of rows of similar width into a plain table in as many transactions as the
merge committed (counted on the engine: with worker processes a group is also written while the next bundle is
not ready, share.WRITE_WHILE_WAITING), in the same run on the same database server with the same durability
(SQLite: the central pragmas, WAL + synchronous=FULL; PostgreSQL: a server with fsync on). The older baseline,
one transaction per bundle, is reported beside it. A re-merge recognises each bundle by its hash: bundles per
second, against reading and hashing the files alone. CPU per row (this process, and with workers theirs too)
is reported beside rows/s: on a shared machine it moves less with the other work running.

Profiling: BENCH_MERGE_REUSE=/some/dir builds the bundles there once and reuses them in later runs (building
1,000 takes about a minute); the figures are the same either way.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from benchlib import Figure
from sqlalchemy import event

from inspector_app.core.checklists.models import ChargeTo
from inspector_app.core.demo import ensure_demo_roster
from inspector_app.core.identity import (
    DEMO_PASSPHRASE,
    ensure_demo_identity,
    load_signing_identity,
    trusted_office_certs,
)
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.merge.database import SQLITE_PRAGMAS
from inspector_app.core.merge.rows import bundle_rows
from inspector_app.core.merge.workers import default_jobs
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.roster_store import current_roster, departments_for
from inspector_app.core.sync.bundle import build_bundle, file_sha256
from inspector_app.core.sync.push import record_new_batch
from inspector_app.core.sync.verify import open_bundle
from inspector_app.core.workspace import Workspace

BUNDLES = int(os.environ.get("BENCH_MERGE_BUNDLES", "1000"))
REUSE = os.environ.get("BENCH_MERGE_REUSE", "")  # a folder: build the bundles there once, reuse them afterwards
DEDUCTIONS = 50
BUILD_BUDGET_S = 180.0  # scale N down when building 1,000 bundles would take longer than this here
CHECKLIST = "svc-001-assessment"


@dataclass
class _Setup:
    root: Path
    bundles: list[Path]
    trusted: list
    template: list[dict]  # one bundle's rows as (columns + content_hash + payload JSON): the baseline's width
    build_s: float


_CACHE: _Setup | None = None


def _setup() -> _Setup:
    global _CACHE
    if _CACHE is not None:
        return _CACHE
    started = time.perf_counter()
    if REUSE and (reused := _reuse(Path(REUSE))) is not None:
        _CACHE = reused
        return reused
    root = Path(REUSE) if REUSE else Path(tempfile.mkdtemp(prefix="inspector-bench-merge-"))
    if REUSE:
        shutil.rmtree(root, ignore_errors=True)
    ws = Workspace.open(root / "laptop")
    ensure_demo_roster(ws)
    ensure_demo_identity(ws)
    identity = load_signing_identity(ws, DEMO_PASSPHRASE)
    roster = current_roster(ws)
    checklist = ws.library.get(CHECKLIST)
    items = [item.code for item in checklist.items() if item.charge_to is ChargeTo.PERSON and item.observable]
    departments = [d for d in departments_for(checklist, roster) if roster.staff_of(d.code)]
    recorder = Recorder(ws, actor="bench")
    name, number = ws.settings.inspector.name, ws.settings.inspector.staff_no or None
    out = root / "bundles"
    bundles: list[Path] = []
    target = BUNDLES
    base = datetime.now().astimezone() - timedelta(days=20)
    index = 0
    while index < target:
        department = departments[index % len(departments)]
        staff = [s.staff_no for s in roster.staff_of(department.code)]
        moment = base + timedelta(minutes=index)
        with recorder.batch():
            inspection = recorder.start(NewInspection(CHECKLIST, department.code, name, number,
                                                      location=department.name, started_at=moment), checklist)
            for n in range(DEDUCTIONS):
                recorder.record(inspection.id, NewDeduction(items[n % len(items)], [staff[n % len(staff)]], 1,
                                                            f"基准 {n}", recorded_at=moment))
            recorder.finish(inspection.id)
        batch = record_new_batch(ws)
        assert batch is not None
        path = out / batch.bundle_name
        build_bundle(ws, identity, batch.batch_id, batch.created_at, list(batch.inspection_ids), path)
        bundles.append(path)
        index += 1
        if index == 20 and target == BUNDLES:  # extrapolate; scale down if the full set is too slow to build
            per = (time.perf_counter() - started) / index
            if per * BUNDLES > BUILD_BUDGET_S:
                target = max(50, int(BUILD_BUDGET_S / per) // 50 * 50)
                print(f"bench_merge: building {BUNDLES} bundles would take ~{per * BUNDLES:.0f}s; "
                      f"using {target}", file=sys.stderr)
    trusted = trusted_office_certs(ws)
    ws.close()
    _CACHE = _Setup(root, bundles, trusted, _template(bundles[0], trusted), time.perf_counter() - started)
    print(f"bench_merge: built {len(bundles)} bundles × {DEDUCTIONS} deductions in {_CACHE.build_s:.1f}s",
          file=sys.stderr)
    if REUSE:
        (root / "complete").write_text("\n".join(path.name for path in bundles))  # in the order built
    return _CACHE


def _template(bundle: Path, trusted: list) -> list[dict]:
    verified = open_bundle(bundle, trusted)
    return [dict(row.columns, content_hash=row.content_hash,
                 payload=json.dumps(row.payload, ensure_ascii=False, default=str))
            for row in bundle_rows(verified.manifest, verified.data)]


def _reuse(root: Path) -> _Setup | None:
    """The bundles built by an earlier run into BENCH_MERGE_REUSE (for profiling: building takes a minute)."""
    names = (root / "complete").read_text().split() if (root / "complete").is_file() else []
    if len(names) != BUNDLES:
        return None
    bundles = [root / "bundles" / name for name in names]
    ws = Workspace.open(root / "laptop")
    trusted = trusted_office_certs(ws)
    ws.close()
    print(f"bench_merge: reusing {len(bundles)} bundles from {root}", file=sys.stderr)
    return _Setup(root, bundles, trusted, _template(bundles[0], trusted), 0.0)


def _raw_rows(setup: _Setup, count: int) -> tuple[list[tuple], list[str]]:
    """`count` rows shaped like the deduction rows of a bundle (widest table): id, 14 columns, hash, payload."""
    rows = []
    deductions = [r for r in setup.template if "item_code" in r] or setup.template
    keys = [k for k in deductions[0] if k != "id"]
    for n in range(count):
        template = deductions[n % len(deductions)]
        rows.append((str(uuid.uuid4()), *(None if template.get(k) is None else str(template[k]) for k in keys)))
    return rows, keys


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if n < total % parts else 0) for n in range(parts)]


def _raw_sqlite(folder: Path, total: int, setup: _Setup, parts: int = 0) -> tuple[float, float]:
    """(seconds, CPU seconds of this process) of the raw inserts."""
    rows, keys = _raw_rows(setup, total)
    (folder / "raw.db").unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        (folder / f"raw.db{suffix}").unlink(missing_ok=True)
    connection = sqlite3.connect(folder / "raw.db", isolation_level=None)
    for pragma in SQLITE_PRAGMAS:
        connection.execute(pragma)
    columns = ", ".join(f'"{k}" TEXT' for k in keys)
    connection.execute(f"CREATE TABLE raw (id TEXT PRIMARY KEY, {columns})")
    sql = f"INSERT INTO raw VALUES ({', '.join('?' for _ in range(len(keys) + 1))})"
    start, cpu, at = time.perf_counter(), time.process_time(), 0
    for size in _split(total, parts or len(setup.bundles)):
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(sql, rows[at:at + size])
        connection.execute("COMMIT")
        at += size
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    connection.close()
    return elapsed, cpu


def _raw_postgres(dsn: str, total: int, setup: _Setup, parts: int = 0) -> tuple[float, float]:
    """(seconds, CPU seconds of this process: the client's only) of the raw inserts."""
    import psycopg

    rows, keys = _raw_rows(setup, total)
    with psycopg.connect(dsn) as connection:
        columns = ", ".join(f'"{k}" TEXT' for k in keys)
        connection.execute("DROP TABLE IF EXISTS raw")
        connection.execute(f"CREATE TABLE raw (id TEXT PRIMARY KEY, {columns})")
        connection.commit()
        sql = f"INSERT INTO raw VALUES ({', '.join('%s' for _ in range(len(keys) + 1))})"
        start, cpu, at = time.perf_counter(), time.process_time(), 0
        for size in _split(total, parts or len(setup.bundles)):
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows[at:at + size])
            connection.commit()
            at += size
        return time.perf_counter() - start, time.process_time() - cpu


def _cpu_with_children() -> float:
    """CPU seconds of this process and of its children waited for (the merge's worker processes)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _merge_with_workers(url: str, setup: _Setup, files: Path) -> tuple[int, float, float, int]:
    """The same first merge as the command line runs it: `default_jobs()` worker processes verify ahead.
    (rows, seconds, CPU seconds of this process and the workers, transactions committed: with workers a group
    is also written when the next bundle is not ready yet, share.WRITE_WHILE_WAITING)."""
    central = open_central(url)
    commits: list[object] = []
    event.listen(central.engine, "commit", commits.append)
    try:
        start, cpu = time.perf_counter(), _cpu_with_children()
        report = merge_files(central, setup.bundles, setup.trusted, files, jobs=default_jobs())
        return (sum(o.result.inserted for o in report.outcomes if o.result), time.perf_counter() - start,
                _cpu_with_children() - cpu, len(commits))
    finally:
        central.close()


def _merge_figures(backend: str, url: str, folder: Path, raw: Callable[[int, _Setup, int], tuple[float, float]],
                   rows_target: float, second_url: str) -> list[Figure]:
    setup = _setup()
    n = len(setup.bundles)
    label = f"merge {n} bundles × {DEDUCTIONS} deductions into {backend}"
    central = open_central(url)
    commits: list[object] = []
    event.listen(central.engine, "commit", commits.append)
    files = folder / "files"
    try:
        start, cpu = time.perf_counter(), time.process_time()
        report = merge_files(central, setup.bundles, setup.trusted, files)
        merge_s, merge_cpu = time.perf_counter() - start, time.process_time() - cpu
        groups = len(commits)  # the merge's transactions: a group of bundles each
        refused = [o for o in report.outcomes if o.result is None]
        assert not refused, refused[:3]
        rows = sum(o.result.inserted for o in report.outcomes)
        start = time.perf_counter()
        again = merge_files(central, setup.bundles, setup.trusted, files)
        remerge_s = time.perf_counter() - start
        assert all(o.result is not None and o.result.already_merged for o in again.outcomes)
    finally:
        central.close()
    raw_grouped_s, raw_cpu = raw(rows, setup, groups)
    raw_s, _ = raw(rows, setup, 0)
    hash_s = _hash_bundles(setup.bundles)
    rate = rows / merge_s
    rows_jobs, jobs_s, jobs_cpu, jobs_groups = _merge_with_workers(second_url, setup, folder / "files-jobs")
    raw_jobs_s = raw(rows, setup, jobs_groups)[0] if jobs_groups != groups else raw_grouped_s
    client = " (this process; the server's CPU not counted)" if backend == "PostgreSQL" else ""
    print(f"bench_merge: {backend}: {rows} rows merged in {merge_s:.2f}s, re-merged in {remerge_s:.2f}s, "
          f"raw executemany {raw_grouped_s:.2f}s in {groups} transactions ({raw_s:.2f}s in {n}), "
          f"bundles hashed in {hash_s:.2f}s", file=sys.stderr)
    return [
        Figure(f"{label} (verify, recompute every deduction, insert; {groups} transactions): rows/s", rate,
               "rows/s", rows / raw_grouped_s, f"raw executemany of the same rows in the same {groups} transactions",
               f">= {rows_target:,.0f} rows/s", rate >= rows_target),
        Figure(f"{label} as the command line runs it ({default_jobs()} worker processes verifying ahead): rows/s",
               rows_jobs / jobs_s, "rows/s", rows / raw_jobs_s,
               f"raw executemany of the same rows in the same {jobs_groups} transactions",
               f">= {rows_target:,.0f} rows/s",
               rows_jobs / jobs_s >= rows_target),
        # CPU per row: less sensitive than rows/s to other work on a shared machine
        Figure(f"{label}: CPU per row, one process{client}", merge_cpu * 1e6 / rows, "µs/row", raw_cpu * 1e6 / rows,
               f"raw executemany of the same rows in the same {groups} transactions{client}", "-", None),
        Figure(f"{label}: CPU per row with {default_jobs()} worker processes (all processes{client})",
               jobs_cpu * 1e6 / rows_jobs, "µs/row", raw_cpu * 1e6 / rows,
               f"raw executemany of the same rows in the same {groups} transactions{client}", "-", None),
        Figure(f"{label}: merge time against raw inserts in the same transactions", merge_s, "s", raw_grouped_s,
               f"raw executemany of the same rows in the same {groups} transactions", "-", None),
        Figure(f"{label}: merge time against raw inserts committed per bundle", merge_s, "s", raw_s,
               f"raw executemany of the same rows in {n} transactions (one per bundle)", "-", None),
        Figure(f"re-merge the same {n} bundles into {backend} (each recognised by its hash): bundles/s",
               n / remerge_s, "bundles/s", n / hash_s, "reading and hashing each bundle file alone",
               ">= 1,000 bundles/s", n / remerge_s >= 1_000),
    ]


def _hash_bundles(bundles: list[Path]) -> float:
    start = time.perf_counter()
    for path in bundles:
        file_sha256(path)
    return time.perf_counter() - start


def bench_merge_sqlite() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="inspector-bench-central-") as name:
        folder = Path(name)
        return _merge_figures("SQLite", default_url(folder), folder,
                              lambda rows, setup, parts: _raw_sqlite(folder, rows, setup, parts), 20_000,
                              default_url(folder / "second"))


def bench_merge_postgres() -> list[Figure]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from helpers.postgres import Cluster, _bin_dir

    bin_dir = _bin_dir()
    if bin_dir is None:
        print("bench_merge_postgres: PostgreSQL is not installed here; skipped", file=sys.stderr)
        return []
    cluster = Cluster(bin_dir, durable=True)  # fsync on, as the office's server would run
    try:
        url = cluster.new_database()
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with tempfile.TemporaryDirectory(prefix="inspector-bench-central-") as name:
            return _merge_figures("PostgreSQL", url, Path(name),
                                  lambda rows, setup, parts: _raw_postgres(dsn, rows, setup, parts), 20_000,
                                  cluster.new_database())
    finally:
        cluster.stop()


@atexit.register
def _cleanup() -> None:
    if _CACHE is not None and not REUSE:
        shutil.rmtree(_CACHE.root, ignore_errors=True)


ALL = [bench_merge_sqlite, bench_merge_postgres]
