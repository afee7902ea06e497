"""The 绩效扣减明细 for the 审计科 (001 §四: 1 point = 1% of performance pay), from the central database.

Per person (工号) and per department (roster code) the month's points and pay share come from the month's
summary (office/month.py: the central summary, frozen when the month was closed), so the pay list and the
summary cannot disagree; beside them every live entry of the month with its date, item, clause, inspector,
counted points and pay share, so each figure can be traced to what was found.

A closed month's pay list never changes: entries of that month merged after the close (Adjustments) are left
out of it and listed instead, as corrections (更正), by the month that carries them (the next one closed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from inspector_app.core.checklists.models import Checklist
from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr_lang
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.summary import summary_in
from inspector_app.core.scoring import ROUND, MonthlySummary, clamp_percent
from inspector_app.core.store.audit import canonical
from inspector_app.office.frozen_lines import frozen_lines
from inspector_app.office.month_rows import driver_rows
from inspector_app.office.pay_lines import (
    PayLine,
    PayLines,
    code_point_order,
    figures_of,
    line_text,
    prepare,
)
from inspector_app.office.period_corrections import period_changes, withdrawn_line


@dataclass(frozen=True)
class PersonPay:
    """What the 审计科 takes off one person's pay this month: the month's own share plus corrections."""

    staff_no: str
    name: str
    department_code: str
    department: str
    occurrences: int
    points: float
    pay_percent: float
    carried_points: float  # corrections (更正) of closed months carried by this month
    carried_pay: float
    total_pay: float  # capped at 100%


@dataclass(frozen=True)
class DepartmentPay:
    """What the 审计科 takes off one department's pay (its own points, not its staff's) plus corrections."""

    code: str
    name: str
    points: float
    pay_percent: float
    carried_points: float
    carried_pay: float
    total_pay: float  # capped at 100%


@dataclass(frozen=True)
class PayList:
    month: str
    summary: MonthlySummary
    lines: Sequence[PayLine]  # a PayLines as read from the database
    adjustments: Sequence[PayLine] = field(default_factory=list)  # corrections this month carries
    closed_at: datetime | None = None

    def people(self) -> list[PersonPay]:
        """Every person with points this month or a correction carried, by 工号."""
        carried: dict[str, list[PayLine]] = {}
        for line in self.adjustments:
            if line.staff_no:
                carried.setdefault(line.staff_no, []).append(line)
        own = {p.staff_no: p for p in self.summary.persons}
        found = []
        for staff_no in sorted(own.keys() | carried.keys()):
            person, extra = own.get(staff_no), carried.get(staff_no, [])
            if person is None and not any(line.points for line in extra):
                continue  # corrections worth no points (a scored checklist's): nothing to take off
            first = extra[0] if extra else None
            points = round(sum(line.points for line in extra), ROUND)
            pay = round(sum(line.pay_percent for line in extra), ROUND)
            own_pay = person.pay_percent if person else 0.0
            found.append(PersonPay(
                staff_no, person.name if person else first.name,  # type: ignore[union-attr]
                person.department_code if person else first.department_code,  # type: ignore[union-attr]
                person.department if person else first.department,  # type: ignore[union-attr]
                person.occurrences if person else 0, person.points if person else 0.0, own_pay, points, pay,
                clamp_percent(round(own_pay + pay, ROUND))))
        return found

    def departments(self) -> list[DepartmentPay]:
        """Every department with its own points this month or a correction of its own carried, by code."""
        carried: dict[str, list[PayLine]] = {}
        for line in self.adjustments:
            if not line.staff_no:
                carried.setdefault(line.department_code, []).append(line)
        own = {d.code: d for d in self.summary.departments if d.own_points}
        found = []
        for code in sorted(own.keys() | carried.keys()):
            department, extra = own.get(code), carried.get(code, [])
            if department is None and not any(line.points for line in extra):
                continue
            points = round(sum(line.points for line in extra), ROUND)
            pay = round(sum(line.pay_percent for line in extra), ROUND)
            own_pay = department.pay_percent if department else 0.0
            found.append(DepartmentPay(
                code, department.name if department else extra[0].department,
                department.own_points if department else 0.0, own_pay, points, pay,
                clamp_percent(round(own_pay + pay, ROUND))))
        return found

    def figures(self) -> dict[str, Any]:
        """Every figure the pay list hands on (not when it was generated): what a closed month freezes."""
        summary = self.summary.to_dict()
        summary.pop("generated_at", None)
        return {"month": self.month, "summary": summary, "lines": [figures_of(line) for line in self.lines],
                "adjustments": [figures_of(line) for line in self.adjustments]}

    def figures_sha256(self) -> str:
        """SHA-256 of canonical(figures()), hashed piece by piece from the lines' own JSON texts (a year's
        month has 778,000 lines: no line is made, no dictionary of them built)."""
        summary = self.summary.to_dict()
        summary.pop("generated_at", None)
        digest = hashlib.sha256(b'{"adjustments":[')
        _hash_figures(digest, self.adjustments)
        digest.update(b'],"lines":[')
        _hash_figures(digest, self.lines)
        digest.update(f'],"month":{canonical(self.month)},"summary":{canonical(summary)}}}'.encode())
        return digest.hexdigest()


def _hash_figures(digest: Any, lines: Sequence[PayLine]) -> None:
    texts = lines.figure_texts() if isinstance(lines, PayLines) else [canonical(figures_of(line)) for line in lines]
    for n in range(0, len(texts), 10_000):
        digest.update(("," if n else "").encode() + ",".join(texts[n:n + 10_000]).encode())


def _checklist(payload: Any) -> Checklist | None:
    try:
        return Checklist.model_validate(payload["body"])
    except (ValidationError, KeyError, TypeError):
        return None


def _entries_query(session: Session) -> Select[Any]:
    """Each live entry as one text: its figures as canonical JSON (what the close hashes, built by the
    database: office/pay_lines.py), a unit separator and its checklist snapshot (for the item's text and
    clause, worked out once per item). In the pay list's order (by month, 工号, time recorded, id)."""
    D, I = m.Deduction, m.Inspection
    line = line_text(session)
    staff_no, key = (D.staff_no.collate("C"), D.id.collate("C")) if code_point_order(session) else (D.staff_no, D.id)
    query = (select(line + "\x1f" + I.checklist_hash).select_from(D)
             .join(I, I.id == D.inspection_id)
             .outerjoin(m.Department, m.Department.id == D.department_id))
    return query.where(D.voided_at.is_(None)).order_by(D.local_month, staff_no, D.recorded_at, key)


