"""Rectification (整改) items: open → rectified (department reports it done) → verified (re-inspection).

"Overdue" is not stored: an item is overdue when it is still open after its deadline, computed against
today's date, so it can never be stale. A re-inspection that finds the problem not fixed sends the item back
to open with a note.

The office's decisions arrive with a publication (`apply_published`, migration 0008): an extended deadline
replaces the item's, a waived item (豁免) has nothing more to do and is never overdue; who decided, when and why
are kept with the item and shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.core.checklists.models import Item
from inspector_app.core.errors import InputError, NotFoundError, Problem, StateError
from inspector_app.core.i18n import language, tr, tr_lang
from inspector_app.core.store import audit
from inspector_app.core.store.models import (
    Deduction,
    Department,
    Document,
    Inspection,
    Rectification,
    Staff,
    utcnow,
)
from inspector_app.core.workspace import Workspace, WriteService

STATUSES = ("open", "rectified", "verified", "overdue", "waived")


@dataclass(frozen=True)
class RectificationView:
    id: str
    department: str
    item_code: str
    person: str | None
    requirement: str
    note: str
    deadline: date
    status: str  # open / rectified / verified / overdue
    inspection_id: str
    checklist_id: str
    decision: str | None = None  # the office's newest published decision (extended, waived, …)
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None


def office_view(rect: Rectification, deadline: date) -> tuple[str, date]:
    """(stored status, or "waived" when the office waived it; the office's deadline when it set one, else
    `deadline`): what the laptop shows and counts after the office's published decision."""
    status = "waived" if rect.office_decision == "waived" and rect.status != "verified" else rect.status
    return status, rect.office_deadline or deadline


def effective_status(stored: str, deadline: date, today: date) -> str:
    return "overdue" if stored == "open" and deadline < today else stored


def days_late(deadline: date, today: date, rectified_on: date | None = None) -> int:
    """How far a rectification ran past its deadline: to the day it was put right, or to `today` while open."""
    return max(0, ((rectified_on or today) - deadline).days)


def late_consequence(item: Item | None, late: int, lang: str | None = None) -> str:
    """What the item's standard says follows a rectification `late` days past its deadline (Item.late_rule,
    002 篇七: 逾期超过10日，可终止合同), or "" when nothing does (yet)."""
    rule = item.late_rule if item is not None else None
    if rule is None or late <= rule.days:
        return ""
    lang = lang or language()
    return tr_lang(lang, "more than {days} days overdue: {consequence}", days=rule.days,
                   consequence=rule.consequence.get(lang))


def local_day(moment: datetime, offset_min: int) -> date:
    """The local date of a stored UTC moment (naive = UTC), at the inspector's offset."""
    utc = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return (utc + timedelta(minutes=offset_min)).date()


def counted_from_notice(deadline: date, recorded: date, notice: date | None) -> date:
    """The deadline a rectification notice gave: the item's period (counted from the day the entry was
    `recorded`) counted from the day the notice was issued instead (the first notice of the inspection for the
    department), never before it. Without a notice, or with one issued that same day, the deadline stands."""
    if notice is None or notice <= recorded:
        return deadline
    return deadline + (notice - recorded)


def first_notices(session: Session, model: Any) -> dict[tuple[str, str], datetime]:
    """(inspection id, department id) → when its first rectification notice was issued (`model`: the laptop's
    or the central database's documents table)."""
    return {(inspection, department): at for inspection, department, at in session.execute(
        select(model.inspection_id, model.department_id, func.min(model.created_at))
        .where(model.kind == "notice", model.inspection_id.is_not(None))
        .group_by(model.inspection_id, model.department_id))}


def list_rectifications(ws: Workspace, status: str | None = None, department: str | None = None,
                        today: date | None = None) -> list[RectificationView]:
    """Items of finished inspections (drafts are still being written), oldest deadline first."""
    today = today or date.today()
    query = (
        select(Rectification, Deduction.item_code, Deduction.note, Department.name, Staff.name,
               Inspection.id, Inspection.checklist_id, Deduction.recorded_at, Deduction.utc_offset_min)
        .join(Deduction, Rectification.deduction_id == Deduction.id)
        .join(Inspection, Deduction.inspection_id == Inspection.id)
        .join(Department, Rectification.department_id == Department.id)
        .outerjoin(Staff, Deduction.staff_id == Staff.id)
        .where(Inspection.status == "finished", Rectification.status != "void")
        .order_by(Rectification.deadline, Department.name)
    )
    if department:
        query = query.where((Department.code == department) | (Department.name == department))
    views = []
    with ws.db.read() as session:
        notices = first_notices(session, Document)
        for rect, item_code, note, dept_name, person, inspection_id, checklist_id, recorded, offset in (
                session.execute(query)):
            issued = notices.get((inspection_id, rect.department_id))
            stored, deadline = office_view(rect, counted_from_notice(
                rect.deadline, local_day(recorded, offset), local_day(issued, offset) if issued is not None else None))
            state = effective_status(stored, deadline, today)
            if status and state != status:
                continue
            views.append(RectificationView(rect.id, dept_name, item_code, person, rect.requirement, note,
                                           deadline, state, inspection_id, checklist_id, rect.office_decision,
                                           rect.office_decided_by, rect.office_decided_at, rect.office_note))
    return views


