"""The local store: pragmas, migrations, the single-writer lock, triggers and UTC storage."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, select, text

from inspector_app.core.errors import AppError, DataFolderBusy
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.store.database import DB_FILE
from inspector_app.core.store.migrate import (
    HEAD_REVISION,
    current_revision,
    script_head,
)
from inspector_app.core.store.models import Deduction, Inspection
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import (
    child_env,
    local_time,
    make_image,
    open_demo_workspace,
    sqlite_rows,
)


def _pragma(connection, name: str):  # noqa: ANN001
    return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


# -- pragmas and migrations ----------------------------------------------------------------------------
def test_fresh_store_has_durable_pragmas(workspace):
    with workspace.db.engine.connect() as connection:
        assert _pragma(connection, "journal_mode") == "wal"
        assert _pragma(connection, "synchronous") == 2  # FULL
        assert _pragma(connection, "foreign_keys") == 1


def test_fast_path_connections_have_the_same_pragmas(workspace):
    """The recording hot path uses raw pooled connections: they must be just as durable."""
    raw = workspace.db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        raw.close()


def test_the_hot_writers_connection_is_as_durable_and_leaves_checkpoints_to_the_checkpointer(workspace):
    """The recording connection: WAL, synchronous=FULL, foreign keys, and no automatic checkpoint inside its
    commits (store/checkpoints.py)."""
    with workspace.db.hot_writer.transaction() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert cursor.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0


def _in_database_file(data_dir, sql: str):  # noqa: ANN001
    """What the database file alone holds (the WAL ignored): what checkpoints have copied into it."""
    connection = sqlite3.connect(f"file:{data_dir / DB_FILE}?mode=ro&immutable=1", uri=True)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def test_recorded_entries_reach_the_database_file_through_the_background_checkpoint(demo_workspace, recorder,
                                                                                     start_inspection):
    """With the hot connection's automatic checkpoint off, the checkpoint thread copies the WAL into the
    database file: after a burst of entries (every `every` commits) and again once the writer is idle."""
    checkpointer = demo_workspace.db.hot_writer.checkpointer
    checkpointer.every, checkpointer.idle = 5, 0.05
    inspection = start_inspection()
    ids = [recorder.record(inspection.id, NewDeduction("A3", [staff]))[0]
           for staff in ["1001", "1002", "1003"] * 4]
    deadline = time.monotonic() + 20
    count_sql = f"SELECT count(*) FROM deductions WHERE id IN ({', '.join(repr(i) for i in ids)})"
    while time.monotonic() < deadline:
        try:
            if _in_database_file(demo_workspace.data_dir, count_sql) == len(ids):
                break
        except sqlite3.DatabaseError:  # read while a checkpoint was writing: look again
            pass
        time.sleep(0.02)
    assert _in_database_file(demo_workspace.data_dir, count_sql) == len(ids)
    assert checkpointer.checkpoints >= 2  # one after five commits at least, one when idle
    assert sqlite_rows(demo_workspace.data_dir, "PRAGMA integrity_check") == [("ok",)]


def test_the_wal_stays_small_through_a_burst_of_entries(demo_workspace, recorder, start_inspection):
    """Through entries recorded back to back the checkpoint thread copies the WAL and, past `restart_frames`,
    lets it start again from its beginning (a checkpoint running beside the writer never finds it wholly copied
    by itself): the WAL file stays a small part of what the burst wrote instead of growing with it."""
    checkpointer = demo_workspace.db.hot_writer.checkpointer
    checkpointer.every, checkpointer.restart_frames = 5, 50
    inspection = start_inspection()
    wal = demo_workspace.data_dir / f"{DB_FILE}-wal"
    for index in range(240):
        recorder.record(inspection.id, NewDeduction("A3", [["1001", "1002", "1003"][index % 3]]))
    written = sqlite_rows(demo_workspace.data_dir, "PRAGMA page_size")[0][0] * 5 * 240  # 5+ pages an entry
    assert checkpointer.checkpoints >= 5
    assert wal.stat().st_size < written / 4


def test_head_revision_matches_alembic_script_head():
    assert HEAD_REVISION == script_head()


def test_fresh_store_is_migrated_to_head(workspace):
    assert current_revision(workspace.db.engine) == HEAD_REVISION


def test_foreign_keys_are_enforced(workspace):
    with pytest.raises(Exception, match="FOREIGN KEY"):
        with workspace.db.engine.connect() as connection:
            connection.exec_driver_sql(
                "INSERT INTO staff (id, staff_no, name, department_id, is_head, active, updated_at) "
                "VALUES ('s1', '9', 'x', 'no-such-department', 0, 1, '2024-01-01 00:00:00.000000')")
            connection.commit()


REOPEN_CHILD = """
import sys
from pathlib import Path
from inspector_app.core.workspace import Workspace
from sqlalchemy import func, select
from inspector_app.core.store.models import Deduction
ws = Workspace.open(Path(sys.argv[1]))
with ws.db.read() as session:
    count = session.scalar(select(func.count()).select_from(Deduction))
