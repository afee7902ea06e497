"""The department's history while recording (issue 17): open/overdue rectifications, the last visit's
findings, and a warning when the same person is charged with the same item again."""

from __future__ import annotations

from datetime import date, timedelta

from inspector_app.core.department_history import department_history
from inspector_app.core.recording import NewDeduction
from inspector_app.core.rectification import RectificationService, list_rectifications
from tests.helpers.fixtures import ASSESSMENT, local_time


def visit(recorder, start_inspection, when, entries):
    inspection = start_inspection("W-REG", started_at=when)
    for code, staff in entries:
        recorder.record(inspection.id, NewDeduction(code, staff, note=f"{code} seen", recorded_at=when))
    recorder.finish(inspection.id)
    return inspection.id


def test_open_items_last_findings_and_warnings(demo_workspace, recorder, start_inspection, english):
    when = local_time(2026, 3, 2, 10, 0)
    visit(recorder, start_inspection, when, [("A3", ["1002"]), ("A1", [])])
    current = start_inspection("W-REG", started_at=when + timedelta(days=1))
    today = date(2026, 3, 3)
    history = department_history(demo_workspace, "W-REG", exclude=current.id, today=today)
    assert {(i.item_code, i.staff_no) for i in history.open_items} == {("A3", "1002"), ("A1", None)}
    assert history.overdue == 0
    assert history.last_visit == "2026-03-02"
    assert [(f.item_code, f.staff_no) for f in history.last_findings] == [("A3", "1002"), ("A1", None)]
    warned = history.warnings(ASSESSMENT, "A3", ["1002", "1003"], {"1002": "钟红霞"})
    assert len(warned) == 1 and "钟红霞: A3 still open" in warned[0]
    assert history.warnings(ASSESSMENT, "A6", ["1002"]) == []
    assert history.warnings("another-checklist", "A3", ["1002"]) == []  # A3 of another list is another item
    assert "A1 still open" in history.warnings(ASSESSMENT, "A1", [])[0]  # the department itself

    later = department_history(demo_workspace, "W-REG", exclude=current.id, today=today + timedelta(days=365))
    assert later.overdue == 2 and all(i.overdue for i in later.open_items)
    assert ", overdue" in later.warnings(ASSESSMENT, "A3", ["1002"])[0]


def test_a_fixed_item_still_warns_from_the_last_visit(demo_workspace, recorder, start_inspection, english):
    when = local_time(2026, 3, 2, 10, 0)
    visit(recorder, start_inspection, when, [("A3", ["1002"])])
    service = RectificationService(demo_workspace, actor="tester")
    for item in list_rectifications(demo_workspace, today=date(2026, 3, 3)):
        service.mark_rectified(item.id, "done")
    history = department_history(demo_workspace, "W-REG", today=date(2026, 3, 3))
    assert history.open_items == []
    assert "A3 also at the last visit (2026-03-02)" in history.warnings(ASSESSMENT, "A3", ["1002"])[0]


def test_an_unknown_or_unvisited_department_has_no_history(demo_workspace):
    assert department_history(demo_workspace, "NOPE").open_items == []
    empty = department_history(demo_workspace, "W-REG")
    assert empty.last_visit is None and empty.last_findings == [] and empty.warnings(ASSESSMENT, "A3", ["1"]) == []
