"""The one writer of every XLSX and CSV file the app makes: text stays text, whoever typed it.

Names come from roster files the office does not control. A staff or department name such as
`=HYPERLINK("http://x","点击")` must never become a live formula in a workbook someone opens in Excel or
WPS, so:

- XLSX: every str cell is stored as a string (openpyxl would otherwise store a str starting with "=" as a
  formula, and "#N/A" as an error), and a formula-looking one also gets Excel's "quote prefix" style, so
  editing the cell in Excel keeps it text. Numbers and dates stay numbers and dates.
- CSV: a str cell starting with = + - @, a tab or a carriage return gets a leading apostrophe (OWASP's
  advice against CSV injection); numbers, and text that is just a number ("-2"), are written as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from inspector_app.core.texttable import display_width

FORMULA_SIGNS = ("=", "+", "-", "@")  # what makes Excel, WPS or LibreOffice read typed text as a formula
CSV_RISKY_STARTS = (*FORMULA_SIGNS, "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

Sheet = tuple[str, Sequence[Any], Iterable[Sequence[Any]]]  # (title, header, rows)


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet would take for a formula if someone typed it into a cell."""
    return text.startswith(FORMULA_SIGNS)


# -- XLSX --------------------------------------------------------------------------------------------
def text_cell(sheet: Any, value: Any, *, as_text: bool = False, streamed: bool = False) -> Any:
    """An openpyxl cell for `sheet` holding `value`; a str is always a string, never a formula or error.

    `as_text` stores every value as text with the text number format "@" (工号 keep their leading zeros,
    and a cell typed in later stays text too). `streamed`: for a write-only workbook's sheet."""
    from openpyxl.cell.cell import Cell, WriteOnlyCell

    if as_text and value is not None and not isinstance(value, str):
        value = str(value)
    cell = WriteOnlyCell(sheet, value=value) if streamed else Cell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    if as_text:
        cell.number_format = "@"
    return cell


def append_row(sheet: Any, values: Sequence[Any], *, as_text: bool = False) -> None:
    """`sheet.append(values)` with every str kept as a string (see text_cell); [] leaves a blank row."""
    sheet.append([text_cell(sheet, value, as_text=as_text) for value in values])


def fill_sheet(sheet: Any, header: Sequence[Any], rows: Iterable[Sequence[Any]], *,
               widths: dict[str, float] | None = None, center_header: bool = True, as_text: bool = False) -> None:
    """Bold header, the rows, frozen header row; columns `widths` (letter -> width) or fitted to the text."""
    from openpyxl.styles import Alignment, Font

    append_row(sheet, header)
    for header_cell in sheet[1]:
        header_cell.font = Font(bold=True)
        if center_header:
            header_cell.alignment = Alignment(horizontal="center")
    for row in rows:
        append_row(sheet, row, as_text=as_text)
    if widths is None:
        for column in sheet.columns:
            longest = max(display_width(str(c.value)) for c in column if c.value is not None)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, longest + 2))
    else:
        for letter, width in widths.items():
            sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def add_sheet(book: Any, title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], **options: Any) -> Any:
    """A new sheet named `title` (cut to Excel's 31 characters), filled by fill_sheet."""
    sheet = book.create_sheet(title[:31])
    fill_sheet(sheet, header, rows, **options)
    return sheet


def write_sheets(book: Any, sheets: Iterable[Sheet]) -> None:
    """Add one sheet per (title, header, rows) to an openpyxl workbook: bold header, fitted columns, frozen."""
    for title, header, rows in sheets:
        add_sheet(book, title, header, rows)


def _cell_width(value: Any) -> int:
    """How wide a value is in Excel's width units (a digit of the default font): a CJK character takes two."""
    if value is None:
        return 0
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return max((display_width(line) for line in text.splitlines()), default=0)


def _print_setup(sheet: Any, *, title_rows: str) -> None:
    """Printed on A4 landscape, one page wide, the header row repeated on every page (a wide sheet otherwise
    prints a column or two per page)."""
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    sheet.print_title_rows = title_rows
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need


def add_printable_sheet(book: Any, title: str, caption: str, header: Sequence[Any], rows: Iterable[Sequence[Any]],
                        *, footer: str = "&P / &N", widest: int = 60) -> Any:
    """A sheet meant to be printed: a title row (`caption`, e.g. the month) over the table, columns as wide as
    their text counting CJK characters double (longer text wraps at `widest`), an autofilter on the header,
    the header row repeated on every printed page, A4 landscape fitted to one page wide, page numbers."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title[:31])
    columns = max(len(header), 1)
    append_row(sheet, [caption])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 26
    append_row(sheet, header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    top = Alignment(vertical="top")
    number = sheet.max_row
    for row in rows:
        append_row(sheet, row)
        number += 1
        # a row grown for one wrapped cell keeps its cells on one line; each cell by its place (sheet[number]
        # would measure the whole sheet for its width at every row: 2,800 rows took 4 s)
        for column in range(1, max(columns, len(row)) + 1):
            sheet.cell(row=number, column=column).alignment = top
    last = get_column_letter(columns)
    lines: dict[int, int] = {}  # row → lines its tallest wrapped cell needs
    for index in range(1, columns + 1):
        letter = get_column_letter(index)
        cells = [row[0] for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]
        longest = max([_cell_width(c.value) for c in cells] + [4])
        width = min(widest, longest + 3)  # +3: the autofilter's drop-down button sits in the header cell
        sheet.column_dimensions[letter].width = width
        for cell in cells[1:]:
            needed = _cell_width(cell.value)
            if needed > width - 2:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                lines[cell.row] = max(lines.get(cell.row, 1), -(-needed // int(width - 2)))
    for row, count in lines.items():  # spreadsheets do not all grow a row for wrapped text on opening
        sheet.row_dimensions[row].height = 15 * count + 2
    _fit_caption(sheet, caption, columns)
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{last}{max(sheet.max_row, 2)}"
    _print_setup(sheet, title_rows="2:2")
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = footer
    return sheet


def _fit_caption(sheet: Any, caption: str, columns: int) -> None:
    """A table of few narrow columns (a list of departments) is narrower than its title row: the last column
    is widened until the title fits, or it would print cut off at the table's right edge."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(index) for index in range(1, columns + 1)]
    total = sum(sheet.column_dimensions[letter].width or 8 for letter in letters)
    needed = _cell_width(caption) * 14 / 11 + 4  # the title is 14 pt bold against the 11 pt a width unit counts
    if needed > total:
        sheet.column_dimensions[letters[-1]].width = (sheet.column_dimensions[letters[-1]].width or 8) + needed - total


# -- CSV ---------------------------------------------------------------------------------------------
def csv_cell(value: Any) -> Any:
    """`value` safe to open in a spreadsheet: a risky str gets a leading "'"; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(CSV_RISKY_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class CsvWriter:
    """csv.writer whose every cell goes through csv_cell."""

    def __init__(self, out: Any, **options: Any):
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(rows: Iterable[Iterable[Any]], **options: Any) -> str:
    """Rows as CSV text, every cell through csv_cell."""
    out = io.StringIO()
    CsvWriter(out, **options).writerows(rows)
    return out.getvalue()
