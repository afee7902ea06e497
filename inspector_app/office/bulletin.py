"""The 月度通报 from the central database (issue #14 part 2): every inspector's month in one bulletin.

The bulletin a laptop prints (core/documents/bulletin.py) is rendered from a BulletinContent; here the office
gathers that content from the central database:

- the summary is the month's (office/month.month_summary: frozen when the month was closed, else live), so the
  rankings are the ones the pay list and `merge --summary` give; departments by roster code, people by 工号, so
  a department two inspectors visited is one row;
- repeat problems: the same item of the same checklist deducted at least twice in the month in one department,
  over every inspector's live entries (bulletin_data.repeat_problems' rule; a closed month leaves out entries
  merged after its close, as its frozen summary does);
- overdue rectifications: the rectification ledger's (office/ledger.py), the office's decisions included;
- corrections (更正): entries of closed months that arrived after their close and that this month carries
  (pay_list.carried_entries_query, the same ones the month's pay list adds to the pay deductions).

Names: the hospital and the office printed on it are the caller's (the command line takes them from
`--hospital` / `--office`, else the office certificate and the data folder's settings). Numbers: a bulletin
the office issues is numbered TB-<YYYY-MM>-<nn>, nn counting the month's bulletins issued so far, and each
issue is an office event with the PDF's SHA-256, so a printed copy can be matched to the one issued.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import distinct, exists, func, select
from sqlalchemy.orm import Session

from inspector_app.core.checklists.models import Checklist
from inspector_app.core.documents.bulletin import render_content, write_content_xlsx
from inspector_app.core.documents.bulletin_data import (
    REPEAT_AT_LEAST,
    BulletinContent,
    Correction,
    OverdueItem,
    RepeatProblem,
)
from inspector_app.core.errors import AppError
from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import tr_lang
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.store.models import utcnow
from inspector_app.core.summary import parse_month
from inspector_app.office.ledger import ledger_in
from inspector_app.office.month import month_summary_in
from inspector_app.office.pay_list import carried_entries_query, pay_lines

NUMBER_PREFIX = "TB"  # 通报, as on the laptops' bulletins
ISSUE_ACTION = "issue_bulletin"


@dataclass(frozen=True)
class IssuedBulletin:
    number: str
    path: Path
    sha256: str


def _item_text(snapshot: m.ChecklistSnapshot | None, code: str, lang: str) -> str:
    try:
        return Checklist.model_validate(snapshot.payload["body"]).item(code).text.get(lang) if snapshot else ""
    except (ValueError, KeyError, TypeError):
        return ""


def repeat_problems_in(session: Session, month: str, lang: str = "zh") -> list[RepeatProblem]:
    """The same item deducted at least twice in the month in one department, whoever found it; most first."""
    D, I, S = m.Deduction, m.Inspection, m.ChecklistSnapshot
    late = exists().where(m.Adjustment.deduction_id == D.id)
    rows = session.execute(
        select(D.department_id, S.checklist_id, D.item_code, func.max(I.checklist_hash), func.sum(D.count),
               func.count(distinct(D.inspection_id)))
        .join(I, I.id == D.inspection_id).join(S, S.id == I.checklist_hash)
        .where(D.local_month == month, D.voided_at.is_(None), ~late)
        .group_by(D.department_id, S.checklist_id, D.item_code)
        .having(func.sum(D.count) >= REPEAT_AT_LEAST)).all()
    names = dict(session.execute(select(m.Department.id, m.Department.name)).all())
    snapshots = {digest: session.get(S, digest) for digest in {row[3] for row in rows}}
    found = [RepeatProblem(names.get(code, code), item, _item_text(snapshots[digest], item, lang), int(total),
                           int(inspections))
             for code, _, item, digest, total, inspections in rows]
    found.sort(key=lambda r: (-r.occurrences, r.department, r.item_code))
    return found


def overdue_in(session: Session, today: date, lang: str = "zh") -> list[OverdueItem]:
    """The ledger's overdue items as of `today` (the office's decisions applied), longest overdue first."""
    items = [OverdueItem(i.department, i.item_code, i.item_text, i.person or None, i.deadline, i.days_overdue)
             for i in ledger_in(session, status="overdue", today=today, lang=lang)]
    items.sort(key=lambda i: (-i.days_overdue, i.department, i.item_code))
    return items


def corrections_in(session: Session, month: str, closed: bool, lang: str = "zh") -> list[Correction]:
    """Entries of closed months merged after their close that this month carries (its pay list's corrections)."""
    return [Correction(line.month, line.date, line.department or line.department_code,
                       f"{line.name}（{line.staff_no}）" if line.staff_no else "", line.item_code, line.item_text,
                       line.points, line.pay_percent)
            for line in pay_lines(session, carried_entries_query(month, closed), lang)]


def central_content(central: CentralDB, month: str, *, hospital: str, office: str, today: date,
                    lang: str = "zh") -> BulletinContent:
    """The month's bulletin over every merged inspection; overdue rectifications as of `today`."""
    month = parse_month(month)
    with central.read() as session:
        closed = session.get(m.MonthClose, month) is not None
        return BulletinContent(hospital, office, month, today, month_summary_in(session, month),
                               repeat_problems_in(session, month, lang), overdue_in(session, today, lang),
                               corrections_in(session, month, closed, lang), provisional=not closed)


def bulletin_number(month: str, issue: int) -> str:
    return f"{NUMBER_PREFIX}-{month}-{issue:02d}"


def issue_bulletin_pdf(central: CentralDB, content: BulletinContent, path: Path, *, issued_by: str,
                       lang: str = "zh", now: datetime | None = None) -> IssuedBulletin:
    """Number, render and write the PDF, and record the issue (number, SHA-256) as an office event, in one
    transaction: the file is written before the event commits, so a failure can leave a file without its
    event, never an event without its file; two offices issuing at once get different numbers."""
    path = Path(path)
    by = (issued_by.strip() or content.office)[:64]

    def work(session: Session) -> IssuedBulletin:
        if session.get_bind().dialect.name == "postgresql":  # one issuer counts at a time (SQLite: BEGIN IMMEDIATE)
            session.execute(select(1))
            session.connection().exec_driver_sql("LOCK TABLE office_events IN SHARE ROW EXCLUSIVE MODE")
        issued = session.scalar(select(func.count()).select_from(m.OfficeEvent).where(
            m.OfficeEvent.action == ISSUE_ACTION, m.OfficeEvent.subject == content.month)) or 0
        number = bulletin_number(content.month, issued + 1)
        pdf = render_content(content, number, lang=lang)
        digest = hashlib.sha256(pdf).hexdigest()
        write_atomic(path, pdf)
        session.add(m.OfficeEvent(at=now or utcnow(), actor=by, action=ISSUE_ACTION, subject=content.month, detail={
            "number": number, "sha256": digest, "file": path.name, "provisional": content.provisional,
            "as_of": content.today.isoformat(), "lang": lang}))
        return IssuedBulletin(number, path, digest)

    path.parent.mkdir(parents=True, exist_ok=True)
    return central.transaction(work)


def write_bulletin(central: CentralDB, content: BulletinContent, path: Path, *, issued_by: str = "",
                   lang: str = "zh") -> IssuedBulletin | Path:
    """`path` ending .pdf: the issued, numbered PDF; .xlsx: the bulletin's tables (not numbered)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return issue_bulletin_pdf(central, content, path, issued_by=issued_by, lang=lang)
    if suffix == ".xlsx":
        return write_content_xlsx(content, path, lang=lang)
    raise AppError(tr_lang(lang, "the bulletin is written as .pdf or .xlsx"))
