"""A measured requirement without points (issue #15 items 1 and 2, 不扣分，限期整改): 002 篇三 "每月兩次對醫療質量
督導組的工作情況進行檢查" is quality-rounds Q1 (≥ 2 次 a month, deducts: false). A failed measurement opens a
finding of 0 points with a rectification and its deadline, listed in the laptop's rectification list and, after
merge, in the office's ledger; a passing one is kept as a value and opens nothing. Two laptops of one hospital
record it (one fails, one passes on another department); the office recomputes 0 and lists the one item.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.measuring import NewMeasurement, record_measurement
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.merge import models as cm
from inspector_app.core.recording import NewInspection, Recorder
from inspector_app.core.rectification import list_rectifications
from inspector_app.core.store.models import Deduction, Measurement, Rectification
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from inspector_app.office.ledger import ledger_in
from tests.helpers.fixtures import local_time
from tests.helpers.hospital import found_hospital

ROUNDS = "svc-quality-rounds"
DAYS = (local_time(2026, 3, 2, 10), local_time(2026, 3, 3, 10))  # one per laptop
DEPARTMENTS = ("W-REG", "W-ADM")
VALUES = (1, 2)  # 1 check in the month against ≥ 2: fails; 2: holds
DEADLINE = date(2026, 3, 16)  # the checklist's 14 days from the failed check (2 March)


def _measure(ws: Workspace, n: int) -> tuple[bool, tuple[str, ...]]:
    recorder = Recorder(ws, actor="tester")
    day = DAYS[n]
    inspection = recorder.start(NewInspection(ROUNDS, DEPARTMENTS[n], "测试督查员", started_at=day)).id
    result = record_measurement(recorder, inspection, NewMeasurement("Q1", {0: VALUES[n]}, recorded_at=day))
    recorder.finish(inspection, finished_at=day + timedelta(minutes=30))
    return result.outcome.passed, result.deduction_ids


def test_the_item_is_a_measured_finding_without_points(bundled_library) -> None:
    item = bundled_library.get(ROUNDS).item("Q1")
    assert not item.deducts and item.points_each == 0.0 and item.measured


def test_a_failed_value_opens_a_rectification_without_points_a_passing_one_nothing(
        demo_workspace: Workspace) -> None:
    passed, ids = _measure(demo_workspace, 0)
    assert not passed and len(ids) == 1
    assert _measure(demo_workspace, 1) == (True, ())
    with demo_workspace.db.read() as session:
        entries = session.execute(select(Deduction.item_code, Deduction.points, Deduction.note)).all()
        values = session.execute(select(Measurement.passed, Measurement.deduction_id)
                                 .order_by(Measurement.recorded_at)).all()
        [rect] = session.scalars(select(Rectification)).all()
    assert [(code, points) for code, points, _ in entries] == [("Q1", 0.0)]
    assert "1次" in entries[0][2] and "≥ 2次" in entries[0][2]  # measured against required, on the entry
    assert values == [(False, ids[0]), (True, None)]  # both values kept; only the failure is an entry
    assert rect.deduction_id == ids[0] and rect.deadline == DEADLINE and rect.status == "open"
    [listed] = list_rectifications(demo_workspace, today=DEADLINE)
    assert (listed.item_code, listed.deadline, listed.status) == ("Q1", DEADLINE, "open")
    assert list_rectifications(demo_workspace, today=DEADLINE + timedelta(days=1))[0].status == "overdue"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_office_ledger_lists_it_with_0_points(tmp_path: Path, demo_template: Path, backend: str,
                                                  request: pytest.FixtureRequest) -> None:
    office, laptops = found_hospital(tmp_path, demo_template, ["N001", "N002"])
    share = tmp_path / "share"
    share.mkdir()
    bundles = []
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            assert _measure(ws, n)[0] is bool(n)
            bundles.append(push(ws, share, DEMO_PASSPHRASE).bundle)
    url = request.getfixturevalue("postgres_url")() if backend == "postgresql" else default_url(tmp_path / "c")
    central = open_central(url)
    try:
        report = merge_files(central, bundles, [load_office_certificate(office)], tmp_path / "files")
        assert report.clean, report  # 0 stated, 0 recomputed
        with central.read() as session:
            points = session.execute(select(cm.Deduction.item_code, cm.Deduction.points)).all()
            measured = sorted(session.execute(select(cm.Measurement.department_id, cm.Measurement.passed)).all())
            [item] = ledger_in(session, today=DEADLINE)
        assert points == [("Q1", 0.0)]
        assert measured == [("W-ADM", True), ("W-REG", False)]  # the passing value is kept, opens nothing
        assert (item.item_code, item.department_code, item.deadline, item.status) == ("Q1", "W-REG", DEADLINE,
                                                                                         "open")
        assert "≥ 2次" in item.note
    finally:
        central.close()