ws.close()
print(count, any(name == "alembic" or name.startswith("alembic.") for name in sys.modules))
"""


def test_reopening_a_store_at_head_skips_alembic_and_keeps_data(data_dir):
    ws = open_demo_workspace(data_dir)
    recorder = Recorder(ws)
    inspection = recorder.start(NewInspection("svc-001-assessment", "W-REG", "测试督查员"))
    recorder.record(inspection.id, NewDeduction("A2", ["1002"]))
    recorder.record(inspection.id, NewDeduction("A1"))
    ws.close()

    # a fresh process: Alembic must not even be imported on an ordinary start
    done = subprocess.run([sys.executable, "-c", REOPEN_CHILD, str(data_dir)], capture_output=True, text=True,
                          env=child_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "False"]

    with Workspace.open(data_dir) as again:
        assert current_revision(again.db.engine) == HEAD_REVISION
        with again.db.read() as session:
            assert sorted(session.scalars(select(Deduction.item_code))) == ["A1", "A2"]


# -- the single-writer lock ------------------------------------------------------------------------------
def test_second_writer_is_refused_with_a_clear_message(data_dir, english):
    first = Workspace.open(data_dir)
    try:
        with pytest.raises(DataFolderBusy) as caught:
            Workspace.open(data_dir)
        message = str(caught.value)
        assert str(data_dir) in message
        assert "Another copy" in message and "Close it first" in message
        assert caught.value.exit_code == 3
    finally:
        first.close()
    with Workspace.open(data_dir) as second:  # free again once the first has closed
        assert second.db.integrity_check() == "ok"


def test_busy_message_names_the_folder_in_chinese_too(data_dir):
    with Workspace.open(data_dir):
        with pytest.raises(DataFolderBusy, match=str(data_dir).replace("\\", "\\\\")):
            Workspace.open(data_dir)


BUSY_CHILD = """
import sys
from pathlib import Path
from inspector_app.core.errors import AppError, DataFolderBusy
from inspector_app.core.workspace import Workspace
try:
    Workspace.open(Path(sys.argv[1])).close()
except DataFolderBusy:
    print("busy")
else:
    print("opened")