def month_entries_query(session: Session, month: str) -> Select[Any]:
    """The month's live entries, less those merged after the month was closed (they are corrections)."""
    late = exists().where(m.Adjustment.deduction_id == m.Deduction.id)
    query = _entries_query(session).where(m.Deduction.local_month == month)
    if session.scalar(select(exists().where(m.Adjustment.entry_month == month))):  # only a closed month has them
        query = query.where(~late)
    return query


def carried_entries_query(session: Session, month: str, closed: bool) -> Select[Any]:
    """Corrections this month carries: those its close took over, or (still open) all not yet carried. A
    period rule's late entries are not among them: period_corrections.py carries what they change."""
    A = m.Adjustment
    query = _entries_query(session).join(A, A.deduction_id == m.Deduction.id).where(m.Deduction.period.is_(None))
    if closed:
        return query.where(A.carried_by == month)
    return query.where(A.carried_by.is_(None), A.entry_month < month)


def carried_lines(session: Session, month: str, closed_at: datetime | None, lang: str) -> list[PayLine]:
    """The corrections `month` carries: late ordinary entries in full, and for the period rules of closed
    months the difference the late records make (a charge added, a charge the closed month counted withdrawn)."""
    lines = list(pay_lines(session, carried_entries_query(session, month, closed_at is not None), lang))
    added, withdrawn = period_changes(session, month, closed_at)
    if added:
        lines += pay_lines(session, _entries_query(session).where(m.Deduction.id.in_(sorted(added))), lang)
    if withdrawn:
        lines += [withdrawn_line(line, lang) for line in
                  pay_lines(session, _entries_query(session).where(m.Deduction.id.in_(sorted(withdrawn))), lang)]
    return lines


def pay_lines(session: Session, query: Select[Any], lang: str) -> PayLines:
    """The lines of `query`'s entries. A month at a year's scale has hundreds of thousands: each comes from
    the database as one text (its figures' JSON and its checklist), kept as it is; a line is made of it only
    when asked for, and an item's text and clause, worked out once per item, only then."""
    prepare(session)
    return lines_of(session, [line for (line,) in driver_rows(session, query)], lang)


def lines_of(session: Session, raw: list[str], lang: str) -> PayLines:
    """PayLines over the database's texts `raw` (read now, or kept by the month's close)."""
    lines = PayLines(raw, lambda digest, code: _item(checklists.get(digest), code, lang))
    checklists: dict[str, Checklist | None] = {}
    for digest in lines.digests():
        snapshot = session.get(m.ChecklistSnapshot, digest)
        checklists[digest] = _checklist(snapshot.payload) if snapshot is not None else None
    return lines


def _item(checklist: Checklist | None, code: str, lang: str) -> tuple[str, str]:
    """An item's text and the clause it rests on (the standard's section and quote), "" when not found."""
    try:
        item = checklist.item(code) if checklist is not None else None
    except KeyError:
        item = None
    if item is None or checklist is None:
        return "", ""
    return (item.text.get(lang),
            f"{checklist.citation(item.source.file, lang)}{item.source.section}：{item.source.quote}")


