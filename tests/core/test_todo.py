"""The to-do list (待办, issue 17): drafts, unsigned sheets, notices not issued, re-inspections due or overdue.

`today` is handed to the service, so every date here is fixed (recorded in 2026, checked on chosen days):
the test means the same on any real date.
"""

from __future__ import annotations

from datetime import timedelta

from inspector_app.core.documents.numbering import record_document
from inspector_app.core.recording import NewDeduction
from inspector_app.core.rectification import RectificationService, list_rectifications
from inspector_app.core.store.models import Department
from inspector_app.core.todo import todo_counts, todo_list
from tests.helpers.fixtures import local_time

STARTED = local_time(2026, 2, 27, 9)  # across a month end and 29 February's absence
RECORDED = local_time(2026, 2, 27, 9, 30)


def _document(ws, kind: str, inspection_id: str, department_code: str, n: int, issued=RECORDED) -> None:
    with ws.db.read() as session:
        department_id = session.query(Department.id).filter(Department.code == department_code).scalar()
    record_document(ws, number=f"督改〔2026〕{n}号", kind=kind, pdf_bytes=f"%PDF {kind} {n}".encode(),
                    inspection_id=inspection_id, department_id=department_id, path=f"documents/test-{kind}-{n}.pdf",
                    created_at=issued)  # issued the day of the round unless told: deadlines count from the notice


def _finished(recorder, start_inspection, *entries: NewDeduction, **fields):
    inspection = start_inspection("W-REG", started_at=STARTED, **fields)
    for entry in entries:
        recorder.record(inspection.id, entry)
    recorder.finish(inspection.id)
    return inspection


def test_each_kind_of_to_do_and_what_takes_it_off_the_list(demo_workspace, recorder, start_inspection):
    ws = demo_workspace
    draft = start_inspection("W-REG", started_at=STARTED)
    recorder.record(draft.id, NewDeduction("A3", ["1002"], recorded_at=RECORDED))
    # finished: its sheet unsigned, its notices not issued (W-REG, and W-ADM for the person from there)
    owing = _finished(recorder, start_inspection, NewDeduction("A3", ["1003"], recorded_at=RECORDED),
                      NewDeduction("A5", ["1011"], recorded_at=RECORDED))
    # finished, signed, and a notice for every department charged: nothing left but its rectification
    done = _finished(recorder, start_inspection, NewDeduction("A6", ["1004"], recorded_at=RECORDED))
    _document(ws, "sheet", done.id, "W-REG", 1)
    _document(ws, "notice", done.id, "W-REG", 2)
    # half the notices: W-REG's issued, W-ADM's not
    _document(ws, "notice", owing.id, "W-REG", 3)
    # out of the list: practice, a discarded draft, a paper sheet typed in later (signed on paper)
    _finished(recorder, start_inspection, NewDeduction("A3", ["1005"], recorded_at=RECORDED), training=True)
    recorder.discard(start_inspection("W-REG", started_at=STARTED).id, "wrong ward")
    _finished(recorder, start_inspection, origin="imported")

    deadlines = {view.deadline for view in list_rectifications(ws, today=RECORDED.date())}
    assert len(deadlines) >= 1
    first = min(deadlines)
    assert first > RECORDED.date()

    before = todo_list(ws, first - timedelta(days=1))
    assert todo_counts(before) == {"reinspect": 0, "draft": 1, "unsigned": 1, "notice": 1}
    assert [(i.kind, i.inspection_id) for i in before] == [("draft", draft.id), ("unsigned", owing.id),
                                                           ("notice", owing.id)]
    assert next(i for i in before if i.kind == "draft").entries == 1
    assert next(i for i in before if i.kind == "draft").when == "2026-02-27"

    due = [i for i in todo_list(ws, first) if i.kind == "reinspect"]
    assert due and all(not i.overdue for i in due)  # due today, not yet overdue
    assert all(i.when == first.isoformat() and i.rectification_id for i in due)
    assert {i.inspection_id for i in due} <= {owing.id, done.id}
    assert any(i.what.startswith("A3 ") for i in due)  # the item and the person

    later = todo_list(ws, first + timedelta(days=1))
    overdue = [i for i in later if i.kind == "reinspect" and i.when == first.isoformat()]
    assert overdue and all(i.overdue for i in overdue)
    assert later[0].kind == "reinspect" and later[0].overdue  # overdue re-inspections lead the list

    # re-inspected and fixed: off the list; reported fixed but not yet checked: still due
    service = RectificationService(ws, actor="tester")
    service.reinspect(overdue[0].rectification_id, True, "测试督查员")
    if len(overdue) > 1:
        service.mark_rectified(overdue[1].rectification_id, "done")
    after = {i.rectification_id for i in todo_list(ws, first + timedelta(days=1)) if i.kind == "reinspect"}
    assert overdue[0].rectification_id not in after
    assert all(i.rectification_id in after for i in overdue[1:])


def test_signing_issuing_and_finishing_clear_their_rows(demo_workspace, recorder, start_inspection):
    ws = demo_workspace
    day = RECORDED.date()
    inspection = start_inspection("W-REG", started_at=STARTED)
    recorder.record(inspection.id, NewDeduction("A3", ["1002"], recorded_at=RECORDED))
    assert [i.kind for i in todo_list(ws, day)] == ["draft"]
    recorder.finish(inspection.id)
    assert sorted(i.kind for i in todo_list(ws, day)) == ["notice", "unsigned"]
    _document(ws, "sheet", inspection.id, "W-REG", 11)
    assert [i.kind for i in todo_list(ws, day)] == ["notice"]
    _document(ws, "notice", inspection.id, "W-REG", 12)
    assert todo_list(ws, day) == []


def test_a_finished_inspection_without_findings_owes_no_notice(demo_workspace, recorder, start_inspection):
    inspection = _finished(recorder, start_inspection)
    assert [(i.kind, i.inspection_id) for i in todo_list(demo_workspace, RECORDED.date())] == [
        ("unsigned", inspection.id)]


def test_a_re_inspection_is_due_by_the_deadline_the_notice_gave(demo_workspace, recorder, start_inspection):
    """A notice issued ten days after the round gives its deadlines from that day (never before it): the
    re-inspection is due ten days later than the entry's own deadline, as the rectification list says."""
    inspection = _finished(recorder, start_inspection, NewDeduction("A3", ["1002"], recorded_at=RECORDED))
    [own] = list_rectifications(demo_workspace, today=RECORDED.date())
    _document(demo_workspace, "notice", inspection.id, "W-REG", 7, issued=RECORDED + timedelta(days=10))
    [view] = list_rectifications(demo_workspace, today=RECORDED.date())
    assert view.deadline == own.deadline + timedelta(days=10)
    assert not [i for i in todo_list(demo_workspace, own.deadline) if i.kind == "reinspect"]
    [due] = [i for i in todo_list(demo_workspace, view.deadline) if i.kind == "reinspect"]
    assert due.when == view.deadline.isoformat() and not due.overdue
