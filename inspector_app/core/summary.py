"""The monthly summary: points per person and department, performance-pay percentage, and ranking.

Only finished, non-training inspections count, and voided entries never do. SQL groups the month's entries
by (inspection, item, person or department) — the unit caps apply to — so Python only sees a few rows per
inspection, whatever the number of deductions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from inspector_app.core.checklists.models import ScoredScoring
from inspector_app.core.errors import InputError, Problem
from inspector_app.core.i18n import tr
from inspector_app.core.scoring import (
    ROUND,
    ScoreEntry,
    clamp_percent,
    score_inspection,
)
from inspector_app.core.store.models import (
    Deduction,
    Department,
    Inspection,
    Staff,
    utcnow,
)
from inspector_app.core.workspace import Workspace


@dataclass
class PersonRow:
    staff_no: str
    name: str
    department: str
    is_head: bool
    occurrences: int = 0
    points: float = 0.0
    pay_percent: float = 0.0
    rank: int = 0  # 1 = most points deducted this month (the order the bulletin lists people in)


@dataclass
class DepartmentRow:
    code: str
    name: str
    kind: str
    inspections: int = 0
    occurrences: int = 0
    own_points: float = 0.0  # charged to the department itself
    staff_points: float = 0.0  # charged to its people
    total_points: float = 0.0
    pay_percent: float = 0.0  # of the department's own points
    scored_inspections: int = 0
    average_score: float | None = None
    failed: int = 0
    rank: int = 0  # 1 = fewest points (best service); equal points share a rank; 0 = not inspected this month


@dataclass
class MonthlySummary:
    month: str
    generated_at: str
    inspections: int = 0
    occurrences: int = 0
    total_points: float = 0.0
    departments: list[DepartmentRow] = field(default_factory=list)
    persons: list[PersonRow] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def parse_month(text: str) -> str:
    try:
        return datetime.strptime(text, "%Y-%m").strftime("%Y-%m")
    except ValueError:
        raise InputError([Problem("--month", None, "", tr("month must look like 2026-03 (YYYY-MM)"))]) from None


def _rank(rows: list, key, tie) -> None:  # noqa: ANN001
    """Sort by key and number the rows; equal keys share a rank."""
    rows.sort(key=lambda r: (key(r), tie(r)))
    previous, rank = None, 0
    for index, row in enumerate(rows, start=1):
        if key(row) != previous:
            rank, previous = index, key(row)
        row.rank = rank


def monthly_summary(ws: Workspace, month: str) -> MonthlySummary:
    month = parse_month(month)
    summary = MonthlySummary(month=month, generated_at=utcnow().isoformat(timespec="seconds"))
    with ws.db.read() as session:
        departments = {d.id: DepartmentRow(d.code, d.name, d.kind)
                       for d in session.scalars(select(Department).where(Department.active.is_(True)))}
        staff = {s.id: s for s in session.scalars(select(Staff))}
        inspections = {
            row.id: row for row in session.execute(
                select(Inspection.id, Inspection.checklist_hash, Inspection.department_id)
                .where(Inspection.status == "finished", Inspection.training.is_(False),
                       (Inspection.local_month == month)
                       | Inspection.id.in_(select(Deduction.inspection_id).where(Deduction.local_month == month)))
            )
        }
        grouped = session.execute(
            select(Deduction.inspection_id, Deduction.item_code, Deduction.charged_to, Deduction.staff_id,
                   Deduction.department_id, func.sum(Deduction.points), func.sum(Deduction.count))
            .where(Deduction.local_month == month, Deduction.voided_at.is_(None))
            .group_by(Deduction.inspection_id, Deduction.item_code, Deduction.charged_to, Deduction.staff_id,
                      Deduction.department_id)
        ).all()
    per_inspection: dict[str, list] = defaultdict(list)
    for row in grouped:
        if row[0] in inspections:
            per_inspection[row[0]].append(row)
    persons: dict[str, PersonRow] = {}
    scores: dict[str, list[float]] = defaultdict(list)
    for inspection_id, inspection in inspections.items():  # clean inspections (nothing deducted) count too
        checklist = ws.checklist_by_hash(inspection.checklist_hash)
        tally = not isinstance(checklist.scoring, ScoredScoring)
        target_department = {}
        entries = []
        for _, item_code, charged_to, staff_id, department_id, points, count in per_inspection[inspection_id]:
            target = staff_id if charged_to == "person" else department_id
            target_department[(charged_to, target)] = department_id
            entries.append(ScoreEntry(item_code, charged_to, target, points))
            summary.occurrences += count
            if department_id in departments:
                departments[department_id].occurrences += count
            if staff_id is not None and tally:  # scored checklists rate the department, not people
                person = persons.get(staff_id) or persons.setdefault(staff_id, _person(staff[staff_id], departments))
                person.occurrences += count
        result = score_inspection(checklist, entries)
        summary.inspections += 1
        home = departments.get(inspection.department_id)
        if home is not None:
            home.inspections += 1
        if not tally:
            if home is not None:
                scores[inspection.department_id].append(result.score or 0.0)
                home.failed += 0 if result.passed else 1
            continue
        rate = result.pay_percent_per_point or 0.0
        for (charged_to, target), points in result.targets.items():
            summary.total_points += points
            department = departments.get(target_department[(charged_to, target)])
            if charged_to == "person":
                person = persons[target]
                person.points += points
                person.pay_percent += points * rate
                if department is not None:
                    department.staff_points += points
            elif department is not None:
                department.own_points += points
                department.pay_percent += points * rate
    for department_id, values in scores.items():
        row = departments[department_id]
        row.scored_inspections = len(values)
        row.average_score = round(sum(values) / len(values), 2)
    for row in departments.values():
        row.own_points = round(row.own_points, ROUND)
        row.staff_points = round(row.staff_points, ROUND)
        row.total_points = round(row.own_points + row.staff_points, ROUND)
        row.pay_percent = clamp_percent(row.pay_percent)
    for person in persons.values():
        person.points = round(person.points, ROUND)
        person.pay_percent = clamp_percent(person.pay_percent)
    summary.total_points = round(summary.total_points, ROUND)
    summary.departments = list(departments.values())
    summary.persons = list(persons.values())
    # Only departments inspected (or charged through their staff) this month are ranked: one nobody
    # visited has 0 points, and ranking it first would read as praise. The others follow with rank 0.
    ranked = [d for d in summary.departments if d.inspections or d.occurrences or d.total_points]
    idle = sorted((d for d in summary.departments if d not in ranked), key=lambda d: d.code)
    _rank(ranked, lambda r: r.total_points, lambda r: r.code)
    summary.departments = ranked + idle
    _rank(summary.persons, lambda r: -r.points, lambda r: r.staff_no)
    return summary


def _person(member: Staff, departments: dict[str, DepartmentRow]) -> PersonRow:
    department = departments.get(member.department_id)
    return PersonRow(member.staff_no, member.name, department.name if department else "", member.is_head)
