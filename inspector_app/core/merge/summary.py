"""The office's monthly summary over the central database: every inspector's deductions, per department and
per person, with the department ranking and each person's performance-pay percentage.

Two grouped queries per month, each answered from an index alone (migration c0002: deductions by month then
department, and by month then 工号, each carrying the points), so a year of 50 inspectors (about 10 million
deductions) sums a month in well under a second. Voided entries never count. Points are the entries' own
(head multiplier included); the per-inspection item caps are the laptop's monthly summary's business, so a
month here can be above it only where a cap applied. Pay percentage and ranking follow core/summary.py and
core/scoring.py (1 point = 1%, at most 100%; equal points share a rank, fewest points first).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select

from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.scoring import ROUND, clamp_percent
from inspector_app.core.summary import _rank

PAY_PERCENT_PER_POINT = 1.0  # 001 §四: 1 point = 1% of monthly performance pay


@dataclass
class CentralDepartment:
    code: str
    name: str
    inspections: int
    deductions: int
    points: float
    rank: int = 0


@dataclass
class CentralPerson:
    staff_no: str
    name: str
    department_code: str
    deductions: int
    points: float
    pay_percent: float
    rank: int = 0


@dataclass(frozen=True)
class CentralSummary:
    month: str
    departments: list[CentralDepartment]
    persons: list[CentralPerson]

    def to_dict(self) -> dict[str, Any]:
        return {"month": self.month, "departments": [asdict(d) for d in self.departments],
                "persons": [asdict(p) for p in self.persons]}


def department_ranking(central: CentralDB, month: str) -> list[CentralDepartment]:
    """Departments inspected or charged in `month`, ranked by points deducted (fewest first)."""
    live = m.Deduction.voided_at.is_(None)
    charged = (select(m.Deduction.department_id, func.count(), func.sum(m.Deduction.points))
               .where(m.Deduction.local_month == month, live).group_by(m.Deduction.department_id))
    visited = (select(m.Inspection.department_id, func.count())
               .where(m.Inspection.local_month == month).group_by(m.Inspection.department_id))
    with central.read() as session:
        totals = {key: (n, float(points or 0)) for key, n, points in session.execute(charged)}
        inspections = dict(session.execute(visited).all())
        ids = sorted(totals.keys() | inspections.keys())
        names = {key: (code, name) for key, code, name in session.execute(
            select(m.Department.id, m.Department.code, m.Department.name).where(m.Department.id.in_(ids)))}
    rows = [CentralDepartment(*names.get(key, (key, key)), inspections.get(key, 0), totals.get(key, (0, 0.0))[0],
                              round(totals.get(key, (0, 0.0))[1], ROUND)) for key in ids]
    _rank(rows, key=lambda r: r.points, tie=lambda r: r.code)
    return rows


def person_ranking(central: CentralDB, month: str) -> list[CentralPerson]:
    """Every person charged in `month` with points and pay percentage, most points first."""
    query = (select(m.Deduction.staff_no, func.max(m.Deduction.staff_name), func.max(m.Deduction.department_code),
                    func.count(), func.sum(m.Deduction.points))
             .where(m.Deduction.local_month == month, m.Deduction.voided_at.is_(None),
                    m.Deduction.staff_no.is_not(None))
             .group_by(m.Deduction.staff_no))
    with central.read() as session:
        rows = [CentralPerson(staff_no, name or "", code or "", n, round(float(points or 0), ROUND),
                              clamp_percent(float(points or 0) * PAY_PERCENT_PER_POINT))
                for staff_no, name, code, n, points in session.execute(query)]
    _rank(rows, key=lambda r: -r.points, tie=lambda r: r.staff_no)
    return rows


def central_summary(central: CentralDB, month: str) -> CentralSummary:
    return CentralSummary(month, department_ranking(central, month), person_ranking(central, month))
