"""The office's merge into the central database, with real bundles from real pushes (no mocks)."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select

from inspector_app.core.demo import generate
from inspector_app.core.identity import (
    DEMO_PASSPHRASE,
    trusted_office_certs,
)
from inspector_app.core.merge import (
    CentralDB,
    default_url,
    merge_bundle,
    merge_files,
    merge_share,
    open_central,
)
from inspector_app.core.merge import models as m
from inspector_app.core.merge.migrate import HEAD_REVISION, script_head
from inspector_app.core.recording import NewInspection, Recorder
from inspector_app.core.store.audit import canonical
from inspector_app.core.store.models import Deduction, Inspection, Rectification
from inspector_app.core.sync import open_bundle, push
from tests.helpers.fixtures import ASSESSMENT, open_demo_workspace
from tests.helpers.hospital import resigned


class Laptop:
    """One demo laptop and the bundles it pushed: a (3 inspections), b, c (1 each), and `conflict`: a copy of
    a's data with one deduction's note changed, signed by the same inspector."""

    def __init__(self, root: Path):
        self.ws = open_demo_workspace(root / "data")
        generate(self.ws, 3, seed=7, sign_sheets=True)
        share = root / "share"
        share.mkdir()
        self.bundles: list[Path] = []
        for n in range(3):
            if n:
                recorder = Recorder(self.ws, actor="tester")
                started = recorder.start(NewInspection(checklist_id=ASSESSMENT, department="W-REG",
                                                       inspector_name="演示督查员"))
                recorder.finish(started.id)
            report = push(self.ws, share, DEMO_PASSPHRASE)
            assert report.bundle is not None
            self.bundles.append(shutil.copy2(report.bundle, root / report.bundle.name))
        self.trusted = trusted_office_certs(self.ws)

        def change_note(data: dict[str, Any]) -> None:
            deduction = next(d for r in data["inspections"] for d in r["deductions"])
            self.changed = deduction["id"]
            deduction["note"] = deduction["note"] + "（改）"

        self.conflict = resigned(self.ws, self.bundles[0], root, change_note)


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Laptop]:
    made = Laptop(tmp_path_factory.mktemp("laptop"))
    yield made
    made.ws.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def new_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """Each call: a fresh, empty central database of the backend under test (a real PostgreSQL server)."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    counter = iter(range(1000))
    return lambda: default_url(tmp_path / f"office-{next(counter)}")


@pytest.fixture
def central(new_url: Callable[[], str]) -> Iterator[CentralDB]:
    db = open_central(new_url())
    yield db
    db.close()


