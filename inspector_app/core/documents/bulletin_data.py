"""What the monthly bulletin lists from the month: its two department rankings, repeat problems, overdue items.

Both the PDF bulletin and its spreadsheet are rendered from one BulletinContent, so the paper and the XLSX
always agree. A laptop builds it from its own data folder (`workspace_content`: like the summary, only
finished, non-training inspections and live entries count); the office builds it from the central database
(office/bulletin.py), with the corrections (更正) of closed months the bulletin's month carries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import select

from inspector_app.core.checklists.models import Item
from inspector_app.core.rectification import (
    days_late,
    late_consequence,
    list_rectifications,
)
from inspector_app.core.repeats import Finding, Repeat, lookback, repeats
from inspector_app.core.store.models import Deduction, Department, Inspection, Staff
from inspector_app.core.summary import DepartmentRow, MonthlySummary, parse_month
from inspector_app.core.summary_export import not_inspected
from inspector_app.core.workspace import Workspace


@dataclass(frozen=True)
class RepeatProblem:
    """An item found again in the month in a department after an earlier visit had found it (core/repeats.py)."""

    department: str
    item_code: str
    item_text: str
    persons: tuple[str, ...]  # the persons charged with it again; empty: the department itself
    occurrences: int  # counted on the month's repeat visits
    inspections: int  # the month's visits that found it again
    since: str  # local date of the first visit that found it (in the look-back window)


@dataclass(frozen=True)
class OverdueItem:
    """Rectifications of one item in one department past their deadline: one row per problem, persons listed."""

    department: str
    item_code: str
    item_text: str
    persons: tuple[str, ...]  # empty: the department itself was charged
    count: int  # rectification items (entries) overdue
    deadline: date  # the earliest deadline among them
    days_overdue: int  # of the earliest
    consequence: str = ""  # what the standard says follows so late (002 篇七: 逾期超过10日，可终止合同), or ""


@dataclass(frozen=True)
class MonthEntry:
    """One live entry of the month, as the narrative reads it (most frequent problems, typical cases)."""

    day: str  # local date of the inspection
    department: str
    checklist_id: str
    item_code: str
    item_text: str
    staff_no: str | None
    name: str
    count: int
    points: float  # as recorded
    note: str


@dataclass(frozen=True)
class ItemCount:
    """A problem (an item of a checklist) and how often the month found it."""

    item_code: str
    item_text: str
    occurrences: int
    departments: int
    points: float


@dataclass(frozen=True)
class Case:
    """A typical case (典型案例): one entry, named as the bulletin's tables name people (name and 工号)."""

    day: str
    department: str
    person: str  # "name（工号）"; "" when the department itself was charged
    item_code: str
    item_text: str
    points: float
    note: str


@dataclass(frozen=True)
class Correction:
    """An entry of a closed month that reached the office after the close (更正), carried by this month."""

    month: str  # the closed month the entry belongs to
    date: str  # local date it was recorded
    department: str
    person: str  # "name (工号)"; "" when the department itself was charged
    item_code: str
    item_text: str
    points: float
    pay_percent: float


@dataclass(frozen=True)
class ComplaintLine:
    """A complaint of the office's register the month's bulletin reports (001 §四 第7条 and 第8条): decided in the
    month (查实 with its points, 不属实 with none), or referred to the authorities (移交) and followed up."""

    number: str
    department: str
    person: str  # "name（工号）"; "" when no person was named
    summary: str
    status: str  # the register's words: 已查实 / 不属实 / 调查中 …
    date: str  # the decision's date, else the day received
    points: float
    referral: str  # "to whom · referred / handled", or ""


@dataclass(frozen=True)
class BulletinContent:
    """Everything a bulletin prints, whoever gathered it: the PDF and the workbook are rendered from this alone.

    `corrections` is None where there are none to speak of (a laptop's own bulletin); the office's bulletin
    always has the section, empty or not. `provisional`: the month is not closed, its figures may change."""

    hospital: str
    office: str
    month: str
    today: date  # issue date; overdue as of this day
    summary: MonthlySummary
    repeats: list[RepeatProblem]
    overdue: list[OverdueItem]
    corrections: list[Correction] | None = None
    provisional: bool = False
    previous: MonthlySummary | None = None  # the month before, for "compared with last month"
    entries: list[MonthEntry] = field(default_factory=list)  # the month's live entries (the narrative's)
    open_rectifications: int = 0  # open and not yet past the deadline, as of `today`
    complaints: list[ComplaintLine] = field(default_factory=list)  # the office's register (its bulletin only)
    # the two above as the database grouped them (the office at a year's scale: no entry list), else None
    grouped_problems: list[ItemCount] | None = None
    chosen_cases: list[Case] | None = None

    @property
    def problems(self) -> list[ItemCount]:
        return problem_counts(self.entries) if self.grouped_problems is None else self.grouped_problems

    @property
    def cases(self) -> list[Case]:
        return typical_cases(self.entries) if self.chosen_cases is None else self.chosen_cases


