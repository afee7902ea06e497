"""One inspection as the recording screen shows it: entries, totals as the rules compute them, subtotals
per person and department, which items are already deducted, and what a pending entry would deduct.

Qt-free, so the numbers on screen are the core's numbers and are tested without a display.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Connection, bindparam, select

from inspector_app.core.checklists import Checklist
from inspector_app.core.checklists.models import ChargeTo, ScoredScoring
from inspector_app.core.errors import NotFoundError
from inspector_app.core.i18n import tr
from inspector_app.core.inspections import to_local
from inspector_app.core.scoring import (
    InspectionScore,
    ScoreEntry,
    entry_points,
    score_inspection,
)
from inspector_app.core.store.models import (
    Deduction,
    Department,
    Inspection,
    Photo,
    Rectification,
    Staff,
)
from inspector_app.core.workspace import Workspace

if TYPE_CHECKING:
    from inspector_app.core.recording import Recorded


@dataclass(frozen=True)
class StaffChoice:
    staff_no: str
    name: str
    is_head: bool
    title: str | None


@dataclass(frozen=True)
class Entry:
    id: str
    seq: int
    item_code: str
    item_text: str
    target_key: tuple[str, str]  # (charged_to, staff id or department id)
    who: str
    is_head: bool
    count: int
    points: float
    multiplier: float
    note: str
    recorded_at: str  # local time
    voided: bool
    void_reason: str | None
    photos: int
    requirement: str | None = None  # rectification required of the department
    deadline: str | None = None  # rectification deadline (YYYY-MM-DD)
    staff_no: str | None = None  # 工号 of the person charged (None: the department)
    photo_paths: tuple[str, ...] = ()  # the live photos, relative to the data folder


@dataclass
class InspectionState:
    id: str
    status: str
    checklist: Checklist
    department_code: str
    department: str
    inspector: str
    co_inspector: str | None
    mode: str
    location: str | None
    started_at: str
    staff: list[StaffChoice]
    entries: list[Entry]
    score: InspectionScore
    subtotals: list[tuple[str, float]] = field(default_factory=list)  # (who, counted points), most first
    item_counts: Counter = field(default_factory=Counter)  # item code -> live occurrences

    @property
    def live_entries(self) -> list[Entry]:
        return [e for e in self.entries if not e.voided]

    @property
    def scored(self) -> bool:
        return isinstance(self.checklist.scoring, ScoredScoring)


def load_state(ws: Workspace, inspection_id: str) -> InspectionState:
    with ws.db.read() as session:
        inspection = session.get(Inspection, inspection_id)
        if inspection is None:
            raise NotFoundError(tr("No inspection with id {id}", id=inspection_id))
        department = session.get(Department, inspection.department_id)
        staff = [StaffChoice(s.staff_no, s.name, s.is_head, s.title) for s in session.scalars(
            select(Staff).where(Staff.department_id == inspection.department_id, Staff.active.is_(True))
            .order_by(Staff.is_head.desc(), Staff.staff_no))]
        checklist = ws.checklist_by_hash(inspection.checklist_hash)
        entries = _entries(session.connection(), checklist, inspection_id=inspection_id)
        state = InspectionState(
            inspection.id, inspection.status, checklist, department.code, department.name, inspection.inspector_name,
            inspection.co_inspector, inspection.mode, inspection.location,
            to_local(inspection.started_at, inspection.utc_offset_min) or "", staff, entries,
            score_inspection(checklist, []))
    _derive(state)
    return state


def update_entries(ws: Workspace, state: InspectionState, deduction_ids: Sequence[str]) -> tuple[list[int], int]:
    """Reload only these entries of `state` (just recorded, voided or restored) and recompute its totals, so a
    keypress on the recording screen reads a row or two instead of the whole inspection.

    Returns (rows replaced in place, how many were appended at the end)."""
    with ws.db.engine.connect() as connection:  # no ORM session: two plain reads
        fresh = _entries(connection, state.checklist, ids=deduction_ids)
    at = {entry.id: row for row, entry in enumerate(state.entries)}
    replaced, appended = [], 0
    for entry in fresh:
        row = at.get(entry.id)
        if row is None:
            state.entries.append(entry)
            appended += 1
        else:
            state.entries[row] = entry
            replaced.append(row)
    if appended:
        state.entries.sort(key=lambda e: e.seq)
    _derive(state)
    return replaced, appended


def add_recorded(state: InspectionState, recorded: Sequence[Recorded]) -> int | None:
    """Append entries `Recorder.record` just wrote to `state` from the rows it wrote, without reading them
    back (the same Entry a read gives), and recompute the totals. None when they cannot be made from memory
    (a person from another department, not in this inspection's roster): use update_entries then."""
    names = {member.staff_no: member.name for member in state.staff}
    fresh = []
    for row in recorded:
        deduction, rectification = row.deduction, row.rectification
        if deduction["inspection_id"] != state.id or (row.staff_no is not None and row.staff_no not in names):
            return None
        charged_to = deduction["charged_to"]
        person = row.staff_no is not None
        deadline = rectification["deadline"]
        fresh.append(Entry(
            deduction["id"], deduction["seq"], deduction["item_code"], state.checklist.item(deduction["item_code"])
            .text.zh, (charged_to, deduction["staff_id"] if person else deduction["department_id"]),
            f"{names[row.staff_no]}（{row.staff_no}）" if person else state.department, bool(deduction["is_head"]),
            deduction["count"], float(deduction["points"]), float(deduction["multiplier"]), deduction["note"],
            to_local(deduction["recorded_at"], deduction["utc_offset_min"]) or "", False, None,
            len(row.photo_paths), rectification["requirement"], deadline.isoformat() if deadline else None,
            row.staff_no, row.photo_paths))
    state.entries.extend(fresh)
    if any(a.seq > b.seq for a, b in zip(state.entries, state.entries[1:])):
        state.entries.sort(key=lambda e: e.seq)
    _derive(state)
    return len(fresh)


# built once (the recording screen runs these at every keypress): SQLAlchemy compiles each only once
_ENTRY_COLUMNS = (
    select(Deduction.id, Deduction.seq, Deduction.item_code, Deduction.charged_to, Deduction.staff_id,
           Deduction.department_id, Deduction.is_head, Deduction.count, Deduction.points, Deduction.multiplier,
           Deduction.note, Deduction.recorded_at, Deduction.utc_offset_min, Deduction.voided_at,
           Deduction.void_reason, Staff.name, Staff.staff_no, Department.name, Rectification.requirement,
           Rectification.deadline)
    .outerjoin(Staff, Deduction.staff_id == Staff.id)
    .join(Department, Deduction.department_id == Department.id)
    .outerjoin(Rectification, Rectification.deduction_id == Deduction.id)
    .order_by(Deduction.seq))
_ENTRIES_OF_INSPECTION = _ENTRY_COLUMNS.where(Deduction.inspection_id == bindparam("inspection"))
_ENTRIES_BY_ID = _ENTRY_COLUMNS.where(Deduction.id.in_(bindparam("ids", expanding=True)))
_PHOTOS = (select(Photo.deduction_id, Photo.path)
           .where(Photo.deduction_id.in_(bindparam("ids", expanding=True)), Photo.voided_at.is_(None))
           .order_by(Photo.added_at, Photo.id))


def _entries(connection: Connection, checklist: Checklist, *, inspection_id: str | None = None,
             ids: Sequence[str] = ()) -> list[Entry]:
    """Entries of one inspection, or of these deductions, in recording order: one query for the rows (with
    person, department and rectification joined) and one for their photos, however many entries there are."""
    texts = {item.code: item.text.zh for item in checklist.items()}
    rows = (connection.execute(_ENTRIES_OF_INSPECTION, {"inspection": inspection_id}) if inspection_id is not None
            else connection.execute(_ENTRIES_BY_ID, {"ids": list(ids)})).all()
    photos: dict[str, list[str]] = {}
    if rows:
        for deduction_id, path in connection.execute(_PHOTOS, {"ids": [row[0] for row in rows]}):
            photos.setdefault(deduction_id, []).append(path)
    entries = []
    for (deduction_id, seq, code, charged_to, staff_id, department_id, is_head, count, points, multiplier, note,
         recorded_at, offset, voided_at, void_reason, person, staff_no, department, requirement, deadline) in rows:
        target = staff_id if charged_to == ChargeTo.PERSON.value else department_id
        paths = tuple(photos.get(deduction_id, ()))
        entries.append(Entry(
            deduction_id, seq, code, texts.get(code, ""), (charged_to, target),
            f"{person}（{staff_no}）" if person else department, is_head, count, points, multiplier, note,
            to_local(recorded_at, offset) or "", voided_at is not None, void_reason, len(paths), requirement,
            deadline.isoformat() if deadline else None, staff_no, paths))
    return entries


def _derive(state: InspectionState) -> None:
    """The totals, subtotals and item marks, from the entries in memory (the scoring module's rules)."""
    checklist = state.checklist
    live = state.live_entries
    state.score = score_inspection(checklist, [ScoreEntry(e.item_code, *e.target_key, e.points) for e in live])
    names = {e.target_key: e.who for e in live}
    if state.scored:
        totals: Counter = Counter()
        for entry in live:
            totals[entry.who] += entry.points
        state.subtotals = sorted(totals.items(), key=lambda kv: -kv[1])
    else:
        state.subtotals = sorted(((names[key], points) for key, points in state.score.targets.items()),
                                 key=lambda kv: -kv[1])
    state.item_counts = Counter()
    for entry in live:
        state.item_counts[entry.item_code] += entry.count


def last_entry(state: InspectionState) -> tuple[str, list[str]] | None:
    """(item code, 工号 of the people) of the last live entry, for "same as last entry"; no people: it was
    charged to the department. One entry for several people is stored as one deduction each, recorded
    together (same item, same time, consecutive), so those are gathered back into one."""
    live = state.live_entries
    if not live:
        return None
    last = live[-1]
    people: list[str] = []
    for entry in reversed(live):
        if (entry.item_code, entry.recorded_at) != (last.item_code, last.recorded_at):
            break
        if entry.staff_no:
            people.insert(0, entry.staff_no)
    return last.item_code, people


@dataclass(frozen=True)
class Preview:
    points: float
    text: str


def preview(state: InspectionState, item_code: str, staff_nos: list[str], count: int) -> Preview:
    """What recording this entry would deduct, in words (head multiplier and caps included)."""
    checklist = state.checklist
    item = checklist.item(item_code)
    heads = {s.staff_no for s in state.staff if s.is_head}
    people = staff_nos or [None]
    total = 0.0
    notes = []
    for staff_no in people:
        charged = ChargeTo.PERSON.value if staff_no else ChargeTo.DEPARTMENT.value
        result = entry_points(checklist, item, count, charged, staff_no in heads)
        total += result.points
        if result.multiplier != 1:
            notes.append(tr("department head ×{m:g}", m=result.multiplier))
    if item.cap is not None:
        already = state.score.items.get(item_code)
        notes.append(tr("cap {cap:g} per inspection", cap=item.cap) + (
            tr(" (reached)") if already and already.counted >= item.cap else ""))
    if not item.deducts:  # 不扣分，限期整改: the finding opens a rectification and deducts nothing
        return Preview(0.0, tr("No points: opens a rectification due in {days} days",
                               days=checklist.deadline_days(item)))
    text = tr("Will deduct {points:g} points", points=total)
    if notes:
        text += "（" + "；".join(notes) + "）"
    return Preview(total, text)
