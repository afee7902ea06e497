"""Which inspections a month's entries belong to, found without joining every inspection ever merged.

A month's entries (deductions.local_month) nearly always belong to inspections of that month
(inspections.local_month, ix_inspections_month_department): a year of central data holds 500,000 inspections,
a month about 40,000. Joining the month's 778,000 entries to the month's inspections is several times faster
than to all of them (a hash of 40,000 keys, not 500,000). The exceptions, entries recorded in another month
than their inspection started (a visit past midnight on the last day, a laptop's clock in another zone), are
found first by the database and added by id, so no entry is ever left out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Executable, exists, select, text, true
from sqlalchemy.orm import Session

from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import without_jit

D, I = m.Deduction, m.Inspection
MOST_STRAYS = 1000


def strays(session: Session, month: str) -> list[str]:
    """Inspections of other months that live entries of `month` belong to (usually none); asked once per
    transaction (the bulletin's parts share it)."""
    known = session.info.setdefault("office_strays", {})
    if month not in known:
        known[month] = _strays(session, month)
    return known[month]


def _strays(session: Session, month: str) -> list[str]:
    return list(session.scalars(
        select(D.inspection_id).distinct()
        .where(D.local_month == month, D.voided_at.is_(None),
               ~exists().where(I.id == D.inspection_id, I.local_month == month))))


def visits_of(session: Session, month: str) -> ColumnElement[bool]:
    """A condition on inspections: every inspection a live entry of `month` belongs to (and the month's
    inspections without live entries: joined to the entries, they add nothing)."""
    other = strays(session, month)
    if len(other) > MOST_STRAYS:  # named one by one only while few
        return true()
    return I.local_month == month if not other else (I.local_month == month) | I.id.in_(other)


def month_scale(session: Session) -> None:
    """PostgreSQL, for the rest of the transaction: a month's entries read through the month's index (they lie
    together: a twelfth of a year's table) and grouped or sorted in memory. The planner, misjudging a join
    of a month's entries to its inspections by some thirty times, would read the whole table and sort on disk."""
    if session.get_bind().dialect.name == "postgresql":
        without_jit(session)
        for setting in ("work_mem = '256MB'", "enable_seqscan = off"):
            session.execute(text(f"SET LOCAL {setting}"))


def live_entries(session: Session, month: str) -> list[ColumnElement[bool]]:
    """Conditions on deductions: the month's live entries, less those merged after its close (as its frozen
    summary leaves them out): what the bulletin's parts group, and what a close keeps of them."""
    live = [D.local_month == month, D.voided_at.is_(None)]
    if session.scalar(select(exists().where(m.Adjustment.entry_month == month))):  # only a closed month has them
        live.append(~exists().where(m.Adjustment.deduction_id == D.id))
    return live


def driver_rows(session: Session, statement: Executable) -> list[tuple[Any, ...]]:
    """Every row of `statement` as the database driver hands it over (plain tuples), fetched in one call:
    SQLAlchemy's row by row result costs seconds over a year's month (778,000 pay-list lines; the repeat
    problems' tens of thousands of visits and keys, read several times). For columns the driver already gives
    as Python values (text, integers): no column type's result processing is applied. Pending changes are
    flushed first, as the session's own execute would."""
    if session.autoflush:
        session.flush()
    result = session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()
