"""The office's monthly summary over the central database: every inspector's work, the same tables as a
laptop's (scoring.MonthTally): departments by roster code, people by 工号, both rankings, pay share.

The counted points, pay share and scores were worked out at merge by the one scoring module
(recompute.py), and those of a verified complaint (001 第7条) when the office verified it (office/complaints.py),
so a month here is a few grouped queries, each answered from an index alone (migration c0003:
deductions by month then department code, and by month then 工号, carrying what is summed). A year of 50
inspectors (about 10 million deductions) sums a month in about a second.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB, without_jit
from inspector_app.core.periods import keys_landing_in
from inspector_app.core.scoring import MonthlySummary, MonthTally
from inspector_app.core.scoring.measured import PeriodRecord, superseded
from inspector_app.core.store.models import utcnow

CentralSummary = MonthlySummary  # the same tables as a laptop's month


def central_summary(central: CentralDB, month: str, everyone: bool = False) -> MonthlySummary:
    """`month` (YYYY-MM) over every merged inspection; voided entries never count; `everyone` as in
    MonthTally.finish."""
    with central.read() as session:
        return summary_in(session, month, everyone)


def summary_in(session: Session, month: str, everyone: bool = False) -> MonthlySummary:
    """The same, read in the caller's session (a month close sums inside its own transaction); on PostgreSQL
    without JIT for the rest of it (database.without_jit)."""
    without_jit(session)
    live = m.Deduction.voided_at.is_(None)
    D, I = m.Deduction, m.Inspection
    names = {code: (name, kind) for code, name, kind in session.execute(
        select(m.Department.id, m.Department.name, m.Department.kind))}
    tally = MonthTally(month, utcnow().isoformat(timespec="seconds"), names)
    for code, scored, count, score_sum, failed in session.execute(
            select(I.department_id, I.scored, func.count(), func.sum(I.score),
                   func.sum(case((I.passed.is_(False), 1), else_=0)))
            .where(I.local_month == month).group_by(I.department_id, I.scored)):
        tally.add_inspections(code, bool(scored), int(count), float(score_sum or 0), int(failed or 0))
    for code, charged_to, count, points, pay in session.execute(
            select(D.department_id, D.charged_to, func.sum(D.count), func.sum(D.counted_points),
                   func.sum(D.pay_percent))
            .where(D.local_month == month, live, D.charged_to == "department")
            .group_by(D.department_id, D.charged_to)):
        tally.add_entries(code, charged_to, None, int(count), float(points or 0), float(pay or 0))
    people: dict[str, str] = {}
    for staff_no, code, name, count, points, pay in session.execute(
            select(D.staff_no, D.department_code, func.max(D.staff_name), func.sum(D.count),
                   func.sum(D.counted_points), func.sum(D.pay_percent))
            .where(D.local_month == month, live, D.staff_no.is_not(None))  # = charged to a person (rows.py):
            # read from ix_deductions_month_staff alone, where charged_to would send every row to the table
            .group_by(D.staff_no, D.department_code)):
        tally.add_entries(code, "person", staff_no, int(count), float(points or 0), float(pay or 0))
        people[staff_no] = name or ""
    _withdraw_superseded(session, tally, month)
    C = m.Complaint
    for code, charged_to, staff_no, name, points, pay in session.execute(
            select(C.department_code, C.charged_to, C.staff_no, C.staff_name, C.points, C.pay_percent)
            .where(C.local_month == month, C.status == "verified")):
        tally.add_entries(code, charged_to, staff_no, 1, float(points), float(pay))
        if staff_no is not None:
            people.setdefault(staff_no, name or "")
    return tally.finish(lambda staff_no: (people.get(staff_no, ""), False), everyone)


def _withdraw_superseded(session: Session, tally: MonthTally, month: str) -> None:
    """A monthly rule charges a department once a month (scoring/measured.py): the grouped sums above took
    every entry of it, so those the latest record supersedes are taken out again."""
    for row in superseded_entries(session, month):
        person = row.staff_no is not None
        tally.withdraw_entries(row.department_code if person else row.department_id,
                               "person" if person else "department", row.staff_no, int(row.count),
                               float(row.counted_points), float(row.pay_percent))


def superseded_entries(session: Session, month: str) -> list[Any]:
    """The live entries of `month` a later record of the same monthly rule supersedes (they do not count; the
    quarterly selection leaves them out too). Monthly records are few and found through
    ix_measurements_period_department and ix_deductions_period."""
    records, entries = period_records(session, month)
    losers = superseded(record for record, _ in records)
    return [row for row in entries if row.id in losers]


def period_records(session: Session, month: str) -> tuple[list[tuple[PeriodRecord, datetime | None]], list[Any]]:
    """The period rules' records landing in `month` (measured values, and entries recorded without one), each
    with when it reached the database after the month's close (None: before it, or the month is open), and the
    live period entries (with their own `found_at`): what the summary and the closed months' corrections
    (office/period_corrections.py) both work from."""
    D, I, S, M = m.Deduction, m.Inspection, m.ChecklistSnapshot, m.Measurement  # noqa: N806
    A, L = m.Adjustment, m.LateMeasurement  # noqa: N806
    records, measured = [], set()
    keys = keys_landing_in(month)  # the month, and the quarter and half year it ends (core/periods.py)
    for row in session.execute(
            select(M.id, M.department_id, M.item_code, M.period, M.recorded_at, M.deduction_id, M.voided_at,
                   M.monthly, S.checklist_id, L.found_at)
            .join(I, I.id == M.inspection_id).join(S, S.id == I.checklist_hash)
            .outerjoin(L, L.measurement_id == M.id).where(M.period.in_(keys))):
        measured.add(row.deduction_id)
        if row.monthly and row.voided_at is None:  # `monthly`: a period rule (month, quarter or half year)
            records.append((PeriodRecord(row.id, row.department_id, row.checklist_id, row.item_code, row.period,
                                         row.recorded_at, row.deduction_id), row.found_at))
    entries = session.execute(
        select(D.id, D.department_id, D.department_code, D.item_code, D.period, D.recorded_at, D.staff_no, D.count,
               D.counted_points, D.pay_percent, S.checklist_id, I.checklist_hash, A.found_at)
        .join(I, I.id == D.inspection_id).join(S, S.id == I.checklist_hash)
        .outerjoin(A, A.deduction_id == D.id).where(D.period.in_(keys), D.voided_at.is_(None))).all()
    records += [(PeriodRecord(r.id, r.department_id, r.checklist_id, r.item_code, r.period, r.recorded_at, r.id),
                 r.found_at) for r in entries if r.id not in measured]  # recorded without a measured value
    return records, list(entries)