"""


def test_another_process_is_refused_while_the_folder_is_held(data_dir):
    def child() -> str:
        done = subprocess.run([sys.executable, "-c", BUSY_CHILD, str(data_dir)], capture_output=True, text=True,
                              env=child_env(), timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    with Workspace.open(data_dir):
        assert child() == "busy"
    assert child() == "opened"


def test_read_only_open_works_while_a_writer_holds_the_lock(demo_workspace, recorder, start_inspection):
    inspection = start_inspection()
    [entry] = recorder.record(inspection.id, NewDeduction("A2", ["1002"]))
    reader = Workspace.open(demo_workspace.data_dir, exclusive=False)
    try:
        with reader.db.read() as session:
            assert session.get(Deduction, entry).item_code == "A2"
    finally:
        reader.close()
    # the writer is unaffected and still holds the folder
    with pytest.raises(DataFolderBusy):
        Workspace.open(demo_workspace.data_dir)
    recorder.record(inspection.id, NewDeduction("A3", ["1003"]))


def test_failed_open_releases_the_lock(tmp_path):
    """A store that cannot be opened must not leave the folder locked for the next attempt."""
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(Exception):
        Workspace.open(data)
    (data / DB_FILE).unlink()
    with Workspace.open(data) as ws:
        assert ws.db.integrity_check() == "ok"


def test_damaged_data_file_gives_a_plain_app_error(tmp_path, english):
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(AppError, match="is damaged") as caught:
        Workspace.open(data)
    assert str(data / DB_FILE) in str(caught.value)


# -- triggers and integrity --------------------------------------------------------------------------------
@pytest.fixture
def recorded(demo_workspace, recorder, start_inspection, tmp_path):
    inspection = start_inspection()
    photo = make_image(tmp_path / "badge.png", size=(64, 48))
    ids = recorder.record(inspection.id, NewDeduction("A2", ["1002"], photos=[photo]))
    return demo_workspace, inspection, ids[0]


def _direct(data_dir):
    return sqlite3.connect(data_dir / DB_FILE, isolation_level=None)


@pytest.mark.parametrize("table", ["deductions", "inspections", "photos", "rectifications"])
def test_triggers_refuse_deleting_rows(recorded, table):
    ws, _, _ = recorded
    assert sqlite_rows(ws.data_dir, f"SELECT count(*) FROM {table}") == [(1,)]
    connection = _direct(ws.data_dir)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
            connection.execute(f"DELETE FROM {table}")
    finally:
        connection.close()
    assert sqlite_rows(ws.data_dir, f"SELECT count(*) FROM {table}") == [(1,)]


def test_triggers_refuse_deleting_a_deduction_by_id(recorded):
    ws, _, entry = recorded
    connection = _direct(ws.data_dir)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            connection.execute("DELETE FROM deductions WHERE id = ?", (entry,))
    finally:
        connection.close()
    assert sqlite_rows(ws.data_dir, "SELECT count(*) FROM deductions WHERE id = ?", (entry,)) == [(1,)]


def test_triggers_refuse_updating_or_deleting_audit_events(recorded):
    ws, _, _ = recorded
    before = sqlite_rows(ws.data_dir, "SELECT seq, payload, hash FROM audit_events ORDER BY seq")
    connection = _direct(ws.data_dir)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("UPDATE audit_events SET payload = '{}' WHERE seq = 1")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM audit_events WHERE seq = 1")
    finally:
        connection.close()
    assert sqlite_rows(ws.data_dir, "SELECT seq, payload, hash FROM audit_events ORDER BY seq") == before


def test_integrity_check_is_ok(recorded):
    ws, _, _ = recorded
    assert ws.db.integrity_check() == "ok"
    assert sqlite_rows(ws.data_dir, "PRAGMA foreign_key_check") == []


# -- time -----------------------------------------------------------------------------------------------------
def test_aware_local_time_is_stored_as_utc_and_read_back_exactly(demo_workspace, start_inspection):
    started = local_time(2024, 3, 5, 9, 30, 15)  # 09:30:15 +08:00 = 01:30:15 UTC
    inspection = start_inspection(started_at=started)
    [(stored, offset)] = sqlite_rows(demo_workspace.data_dir,
                                     "SELECT started_at, utc_offset_min FROM inspections WHERE id = ?",
                                     (inspection.id,))
    assert stored.startswith("2024-03-05 01:30:15")
    assert offset == 480
    with demo_workspace.db.read() as session:
        back = session.get(Inspection, inspection.id).started_at
    assert back == started
    assert back.utcoffset().total_seconds() == 0
    assert back == datetime(2024, 3, 5, 1, 30, 15, tzinfo=timezone.utc)


def test_naive_times_are_refused_by_the_column_type(demo_workspace):
    from inspector_app.core.store.models import DeviceState

    with pytest.raises(Exception, match="naive datetime"):
        with demo_workspace.db.write() as session:
            session.add(DeviceState(key="naive", device_id="x", created_at=datetime(2024, 1, 1)))


def test_deduction_times_round_trip_through_the_fast_path(demo_workspace, recorder, start_inspection):
    inspection = start_inspection(started_at=local_time(2024, 3, 5, 9, 0))
    recorded_at = local_time(2024, 3, 5, 9, 5, 7).replace(microsecond=123456)
    [entry] = recorder.record(inspection.id, NewDeduction("A2", ["1002"], recorded_at=recorded_at))
    with demo_workspace.db.read() as session:
        deduction = session.get(Deduction, entry)
    assert deduction.recorded_at == recorded_at
    assert deduction.utc_offset_min == 480
    assert deduction.local_month == "2024-03"


def test_whole_second_deduction_time_is_stored_like_the_orm_stores_it(demo_workspace, recorder, start_inspection):
    started = local_time(2024, 3, 5, 9, 5)
    inspection = start_inspection(started_at=started)
    [entry] = recorder.record(inspection.id, NewDeduction("A2", ["1002"], recorded_at=started))
    [(inspection_text,)] = sqlite_rows(demo_workspace.data_dir, "SELECT started_at FROM inspections")
    [(deduction_text,)] = sqlite_rows(demo_workspace.data_dir, "SELECT recorded_at FROM deductions")
    with demo_workspace.db.read() as session:
        found = session.scalars(select(Deduction.id).where(Deduction.recorded_at >= started)).all()
    assert found == [entry]
    assert deduction_text == inspection_text


def test_a_reader_is_not_blocked_while_the_app_commits(demo_workspace, recorder, start_inspection):
    """WAL: a reader is not blocked by the app's open write transaction (no 'database is locked')."""
    inspection = start_inspection()
    reads: list[int] = []

    def read_during_write(connection, *_):  # noqa: ANN001
        reads.append(sqlite_rows(demo_workspace.data_dir, "SELECT count(*) FROM inspections")[0][0])

    event.listen(demo_workspace.db.engine, "commit", read_during_write)
    try:
        recorder.finish(inspection.id)
    finally:
        event.remove(demo_workspace.db.engine, "commit", read_during_write)
    assert reads == [1]


