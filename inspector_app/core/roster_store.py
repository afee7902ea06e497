"""Putting a roster into the local store and reading it back out.

Importing merges by key (department code, staff 工号): new rows are added, changed rows updated, and with
`replace=True` people and departments missing from the file are marked inactive — never deleted, because
past deductions still point at them. Every change goes to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from inspector_app.core.checklists import Checklist
from inspector_app.core.checklists.models import Target
from inspector_app.core.roster.models import Department as RosterDepartment
from inspector_app.core.roster.models import Roster, StaffMember
from inspector_app.core.store import audit
from inspector_app.core.store.database import Database
from inspector_app.core.store.models import Department, Staff, utcnow

# Workspace only in annotations: the training workspace (training/mode.py) reads a roster while a Workspace
# is being opened, so this module must not import it back.
if TYPE_CHECKING:
    from inspector_app.core.workspace import Workspace

# Which kinds of department each kind of checklist target visits.
KINDS_FOR_TARGET = {
    Target.WINDOW: ("window",),
    Target.WARD: ("ward",),
    Target.DEPARTMENT: ("clinical", "medtech", "logistics", "admin", "window", "ward"),
    Target.STAFF: ("window", "clinical", "medtech", "ward", "logistics"),
}


def departments_for(checklist: Checklist, roster: Roster) -> list[RosterDepartment]:
    """The departments a checklist can be used on (all of them when none fits)."""
    kinds = {kind for target in checklist.inspects for kind in KINDS_FOR_TARGET[target]}
    return [d for d in roster.departments if d.kind.value in kinds] or list(roster.departments)


@dataclass
class RosterChanges:
    departments_added: int = 0
    departments_updated: int = 0
    staff_added: int = 0
    staff_updated: int = 0
    deactivated: int = 0

    @property
    def total(self) -> int:
        return (self.departments_added + self.departments_updated + self.staff_added + self.staff_updated
                + self.deactivated)


def apply_roster(ws: Workspace, roster: Roster, *, replace: bool = False, actor: str = "office") -> RosterChanges:
    """Merge `roster` into the store in one transaction (all of it, or nothing)."""
    changes = RosterChanges()
    events: list[tuple[str, str, Department | Staff]] = []  # audited together once every row has its id
    with ws.db.write() as session:
        departments = {d.code: d for d in session.scalars(select(Department))}
        by_name = {d.name: d for d in departments.values()}
        for entry in roster.departments:
            row = departments.get(entry.code)
            if row is None and entry.name in by_name:
                row = by_name[entry.name]  # same department under a new code: keep one row
            if row is None:
                row = Department(code=entry.code, name=entry.name, kind=entry.kind.value, active=True,
                                 updated_at=utcnow())
                session.add(row)
                changes.departments_added += 1
            elif (row.code, row.name, row.kind, row.active) != (entry.code, entry.name, entry.kind.value, True):
                row.code, row.name, row.kind, row.active = entry.code, entry.name, entry.kind.value, True
                row.updated_at = utcnow()
                changes.departments_updated += 1
            else:
                continue
            departments[entry.code] = row
            events.append(("roster", "department", row))
        session.flush()  # new departments get their ids before their staff point at them
        staff = {s.staff_no: s for s in session.scalars(select(Staff))}
        for member in roster.staff:
            department = departments[member.department]
            row = staff.get(member.staff_no)
            wanted = (member.name, department.id, member.is_head, member.title, True)
            if row is None:
                row = Staff(staff_no=member.staff_no, name=member.name, department_id=department.id,
                            is_head=member.is_head, title=member.title, active=True, updated_at=utcnow())
                session.add(row)
                changes.staff_added += 1
            elif (row.name, row.department_id, row.is_head, row.title, row.active) != wanted:
                row.name, row.department_id, row.is_head, row.title, row.active = wanted
                row.updated_at = utcnow()
                changes.staff_updated += 1
            else:
                continue
            events.append(("roster", "staff", row))
        if replace:
            keep_staff = {m.staff_no for m in roster.staff}
            keep_departments = {d.code for d in roster.departments}
            stale = [s for s in staff.values() if s.active and s.staff_no not in keep_staff]
            stale += [d for d in departments.values() if d.active and d.code not in keep_departments]
            for row in stale:
                row.active = False
                row.updated_at = utcnow()
                changes.deactivated += 1
                events.append(("deactivate", "staff" if isinstance(row, Staff) else "department", row))
        audit.record_many(session, actor, events)
    return changes


def current_roster(ws: Workspace, include_inactive: bool = False) -> Roster:
    """The roster as the store holds it (for exports and for matching a table import)."""
    return roster_in(ws.db, ws.settings.hospital, include_inactive)


def roster_in(db: Database, hospital: str, include_inactive: bool = False) -> Roster:
    """The roster a store holds, read from its database alone (no Workspace needed)."""
    with db.read() as session:
        departments = [d for d in session.scalars(select(Department).order_by(Department.code))
                       if include_inactive or d.active]
        codes = {d.id: d.code for d in departments}
        staff = [s for s in session.scalars(select(Staff).order_by(Staff.staff_no))
                 if (include_inactive or s.active) and s.department_id in codes]
        return Roster(
            hospital=hospital,
            departments=[RosterDepartment(code=d.code, name=d.name, kind=d.kind) for d in departments],
            staff=[StaffMember(staff_no=s.staff_no, name=s.name, department=codes[s.department_id],
                               is_head=s.is_head, title=s.title) for s in staff],
        )
