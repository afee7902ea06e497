"""The laptop's monthly summary: points per person and department, performance-pay percentage, rankings.

Only finished, non-training inspections count, and voided entries never do. Each inspection's live entries
go through scoring.inspection_result (caps, scored or tally) and the month is added up by scoring.MonthTally,
exactly as the central database does it (core/merge/summary.py): departments by code, people by 工号.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from inspector_app.core.errors import InputError, Problem
from inspector_app.core.i18n import tr
from inspector_app.core.periods import keys_landing_in
from inspector_app.core.scoring import (
    DepartmentRow,
    MonthlySummary,
    MonthTally,
    PersonRow,
    ScoreEntry,
    inspection_result,
)
from inspector_app.core.scoring.measured import PeriodRecord, superseded
from inspector_app.core.store.models import (
    Deduction,
    Department,
    Inspection,
    Measurement,
    Staff,
    utcnow,
)
from inspector_app.core.workspace import Workspace


def parse_month(text: str) -> str:
    try:
        return datetime.strptime(text, "%Y-%m").strftime("%Y-%m")
    except ValueError:
        raise InputError([Problem("--month", None, "", tr("month must look like 2026-03 (YYYY-MM)"))]) from None


def monthly_summary(ws: Workspace, month: str, everyone: bool = False) -> MonthlySummary:
    """`month` (YYYY-MM); `everyone` also lists people named only on scored checklists (MonthTally.finish)."""
    month = parse_month(month)
    with ws.db.read() as session:
        listed = list(session.scalars(select(Department)))
        departments = {d.id: (d.code, d.name, d.kind) for d in listed}
        tally = MonthTally(month, utcnow().isoformat(timespec="seconds"), {c: (n, k) for c, n, k in departments.values()})
        for department in sorted(listed, key=lambda d: d.code):
            if department.active:  # listed (unranked) even when nobody visited it
                tally.department(department.code)
        staff = {s.id: (s.staff_no, s.name, s.is_head) for s in session.scalars(select(Staff))}
        inspections = {
            row.id: row for row in session.execute(
                select(Inspection.id, Inspection.checklist_hash, Inspection.department_id, Inspection.local_month)
                .where(Inspection.status == "finished", Inspection.training.is_(False),
                       (Inspection.local_month == month)
                       | Inspection.id.in_(select(Deduction.inspection_id).where(Deduction.local_month == month)))
            )
        }
        # every live entry of those inspections, in recording order: caps give points to the first entries of
        # an inspection, whichever month they fall in (scoring.capped_points)
        entries: dict[str, list] = defaultdict(list)
        ids = sorted(inspections)
        for chunk in range(0, len(ids), 500):
            for row in session.execute(
                select(Deduction.id, Deduction.inspection_id, Deduction.item_code, Deduction.charged_to,
                       Deduction.staff_id, Deduction.department_id, Deduction.points, Deduction.count,
                       Deduction.local_month, Deduction.seq, Deduction.period, Deduction.recorded_at)
                .where(Deduction.inspection_id.in_(ids[chunk:chunk + 500]), Deduction.voided_at.is_(None))
            ):
                entries[row.inspection_id].append(row)
    losers = superseded(_period_records(ws, month, inspections, entries, departments))
    for inspection_id, inspection in inspections.items():  # clean inspections (nothing deducted) count too
        checklist = ws.checklist_by_hash(inspection.checklist_hash)
        rows = sorted(entries[inspection_id], key=lambda r: r.seq)
        result = inspection_result(checklist, [
            ScoreEntry(r.item_code, r.charged_to, r.staff_id if r.charged_to == "person" else r.department_id,
                       r.points) for r in rows])
        if inspection.local_month == month:
            tally.add_inspections(departments[inspection.department_id][0], result.scored,
                                  score_sum=result.score or 0.0, failed=int(result.passed is False))
        for row, points, pay in zip(rows, result.points, result.pay_percent, strict=True):
            if row.local_month == month and row.id not in losers:
                staff_no = staff[row.staff_id][0] if row.staff_id else None
                tally.add_entries(departments[row.department_id][0], row.charged_to, staff_no, row.count, points,
                                  pay)
    people = {number: (name, head) for number, name, head in staff.values()}
    return tally.finish(lambda number: people.get(number, ("", False)), everyone)

def _period_records(ws: Workspace, month: str, inspections: dict, entries: dict, departments: dict
                    ) -> list[PeriodRecord]:
    """The records of the period rules counting in `month` (its own, and the quarter and half year it ends:
    core/periods.py): measured values (passed or not) and entries made without one; a department is charged once
    for its period by the latest (scoring/measured.py)."""
    records, measured = [], set()
    keys = keys_landing_in(month)
    with ws.db.read() as session:
        for row in session.execute(select(Measurement.id, Measurement.item_code, Measurement.department_id,
                                          Measurement.recorded_at, Measurement.deduction_id, Measurement.voided_at,
                                          Measurement.period, Inspection.checklist_hash)
                                   .join(Inspection, Inspection.id == Measurement.inspection_id)
                                   .where(Measurement.period.in_(keys), Inspection.status == "finished",
                                          Inspection.training.is_(False))):  # ix_measurements_period
            measured.add(row.deduction_id)
            checklist = ws.checklist_by_hash(row.checklist_hash)
            if row.voided_at is None and checklist.item(row.item_code).period != "visit":
                records.append(PeriodRecord(row.id, departments[row.department_id][0], checklist.id, row.item_code,
                                            row.period, row.recorded_at, row.deduction_id))
    checklist_of = {i: ws.checklist_by_hash(row.checklist_hash) for i, row in inspections.items()}
    for inspection_id, rows in entries.items():
        for r in rows:
            if r.period in keys and r.id not in measured:
                records.append(PeriodRecord(r.id, departments[r.department_id][0], checklist_of[inspection_id].id,
                                            r.item_code, r.period, r.recorded_at, r.id))
    return records


__all__ = ["DepartmentRow", "MonthlySummary", "PersonRow", "monthly_summary", "parse_month"]
