"""Reading inspections back: the history list with filters, and one inspection in full.

Totals are computed by the scoring rules (caps included) from grouped SQL rows, so listing thousands of
inspections stays one pass over the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from inspector_app.core.errors import NotFoundError
from inspector_app.core.i18n import tr
from inspector_app.core.scoring import ScoreEntry, score_inspection
from inspector_app.core.store.models import (
    Deduction,
    Department,
    Document,
    Inspection,
    Staff,
)
from inspector_app.core.workspace import Workspace


def to_local(moment: datetime | None, offset_min: int) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(timezone(timedelta(minutes=offset_min))).isoformat(timespec="seconds")


@dataclass
class InspectionRow:
    id: str
    started_at: str  # local time with offset
    finished_at: str | None
    department_code: str
    department: str
    checklist_id: str
    checklist_version: int
    inspector: str
    co_inspector: str | None
    mode: str
    status: str
    origin: str
    training: bool
    deductions: int
    points: float
    score: float | None
    passed: bool | None
    signed: bool = False  # a finished inspection whose sheet was issued and signed (documents, kind "sheet")


@dataclass
class DeductionRow:
    id: str
    seq: int
    item_code: str
    item_text: str
    charged_to: str
    staff_no: str | None
    person: str | None
    is_head: bool
    count: int
    points_each: float
    multiplier: float
    points: float
    note: str
    recorded_at: str
    voided: bool
    void_reason: str | None
    photos: list[str] = field(default_factory=list)


@dataclass
class InspectionDetail:
    inspection: InspectionRow
    deductions: list[DeductionRow]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class InspectionFilter:
    since: date | None = None
    until: date | None = None
    department: str | None = None  # code or name
    checklist_id: str | None = None
    inspector: str | None = None
    status: str | None = None  # draft / finished
    include_training: bool = False
    include_discarded: bool = False  # drafts discarded by mistake (Recorder.discard) stay out of every list


_BASE_QUERY = (select(Inspection, Department.code, Department.name)
               .join(Department, Inspection.department_id == Department.id)
               .order_by(Inspection.started_at.desc(), Inspection.id))


def _filtered(filters: InspectionFilter):  # noqa: ANN202 - a select
    query = _BASE_QUERY
    if not filters.include_training:
        query = query.where(Inspection.training.is_(False))
    if not filters.include_discarded:
        query = query.where(Inspection.discarded_at.is_(None))
    if filters.since:
        query = query.where(Inspection.local_date >= filters.since.isoformat())
    if filters.until:
        query = query.where(Inspection.local_date <= filters.until.isoformat())
    if filters.department:
        query = query.where((Department.code == filters.department) | (Department.name == filters.department))
    if filters.checklist_id:
        query = query.where(Inspection.checklist_id == filters.checklist_id)
    if filters.inspector:
        query = query.where(Inspection.inspector_name == filters.inspector)
    if filters.status:
        query = query.where(Inspection.status == filters.status)
    return query


def list_inspections(ws: Workspace, filters: InspectionFilter = InspectionFilter(), *, offset: int = 0,
                     limit: int | None = None) -> list[InspectionRow]:
    """Newest first; `offset`/`limit` page through long histories (the GUI loads them lazily)."""
    query = _filtered(filters)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return _rows(ws, query)


def count_inspections(ws: Workspace, filters: InspectionFilter = InspectionFilter()) -> int:
    with ws.db.read() as session:
        return session.scalar(select(func.count()).select_from(_filtered(filters).subquery())) or 0


def _rows(ws: Workspace, query) -> list[InspectionRow]:  # noqa: ANN001 - a select of (Inspection, code, name)
    with ws.db.read() as session:
        found = session.execute(query).all()
        ids = [row[0].id for row in found]
        grouped: dict[str, list[ScoreEntry]] = defaultdict(list)
        counts: dict[str, int] = defaultdict(int)
        signed: set[str] = set()
        target = func.coalesce(Deduction.staff_id, Deduction.department_id)
        for chunk in range(0, len(ids), 500):
            for inspection_id, item, charged_to, target_id, points, n in session.execute(
                select(Deduction.inspection_id, Deduction.item_code, Deduction.charged_to, target,
                       func.sum(Deduction.points), func.count())
                .where(Deduction.inspection_id.in_(ids[chunk:chunk + 500]), Deduction.voided_at.is_(None))
                .group_by(Deduction.inspection_id, Deduction.item_code, Deduction.charged_to, target)
            ):
                grouped[inspection_id].append(ScoreEntry(item, charged_to, target_id, points))
                counts[inspection_id] += n
            signed.update(session.scalars(
                select(Document.inspection_id).where(Document.kind == "sheet",
                                                     Document.inspection_id.in_(ids[chunk:chunk + 500]))))
    rows = []
    for inspection, code, name in found:
        result = score_inspection(ws.checklist_by_hash(inspection.checklist_hash), grouped.get(inspection.id, []))
        rows.append(InspectionRow(
            inspection.id, to_local(inspection.started_at, inspection.utc_offset_min) or "",
            to_local(inspection.finished_at, inspection.utc_offset_min), code, name, inspection.checklist_id,
            inspection.checklist_version, inspection.inspector_name, inspection.co_inspector, inspection.mode,
            inspection.status, inspection.origin, inspection.training, counts.get(inspection.id, 0),
            result.total, result.score, result.passed, inspection.id in signed))
    return rows


def inspection_detail(ws: Workspace, inspection_id: str) -> InspectionDetail:
    with ws.db.read() as session:
        inspection = session.get(Inspection, inspection_id)
        if inspection is None:
            raise NotFoundError(tr("No inspection with id {id}", id=inspection_id))
    rows = _rows(ws, _BASE_QUERY.where(Inspection.id == inspection_id))
    checklist = ws.checklist_by_hash(inspection.checklist_hash)
    texts = {item.code: item.text.zh for item in checklist.items()}
    deductions = []
    with ws.db.read() as session:
        query = (select(Deduction, Staff.staff_no, Staff.name).outerjoin(Staff, Deduction.staff_id == Staff.id)
                 .where(Deduction.inspection_id == inspection_id).order_by(Deduction.seq))
        for deduction, staff_no, person in session.execute(query):
            deductions.append(DeductionRow(
                deduction.id, deduction.seq, deduction.item_code, texts.get(deduction.item_code, ""),
                deduction.charged_to, staff_no, person, deduction.is_head, deduction.count, deduction.points_each,
                deduction.multiplier, deduction.points, deduction.note,
                to_local(deduction.recorded_at, deduction.utc_offset_min) or "", deduction.voided_at is not None,
                deduction.void_reason, [photo.path for photo in deduction.photos if photo.voided_at is None]))
    return InspectionDetail(rows[0], deductions)
