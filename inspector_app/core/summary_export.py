"""Writing a monthly summary as a text table, JSON, CSV or XLSX (the office's spreadsheet)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from inspector_app.core.i18n import tr
from inspector_app.core.summary import MonthlySummary
from inspector_app.core.texttable import cell, display_width, render_table

FORMATS = ("table", "json", "csv", "xlsx")


def _department_header() -> list[str]:
    return [tr("Rank"), tr("Code"), tr("Department / window"), tr("Inspections"), tr("Occurrences"),
            tr("Department points"), tr("Staff points"), tr("Total points"), tr("Pay deducted %"),
            tr("Average score"), tr("Failed")]


def _department_rows(summary: MonthlySummary) -> list[list]:
    return [[d.rank or "", d.code, d.name, d.inspections, d.occurrences, d.own_points, d.staff_points, d.total_points,
             d.pay_percent, "" if d.average_score is None else d.average_score, d.failed]
            for d in summary.departments]


def _person_header() -> list[str]:
    return [tr("Rank"), tr("Staff no."), tr("Name"), tr("Department / window"), tr("Department head"),
            tr("Occurrences"), tr("Points"), tr("Pay deducted %")]


def _person_rows(summary: MonthlySummary) -> list[list]:
    return [[p.rank, p.staff_no, p.name, p.department, tr("yes") if p.is_head else "", p.occurrences, p.points,
             p.pay_percent] for p in summary.persons]


def as_table(summary: MonthlySummary) -> str:
    head = tr("Monthly summary {month}: {inspections} inspections, {occurrences} occurrences, {points} points",
              month=summary.month, inspections=summary.inspections, occurrences=summary.occurrences,
              points=cell(summary.total_points))
    parts = [head, "", tr("Departments and windows"), render_table(_department_header(), _department_rows(summary))]
    if summary.persons:
        parts += ["", tr("Staff with deductions"), render_table(_person_header(), _person_rows(summary))]
    return "\n".join(parts) + "\n"


def as_json(summary: MonthlySummary) -> str:
    return json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n"


def as_csv(summary: MonthlySummary) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([tr("Departments and windows"), summary.month])
    writer.writerow(_department_header())
    writer.writerows(_department_rows(summary))
    writer.writerow([])
    writer.writerow([tr("Staff with deductions"), summary.month])
    writer.writerow(_person_header())
    writer.writerows(_person_rows(summary))
    return out.getvalue()


def write_xlsx(summary: MonthlySummary, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheets = ((book.active, tr("Departments"), _department_header(), _department_rows(summary)),
              (book.create_sheet(), tr("Staff"), _person_header(), _person_rows(summary)))
    for sheet, title, header, rows in sheets:
        sheet.title = title
        sheet.append(header)
        for header_cell in sheet[1]:
            header_cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column, name in zip(sheet.columns, header):
            sheet.column_dimensions[column[0].column_letter].width = max(8, display_width(name) + 2)
        sheet.freeze_panes = "A2"
    book.save(path)


def render(summary: MonthlySummary, fmt: str) -> str:
    """Text formats; XLSX goes through write_xlsx."""
    return {"table": as_table, "json": as_json, "csv": as_csv}[fmt](summary)
