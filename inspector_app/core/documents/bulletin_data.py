"""What the monthly bulletin lists beyond the summary: repeat problems and overdue rectifications.

Both the PDF bulletin and its spreadsheet read these, so the paper and the XLSX always agree. Like the
summary, only finished, non-training inspections and live (not voided) entries count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from inspector_app.core.rectification import list_rectifications
from inspector_app.core.store.models import Deduction, Department, Inspection
from inspector_app.core.summary import DepartmentRow, MonthlySummary, parse_month
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


def ranking(summary: MonthlySummary) -> tuple[list[DepartmentRow], list[DepartmentRow]]:
    """(departments ranked, departments not inspected) as the bulletin prints them.

    The summary ranks the departments inspected this month (or charged through their staff); the bulletin
    prints that ranking and names the others separately as not inspected.
    """
    ranked = [row for row in summary.departments if row.rank]  # the summary ranks only departments in play
    idle = [row for row in summary.departments if not row.rank]
    return ranked, idle


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