def month_summary_in(session: Session, month: str) -> MonthlySummary:
    """The month's summary: as frozen when the office closed it, else worked out from the central data now."""
    closed = session.get(m.MonthClose, month)
    return MonthlySummary.from_dict(closed.summary) if closed is not None else summary_in(session, month)


def pay_list(central: CentralDB, month: str, lang: str = "zh") -> PayList:
    """The month's pay list: its summary's totals, every live entry behind them, the corrections it carries."""
    with central.read() as session:
        return pay_list_in(session, month, month_summary_in(session, month), lang)


def pay_list_in(session: Session, month: str, summary: MonthlySummary, lang: str = "zh",
                closed_at: datetime | None = None) -> PayList:
    closed = session.get(m.MonthClose, month)
    closed_at = closed.closed_at if closed is not None else closed_at
    kept = frozen_lines(session, month) if closed is not None else None  # as the close hashed them
    lines = pay_lines(session, month_entries_query(session, month), lang) if kept is None else \
        lines_of(session, kept, lang)
    lines.extend(complaint_lines(session, month, lang))
    return PayList(month, summary, lines,
                   carried_lines(session, month, closed.closed_at if closed is not None else None, lang), closed_at)


def complaint_lines(session: Session, month: str, lang: str) -> list[PayLine]:
    """The complaints verified in `month` (投诉登记, 001 第7条), one line each, dated on verification."""
    from inspector_app.office.complaints import verified_in

    lines = []
    for row in verified_in(session, month):
        snapshot = session.get(m.ChecklistSnapshot, row.checklist_hash) if row.checklist_hash else None
        checklist = _checklist(snapshot.payload) if snapshot is not None else None
        try:
            item = checklist.item(row.item_code or "") if checklist is not None else None
        except KeyError:
            item = None
        lines.append(PayLine(
            month, row.decided_on.isoformat() if row.decided_on else "", row.staff_no or "", row.staff_name or "",
            row.department_code, row.department_name, row.item_code or "",
            item.text.get(lang) if item is not None else "",
            f"{item.source.section}：{item.source.quote}" if item is not None else "",
            tr_lang(lang, "complaint {number} ({source})", number=row.number, source=row.source), 1, row.points,
            row.pay_percent))
    return lines


def _line_row(line: PayLine) -> list[Any]:
    return [line.date, line.staff_no, line.name, line.department_code, line.department, line.item_code,
            line.item_text, line.clause, line.inspector, line.count, line.points, line.pay_percent]


class LineRows(Sequence[list[Any]]):
    """The entries' table rows, made from the lines as they are read (a year's month has 778,000)."""

    def __init__(self, lines: Sequence[PayLine]):
        self.lines = lines

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [_line_row(line) for line in self.lines[index]]
        return _line_row(self.lines[index])

    def __iter__(self) -> Iterator[list[Any]]:
        if isinstance(self.lines, PayLines):
            return self.lines.table_rows(_line_row)
        return map(_line_row, self.lines)


def line_header(lang: str) -> list[str]:
    return [tr_lang(lang, text) for text in ("Date", "Staff no.", "Name", "Code", "Department / window", "Item",
                                             "Inspection item", "Clause", "Inspector", "Times", "Points",
                                             "Pay deducted %")]


def sheets(pay: PayList, lang: str) -> list[tuple[str, list[str], Sequence[Sequence[Any]]]]:
    """The pay list's tables (the workbook's sheets, the PDF's tables): people, departments, entries, corrections."""
    def t(text: str) -> str:
        return tr_lang(lang, text)

    people = [[p.staff_no, p.name, p.department_code, p.department, p.occurrences, p.points, p.pay_percent,
               p.carried_points, p.carried_pay, p.total_pay] for p in pay.people()]
    departments = [[d.code, d.name, d.points, d.pay_percent, d.carried_points, d.carried_pay, d.total_pay]
                   for d in pay.departments()]
    return [
        (t("Staff"), [t("Staff no."), t("Name"), t("Code"), t("Department / window"), t("Occurrences"),
                      t("Points"), t("Pay deducted %"), t("Correction points"), t("Correction pay %"),
                      t("Total pay deducted %")], people),
        (t("Departments"), [t("Code"), t("Department / window"), t("Department points"), t("Pay deducted %"),
                            t("Correction points"), t("Correction pay %"), t("Total pay deducted %")], departments),
        (t("Entries"), line_header(lang), LineRows(pay.lines)),
        (t("Corrections"), [t("Month"), *line_header(lang)],
         [[line.month, *_line_row(line)] for line in pay.adjustments]),
    ]


def write_pay_list_xlsx(pay: PayList, path: Path, lang: str = "zh") -> Path:
    """The pay list as a workbook: people, departments, every entry, the corrections carried (streamed: a
    month at a year's scale lists 778,000 entries)."""
    from inspector_app.core.xlsx_stream import write_streamed_workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise AppError(tr_lang(lang, "The pay list is written as .xlsx or .pdf."))
    return write_streamed_workbook(path, sheets(pay, lang))