def snapshot(central: CentralDB) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, without the columns that say when or in which run: a batch's counts
    (a department the first batch inserted is unchanged for the next) are a log of the run, not content."""
    skip = {"merged_at", "found_at", "inserted", "unchanged"}
    found = {}
    with central.read() as session:
        for table in m.CentralBase.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in skip and not (table.name == "conflicts"
                                                                                and c.name == "id")]
            rows = session.execute(select(*columns)).all()
            found[table.name] = sorted(tuple(json.dumps(v, sort_keys=True, default=str) for v in row)
                                        for row in rows)
    return found


def count(central: CentralDB, table: type[Any]) -> int:
    with central.read() as session:
        return len(session.scalars(select(table)).all())


# -- schema ------------------------------------------------------------------------------------------------
def test_migrations_match_the_models(central: CentralDB) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    assert script_head() == HEAD_REVISION
    with central.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), m.CentralBase.metadata)
    assert [d for d in diff if not (isinstance(d, tuple) and d[0] == "remove_table"
                                    and d[1].name == "central_alembic_version")] == []
    if central.engine.dialect.name == "sqlite":
        with central.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert "inspections" in inspect(central.engine).get_table_names()


# -- one bundle ----------------------------------------------------------------------------------------------
def test_merge_one_bundle_equals_the_laptop(laptop: Laptop, central: CentralDB, tmp_path: Path) -> None:
    verified = open_bundle(laptop.bundles[0], laptop.trusted)
    files = tmp_path / "files"
    result = merge_bundle(central, verified, files)
    assert result.inserted > 0 and result.conflicts == () and not result.already_merged
    with laptop.ws.db.read() as local, central.read() as session:
        ids = set(session.scalars(select(m.Inspection.id)))
        assert ids == set(verified.manifest.inspection_ids)
        laptop_deductions = {d.id: (d.points, d.note, d.count, d.inspection_id, d.recorded_at, d.voided_at)
                             for d in local.scalars(select(Deduction).where(Deduction.inspection_id.in_(ids)))}
        central_deductions = {d.id: (d.points, d.note, d.count, d.inspection_id, d.recorded_at, d.voided_at)
                              for d in session.scalars(select(m.Deduction))}
        assert central_deductions == laptop_deductions and laptop_deductions
        for row in session.scalars(select(m.Inspection)):
            local_row = local.get(Inspection, row.id)
            assert local_row is not None and (row.seq, row.started_at, row.finished_at) == (
                local_row.seq, local_row.started_at, local_row.finished_at)
        laptop_items = {r.id: (r.deadline, r.status) for r in local.scalars(select(Rectification))}
        central_items = {r.id: (r.deadline, r.status) for r in session.scalars(select(m.Rectification))}
        assert central_items and all(central_items[k] == laptop_items[k] for k in central_items)
        batch = session.get(m.Batch, result.batch_id)
        assert batch is not None and batch.inserted == result.inserted and batch.inspections == 3
        stored = [d for d in session.scalars(select(m.Document)) if d.file_path]
        assert stored and all((files / d.file_path).read_bytes().startswith(b"%PDF") for d in stored)
        for d in stored:
            assert hashlib.sha256((files / d.file_path).read_bytes()).hexdigest() in d.file_path

    before = snapshot(central)
    again = merge_bundle(central, open_bundle(laptop.bundles[0], laptop.trusted), files)
    assert again.already_merged and again.inserted == 0 and snapshot(central) == before


def test_a_conflict_is_kept_aside_and_the_first_row_untouched(laptop: Laptop, central: CentralDB,
                                                               tmp_path: Path) -> None:
    files = tmp_path / "files"
    merge_bundle(central, open_bundle(laptop.bundles[0], laptop.trusted), files)
    with central.read() as session:
        original = session.get(m.Deduction, laptop.changed)
        assert original is not None
        note, digest = original.note, original.content_hash
    result = merge_bundle(central, open_bundle(laptop.conflict, laptop.trusted), files)
    assert [(c.entity, c.entity_id) for c in result.conflicts] == [("deductions", laptop.changed)]
    assert result.inserted == 0 and result.unchanged > 0
    with central.read() as session:
        row = session.get(m.Deduction, laptop.changed)
        assert row is not None and (row.note, row.content_hash) == (note, digest)
        conflict = session.scalars(select(m.Conflict)).one()
        assert (conflict.existing_hash, conflict.batch_id) == (digest, result.batch_id)
        assert conflict.incoming["note"] == note + "（改）" and conflict.incoming_hash != digest
    merge_bundle(central, open_bundle(laptop.conflict, laptop.trusted), files)
    assert count(central, m.Conflict) == 1


# -- order does not matter -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reference(laptop: Laptop, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[Any, ...]]]:
    folder = tmp_path_factory.mktemp("reference")
    db = open_central(default_url(folder))
    try:
        merge_files(db, laptop.bundles, laptop.trusted, folder / "files")
        return snapshot(db)
    finally:
        db.close()


@pytest.mark.slow  # date-agnostic: CI runs it once, not again under each faked date
@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([0, 1, 2]), min_size=3, max_size=6).filter(lambda xs: set(xs) == {0, 1, 2}))
def test_any_order_and_duplicates_give_the_same_content(laptop: Laptop, reference: dict[str, Any],
                                                        tmp_path_factory: pytest.TempPathFactory,
                                                        new_url: Callable[[], str], order: list[int]) -> None:
    folder = tmp_path_factory.mktemp("order")
    db = open_central(new_url())
    try:
        report = merge_files(db, [laptop.bundles[i] for i in order], laptop.trusted, folder / "files")
        assert report.clean and sum(o.status == "merged" for o in report.outcomes) == 3
        assert snapshot(db) == reference
    finally:
        db.close()


# -- the share ---------------------------------------------------------------------------------------------------
def test_merge_share_archives_the_good_and_quarantines_the_bad(laptop: Laptop, central: CentralDB,
                                                               tmp_path: Path) -> None:
    share = tmp_path / "share"
    (share / "incoming").mkdir(parents=True)
    good = Path(shutil.copy2(laptop.bundles[1], share / "incoming"))
    bad = share / "incoming" / laptop.bundles[2].name
    bad.write_bytes(laptop.bundles[2].read_bytes()[:500])
    (share / "incoming" / ".batch-x.zip.part").write_bytes(b"in progress")
    report = merge_share(central, share, laptop.trusted, tmp_path / "files")
    assert [(o.name, o.status) for o in report.outcomes] == sorted([(good.name, "merged"),
                                                                      (bad.name, "quarantined")])
    assert not report.clean and [o.reason_code for o in report.refused] == ["corrupt_zip"]
    assert sorted(p.name for p in (share / "incoming").iterdir()) == [".batch-x.zip.part"]
    assert next((share / "archive").rglob(good.name)).read_bytes() == laptop.bundles[1].read_bytes()
    reason = json.loads((share / "quarantine" / f"{bad.name}.reason.json").read_text(encoding="utf-8"))
    assert reason["reason_code"] == "corrupt_zip" and (share / "quarantine" / bad.name).is_file()
    assert count(central, m.Batch) == 1

    shutil.copy2(laptop.bundles[1], share / "incoming")  # pushed again: already merged and archived
    again = merge_share(central, share, laptop.trusted, tmp_path / "files")
    assert [o.status for o in again.outcomes] == ["already_merged"] and again.clean
    assert [p.name for p in (share / "archive").rglob("*.zip")] == [good.name]
    assert sorted(p.name for p in (share / "incoming").iterdir()) == [".batch-x.zip.part"]


def test_merge_files_reports_a_refused_bundle_without_moving_it(laptop: Laptop, central: CentralDB,
                                                                tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip")
    report = merge_files(central, [bad, laptop.bundles[1]], [], tmp_path / "files")  # nobody trusted
    assert [o.status for o in report.outcomes] == ["refused", "refused"]
    assert [o.reason_code for o in report.outcomes] == ["corrupt_zip", "unknown_signer"] and bad.exists()
    assert count(central, m.Batch) == 0


# -- two merges at once ---------------------------------------------------------------------------------------------
def test_two_concurrent_merges_make_no_duplicates_and_lose_nothing(laptop: Laptop, reference: dict[str, Any],
                                                                   tmp_path: Path,
                                                                   new_url: Callable[[], str]) -> None:
    url = new_url()
    open_central(url).close()
    bundles = [*laptop.bundles, *laptop.bundles]
    errors: list[BaseException] = []
    reports = []
    start = threading.Barrier(2)

    def run(order: list[Path]) -> None:
        db = open_central(url)
        try:
            start.wait()
            reports.append(merge_files(db, order, laptop.trusted, tmp_path / "files"))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=run, args=(order,)) for order in (bundles, bundles[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and len(reports) == 2 and all(r.clean for r in reports)
    assert sum(o.status == "merged" for r in reports for o in r.outcomes) == 3
    db = CentralDB(url)
    try:
        assert snapshot(db) == reference
    finally:
        db.close()


# -- groups, progress -------------------------------------------------------------------------------------------
def test_progress_can_stop_the_run_between_bundles(laptop: Laptop, central: CentralDB, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 1  # stop before the second bundle

    share = tmp_path / "share"
    (share / "incoming").mkdir(parents=True)
    for bundle in laptop.bundles:
        shutil.copy2(bundle, share / "incoming")
    report = merge_share(central, share, laptop.trusted, tmp_path / "files", progress=progress)
    assert [o.status for o in report.outcomes] == ["merged"] and count(central, m.Batch) == 1
    assert calls == [(0, 3), (1, 3), (1, 3)]  # before each bundle, then the final count
    assert len(list((share / "archive").rglob("*.zip"))) == 1 and len(list((share / "incoming").iterdir())) == 2
    rest = merge_share(central, share, laptop.trusted, tmp_path / "files")
    assert [o.status for o in rest.outcomes] == ["merged", "merged"] and count(central, m.Batch) == 3


def test_a_bundle_the_database_refuses_does_not_drag_its_group_down(laptop: Laptop, central: CentralDB,
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Every field is checked before the database sees it, so no content is known that the database refuses;
    the database is made to refuse one bundle's rows instead (as a constraint the checks missed would)."""
    from sqlalchemy.exc import IntegrityError

    from inspector_app.core.merge import service

    def marked(data: dict[str, Any]) -> None:
        next(d for r in data["inspections"] for d in r["deductions"])["note"] = "数据库拒收"

    real = service.insert_rows

    def refusing(connection: Any, table: Any, rows: list[Any]) -> None:
        if any("数据库拒收" in row.payload_json for row in rows):
            raise IntegrityError("INSERT …", {}, Exception("a constraint refused the row"))
        real(connection, table, rows)

    monkeypatch.setattr(service, "insert_rows", refusing)
    bad = resigned(laptop.ws, laptop.bundles[0], tmp_path, marked)
    report = merge_files(central, [laptop.bundles[1], bad, laptop.bundles[2]], laptop.trusted, tmp_path / "files")
    assert [(o.status, o.reason_code) for o in report.outcomes] == [("merged", ""), ("refused", "bad_data"),
                                                                    ("merged", "")]
    assert count(central, m.Batch) == 2
    with central.read() as session:
        merged = set(session.scalars(select(m.Inspection.batch_id)))
    assert merged == {o.result.batch_id for o in report.outcomes if o.result}


