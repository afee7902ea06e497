"""What a department still owes and what was found there last time, for the inspector recording there now.

A person with an overdue 在岗吃零食 was charged again without anyone noticing: while recording, the GUI shows
the department's open and overdue rectifications and the last visit's findings, and warns when the person
ticked already has the same item open or was charged with it at the last visit. Items are compared by
checklist and code (A3 of one checklist is not A3 of another).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from inspector_app.core.i18n import tr
from inspector_app.core.rectification import effective_status, office_view
from inspector_app.core.store.models import (
    Deduction,
    Department,
    Inspection,
    Rectification,
    Staff,
)
from inspector_app.core.workspace import Workspace


@dataclass(frozen=True)
class OpenItem:
    checklist_id: str
    item_code: str
    staff_no: str | None  # None: charged to the department
    person: str | None
    deadline: date
    overdue: bool
    note: str


@dataclass(frozen=True)
class Finding:
    checklist_id: str
    item_code: str
    staff_no: str | None
    person: str | None
    note: str


@dataclass(frozen=True)
class DepartmentHistory:
    department: str
    open_items: list[OpenItem] = field(default_factory=list)  # overdue first, then by deadline
    last_visit: str | None = None  # local date (YYYY-MM-DD) of the last finished inspection there
    last_findings: list[Finding] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.open_items if item.overdue)

    def warnings(self, checklist_id: str, item_code: str, staff_nos: Sequence[str],
                 names: Mapping[str, str] | None = None) -> list[str]:
        """Why charging these people (none: the department) with this item again deserves a second look."""
        names = names or {}
        targets: list[str | None] = list(staff_nos) or [None]
        found = []
        for target in targets:
            who = names.get(target, target) if target else self.department
            same = [i for i in self.open_items
                    if (i.checklist_id, i.item_code, i.staff_no) == (checklist_id, item_code, target)]
            if same:
                item = same[0]
                found.append(tr("{who}: {code} still open (deadline {deadline}{overdue}).", who=who,
                                code=item_code, deadline=item.deadline.isoformat(),
                                overdue=tr(", overdue") if item.overdue else ""))
            elif any((f.checklist_id, f.item_code, f.staff_no) == (checklist_id, item_code, target)
                     for f in self.last_findings):
                found.append(tr("{who}: {code} also at the last visit ({when}).", who=who,
                                code=item_code, when=self.last_visit or ""))
        return found


def department_history(ws: Workspace, department: str, *, exclude: str | None = None,
                       today: date | None = None) -> DepartmentHistory:
    """Open/overdue rectifications of `department` (code or name) and the findings of its last finished
    inspection other than `exclude` (the one being recorded)."""
    today = today or date.today()
    with ws.db.read() as session:
        dept = session.scalars(select(Department).where(
            (Department.code == department) | (Department.name == department))).first()
        if dept is None:
            return DepartmentHistory(department)
        open_items = []
        for rect, checklist_id, code, note, staff_no, person in session.execute(
            select(Rectification, Inspection.checklist_id, Deduction.item_code, Deduction.note, Staff.staff_no,
                   Staff.name)
            .join(Deduction, Rectification.deduction_id == Deduction.id)
            .join(Inspection, Deduction.inspection_id == Inspection.id)
            .outerjoin(Staff, Deduction.staff_id == Staff.id)
            .where(Rectification.department_id == dept.id, Rectification.status == "open",
                   Inspection.status == "finished", Deduction.voided_at.is_(None))
            .order_by(Rectification.deadline)
        ):
            stored, deadline = office_view(rect, rect.deadline)
            if stored == "waived":
                continue  # the office waived it: nothing more to do
            overdue = effective_status(stored, deadline, today) == "overdue"
            open_items.append(OpenItem(checklist_id, code, staff_no, person, deadline, overdue, note))
        open_items.sort(key=lambda item: (not item.overdue, item.deadline))
        last = session.scalars(
            select(Inspection).where(Inspection.department_id == dept.id, Inspection.status == "finished",
                                     Inspection.id != (exclude or ""))
            .order_by(Inspection.started_at.desc()).limit(1)).first()
        findings = []
        if last is not None:
            for checklist_id, code, note, staff_no, person in session.execute(
                select(Inspection.checklist_id, Deduction.item_code, Deduction.note, Staff.staff_no, Staff.name)
                .join(Inspection, Deduction.inspection_id == Inspection.id)
                .outerjoin(Staff, Deduction.staff_id == Staff.id)
                .where(Deduction.inspection_id == last.id, Deduction.voided_at.is_(None))
                .order_by(Deduction.seq)
            ):
                findings.append(Finding(checklist_id, code, staff_no, person, note))
        return DepartmentHistory(dept.name, open_items, last.local_date if last else None, findings)
