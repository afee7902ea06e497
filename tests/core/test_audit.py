"""The audit trail: a realistic session verifies; edits behind the app's back are reported."""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid

import pytest
from sqlalchemy import select

from inspector_app.core.demo import generate
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.store import audit
from inspector_app.core.store.database import DB_FILE
from inspector_app.core.store.models import AuditEvent
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import sqlite_rows


@pytest.fixture(scope="module")
def session_template(tmp_path_factory):
    """A closed data folder after a realistic session: demo roster, demo inspections, photos, voids."""
    folder = tmp_path_factory.mktemp("audit") / "data"
    with Workspace.open(folder) as ws:
        generate(ws, 8, seed=3)
        recorder = Recorder(ws, actor="tester")
        inspection = recorder.start(NewInspection("svc-001-assessment", "W-REG", "测试督查员"))
        [first] = recorder.record(inspection.id, NewDeduction("A2", ["1002"]))
        recorder.record(inspection.id, NewDeduction("A1", count=2))
        recorder.void(first, "记错了")
        recorder.restore(first)
        recorder.void(first, "确实记错了")
    return folder


@pytest.fixture
def tampered(session_template, tmp_path):
    """A private copy of the session's data folder and a raw sqlite3 connection to edit it with."""
    folder = tmp_path / "data"
    shutil.copytree(session_template, folder)
    connection = sqlite3.connect(folder / DB_FILE, isolation_level=None)
    yield folder, connection
    connection.close()


def _report(folder) -> audit.AuditReport:  # noqa: ANN001
    with Workspace.open(folder) as ws:
        with ws.db.read() as session:
            return audit.verify(session)


def _problems_about(report: audit.AuditReport, *needles: str) -> list[str]:
    return [p for p in report.problems if all(n in p for n in needles)]


def test_realistic_session_verifies(session_template, english):
    report = _report(session_template)
    assert report.ok, report.problems
    counts = sqlite_rows(session_template, "SELECT entity, count(*) FROM audit_events GROUP BY entity")
    assert {entity for entity, _ in counts} >= {"inspection", "deduction", "rectification", "department", "staff"}
    assert report.events == sum(n for _, n in counts)


def test_every_audited_row_has_an_event(session_template):
    for table, entity in (("inspections", "inspection"), ("deductions", "deduction"),
                          ("rectifications", "rectification"), ("staff", "staff"), ("departments", "department")):
        missing = sqlite_rows(session_template,
                              f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM audit_events e "
                              f"WHERE e.entity = ? AND e.entity_id = t.id)", (entity,))
        assert missing == [(0,)], table


def test_chain_links_every_event_to_the_previous_one(session_template):
    rows = sqlite_rows(session_template, "SELECT seq, prev_hash, hash FROM audit_events ORDER BY seq")
    assert rows[0][1] == audit.GENESIS
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert all(rows[i][1] == rows[i - 1][2] for i in range(1, len(rows)))


def test_edited_deduction_points_are_reported(tampered, english):
    folder, connection = tampered
    [(entry,)] = connection.execute("SELECT id FROM deductions WHERE voided_at IS NULL ORDER BY seq LIMIT 1")
    connection.execute("UPDATE deductions SET points = 0 WHERE id = ?", (entry,))
    report = _report(folder)
    assert not report.ok
    assert _problems_about(report, "deduction", entry, "differs from its audit record")


def test_unvoiding_a_deduction_behind_the_apps_back_is_reported(tampered, english):
    folder, connection = tampered
    [(entry,)] = connection.execute("SELECT id FROM deductions WHERE voided_at IS NOT NULL LIMIT 1")
    connection.execute("UPDATE deductions SET voided_at = NULL, void_reason = NULL WHERE id = ?", (entry,))
    assert _problems_about(_report(folder), entry, "differs")