# -- central summary and its migration ----------------------------------------------------------------------------
def test_an_old_central_database_with_data_migrates_to_the_head(laptop: Laptop, new_url: Callable[[], str]) -> None:
    """A database of c0001's time (per-laptop department rows, no counted points) reaches the head: the month
    indexes exist, departments are one row per code, no deduction is lost or doubled, the month is the laptop's."""
    from inspector_app.core.merge.migrate import CENTRAL, current_revision
    from inspector_app.core.merge.summary import central_summary
    from inspector_app.core.summary import monthly_summary
    from tests.helpers.central_before_c0003 import merge_as_before_c0003

    url = new_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True)
    db = CentralDB(url)
    try:
        CENTRAL.upgrade(db.engine, "c0001")
        merge_as_before_c0003(db, laptop.bundles, laptop.trusted)
        with db.engine.connect() as connection:
            deductions = connection.exec_driver_sql("SELECT count(*) FROM deductions").scalar()
            assert connection.exec_driver_sql("SELECT count(*) FROM departments").scalar() > 0
        CENTRAL.upgrade(db.engine, "c0011")
        with db.engine.begin() as connection:  # an entry recorded at UTC+8 (c0012 takes the offset out)
            some = connection.exec_driver_sql("SELECT id FROM deductions ORDER BY id").scalars().all()[:1]
            for key, offset in zip(some, (480,), strict=True):
                connection.exec_driver_sql(
                    "UPDATE deductions SET payload = json_set(payload, '$.utc_offset_min', ?) WHERE id = ?"
                    if db.engine.dialect.name == "sqlite" else "UPDATE deductions SET payload = jsonb_set("
                    "payload::jsonb, '{utc_offset_min}', to_jsonb(%s::integer))::json WHERE id = %s", (offset, key))
        CENTRAL.upgrade(db.engine)
        assert current_revision(db.engine) == HEAD_REVISION == "c0014"
        names = {ix["name"] for table in ("deductions", "inspections", "batches")
                 for ix in inspect(db.engine).get_indexes(table)}
        assert {"ix_deductions_month_department", "ix_deductions_month_staff", "ix_inspections_month_department",
                "ix_batches_bundle_sha256"} <= names
        assert count(db, m.Deduction) == deductions
        with db.read() as session:
            assert all(d.id == d.code for d in session.scalars(select(m.Department)))
            months = set(session.scalars(select(m.Deduction.local_month)))
            offsets = {d.id: (d.utc_offset_min, d.payload.get("utc_offset_min", 0))
                       for d in session.scalars(select(m.Deduction))}
        assert all(column == payload for column, payload in offsets.values())
        assert [offsets[key][0] for key in some] == [480]
        for month in months:
            assert _month_figures(central_summary(db, month)) == _month_figures(monthly_summary(laptop.ws, month))
    finally:
        db.close()


