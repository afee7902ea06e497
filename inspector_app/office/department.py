"""A department's page for the office (issue #14 part 1): its months, its repeat problems, its open rectifications.

The months' figures are the month's summary row for the department (office/month.month_summary: frozen once
closed, else the live central summary), never a second way of scoring. Repeat problems are the department's
live entries over those months grouped twice, by item and by person, from the deductions index that starts
with (local_month, department_id): the same problem found on different visits, often by different inspectors.
Open rectifications are the rectification ledger's (office/ledger.py) items of the department not yet done.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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
        items, persons = _repeats(session, code, span, lang)
        open_items = _open_items(session, code, today or date.today(), lang)
    return DepartmentPage(code, department.name, department.kind, rows, items, persons, open_items)


def _in_window(code: str, span: list[str]) -> list[object]:
    return [D.local_month.in_(span), D.department_id == code, D.voided_at.is_(None)]


def _repeats(session: Session, code: str, span: list[str], lang: str) -> tuple[list[RepeatItem], list[RepeatPerson]]:
    """Both lists from one pass over the department's live entries of the window (the heap rows behind the
    month-and-department index are what costs at a year of data: read once, grouped twice here)."""
    found = session.execute(
        select(D.item_code, D.staff_no, D.staff_name, D.inspection_id, D.local_month, D.count, D.counted_points,
               I.inspector_no, I.checklist_hash)
        .join(I, I.id == D.inspection_id).where(*_in_window(code, span))).all()
    ids = dict(session.execute(select(m.ChecklistSnapshot.id, m.ChecklistSnapshot.checklist_id)).all())
    items: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    persons: dict[str, _Tally] = defaultdict(_Tally)
    for row in found:
        tally = items[(ids.get(row.checklist_hash, ""), row.item_code)]
        tally.add(row)
        tally.digest = row.checklist_hash
        if row.staff_no is not None:
            persons[row.staff_no].add(row)
            persons[row.staff_no].name = max(persons[row.staff_no].name, row.staff_name or "")
    repeat_items = []
    for (checklist_id, item_code), tally in _most(items):
        checklist = snapshot(session, tally.digest)
        item = item_of(checklist, item_code)
        repeat_items.append(RepeatItem(checklist_id, item_code, item.text.get(lang) if item else "",
                                       clause_of(item, checklist, lang),
                                       len(tally.visits), len(tally.inspectors), tally.occurrences,
                                       min(tally.months), max(tally.months)))
    repeat_persons = [RepeatPerson(no, tally.name, len(tally.visits), len(tally.inspectors), tally.occurrences,
                                   round(tally.points, 4)) for no, tally in _most(persons)]
    return repeat_items, repeat_persons


@dataclass
class _Tally:
    visits: set[str] = field(default_factory=set)
    inspectors: set[str | None] = field(default_factory=set)
    months: set[str] = field(default_factory=set)
    occurrences: int = 0
    points: float = 0.0
    digest: str = ""
    name: str = ""

    def add(self, row: Any) -> None:
        self.visits.add(row.inspection_id)
        self.inspectors.add(row.inspector_no)
        self.months.add(row.local_month)
        self.occurrences += int(row.count)
        self.points += float(row.counted_points or 0)


def _most(tallies: dict[Any, _Tally]) -> list[tuple[Any, _Tally]]:
    """Found on at least REPEAT_VISITS inspections, most visits first, then most occurrences; at most MOST."""
    kept = [(key, t) for key, t in tallies.items() if len(t.visits) >= REPEAT_VISITS]
    kept.sort(key=lambda kt: (-len(kt[1].visits), -kt[1].occurrences, kt[0]))
    return kept[:MOST]


def _open_items(session: Session, code: str, today: date, lang: str) -> list[LedgerItem]:
    """The ledger's items of the department still to be done (its status: the laptop's and the office's
    newest decision, one semantics with the 整改台账)."""
    return [item for item in ledger_in(session, department=code, today=today, lang=lang) if item.status in OPEN]
