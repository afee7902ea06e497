"""Checking well-formed imported inspections against this computer's roster, checklists and store.

Every fault is collected (not just the first), so an office fixes a transcribed file in one pass; the same
rules as `Recorder` apply, plus a refusal of inspections that were already imported (a double click must
not double the deductions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from inspector_app.core.checklists import Checklist
from inspector_app.core.checklists.models import ChargeTo
from inspector_app.core.errors import Problem
from inspector_app.core.fileformat import Path_
from inspector_app.core.i18n import tr
from inspector_app.core.importing.models import (
    ImportedDeduction,
    ImportedInspection,
    PartialInspection,
)
from inspector_app.core.importing.source import Source
from inspector_app.core.store.models import Department, Inspection, Staff
from inspector_app.core.workspace import Workspace

FUTURE_SLACK = timedelta(days=1)  # a laptop clock a few hours off must not refuse today's sheets
Key = tuple[str, str, str, datetime]  # checklist id, department id, inspector, start (UTC)


@dataclass(frozen=True)
class Place:
    """A department as the store knows it."""

    id: str
    code: str
    active: bool


@dataclass(frozen=True)
class Accepted:
    """An inspection that passed every check, with what recording it needs."""

    index: int
    inspection: ImportedInspection
    checklist: Checklist
    department_code: str


def inspection_key(checklist_id: str, department_id: str, inspector: str, started: datetime) -> Key:
    return checklist_id, department_id, inspector, started.astimezone(timezone.utc).replace(tzinfo=None)


class Checker:
    """The store's roster and already imported inspections, loaded once for the whole file."""

    def __init__(self, ws: Workspace, source: Source, now: datetime | None = None):
        self.ws = ws
        self.source = source
        self.now = now or datetime.now(timezone.utc)
        self.problems: list[Problem] = []
        self.accepted: list[Accepted] = []
        self._seen: dict[Key, int] = {}
        with ws.db.read() as session:
            rows = list(session.execute(select(Department.id, Department.code, Department.name, Department.active)))
            self.staff = {no: active for no, active in session.execute(select(Staff.staff_no, Staff.active))}
            self.imported = {inspection_key(*row) for row in session.execute(
                select(Inspection.checklist_id, Inspection.department_id, Inspection.inspector_name,
                       Inspection.started_at).where(Inspection.origin == "imported"))}
        self.by_code = {code: Place(id_, code, active) for id_, code, _, active in rows}
        self.by_name = {name: self.by_code[code] for _, code, name, _ in rows}

    def fault(self, path: Path_, reason: str) -> None:
        self.problems.append(self.source.problem(path, reason))

    def check(self, index: int, inspection: ImportedInspection, positions: list[int] | None = None) -> None:
        """Check one inspection; a `PartialInspection` (faults already reported) is checked but never accepted.

        `positions` are the deductions' places in the file when some were set aside as faulty.
        """
        at = ("inspections", index)
        before = len(self.problems)
        places = positions if positions is not None else list(range(len(inspection.deductions)))
        checklist = self._checklist(at, inspection.checklist, inspection.checklist_version)
        department = self._department(at, inspection.department)
        self._times(at, inspection, places)
        for j, deduction in zip(places, inspection.deductions):
            self._deduction(at + ("deductions", j), checklist, deduction)
        if checklist is None or department is None or inspection.inspector is None or inspection.started_at is None:
            return
        self._duplicate(at, index, inspection, checklist, department)
        if len(self.problems) == before and not isinstance(inspection, PartialInspection):
            self.accepted.append(Accepted(index, inspection, checklist, department.code))

    def _checklist(self, at: Path_, checklist_id: str | None, version: int | None) -> Checklist | None:
        if checklist_id is None:
            return None
        checklist = self.ws.library.checklists.get(checklist_id)
        if checklist is None:
            self.fault(at + ("checklist",), tr("there is no checklist {id} on this computer", id=checklist_id))
        elif version not in (None, checklist.version):
            self.fault(at + ("checklist_version",), tr(
                "this file is for version {wanted} of checklist {id}, but this computer has version {have}",
                wanted=version, id=checklist.id, have=checklist.version))
            return None
        return checklist

    def _department(self, at: Path_, text: str | None) -> Place | None:
        if text is None:
            return None
        found = self.by_code.get(text) or self.by_name.get(text)
        if found is None:
            self.fault(at + ("department",), tr("there is no department or window {name} in the roster", name=text))
        elif not found.active:
            self.fault(at + ("department",), tr("department {name} is no longer active in the roster", name=text))
            return None
        return found

    def _times(self, at: Path_, inspection: ImportedInspection, places: list[int]) -> None:
        latest = self.now + FUTURE_SLACK
        timed = [(at + ("started_at",), inspection.started_at), (at + ("finished_at",), inspection.finished_at)]
        timed += [(at + ("deductions", j, "recorded_at"), d.recorded_at) for j, d in zip(places, inspection.deductions)]
        for path, moment in timed:
            if moment is not None and moment > latest:
                self.fault(path, tr("this time is in the future"))
        started, finished = inspection.started_at, inspection.finished_at
        if started is not None and finished is not None and finished < started:
            self.fault(at + ("finished_at",), tr("the inspection cannot finish before it started"))

    def _deduction(self, at: Path_, checklist: Checklist | None, deduction: ImportedDeduction) -> None:
        if checklist is not None and deduction.item is not None:
            try:
                item = checklist.item(deduction.item)
            except KeyError:
                self.fault(at + ("item",), tr("checklist {checklist} has no item with code {code}",
                                              checklist=checklist.id, code=deduction.item))
            else:
                if deduction.staff and item.charge_to is ChargeTo.DEPARTMENT:
                    self.fault(at + ("staff",), tr("item {code} is charged to the department; leave the 工号 empty",
                                                   code=item.code))
                    return
        seen: set[str] = set()
        for k, number in enumerate(deduction.staff):
            active = self.staff.get(number)
            if number in seen:
                self.fault(at + ("staff", k), tr("工号 {no} is named twice in this entry", no=number))
            elif active is None:
                self.fault(at + ("staff", k), tr("there is no staff member with 工号 {no} in the roster", no=number))
            elif not active:
                self.fault(at + ("staff", k), tr("staff member {no} is no longer active in the roster", no=number))
            seen.add(number)

    def _duplicate(self, at: Path_, index: int, inspection: ImportedInspection,
                   checklist: Checklist, department: Place) -> None:
        key = inspection_key(checklist.id, department.id, inspection.inspector, inspection.started_at)
        if key in self.imported:
            self.fault(at, tr("already imported: the store has this inspection (same checklist, department, "
                              "inspector and start time)"))
        elif key in self._seen:
            first, _ = self.source.locate(("inspections", self._seen[key]))
            self.fault(at, tr("this inspection (same checklist, department, inspector and start time) appears "
                              "twice in this file; first at line {line}", line=first or "?"))
        else:
            self._seen[key] = index