def test_each_entry_keeps_its_utc_offset_in_a_column(laptop: Laptop, central: CentralDB, tmp_path: Path) -> None:
    """c0012: the merge fills deductions.utc_offset_min from the bundle, so the local day is read from the row."""
    merge_files(central, laptop.bundles, laptop.trusted, tmp_path / "files")
    with central.read() as session:
        pairs = [(d.utc_offset_min, d.payload["utc_offset_min"]) for d in session.scalars(select(m.Deduction))]
    assert pairs and all(column == sent for column, sent in pairs)


def test_central_summary_equals_the_laptops_month(laptop: Laptop, central: CentralDB, tmp_path: Path) -> None:
    """One set of numbers: the central month is the laptop's month, department by code and person by 工号."""
    from inspector_app.core.merge.summary import central_summary
    from inspector_app.core.summary import monthly_summary

    merge_files(central, laptop.bundles, laptop.trusted, tmp_path / "files")
    with central.read() as session:
        months = set(session.scalars(select(m.Deduction.local_month)))
    assert months
    for month in months:
        here, there = monthly_summary(laptop.ws, month), central_summary(central, month)
        assert there.total_points == pytest.approx(here.total_points)
        assert (there.inspections, there.occurrences) == (here.inspections, here.occurrences)
        assert _month_figures(there) == _month_figures(here)
        ranks = [row.rank for row in there.tally_ranking()]
        assert ranks == sorted(ranks) and ranks[0] == 1


