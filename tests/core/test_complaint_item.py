"""A complaint charges only through the office's register (issue #15 item 4, 001 §四 第7条: 经查实者每起扣个人 5 分).

The assessment checklist marks A7 `recorded_in: complaint_register`: a laptop refuses it as an observation (with
a message that sends the inspector to the office's register), the office sets aside a bundle that carries one
even when it is re-signed with a real enrolled laptop key, and an inspection started on the earlier checklist
version (whose snapshot has no such flag) keeps its own rules. That a pending complaint charges nothing and a
verified one 5 points on its verification date is tested on the register itself: tests/office/test_complaints.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector_app.core.checklists.models import Checklist
from inspector_app.core.errors import InputError
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import ASSESSMENT, local_time
from tests.helpers.hospital import found_hospital, resigned


def test_a_complaint_item_must_be_a_complaint_that_deducts(bundled_library, english: None) -> None:
    body = bundled_library.get(ASSESSMENT).model_dump(mode="json")
    a2 = next(item for item in body["sections"][0]["items"] if item["code"] == "A2")
    a2["recorded_in"] = "complaint_register"  # 出勤 is no complaint
    with pytest.raises(ValueError, match="complaint register"):
        Checklist.model_validate(body)


def test_a_laptop_refuses_a_complaint_as_an_observation(demo_workspace: Workspace, english: None) -> None:
    recorder = Recorder(demo_workspace, actor="tester")
    day = local_time(2026, 3, 10, 9)
    inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "测试督查员", started_at=day)).id
    with pytest.raises(InputError, match="complaint register") as refused:
        recorder.record(inspection, NewDeduction("A7", ["1002"], recorded_at=day))
    assert "verified" in str(refused.value) and "office" in str(refused.value)
    recorder.record(inspection, NewDeduction("A8", ["1002"], recorded_at=day))  # the other rules record as before


def test_an_inspection_on_the_earlier_version_keeps_its_snapshots_rules(demo_workspace: Workspace,
                                                                        bundled_library) -> None:
    current = bundled_library.get(ASSESSMENT)
    body = current.model_dump(mode="json")
    body["version"] = current.version - 1
    for item in body["sections"][0]["items"]:
        item.pop("recorded_in", None)
    earlier = Checklist.model_validate(body)
    recorder = Recorder(demo_workspace, actor="tester")
    day = local_time(2026, 3, 10, 9)
    inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "测试督查员", started_at=day), earlier).id
    [entry] = recorder.record(inspection, NewDeduction("A7", ["1002"], recorded_at=day))
    assert entry


def test_a_forged_complaint_entry_is_set_aside(tmp_path: Path, demo_template: Path, english: None) -> None:
    office, [laptop] = found_hospital(tmp_path, demo_template, ["K001"])
    share = tmp_path / "share"
    share.mkdir()
    with Workspace.open(laptop) as ws:
        recorder = Recorder(ws, actor="K001")
        day = local_time(2026, 3, 10, 9)
        inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "督查员K001", started_at=day)).id
        recorder.record(inspection, NewDeduction("A8", ["1002"], recorded_at=day.replace(minute=5)))
        recorder.finish(inspection, finished_at=day.replace(minute=30))
        pushed = push(ws, share, DEMO_PASSPHRASE).bundle
        assert pushed is not None

        def edit(data: dict) -> None:  # A8 (5 points) turned into an unverified complaint (5 points)
            deduction = data["inspections"][0]["deductions"][0]
            assert deduction["item_code"] == "A8"
            deduction["item_code"] = "A7"

        bad = resigned(ws, pushed, tmp_path, edit)  # re-signed with the laptop's own enrolled key
    central = open_central(default_url(tmp_path / "central"))
    try:
        trusted = [load_office_certificate(office)]
        report = merge_files(central, [bad], trusted, tmp_path / "files")
        [outcome] = report.refused
        assert outcome.reason_code == "register_only", outcome
        assert "A7" in outcome.message and "complaint register" in outcome.message
        assert merge_files(central, [pushed], trusted, tmp_path / "files").clean  # the honest one merges
    finally:
        central.close()
