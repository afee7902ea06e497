"""Browsing everything merged (issue #14 part 1): the office's inspections, one read-only, departments nobody visited.

Read-only over the central database, written for a year of data (10 million deductions): a list is one page,
filtered on the inspections' own indexed columns (local_month + department_id, inspector_no); its entries and
points are a grouped query over just the page's inspections (deductions by inspection_id), never a scan of the
month. A department's page (months, repeat problems, open rectifications) lives in office/department.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from inspector_app.core.checklists.models import Checklist, Item
from inspector_app.core.errors import InputError, NotFoundError
from inspector_app.core.i18n import tr
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.summary import parse_month

D, I = m.Deduction, m.Inspection
STATUSES = ("passed", "failed", "deducted", "clean", "conflict")
MAX_PAGE = 1000


@dataclass(frozen=True)
class InspectionRow:
    """One merged inspection as the office's list shows it."""

    id: str
    started: str  # local "YYYY-MM-DD HH:MM", in the time zone it was recorded in
    department_code: str
    department: str
    inspector_no: str
    inspector: str
    checklist_id: str
    checklist: str  # title in the language asked for
    mode: str  # "open" / "covert"
    entries: int  # live entries
    points: float  # counted points of the live entries (after caps; 0 on scored checklists)
    scored: bool
    score: float | None
    passed: bool | None


@dataclass(frozen=True)
class InspectionPage:
    rows: list[InspectionRow]
    total: int  # every inspection the filters match, not only this page
    offset: int
    limit: int


@dataclass(frozen=True)
class StoredFile:
    """A file a laptop sent (photo, hand signature, signed sheet): `path` is None when it was not sent, or is no
    longer in the files folder."""

    id: str
    path: Path | None
    sha256: str


@dataclass(frozen=True)
class EntryDetail:
    id: str
    time: str  # local "YYYY-MM-DD HH:MM"
    item_code: str
    item_text: str
    clause: str
    charged_to: str  # "person" / "department"
    staff_no: str
    person: str
    department_code: str
    count: int
    points: float  # as recorded
    counted_points: float  # after caps: what the month adds up
    pay_percent: float
    note: str
    voided: bool
    void_reason: str
    rectification: str  # its status ("open", "rectified", …) or "" when none was asked for
    deadline: str
    photos: list[StoredFile] = field(default_factory=list)


@dataclass(frozen=True)
class SignatureDetail:
    role: str  # "inspector" / "department"
    signer: str
    signed_at: str
    voided: bool
    file: StoredFile


@dataclass(frozen=True)
class DocumentDetail:
    number: str
    kind: str  # "sheet" (the signed inspection sheet), "notice", …
    signed_by: str
    created_at: str
    file: StoredFile


@dataclass(frozen=True)
class InspectionDetail:
    row: InspectionRow
    co_inspector: str
    location: str
    finished: str
    batch: str  # the bundle it came in
    merged_at: str
    entries: list[EntryDetail]
    signatures: list[SignatureDetail]
    documents: list[DocumentDetail]


@dataclass(frozen=True)
class Choices:
    """What the filters offer: months with inspections (newest first), departments, inspectors, checklists."""

    months: list[str]
    departments: list[tuple[str, str]]  # (code, name)
    inspectors: list[tuple[str, str]]  # (工号, name)
    checklists: list[tuple[str, str]]  # (id, title)


# -- checklists: a snapshot row's content hash (worked out by the office at merge) fixes its body, so one parse
# serves every later call ----------------------------------------------------------------------------------------
_PARSED: dict[str, Checklist | None] = {}


def snapshot(session: Session, digest: str) -> Checklist | None:
    """The checklist a snapshot holds, None when it is unknown or unreadable."""
    row = session.get(m.ChecklistSnapshot, digest)
    if row is None:
        return None
    if row.content_hash not in _PARSED:
        try:
            parsed: Checklist | None = Checklist.model_validate((row.payload or {})["body"])
        except (ValidationError, KeyError, TypeError):
            parsed = None
        if len(_PARSED) > 256:
            _PARSED.clear()
        _PARSED[row.content_hash] = parsed
    return _PARSED[row.content_hash]


def item_of(checklist: Checklist | None, code: str) -> Item | None:
    try:
        return checklist.item(code) if checklist is not None else None
    except KeyError:
        return None


def clause_of(item: Item | None, checklist: Checklist | None = None, lang: str = "zh") -> str:
    """The clause an item comes from, after the standard's title and 文号 when the checklist is known."""
    if item is None:
        return ""
    cited = checklist.citation(item.source.file, lang) if checklist is not None else ""
    return f"{cited}{item.source.section}：{item.source.quote}"


