"""The central database's live entries as core/repeats.py compares them (the office's bulletin, department page)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Select, and_, case, distinct, exists, func, select
from sqlalchemy.orm import Session

from inspector_app.core.merge import models as m
from inspector_app.core.repeats import Finding, Repeat

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


def repeated_in(session: Session, department: str | None, months: list[str], asked: Collection[str], *,
                without_late_of: str | None = None) -> list[Repeat]:
    """core/repeats.py's rule worked out by the database: the keys (department, checklist, item, person) found
    at a visit in `asked` after an earlier visit of `months` had found them, in that rule's order. The live
    entries are grouped into visits (one per key and inspection: counts summed, as the rule merges them),
    the visits of a key ordered as the rule orders them (started_at, then the inspection's id), and only the
    repeated visits are read back (a year of data: tens of thousands, not millions of entries).

    Each Repeat carries `repeated` as the rule gives it and, in `visits`, only the key's first visit (its
    `first_day`): what the bulletin prints. `name` is the greatest name recorded for the key, compared as
    Python compares strings (byte order, "C" on PostgreSQL). tests/office/test_bulletin.py checks that the
    answer equals core/repeats.py's over the same entries, on SQLite and PostgreSQL."""
    person = func.coalesce(D.staff_no, "")
    name = D.staff_name
    if session.get_bind().dialect.name == "postgresql":
        name = name.collate("C")  # byte order = code point order = Python's
    entries = _live(select(D.department_id.label("department"), S.checklist_id.label("checklist"),
                           D.item_code.label("item"), person.label("person"), D.inspection_id.label("visit"),
                           I.started_at.label("started_at"), D.local_month.label("month"),
                           I.payload["local_date"].as_string().label("day"), D.count.label("count"),
                           func.coalesce(name, "").label("name"), I.checklist_hash.label("digest")).select_from(D),
                    department, months, without_late_of).subquery()
    e = entries.c
    visits = (select(e.department, e.checklist, e.item, e.person, e.visit, func.min(e.started_at).label("started_at"),
                     func.min(e.month).label("month"), func.min(e.day).label("day"),
                     func.sum(e.count).label("count"), func.max(e.name).label("name"),
                     func.max(e.digest).label("digest"))
              .group_by(e.department, e.checklist, e.item, e.person, e.visit).subquery())
    v = visits.c
    key = [v.department, v.checklist, v.item, v.person]
    order = [v.started_at, v.visit]
    ranked = select(*key, v.visit, v.started_at, v.month, v.day, v.count, v.digest,
                    func.row_number().over(partition_by=key, order_by=order).label("n"),
                    func.max(v.name).over(partition_by=key).label("name"),
                    func.first_value(v.day).over(partition_by=key, order_by=order).label("first_day"),
                    func.first_value(v.visit).over(partition_by=key, order_by=order).label("first_visit"),
                    func.first_value(v.started_at).over(partition_by=key, order_by=order).label("first_at"),
                    func.first_value(v.month).over(partition_by=key, order_by=order).label("first_month"),
                    ).subquery()
    r = ranked.c
    by_key: dict[tuple[str, str, str, str | None], Repeat] = {}
    for row in session.execute(select(r).where(r.n > 1, r.month.in_(list(asked)))):
        staff_no = row.person or None
        found = by_key.get((row.department, row.checklist, row.item, staff_no))
        if found is None:
            first = Finding(row.department, row.checklist, row.item, staff_no, row.first_visit, row.first_at,
                            row.first_month, row.first_day or "")
            found = by_key[(row.department, row.checklist, row.item, staff_no)] = Repeat(
                row.department, row.checklist, row.item, staff_no, name=row.name or "", visits=[first])
        found.repeated.append(Finding(row.department, row.checklist, row.item, staff_no, row.visit,
                                      row.started_at, row.month, row.day or "", int(row.count),
                                      digest=row.digest))
    for found in by_key.values():
        found.repeated.sort(key=lambda f: (f.started_at, f.inspection_id))
    return [by_key[k] for k in sorted(by_key, key=lambda k: (k[0], k[1], k[2], k[3] or ""))]