def test_reopening_a_finished_inspection_is_reported(tampered, english):
    folder, connection = tampered
    [(inspection,)] = connection.execute("SELECT id FROM inspections WHERE status = 'finished' LIMIT 1")
    connection.execute("UPDATE inspections SET status = 'draft', training = 1 WHERE id = ?", (inspection,))
    assert _problems_about(_report(folder), "inspection", inspection, "differs")


def test_rewritten_event_payload_is_reported(tampered, english):
    folder, connection = tampered
    connection.execute("DROP TRIGGER audit_no_update")
    [(seq, payload)] = connection.execute(
        "SELECT seq, payload FROM audit_events WHERE entity = 'deduction' ORDER BY seq LIMIT 1")
    data = json.loads(payload)
    data["points"] = 0.0
    connection.execute("UPDATE audit_events SET payload = ? WHERE seq = ?",
                       (audit.canonical(data), seq))
    report = _report(folder)
    assert _problems_about(report, f"audit event {seq}:", "content was changed")


def test_rewritten_event_with_recomputed_hash_breaks_the_chain(tampered, english):
    """A forger who also fixes the event's own hash still breaks the link to the next event."""
    folder, connection = tampered
    connection.execute("DROP TRIGGER audit_no_update")
    [(seq, at, actor, action, entity, entity_id, payload, prev)] = connection.execute(
        "SELECT seq, at, actor, action, entity, entity_id, payload, prev_hash FROM audit_events "
        "WHERE entity = 'deduction' ORDER BY seq LIMIT 1")
    with Workspace.open(folder) as ws, ws.db.read() as session:
        stored_at = session.get(AuditEvent, seq).at
    data = json.loads(payload)
    data["note"] = "forged"
    forged = audit.canonical(data)
    assert forged != payload
    digest = audit.event_hash(prev, seq, stored_at.isoformat(), actor, action, entity, entity_id, forged)
    connection.execute("UPDATE audit_events SET payload = ?, hash = ? WHERE seq = ?", (forged, digest, seq))
    report = _report(folder)
    assert _problems_about(report, f"audit event {seq + 1}:", "chain is broken")


def test_deleted_event_is_reported_as_missing(tampered, english):
    folder, connection = tampered
    connection.execute("DROP TRIGGER audit_no_delete")
    [(total,)] = connection.execute("SELECT max(seq) FROM audit_events")
    victim = total // 2
    connection.execute("DELETE FROM audit_events WHERE seq = ?", (victim,))
    report = _report(folder)
    assert _problems_about(report, f"audit event {victim + 1}:", "missing")
    assert _problems_about(report, f"audit event {victim + 1}:", "chain is broken")


