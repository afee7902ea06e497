"""Writing staff tables as XLSX: a blank template to fill in, and the current roster for editing.

Both use the Chinese headers `read_roster_table` reads, so an exported roster can be edited in Excel and
imported again unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspector_app.core.roster.models import (
    KIND_LABELS_ZH,
    Department,
    DepartmentKind,
    Roster,
)
from inspector_app.core.roster.table import COLUMNS
from inspector_app.core.spreadsheet import fill_sheet

HEADERS = [zh for zh, _, _ in COLUMNS.values()]
TEMPLATE_ROWS = [
    ["1001", "张明", "挂号收费窗口", "是", KIND_LABELS_ZH[DepartmentKind.WINDOW], "组长"],
    ["1002", "李红", "挂号收费窗口", "否", KIND_LABELS_ZH[DepartmentKind.WINDOW], "收费员"],
]
_WIDTHS = {"A": 12, "B": 12, "C": 24, "D": 16, "E": 12, "F": 14}


def _sheet_rows(sheet: Any, header: list[str], rows: list[list[str]]) -> None:
    """Write text cells only: 工号 stays text (no lost leading zeros) and '=...' never becomes a formula."""
    fill_sheet(sheet, header, rows, widths=_WIDTHS, center_header=False, as_text=True)


def _staff_rows(roster: Roster) -> list[list[str]]:
    names: dict[str, Department] = {d.code: d for d in roster.departments}
    return [
        [m.staff_no, m.name, names[m.department].name, "是" if m.is_head else "否",
         names[m.department].kind.label_zh, m.title or ""]
        for m in roster.staff
    ]


def write_roster_template(path: Path) -> None:
    """An XLSX with the Chinese headers and two example rows, for offices starting a roster in Excel."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "人员名单"
    _sheet_rows(sheet, HEADERS, [list(row) for row in TEMPLATE_ROWS])
    book.save(Path(path))


def export_roster_xlsx(roster: Roster, path: Path) -> None:
    """The roster as a staff table (first sheet, re-importable) plus a sheet listing all departments."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "人员名单"
    _sheet_rows(sheet, HEADERS, _staff_rows(roster))
    departments = book.create_sheet("科室")
    _sheet_rows(departments, ["科室代码", "科室名称", "科室类型"],
                [[d.code, d.name, d.kind.label_zh] for d in roster.departments])
    book.save(Path(path))