def _month_figures(summary: Any) -> tuple[dict, dict]:
    departments = {d.code: (d.inspections, d.occurrences, d.own_points, d.staff_points, d.pay_percent, d.rank,
                            d.score_rank, d.average_score, d.failed)
                   for d in summary.departments if d.inspections or d.occurrences}
    persons = {p.staff_no: (p.occurrences, p.points, p.pay_percent, p.rank, p.department_code)
               for p in summary.persons}
    return departments, persons


def test_worker_processes_give_the_same_result(laptop: Laptop, reference: dict[str, Any], tmp_path: Path) -> None:
    bad = tmp_path / laptop.bundles[2].name
    bad.write_bytes(laptop.bundles[2].read_bytes()[:400])
    db = open_central(default_url(tmp_path / "office"))
    try:
        report = merge_files(db, [*laptop.bundles, bad], laptop.trusted, tmp_path / "files", jobs=2)
        assert [o.status for o in report.outcomes] == ["merged", "merged", "merged", "refused"]
        assert report.outcomes[-1].reason_code == "corrupt_zip"
        assert snapshot(db) == reference
    finally:
        db.close()


def test_a_workers_packed_bundle_comes_back_as_prepared(laptop: Laptop, tmp_path: Path) -> None:
    """A worker sends a bundle's rows as one marshal blob (workers._packed): unpacked here, every row, the
    manifest, the anchor, the path and the hash are what the worker had, of the same types; a value marshal
    cannot write sends the Prepared itself."""
    from dataclasses import replace

    from inspector_app.core.merge.service import prepare
    from inspector_app.core.merge.workers import _packed, _unpacked

    for bundle in laptop.bundles:
        prepared = prepare(open_bundle(bundle, laptop.trusted), tmp_path / "files")
        blob = _packed(prepared)
        assert isinstance(blob, bytes)
        back = _unpacked(blob)
        assert back == prepared and back.anchor is not None and back.manifest.created_at.tzinfo is not None
        assert [type(v) for row in back.rows for v in (*row[:4], *row.params)] == \
            [type(v) for row in prepared.rows for v in (*row[:4], *row.params)]
        assert all(type(row) is type(prepared.rows[0]) and row.table in m.CONTENT_TABLES for row in back.rows)
        odd = replace(prepared, rows=[prepared.rows[0]._replace(params=(object(),))])
        assert _packed(odd) is odd


def test_a_lost_race_is_told_by_the_error_code(tmp_path: Path, postgres_url: Callable[[], str]) -> None:
    import sqlite3

    import psycopg

    from inspector_app.core.merge.database import race_lost

    def error(run: Callable[[], object]) -> BaseException:
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - the error itself is what is tested
            return exc
        raise AssertionError("no error")

    path = tmp_path / "t.db"
    first, second = sqlite3.connect(path, isolation_level=None), sqlite3.connect(path, timeout=0, isolation_level=None)
    first.executescript("PRAGMA foreign_keys=ON; CREATE TABLE p (id PRIMARY KEY); "
                        "CREATE TABLE c (id PRIMARY KEY, p REFERENCES p(id)); INSERT INTO p VALUES (1);")
    assert race_lost(error(lambda: first.execute("INSERT INTO p VALUES (1)")))  # SQLITE_CONSTRAINT_PRIMARYKEY
    assert not race_lost(error(lambda: first.execute("INSERT INTO c VALUES (1, 2)")))  # a foreign key: the data
    first.execute("BEGIN IMMEDIATE")
    assert race_lost(error(lambda: second.execute("BEGIN IMMEDIATE")))  # SQLITE_BUSY
    first.execute("ROLLBACK")
    first.close()
    second.close()

    dsn = postgres_url().replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int, p int REFERENCES p(id)); "
                           "INSERT INTO p VALUES (1)")
        assert race_lost(error(lambda: connection.execute("INSERT INTO p VALUES (1)")))  # 23505
        assert not race_lost(error(lambda: connection.execute("INSERT INTO c VALUES (1, 2)")))  # 23503
        assert not race_lost(error(lambda: connection.execute("SELEC 1")))  # 42601


