"""The inspector's to-do list (待办): what was started or found and is not yet done with.

Four kinds, each opening a different place in the window: drafts still open (finish or discard them),
finished inspections whose sheet was never signed, finished inspections whose rectification notices were
not issued to every department charged, and rectification items whose re-inspection is due today or
overdue (by the office's deadline when it extended one; never one the office waived). `today` is passed in (never read here), so "due" and "overdue" are whatever day the caller says
it is, and tests can fake it.

Training inspections never appear (they are practice), nor discarded drafts (kept only for the audit
trail). Imported inspections (paper sheets typed in later) need no sheet signed or notice issued here:
both happened on paper; their rectification items are followed up like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, or_, select

from inspector_app.core.i18n import language, tr
from inspector_app.core.rectification import (
    counted_from_notice,
    first_notices,
    local_day,
    office_view,
)
from inspector_app.core.store.models import (
    Deduction,
    Department,
    Document,
    Inspection,
    Rectification,
    Staff,
)
from inspector_app.core.workspace import Workspace

KINDS = ("reinspect", "draft", "unsigned", "notice")  # the order the list shows them in


@dataclass(frozen=True)
class TodoItem:
    kind: str  # one of KINDS
    inspection_id: str
    department: str
    when: str  # YYYY-MM-DD: the deadline of a re-inspection, else the day the inspection started
    what: str  # item code and person, or the checklist, for the list's text
    overdue: bool = False  # a re-inspection past its deadline
    rectification_id: str | None = None
    entries: int = 0  # live entries of the inspection (drafts, notices)


def kind_text(kind: str) -> str:
    return {"reinspect": tr("Re-inspection due"), "draft": tr("Unfinished draft"),
            "unsigned": tr("Sheet not signed"), "notice": tr("Notice not issued")}.get(kind, kind)


def _titles(ws: Workspace) -> dict[str, str]:
    lang = language()
    return {checklist.id: checklist.title.get(lang) for checklist in ws.library}


def todo_list(ws: Workspace, today: date) -> list[TodoItem]:
    """Everything waiting for the inspector on `today`: due re-inspections (overdue first), drafts, unsigned
    sheets, notices not issued; within a kind the oldest first."""
    titles = _titles(ws)
    items: list[TodoItem] = []
    live = Deduction.voided_at.is_(None)
    with ws.db.read() as session:
        counted = (select(Deduction.inspection_id, func.count().label("n")).where(live)
                   .group_by(Deduction.inspection_id).subquery())
        # re-inspections: open (not yet reported fixed) or rectified (waiting to be checked), deadline reached;
        # a deadline counts from the notice's issue when one was issued later (never before it): the stored one
        # is the earliest it can be, so it selects, and the counted one decides
        notices = first_notices(session, Document)
        for rect, inspection_id, code, person, department, recorded, offset in session.execute(
            select(Rectification, Inspection.id, Deduction.item_code, Staff.name, Department.name,
                   Deduction.recorded_at, Deduction.utc_offset_min)
            .join(Deduction, Rectification.deduction_id == Deduction.id)
            .join(Inspection, Deduction.inspection_id == Inspection.id)
            .join(Department, Rectification.department_id == Department.id)
            .outerjoin(Staff, Deduction.staff_id == Staff.id)
            .where(Inspection.status == "finished", Inspection.training.is_(False), live,
                   Rectification.status.in_(("open", "rectified")),
                   or_(Rectification.office_decision.is_(None), Rectification.office_decision != "waived"),
                   or_(Rectification.deadline <= today, Rectification.office_deadline <= today))
            .order_by(Rectification.deadline, Rectification.id)
        ):
            issued = notices.get((inspection_id, rect.department_id))
            _, deadline = office_view(rect, counted_from_notice(
                rect.deadline, local_day(recorded, offset), local_day(issued, offset) if issued is not None else None))
            if deadline > today:
                continue  # not due yet (the notice's later issue, or the office extended it)
            what = f"{code} {person}" if person else code
            if rect.office_deadline is not None:
                what = tr("{what} (deadline set by the office: {by})", what=what, by=rect.office_decided_by or "")
            items.append(TodoItem("reinspect", inspection_id, department, deadline.isoformat(), what,
                                  deadline < today, rect.id))
        items.sort(key=lambda item: (not item.overdue, item.when))
        base = (select(Inspection, Department.name, func.coalesce(counted.c.n, 0))
                .join(Department, Inspection.department_id == Department.id)
                .outerjoin(counted, counted.c.inspection_id == Inspection.id)
                .where(Inspection.training.is_(False))
                .order_by(Inspection.started_at, Inspection.id))
        for inspection, name, n in session.execute(
                base.where(Inspection.status == "draft", Inspection.discarded_at.is_(None))):
            items.append(TodoItem("draft", inspection.id, name, inspection.local_date,
                                  titles.get(inspection.checklist_id, inspection.checklist_id), entries=n))
        finished = base.where(Inspection.status == "finished", Inspection.origin != "imported")
        signed = exists().where(Document.kind == "sheet", Document.inspection_id == Inspection.id)
        for inspection, name, n in session.execute(finished.where(~signed)):
            items.append(TodoItem("unsigned", inspection.id, name, inspection.local_date,
                                  titles.get(inspection.checklist_id, inspection.checklist_id), entries=n))
        # a notice is owed to every department charged with a live entry; issued ones are documents
        # of kind "notice" for (inspection, department)
        noticed = exists().where(Document.kind == "notice", Document.inspection_id == Deduction.inspection_id,
                                 Document.department_id == Deduction.department_id)
        owing = (select(Deduction.inspection_id).where(live, ~noticed)
                 .group_by(Deduction.inspection_id).subquery())
        for inspection, name, n in session.execute(
                finished.join(owing, and_(owing.c.inspection_id == Inspection.id))):
            items.append(TodoItem("notice", inspection.id, name, inspection.local_date,
                                  titles.get(inspection.checklist_id, inspection.checklist_id), entries=n))
    return items


def todo_counts(items: list[TodoItem]) -> dict[str, int]:
    """How many of each kind (the page's summary line)."""
    counts = dict.fromkeys(KINDS, 0)
    for item in items:
        counts[item.kind] += 1
    return counts