def workspace_content(ws: Workspace, month: str, today: date | None = None, lang: str = "zh") -> BulletinContent:
    """A laptop's bulletin: its own data folder's month, hospital and office from its settings."""
    from inspector_app.core.summary import monthly_summary

    month = parse_month(month)
    today = today or date.today()
    return BulletinContent(ws.settings.hospital, ws.settings.inspector.office, month, today,
                           monthly_summary(ws, month), repeat_problems(ws, month, lang),
                           overdue_items(ws, today, lang), previous=monthly_summary(ws, lookback(month, 1)[0]),
                           entries=month_entries(ws, month, lang), open_rectifications=len(list_rectifications(ws, status="open", today=today)))


def month_entries(ws: Workspace, month: str, lang: str = "zh") -> list[MonthEntry]:
    """This data folder's live entries of the month's finished, non-training inspections."""
    with ws.db.read() as session:
        rows = session.execute(
            select(Inspection.local_date, Department.name, Inspection.checklist_id, Inspection.checklist_hash,
                   Deduction.item_code, Staff.staff_no, Staff.name, Deduction.count, Deduction.points,
                   Deduction.note)
            .join(Inspection, Deduction.inspection_id == Inspection.id)
            .join(Department, Department.id == Deduction.department_id)
            .outerjoin(Staff, Deduction.staff_id == Staff.id)
            .where(Deduction.local_month == month, Deduction.voided_at.is_(None), Inspection.status == "finished",
                   Inspection.training.is_(False))).all()
    return [MonthEntry(r.local_date, r.name, r.checklist_id, r.item_code,
                       _item_text(ws, r.checklist_hash, r.item_code, lang), r.staff_no, r[6] or "", int(r.count),
                       float(r.points or 0), r.note or "") for r in rows]


TOP_PROBLEMS = 5
TOP_CASES = 3


def problem_counts(entries: Iterable[MonthEntry]) -> list[ItemCount]:
    """The month's problems by item, most occurrences first (then most departments, then the code)."""
    grouped: dict[tuple[str, str], list[MonthEntry]] = {}
    for e in entries:
        grouped.setdefault((e.checklist_id, e.item_code), []).append(e)
    found = [ItemCount(code, next((e.item_text for e in group if e.item_text), ""), sum(e.count for e in group),
                       len({e.department for e in group}), round(sum(e.points for e in group), 2))
             for (_, code), group in grouped.items()]
    found.sort(key=lambda i: (-i.occurrences, -i.departments, i.item_code))
    return found


def typical_cases(entries: Iterable[MonthEntry], most: int = TOP_CASES) -> list[Case]:
    """The entries that tell the month's story: the most points first, among equal points those with the
    inspector's note (what was seen); at most `most`, one per department and item."""
    ranked = sorted(entries, key=lambda e: (-e.points, not e.note.strip(), e.day, e.department, e.item_code))
    cases: list[Case] = []
    seen: set[tuple[str, str]] = set()
    for e in ranked:
        if (e.department, e.item_code) in seen or (e.points <= 0 and not e.note.strip()):
            continue
        seen.add((e.department, e.item_code))
        person = f"{e.name}（{e.staff_no}）" if e.staff_no else ""
        cases.append(Case(e.day, e.department, person, e.item_code, e.item_text, e.points, e.note.strip()))
        if len(cases) == most:
            break
    return cases


class Ranking(NamedTuple):
    """The month's departments as the bulletin prints them (the summary's two rankings, core/scoring/month.py)."""

    points: list[DepartmentRow]  # tally checklists: fewest points first
    scores: list[DepartmentRow]  # scored checklists: fewest failed inspections, then the highest average score
    idle: list[DepartmentRow]  # in neither ranking: not inspected this month


def ranking(summary: MonthlySummary) -> Ranking:
    """(points ranking, score ranking, not inspected): a department inspected with both kinds of checklist
    is in both rankings; one nobody inspected is in neither and is only named as not inspected."""
    return Ranking(summary.tally_ranking(), summary.scored_ranking(), not_inspected(summary))


def _item_text(ws: Workspace, checklist_hash: str, code: str, lang: str) -> str:
    found = _item(ws, checklist_hash, code)
    return found.text.get(lang) if found is not None else ""


