"""Recording inspections and deductions: every call is one durable transaction with its audit event.

The GUI, the command line, the importer and the demo generator all record through `Recorder`, so the same
validation and scoring rules apply to every entry, wherever it comes from.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from inspector_app.core.checklists import Checklist
from inspector_app.core.checklists.models import ChargeTo, Item
from inspector_app.core.errors import InputError, NotFoundError, StateError
from inspector_app.core.i18n import tr
from inspector_app.core.periods import first_day, kind_of, landing_month, period_of
from inspector_app.core.photos import prepare_photos, store_bytes, store_photo
from inspector_app.core.scoring import EntryPoints, entry_points
from inspector_app.core.scoring.measured import most_occurrences
from inspector_app.core.store import audit
from inspector_app.core.store.models import (
    ChecklistSnapshot,
    Deduction,
    Department,
    Inspection,
    Photo,
    Rectification,
    new_id,
    utcnow,
)
from inspector_app.core.workspace import Workspace, WriteService

MAX_COUNT = 99
MAX_NOTE = 2000
MODES = ("open", "covert")  # 明查 / 暗访
_DEDUCTIONS: Table = Deduction.__table__  # type: ignore[assignment]
_RECTIFICATIONS: Table = Rectification.__table__  # type: ignore[assignment]
_PHOTOS: Table = Photo.__table__  # type: ignore[assignment]
# The recording hot path runs straight on the DBAPI cursor (see store/fastpath.py).
_INSPECTION_STATE_SQL = ("SELECT status, checklist_hash, department_id, discarded_at IS NOT NULL "
                         "FROM inspections WHERE id = ?")
_PERSON, _DEPARTMENT = ChargeTo.PERSON.value, ChargeTo.DEPARTMENT.value
_STAFF_SQL = "SELECT staff_no, id, department_id, is_head FROM staff WHERE active = 1 AND staff_no IN ({marks})"
_ONE_STAFF_SQL = _STAFF_SQL.format(marks="?")  # the usual entry: one person


def local_now() -> datetime:
    return datetime.now().astimezone()


def offset_minutes(moment: datetime) -> int:
    offset = moment.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def local_date(moment: datetime, offset_min: int) -> date:
    return (moment.astimezone(timezone.utc) + timedelta(minutes=offset_min)).date()


def offset_and_local_date(moment: datetime) -> tuple[int, date]:
    """`offset_minutes(moment)` and `local_date(moment, that offset)` from one look at the offset: the moment's
    own date when its offset is whole minutes (any offset in use today; not a historic local mean time)."""
    delta = moment.utcoffset()
    if delta is None:
        return 0, local_date(moment, 0)
    seconds = delta.total_seconds()
    offset = int(seconds // 60)
    return offset, moment.date() if offset * 60 == seconds else local_date(moment, offset)


def _bad(field_name: str, reason: str) -> InputError:
    return InputError.single(tr("entry"), reason, field=field_name)


@dataclass(frozen=True)
class NewInspection:
    checklist_id: str
    department: str  # department code or name
    inspector_name: str
    inspector_no: str | None = None
    co_inspector: str | None = None
    mode: str = "open"
    location: str | None = None
    started_at: datetime | None = None  # aware; now when absent
    origin: str = "local"
    training: bool = False


@dataclass(frozen=True)
class NewDeduction:
    item_code: str
    staff_nos: Sequence[str] = ()  # empty: charge the department
    count: int = 1
    note: str = ""
    photos: Sequence[Path] = field(default_factory=tuple)
    recorded_at: datetime | None = None  # aware; now when absent
    period: str | None = None  # a period rule's month, quarter or half year (2026-03, 2026-Q1, 2026-H1);
    # the one recorded in when absent


class _ItemPlan(NamedTuple):
    """An item of a stored checklist version, ready to record (Recorder._plan)."""

    checklist: Checklist
    item: Item
    requirement: str  # the rectification's requirement (zh)
    deadline_days: timedelta


@dataclass(frozen=True)
class Recorded:
    """One deduction as `Recorder.record` wrote it (column values, before the driver's conversion), with its
    rectification and photos: the recording screen shows it from these instead of reading it back."""

    deduction: dict
    rectification: dict
    photo_paths: tuple[str, ...]  # in the order a read of the photos gives (added together: by id)
    staff_no: str | None


class Recorder(WriteService):
    """Writes inspections and deductions for one workspace (`batch()`: several calls, one transaction)."""

    def __init__(self, workspace: Workspace, actor: str | None = None):
        super().__init__(workspace, actor or workspace.settings.inspector.name or "inspector")
        self.last_recorded: list[Recorded] = []  # what the last record() call wrote (committed, out of a batch)
        # entry_points per (checklist content hash, item, count, charged to, head): a stored checklist version
        # never changes, and a ward round records the same few items over and over
        self._points: dict[tuple[str, str, int, str, bool], EntryPoints] = {}
        self._plans: dict[tuple[str, str], _ItemPlan] = {}  # per (checklist content hash, item code)

    def _cursor(self) -> AbstractContextManager[sqlite3.Cursor]:
        if self._batch is not None:
            return self._batch_cursor()
        return self.ws.db.hot_writer.transaction()  # one durable transaction of its own

    @contextmanager
    def _batch_cursor(self) -> Iterator[sqlite3.Cursor]:
        assert self._batch is not None
        self._batch.flush()
        yield self._batch.connection().connection.driver_connection.cursor()  # the batch's transaction

    # -- inspections ----------------------------------------------------------------------------------
    def start(self, request: NewInspection, checklist: Checklist | None = None) -> Inspection:
        checklist = checklist or self.ws.library.get(request.checklist_id)
        if request.mode not in MODES:
            raise _bad("mode", tr("mode must be 明查 (open) or 暗访 (covert)"))
        if not request.inspector_name.strip():
            raise _bad("inspector", tr("the inspector's name is required"))
        started = request.started_at or local_now()
        if started.tzinfo is None:
            raise _bad("started_at", tr("the start time needs a time zone"))
        device_id = self.ws.device_id
        with self._session() as session:
            department = find_department(session, request.department)
            snapshot_hash = ensure_snapshot(session, checklist, self.ws.hash_of(checklist))
            inspection = Inspection(
                checklist_id=checklist.id, checklist_version=checklist.version, checklist_hash=snapshot_hash,
                department_id=department.id, inspector_name=request.inspector_name.strip(),
                inspector_no=request.inspector_no, co_inspector=request.co_inspector, mode=request.mode,
                location=request.location, status="draft", origin=request.origin, training=request.training,
                started_at=started, utc_offset_min=offset_minutes(started),
                local_month=local_date(started, offset_minutes(started)).strftime("%Y-%m"),
                local_date=local_date(started, offset_minutes(started)).isoformat(), device_id=device_id,
                seq=self.ws.take_sequence(), updated_at=utcnow(),
            )
            session.add(inspection)
            audit.record(session, self.actor, "start", "inspection", inspection)
        self.ws._snapshots.setdefault(snapshot_hash, checklist)
        return inspection

    def finish(self, inspection_id: str, finished_at: datetime | None = None) -> Inspection:
        """Lock the inspection: nothing can be recorded or voided in it afterwards."""
        with self._session() as session:
            inspection = self._draft(session, inspection_id)
            inspection.status = "finished"
            inspection.finished_at = finished_at or utcnow()
            inspection.updated_at = utcnow()
            audit.record(session, self.actor, "finish", "inspection", inspection)
        return inspection

    def discard(self, inspection_id: str, reason: str) -> Inspection:
        """Discard a draft started by mistake: never deleted — it keeps its rows, is marked discarded with the
        reason (audited), its entries are voided with that reason, and it leaves the lists of drafts."""
        if not reason.strip():
            raise _bad("reason", tr("a reason is required to discard a draft"))
        with self._session() as session:
            inspection = self._draft(session, inspection_id)
            now = utcnow()
            for deduction in inspection.deductions:
                if deduction.voided_at is not None:
                    continue
                deduction.voided_at = now
                deduction.void_reason = tr("draft discarded: {reason}", reason=reason.strip())
                audit.record(session, self.actor, "void", "deduction", deduction)
                if deduction.rectification is not None:
                    deduction.rectification.status = "void"
                    deduction.rectification.updated_at = now
                    audit.record(session, self.actor, "void", "rectification", deduction.rectification)
            inspection.discarded_at = now
            inspection.discard_reason = reason.strip()
            inspection.updated_at = now
            audit.record(session, self.actor, "discard", "inspection", inspection)
        return inspection

    # -- deductions -----------------------------------------------------------------------------------
    def record(self, inspection_id: str, request: NewDeduction) -> list[str]:
        """Record one deduction per person named (or one for the department); durable when it returns.

        This is the hot path of a ward round, so it writes with a handful of Core statements in one
        transaction (deductions, rectifications, photos, audit events) instead of ORM unit-of-work flushes.
        Returns the new deductions' ids.
        """
        count = request.count
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
            raise _bad("count", tr("count must be a whole number from 1 to {max}", max=MAX_COUNT))
        if len(request.note) > MAX_NOTE:
            raise _bad("note", tr("the note is too long (at most {max} characters)", max=MAX_NOTE))
        recorded = request.recorded_at
        if recorded is None:  # now: also the time the rows and audit events are written (one clock reading)
            recorded = now = local_now()
        elif recorded.tzinfo is None:
            raise _bad("recorded_at", tr("the time needs a time zone"))
        else:
            now = utcnow()
        device_id = self.ws.device_id
        offset, local_day = offset_and_local_date(recorded)
        month = local_day.isoformat()[:7]  # strftime("%Y-%m") (both pad the year to 4 digits), a tenth of the time
        self.last_recorded = []
        with self._cursor() as cursor:
            row = cursor.execute(_INSPECTION_STATE_SQL, (inspection_id,)).fetchone()
            if row is None:
                raise NotFoundError(tr("No inspection with id {id}", id=inspection_id))
            status, checklist_hash, inspection_department, discarded = row
            if status != "draft":
                raise StateError(tr("This inspection is finished and locked; it cannot be changed."))
            if discarded:
                raise StateError(tr("This draft was discarded; it cannot be changed."))
            plan = self._plans.get((checklist_hash, request.item_code)) or self._plan(checklist_hash,
                                                                                     request.item_code)
            checklist, item, requirement, deadline_days = plan
            period = monthly_period(item, request.period, local_day, count)
            targets = self._targets(cursor, item.charge_to, request.staff_nos)
            # photos are written (and fsynced) only once the entry is known to be valid, and before commit
            stored_photos = [store_photo(self.ws.data_dir, path, self.ws.settings.photo_max_px)
                             for path in request.photos] if request.photos else ()
            deadline = local_day + deadline_days
            chain = audit.AuditChain(cursor.execute(audit.CHAIN_HEAD_SQL).fetchone())
            inserts = self.ws.db.inserts
            deductions, rectifications, photos = [], [], []
            rows: tuple[list, list, list] = ([], [], [])  # each table's insert parameters
            for staff_id, staff_department, is_head in targets:
                charged_to = _PERSON if staff_id else _DEPARTMENT
                key = (checklist_hash, item.code, count, charged_to, is_head)
                points = self._points.get(key)
                if points is None:
                    points = self._points[key] = entry_points(checklist, item, count, charged_to, is_head)
                deduction = {
                    "id": new_id(), "inspection_id": inspection_id, "item_code": item.code,
                    "charged_to": charged_to, "staff_id": staff_id,
                    "department_id": staff_department or inspection_department, "is_head": is_head, "count": count,
                    "points_each": points.points_each, "multiplier": points.multiplier, "points": points.points,
                    "note": request.note.strip(), "recorded_at": recorded, "utc_offset_min": offset,
                    "local_month": landing_month(period) if period else month, "device_id": device_id,
                    "seq": self.ws.take_sequence(), "voided_at": None, "void_reason": None, "period": period,
                }
                deductions.append(deduction)
                params, payload = inserts.deductions.params_and_payload(deduction)  # one pass for both
                rows[0].append(params)
                chain.add(self.actor, "record", "deduction", deduction["id"], payload, now)
                rectification = {
                    "id": new_id(), "deduction_id": deduction["id"], "department_id": deduction["department_id"],
                    "requirement": requirement, "deadline": deadline, "status": "open", "rectified_at": None,
                    "rectified_note": None, "verified_at": None, "verified_by": None, "updated_at": now,
                }
                rectifications.append(rectification)
                params, payload = inserts.rectifications.params_and_payload(rectification)
                rows[1].append(params)
                chain.add(self.actor, "open", "rectification", rectification["id"], payload, now)
                for stored in stored_photos:
                    photo = {"id": new_id(), "deduction_id": deduction["id"], "sha256": stored.sha256,
                             "path": stored.relative_path, "media_type": stored.media_type,
                             "size_bytes": stored.size, "added_at": now, "voided_at": None}
                    photos.append(photo)
                    params, payload = inserts.photos.params_and_payload(photo)
                    rows[2].append(params)
                    chain.add(self.actor, "attach", "photo", photo["id"], payload, now)
            cursor.executemany(inserts.deductions.sql, rows[0])
            cursor.executemany(inserts.rectifications.sql, rows[1])
            if photos:
                cursor.executemany(inserts.photos.sql, rows[2])
            inserts.audit_events.execute(cursor, chain.pending)
        staff_nos = request.staff_nos or [None] * len(deductions)
        self.last_recorded = [
            Recorded(deduction, rectification, _photo_paths(photos, deduction["id"]) if photos else (), staff_no)
            for deduction, rectification, staff_no in zip(deductions, rectifications, staff_nos)]
        return [d["id"] for d in deductions]

    def attach_photos(self, deduction_id: str, sources: Sequence[Path]) -> list[str]:
        """Attach photos to a recorded entry of a draft (a camera card read after the round): all of them or
        none. Every file is checked first; a file that is not a readable photo refuses the whole batch, named
        with its reason, before anything is stored. Returns the new photos' ids."""
        if not sources:
            raise _bad("photos", tr("choose at least one photo"))
        prepared = prepare_photos(list(sources), self.ws.settings.photo_max_px)
        with self._session() as session:
            deduction = self._deduction(session, deduction_id)  # a finished inspection is locked
            if deduction.voided_at is not None:
                raise StateError(tr("this entry is void: photos cannot be added to it"))
            now, photos = utcnow(), []
            for data, media_type, extension in prepared:  # files before the rows that point to them
                digest, relative = store_bytes(self.ws.data_dir, data, extension)
                photos.append(Photo(id=new_id(), deduction_id=deduction.id, sha256=digest, path=relative,
                                    media_type=media_type, size_bytes=len(data), added_at=now))
            session.add_all(photos)
            audit.record_many(session, self.actor, [("attach", "photo", photo) for photo in photos])
        return [photo.id for photo in photos]

    def void(self, deduction_id: str, reason: str) -> Deduction:
        """Void a deduction (never delete it): it stops counting, its rectification is closed."""
        if not reason.strip():
            raise _bad("reason", tr("a reason is required to void an entry"))
        with self._session() as session:
            deduction = self._deduction(session, deduction_id)
            if deduction.voided_at is not None:
                raise StateError(tr("this entry is already void"))
            deduction.voided_at = utcnow()
            deduction.void_reason = reason.strip()
            audit.record(session, self.actor, "void", "deduction", deduction)
            if deduction.rectification is not None:
                deduction.rectification.status = "void"
                deduction.rectification.updated_at = utcnow()
                audit.record(session, self.actor, "void", "rectification", deduction.rectification)
        return deduction

    def restore(self, deduction_id: str) -> Deduction:
        """Undo a void (the GUI's redo/undo): the entry counts again."""
        with self._session() as session:
            deduction = self._deduction(session, deduction_id)
            if deduction.voided_at is None:
                raise StateError(tr("this entry is not void"))
            deduction.voided_at = None
            deduction.void_reason = None
            audit.record(session, self.actor, "restore", "deduction", deduction)
            if deduction.rectification is not None and deduction.rectification.status == "void":
                deduction.rectification.status = "open"
                deduction.rectification.updated_at = utcnow()
                audit.record(session, self.actor, "restore", "rectification", deduction.rectification)
        return deduction

    # -- helpers --------------------------------------------------------------------------------------
    def _plan(self, checklist_hash: str, item_code: str) -> _ItemPlan:
        """What recording an item of a stored checklist version needs beyond the entry itself, checked and
        worked out once (a stored version never changes; a ward round records the same few items over and
        over): the checklist, the item (refused when it cannot be observed), the rectification's requirement
        and its deadline's distance."""
        checklist = self.ws.checklist_by_hash(checklist_hash)
        try:
            item = checklist.item(item_code)
        except KeyError:
            raise _bad("item", tr("checklist {checklist} has no item {code}", checklist=checklist.id,
                                  code=item_code)) from None
        refuse_unobservable(item)
        requirement = item.rectification.zh if item.rectification else item.text.zh
        plan = _ItemPlan(checklist, item, requirement, timedelta(days=checklist.deadline_days(item)))
        self._plans[(checklist_hash, item_code)] = plan
        return plan

    def draft(self, session: Session, inspection_id: str) -> Inspection:
        """The inspection, refused unless it is a draft that can still be changed (in `session`, e.g. joined())."""
        return self._draft(session, inspection_id)

    def _draft(self, session: Session, inspection_id: str) -> Inspection:
        inspection = session.get(Inspection, inspection_id)
        if inspection is None:
            raise NotFoundError(tr("No inspection with id {id}", id=inspection_id))
        if inspection.status != "draft":
            raise StateError(tr("This inspection is finished and locked; it cannot be changed."))
        if inspection.discarded_at is not None:
            raise StateError(tr("This draft was discarded ({reason}); it cannot be changed.",
                                reason=inspection.discard_reason or ""))
        return inspection

    def _deduction(self, session: Session, deduction_id: str) -> Deduction:
        deduction = session.get(Deduction, deduction_id)
        if deduction is None:
            raise NotFoundError(tr("No entry with id {id}", id=deduction_id))
        self._draft(session, deduction.inspection_id)
        return deduction

    def _targets(self, cursor: sqlite3.Cursor, charge_to: ChargeTo,
                 staff_nos: Sequence[str]) -> list[tuple[str | None, str | None, bool]]:
        """(staff id, staff's department id, is head) per person named, or one empty target: the department."""
        if not staff_nos:
            return [(None, None, False)]
        if charge_to is ChargeTo.DEPARTMENT:
            raise _bad("staff", tr("this item is charged to the department, not to a person"))
        if len(set(staff_nos)) != len(staff_nos):
            raise _bad("staff", tr("the same person is named twice"))
        sql = _ONE_STAFF_SQL if len(staff_nos) == 1 else _STAFF_SQL.format(marks=", ".join("?" for _ in staff_nos))
        found = {no: (staff_id, department, bool(head))
                 for no, staff_id, department, head in cursor.execute(sql, tuple(staff_nos))}
        missing = [no for no in staff_nos if no not in found]
        if missing:
            raise _bad("staff", tr("no staff member with 工号 {numbers} in the roster", numbers=", ".join(missing)))
        return [found[no] for no in staff_nos]


def _photo_paths(photos: list[dict], deduction_id: str) -> tuple[str, ...]:
    """The paths of an entry's photos, in the order a read of them gives (added together: by id)."""
    return tuple(p["path"] for p in sorted(photos, key=lambda p: p["id"]) if p["deduction_id"] == deduction_id)


def unobservable_reason(item: Item) -> str | None:
    """Why `item` cannot be recorded as an observation (the record page says it before Enter), or None."""
    if item.observable:
        return None
    return tr("item {code} is charged only through the office's complaint register (投诉登记), once the complaint "
              "is verified, on the day of verification; it cannot be recorded as an observation. Hand the "
              "complaint to the office.", code=item.code)


def refuse_unobservable(item: Item) -> None:
    """An item charged only through the complaint register (001 §四 第7条: 经查实者…) is never an observation."""
    reason = unobservable_reason(item)
    if reason is not None:
        raise _bad("item", reason)


def monthly_period(item: Item, period: str | None, local_day: date, count: int) -> str | None:
    """The period a period rule's entry is about — its month (2026-03), quarter (2026-Q1) or half year (2026-H1),
    never one that begins after the day it is recorded — or None for any other item; a per-shortfall rule never
    takes more occurrences in a period than it can give. The entry counts in `landing_month(period)`."""
    if item.period == "visit":
        if period is not None:
            raise _bad("period", tr("item {code} is not a monthly rule: it takes no month", code=item.code))
        return None
    key = period or period_of(item.period, local_day)
    try:
        kind = kind_of(key)
    except ValueError:
        kind = None
    if kind != item.period:
        raise _bad("period", {
            "month": tr("month must look like 2026-03 (YYYY-MM)"),
            "quarter": tr("quarter must look like 2026-Q1 (YYYY-Qn, n from 1 to 4)"),
            "half-year": tr("half year must look like 2026-H1 (YYYY-H1 or YYYY-H2)")}[item.period])
    if first_day(key) > local_day:
        raise _bad("period", tr("the month checked cannot be after the day it is recorded") if kind == "month"
                   else tr("the period checked cannot begin after the day it is recorded"))
    if count > most_occurrences(item):
        raise _bad("count", tr("item {code} gives at most {most} occurrences in a month", code=item.code,
                               most=most_occurrences(item)) if kind == "month" else
                   tr("item {code} gives at most {most} occurrences in a period", code=item.code,
                      most=most_occurrences(item)))
    return key


def find_department(session: Session, code_or_name: str) -> Department:
    department = session.scalars(
        select(Department).where((Department.code == code_or_name) | (Department.name == code_or_name))
    ).first()
    if department is None or not department.active:
        raise _bad("department", tr("no department or window {name} in the roster", name=code_or_name))
    return department


def ensure_snapshot(session: Session, checklist: Checklist, digest: str) -> str:
    if session.get(ChecklistSnapshot, digest) is None:
        session.add(ChecklistSnapshot(content_hash=digest, checklist_id=checklist.id, version=checklist.version,
                                      body=checklist.model_dump(mode="json"), stored_at=utcnow()))
    return digest