# -- the fast paths (issue #5) keep the definitions ------------------------------------------------------------
def test_rows_hash_each_laptop_row_as_defined(laptop: Laptop) -> None:
    """Every row's hash is SHA-256 over the canonical JSON of its own model (children left out), computed here
    the slow, obvious way; the stored payload is that JSON. Changing it would turn every re-merge into conflicts."""
    from inspector_app.core.merge.rows import bundle_rows

    expected: dict[tuple[str, str], dict[str, Any]] = {}
    tables = set()
    for path in laptop.bundles:
        verified = open_bundle(path, laptop.trusted)
        for record in verified.data.inspections:
            expected[("departments", record.department.code)] = record.department.model_dump(
                mode="json", include={"code", "name", "kind"})  # by roster code, whichever laptop sent it
            expected[("checklist_snapshots", record.checklist.content_hash)] = record.checklist.model_dump(mode="json")
            expected[("inspections", record.inspection.id)] = record.inspection.model_dump(mode="json")
            for deduction in record.deductions:
                expected[("deductions", deduction.id)] = deduction.model_dump(  # an ordinary entry without
                    mode="json", exclude={"photos", "rectification"}  # `period`: its hash as before c0008
                    | (set() if deduction.period else {"period"}))
                if deduction.rectification is not None:
                    expected[("rectifications", deduction.rectification.id)] = \
                        deduction.rectification.model_dump(mode="json")
                expected.update({("photos", p.id): p.model_dump(mode="json") for p in deduction.photos})
            expected.update({("hand_signatures", s.id): s.model_dump(mode="json") for s in record.hand_signatures})
            expected.update({("documents", d.id): d.model_dump(mode="json") for d in record.documents})
        for row in bundle_rows(verified.manifest, verified.data):
            text = canonical(expected[(row.entity, row.id)])
            assert row.payload_json == text
            assert row.content_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
            assert row.id == row.columns["id"]
            tables.add(row.entity)
    assert {"departments", "inspections", "deductions", "rectifications", "documents"} <= tables


def test_a_copy_the_server_refuses_is_an_sqlalchemy_error_with_its_code(laptop: Laptop,
                                                                        postgres_url: Callable[[], str]) -> None:
    """PostgreSQL rows go in by COPY, beside SQLAlchemy: a clash must still read as a lost race (23505, retried)
    and a broken foreign key as the data's fault (quarantined), exactly as from a statement."""
    from sqlalchemy.exc import IntegrityError

    from inspector_app.core.merge.bulk import insert_rows
    from inspector_app.core.merge.database import race_lost
    from inspector_app.core.merge.rows import bundle_rows

    verified = open_bundle(laptop.bundles[0], laptop.trusted)
    rows = bundle_rows(verified.manifest, verified.data)
    departments = [row for row in rows if row.table is m.Department]
    deductions = [row for row in rows if row.table is m.Deduction]
    db = open_central(postgres_url())
    try:
        def insert(table: type[m.Content], rows: list[Any]) -> None:
            with db.engine.connect() as connection, connection.begin():
                insert_rows(connection, table, rows)

        insert(m.Department, departments)
        with pytest.raises(IntegrityError) as clash:
            insert(m.Department, departments[:1])
        assert race_lost(clash.value)
        with pytest.raises(IntegrityError) as orphan:
            insert(m.Deduction, deductions)  # their inspections are not there
        assert not race_lost(orphan.value)
        with db.read() as session:
            assert len(session.scalars(select(m.Department.id)).all()) == len(departments)
    finally:
        db.close()


def test_the_group_writer_settles_in_order_and_raises_in_the_caller() -> None:
    from inspector_app.core.merge.writer import GroupWriter

    settled: list[tuple[int, str]] = []
    writer: GroupWriter[tuple[int, str]] = GroupWriter(threaded=True)
    caller = threading.current_thread().name
    for n in range(3):
        writer.submit(lambda n=n: (n, threading.current_thread().name),
                      lambda outcome: settled.append((outcome[0], threading.current_thread().name)))
    writer.wait()
    assert settled == [(0, caller), (1, caller), (2, caller)]  # settled by the caller, in order

    def fail() -> tuple[int, str]:
        raise RuntimeError("database gone")

    writer.submit(fail, lambda outcome: settled.append(outcome))
    with pytest.raises(RuntimeError, match="database gone"):
        writer.wait()
    writer.close()
    assert len(settled) == 3


def test_fewer_collections_restores_the_thresholds_after_the_last_merge() -> None:
    import gc

    from inspector_app.core.merge.writer import GC_YOUNG, fewer_collections

    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] >= GC_YOUNG
        with fewer_collections():
            pass
        assert gc.get_threshold()[0] >= GC_YOUNG  # another merge still runs
    assert gc.get_threshold() == before


# -- the office recomputes every number (issue #12) ---------------------------------------------------------------
def _first_deduction(data: dict[str, Any]) -> dict[str, Any]:
    return next(d for r in data["inspections"] for d in r["deductions"])


