"""The hospital's rectification ledger (整改台账) over the central database: every item of every inspector.

A laptop sends each rectification item with its inspection, as it stood then (open, rectified or verified);
merging never changes a row, so what happens afterwards is the office's: its decisions (table
`rectification_decisions`, appended, never changed) — verified on re-inspection, reopened (back to open,
optionally with a new deadline), deadline extended, waived. The newest decision is the item's status; the
deadline is the one the newest decision that set one gave, else the laptop's — counted from the day the
inspection's rectification notice for the department was issued, when one was (never before it: the notice
printed that deadline). "Overdue" is never stored: an
item is overdue when it is open after its deadline as of `today` (core/rectification.effective_status, as on
the laptop).

Decisions reach the laptops through the existing publication path: `status_file` writes the
RectificationStatusFile (version 2) that `office publish --rectifications FILE` takes, and
`office publish --rectifications-from URL` publishes the same from the central database. Every decision is
published, extended deadlines and waivers included (who decided, when, the new deadline, the reason); a laptop
that pulls shows them in its rectification list and to-do page and no longer counts the item overdue.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from inspector_app.core.checklists.models import Checklist
from inspector_app.core.errors import AppError, InputError, Problem, StateError
from inspector_app.core.i18n import language, tr, tr_lang
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.rectification import (
    counted_from_notice,
    days_late,
    effective_status,
    first_notices,
    late_consequence,
    local_day,
)
from inspector_app.core.sync import published_format as fmt

DECISIONS = ("verified", "reopened", "extended", "waived")
STATUSES = ("open", "overdue", "rectified", "verified", "waived")
MAX_NOTE = 2000  # what a published status note may hold
_BASE = {"open": "open", "overdue": "open", "rectified": "rectified", "verified": "verified"}  # stored status


@dataclass(frozen=True)
class LedgerItem:
    """One rectification item as the office follows it."""

    id: str
    department_code: str
    department: str
    item_code: str
    item_text: str
    clause: str  # the standard's section and quote the item rests on
    staff_no: str  # "" when the department itself was charged
    person: str
    inspector: str
    inspection_id: str
    inspection_date: str  # local date of the inspection
    requirement: str
    note: str  # what the inspector wrote for the entry
    deadline: date  # effective: the newest decision's new deadline, else the laptop's
    status: str  # open / overdue / rectified / verified / waived
    days_overdue: int
    stored_status: str  # as the laptop sent it
    decision: str | None = None  # the newest decision
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    consequence: str = ""  # what the standard says follows so late (002 篇七: 逾期超过10日，可终止合同), or ""


@dataclass(frozen=True)
class _Decision:
    decision: str
    deadline: date | None
    note: str
    decided_by: str
    decided_at: datetime


def resolve(stored: str, deadline: date, decisions: Sequence[_Decision], today: date) -> tuple[str, date]:
    """(status, effective deadline) of an item: `decisions` oldest first, the newest one winning."""
    status, due = stored, deadline
    for d in decisions:
        if d.deadline is not None:
            due = d.deadline
        status = {"verified": "verified", "reopened": "open", "waived": "waived"}.get(d.decision, status)
    return effective_status(status, due, today), due


def _checklist(payload: Any) -> Checklist | None:
    try:
        return Checklist.model_validate(payload["body"])
    except (ValidationError, KeyError, TypeError):
        return None


def _query(status: str | None, department: str | None, ids: Sequence[str] | None) -> Select[Any]:
    R, D, I = m.Rectification, m.Deduction, m.Inspection
    query = (select(R.id, R.deadline, R.status, R.payload, R.department_id, D.item_code, D.staff_no, D.staff_name,
                    D.note, I.id.label("inspection_id"), I.inspector_name, I.inspector_no, I.payload.label("ip"),
                    I.checklist_hash, D.recorded_at, D.payload.label("dp"))
             .join(D, D.id == R.deduction_id).join(I, I.id == D.inspection_id)
             .where(R.status != "void", D.voided_at.is_(None))
             .order_by(R.deadline, R.department_id, D.item_code, R.id))
    if department:  # a roster code, or a department's name
        named = select(m.Department.id).where(m.Department.name == department)
        query = query.where((R.department_id == department) | R.department_id.in_(named))
    if ids is not None:
        query = query.where(R.id.in_(ids))
    if status:  # only rows that can have it: stored so, or decided on since
        decided = R.id.in_(select(m.RectificationDecision.rectification_id))
        query = query.where((R.status == _BASE[status]) | decided if status in _BASE else decided)
    return query


def _decisions(session: Session) -> dict[str, list[_Decision]]:
    RD = m.RectificationDecision
    found: dict[str, list[_Decision]] = {}
    for row in session.execute(select(RD).order_by(RD.decided_at, RD.id)).scalars():
        found.setdefault(row.rectification_id, []).append(
            _Decision(row.decision, row.deadline, row.note, row.decided_by, row.decided_at))
    return found


def ledger_in(session: Session, *, status: str | None = None, department: str | None = None, today: date,
              lang: str = "zh", ids: Sequence[str] | None = None) -> list[LedgerItem]:
    if status is not None and status not in STATUSES:
        raise InputError([Problem("--status", None, "", tr("unknown status {status}: one of {choices}",
                                                           status=status, choices=", ".join(STATUSES)))])
    rows = session.execute(_query(status, department, ids)).all()
    decisions = _decisions(session) if rows else {}
    notices = first_notices(session, m.Document) if rows else {}
    names = dict(session.execute(select(m.Department.id, m.Department.name)).all())
    checklists: dict[str, Checklist | None] = {}
    items = []
    for row in rows:
        if row.checklist_hash not in checklists:
            snapshot = session.get(m.ChecklistSnapshot, row.checklist_hash)
            checklists[row.checklist_hash] = _checklist(snapshot.payload) if snapshot is not None else None
        item = _item(row, checklists[row.checklist_hash], decisions.get(row.id, []), names, today, lang,
                     notices.get((row.inspection_id, row.department_id)))
        if status is None or item.status == status:
            items.append(item)
    items.sort(key=lambda i: (i.deadline, i.department_code, i.item_code, i.id))
    return items


def ledger(central: CentralDB, *, status: str | None = None, department: str | None = None, today: date,
           lang: str = "zh") -> list[LedgerItem]:
    """Every live rectification item of every inspector (status and department filters), soonest deadline
    first; `today` decides what is overdue."""
    with central.read() as session:
        return ledger_in(session, status=status, department=department, today=today, lang=lang)


def laptop_deadline(row: Any, notice: datetime | None) -> date:
    """The deadline as the laptop gave it, counted from the day its rectification notice was issued when one
    was (core/rectification.counted_from_notice: never before the notice)."""
    offset = int((row.dp or {}).get("utc_offset_min", 0))
    return counted_from_notice(row.deadline, local_day(row.recorded_at, offset),
                               local_day(notice, offset) if notice is not None else None)


def _item(row: Any, checklist: Checklist | None, decisions: list[_Decision], names: dict[str, str], today: date,
          lang: str, notice: datetime | None = None) -> LedgerItem:
    try:
        found = checklist.item(row.item_code) if checklist is not None else None
    except KeyError:
        found = None
    state, due = resolve(row.status, laptop_deadline(row, notice), decisions, today)
    last = decisions[-1] if decisions else None
    late = 0
    if state == "overdue":
        late = days_late(due, today)
    elif state in ("rectified", "verified"):  # put right, but how late (the rectification record says when)
        rectified = _moment((row.payload or {}).get("rectified_at"))
        offset = int((row.dp or {}).get("utc_offset_min", 0))
        late = days_late(due, today, local_day(rectified, offset)) if rectified is not None else 0
    inspector = f"{row.inspector_name}（{row.inspector_no}）" if row.inspector_no else row.inspector_name
    return LedgerItem(
        row.id, row.department_id, names.get(row.department_id, ""), row.item_code,
        found.text.get(lang) if found is not None else "",
        (f"{checklist.citation(found.source.file, lang)}{found.source.section}：{found.source.quote}"
         if found is not None and checklist is not None else ""),
        row.staff_no or "", row.staff_name or "", inspector, row.inspection_id, str((row.ip or {}).get("local_date", "")),
        str((row.payload or {}).get("requirement", "")), row.note or "", due, state,
        (today - due).days if state == "overdue" else 0, row.status,
        last.decision if last else None, last.decided_by if last else None, last.decided_at if last else None,
        last.note if last else None, late_consequence(found, late, lang))


def _moment(value: Any) -> datetime | None:
    """A moment as the bundle's JSON carries it (ISO text), or None."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# -- the office decides -------------------------------------------------------------------------------------