def local(moment: datetime | None, offset_min: int | None) -> str:
    """A stored UTC time as the laptop's local "YYYY-MM-DD HH:MM"."""
    if moment is None:
        return ""
    zone = timezone(timedelta(minutes=int(offset_min or 0)))
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def who(name: str | None, number: str | None) -> str:
    return f"{name or ''}（{number}）" if number else (name or "")


# -- the list -----------------------------------------------------------------------------------------------

def _filters(month: str | None, department: str | None, inspector: str | None, checklist: str | None,
             status: str | None) -> list[Any]:
    where: list[Any] = []
    if month:
        where.append(I.local_month == parse_month(month))
    if department:
        where.append(I.department_id == department)
    if inspector:
        where.append(I.inspector_no == inspector)
    if checklist:
        where.append(I.checklist_hash.in_(select(m.ChecklistSnapshot.id)
                                          .where(m.ChecklistSnapshot.checklist_id == checklist)))
    if status:
        live = exists().where(D.inspection_id == I.id, D.voided_at.is_(None))
        conflict = exists().where(or_(
            and_(m.Conflict.entity == "inspections", m.Conflict.entity_id == I.id),
            and_(m.Conflict.entity == "deductions",
                 m.Conflict.entity_id.in_(select(D.id).where(D.inspection_id == I.id)))))
        conditions = {"passed": I.passed.is_(True), "failed": I.passed.is_(False), "deducted": live,
                      "clean": ~live, "conflict": conflict}
        if status not in conditions:
            raise InputError.single("--status", tr("status must be one of {choices}", choices=", ".join(STATUSES)))
        where.append(conditions[status])
    return where


_ROW_COLUMNS = (I.id, I.started_at, I.payload["utc_offset_min"].as_integer().label("offset"), I.department_id,
                m.Department.name, I.inspector_no, I.inspector_name, I.checklist_hash, I.mode, I.scored, I.score,
                I.passed)


def _rows(session: Session, records: list[Any], lang: str) -> list[InspectionRow]:
    """The page's rows, with their entries and points counted for these inspections only."""
    ids = [r.id for r in records]
    counts = {key: (int(n), float(points or 0)) for key, n, points in session.execute(
        select(D.inspection_id, func.count(), func.sum(D.counted_points))
        .where(D.inspection_id.in_(ids), D.voided_at.is_(None)).group_by(D.inspection_id))} if ids else {}
    checklists = {digest: snapshot(session, digest) for digest in {r.checklist_hash for r in records}}
    rows = []
    for r in records:
        checklist = checklists[r.checklist_hash]
        entries, points = counts.get(r.id, (0, 0.0))
        rows.append(InspectionRow(
            r.id, local(r.started_at, r.offset), r.department_id, r.name or r.department_id, r.inspector_no or "",
            r.inspector_name, checklist.id if checklist else "", checklist.title.get(lang) if checklist else "",
            r.mode, entries, round(points, 4), bool(r.scored), r.score, r.passed))
    return rows


def inspections(central: CentralDB, *, month: str | None = None, department: str | None = None,
                inspector: str | None = None, checklist: str | None = None, status: str | None = None,
                limit: int = 100, offset: int = 0, lang: str = "zh") -> InspectionPage:
    """One page of merged inspections, newest first, and how many match in all.

    `department`: roster code; `inspector`: 工号; `checklist`: checklist id (any version); `status`: one of
    STATUSES (passed / failed: scored checklists; deducted / clean: with or without live entries; conflict:
    a laptop sent another version of it or of one of its entries).
    """
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InputError.single("limit", tr("a page holds 1 to {most} rows", most=MAX_PAGE))
    where = _filters(month, department, inspector, checklist, status)
    with central.read() as session:
        total = session.scalar(select(func.count()).select_from(I).where(*where)) or 0
        records = session.execute(
            select(*_ROW_COLUMNS).join(m.Department, m.Department.id == I.department_id).where(*where)
            .order_by(I.started_at.desc(), I.id.desc()).limit(limit).offset(offset)).all()
        rows = _rows(session, list(records), lang)
    return InspectionPage(rows, int(total), offset, limit)


def choices(central: CentralDB, lang: str = "zh") -> Choices:
    """The filters' choices, from small tables and one index (months)."""
    with central.read() as session:
        months = list(session.scalars(select(I.local_month).distinct().order_by(I.local_month.desc())))
        departments = [(code, name) for code, name in session.execute(
            select(m.Department.id, m.Department.name).order_by(m.Department.id))]
        inspectors = [(no, name or "") for no, name in session.execute(
            select(m.Batch.staff_no, func.max(m.Batch.inspector_name)).group_by(m.Batch.staff_no)
            .order_by(m.Batch.staff_no))]
        newest: dict[str, tuple[int, str]] = {}
        for cid, version, digest in session.execute(select(m.ChecklistSnapshot.checklist_id,
                                                           m.ChecklistSnapshot.version, m.ChecklistSnapshot.id)):
            if cid not in newest or version > newest[cid][0]:
                newest[cid] = (version, digest)
        checklists = []
        for cid, (_, digest) in sorted(newest.items()):
            parsed = snapshot(session, digest)
            checklists.append((cid, parsed.title.get(lang) if parsed else cid))
    return Choices(months, departments, inspectors, checklists)