def _set_points(value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        _first_deduction(data)["points"] = value
    return edit


def _forge_snapshot(data: dict[str, Any]) -> None:
    body = data["inspections"][0]["checklist"]["body"]
    first = body["sections"][0]["items"][0]
    first["points"] = first["points"] * 10  # the real hash kept, another body: every entry would count more


@pytest.mark.parametrize(("edit", "reason"), [
    (_set_points(-959.0), "bad_data"), (_set_points(float("nan")), "bad_data"),
    (_set_points(float("inf")), "bad_data"), (_set_points(1e9), "bad_data"),
    (_set_points(97.0), "bad_points"), (_forge_snapshot, "bad_snapshot"),
], ids=["negative", "nan", "infinite", "huge", "mismatch", "forged-snapshot"])
def test_hostile_points_are_quarantined_and_the_honest_bundle_merges(laptop: Laptop, central: CentralDB,
                                                                     tmp_path: Path, edit: Any, reason: str) -> None:
    """Re-signed with the laptop's real enrolled key: the office recomputes and refuses what does not add up."""
    hostile = resigned(laptop.ws, laptop.bundles[0], tmp_path, edit)
    report = merge_files(central, [hostile, laptop.bundles[1]], laptop.trusted, tmp_path / "files")
    assert [(o.status, o.reason_code) for o in report.outcomes] == [("refused", reason), ("merged", "")]
    assert report.outcomes[0].message  # a sentence for the office
    with central.read() as session:
        points = list(session.scalars(select(m.Deduction.points)))
        stored = set(session.scalars(select(m.ChecklistSnapshot.id)))
    assert all(0 <= p <= 100 for p in points)
    assert all(hashlib.sha256(canonical(_snapshot_body(central, digest)).encode()).hexdigest() == digest
               for digest in stored)


def _snapshot_body(central: CentralDB, digest: str) -> Any:
    with central.read() as session:
        return session.get(m.ChecklistSnapshot, digest).payload["body"]  # type: ignore[union-attr]


_DEDUCTION = {
    "id": "d1", "inspection_id": "i1", "item_code": "A1", "charged_to": "person", "staff_id": "s1",
    "department_id": "dep", "is_head": False, "count": 1, "points_each": 1.0, "multiplier": 1.0, "points": 1.0,
    "note": "", "recorded_at": "2026-01-02T03:04:05Z", "utc_offset_min": 480, "local_month": "2026-01",
    "device_id": "dev", "seq": 1, "voided_at": None, "void_reason": None, "staff_no": "1001", "staff_name": "张三",
    "department_code": "D1", "rectification": None, "photos": [], "period": None}


@settings(max_examples=300, deadline=None)
@given(note=st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40),
       points=st.floats(min_value=0, max_value=100_000, allow_nan=False, allow_infinity=False),
       each=st.sampled_from([0.0, 1e-05, 9.99e-05, 0.0001, 0.5, 1 / 3, 99.99]))
def test_the_fast_row_text_is_the_canonical_json(note: str, points: float, each: float) -> None:
    """rows.py writes flat rows' JSON with pydantic's encoder where its text is Python's: any text (escapes,
    CJK, emoji, U+2028) and any float must still give the canonical JSON, byte for byte (or the hash changes)."""
    from inspector_app.core.merge.rows import _ORDINARY, _row
    from inspector_app.core.sync import bundle_format as fmt

    payload = fmt.DeductionData.model_validate({**_DEDUCTION, "note": note, "points": points, "points_each": each}
                                               ).model_dump(mode="json")
    row = _row(m.Deduction, payload, exclude=_ORDINARY, department_id="D1", counted_points=0.0, pay_percent=0.0)
    expected = canonical({key: value for key, value in payload.items() if key not in _ORDINARY})
    assert row.payload_json == expected
    assert row.content_hash == hashlib.sha256(expected.encode("utf-8")).hexdigest()
    assert row.column("note") == note and row.column("department_id") == "D1"
    assert row.column("recorded_at") == "2026-01-02 03:04:05.000000"


_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30) | st.sampled_from(
    ["重新学习岗位职责与操作规范", "张三\u2028李四", "\x00\x1f\x7f\"\\/\b\f\n\r\t", "😀𠀀", "\ufeff\uffff"])
_FLOAT = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [0.0, -0.0, 1e-05, 9.99e-05, 0.0001, 1 / 3, 99.99, 1e15, 9999999999999998.0, 1e16, 5e-324])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _FLOAT | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=5), max_leaves=25)


