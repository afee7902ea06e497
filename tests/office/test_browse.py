"""Browsing everything merged (issue #14 part 1): two laptops of one hospital merged, on SQLite and PostgreSQL.

Every expectation is worked out from the two laptops' own stores (plain SQL on their SQLite files), never from
the central database the code under test reads.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from inspector_app.core.errors import AppError, NotFoundError
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.workspace import Workspace
from inspector_app.office.browse import (
    choices,
    inspection_detail,
    inspections,
    not_inspected,
)
from inspector_app.office.department import department_page, window
from tests.helpers.central import merged_central
from tests.helpers.fixtures import ASSESSMENT, TZ8, sqlite_rows
from tests.helpers.office_hospital import TODAY, Hospital, office_hospital


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Hospital:
    return office_hospital(tmp_path_factory.mktemp("browse"), demo_template)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def central(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            hospital: Hospital) -> Iterator[tuple[CentralDB, Path]]:
    folder = tmp_path_factory.mktemp(f"central-{request.param}")
    with merged_central(request, folder, hospital.bundles, hospital.trusted) as (db, _):
        yield db, folder / "files"


# -- what the laptops hold (the independent side) ---------------------------------------------------------------
def laptop_inspections(hospital: Hospital) -> list[dict]:
    """Every finished inspection of both laptops: id, local month and start, department code, 工号, checklist,
    live entries."""
    found = []
    for folder in hospital.laptops:
        for row in sqlite_rows(folder, """
                SELECT i.id, i.local_month, i.started_at, dep.code, i.inspector_no, i.checklist_id,
                       (SELECT count(*) FROM deductions d WHERE d.inspection_id = i.id AND d.voided_at IS NULL)
                FROM inspections i JOIN departments dep ON dep.id = i.department_id
                WHERE i.status = 'finished' AND i.training = 0"""):
            found.append(dict(zip(("id", "month", "started", "department", "inspector", "checklist", "entries"),
                                  row, strict=True)))
    return found


def laptop_entries(hospital: Hospital) -> list[dict]:
    """Every live entry of a finished inspection: its inspection, checklist, item, charged department code, 工号."""
    found = []
    for folder in hospital.laptops:
        for row in sqlite_rows(folder, """
                SELECT d.inspection_id, i.checklist_id, d.item_code, dep.code, s.staff_no, d.local_month,
                       i.inspector_no, d.count
                FROM deductions d JOIN inspections i ON i.id = d.inspection_id
                JOIN departments dep ON dep.id = d.department_id LEFT JOIN staff s ON s.id = d.staff_id
                WHERE i.status = 'finished' AND i.training = 0 AND d.voided_at IS NULL"""):
            found.append(dict(zip(("inspection", "checklist", "item", "department", "staff_no", "month",
                                   "inspector", "count"), row, strict=True)))
    return found


# -- the list ---------------------------------------------------------------------------------------------------
def all_pages(db: CentralDB, size: int = 7, **filters) -> list:
    rows, offset = [], 0
    while True:
        page = inspections(db, limit=size, offset=offset, **filters)
        rows.extend(page.rows)
        offset += size
        if offset >= page.total:
            assert len(rows) == page.total
            return rows


def test_pages_list_every_inspection_once_newest_first(central, hospital) -> None:
    db, _ = central
    expected = {row["id"]: row for row in laptop_inspections(hospital)}
    rows = all_pages(db)
    assert sorted(r.id for r in rows) == sorted(expected)  # both laptops, none twice
    assert [r.started for r in rows] == sorted((r.started for r in rows), reverse=True)
    for row in rows:
        mine = expected[row.id]
        assert row.entries == mine["entries"]
        assert (row.department_code, row.inspector_no, row.checklist_id) == (
            mine["department"], mine["inspector"], mine["checklist"])
        assert row.inspector == f"督查员{mine['inspector']}" and row.checklist


def test_filters_match_the_laptops(central, hospital) -> None:
    db, _ = central
    mine = laptop_inspections(hospital)
    for month in {row["month"] for row in mine}:
        page = inspections(db, month=month, limit=5)
        assert page.total == sum(row["month"] == month for row in mine)
        assert len(page.rows) == min(5, page.total)
    assert inspections(db, inspector="L002").total == sum(row["inspector"] == "L002" for row in mine)
    assert inspections(db, department="W-REG", month="2025-06").total == sum(
        row["department"] == "W-REG" and row["month"] == "2025-06" for row in mine)
    checklist = next(row["checklist"] for row in mine if row["checklist"] != ASSESSMENT)
    assert inspections(db, checklist=checklist).total == sum(row["checklist"] == checklist for row in mine)
    assert inspections(db, status="clean").total == sum(row["entries"] == 0 for row in mine)
    assert inspections(db, status="deducted").total == sum(row["entries"] > 0 for row in mine)
    assert inspections(db, status="conflict").total == 0
    scored = {r.id: r for r in all_pages(db, 50) if r.scored}
    assert inspections(db, status="failed").total == sum(r.passed is False for r in scored.values())
    with pytest.raises(AppError):
        inspections(db, status="lost")
    with pytest.raises(AppError):
        inspections(db, month="June")


def test_choices_offer_what_was_merged(central, hospital) -> None:
    db, _ = central
    offered = choices(db)
    assert offered.months == sorted({row["month"] for row in laptop_inspections(hospital)}, reverse=True)
    assert [no for no, _ in offered.inspectors] == ["L001", "L002"]
    assert ASSESSMENT in dict(offered.checklists)


# -- one inspection ----------------------------------------------------------------------------------------------
def test_detail_has_items_photos_signatures_and_the_signed_sheet(central, hospital) -> None:
    db, files = central
    detail = inspection_detail(db, hospital.main, files)
    assert detail.row.started == "2025-06-10 09:30" and detail.row.mode == "covert"
    assert (detail.co_inspector, detail.location) == ("李督查", "门诊一楼挂号大厅")
    assert detail.row.entries == 3  # the voided one is listed, not counted
    by_item = {entry.item_code: entry for entry in detail.entries}
    assert [entry.item_code for entry in detail.entries] == ["A3", "A2", "A1", "A4"]  # as recorded
    checklist = Workspace.open(hospital.laptops[0])
    try:
        item = checklist.library.get(ASSESSMENT).item("A3")
    finally:
        checklist.close()
    assert by_item["A3"].item_text == item.text.zh and item.source.quote in by_item["A3"].clause
    assert (by_item["A3"].staff_no, by_item["A3"].person) == ("1001", "郭建军")
    assert by_item["A2"].count == 2 and by_item["A1"].charged_to == "department"
    assert by_item["A4"].voided and by_item["A4"].void_reason == "不是本窗口人员"
    [photo] = by_item["A3"].photos
    assert photo.path is not None and hashlib.sha256(photo.path.read_bytes()).hexdigest() == hospital.photo_sha256
    [lost] = by_item["A2"].photos
    assert lost.path is None  # not sent
    assert sorted((s.role, s.signer) for s in detail.signatures) == [("department", "郭建军"),
                                                                      ("inspector", "督查员L001")]
    assert all(s.file.path is not None and s.file.path.read_bytes().startswith(b"\x89PNG")
               for s in detail.signatures)
    [sheet] = [d for d in detail.documents if d.kind == "sheet"]
    assert sheet.file.path is not None and sheet.file.path.read_bytes().startswith(b"%PDF")
    with pytest.raises(NotFoundError):
        inspection_detail(db, "no-such-inspection", files)


def test_a_file_path_never_leaves_the_files_folder(central, hospital, tmp_path) -> None:
    from inspector_app.office.browse import stored_file

    _, files = central
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"x")
    assert stored_file(files, "p", f"../../{outside}", "0").path is None
    assert stored_file(files, "p", str(outside), "0").path is None


# -- months, departments ---------------------------------------------------------------------------------------
def test_not_inspected_is_every_known_department_nobody_visited(central, hospital) -> None:
    db, _ = central
    visits = laptop_inspections(hospital)
    known = {row["department"] for row in visits} | {e["department"] for e in laptop_entries(hospital)}
    for month in ("2025-05", "2025-06", "2025-01"):
        visited = {row["department"] for row in visits if row["month"] == month}
        assert [code for code, _ in not_inspected(db, month)] == sorted(known - visited)
    assert "W-REG" not in dict(not_inspected(db, "2025-06"))


def test_department_page(central, hospital) -> None:
    db, _ = central
    page = department_page(db, "W-REG", months=3, until="2025-06", today=TODAY)
    assert [mo.month for mo in page.months] == ["2025-04", "2025-05", "2025-06"] == window("2025-06", 3)
    for month in page.months:
        row = next((d for d in central_summary(db, month.month).departments if d.code == "W-REG"), None)
        assert (month.row.total_points if month.row else None) == (row.total_points if row else None)
    entries = [e for e in laptop_entries(hospital) if e["department"] == "W-REG" and e["month"] >= "2025-04"]
    # a repeat: the same item — and person, for a person's item — found on another visit (core/repeats.py)
    by_key = defaultdict(set)
    for e in entries:
        by_key[(e["checklist"], e["item"], e["staff_no"])].add(e["inspection"])
    repeated = [e for e in entries if len(by_key[(e["checklist"], e["item"], e["staff_no"])]) >= 2]
    visits, inspectors, occurrences = defaultdict(set), defaultdict(set), defaultdict(int)
    for e in repeated:
        visits[(e["checklist"], e["item"])].add(e["inspection"])
        inspectors[(e["checklist"], e["item"])].add(e["inspector"])
        occurrences[(e["checklist"], e["item"])] += e["count"]
    expected = {key: (len(v), len(inspectors[key]), occurrences[key]) for key, v in visits.items()}
    assert {(r.checklist_id, r.item_code): (r.visits, r.inspectors, r.occurrences)
            for r in page.repeat_items} == expected
    a3 = next(r for r in page.repeat_items if (r.checklist_id, r.item_code) == (ASSESSMENT, "A3"))
    assert a3.inspectors == 2 and a3.item_text  # found by both laptops
    people = defaultdict(set)
    for e in repeated:
        if e["staff_no"]:
            people[e["staff_no"]].add(e["inspection"])
    assert {p.staff_no: p.visits for p in page.repeat_persons} == {no: len(v) for no, v in people.items()}
    # once in two visits each, two persons: no one repeated the item, so neither is listed for it
    assert all(len(by_key[(r.checklist_id, r.item_code, None)]) >= 2 or any(
        len(by_key[(r.checklist_id, r.item_code, e["staff_no"])]) >= 2 for e in entries) for r in page.repeat_items)
    assert next(p for p in page.repeat_persons if p.staff_no == "1001").inspectors == 2
    with pytest.raises(NotFoundError):
        department_page(db, "NOPE", today=TODAY)


def test_open_rectifications_and_office_decisions(central, hospital) -> None:
    db, _ = central
    expected = set()
    for folder in hospital.laptops:
        expected |= {rid for (rid,) in sqlite_rows(folder, """
            SELECT r.id FROM rectifications r JOIN deductions d ON d.id = r.deduction_id
            JOIN departments dep ON dep.id = r.department_id JOIN inspections i ON i.id = d.inspection_id
            WHERE dep.code = 'W-REG' AND r.status IN ('open', 'rectified') AND d.voided_at IS NULL
              AND i.training = 0""")}
    page = department_page(db, "W-REG", months=1, until="2025-06", today=TODAY)
    assert {item.id for item in page.open_items} == expected and expected
    overdue = {item.id for item in page.open_items if item.status == "overdue"}
    assert all(item.deadline < TODAY for item in page.open_items if item.id in overdue)
    verified = page.open_items[0].id
    decision = m.RectificationDecision(id="test-decision", rectification_id=verified, decision="verified",
                                       deadline=None, note="复查已整改", decided_by="综合办公室",
                                       decided_at=datetime(2025, 6, 29, 9, tzinfo=TZ8))
    db.transaction(lambda session: session.add(decision))
    try:
        again = department_page(db, "W-REG", months=1, until="2025-06", today=TODAY)
        assert {item.id for item in again.open_items} == expected - {verified}
    finally:
        db.transaction(lambda session: session.execute(
            m.RectificationDecision.__table__.delete().where(m.RectificationDecision.id == "test-decision")))