# -- one inspection, read-only ----------------------------------------------------------------------------------
def stored_file(files_dir: Path, key: str, relative: str | None, sha256: str) -> StoredFile:
    """Where a sent file is, if it is there: only under the files folder (a path never leaves it)."""
    if not relative:
        return StoredFile(key, None, sha256)
    root = Path(files_dir).resolve()
    path = (root / relative).resolve()
    inside = path.is_relative_to(root) and path.is_file()
    return StoredFile(key, path if inside else None, sha256)


def inspection_detail(central: CentralDB, inspection_id: str, files_dir: Path, lang: str = "zh") -> InspectionDetail:
    """One inspection as merged: every entry (voided ones too) with item text and clause from its checklist
    snapshot, persons, counted points, notes, photos, rectification; hand signatures; its documents."""
    with central.read() as session:
        record = session.execute(select(*_ROW_COLUMNS).join(m.Department, m.Department.id == I.department_id)
                                 .where(I.id == inspection_id)).first()
        if record is None:
            raise NotFoundError(tr("No inspection with id {id}", id=inspection_id))
        [row] = _rows(session, [record], lang)
        inspection = session.get(I, inspection_id)
        assert inspection is not None
        batch = session.get(m.Batch, inspection.batch_id)
        payload = inspection.payload or {}
        offset = payload.get("utc_offset_min", 0)
        checklist = snapshot(session, inspection.checklist_hash)
        deductions = sorted(session.scalars(select(D).where(D.inspection_id == inspection_id)),
                            key=lambda d: (d.recorded_at, int((d.payload or {}).get("seq", 0)), d.id))  # as recorded
        ids = [d.id for d in deductions]
        photos: dict[str, list[StoredFile]] = {}
        rectifications: dict[str, m.Rectification] = {}
        if ids:
            for photo in session.scalars(select(m.Photo).where(m.Photo.deduction_id.in_(ids), m.Photo.voided_at
                                                               .is_(None)).order_by(m.Photo.added_at, m.Photo.id)):
                photos.setdefault(photo.deduction_id, []).append(
                    stored_file(files_dir, photo.id, photo.file_path, photo.sha256))
            rectifications = {r.deduction_id: r for r in session.scalars(
                select(m.Rectification).where(m.Rectification.deduction_id.in_(ids)))}
        entries = []
        for d in deductions:
            item = item_of(checklist, d.item_code)
            fix = rectifications.get(d.id)
            entries.append(EntryDetail(
                d.id, local(d.recorded_at, (d.payload or {}).get("utc_offset_min", offset)), d.item_code,
                item.text.get(lang) if item else "", clause_of(item, checklist, lang), d.charged_to, d.staff_no or "",
                d.staff_name or "", d.department_id, d.count, d.points, d.counted_points, d.pay_percent, d.note,
                d.voided_at is not None, d.void_reason or "", fix.status if fix else "",
                fix.deadline.isoformat() if fix else "", photos.get(d.id, [])))
        signatures = [SignatureDetail(s.role, s.signer_name, local(s.signed_at, offset), s.voided_at is not None,
                                      stored_file(files_dir, s.id, s.file_path, s.sha256))
                      for s in session.scalars(select(m.HandSignature).where(
                          m.HandSignature.inspection_id == inspection_id)
                          .order_by(m.HandSignature.signed_at, m.HandSignature.id))]
        documents = [DocumentDetail(doc.number, doc.kind, doc.signed_by or "", local(doc.created_at, offset),
                                    stored_file(files_dir, doc.id, doc.file_path, doc.sha256))
                     for doc in session.scalars(select(m.Document).where(m.Document.inspection_id == inspection_id)
                                                .order_by(m.Document.created_at, m.Document.id))]
    return InspectionDetail(
        row, payload.get("co_inspector") or "", payload.get("location") or "", local(inspection.finished_at, offset),
        batch.bundle_name if batch else "", local(batch.merged_at, offset) if batch else "", entries, signatures,
        documents)


# -- the month's gaps ---------------------------------------------------------------------------------------------
def not_inspected(central: CentralDB, month: str) -> list[tuple[str, str]]:
    """(code, name) of every department the central database knows that no inspection visited in `month`."""
    month = parse_month(month)
    visited = select(I.department_id).where(I.local_month == month).distinct()
    with central.read() as session:
        return [(code, name) for code, name in session.execute(
            select(m.Department.id, m.Department.name).where(m.Department.id.not_in(visited))
            .order_by(m.Department.id))]