def _check(decision: str, decided_by: str, note: str, deadline: date | None) -> None:
    """What can be refused before reading anything."""
    if decision not in DECISIONS:
        raise InputError.single("--decision", tr("unknown decision {decision}: one of {choices}", decision=decision,
                                    choices=", ".join(DECISIONS)))
    if not decided_by.strip():
        raise InputError.single("--by", tr("say who decides"))
    if len(decided_by.strip()) > 64:
        raise InputError.single("--by", tr("at most {n} characters", n=64))
    if len(note) > MAX_NOTE:
        raise InputError.single("--note", tr("at most {n} characters", n=MAX_NOTE))
    if decision == "extended" and deadline is None:
        raise InputError.single("--deadline", tr("an extension needs the new deadline"))
    if decision in ("verified", "waived") and deadline is not None:
        raise InputError.single("--deadline", tr("only an extension or a reopening takes a new deadline"))
    if decision == "waived" and not note.strip():
        raise InputError.single("--note", tr("say why the item is waived"))


def _allowed(decision: str, item: LedgerItem, deadline: date | None, today: date) -> None:
    """What the item's current state allows (StateError), and a deadline that moves it on (InputError)."""
    status = item.status
    if decision == "verified" and status == "verified":
        raise StateError(tr("This item is already verified."))
    if decision == "waived" and status in ("verified", "waived"):
        raise StateError(tr("This item is already {status}.", status=status_text(status)))
    if decision == "reopened" and status in ("open", "overdue"):
        raise StateError(tr("This item is open already; to give it more time, extend its deadline."))
    if decision == "extended" and status not in ("open", "overdue"):
        raise StateError(tr("Only an open item's deadline can be extended; this one is {status}.",
                            status=status_text(status)))
    if decision == "extended" and deadline is not None and deadline <= item.deadline:
        raise InputError.single("--deadline", tr("the new deadline must be later than the current one ({deadline})",
                                    deadline=item.deadline.isoformat()))
    if decision == "reopened" and deadline is not None and deadline < today:
        raise InputError.single("--deadline", tr("the new deadline cannot be in the past"))


