"""The XLSX template offices fill in from paper sheets: a 督查记录 sheet to fill, and a 说明 sheet to read.

The 说明 sheet lists the checklists and their item codes, so whoever transcribes a sheet can look up the
code of each line without the app. Headers are the fixed Chinese ones `read_table` reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspector_app.core.checklists import ChecklistLibrary
from inspector_app.core.checklists.models import ChargeTo
from inspector_app.core.importing.table import COLUMNS
from inspector_app.core.spreadsheet import append_row

RECORDS_SHEET = "督查记录"
HELP_SHEET = "说明"
HEADERS = [zh for zh, _, _ in COLUMNS.values()]
TEMPLATE_ROWS = 2000  # rows given drop-down lists
COLUMN_HELP = {
    "started_at": "必填。开始督查的日期和时间，如 2026-03-05 09:30（不写时区按本机时区）。",
    "checklist": "必填。检查表编号，见下方“可用检查表”。",
    "department": "必填。被督查的科室或窗口，填名称或代码（须在人员名单中）。",
    "inspector": "必填。督查员姓名。",
    "inspector_no": "选填。督查员工号。",
    "co_inspector": "选填。同行督查员姓名。",
    "mode": "选填。明查或暗访，空着为明查。",
    "location": "选填。督查地点。",
    "item": "扣分条目编号，如 A3，见下方各检查表的条目；整次督查未扣分时空着（只写一行）。",
    "staff": "被扣分人员的工号，多人用“、”分隔；空着表示扣科室。扣科室的条目不能填工号。",
    "count": "选填。次数，1 到 99 的整数，空着为 1。",
    "note": "选填。备注：看到的问题。",
}
RULES = [
    "每行是一条扣分。督查日期时间、检查表、科室/窗口、督查员都相同的各行合并为同一次督查。",
    "导入时先检查全部内容：有任何一处错误则一条也不导入，并列出每处错误的行号和列名。",
    "同一次督查已导入过的，不能再导入（防止重复扣分）。导入的督查都记为已完成。",
    "示例：2026-03-05 09:30 | svc-001-assessment | 挂号收费窗口 | 王督查 | | | 明查 | 一楼大厅 | A3 | 1002、1003 | 1 | 未佩戴胸牌",
]
_WIDTHS = [18, 20, 18, 10, 12, 12, 14, 14, 10, 20, 8, 40]
_TEXT_COLUMNS = ("inspector_no", "item", "staff")  # keep 0-leading 工号 and codes like 1.1 as typed


def _letter(column: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(list(COLUMNS).index(column) + 1)


def _records_sheet(sheet: Any, library: ChecklistLibrary) -> None:
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet.title = RECORDS_SHEET
    append_row(sheet, HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(_WIDTHS):
        sheet.column_dimensions[_letter(list(COLUMNS)[index])].width = width
    for column in _TEXT_COLUMNS:  # a column style: Excel uses it for typed cells, and no empty cells are written
        sheet.column_dimensions[_letter(column)].number_format = "@"
    choices = [("mode", "明查,暗访"), ("checklist", ",".join(checklist.id for checklist in library))]
    for column, listed in choices:
        if listed and len(listed) < 250:  # Excel's limit for an inline list
            rule = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
            sheet.add_data_validation(rule)
            rule.add(f"{_letter(column)}2:{_letter(column)}{TEMPLATE_ROWS + 1}")
    sheet.freeze_panes = "A2"


def _help_sheet(sheet: Any, library: ChecklistLibrary) -> None:
    from openpyxl.styles import Font

    bold = Font(bold=True)
    append_row(sheet, ["列", "填写说明"])
    for column, text in COLUMN_HELP.items():
        append_row(sheet, [COLUMNS[column][0], text])
    append_row(sheet, [])
    for rule in RULES:
        append_row(sheet, ["说明", rule])
    append_row(sheet, [])
    append_row(sheet, ["可用检查表", "名称", "版本"])
    for checklist in library:
        append_row(sheet, [checklist.id, checklist.title.zh, checklist.version])
    for checklist in library:
        append_row(sheet, [])
        append_row(sheet, [checklist.id, checklist.title.zh])
        append_row(sheet, ["条目编号", "条目内容", "每次扣分", "扣分对象"])
        for item in checklist.items():
            who = "扣个人" if item.charge_to is ChargeTo.PERSON else "扣科室"
            append_row(sheet, [item.code, item.text.zh, item.points_each, who])
    for row in sheet.iter_rows():
        if row[0].value in ("列", "可用检查表", "条目编号") or row[0].value in {c.id for c in library}:
            for cell in row:
                cell.font = bold
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 80


def write_import_template(path: Path, library: ChecklistLibrary | None = None) -> None:
    """Write the template; `library` (e.g. `ws.library`) lists this computer's checklists, else the bundled ones."""
    from openpyxl import Workbook

    library = library if library is not None else ChecklistLibrary.load()
    book = Workbook()
    _records_sheet(book.active, library)
    _help_sheet(book.create_sheet(HELP_SHEET), library)
    book.save(Path(path))
