"""Findings without points (issue #15 item 2): 不扣分，限期整改 — a checklist item with `deducts: false` is
recorded like any other, opens a rectification with a deadline, counts as a finding in the month and deducts
nothing anywhere: not on the laptop, not at merge (the office recomputes 0 from the snapshot), not from pay.

Two laptops of one hospital record the same no-points finding beside a deducting one; the central month adds
them up.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from inspector_app.core.checklists import content_hash
from inspector_app.core.checklists.models import Checklist, Item
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.roster_store import current_roster
from inspector_app.core.scoring import ScoreEntry, inspection_result
from inspector_app.core.store.models import Deduction, Rectification
from inspector_app.core.summary import monthly_summary
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import ItemSpec, build_checklist, local_time
from tests.helpers.hospital import found_hospital

SOURCE = {"file": "002_x.txt", "section": "篇七", "quote": "满意度低于60%的，限期整改。"}


def _item(**fields: object) -> dict:
    return {"code": "K1", "text": {"zh": "食堂满意度", "en": "Canteen satisfaction"}, "category": "后勤保障",
            "charge_to": "department", "source": SOURCE, **fields}


def test_a_finding_without_points_has_no_points_basis_or_cap(english) -> None:
    item = Item.model_validate(_item(deducts=False))
    assert item.points is None and item.points_each == 0.0
    assert "deducts" in item.model_dump() and "points" not in item.model_dump()
    for extra in ({"points": 2}, {"points_basis": "assumption"}, {"cap": 4}):
        with pytest.raises(ValidationError, match="finding without points"):
            Item.model_validate(_item(deducts=False, **extra))
    with pytest.raises(ValidationError, match="required") as caught:
        Item.model_validate(_item())  # deducts (the default) without points
    assert caught.value.errors()[0]["loc"] == ("points",)


def test_points_the_source_states_cannot_be_turned_off(bundled_library, english) -> None:
    """The office may make an item a finding without points only where the points are its own assumption: 001 §四
    第1条 (缺少一次扣科室 2 分) stays a deduction; 002 篇三's 每月兩次 (no points stated) may be either."""
    body = bundled_library.get("svc-001-assessment").model_dump(mode="json")
    a1 = next(item for item in body["sections"][0]["items"] if item["code"] == "A1")
    for key in ("points", "points_basis", "points_note", "cap"):
        a1.pop(key, None)
    a1["deducts"] = False
    with pytest.raises(ValidationError, match="deducts points"):
        Checklist.model_validate(body)
    assert not Item.model_validate(_item(deducts=False, source={**SOURCE, "quote": "每月兩次對醫療質量督導組的工作情況進行檢查。"})).deducts
    assert Item.model_validate(_item(points=2, points_basis="assumption", points_note="本院暂定",
                                     source={**SOURCE, "quote": "每月兩次對醫療質量督導組的工作情況進行檢查。"})).deducts


def test_an_item_that_deducts_dumps_as_before_so_checklist_hashes_stay() -> None:
    checklist = build_checklist([ItemSpec("A1", 2.0)])
    assert "deducts" not in checklist.sections[0].items[0].model_dump()
    assert content_hash(checklist) == content_hash(type(checklist).model_validate(checklist.model_dump()))


@pytest.mark.parametrize("mode", ["tally", "scored"])
def test_scoring_counts_the_finding_and_deducts_nothing(mode: str) -> None:
    checklist = build_checklist([ItemSpec("A1", 2.0, "department"), ItemSpec("K1", None, "department")], mode=mode)
    result = inspection_result(checklist, [ScoreEntry("K1", "department", "D", 0.0),
                                           ScoreEntry("A1", "department", "D", 2.0)])
    assert list(result.points) == [0.0, 0.0 if mode == "scored" else 2.0]
    if mode == "scored":
        assert result.score == 98.0


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> dict:
    """Two laptops each recording one no-points finding (count 2 on L002) and one 2-point entry in March 2026."""
    root = tmp_path_factory.mktemp("findings")
    office, laptops = found_hospital(root, demo_template, ["L001", "L002"])
    checklist = build_checklist([ItemSpec("A1", 2.0), ItemSpec("K1", None, "department")],
                                checklist_id="test-findings")
    share = root / "share"
    share.mkdir()
    months, rectifications = [], []
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            department = current_roster(ws).departments[0]
            person = current_roster(ws).staff_of(department.code)[0].staff_no
            recorder = Recorder(ws, actor="tester")
            started = local_time(2026, 3, 10 + n, 9)
            inspection = recorder.start(NewInspection(checklist_id=checklist.id, department=department.code,
                                                      inspector_name=f"督查员L00{n + 1}", started_at=started),
                                        checklist)
            recorder.record(inspection.id, NewDeduction("K1", count=1 + n, recorded_at=started.replace(minute=5)))
            recorder.record(inspection.id, NewDeduction("A1", [person], recorded_at=started.replace(minute=6)))
            recorder.finish(inspection.id, finished_at=started.replace(minute=30))
            with ws.db.read() as session:
                found = session.execute(select(Deduction.points, Rectification.status, Rectification.deadline)
                                        .join(Rectification, Rectification.deduction_id == Deduction.id)
                                        .where(Deduction.item_code == "K1")).one()
                rectifications.append(found)
            months.append(monthly_summary(ws, "2026-03", everyone=True))
            assert push(ws, share, DEMO_PASSPHRASE).bundle is not None
    return {"office": office, "share": share, "months": months, "rectifications": rectifications,
            "code": department.code, "root": root}


def test_the_laptop_records_it_with_0_points_and_opens_a_rectification(hospital: dict) -> None:
    for points, status, deadline in hospital["rectifications"]:
        assert points == 0.0 and status == "open"
        assert deadline.isoformat() >= "2026-03-17"  # the checklist's 7 days from the inspection
    for month in hospital["months"]:
        row = next(d for d in month.departments if d.code == hospital["code"])
        assert row.own_points == 0.0 and row.staff_points in (2.0, 4.0)  # the finding nothing, A1 2 (a head 4)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_office_recomputes_0_and_adds_the_findings_up(hospital: dict, backend: str,
                                                          request: pytest.FixtureRequest) -> None:
    url = (request.getfixturevalue("postgres_url")() if backend == "postgresql"
           else default_url(hospital["root"] / f"central-{backend}"))
    central = open_central(url)
    try:
        bundles = sorted((hospital["share"] / "incoming").glob("*.zip"))
        report = merge_files(central, bundles, [load_office_certificate(hospital["office"])],
                             hospital["root"] / f"files-{backend}")
        assert report.clean, report  # 0 stated, 0 recomputed: nothing quarantined
        row = next(d for d in central_summary(central, "2026-03").departments if d.code == hospital["code"])
        laptops = [next(d for d in m.departments if d.code == hospital["code"]) for m in hospital["months"]]
        assert row.occurrences == sum(d.occurrences for d in laptops) == 1 + 2 + 2  # K1 ×1, K1 ×2, A1 ×1 twice
        assert row.own_points == 0.0 and row.pay_percent == 0.0
        assert row.staff_points == sum(d.staff_points for d in laptops)
    finally:
        central.close()
