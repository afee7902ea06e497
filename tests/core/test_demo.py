"""Demo data: repeatable with a seed, recorded through the same rules, and verifiable."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspector_app.core.demo import ensure_demo_roster, generate
from inspector_app.core.store import audit
from inspector_app.core.store.models import Deduction, Department, Inspection, Staff
from inspector_app.core.workspace import Workspace


def _entries(ws: Workspace) -> list[tuple]:
    with ws.db.read() as session:
        rows = session.execute(
            select(Deduction.item_code, Deduction.points, Deduction.note, Deduction.count, Staff.staff_no,
                   Inspection.checklist_id)
            .join(Inspection, Inspection.id == Deduction.inspection_id)
            .outerjoin(Staff, Staff.id == Deduction.staff_id)
            .order_by(Deduction.seq)
        ).all()
    return [tuple(row) for row in rows]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    results = []
    for name in ("first", "second"):
        ws = Workspace.open(tmp_path_factory.mktemp(name) / "data")
        result = generate(ws, 20, seed=5)
        results.append((ws, result))
    yield results
    for ws, _ in results:
        ws.close()


def test_same_seed_gives_the_same_entries(two_runs):
    (first, first_result), (second, second_result) = two_runs
    assert first_result.inspections == second_result.inspections == 20
    assert first_result.deductions == second_result.deductions
    entries = _entries(first)
    assert entries, "20 demo inspections should have some deductions"
    assert [e[:3] for e in entries] == [e[:3] for e in _entries(second)]  # (item, points, note)
    assert entries == _entries(second)
    assert len(entries) == first_result.deductions


def test_different_seed_gives_different_entries(two_runs, tmp_path):
    (first, _), _ = two_runs
    with Workspace.open(tmp_path / "data") as other:
        generate(other, 20, seed=6)
        assert _entries(other) != _entries(first)


def test_every_demo_inspection_is_finished(two_runs):
    for ws, result in two_runs:
        with ws.db.read() as session:
            statuses = session.execute(select(Inspection.status, Inspection.origin, Inspection.finished_at)).all()
        assert len(statuses) == result.inspections
        assert all(status == "finished" and origin == "demo" and finished is not None
                   for status, origin, finished in statuses)


def test_demo_audit_trail_verifies(two_runs):
    for ws, _ in two_runs:
        with ws.db.read() as session:
            report = audit.verify(session)
        assert report.ok, report.problems
        assert ws.db.integrity_check() == "ok"


def test_demo_points_follow_the_checklist_rules(two_runs):
    ws, _ = two_runs[0]
    with ws.db.read() as session:
        rows = session.execute(select(Deduction, Inspection.checklist_hash)
                               .join(Inspection, Inspection.id == Deduction.inspection_id)).all()
    for deduction, checklist_hash in rows:
        checklist = ws.checklist_by_hash(checklist_hash)
        item = checklist.item(deduction.item_code)
        head = deduction.charged_to == "person" and deduction.is_head
        assert deduction.points_each == item.points_each  # 0 for a finding without points
        assert deduction.multiplier == (checklist.head_multiplier if head else 1.0)
        assert deduction.points == pytest.approx(item.points_each * deduction.count * deduction.multiplier)
        if item.charge_to.value == "department":
            assert deduction.staff_id is None


def test_demo_roster_is_loaded_once(workspace):
    assert ensure_demo_roster(workspace) is True
    assert ensure_demo_roster(workspace) is False
    with workspace.db.read() as session:
        departments = session.scalar(select(func.count()).select_from(Department))
        heads = session.scalar(select(func.count()).select_from(Staff).where(Staff.is_head.is_(True)))
    assert departments == heads  # one head per department
    assert workspace.settings.inspector.name == "演示督查员"
    assert workspace.settings.hospital == "示例市人民医院"


def test_progress_can_cancel(workspace):
    seen = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 3

    result = generate(workspace, 10, seed=1, progress=progress)
    assert result.inspections == 3
    assert seen == [(1, 10), (2, 10), (3, 10)]
    with workspace.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Inspection)) == 3
