"""A department's page for the office (issue #14 part 1): its months, its repeat problems, its open rectifications.

The months' figures are the month's summary row for the department (office/month.month_summary: frozen once
closed, else the live central summary), never a second way of scoring. Repeat problems are the department's
live entries over those months (the deductions index that starts with (local_month, department_id)) by the one
rule of repeats (core/repeats.py: the same item, and person for a person's item, found on a later visit, often
by another inspector), listed by item and by person.
Open rectifications are the rectification ledger's (office/ledger.py) items of the department not yet done.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.core.errors import NotFoundError
from inspector_app.core.i18n import tr
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.repeats import Finding, Repeat, repeats
from inspector_app.core.scoring import DepartmentRow, MonthlySummary
from inspector_app.core.summary import parse_month
from inspector_app.office.browse import clause_of, item_of, snapshot
from inspector_app.office.ledger import LedgerItem, ledger_in
from inspector_app.office.overview import month_figures
from inspector_app.office.repeats import findings_in

D, I = m.Deduction, m.Inspection
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


def _repeats(session: Session, code: str, span: list[str], lang: str) -> tuple[list[RepeatItem], list[RepeatPerson]]:
    """Both lists from one read of the department's live entries of the window, by the one rule of repeats
    (core/repeats.py: the same item — and person, for a person's item — found again on a later visit).
    By item: every visit that found a repeated item; by person: every visit that found one of the person's
    repeated items."""
    found = repeats(findings_in(session, code, span, repeating_in=span), set(span))
    items: dict[tuple[str, str], list[Repeat]] = defaultdict(list)
    persons: dict[str, list[Repeat]] = defaultdict(list)
    for r in found:
        items[(r.checklist_id, r.item_code)].append(r)
        if r.staff_no is not None:
            persons[r.staff_no].append(r)
    repeat_items = []
    for (checklist_id, item_code), group in _most(items):
        visits = _visits(group)
        checklist = snapshot(session, visits[0].digest)
        item = item_of(checklist, item_code)
        repeat_items.append(RepeatItem(checklist_id, item_code, item.text.get(lang) if item else "",
                                       clause_of(item, checklist, lang), len({v.inspection_id for v in visits}),
                                       len({v.inspector for v in visits}), sum(v.count for v in visits),
                                       min(v.month for v in visits), max(v.month for v in visits)))
    repeat_persons = []
    for no, group in _most(persons):
        visits = _visits(group)
        repeat_persons.append(RepeatPerson(no, max(r.name for r in group), len({v.inspection_id for v in visits}),
                                           len({v.inspector for v in visits}), sum(v.count for v in visits),
                                           round(sum(v.points for v in visits), 4)))
    return repeat_items, repeat_persons


def _visits(group: list[Repeat]) -> list[Finding]:
    return [v for r in group for v in r.visits]


def _most(grouped: dict[Any, list[Repeat]]) -> list[tuple[Any, list[Repeat]]]:
    """Most visits first, then most occurrences; at most MOST."""
    def order(kv: tuple[Any, list[Repeat]]) -> tuple[int, int, Any]:
        visits = _visits(kv[1])
        return -len({v.inspection_id for v in visits}), -sum(v.count for v in visits), kv[0]

    return sorted(grouped.items(), key=order)[:MOST]


def _open_items(session: Session, code: str, today: date, lang: str) -> list[LedgerItem]:
    """The ledger's items of the department still to be done (its status: the laptop's and the office's
    newest decision, one semantics with the 整改台账)."""
    return [item for item in ledger_in(session, department=code, today=today, lang=lang) if item.status in OPEN]