class RectificationService(WriteService):
    """Follow-up of rectification items (`batch()`: a whole re-inspection round in one transaction)."""

    def __init__(self, ws: Workspace, actor: str | None = None):
        super().__init__(ws, actor or ws.settings.inspector.name or "office")

    def _get(self, session, rectification_id: str) -> Rectification:
        rect = session.get(Rectification, rectification_id)
        if rect is None:
            raise NotFoundError(tr("No rectification item with id {id}", id=rectification_id))
        if rect.status == "void":
            raise StateError(tr("This rectification item belongs to a voided entry."))
        return rect

    def mark_rectified(self, rectification_id: str, note: str = "") -> None:
        """The department reports the problem fixed."""
        with self._session() as session:
            rect = self._get(session, rectification_id)
            if rect.status != "open":
                raise StateError(tr("Only open items can be marked rectified."))
            rect.status, rect.rectified_at, rect.rectified_note = "rectified", utcnow(), note.strip() or None
            rect.updated_at = utcnow()
            audit.record(session, self.actor, "rectified", "rectification", rect)

    def reinspect(self, rectification_id: str, fixed: bool, inspector: str, note: str = "") -> None:
        """Re-inspection: verified when fixed, otherwise back to open (and overdue once past the deadline)."""
        if not inspector.strip():
            raise InputError([Problem(tr("entry"), None, "inspector", tr("the inspector's name is required"))])
        with self._session() as session:
            rect = self._get(session, rectification_id)
            if rect.status == "verified":
                raise StateError(tr("This item is already verified."))
            if fixed:
                rect.status, rect.verified_at, rect.verified_by = "verified", utcnow(), inspector.strip()
            else:
                rect.status = "open"
                rect.rectified_note = note.strip() or rect.rectified_note
            rect.updated_at = utcnow()
            audit.record(session, self.actor, "verified" if fixed else "reopened", "rectification", rect)

    def apply_published(self, statuses: Iterable[Any]) -> int:
        """The office's published status of items this laptop holds, each only when newer than the local row
        (`updated_at`); voided items and unknown ids are left alone, nothing is deleted. Returns how many changed.

        `statuses` are sync's RectificationStatus models (id, status, rectified_at/_note, verified_at/_by,
        updated_at), duck-typed so the core does not depend on the sync package.
        """
        changed = 0
        with self._session() as session:
            for status in statuses:
                rect = session.get(Rectification, status.id)
                if rect is None or rect.status == "void":
                    continue
                decided = self._apply_decision(rect, status)
                if status.updated_at <= rect.updated_at:
                    if decided:
                        audit.record(session, self.actor, "published_decision", "rectification", rect)
                        changed += 1
                    continue
                rect.status = status.status
                rect.rectified_at = status.rectified_at or rect.rectified_at
                rect.rectified_note = status.rectified_note or rect.rectified_note
                rect.verified_at, rect.verified_by = ((status.verified_at, status.verified_by)
                                                      if status.status == "verified" else (None, None))
                rect.updated_at = status.updated_at
                audit.record(session, self.actor, "published_status", "rectification", rect)
                changed += 1
        return changed

    @staticmethod
    def _apply_decision(rect: Rectification, status: Any) -> bool:
        """The office's decision (status file version 2), when newer than the one the item holds: it stands on
        its own, so a laptop that changed the item since still learns of an extension or a waiver."""
        decided_at = getattr(status, "decided_at", None)
        if getattr(status, "decision", None) is None or decided_at is None or (
                rect.office_decided_at is not None and decided_at <= rect.office_decided_at):
            return False
        rect.office_decision, rect.office_deadline = status.decision, status.deadline
        rect.office_decided_by, rect.office_decided_at, rect.office_note = (status.decided_by, decided_at,
                                                                            status.decision_note)
        return True
