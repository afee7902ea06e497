"""Recording inspections and deductions: points, rectifications, photos, validation, voiding, batches,
sequence numbers and durability (including SIGKILL of the recording process)."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
from datetime import date, timedelta, timezone

import pytest
from sqlalchemy import event, func, select

from inspector_app.core.errors import InputError, NotFoundError, StateError
from inspector_app.core.recording import MAX_COUNT, MAX_NOTE, NewDeduction, NewInspection, Recorder
from inspector_app.core.store import audit
from inspector_app.core.store.database import DB_FILE
from inspector_app.core.store.models import (
    AuditEvent,
    Deduction,
    Department,
    Inspection,
    Photo,
    Rectification,
    Staff,
)
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import (
    ASSESSMENT,
    child_env,
    local_time,
    make_image,
    open_demo_workspace,
    sqlite_rows,
)


def _deduction(ws: Workspace, entry_id: str) -> Deduction:
    with ws.db.read() as session:
        return session.get(Deduction, entry_id)


def _count(ws: Workspace, model) -> int:  # noqa: ANN001
    with ws.db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def _staff_id(ws: Workspace, staff_no: str) -> str:
    with ws.db.read() as session:
        return session.scalar(select(Staff.id).where(Staff.staff_no == staff_no))


def _department_id(ws: Workspace, code: str) -> str:
    with ws.db.read() as session:
        return session.scalar(select(Department.id).where(Department.code == code))


def _verify(ws: Workspace) -> audit.AuditReport:
    with ws.db.read() as session:
        return audit.verify(session)


# -- points ------------------------------------------------------------------------------------------------
def test_person_deduction_points_are_each_times_count(demo_workspace, recorder, start_inspection):
    inspection = start_inspection("W-REG")
    [entry] = recorder.record(inspection.id, NewDeduction("A2", ["1002"], count=2))  # A2: 1 point, 1002 not head
    row = _deduction(demo_workspace, entry)
    assert (row.charged_to, row.is_head, row.count) == ("person", False, 2)
    assert (row.points_each, row.multiplier, row.points) == (1.0, 1.0, 2.0)
    assert row.staff_id == _staff_id(demo_workspace, "1002")
    assert row.department_id == _department_id(demo_workspace, "W-REG")


@pytest.mark.parametrize(("item", "each"), [("A2", 1), ("A3", 1), ("A4", 2), ("A5", 3), ("A6", 3), ("A8", 5)])
@pytest.mark.parametrize("count", [1, 3])
def test_head_deduction_is_doubled_exactly_once(demo_workspace, recorder, start_inspection, item, each, count):
    inspection = start_inspection("W-REG")
    [entry] = recorder.record(inspection.id, NewDeduction(item, ["1001"], count=count))  # 1001: head of W-REG
    row = _deduction(demo_workspace, entry)
    assert row.is_head is True
    assert row.multiplier == 2.0
    assert row.points == each * count * 2  # never × 4


def test_department_charged_item_is_never_multiplied(demo_workspace, recorder, start_inspection):
    inspection = start_inspection("W-REG")
    [entry] = recorder.record(inspection.id, NewDeduction("A1", count=2))  # A1: 2 points, charged to the department
    row = _deduction(demo_workspace, entry)
    assert (row.charged_to, row.staff_id, row.is_head) == ("department", None, False)
    assert (row.points_each, row.multiplier, row.points) == (2.0, 1.0, 4.0)
    assert row.department_id == _department_id(demo_workspace, "W-REG")


def test_person_item_without_a_person_is_charged_to_the_department_unmultiplied(demo_workspace, recorder,
                                                                                start_inspection):
    inspection = start_inspection("W-REG")
    [entry] = recorder.record(inspection.id, NewDeduction("A4"))
    row = _deduction(demo_workspace, entry)
    assert (row.charged_to, row.staff_id, row.multiplier, row.points) == ("department", None, 1.0, 2.0)


def test_several_people_in_one_call_each_get_their_own_deduction(demo_workspace, recorder, start_inspection):
    inspection = start_inspection("W-REG")
    ids = recorder.record(inspection.id, NewDeduction("A3", ["1002", "1001", "1011"]))
    rows = [_deduction(demo_workspace, i) for i in ids]
    assert [r.points for r in rows] == [1.0, 2.0, 1.0]  # the head (1001) doubled, the others not
    # a person from another department is charged to their own department
    assert rows[2].department_id == _department_id(demo_workspace, "W-ADM")
    assert len({r.seq for r in rows}) == 3


def test_scored_checklist_without_head_rule_does_not_multiply(demo_workspace, recorder, start_inspection):
    inspection = start_inspection("W-REG", checklist_id="svc-000-model-window")
    [entry] = recorder.record(inspection.id, NewDeduction("S1", ["1001"]))
    row = _deduction(demo_workspace, entry)
    assert row.is_head is True and row.multiplier == 1.0 and row.points == row.points_each


# -- rectifications --------------------------------------------------------------------------------------
def test_rectification_is_opened_with_deadline_from_the_local_date(demo_workspace, recorder, start_inspection):
    inspection = start_inspection("W-REG", started_at=local_time(2024, 3, 6, 0, 30))
    # 01:00 on 6 March in China is still 5 March in UTC: the deadline counts from the local date
    recorded_at = local_time(2024, 3, 6, 1, 0)
    [entry] = recorder.record(inspection.id, NewDeduction("A4", ["1002"], recorded_at=recorded_at))
    with demo_workspace.db.read() as session:
        rectification = session.scalars(select(Rectification).where(Rectification.deduction_id == entry)).one()
    assert rectification.deadline == date(2024, 3, 6) + timedelta(days=7)  # 001: default 7 days (assumption)
    assert rectification.status == "open"
    assert rectification.requirement == "开展文明用语和服务礼仪培训"
    assert rectification.department_id == _department_id(demo_workspace, "W-REG")
    assert _deduction(demo_workspace, entry).local_month == "2024-03"


def test_local_month_and_deadline_follow_the_entry_time_zone(demo_workspace, recorder, start_inspection):
    inspection = start_inspection("W-REG")
    # 31 Mar 22:00 at UTC-5 is 1 Apr 03:00 UTC: the inspector's local day is still 31 March
    west = timezone(timedelta(hours=-5))
    [entry] = recorder.record(inspection.id, NewDeduction("A2", ["1002"],
                                                          recorded_at=local_time(2024, 3, 31, 22, tz=west)))
    row = _deduction(demo_workspace, entry)
    assert (row.local_month, row.utc_offset_min) == ("2024-03", -300)
    with demo_workspace.db.read() as session:
        deadline = session.scalar(select(Rectification.deadline).where(Rectification.deduction_id == entry))
    assert deadline == date(2024, 4, 7)


# -- photos ------------------------------------------------------------------------------------------------
def test_photo_is_downscaled_and_stored_by_hash(demo_workspace, recorder, start_inspection, tmp_path):
    from PIL import Image

    demo_workspace.update_settings(photo_max_px=400)
    source = make_image(tmp_path / "in" / "badge.png", size=(1200, 800))
    inspection = start_inspection()
    [entry] = recorder.record(inspection.id, NewDeduction("A3", ["1002"], photos=[source]))
    with demo_workspace.db.read() as session:
        [photo] = session.scalars(select(Photo).where(Photo.deduction_id == entry)).all()
    stored = demo_workspace.data_dir / photo.path
    data = stored.read_bytes()
    assert hashlib.sha256(data).hexdigest() == photo.sha256
    assert photo.path == f"photos/{photo.sha256[:2]}/{photo.sha256}.jpg"
    assert (photo.media_type, photo.size_bytes) == ("image/jpeg", len(data))
    with Image.open(stored) as image:
        assert max(image.size) == 400
        assert image.size == (400, 267)  # aspect ratio kept
    assert _verify(demo_workspace).ok


def test_transparent_photo_stays_png_and_same_photo_is_stored_once(demo_workspace, recorder, start_inspection,
                                                                   tmp_path):
    source = make_image(tmp_path / "sign.png", size=(300, 200), mode="RGBA")
    inspection = start_inspection()
    recorder.record(inspection.id, NewDeduction("A3", ["1002"], photos=[source]))
    recorder.record(inspection.id, NewDeduction("A3", ["1003"], photos=[source]))
    with demo_workspace.db.read() as session:
        photos = session.scalars(select(Photo)).all()
    assert len(photos) == 2
    assert {p.media_type for p in photos} == {"image/png"}
    assert len({p.path for p in photos}) == 1
    assert len(list((demo_workspace.data_dir / "photos").rglob("*.png"))) == 1


def test_small_photo_is_not_enlarged(demo_workspace, recorder, start_inspection, tmp_path):
    from PIL import Image

    source = make_image(tmp_path / "small.jpg", size=(320, 240), fmt="JPEG")
    inspection = start_inspection()
    [entry] = recorder.record(inspection.id, NewDeduction("A3", ["1002"], photos=[source]))
    with demo_workspace.db.read() as session:
        photo = session.scalars(select(Photo).where(Photo.deduction_id == entry)).one()
    with Image.open(demo_workspace.data_dir / photo.path) as image:
        assert image.size == (320, 240)


@pytest.mark.parametrize("content", [b"not an image at all", b"\x89PNG\r\n\x1a\n broken", b""])
def test_non_image_file_is_refused_and_nothing_recorded(demo_workspace, recorder, start_inspection, tmp_path,
                                                        content):
    bogus = tmp_path / "photo.jpg"
    bogus.write_bytes(content)
    inspection = start_inspection()
    before = (_count(demo_workspace, Deduction), _count(demo_workspace, AuditEvent))
    with pytest.raises(InputError) as caught:
        recorder.record(inspection.id, NewDeduction("A3", ["1002"], photos=[bogus]))
    assert caught.value.problems[0].file == str(bogus)
    assert (_count(demo_workspace, Deduction), _count(demo_workspace, AuditEvent)) == before
    assert _count(demo_workspace, Photo) == 0
    assert not (demo_workspace.data_dir / "photos").exists()


def test_missing_photo_file_is_refused(recorder, start_inspection, demo_workspace, tmp_path):
    inspection = start_inspection()
    with pytest.raises(InputError):
        recorder.record(inspection.id, NewDeduction("A3", ["1002"], photos=[tmp_path / "gone.jpg"]))
    assert _count(demo_workspace, Deduction) == 0


# -- validation ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("count", [0, -1, MAX_COUNT + 1, 100, 1.5, True, False, "2", None])
def test_bad_counts_are_refused(demo_workspace, recorder, start_inspection, count):
    inspection = start_inspection()
    with pytest.raises(InputError) as caught:
        recorder.record(inspection.id, NewDeduction("A2", ["1002"], count=count))
    assert caught.value.problems[0].field == "count"
    assert _count(demo_workspace, Deduction) == 0


@pytest.mark.parametrize("count", [1, MAX_COUNT])
def test_count_limits_are_accepted(demo_workspace, recorder, start_inspection, count):
    inspection = start_inspection()
    [entry] = recorder.record(inspection.id, NewDeduction("A2", ["1002"], count=count))
    assert _deduction(demo_workspace, entry).points == count


@pytest.mark.parametrize(("request_", "field"), [
    (NewDeduction("Z9", ["1002"]), "item"),
    (NewDeduction("A2", ["99999"]), "staff"),
    (NewDeduction("A2", ["1002", "99999"]), "staff"),
    (NewDeduction("A1", ["1002"]), "staff"),  # A1 is charged to the department: no person may be named
    (NewDeduction("A2", ["1002", "1002"]), "staff"),  # the same person twice
    (NewDeduction("A2", ["1002"], note="x" * (MAX_NOTE + 1)), "note"),
    (NewDeduction("A2", ["1002"], recorded_at=local_time(2024, 3, 1).replace(tzinfo=None)), "recorded_at"),
], ids=["unknown-item", "unknown-staff", "one-unknown-staff", "person-on-department-item", "person-twice",
        "note-too-long", "naive-time"])
def test_invalid_entries_are_refused_and_nothing_recorded(demo_workspace, recorder, start_inspection, request_,
                                                          field):
    inspection = start_inspection()
    before = _count(demo_workspace, AuditEvent)
    with pytest.raises(InputError) as caught:
        recorder.record(inspection.id, request_)
    assert caught.value.problems[0].field == field
    assert _count(demo_workspace, Deduction) == 0
    assert _count(demo_workspace, Rectification) == 0
    assert _count(demo_workspace, AuditEvent) == before


def test_longest_note_is_accepted(demo_workspace, recorder, start_inspection):
    inspection = start_inspection()
    [entry] = recorder.record(inspection.id, NewDeduction("A2", ["1002"], note="长" * MAX_NOTE))
    assert len(_deduction(demo_workspace, entry).note) == MAX_NOTE


def test_inactive_staff_cannot_be_charged(demo_workspace, recorder, start_inspection):
    from inspector_app.core.roster_store import apply_roster, current_roster

    roster = current_roster(demo_workspace)
    kept = roster.model_copy(update={"staff": [m for m in roster.staff if m.staff_no != "1002"]})
    apply_roster(demo_workspace, kept, replace=True)
    inspection = start_inspection()
    with pytest.raises(InputError) as caught:
        recorder.record(inspection.id, NewDeduction("A2", ["1002"]))
    assert caught.value.problems[0].field == "staff"


def test_unknown_inspection_is_not_found(recorder):
    with pytest.raises(NotFoundError):
        recorder.record("no-such-inspection", NewDeduction("A2", ["1002"]))


@pytest.mark.parametrize(("changes", "field"), [
    ({"department": "NO-SUCH"}, "department"),
    ({"mode": "secret"}, "mode"),
    ({"inspector_name": "  "}, "inspector"),
    ({"started_at": local_time(2024, 3, 1).replace(tzinfo=None)}, "started_at"),
])
def test_invalid_inspection_start_is_refused(demo_workspace, recorder, bundled_library, changes, field):
    fields = {"checklist_id": ASSESSMENT, "department": "W-REG", "inspector_name": "测试督查员", **changes}
    with pytest.raises(InputError) as caught:
        recorder.start(NewInspection(**fields), bundled_library.get(ASSESSMENT))
    assert caught.value.problems[0].field == field
    assert _count(demo_workspace, Inspection) == 0


def test_unknown_checklist_is_not_found(recorder):
    with pytest.raises(NotFoundError):
        recorder.start(NewInspection("svc-no-such-form", "W-REG", "测试督查员"))


def test_department_can_be_named_by_its_chinese_name(demo_workspace, start_inspection):
    inspection = start_inspection("挂号收费窗口")
    assert inspection.department_id == _department_id(demo_workspace, "W-REG")


# -- finishing, voiding, restoring -----------------------------------------------------------------------
def test_finished_inspection_is_locked(demo_workspace, recorder, start_inspection):
    inspection = start_inspection()
    [entry] = recorder.record(inspection.id, NewDeduction("A2", ["1002"]))
    [voided] = recorder.record(inspection.id, NewDeduction("A3", ["1003"]))
    recorder.void(voided, "记错了")
    finished = recorder.finish(inspection.id)
    assert finished.status == "finished" and finished.finished_at is not None
    with pytest.raises(StateError):
        recorder.record(inspection.id, NewDeduction("A2", ["1004"]))
    with pytest.raises(StateError):
        recorder.void(entry, "too late")
    with pytest.raises(StateError):
        recorder.restore(voided)
    with pytest.raises(StateError):
        recorder.finish(inspection.id)
    assert _count(demo_workspace, Deduction) == 2
    assert _deduction(demo_workspace, entry).voided_at is None
    assert _verify(demo_workspace).ok


@pytest.mark.parametrize("reason", ["", "   "])
def test_void_needs_a_reason(demo_workspace, recorder, start_inspection, reason):
    inspection = start_inspection()
    [entry] = recorder.record(inspection.id, NewDeduction("A2", ["1002"]))
    with pytest.raises(InputError) as caught:
        recorder.void(entry, reason)
    assert caught.value.problems[0].field == "reason"
    assert _deduction(demo_workspace, entry).voided_at is None


def test_void_keeps_the_row_and_restore_brings_it_back(demo_workspace, recorder, start_inspection):
    inspection = start_inspection()
    [entry] = recorder.record(inspection.id, NewDeduction("A4", ["1002"]))
    recorder.void(entry, "  记错人了 ")
    row = _deduction(demo_workspace, entry)
    assert row.voided_at is not None and row.void_reason == "记错人了"
    assert row.points == 2.0  # the row and its points stay; it just stops counting
    with demo_workspace.db.read() as session:
        assert session.scalar(select(Rectification.status).where(Rectification.deduction_id == entry)) == "void"
    with pytest.raises(StateError):
        recorder.void(entry, "again")

    recorder.restore(entry)
    row = _deduction(demo_workspace, entry)
    assert (row.voided_at, row.void_reason) == (None, None)
    with demo_workspace.db.read() as session:
        assert session.scalar(select(Rectification.status).where(Rectification.deduction_id == entry)) == "open"
    with pytest.raises(StateError):
        recorder.restore(entry)
    assert _count(demo_workspace, Deduction) == 1
    with demo_workspace.db.read() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == entry)
                                  .order_by(AuditEvent.seq)).all()
    assert actions == ["record", "void", "restore"]
    assert _verify(demo_workspace).ok


def test_void_of_unknown_entry_is_not_found(recorder):
    with pytest.raises(NotFoundError):
        recorder.void("no-such-entry", "reason")


# -- batches ---------------------------------------------------------------------------------------------
def test_batch_exception_rolls_back_everything(demo_workspace, recorder, start_inspection, bundled_library):
    existing = start_inspection("W-ADM")
    [kept] = recorder.record(existing.id, NewDeduction("A2", ["1011"]))
    before = {model: _count(demo_workspace, model) for model in (Inspection, Deduction, Rectification, AuditEvent)}
    with pytest.raises(RuntimeError, match="import failed"):
        with recorder.batch():
            inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "测试督查员"),
                                        bundled_library.get(ASSESSMENT))
            recorder.record(inspection.id, NewDeduction("A2", ["1002"]))
            recorder.record(inspection.id, NewDeduction("A1"))
            recorder.void(kept, "in the batch")
            recorder.finish(inspection.id)
            raise RuntimeError("import failed")
    after = {model: _count(demo_workspace, model) for model in (Inspection, Deduction, Rectification, AuditEvent)}
    assert after == before
    assert _deduction(demo_workspace, kept).voided_at is None
    assert _verify(demo_workspace).ok
    # and the recorder still works afterwards
    recorder.record(existing.id, NewDeduction("A3", ["1012"]))
    assert _count(demo_workspace, Deduction) == 2


def test_batch_stores_everything_on_success(demo_workspace, recorder, bundled_library):
    with recorder.batch():
        inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "测试督查员"),
                                    bundled_library.get(ASSESSMENT))
        first = recorder.record(inspection.id, NewDeduction("A2", ["1002"]))
        recorder.record(inspection.id, NewDeduction("A1"))
        recorder.void(first[0], "duplicate")
        recorder.finish(inspection.id)
    assert _count(demo_workspace, Deduction) == 2
    with demo_workspace.db.read() as session:
        assert session.get(Inspection, inspection.id).status == "finished"
    assert _deduction(demo_workspace, first[0]).voided_at is not None
    assert _verify(demo_workspace).ok


def test_batches_do_not_nest(recorder):
    with recorder.batch():
        with pytest.raises(StateError):
            with recorder.batch():
                pass


def test_batch_can_void_then_record_in_a_freshly_opened_workspace(data_dir):
    ws = open_demo_workspace(data_dir)
    recorder = Recorder(ws)
    inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "测试督查员"))
    [wrong] = recorder.record(inspection.id, NewDeduction("A2", ["1002"]))
    ws.close()

    with Workspace.open(data_dir) as ws:
        # fail in 0.2 s instead of the app's 5 s busy timeout if the batch blocks itself
        event.listen(ws.db.engine, "connect", lambda connection, _: connection.execute("PRAGMA busy_timeout=200"))
        ws.db.engine.dispose()
        recorder = Recorder(ws)
        with recorder.batch():
            recorder.void(wrong, "wrong person")
            [right] = recorder.record(inspection.id, NewDeduction("A2", ["1003"]))
        assert _deduction(ws, wrong).voided_at is not None
        assert _deduction(ws, right).staff_id == _staff_id(ws, "1003")


# -- sequence numbers --------------------------------------------------------------------------------------
def _seqs_in_creation_order(data_dir) -> list[int]:  # noqa: ANN001
    """Per-device seq of every inspection and deduction, in the order the audit trail recorded them."""
    return [seq for (seq,) in sqlite_rows(data_dir, """
        SELECT COALESCE(i.seq, d.seq) FROM audit_events e
        LEFT JOIN inspections i ON e.entity = 'inspection' AND e.action = 'start' AND i.id = e.entity_id
        LEFT JOIN deductions d ON e.entity = 'deduction' AND e.action = 'record' AND d.id = e.entity_id
        WHERE i.id IS NOT NULL OR d.id IS NOT NULL ORDER BY e.seq""")]


def test_sequence_increases_strictly_across_calls_and_reopening(data_dir):
    ws = open_demo_workspace(data_dir)
    recorder = Recorder(ws)
    device = ws.device_id
    first = recorder.start(NewInspection(ASSESSMENT, "W-REG", "测试督查员"))
    recorder.record(first.id, NewDeduction("A2", ["1002", "1003"]))
    recorder.record(first.id, NewDeduction("A1"))
    ws.close()
    for _ in range(2):
        with Workspace.open(data_dir) as ws:
            assert ws.device_id == device
            recorder = Recorder(ws)
            again = recorder.start(NewInspection(ASSESSMENT, "W-ADM", "测试督查员"))
            recorder.record(again.id, NewDeduction("A5", ["1011"]))
            recorder.record(first.id, NewDeduction("A3", ["1004"]))
    seqs = _seqs_in_creation_order(data_dir)
    assert len(seqs) == 10
    assert all(a < b for a, b in zip(seqs, seqs[1:])), seqs
    assert {d for (d,) in sqlite_rows(data_dir, "SELECT DISTINCT device_id FROM deductions")} == {device}


def test_two_data_folders_have_different_devices(tmp_path):
    with Workspace.open(tmp_path / "a") as a, Workspace.open(tmp_path / "b") as b:
        assert a.device_id != b.device_id


# -- durability -----------------------------------------------------------------------------------------------
SEE_CHILD = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
print(connection.execute("SELECT points FROM deductions WHERE id = ?", (sys.argv[2],)).fetchone()[0])
"""


