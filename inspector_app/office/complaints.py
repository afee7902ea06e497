"""The office's complaint register (投诉登记) over the central database: 001 §四 第7条 and 第8条.

第7条: "服务投诉：患者或其他科室职工向办公室、市卫健委或市级及以上相关部门（如 12345 等）投诉，经查实者每起扣个人 5 分。"
A complaint is received (source, complainant, department, the person if named, what was said), investigated,
then verified (查实) or found unfounded (不属实). Only a verified complaint charges: once, 第7条's item of the
assessment checklist, worked out by the one scoring module (a department head ×2 per the roster), in the month
of its verification. An unfounded one stays on record with no points. A complaint against a department with no
person named charges the department the same points (a local rule: 第7条 names only 个人).

第8条's referral (有违法情节的交相关部门依法处理) is a flag on the complaint: to whom, referred or handled.

Every change is appended to the office's trail (office_events); a mistaken complaint is voided with a reason,
never deleted. A verification, unfounding or voiding dated in a closed month is refused: that month's pay list
is handed on.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.core.checklists import ChecklistLibrary, content_hash
from inspector_app.core.checklists.models import Category, ChargeTo, Checklist, Item
from inspector_app.core.documents.bulletin_data import ComplaintLine
from inspector_app.core.errors import InputError, NotFoundError, StateError
from inspector_app.core.i18n import tr, tr_lang
from inspector_app.core.merge import models as m
from inspector_app.core.merge.complaint_twice import entries_charging
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.roster.models import Roster
from inspector_app.core.scoring import ScoreEntry, entry_points, inspection_result
from inspector_app.core.store.audit import canonical
from inspector_app.core.store.models import utcnow

SOURCES = ("12345", "卫健委", "院办", "科室", "患者及家属", "其他")
STATUSES = ("received", "investigating", "verified", "unfounded", "void")
OPEN = ("received", "investigating")
COMPLAINT_CHECKLIST = "svc-001-assessment"  # 001 §四, whose 投诉 item is 第7条
MAX_TEXT = 2000


@dataclass(frozen=True)
class NewComplaint:
    received_on: date
    source: str
    department_code: str
    summary: str
    staff_no: str | None = None
    complainant: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class ComplaintView:
    id: str
    number: str
    received_on: date
    source: str
    complainant: str
    department_code: str
    department_name: str
    staff_no: str | None
    staff_name: str | None
    is_head: bool
    summary: str
    evidence: str
    status: str
    decided_on: date | None
    decided_by: str | None
    decision_note: str
    local_month: str | None
    item_code: str | None
    points: float
    pay_percent: float
    referral_to: str | None
    referral_state: str | None
    referral_note: str


def _view(row: m.Complaint) -> ComplaintView:
    return ComplaintView(row.id, row.number, row.received_on, row.source, row.complainant, row.department_code,
                         row.department_name, row.staff_no, row.staff_name, row.is_head, row.summary, row.evidence,
                         row.status, row.decided_on, row.decided_by, row.decision_note, row.local_month,
                         row.item_code, row.points, row.pay_percent, row.referral_to, row.referral_state,
                         row.referral_note)



def _text(field: str, value: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InputError.single(field, tr("{field} must not be empty", field=field))
    if len(value) > MAX_TEXT:
        raise InputError.single(field, tr("{field} is longer than {max} characters", field=field, max=MAX_TEXT))
    return value


# -- which item a verified complaint charges ------------------------------------------------------------------
def complaint_item(library: ChecklistLibrary | None = None) -> tuple[Checklist, Item]:
    """第7条's item: the assessment checklist's 投诉 item that deducts from a person (001-assessment A7)."""
    library = library or ChecklistLibrary.load()
    checklist = library.get(COMPLAINT_CHECKLIST)
    for item in checklist.items():
        if item.category is Category.COMPLAINT and item.deducts and item.charge_to is ChargeTo.PERSON:
            return checklist, item
    raise NotFoundError(tr("The checklist {id} has no complaint item to charge.", id=COMPLAINT_CHECKLIST))


def _charge(checklist: Checklist, item: Item, staff_no: str | None, department: str,
            is_head: bool) -> tuple[str, float, float]:
    """(charged to, counted points, pay share %) of one verified complaint, by the one scoring module."""
    charged_to = ChargeTo.PERSON.value if staff_no else ChargeTo.DEPARTMENT.value
    stated = entry_points(checklist, item, 1, charged_to, is_head).points
    result = inspection_result(checklist, [ScoreEntry(item.code, charged_to, staff_no or department, stated)])
    return charged_to, result.points[0], result.pay_percent[0]


def _keep_snapshot(session: Session, checklist: Checklist) -> str:
    """The checklist the points came from, kept beside the merged ones (the pay list cites its clause)."""
    digest = content_hash(checklist)
    if session.get(m.ChecklistSnapshot, digest) is None:
        payload = {"content_hash": digest, "checklist_id": checklist.id, "version": checklist.version,
                   "body": checklist.model_dump(mode="json")}
        session.add(m.ChecklistSnapshot(id=digest, checklist_id=checklist.id, version=checklist.version,
                                        content_hash=hashlib.sha256(canonical(payload).encode()).hexdigest(),
                                        payload=payload))
    return digest


# -- the register ---------------------------------------------------------------------------------------------
def _event(session: Session, row: m.Complaint, action: str, by: str, now: datetime, **detail: Any) -> None:
    session.add(m.OfficeEvent(at=now, actor=by, action=f"complaint_{action}", subject=row.number,
                              detail={"complaint": row.id, "status": row.status, **detail}))


def _number(session: Session, year: int) -> str:
    prefix = f"TS-{year}-"
    last = session.scalar(select(func.max(m.Complaint.number)).where(m.Complaint.number.like(prefix + "%")))
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:04d}"


def _person(roster: Roster | None, staff_no: str | None, department: str) -> tuple[str | None, str | None, bool]:
    if not staff_no:
        return None, None, False
    if roster is None or not roster.staff:
        return staff_no, None, False
    found = next((s for s in roster.staff if s.staff_no == staff_no), None)
    if found is None:
        raise InputError.single("--staff-no", tr("工号 {number} is not in the roster.", number=staff_no))
    if found.department != department:
        raise InputError.single("--staff-no", tr("工号 {number} belongs to {department}, not {code}.", number=staff_no,
                                    department=found.department, code=department))
    return staff_no, found.name, found.is_head


def receive(central: CentralDB, new: NewComplaint, *, by: str, roster: Roster | None = None,
            now: datetime | None = None) -> ComplaintView:
    """Enter a complaint in the register (received; it charges nothing until verified)."""
    if new.source not in SOURCES:
        raise InputError.single("--source", tr("unknown source {source}: one of {choices}", source=new.source,
                                  choices="、".join(SOURCES)))
    summary, by = _text("--summary", new.summary, required=True), _text("--by", by, required=True)
    name = ""
    if roster is not None and roster.departments:
        found = next((d for d in roster.departments if d.code == new.department_code), None)
        if found is None:
            raise InputError.single("--department", tr("Department {code} is not in the roster.", code=new.department_code))
        name = found.name
    staff_no, staff_name, is_head = _person(roster, (new.staff_no or "").strip() or None, new.department_code)
    now = now or utcnow()

    def work(session: Session) -> ComplaintView:
        known = session.get(m.Department, new.department_code)
        row = m.Complaint(
            id=str(uuid.uuid4()), number=_number(session, new.received_on.year), received_on=new.received_on,
            source=new.source, complainant=_text("--complainant", new.complainant),
            department_code=new.department_code, department_name=name or (known.name if known else ""),
            staff_no=staff_no, staff_name=staff_name, is_head=is_head, summary=summary,
            evidence=_text("--evidence", new.evidence), status="received", decision_note="", points=0.0,
            pay_percent=0.0, referral_note="", received_by=by, updated_at=now)
        session.add(row)
        _event(session, row, "receive", by, now, source=row.source, department=row.department_code,
               staff_no=row.staff_no)
        return _view(row)

    return central.transaction(work)


def _load(session: Session, ref: str) -> m.Complaint:
    row = session.get(m.Complaint, ref) or session.scalar(select(m.Complaint).where(m.Complaint.number == ref))
    if row is None:
        raise NotFoundError(tr("No complaint {ref} in the register.", ref=ref))
    return row


def complaint_in(session: Session, ref: str) -> ComplaintView:
    """One complaint by number or id, as it stands in the session (the complaint notice reads it so)."""
    return _view(_load(session, ref))


def _month_open(session: Session, day: date) -> str:
    """`day`'s month, refused when closed; read under the lock a close waits for (merge/service.closed_months),
    so a verification and a close of its month never both succeed."""
    from inspector_app.core.merge.service import closed_months

    month = day.strftime("%Y-%m")
    if month in closed_months(session.connection()):
        raise StateError(tr("{month} is closed: a decision dated {day} would change figures already handed on; "
                            "date it in an open month.", month=month, day=day.isoformat()))
    return month


def investigate(central: CentralDB, ref: str, *, by: str, note: str = "", now: datetime | None = None
                ) -> ComplaintView:
    now = now or utcnow()

    def work(session: Session) -> ComplaintView:
        row = _load(session, ref)
        if row.status != "received":
            raise StateError(tr("Complaint {number} is {status}: only a received one goes under investigation.",
                                number=row.number, status=status_text(row.status)))
        row.status, row.updated_at = "investigating", now
        _event(session, row, "investigate", _text("--by", by, required=True), now, note=_text("--note", note))
        return _view(row)

    return central.transaction(work)


def decide(central: CentralDB, ref: str, verified: bool, *, by: str, on: date, note: str,
           library: ChecklistLibrary | None = None, now: datetime | None = None) -> ComplaintView:
    """查实 (`verified`: charges 第7条 in the month of `on`) or 不属实 (no points, kept on record)."""
    by, note, now = _text("--by", by, required=True), _text("--note", note, required=True), now or utcnow()
    checklist, item = complaint_item(library) if verified else (None, None)

    def work(session: Session) -> ComplaintView:
        row = _load(session, ref)
        if row.status not in OPEN:
            raise StateError(tr("Complaint {number} is {status} already.", number=row.number,
                                status=status_text(row.status)))
        if on < row.received_on:
            raise InputError.single("--on", tr("The decision ({on}) cannot come before the complaint was received ({received}).",
                                  on=on.isoformat(), received=row.received_on.isoformat()))
        month = _month_open(session, on)
        row.status, row.decided_on, row.decided_by, row.decision_note, row.updated_at = (
            "verified" if verified else "unfounded", on, by, note, now)
        already: list[tuple[str, str]] = []
        if checklist is not None and item is not None:
            row.charged_to, row.points, row.pay_percent = _charge(checklist, item, row.staff_no,
                                                                  row.department_code, row.is_head)
            row.checklist_hash, row.item_code, row.local_month = _keep_snapshot(session, checklist), item.code, month
            already = entries_charging(session, checklist.id, item.code, row.staff_no, row.department_code,
                                       f"{row.received_on:%Y-%m}", month)
            if already:  # an older checklist's inspector took it as an observation: verified, not charged twice
                row.points, row.pay_percent = 0.0, 0.0
                row.decision_note = note + tr(" (already charged by the inspectors' entries {entries}: not charged again)",
                                              entries=", ".join(f"{entry} ({when})" for entry, when in already))
        _event(session, row, "verify" if verified else "unfound", by, now, on=on.isoformat(), note=note,
               points=row.points, pay_percent=row.pay_percent, already_charged=[entry for entry, _ in already])
        return _view(row)

    return central.transaction(work)


def void(central: CentralDB, ref: str, *, by: str, reason: str, now: datetime | None = None) -> ComplaintView:
    """A complaint entered by mistake (or twice) stops counting; its row and trail stay."""
    by, reason, now = _text("--by", by, required=True), _text("--reason", reason, required=True), now or utcnow()

    def work(session: Session) -> ComplaintView:
        row = _load(session, ref)
        if row.status == "void":
            raise StateError(tr("Complaint {number} is {status} already.", number=row.number,
                                status=status_text(row.status)))
        if row.local_month is not None:
            _month_open(session, row.decided_on or row.received_on)
        row.status, row.updated_at, row.local_month = "void", now, None
        _event(session, row, "void", by, now, reason=reason)
        return _view(row)

    return central.transaction(work)


def refer(central: CentralDB, ref: str, *, by: str, to: str, handled: bool = False, note: str = "",
          now: datetime | None = None) -> ComplaintView:
    """第8条: 有违法情节的交相关部门依法处理 — referred to whom, and later handled."""
    by, to, now = _text("--by", by, required=True), _text("--to", to, required=True)[:128], now or utcnow()

    def work(session: Session) -> ComplaintView:
        row = _load(session, ref)
        row.referral_to, row.referral_state = to, "handled" if handled else "referred"
        row.referral_note, row.updated_at = _text("--note", note), now
        _event(session, row, "refer", by, now, to=to, state=row.referral_state, note=row.referral_note)
        return _view(row)

    return central.transaction(work)


def complaints(central: CentralDB, *, status: str | None = None, month: str | None = None,
               department: str | None = None) -> list[ComplaintView]:
    """The register, newest first; `month` matches the month received or the month counted."""
    if status is not None and status not in STATUSES:
        raise InputError.single("--status", tr("unknown status {status}: one of {choices}", status=status,
                                  choices="、".join(STATUSES)))
    C = m.Complaint
    query = select(C).order_by(C.received_on.desc(), C.number.desc())
    if status is not None:
        query = query.where(C.status == status)
    if department is not None:
        query = query.where(C.department_code == department)
    with central.read() as session:
        rows = list(session.scalars(query))
    if month is not None:
        rows = [r for r in rows if r.received_on.strftime("%Y-%m") == month or r.local_month == month]
    return [_view(r) for r in rows]


def verified_in(session: Session, month: str) -> list[m.Complaint]:
    """The complaints that count in `month` (verified then): what the month's figures and pay list add."""
    C = m.Complaint
    return list(session.scalars(select(C).where(C.local_month == month, C.status == "verified")
                                .order_by(C.decided_on, C.number)))


