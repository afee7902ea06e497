"""A complaint charged twice: an entry on a complaint item from an older checklist snapshot, and the office's
register (issue #15).

Since the checklists' v4, 001 第7条 (经查实者每起扣个人 5 分) and 000 W5 charge only through the complaint register,
once verified (office/complaints.py); a v3 snapshot still takes them as an observation, and the merge keeps a
snapshot's own rules (recompute.py). So a very old (or forged) bundle can carry an entry on the same complaint
item, against the same person (or department), in a month the register already charged for a verified complaint:
both would count. Such a bundle is set aside with the complaint's number, for the office to look at, rather than
charge twice; entries on complaint items no verified complaint matches merge as before.

A match: the same checklist (by id, any version), item code and person (工号; the department code for a complaint
against the department), the entry's month from the complaint's month received to its month verified.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from inspector_app.core.i18n import tr
from inspector_app.core.merge import models as m
from inspector_app.core.merge.rows import Row
from inspector_app.core.sync.verify import Quarantine


def verified_complaints(connection: Connection) -> dict[tuple[str, str, str], list[tuple[str, str, str]]]:
    """(checklist id, item code, 工号 or department code) → [(first month, last month, number)] of the register's
    verified complaints (few: one query per merge group)."""
    C, S = m.Complaint, m.ChecklistSnapshot  # noqa: N806
    found: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
    for number, received, month, code, staff_no, department, checklist_id in connection.execute(
            select(C.number, C.received_on, C.local_month, C.item_code, C.staff_no, C.department_code,
                   S.checklist_id)
            .join(S, S.id == C.checklist_hash).where(C.status == "verified", C.item_code.is_not(None))):
        key = (checklist_id, code, staff_no or department)
        found.setdefault(key, []).append((f"{received:%Y-%m}", month or f"{received:%Y-%m}", number))
    return found


def charged_twice(rows: Iterable[Row], verified: dict[tuple[str, str, str], list[tuple[str, str, str]]]
                  ) -> Quarantine | None:
    """The Quarantine for a bundle that charges a complaint the register already charged, or None."""
    if not verified:
        return None
    rows = list(rows)
    checklists = {row.id: row.column("checklist_id") for row in rows if row.table is m.ChecklistSnapshot}
    inspections = {row.id: checklists.get(row.column("checklist_hash")) for row in rows
                   if row.table is m.Inspection}
    for row in rows:
        if row.table is not m.Deduction or row.column("voided_at") is not None:
            continue
        columns = row.columns  # a dict made here, for the few live entries while complaints are verified
        target = columns.get("staff_no") if columns.get("charged_to") == "person" else columns.get("department_id")
        checklist_id = inspections.get(columns.get("inspection_id"))
        for first, last, number in verified.get((checklist_id, columns.get("item_code"), target), ()):
            if first <= columns.get("local_month", "") <= last:
                return Quarantine("complaint_twice", tr(
                    "Deduction {id}: item {code} against {target} in {month} is a complaint the office's register "
                    "already charged (verified complaint {number}); the batch is set aside so that it is not "
                    "charged twice.", id=row.id, code=columns.get("item_code"), target=target,
                    month=columns.get("local_month"), number=number))
    return None


def entries_charging(session: Session, checklist_id: str, item_code: str, staff_no: str | None, department: str,
                     first_month: str, last_month: str) -> list[tuple[str, str]]:
    """The other way round: (entry id, month) of live merged entries that already charge a complaint the office
    is verifying (an older snapshot's observation on the same item and person or department, in its months)."""
    D, I, S = m.Deduction, m.Inspection, m.ChecklistSnapshot  # noqa: N806
    target = D.staff_no == staff_no if staff_no else ((D.department_id == department) & (D.charged_to == "department"))
    return [(row.id, row.local_month) for row in session.execute(
        select(D.id, D.local_month).join(I, I.id == D.inspection_id).join(S, S.id == I.checklist_hash)
        .where(S.checklist_id == checklist_id, D.item_code == item_code, D.voided_at.is_(None), target,
               D.local_month >= first_month, D.local_month <= last_month).order_by(D.local_month, D.id))]
