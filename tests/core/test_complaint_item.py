"""A complaint charges only through the office's register (issue #15 item 4, 001 §四 第7条: 经查实者每起扣个人 5 分).

The assessment checklist marks A7 `recorded_in: complaint_register`: a laptop refuses it as an observation (with
a message that sends the inspector to the office's register), the office sets aside a bundle that carries one
even when it is re-signed with a real enrolled laptop key, and an inspection started on the earlier checklist
version (whose snapshot has no such flag) keeps its own rules. That a pending complaint charges nothing and a
verified one 5 points on its verification date is tested on the register itself: tests/office/test_complaints.py.

000's model window W5 (无服务投诉) is register-only too (svc-000-model-window v4): the quarterly selection reads the
register for it (tests/office/test_awards.py). A bundle whose inspection was started on the earlier version (v3 of
either checklist) and carries the complaint item merges under that snapshot's rules: the snapshot is the rule the
inspection was scored with (an inspection started before the update and pushed after it is honest), the office
checks the body against its hash, and a bundle naming v3 while carrying another body is refused. What is set aside
is a complaint entry under a snapshot that says register-only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.core.checklists import content_hash, load_checklist
from inspector_app.core.checklists.models import Checklist
from inspector_app.core.errors import InputError
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.merge import models as cm
from inspector_app.core.merge.summary import central_summary
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


MODEL_WINDOW = "svc-000-model-window"
EARLIER = Path(__file__).parent / "data" / "checklists"
# checklist, its v3 file, the item a laptop records, the complaint item it is turned into, points of each
OLDER = {ASSESSMENT: ("001-assessment-v3.yaml", "A8", "A7", 5.0), MODEL_WINDOW: ("000-model-window-v3.yaml", "W4",
                                                                              "W5", 15.0)}


def test_the_model_windows_complaint_criterion_is_the_registers(demo_workspace: Workspace, bundled_library,
                                                                english: None) -> None:
    w5 = bundled_library.get(MODEL_WINDOW).item("W5")
    assert w5.recorded_in == "complaint_register" and not w5.observable and "pending" in w5.guidance.en
    recorder = Recorder(demo_workspace, actor="tester")
    day = local_time(2026, 3, 10, 9)
    inspection = recorder.start(NewInspection(MODEL_WINDOW, "W-REG", "测试督查员", started_at=day)).id
    with pytest.raises(InputError, match="complaint register"):
        recorder.record(inspection, NewDeduction("W5", ["1002"], recorded_at=day))
    recorder.record(inspection, NewDeduction("W4", ["1002"], recorded_at=day))
    earlier = load_checklist(EARLIER / OLDER[MODEL_WINDOW][0])
    assert earlier.version == 3 and earlier.item("W5").observable
    old = recorder.start(NewInspection(MODEL_WINDOW, "W-REG", "测试督查员", started_at=day), earlier).id
    assert recorder.record(old, NewDeduction("W5", ["1002"], recorded_at=day))  # v3's rules: an observation


def _pushed(tmp_path: Path, demo_template: Path, checklist_id: str) -> tuple[Path, Path, Workspace]:
    office, [laptop] = found_hospital(tmp_path, demo_template, ["K009"])
    share = tmp_path / "share"
    share.mkdir()
    ws = Workspace.open(laptop)
    recorder = Recorder(ws, actor="K009")
    day = local_time(2026, 3, 10, 9)
    inspection = recorder.start(NewInspection(checklist_id, "W-REG", "督查员K009", started_at=day)).id
    recorder.record(inspection, NewDeduction(OLDER[checklist_id][1], ["1002"], recorded_at=day.replace(minute=5)))
    recorder.finish(inspection, finished_at=day.replace(minute=30))
    pushed = push(ws, share, DEMO_PASSPHRASE).bundle
    assert pushed is not None
    return office, pushed, ws


@pytest.mark.parametrize("checklist_id", [ASSESSMENT, MODEL_WINDOW])
def test_an_older_bundle_with_a_complaint_keeps_its_snapshots_rules(tmp_path: Path, demo_template: Path,
                                                                    checklist_id: str, english: None) -> None:
    """Re-signed with a real enrolled laptop key: the entry turned into the complaint item under the real v3
    snapshot merges with v3's points; under v4 it is set aside; naming v3 over v4's body is refused."""
    file, recorded, complaint, points = OLDER[checklist_id]
    earlier = load_checklist(EARLIER / file)
    earlier_hash = content_hash(earlier)
    office, pushed, ws = _pushed(tmp_path, demo_template, checklist_id)

    def to_complaint(data: dict) -> None:
        [deduction] = data["inspections"][0]["deductions"]
        assert deduction["item_code"] == recorded and deduction["points"] == points
        deduction["item_code"] = complaint

    def on_v3(data: dict) -> None:
        to_complaint(data)
        record = data["inspections"][0]
        record["checklist"] = {"content_hash": earlier_hash, "checklist_id": checklist_id, "version": 3,
                               "body": earlier.model_dump(mode="json")}
        record["inspection"].update(checklist_hash=earlier_hash, checklist_version=3)

    def v3_named_over_v4(data: dict) -> None:
        to_complaint(data)
        record = data["inspections"][0]
        record["checklist"].update(content_hash=earlier_hash, version=3)  # the v4 body kept
        record["inspection"].update(checklist_hash=earlier_hash, checklist_version=3)

    try:
        older = resigned(ws, pushed, tmp_path, on_v3)
        current = resigned(ws, pushed, tmp_path, to_complaint)
        mixed = resigned(ws, pushed, tmp_path, v3_named_over_v4)
    finally:
        ws.close()
    central = open_central(default_url(tmp_path / "central"))
    try:
        trusted = [load_office_certificate(office)]
        refused = merge_files(central, [current, mixed], trusted, tmp_path / "files").refused
        assert sorted(o.reason_code for o in refused) == ["bad_snapshot", "register_only"], refused
        assert merge_files(central, [older], trusted, tmp_path / "files").clean
        with central.read() as session:
            rows = session.execute(select(cm.Deduction.item_code, cm.Deduction.points)).all()
        assert [tuple(r) for r in rows] == [(complaint, points)]  # v3's rule: an observation of `points`
        month = central_summary(central, "2026-03")
        assert next(d for d in month.departments if d.code == "W-REG").occurrences == 1
    finally:
        central.close()


def test_an_older_bundles_complaint_the_register_already_charged_is_set_aside(tmp_path: Path, demo_template: Path,
                                                                             bundled_library, english: None) -> None:
    """001 第7条 verified in the register against 1002 in March, and a v3 laptop's A7 entry against 1002 in March:
    the batch is set aside (complaint_twice), never charged twice; the same entry against another person merges."""
    from datetime import date

    from inspector_app.office import complaints as c

    file, _recorded, complaint, _points = OLDER[ASSESSMENT]
    earlier = load_checklist(EARLIER / file)
    earlier_hash = content_hash(earlier)
    office, pushed, ws = _pushed(tmp_path, demo_template, ASSESSMENT)

    def on_v3(staff_no: str):  # noqa: ANN202
        def edit(data: dict) -> None:
            record = data["inspections"][0]
            [deduction] = record["deductions"]
            deduction.update(item_code=complaint, staff_no=staff_no)
            record["checklist"] = {"content_hash": earlier_hash, "checklist_id": ASSESSMENT, "version": 3,
                                   "body": earlier.model_dump(mode="json")}
            record["inspection"].update(checklist_hash=earlier_hash, checklist_version=3)
        return edit

    try:
        same = resigned(ws, pushed, tmp_path, on_v3("1002"))
        other = resigned(ws, pushed, tmp_path, on_v3("1003"))
    finally:
        ws.close()
    central = open_central(default_url(tmp_path / "central"))
    try:
        found = c.receive(central, c.NewComplaint(date(2026, 3, 2), "12345", "W-REG", "态度生硬", "1002"),
                          by="办公室李")
        c.decide(central, found.number, True, by="办公室李", on=date(2026, 3, 5), note="调取录音属实",
                   library=bundled_library)
        trusted = [load_office_certificate(office)]
        [refused] = merge_files(central, [same], trusted, tmp_path / "files").refused
        assert refused.reason_code == "complaint_twice" and found.number in refused.message, refused
        assert merge_files(central, [other], trusted, tmp_path / "files").clean  # another person: no match
        with central.read() as session:
            rows = session.execute(select(cm.Deduction.item_code, cm.Deduction.staff_no)).all()
        assert [tuple(r) for r in rows] == [(complaint, "1003")]
    finally:
        central.close()


def test_a_complaint_verified_after_an_older_bundles_entry_merged_is_not_charged_again(
        tmp_path: Path, demo_template: Path, bundled_library, english: None) -> None:
    """The other order: a v3 laptop's A7 entry against 1002 in March merges first; the office then verifies a
    register complaint against 1002 received in March. The complaint is verified (on record, with the entry
    named) but charges nothing: March counts 1002's complaint once. Against another person it charges."""
    from datetime import date

    from inspector_app.office import complaints as c

    file, _recorded, complaint, points = OLDER[ASSESSMENT]
    earlier = load_checklist(EARLIER / file)
    earlier_hash = content_hash(earlier)
    office, pushed, ws = _pushed(tmp_path, demo_template, ASSESSMENT)

    def on_v3(data: dict) -> None:
        record = data["inspections"][0]
        [deduction] = record["deductions"]
        deduction.update(item_code=complaint, staff_no="1002")
        record["checklist"] = {"content_hash": earlier_hash, "checklist_id": ASSESSMENT, "version": 3,
                               "body": earlier.model_dump(mode="json")}
        record["inspection"].update(checklist_hash=earlier_hash, checklist_version=3)

    try:
        older = resigned(ws, pushed, tmp_path, on_v3)
    finally:
        ws.close()
    central = open_central(default_url(tmp_path / "central"))
    try:
        assert merge_files(central, [older], [load_office_certificate(office)], tmp_path / "files").clean
        with central.read() as session:
            [entry] = session.scalars(select(cm.Deduction.id)).all()
        before = central_summary(central, "2026-03")
        same = c.receive(central, c.NewComplaint(date(2026, 3, 2), "12345", "W-REG", "态度生硬", "1002"), by="李")
        decided = c.decide(central, same.number, True, by="李", on=date(2026, 3, 5), note="属实",
                           library=bundled_library)
        assert decided.status == "verified" and (decided.points, decided.pay_percent) == (0.0, 0.0)
        assert entry in decided.decision_note and "not charged again" in decided.decision_note
        after = central_summary(central, "2026-03")
        person = next(p for p in after.persons if p.staff_no == "1002")
        assert person.points == next(p for p in before.persons if p.staff_no == "1002").points == points
        other = c.receive(central, c.NewComplaint(date(2026, 3, 2), "12345", "W-REG", "推诿", "1003"), by="李")
        charged = c.decide(central, other.number, True, by="李", on=date(2026, 3, 6), note="属实",
                           library=bundled_library)
        assert charged.points > 0  # another person: nothing charged them yet
    finally:
        central.close()