def _item(ws: Workspace, checklist_hash: str, code: str) -> Item | None:
    try:
        return ws.checklist_by_hash(checklist_hash).item(code)
    except KeyError:
        return None


def repeat_rows(found: list[Repeat], names: dict[str, str], text: Callable[[str, str], str]
                ) -> list[RepeatProblem]:
    """The bulletin's rows from the repeated keys: one per department and item, the persons listed; most
    occurrences first. `names`: department key → name; `text(checklist_id, item_code)`: the item's text."""
    grouped: dict[tuple[str, str, str], list[Repeat]] = {}
    for r in found:
        grouped.setdefault((r.department, r.checklist_id, r.item_code), []).append(r)
    rows = []
    for (department, checklist_id, code), group in grouped.items():
        persons = tuple(sorted({r.name or r.staff_no or "" for r in group if r.staff_no is not None}))
        rows.append(RepeatProblem(names.get(department, department), code, text(checklist_id, code), persons,
                                  sum(r.occurrences for r in group),
                                  len({f.inspection_id for r in group for f in r.repeated}),
                                  min(r.first_day for r in group)))
    rows.sort(key=lambda r: (-r.occurrences, -r.inspections, r.department, r.item_code))
    return rows


def overdue_rows(items: Iterable[tuple[str, str, str, str | None, date, str]], today: date) -> list[OverdueItem]:
    """One row per department and item from (department, item code, item text, person or None, deadline, what
    the standard says follows so late) of each overdue rectification: the persons listed, how many, the earliest
    deadline and its consequence (rectification.late_consequence: the longest overdue); longest overdue first."""
    grouped: dict[tuple[str, str], list[tuple[str, str, str, str | None, date, str]]] = {}
    for item in items:
        grouped.setdefault((item[0], item[1]), []).append(item)
    rows = []
    for (department, code), group in grouped.items():
        earliest = min(group, key=lambda g: g[4])
        rows.append(OverdueItem(department, code, next((g[2] for g in group if g[2]), ""),
                                tuple(sorted({g[3] for g in group if g[3]})), len(group), earliest[4],
                                (today - earliest[4]).days, earliest[5]))
    rows.sort(key=lambda i: (-i.days_overdue, i.department, i.item_code))
    return rows


def repeat_problems(ws: Workspace, month: str, lang: str = "zh") -> list[RepeatProblem]:
    """Items this month's visits found again after an earlier visit to the department (core/repeats.py),
    over this data folder's finished, non-training inspections."""
    month = parse_month(month)
    span = lookback(month)
    with ws.db.read() as session:
        names = {d.id: d.name for d in session.scalars(select(Department))}
        rows = session.execute(
            select(Deduction.department_id, Inspection.checklist_id, Deduction.item_code, Staff.staff_no,
                   Staff.name, Deduction.inspection_id, Inspection.started_at, Deduction.local_month,
                   Inspection.local_date, Deduction.count, Inspection.checklist_hash)
            .join(Inspection, Deduction.inspection_id == Inspection.id)
            .outerjoin(Staff, Deduction.staff_id == Staff.id)
            .where(Deduction.local_month.in_(span), Deduction.voided_at.is_(None), Inspection.status == "finished",
                   Inspection.training.is_(False))).all()
    digests = {(row.checklist_id, row.item_code): row.checklist_hash for row in rows}
    found = repeats((Finding(row.department_id, row.checklist_id, row.item_code, row.staff_no, row.inspection_id,
                             row.started_at, row.local_month, row.local_date, int(row.count), name=row.name or "")
                     for row in rows), {month})
    return repeat_rows(found, names, lambda checklist, code: _item_text(ws, digests[(checklist, code)], code, lang))


def overdue_items(ws: Workspace, today: date | None = None, lang: str = "zh") -> list[OverdueItem]:
    """Rectifications still open after their deadline as of `today`, one row per item and department."""
    today = today or date.today()
    views = list_rectifications(ws, status="overdue", today=today)
    with ws.db.read() as session:
        hashes = dict(session.execute(select(Inspection.id, Inspection.checklist_hash).where(
            Inspection.id.in_(sorted({v.inspection_id for v in views})))).all()) if views else {}
    return overdue_rows(((v.department, v.item_code, _item_text(ws, hashes[v.inspection_id], v.item_code, lang),
                          v.person, v.deadline,
                          late_consequence(_item(ws, hashes[v.inspection_id], v.item_code),
                                           days_late(v.deadline, today), lang)) for v in views), today)