def test_upgrading_a_0001_store_keeps_its_data(tmp_path):
    """A laptop on the first schema opens with the current app: migrated, nothing lost, audit intact."""
    from inspector_app.core.demo import generate
    from inspector_app.core.store.audit import verify
    from inspector_app.core.store.database import Database
    from inspector_app.core.store.migrate import (
        HEAD_REVISION,
        current_revision,
    )

    data = tmp_path / "old"
    ws = Workspace.open(data)
    generate(ws, 5, seed=5)  # a seed whose data a first-release store could hold: no measured value
    with ws.db.read() as session:
        assert session.execute(text("SELECT (SELECT count(*) FROM measurements) + (SELECT count(*) FROM "
                                    "deductions WHERE period IS NOT NULL)")).scalar() == 0
    ws.close()
    old = Database(data / "inspector.db")
    from alembic import command

    from inspector_app.core.store.migrate import alembic_config

    command.downgrade(alembic_config(old.engine), "0001")  # the store as the first release left it
    assert current_revision(old.engine) == "0001"
    with old.read() as session:
        before = session.execute(text("SELECT id, points, note FROM deductions ORDER BY seq")).all()
    old.close()
    ws = Workspace.open(data)  # opening migrates to head
    try:
        assert current_revision(ws.db.engine) == HEAD_REVISION
        with ws.db.read() as session:
            assert session.execute(text("SELECT id, points, note FROM deductions ORDER BY seq")).all() == before
            report = verify(session)
        assert before and report.ok, report.problems
        assert ws.db.integrity_check() == "ok"
    finally:
        ws.close()


def test_utc_texts_are_the_columns_and_the_audit_texts_of_any_time() -> None:
    """models.utc_texts remembers the last time by identity: equal times, times in other zones and times asked
    for in turn each get their own right texts."""
    from datetime import datetime, timedelta, timezone

    from inspector_app.core.store.models import UTCDateTime, utc_texts

    column = UTCDateTime()
    zones = [timezone.utc, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))]
    moments = [datetime(2026, 3, 1, 0, 0, 0, micro, zone) for micro in (0, 7) for zone in zones]
    for moment in moments + moments[::-1] + [moment.replace() for moment in moments]:
        stored = column.process_bind_param(moment, None)
        assert utc_texts(moment) == (stored.isoformat(" ", "microseconds"), stored.replace(
            tzinfo=timezone.utc).isoformat())
        assert utc_texts(moment) is utc_texts(moment)  # the second ask is the remembered pair