def decide(central: CentralDB, rectification_id: str, decision: str, *, decided_by: str, note: str = "",
           deadline: date | None = None, now: datetime, lang: str = "zh") -> LedgerItem:
    """Record the office's decision on one item with its OfficeEvent, in one transaction; returns the item as
    it now stands. Refused (nothing written) for an unknown item or decision, or one its state does not allow.

    Decisions are ordered by time: one made on a clock behind the item's newest decision is dated just after
    it, so the newest decision is always the last one made."""
    _check(decision, decided_by, note, deadline)
    by, text = decided_by.strip(), note.strip()
    today = now.astimezone().date()

    def work(session: Session) -> LedgerItem:
        found = ledger_in(session, today=today, lang=lang, ids=[rectification_id])
        if not found:
            raise InputError.single("--item", tr("No rectification item with id {id}", id=rectification_id))
        item = found[0]
        _allowed(decision, item, deadline, today)
        at = now if item.decided_at is None or now > item.decided_at else item.decided_at + timedelta(milliseconds=1)
        record = m.RectificationDecision(id=str(uuid.uuid4()), rectification_id=item.id, decision=decision,
                                         deadline=deadline, note=text, decided_by=by, decided_at=at)
        session.add(record)
        session.flush()
        after = ledger_in(session, today=today, lang=lang, ids=[item.id])[0]
        session.add(m.OfficeEvent(at=at, actor=by, action="rectification_decision", subject=item.id, detail={
            "decision_id": record.id, "decision": decision, "deadline": deadline.isoformat() if deadline else None,
            "note": text, "before": item.status, "after": after.status,
            "department": item.department_code, "item": item.item_code}))
        return after

    return central.transaction(work)


