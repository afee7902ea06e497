"""002 篇七 (第21條) as written: canteen satisfaction below 60% → the contractor rectifies by the committee's
deadline; "整改時限超過食堂管理委員會規定時限10天的,醫院有權終止合同". The days late are derived from the
rectification's own deadline (nothing stored), so the laptop's bulletin and the office's ledger and bulletin say
逾期超过10日，可终止合同 for that item from the 11th day late, and not before. The clock is faked: every date is
passed in, none is today's."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from inspector_app.core.checklists.models import Checklist
from inspector_app.core.documents.bulletin import overdue_text
from inspector_app.core.documents.bulletin_data import overdue_items
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.measuring import NewMeasurement, record_measurement
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.rectification import days_late, late_consequence
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from inspector_app.office.bulletin import overdue_in
from inspector_app.office.ledger import ledger_in, rows
from tests.helpers.fixtures import local_time
from tests.helpers.hospital import found_hospital

CANTEEN = "svc-002-hospital-service"
FOUND = local_time(2026, 3, 2, 10)  # the survey checked: 55% against ≥ 60%; C9's deadline is 30 days on
DEADLINE = date(2026, 4, 1)
TERMINATE = "逾期超过10日，可终止合同"


def _record(ws: Workspace) -> None:
    recorder = Recorder(ws, actor="tester")
    inspection = recorder.start(NewInspection(CANTEEN, "W-REG", "测试督查员", started_at=FOUND)).id
    result = record_measurement(recorder, inspection, NewMeasurement("C9", {0: 55}, recorded_at=FOUND))
    assert not result.outcome.passed and result.deduction_ids
    recorder.record(inspection, NewDeduction("C4", recorded_at=FOUND))  # another canteen item, no such rule
    recorder.finish(inspection, finished_at=FOUND + timedelta(minutes=30))


def test_the_rule_stands_in_its_quote(bundled_library) -> None:  # noqa: ANN001
    item = bundled_library.get(CANTEEN).item("C9")
    assert item.late_rule is not None and item.late_rule.days == 10
    assert "10天" in item.late_rule.source.quote and "終止合同" in item.late_rule.source.quote
    body = bundled_library.get(CANTEEN).model_dump(mode="json")
    c9 = next(i for s in body["sections"] for i in s["items"] if i["code"] == "C9")
    c9["late_rule"]["days"] = 7  # not what the quote says
    with pytest.raises(ValueError, match="7"):
        Checklist.model_validate(body)
    assert days_late(DEADLINE, date(2026, 4, 30), rectified_on=date(2026, 4, 12)) == 11  # put right 11 days late
    assert late_consequence(item, 10, "zh") == "" and late_consequence(item, 11, "zh") == TERMINATE
    assert late_consequence(item, 11, "en") == "more than 10 days overdue: the contract may be ended"


def test_the_laptop_bulletin_says_the_contract_may_end(demo_workspace: Workspace) -> None:
    _record(demo_workspace)
    ten = {o.item_code: o for o in overdue_items(demo_workspace, today=DEADLINE + timedelta(days=10))}
    assert ten["C9"].days_overdue == 10 and ten["C9"].consequence == ""  # 10 days late: not yet
    eleven = {o.item_code: o for o in overdue_items(demo_workspace, today=DEADLINE + timedelta(days=11))}
    assert eleven["C9"].consequence == TERMINATE and eleven["C4"].consequence == ""
    assert overdue_text(eleven["C9"], "zh").endswith(f"【{TERMINATE}】")
    english = overdue_items(demo_workspace, today=DEADLINE + timedelta(days=40), lang="en")
    assert next(o for o in english if o.item_code == "C9").consequence.startswith("more than 10 days overdue")


def test_the_office_ledger_and_bulletin_say_it(tmp_path: Path, demo_template: Path) -> None:
    office, [laptop] = found_hospital(tmp_path, demo_template, ["K002"])
    share = tmp_path / "share"
    share.mkdir()
    with Workspace.open(laptop) as ws:
        _record(ws)
        bundle = push(ws, share, DEMO_PASSPHRASE).bundle
    central = open_central(default_url(tmp_path / "central"))
    try:
        assert merge_files(central, [bundle], [load_office_certificate(office)], tmp_path / "files").clean
        with central.read() as session:
            before = {i.item_code: i for i in ledger_in(session, today=DEADLINE + timedelta(days=10))}
            after = {i.item_code: i for i in ledger_in(session, today=DEADLINE + timedelta(days=11))}
            bulletin = {o.item_code: o for o in overdue_in(session, DEADLINE + timedelta(days=11))}
        assert before["C9"].status == "overdue" and before["C9"].consequence == ""
        assert after["C9"].consequence == TERMINATE and after["C4"].consequence == ""
        assert TERMINATE in rows([after["C9"]], "zh")[0][11]  # the ledger's status column
        assert bulletin["C9"].consequence == TERMINATE and bulletin["C4"].consequence == ""
    finally:
        central.close()
