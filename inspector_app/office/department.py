"""A department's page for the office (issue #14 part 1): its months, its repeat problems, its open rectifications.

The months' figures are the month's summary row for the department (office/month.month_summary: frozen once
closed, else the live central summary), never a second way of scoring. Repeat problems are the department's
live entries over those months grouped twice, by item and by person, from the deductions index that starts
with (local_month, department_id): the same problem found on different visits, often by different inspectors.
Open rectifications are the rectification ledger's (office/ledger.py) items of the department not yet done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.core.errors import NotFoundError
from inspector_app.core.i18n import tr
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.scoring import DepartmentRow, MonthlySummary
from inspector_app.core.summary import parse_month
from inspector_app.office.browse import clause_of, item_of, snapshot
from inspector_app.office.ledger import LedgerItem, ledger_in
from inspector_app.office.overview import month_figures

D, I = m.Deduction, m.Inspection
REPEAT_VISITS = 2  # found on at least two inspections
MOST = 100  # rows of each list (most visits first)
OPEN = ("open", "overdue", "rectified")  # the ledger's statuses of an item not yet verified or waived


@dataclass(frozen=True)
class DepartmentMonth:
    month: str
    row: DepartmentRow | None  # None: nothing on the department that month
    departments: int  # how many departments the month's tally ranking has (for "rank 3 of 40")


@dataclass(frozen=True)
class RepeatItem:
    checklist_id: str
    item_code: str
    item_text: str
    clause: str
    visits: int  # inspections that found it
    inspectors: int  # different inspectors among them
    occurrences: int
    first: str  # local month it was first and last found in the window
    last: str


@dataclass(frozen=True)
class RepeatPerson:
    staff_no: str
    name: str
    visits: int
    inspectors: int
    occurrences: int
    points: float  # counted


@dataclass(frozen=True)
class DepartmentPage:
    code: str
    name: str
    kind: str
    months: list[DepartmentMonth]  # oldest first
    repeat_items: list[RepeatItem]
    repeat_persons: list[RepeatPerson]
    open_items: list[LedgerItem]  # not yet verified or waived, soonest deadline first (office/ledger.py)


def window(until: str, months: int) -> list[str]:
    """`months` months ending with `until`, oldest first."""
    year, month = map(int, parse_month(until).split("-"))
    found = []
    for _ in range(max(1, months)):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def department_page(central: CentralDB, code: str, *, months: int = 6, until: str | None = None,
                    today: date | None = None, lang: str = "zh",
                    figures: Callable[[str], MonthlySummary] | None = None,
                    progress: Callable[[int, int], object] | None = None) -> DepartmentPage:
    """The department `code` over the `months` months up to `until` (default: the newest month merged).

    `figures(month)`: the month's summary (default month_figures; the workspace passes its cache);
    `progress(done, total)` after each month; `today` decides which open items are overdue."""
    figures = figures or (lambda month: month_figures(central, month))
    with central.read() as session:
        department = session.get(m.Department, code)
        if department is None:
            raise NotFoundError(tr("No department with code {code} in the central database.", code=code))
        until = until or session.scalar(select(func.max(I.local_month))) or f"{(today or date.today()):%Y-%m}"
    span = window(until, months)
    rows = []
    for n, month in enumerate(span, 1):
        summary = figures(month)
        row = next((d for d in summary.departments if d.code == code), None)
        rows.append(DepartmentMonth(month, row, sum(1 for d in summary.departments if d.rank)))
        if progress is not None:
            progress(n, len(span) + 1)
    with central.read() as session:
        items = _repeat_items(session, code, span, lang)
        persons = _repeat_persons(session, code, span)
        open_items = _open_items(session, code, today or date.today(), lang)
    return DepartmentPage(code, department.name, department.kind, rows, items, persons, open_items)


def _in_window(code: str, span: list[str]) -> list[object]:
    return [D.local_month.in_(span), D.department_id == code, D.voided_at.is_(None)]


def _repeat_items(session: Session, code: str, span: list[str], lang: str) -> list[RepeatItem]:
    S = m.ChecklistSnapshot
    visits = func.count(func.distinct(D.inspection_id))
    found = session.execute(
        select(S.checklist_id, D.item_code, visits, func.count(func.distinct(I.inspector_no)), func.sum(D.count),
               func.min(D.local_month), func.max(D.local_month), func.max(I.checklist_hash))
        .join(I, I.id == D.inspection_id).join(S, S.id == I.checklist_hash).where(*_in_window(code, span))
        .group_by(S.checklist_id, D.item_code).having(visits >= REPEAT_VISITS)
        .order_by(visits.desc(), func.sum(D.count).desc(), S.checklist_id, D.item_code).limit(MOST)).all()
    items = []
    for checklist_id, item_code, n, inspectors, occurrences, first, last, digest in found:
        item = item_of(snapshot(session, digest), item_code)
        items.append(RepeatItem(checklist_id, item_code, item.text.get(lang) if item else "", clause_of(item),
                                int(n), int(inspectors), int(occurrences or 0), first, last))
    return items


def _repeat_persons(session: Session, code: str, span: list[str]) -> list[RepeatPerson]:
    visits = func.count(func.distinct(D.inspection_id))
    found = session.execute(
        select(D.staff_no, func.max(D.staff_name), visits, func.count(func.distinct(I.inspector_no)),
               func.sum(D.count), func.sum(D.counted_points))
        .join(I, I.id == D.inspection_id).where(*_in_window(code, span), D.staff_no.is_not(None))
        .group_by(D.staff_no).having(visits >= REPEAT_VISITS)
        .order_by(visits.desc(), func.sum(D.count).desc(), D.staff_no).limit(MOST)).all()
    return [RepeatPerson(no, name or "", int(n), int(inspectors), int(occurrences or 0), round(float(points or 0), 4))
            for no, name, n, inspectors, occurrences, points in found]


def _open_items(session: Session, code: str, today: date, lang: str) -> list[LedgerItem]:
    """The ledger's items of the department still to be done (its status: the laptop's and the office's
    newest decision, one semantics with the 整改台账)."""
    return [item for item in ledger_in(session, department=code, today=today, lang=lang) if item.status in OPEN]
