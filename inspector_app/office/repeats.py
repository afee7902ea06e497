"""The central database's live entries as core/repeats.py compares them (the office's bulletin, department page)."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from inspector_app.core.merge import models as m
from inspector_app.core.repeats import Finding


def findings_in(session: Session, department: str | None, months: list[str], *,
                without_late_of: str | None = None) -> list[Finding]:
    """Every inspector's live entries of `months` (of one department, or all) as core/repeats.py compares them;
    `without_late_of`: leave out that month's entries that reached the office after its close. The visit's
    day is taken out of the inspection's JSON by the database: reading the whole payload per entry took 40 s
    of a bulletin at a year of data (1.3 million entries over the lookback)."""
    D, I, S = m.Deduction, m.Inspection, m.ChecklistSnapshot
    query = (select(D.department_id, S.checklist_id, D.item_code, D.staff_no, D.staff_name, D.inspection_id,
                    I.started_at, D.local_month, I.payload["local_date"].as_string().label("local_date"), D.count,
                    D.counted_points, I.inspector_no, I.checklist_hash)
             .join(I, I.id == D.inspection_id).join(S, S.id == I.checklist_hash)
             .where(D.local_month.in_(months), D.voided_at.is_(None)))
    if department is not None:
        query = query.where(D.department_id == department)
    if without_late_of is not None:
        late = exists().where(m.Adjustment.deduction_id == D.id)
        query = query.where(~(late & (D.local_month == without_late_of)))
    return [Finding(row.department_id, row.checklist_id, row.item_code, row.staff_no, row.inspection_id,
                    row.started_at, row.local_month, row.local_date or "", int(row.count),
                    float(row.counted_points or 0), row.inspector_no, row.staff_name or "", row.checklist_hash)
            for row in session.execute(query)]
