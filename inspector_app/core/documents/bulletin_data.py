"""What the monthly bulletin lists from the month: its two department rankings, repeat problems, overdue items.

Both the PDF bulletin and its spreadsheet are rendered from one BulletinContent, so the paper and the XLSX
always agree. A laptop builds it from its own data folder (`workspace_content`: like the summary, only
finished, non-training inspections and live entries count); the office builds it from the central database
(office/bulletin.py), with the corrections (更正) of closed months the bulletin's month carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select

from inspector_app.core.rectification import list_rectifications
from inspector_app.core.store.models import Deduction, Department, Inspection
from inspector_app.core.summary import DepartmentRow, MonthlySummary, parse_month
from inspector_app.core.summary_export import not_inspected
from inspector_app.core.workspace import Workspace

REPEAT_AT_LEAST = 2


@dataclass(frozen=True)
class RepeatProblem:
    department: str
    item_code: str
    item_text: str
    occurrences: int  # summed counts in the month
    inspections: int  # in how many inspections it was found


@dataclass(frozen=True)
class OverdueItem:
    department: str
    item_code: str
    item_text: str
    person: str | None
    deadline: date
    days_overdue: int


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


def workspace_content(ws: Workspace, month: str, today: date | None = None, lang: str = "zh") -> BulletinContent:
    """A laptop's bulletin: its own data folder's month, hospital and office from its settings."""
    from inspector_app.core.summary import monthly_summary

    month = parse_month(month)
    today = today or date.today()
    return BulletinContent(ws.settings.hospital, ws.settings.inspector.office, month, today,
                           monthly_summary(ws, month), repeat_problems(ws, month, lang),
                           overdue_items(ws, today, lang))


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
    try:
        return ws.checklist_by_hash(checklist_hash).item(code).text.get(lang)
    except KeyError:
        return ""


def repeat_problems(ws: Workspace, month: str, lang: str = "zh") -> list[RepeatProblem]:
    """The same item deducted at least twice in the month in the same department, most frequent first."""
    month = parse_month(month)
    with ws.db.read() as session:
        names = {d.id: d.name for d in session.scalars(select(Department))}
        rows = session.execute(
            select(Deduction.department_id, Inspection.checklist_id, Deduction.item_code,
                   func.max(Inspection.checklist_hash), func.sum(Deduction.count),
                   func.count(func.distinct(Deduction.inspection_id)))
            .join(Inspection, Deduction.inspection_id == Inspection.id)
            .where(Deduction.local_month == month, Deduction.voided_at.is_(None), Inspection.status == "finished",
                   Inspection.training.is_(False))
            .group_by(Deduction.department_id, Inspection.checklist_id, Deduction.item_code)
            .having(func.sum(Deduction.count) >= REPEAT_AT_LEAST)
        ).all()
    found = [RepeatProblem(names.get(department_id, ""), code, _item_text(ws, digest, code, lang), int(total),
                           int(inspections))
             for department_id, _, code, digest, total, inspections in rows]
    found.sort(key=lambda r: (-r.occurrences, r.department, r.item_code))
    return found


def overdue_items(ws: Workspace, today: date | None = None, lang: str = "zh") -> list[OverdueItem]:
    """Rectifications still open after their deadline as of `today`, longest overdue first."""
    today = today or date.today()
    views = list_rectifications(ws, status="overdue", today=today)
    with ws.db.read() as session:
        hashes = dict(session.execute(select(Inspection.id, Inspection.checklist_hash).where(
            Inspection.id.in_(sorted({v.inspection_id for v in views})))).all()) if views else {}
    items = [OverdueItem(v.department, v.item_code, _item_text(ws, hashes[v.inspection_id], v.item_code, lang),
                         v.person, v.deadline, (today - v.deadline).days) for v in views]
    items.sort(key=lambda i: (-i.days_overdue, i.department, i.item_code))
    return items
