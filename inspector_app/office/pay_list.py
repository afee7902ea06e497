"""The 绩效扣减明细 for the 审计科 (001 §四: 1 point = 1% of performance pay), from the central database.

Per person (工号) and per department (roster code) the month's points and pay share come from the central
summary (core/merge/summary.py, the one scoring module), so the pay list and the summary cannot disagree;
beside them every live entry of the month with its date, item, clause, inspector, counted points and pay
share, so each figure can be traced to what was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from inspector_app.core.checklists.models import Checklist
from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr_lang
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.scoring import MonthlySummary


@dataclass(frozen=True)
class PayLine:
    """One live entry of the month as the audit department reads it."""

    date: str  # local date it was recorded
    staff_no: str  # "" when the department itself was charged
    name: str
    department_code: str
    department: str
    item_code: str
    item_text: str
    clause: str  # the standard's section and quote the item rests on
    inspector: str
    count: int
    points: float  # counted (after caps; 0 on scored checklists)
    pay_percent: float


@dataclass(frozen=True)
class PayList:
    month: str
    summary: MonthlySummary
    lines: list[PayLine]


def _checklist(payload: Any) -> Checklist | None:
    try:
        return Checklist.model_validate(payload["body"])
    except (ValidationError, KeyError, TypeError):
        return None


def pay_list(central: CentralDB, month: str, lang: str = "zh") -> PayList:
    """The month's pay list: the central summary's totals and every live entry behind them."""
    summary = central_summary(central, month)
    names = {d.code: d.name for d in summary.departments}
    D, I = m.Deduction, m.Inspection  # noqa: N806
    query = (select(D.recorded_at, D.payload, D.staff_no, D.staff_name, D.department_id, D.item_code, D.count,
                    D.counted_points, D.pay_percent, I.inspector_name, I.inspector_no, I.checklist_hash)
             .join(I, I.id == D.inspection_id)
             .where(D.local_month == month, D.voided_at.is_(None))
             .order_by(D.staff_no, D.recorded_at))
    checklists: dict[str, Checklist | None] = {}
    lines = []
    with central.read() as session:
        rows = session.execute(query).all()
        for digest in {row.checklist_hash for row in rows}:
            snapshot = session.get(m.ChecklistSnapshot, digest)
            checklists[digest] = _checklist(snapshot.payload) if snapshot is not None else None
    for row in rows:
        checklist = checklists.get(row.checklist_hash)
        try:
            item = checklist.item(row.item_code) if checklist is not None else None
        except KeyError:
            item = None
        offset = int((row.payload or {}).get("utc_offset_min", 0))
        day = (row.recorded_at + timedelta(minutes=offset)).date().isoformat()
        inspector = f"{row.inspector_name}（{row.inspector_no}）" if row.inspector_no else row.inspector_name
        lines.append(PayLine(
            day, row.staff_no or "", row.staff_name or "", row.department_id, names.get(row.department_id, ""),
            row.item_code, item.text.get(lang) if item is not None else "",
            f"{item.source.section}：{item.source.quote}" if item is not None else "", inspector, row.count,
            row.counted_points, row.pay_percent))
    return PayList(month, summary, lines)


def write_pay_list_xlsx(pay: PayList, path: Path, lang: str = "zh") -> Path:
    """The pay list as a workbook: people, departments, every entry."""
    from openpyxl import Workbook

    from inspector_app.core.spreadsheet import write_sheets

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise AppError(tr_lang(lang, "The pay list is written as .xlsx (a PDF pay list is not built yet)."))

    def t(text: str) -> str:
        return tr_lang(lang, text)

    persons = [[p.staff_no, p.name, p.department_code, p.department, p.occurrences, p.points, p.pay_percent]
               for p in sorted(pay.summary.persons, key=lambda p: p.staff_no)]
    departments = [[d.code, d.name, d.own_points, d.pay_percent] for d in sorted(
        (d for d in pay.summary.departments if d.own_points), key=lambda d: d.code)]
    entries = [[line.date, line.staff_no, line.name, line.department_code, line.department, line.item_code,
                line.item_text, line.clause, line.inspector, line.count, line.points, line.pay_percent]
               for line in pay.lines]
    book = Workbook()
    book.remove(book.active)
    write_sheets(book, [
        (t("Staff"), [t("Staff no."), t("Name"), t("Code"), t("Department / window"), t("Occurrences"),
                      t("Points"), t("Pay deducted %")], persons),
        (t("Departments"), [t("Code"), t("Department / window"), t("Department points"), t("Pay deducted %")],
         departments),
        (t("Entries"), [t("Date"), t("Staff no."), t("Name"), t("Code"), t("Department / window"), t("Item"),
                        t("Inspection item"), t("Clause"), t("Inspector"), t("Times"), t("Points"),
                        t("Pay deducted %")], entries),
    ])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