@settings(max_examples=150, deadline=None)  # nested values are slow to draw: 400 took 15-22 s of CI
@given(value=st.dictionaries(_TEXT, _JSON, max_size=8))
def test_orjson_writes_the_canonical_json_where_rows_use_it(value: dict[str, Any]) -> None:
    """rows.py writes a flat row's JSON with orjson (sorted keys) only when each float is 0 or in [1e-4, 1e16):
    there, over any text (CJK, escapes, U+2028, astral), integers, nesting and key order, its bytes are
    `canonical`'s. Outside that range its float text differs (0.00001 for 1e-05), so rows.py falls back."""
    import orjson

    from inspector_app.core.merge.rows import _PLAIN_FLOATS

    def floats(item: Any) -> Iterator[float]:
        if isinstance(item, float):
            yield item
        elif isinstance(item, dict):
            for inner in item.values():
                yield from floats(inner)
        elif isinstance(item, list):
            for inner in item:
                yield from floats(inner)

    low, high = _PLAIN_FLOATS
    if all(not x or low <= abs(x) < high for x in floats(value)):
        assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == canonical(value).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(note=_TEXT.filter(lambda text: "\x00" not in text), name=_TEXT.filter(lambda text: "\x00" not in text),
       points=_FLOAT.filter(lambda x: 0 <= x <= 100_000), each=_FLOAT.filter(lambda x: 0 <= x <= 100),
       multiplier=_FLOAT.filter(lambda x: 0 <= x <= 10), period=st.sampled_from([None, "2026-01"]))
def test_every_deduction_row_is_hashed_over_the_canonical_json(note: str, name: str, points: float, each: float,
                                                              multiplier: float, period: str | None) -> None:
    """Whichever encoder writes it (orjson, or `canonical` for a float orjson writes otherwise), a deduction's
    stored JSON and hash are `canonical`'s over its own fields: an ordinary entry without `period`."""
    from inspector_app.core.merge.rows import _CHILDREN, _ORDINARY, _row
    from inspector_app.core.sync import bundle_format as fmt

    payload = fmt.DeductionData.model_validate({
        **_DEDUCTION, "note": note, "staff_name": name, "points": points, "points_each": each,
        "multiplier": multiplier, "period": period}).model_dump(mode="json")
    exclude = _CHILDREN if period else _ORDINARY
    row = _row(m.Deduction, payload, exclude=exclude, department_id="D1", counted_points=0.5, pay_percent=1.0)
    expected = canonical({key: value for key, value in payload.items() if key not in exclude})
    assert row.payload_json == expected
    assert row.content_hash == hashlib.sha256(expected.encode("utf-8")).hexdigest()
    assert (row.column("note"), row.column("staff_name"), row.column("period")) == (note, name, period)
    assert (row.column("points"), row.column("counted_points")) == (points, 0.5)


@pytest.mark.parametrize(("iso", "stored"), [
    ("2026-01-02T03:04:05Z", "2026-01-02 03:04:05.000000"),
    ("2026-01-02T03:04:05.500000Z", "2026-01-02 03:04:05.500000"),
    ("2026-01-02T03:04:05.000001Z", "2026-01-02 03:04:05.000001"),
    ("2026-01-01T02:04:05.123000+08:00", "2025-12-31 18:04:05.123000"),  # another producer's offset: to UTC
    ("2026-03-01T00:30:00-05:30", "2026-03-01 06:00:00.000000"),
])
def test_times_are_written_as_the_naive_utc_text_the_columns_keep(iso: str, stored: str) -> None:
    from datetime import datetime, timezone

    from inspector_app.core.merge.bulk import stored_utc

    assert stored_utc(iso) == stored
    assert datetime.fromisoformat(stored).replace(tzinfo=timezone.utc) == datetime.fromisoformat(iso)


def test_a_snapshot_checked_once_is_reused_only_when_its_body_is_the_same(laptop: Laptop) -> None:
    """Every bundle carries its checklist; the office encodes and hashes a body once per process, but a forged
    body under a hash already checked is refused all the same."""
    import copy

    from inspector_app.core.merge.recompute import checked_snapshot
    from inspector_app.core.sync import Quarantine

    real = open_bundle(laptop.bundles[0], laptop.trusted).data.inspections[0].checklist
    text, checklist = checked_snapshot(real)
    assert hashlib.sha256(text.encode()).hexdigest() == real.content_hash and text == canonical(real.body)
    forged = copy.deepcopy(real.body)
    first = forged["sections"][0]["items"][0]
    first["points"] = first["points"] * 10
    with pytest.raises(Quarantine) as refused:
        checked_snapshot(real.model_copy(update={"body": forged}))
    assert refused.value.reason_code == "bad_snapshot"
    alike = copy.deepcopy(real.body)  # the same numbers written otherwise (2 for 2.0): the checked one, as is
    alike["sections"][0]["items"][0]["points"] = int(first["points"] / 10)
    assert float(alike["sections"][0]["items"][0]["points"]) == real.body["sections"][0]["items"][0]["points"]
    assert checked_snapshot(real.model_copy(update={"body": alike})) == (text, checklist)