def test_recorded_entry_is_visible_to_other_connections_and_processes(demo_workspace, recorder, start_inspection):
    inspection = start_inspection()
    [entry] = recorder.record(inspection.id, NewDeduction("A8", ["1001"]))  # head: 5 × 2
    assert sqlite_rows(demo_workspace.data_dir, "SELECT points FROM deductions WHERE id = ?", (entry,)) == [(10.0,)]
    done = subprocess.run([sys.executable, "-c", SEE_CHILD, str(demo_workspace.data_dir / DB_FILE), entry],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "10.0"


KILL_CHILD = """
import os, signal, sys
from pathlib import Path
from inspector_app.core.recording import NewDeduction, Recorder
from inspector_app.core.workspace import Workspace
data_dir, inspection, entries, self_kill = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
ws = Workspace.open(data_dir)
recorder = Recorder(ws, actor="child")
for index in range(entries):
    [entry] = recorder.record(inspection, NewDeduction("A2", ["1002"], note=f"entry {index}"))
    print(entry, flush=True)
    if self_kill and index == entries - 1:
        os.kill(os.getpid(), signal.SIGKILL)  # right after acknowledging: no clean shutdown at all
ws.close()
"""


@pytest.mark.undated
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_acknowledged_entries_survive_sigkill(data_dir):
    ws = open_demo_workspace(data_dir)
    inspection = Recorder(ws).start(NewInspection(ASSESSMENT, "W-REG", "测试督查员"))
    ws.close()

    acknowledged: list[str] = []
    # (entries to acknowledge, who kills): the child itself right after an acknowledgement, or the test while
    # the child is already recording the next entry (an interrupted transaction)
    for entries, self_kill in ((3, True), (6, False), (5, True), (6, False)):
        child = subprocess.Popen(
            [sys.executable, "-c", KILL_CHILD, str(data_dir), inspection.id, str(entries if self_kill else 10_000),
             "1" if self_kill else "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
        try:
            for _ in range(entries):
                line = child.stdout.readline()
                assert line, child.stderr.read()
                acknowledged.append(line.strip())
            if not self_kill:
                child.send_signal(signal.SIGKILL)
            assert child.wait(timeout=60) == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            child.stdout.close()
            child.stderr.close()

    assert len(acknowledged) == 20
    with Workspace.open(data_dir) as ws:
        assert ws.db.integrity_check() == "ok"
        with ws.db.read() as session:
            stored = set(session.scalars(select(Deduction.id)))
            report = audit.verify(session)
    assert set(acknowledged) <= stored
    assert report.ok, report.problems


def test_the_offset_and_local_date_of_an_entry_agree_with_offset_minutes_and_local_date():
    """Recording takes an entry's offset and local day from one look at its offset (the moment's own date when
    the offset is whole minutes): the same as offset_minutes and local_date, also for offsets with seconds
    (a historic local mean time) either side of midnight."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from inspector_app.core.recording import local_date, offset_and_local_date, offset_minutes

    zones = [timezone.utc, timezone(timedelta(hours=8)), timezone(timedelta(hours=-9, minutes=-30)),
             timezone(timedelta(hours=8, minutes=5, seconds=43)), timezone(-timedelta(hours=4, minutes=56, seconds=2)),
             ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")]
    moments = [datetime(1900, 1, 1, 0, 0, 30), datetime(1900, 1, 1, 23, 58, 20), datetime(2026, 3, 8, 2, 30),
               datetime(2026, 12, 31, 23, 59, 59, 999999), datetime(2026, 1, 1, 0, 0)]
    for zone in zones:
        for moment in moments:
            aware = moment.replace(tzinfo=zone)
            offset = offset_minutes(aware)
            assert offset_and_local_date(aware) == (offset, local_date(aware, offset)), aware


# -- the hot path's shortcuts (session 12) --------------------------------------------------------------------
def test_one_entry_is_written_at_one_time_and_its_audit_chain_verifies(demo_workspace, recorder, start_inspection):
    """The rectification's update and both audit events carry the transaction's own time (formatted once), the
    chain still verifies, and each entry of a burst has its own time."""
    inspection = start_inspection()
    ids = [recorder.record(inspection.id, NewDeduction("A2", [staff]))[0] for staff in ("1002", "1003")]
    with demo_workspace.db.read() as session:
        for entry_id in ids:
            rectification = session.scalar(select(Rectification).where(Rectification.deduction_id == entry_id))
            times = {event.at for event in session.scalars(select(AuditEvent).where(
                AuditEvent.entity_id.in_([entry_id, rectification.id])))}
            assert times == {rectification.updated_at}
        first, second = (session.scalar(select(Rectification.updated_at).where(Rectification.deduction_id == key))
                         for key in ids)
    assert first != second
    assert _verify(demo_workspace).ok


def test_an_item_refused_once_is_refused_again(demo_workspace, recorder, start_inspection):
    """An item's checks are kept per checklist version only once they pass: a refused item stays refused, and a
    good item recorded between two refusals changes nothing."""
    inspection = start_inspection()
    for _ in range(2):
        with pytest.raises(InputError) as caught:
            recorder.record(inspection.id, NewDeduction("NO-SUCH-ITEM", ["1002"]))
        assert caught.value.problems[0].field == "item"
        recorder.record(inspection.id, NewDeduction("A2", ["1002"]))
    assert _count(demo_workspace, Deduction) == 2