def test_row_inserted_behind_the_apps_back_is_reported(tampered, english):
    folder, connection = tampered
    columns = [row[1] for row in connection.execute("PRAGMA table_info(deductions)")]
    [row] = connection.execute(f"SELECT {', '.join(columns)} FROM deductions LIMIT 1")
    values = dict(zip(columns, row))
    values["id"] = str(uuid.uuid4())
    connection.execute(f"INSERT INTO deductions ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                       [values[c] for c in columns])
    assert _problems_about(_report(folder), "deduction", values["id"], "no audit record")


def test_staff_inserted_behind_the_apps_back_is_reported(tampered, english):
    folder, connection = tampered
    [(department,)] = connection.execute("SELECT id FROM departments LIMIT 1")
    staff_id = str(uuid.uuid4())
    connection.execute("INSERT INTO staff (id, staff_no, name, department_id, is_head, active, updated_at) "
                       "VALUES (?, '9999', '幽灵', ?, 1, 1, '2024-01-01 00:00:00.000000')", (staff_id, department))
    assert _problems_about(_report(folder), "staff", staff_id, "no audit record")


def test_row_removed_behind_the_apps_back_is_reported(tampered, english):
    folder, connection = tampered
    connection.execute("DROP TRIGGER deductions_no_delete")
    connection.execute("DROP TRIGGER rectifications_no_delete")
    connection.execute("DROP TRIGGER photos_no_delete")
    connection.execute("PRAGMA foreign_keys = OFF")
    [(entry,)] = connection.execute("SELECT id FROM deductions ORDER BY seq DESC LIMIT 1")
    connection.execute("DELETE FROM deductions WHERE id = ?", (entry,))
    assert _problems_about(_report(folder), "deduction", entry, "missing from the data")


def test_verify_reads_untouched_copy_as_ok(tampered):
    folder, _ = tampered
    assert _report(folder).ok


def test_edited_checklist_snapshot_is_reported(tampered):
    folder, connection = tampered
    [(digest, body)] = connection.execute(
        "SELECT content_hash, body FROM checklist_snapshots WHERE checklist_id = 'svc-001-assessment'")
    data = json.loads(body)
    data["scoring"]["head_multiplier"]["value"] = 1  # heads no longer pay double in later scoring
    connection.execute("UPDATE checklist_snapshots SET body = ? WHERE content_hash = ?",
                       (json.dumps(data, ensure_ascii=False), digest))
    assert not _report(folder).ok


def test_events_record_the_actor(session_template):
    with Workspace.open(session_template) as ws, ws.db.read() as session:
        actors = set(session.scalars(select(AuditEvent.actor)))
    assert {"demo", "tester"} <= actors


def test_a_trail_written_before_a_column_existed_still_verifies(session_template, tmp_path):
    """A laptop upgraded across migration 0007: its deductions' audit snapshots have no `period` key (the column
    came later, NULL on the old rows). The trail verifies; a real change to such a row is still reported."""
    folder = tmp_path / "data"
    shutil.copytree(session_template, folder)
    with Workspace.open(folder) as ws:
        with ws.db.write() as session:  # the latest snapshot of one entry, as an older release wrote it
            deduction = session.scalars(select(audit.Deduction).where(audit.Deduction.voided_at.is_(None))).first()
            old = json.loads(audit.snapshot_payload(deduction))
            del old["period"]
            chain = audit.AuditChain(session.execute(audit._CHAIN_HEAD).first())
            chain.add("older-release", "record", "deduction", deduction.id, audit.canonical(old))
            session.execute(audit._INSERT_EVENTS, chain.pending)
            changed = deduction.id
        with ws.db.read() as session:
            assert audit.verify(session).ok
    connection = sqlite3.connect(folder / DB_FILE)
    connection.execute("UPDATE deductions SET note = 'changed' WHERE id = ?", (changed,))
    connection.commit()
    connection.close()
    with Workspace.open(folder) as ws, ws.db.read() as session:
        assert any(changed in problem for problem in audit.verify(session).problems)


def test_the_hot_paths_one_pass_writer_gives_row_payloads_text_and_the_insert_values(tmp_path):
    """Recording makes each row's insert values and its audit payload in one pass (store/fastpath.py): the
    payload must be exactly row_payload's canonical JSON (verify recomputes it from the stored row) and the
    values exactly what the column types' converters give, for text, NULL, numbers, flags, dates and times."""
    from datetime import date, datetime, timedelta, timezone

    from inspector_app.core.store.models import Deduction, Rectification

    ws = Workspace.open(tmp_path / "data")
    try:
        inserts = ws.db.inserts
        recorded = datetime(2026, 2, 28, 23, 59, 59, 0, tzinfo=timezone(timedelta(hours=8)))
        deduction = {"id": str(uuid.uuid4()), "inspection_id": str(uuid.uuid4()), "item_code": "A3",
                     "charged_to": "person", "staff_id": None, "department_id": "d", "is_head": True, "count": 2,
                     "points_each": 1, "multiplier": 1.5, "points": 3.0, "note": "未佩戴胸牌 \"引号\" \\",
                     "recorded_at": recorded, "utc_offset_min": 480, "local_month": "2026-02", "device_id": "x",
                     "seq": 7, "voided_at": None, "void_reason": None, "period": None}
        rectification = {"id": "r", "deduction_id": deduction["id"], "department_id": "d", "requirement": "佩戴",
                         "deadline": date(2026, 3, 7), "status": "open", "rectified_at": None,
                         "rectified_note": None, "verified_at": datetime(2026, 3, 1, 8, 0, 0, 123456, timezone.utc),
                         "verified_by": None, "updated_at": recorded}
        for writer, table, row in ((inserts.deductions, Deduction.__table__, deduction),
                                   (inserts.rectifications, Rectification.__table__, rectification),
                                   (inserts.deductions, Deduction.__table__, {"id": "only-an-id"})):
            params, payload = writer.params_and_payload(row)
            assert payload == audit.row_payload(table, row)
            assert params == writer.params(row)
            assert json.loads(payload)["id"] == row["id"]
    finally:
        ws.close()


def test_the_written_row_functions_agree_with_the_converters_and_row_payload_on_any_values(tmp_path):
    """The hot path's insert functions are Python written per table (store/fastpath.py) with each column's
    common case inline: on random rows mixing every kind of value in every column (text with quotes, control
    and non-ASCII characters, ints, flags, floats including NaN and -0.0, aware and naive times, days, NULL)
    they give exactly the column converters' values and row_payload's text — or fail as those fail."""
    import random
    from datetime import date, datetime, timedelta, timezone

    from inspector_app.core.store.models import AuditEvent, Deduction, Photo, Rectification

    pool = [None, "", "A3", "引号 \"q\" \\ \n\t\x00\x1f\u2028 é", 0, 7, -3, 2**70, True, False, 0.0, -0.0, 1.5,
            3.0, 1e300, float("nan"), float("inf"), float("-inf"),
            datetime(2026, 2, 28, 23, 59, 59, 0, tzinfo=timezone(timedelta(hours=8))),
            datetime(2026, 3, 1, 8, 0, 0, 123456, timezone.utc),
            datetime(2026, 7, 1, 12, 0, 0, 5, timezone(timedelta(hours=-5, minutes=-30))),
            datetime(2026, 3, 1, 8, 0, 0), date(2026, 3, 7), date(999, 1, 2)]
    kinds = {str: pool[:4], int: [None, 0, 7, -3, 2**70], bool: [None, True, False],
             float: [None, 0.0, -0.0, 1.5, 3.0, 1e300, float("nan"), float("inf"), 2],
             datetime: [None, *pool[18:21]], date: [None, *pool[22:]]}

    def kind_of(column):  # noqa: ANN001, ANN202 - a TypeDecorator's (UTCDateTime): its implementation's
        return getattr(column.type, "impl_instance", column.type).python_type

    rng = random.Random(17)
    ws = Workspace.open(tmp_path / "data")
    try:
        inserts = ws.db.inserts
        checked = 0
        for writer, model in ((inserts.deductions, Deduction), (inserts.rectifications, Rectification),
                              (inserts.photos, Photo), (inserts.audit_events, AuditEvent)):
            for _ in range(400):
                row = {key: rng.choice(pool if rng.random() < 0.03 else kinds.get(kind_of(column), pool))
                       for key, column in writer.table.columns.items() if rng.random() < 0.9}
                try:
                    expected = ([None if row.get(key) is None else process(row[key]) if process else row[key]
                                 for key, process in zip(writer.columns, writer.processors)],
                                audit.row_payload(model.__table__, row))
                except Exception as exc:  # noqa: BLE001 - whatever the converters raise
                    with pytest.raises(type(exc)):
                        writer.params_and_payload(row)
                    continue
                assert writer.params_and_payload(row) == expected
                assert writer.params(row) == expected[0]
                checked += 1
        assert checked > 800  # most rows convert (the rest are refused as the converters refuse them)
    finally:
        ws.close()