def status_text(status: str, lang: str | None = None) -> str:
    """A status as people read it."""
    lang = lang or language()
    words = {"open": tr_lang(lang, "open"), "overdue": tr_lang(lang, "overdue"),
             "rectified": tr_lang(lang, "rectified"), "verified": tr_lang(lang, "verified"),
             "waived": tr_lang(lang, "waived")}
    return words.get(status, status)


def decision_text(decision: str, lang: str | None = None) -> str:
    lang = lang or language()
    words = {"verified": tr_lang(lang, "verified on re-inspection"), "reopened": tr_lang(lang, "reopened"),
             "extended": tr_lang(lang, "deadline extended"), "waived": tr_lang(lang, "waived")}
    return words.get(decision, decision)


# -- publishing the decisions to the laptops ----------------------------------------------------------------
def status_file(central: CentralDB) -> fmt.RectificationStatusFile:
    """The office's decisions as the laptops take them (format version 2): per item decided on, its newest
    decision (verified, reopened, extended with the new deadline, waived) with who decided, when and why."""
    from inspector_app.core.sync.publish import decided_statuses

    with central.read() as session:
        items = decided_statuses(session)
    return fmt.RectificationStatusFile(format=fmt.STATUS_FORMAT, version=fmt.STATUS_VERSION, items=items)


def write_status_file(body: fmt.RectificationStatusFile, path: Path) -> Path:
    """The file `office publish --rectifications FILE` reads."""
    import json

    from inspector_app.core.files import write_atomic

    path = Path(path)
    write_atomic(path, (json.dumps(body.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n")
                 .encode("utf-8"))
    return path


# -- the ledger as a table and a workbook --------------------------------------------------------------------
def header(lang: str) -> list[str]:
    return [tr_lang(lang, "Item id"), tr_lang(lang, "Code"), tr_lang(lang, "Department / window"),
            tr_lang(lang, "Item"), tr_lang(lang, "Inspection item"), tr_lang(lang, "Staff no."),
            tr_lang(lang, "Name"), tr_lang(lang, "Inspector"), tr_lang(lang, "Inspection date"),
            tr_lang(lang, "Requirement"), tr_lang(lang, "Deadline"), tr_lang(lang, "Status"),
            tr_lang(lang, "Days overdue"), tr_lang(lang, "Decision"), tr_lang(lang, "Decided by"),
            tr_lang(lang, "Decided at"), tr_lang(lang, "Decision note")]


def rows(items: Sequence[LedgerItem], lang: str) -> list[list[Any]]:
    return [[i.id, i.department_code, i.department, i.item_code, i.item_text, i.staff_no, i.person, i.inspector,
             i.inspection_date, i.requirement, i.deadline.isoformat(),
             status_text(i.status, lang) + (f"（{i.consequence}）" if i.consequence else ""), i.days_overdue,
             decision_text(i.decision, lang) if i.decision else "", i.decided_by or "",
             f"{i.decided_at.astimezone():%Y-%m-%d %H:%M}" if i.decided_at else "", i.decision_note or ""]
            for i in items]


def write_ledger_xlsx(items: Sequence[LedgerItem], path: Path, lang: str = "zh") -> Path:
    """The ledger as a workbook (one sheet, every column)."""
    from openpyxl import Workbook

    from inspector_app.core.spreadsheet import write_sheets

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise AppError(tr_lang(lang, "The ledger is written as .xlsx."))
    book = Workbook()
    book.remove(book.active)
    write_sheets(book, [(tr_lang(lang, "Rectification ledger"), header(lang), rows(items, lang))])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path

