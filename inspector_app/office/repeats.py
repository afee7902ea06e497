"""The central database's live entries as core/repeats.py compares them (the office's bulletin, department page)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Select, and_, case, distinct, exists, func, select
from sqlalchemy.orm import Session

from inspector_app.core.merge import models as m
from inspector_app.core.repeats import Finding

D, I, S = m.Deduction, m.Inspection, m.ChecklistSnapshot  # the tables, as in every office query


def _live(query: Select, department: str | None, months: list[str], without_late_of: str | None) -> Select:
    """The live entries of `months` (of one department, or all), joined to their inspection and checklist;
    `without_late_of`: without that month's entries that reached the office after its close."""
    query = (query.join(I, I.id == D.inspection_id).join(S, S.id == I.checklist_hash)
             .where(D.local_month.in_(months), D.voided_at.is_(None)))
    if department is not None:
        query = query.where(D.department_id == department)
    if without_late_of is not None:
        late = exists().where(m.Adjustment.deduction_id == D.id)
        query = query.where(~(late & (D.local_month == without_late_of)))
    return query


def findings_in(session: Session, department: str | None, months: list[str], *,
                without_late_of: str | None = None, repeating_in: Collection[str] | None = None) -> list[Finding]:
    """Every inspector's live entries of `months` (of one department, or all) as core/repeats.py compares them.

    `repeating_in`: only the keys (department, checklist, item, person) that could repeat in those months:
    found at two visits or more, one of them in those months. The database narrows them down, so a bulletin
    reads the few keys found again rather than every entry of the lookback; core/repeats.py still applies
    the rule to every visit of each key. The visit's day is taken out of the inspection's JSON by the
    database (reading the whole payload per entry took 40 s of a bulletin at a year of data)."""
    query = _live(select(D.department_id, S.checklist_id, D.item_code, D.staff_no, D.staff_name, D.inspection_id,
                         I.started_at, D.local_month, I.payload["local_date"].as_string().label("local_date"),
                         D.count, D.counted_points, I.inspector_no, I.checklist_hash),
                  department, months, without_late_of)
    if repeating_in is not None:
        person = func.coalesce(D.staff_no, "")
        keys = (_live(select(D.department_id.label("department"), S.checklist_id.label("checklist"),
                             D.item_code.label("item"), person.label("person")).select_from(D),
                      department, months, without_late_of)
                .group_by(D.department_id, S.checklist_id, D.item_code, person)
                .having(func.count(distinct(D.inspection_id)) >= 2,
                        func.max(case((D.local_month.in_(list(repeating_in)), 1), else_=0)) == 1)
                .subquery())
        query = query.join(keys, and_(keys.c.department == D.department_id, keys.c.checklist == S.checklist_id,
                                      keys.c.item == D.item_code, keys.c.person == person))
    return [Finding(row.department_id, row.checklist_id, row.item_code, row.staff_no, row.inspection_id,
                    row.started_at, row.local_month, row.local_date or "", int(row.count),
                    float(row.counted_points or 0), row.inspector_no, row.staff_name or "", row.checklist_hash)
            for row in session.execute(query)]