def status_text(status: str) -> str:
    return {"received": tr("complaint received"), "investigating": tr("complaint under investigation"),
            "verified": tr("complaint verified"), "unfounded": tr("complaint unfounded"),
            "void": tr("complaint voided")}.get(status, status)


def register_records(central: CentralDB, months: list[str]) -> tuple[Any, ...] | None:
    """The register as the quarterly selection reads it (award_rules.ComplaintRecord): every complaint verified
    in `months`, and every one received in them and still pending (shown, excluding nobody), against the person
    and against their window (000: 窗口及个人…无服务投诉). None when the register has never been used: "no
    complaint" is then not measured rather than met."""
    from inspector_app.office.award_rules import PERSON, WINDOW, ComplaintRecord

    C = m.Complaint
    first = date.fromisoformat(min(months) + "-01")
    year, month = (int(part) for part in max(months).split("-"))
    after = date(year + month // 12, month % 12 + 1, 1)
    with central.read() as session:
        if session.scalar(select(func.count()).select_from(C)) == 0:
            return None
        rows = list(session.scalars(select(C).where(
            (C.local_month.in_(months) & (C.status == "verified"))
            | (C.status.in_(OPEN) & (C.received_on >= first) & (C.received_on < after)))
            .order_by(C.received_on, C.number)))
    records = []
    for row in rows:
        verified = row.status == "verified"
        day = (row.decided_on if verified and row.decided_on else row.received_on).isoformat()
        text = f"{row.number} {row.summary}"
        records.append(ComplaintRecord(WINDOW, row.department_code, day, verified, text))
        if row.staff_no:
            records.append(ComplaintRecord(PERSON, row.staff_no, day, verified, text))
    return tuple(records)


def bulletin_lines(session: Session, month: str, lang: str = "zh") -> list[ComplaintLine]:
    """The register's part of the month's bulletin (documents.bulletin_data.ComplaintLine): complaints decided in
    `month` (查实 with the points they charged, 不属实 with none) and those referred (第8条 移交) that were received
    or decided in it, with whom they went to and whether it is handled. Voided ones are left out."""
    C = m.Complaint
    first = date.fromisoformat(month + "-01")
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    decided = (C.decided_on >= first) & (C.decided_on < after) & C.status.in_(("verified", "unfounded"))
    referred = C.referral_to.is_not(None) & (((C.received_on >= first) & (C.received_on < after)) | decided)
    rows = session.scalars(select(C).where(C.status != "void", decided | referred)
                           .order_by(C.decided_on, C.received_on, C.number))
    states = {"referred": tr_lang(lang, "referred"), "handled": tr_lang(lang, "handled")}
    lines = []
    for row in rows:
        person = f"{row.staff_name or ''}（{row.staff_no}）" if row.staff_no else ""
        referral = (f"{row.referral_to} · {states.get(row.referral_state or '', row.referral_state or '')}"
                    if row.referral_to else "")
        status = {"verified": tr_lang(lang, "complaint verified"), "unfounded": tr_lang(lang, "complaint unfounded"),
                  "received": tr_lang(lang, "complaint received"),
                  "investigating": tr_lang(lang, "complaint under investigation")}.get(row.status, row.status)
        day = row.decided_on if row.decided_on and row.status in ("verified", "unfounded") else row.received_on
        lines.append(ComplaintLine(row.number, row.department_name or row.department_code, person, row.summary,
                                   status, day.isoformat(), row.points if row.status == "verified" else 0.0,
                                   referral))
    return lines
