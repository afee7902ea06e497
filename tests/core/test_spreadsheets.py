"""Spreadsheets safe by construction (issue #13 item 4): a name from a roster never becomes a formula.

The attack: staff and department names such as `=HYPERLINK("http://evil.example","x")` or `=1+1`, imported
from a roster table, used to be written as live formulas into the summary and bulletin workbooks and raw
into the CSV summary. Every file is checked as written: openpyxl's view of each cell, and the sheet XML
itself (a formula is an <f> element there).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inspector_app.core.documents import write_bulletin_xlsx
from inspector_app.core.importing.template import write_import_template
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.roster import (
    export_roster_xlsx,
    read_roster_table,
    write_roster_template,
)
from inspector_app.core.roster.models import load_roster_with_warnings
from inspector_app.core.roster_store import apply_roster, current_roster
from inspector_app.core.spreadsheet import csv_cell, csv_text, write_sheets
from inspector_app.core.summary import monthly_summary
from inspector_app.core.summary_export import render, write_xlsx
from tests.helpers.fixtures import (
    ASSESSMENT,
    cli_runner,
    local_time,
    open_demo_workspace,
)

HYPERLINK = '=HYPERLINK("http://evil.example","x")'
ATTACKS = {"9001": HYPERLINK, "9002": "=1+1", "9003": "@SUM(A1)", "9004": "+cmd", "9005": "-2+3"}
EVIL_DEPARTMENT = "=2*3"  # a department name from the same file; it becomes the department's code too
MONTH = "2024-03"
HEADER = ["工号", "姓名", "科室", "是否科室负责人", "科室类型", "职务"]
FORMULA_XML = re.compile(rb"<(?:\w+:)?f[\s>/]")  # <f>, <f t="shared" …/>, <x:f> — not <formula1> or <fill>


def roster_csv(path: Path) -> Path:
    """9001–9004 in the demo's 挂号收费窗口 (the first a department head), 9005 in a new department '=2*3'."""
    rows = [HEADER]
    for no, name in ATTACKS.items():
        department = EVIL_DEPARTMENT if no == "9005" else "挂号收费窗口"
        rows.append([no, name, department, "是" if no == "9001" else "否", "窗口", "收费员"])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")  # as on Windows too: \r\n once
    return path


def formulas_in(path: Path) -> list[str]:
    """Every formula in the workbook, seen by openpyxl and in the raw sheet XML; [] when there is none."""
    found = []
    book = load_workbook(path)
    for sheet in book.worksheets:
        found += [f"{sheet.title}!{c.coordinate}" for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml") and FORMULA_XML.search(archive.read(name)):
                found.append(name)
    return found


def cells(path: Path) -> dict[str, list[list[object]]]:
    """sheet title -> rows of cell values."""
    book = load_workbook(path)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def texts(path: Path) -> set[object]:
    return {value for rows in cells(path).values() for row in rows for value in row}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, bundled_library) -> dict[str, object]:
    """The attack roster imported into the demo hospital, deductions recorded on each of its people, and every
    spreadsheet the app makes from that store."""
    folder = tmp_path_factory.mktemp("spreadsheets")
    ws = open_demo_workspace(folder / "data")
    try:
        source = roster_csv(folder / "roster.csv")
        table = read_roster_table(source, existing=current_roster(ws))
        assert table.problems == [] and table.rows_good == len(ATTACKS)  # imported, though warned
        apply_roster(ws, table.roster)
        recorder = Recorder(ws, actor="tester")
        checklist = bundled_library.get(ASSESSMENT)
        for department, staff, day in (("W-REG", ["9001", "9002", "9003", "9004"], 12), (EVIL_DEPARTMENT, ["9005"], 13)):
            inspection = recorder.start(NewInspection(ASSESSMENT, department, "测试督查员",
                                                      started_at=local_time(2024, 3, day, 9)), checklist)
            recorder.record(inspection.id, NewDeduction("A2", staff, recorded_at=inspection.started_at))
            recorder.record(inspection.id, NewDeduction("A1", [], recorded_at=inspection.started_at))
            recorder.finish(inspection.id)
        summary = monthly_summary(ws, MONTH)
        write_xlsx(summary, folder / "summary.xlsx")
        write_bulletin_xlsx(ws, MONTH, folder / "bulletin.xlsx", today=date(2024, 6, 30))
        export_roster_xlsx(current_roster(ws), folder / "roster.xlsx")
        return {"table": table, "source": source, "folder": folder, "csv": render(summary, "csv"),
                "summary": summary}
    finally:
        ws.close()


# -- the workbooks ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["summary.xlsx", "bulletin.xlsx", "roster.xlsx"])
def test_no_workbook_holds_a_formula_and_the_names_are_kept_exactly(made, name):
    path = made["folder"] / name
    assert formulas_in(path) == []
    values = texts(path)
    assert set(ATTACKS.values()) <= values, set(ATTACKS.values()) - values  # every name, character for character
    assert EVIL_DEPARTMENT in values


def test_the_summary_workbook_keeps_numbers_as_numbers(made):
    sheets = cells(made["folder"] / "summary.xlsx")
    staff = {row[1]: row for row in list(sheets.values())[3][1:]}  # the staff sheet, by 工号
    assert {no: staff[no][2] for no in ATTACKS} == ATTACKS
    assert all(isinstance(staff[no][6], (int, float)) and staff[no][6] > 0 for no in ATTACKS)  # points
    assert all(isinstance(staff[no][0], int) for no in ATTACKS)  # rank
    points = {row[1]: row for row in next(iter(sheets.values()))[1:]}
    assert points[EVIL_DEPARTMENT][2] == EVIL_DEPARTMENT and isinstance(points[EVIL_DEPARTMENT][7], (int, float))
    book = load_workbook(made["folder"] / "summary.xlsx")
    kinds = {c.value: c.data_type for row in book.worksheets[3].iter_rows(min_row=2) for c in row}
    assert {kinds[name] for name in ATTACKS.values()} == {"s"}


def test_the_bulletin_workbook_lists_the_people_as_text(made):
    sheets = cells(made["folder"] / "bulletin.xlsx")
    staff = list(sheets.values())[3]
    assert {row[2] for row in staff[2:]} >= set(ATTACKS.values())
    assert all(isinstance(row[6], (int, float)) for row in staff[2:])
    sheet = load_workbook(made["folder"] / "bulletin.xlsx").worksheets[3]
    assert {c.data_type for row in sheet.iter_rows(min_row=3) for c in row if c.value in ATTACKS.values()} == {"s"}


def test_the_exported_roster_reads_back_unchanged_with_warnings(made):
    path = made["folder"] / "roster.xlsx"
    again = read_roster_table(path)
    assert again.problems == []
    assert {m.staff_no: m.name for m in again.roster.staff if m.staff_no in ATTACKS} == ATTACKS
    assert len(again.warnings) == len(ATTACKS) + 1  # the five names and the department


def test_templates_hold_no_formula(tmp_path):
    write_roster_template(tmp_path / "roster-template.xlsx")
    write_import_template(tmp_path / "import-template.xlsx")
    assert formulas_in(tmp_path / "roster-template.xlsx") == formulas_in(tmp_path / "import-template.xlsx") == []


def test_every_str_is_text_even_error_codes_and_numbers_stay_numbers(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    write_sheets(book, [("t", ["a", "b", "c", "d"], [["=1+1", "#N/A", -2.5, 3], ["@x", "-", 0, None]])])
    book.save(tmp_path / "t.xlsx")
    assert formulas_in(tmp_path / "t.xlsx") == []
    sheet = load_workbook(tmp_path / "t.xlsx")["t"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [["=1+1", "#N/A", -2.5, 3],
                                                                             ["@x", "-", 0, None]]
    assert [c.data_type for c in sheet[2]] == ["s", "s", "n", "n"]
    assert sheet["A2"].quotePrefix  # Excel keeps it text when someone edits the cell


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_summary_workbook(made, tmp_path):
    done = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                           str(made["folder"] / "summary.xlsx")], check=False, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "summary.pdf").stat().st_size > 0


# -- the CSV summary ----------------------------------------------------------------------------------------------
def test_the_csv_summary_neutralises_formula_cells(made):
    rows = list(csv.reader(io.StringIO(made["csv"])))
    flat = {value for row in rows for value in row}
    assert {"'" + name for name in ATTACKS.values()} <= flat
    assert "'" + EVIL_DEPARTMENT in flat
    assert not [value for value in flat if value[:1] in ("=", "+", "-", "@", "\t", "\r")]
    staff = {row[1]: row for row in rows if row and row[1] in ATTACKS}
    assert {no: row[2] for no, row in staff.items()} == {no: "'" + name for no, name in ATTACKS.items()}
    assert all(float(row[6]) > 0 and row[0].isdigit() for row in staff.values())  # numbers are still numbers


def test_csv_cell_follows_owasp_and_leaves_numbers_alone():
    assert [csv_cell(v) for v in ("=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx")] == [
        "'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx"]
    assert [csv_cell(v) for v in (-2.0, -2, 3.5, None, "-2", "+1.5", "张三", "", "a=b")] == [
        -2.0, -2, 3.5, None, "-2", "+1.5", "张三", "", "a=b"]
    assert csv_text([["=1+1", -2.0, 3]]) == "'=1+1,-2.0,3\r\n"


# -- the warning on import ------------------------------------------------------------------------------------------
def test_the_table_import_warns_row_and_column_and_still_imports(made):
    table = made["table"]
    assert table.rows_good == len(ATTACKS) and {m.name for m in table.roster.staff} == set(ATTACKS.values())
    where = [(w.line, w.field) for w in table.warnings]
    assert where == [(2, "姓名"), (3, "姓名"), (4, "姓名"), (5, "姓名"), (6, "姓名"), (6, "科室")]
    assert all(w.file == str(made["source"]) for w in table.warnings)
    assert table.warnings[1].plain().startswith("roster.csv，第 3 行，“姓名”列：“=1+1”以“=”开头")


def test_the_yaml_import_warns_with_line_and_field(tmp_path, english):
    path = tmp_path / "roster.yaml"
    path.write_text("hospital: h\ndepartments:\n  - code: A\n    name: '@A'\n    kind: admin\nstaff:\n"
                    "  - staff_no: '1'\n    name: '=1+1'\n    department: A\n", encoding="utf-8")
    roster, warnings = load_roster_with_warnings(path)
    assert [m.name for m in roster.staff] == ["=1+1"]
    assert [(w.line, w.field) for w in warnings] == [(4, "departments.0.name"), (8, "staff.0.name")]
    assert "'=1+1' starts with '='" in warnings[1].reason


def test_the_roster_import_command_warns_but_imports(tmp_path, capsys):
    run = cli_runner(tmp_path / "data", capsys)
    source = roster_csv(tmp_path / "roster.csv")
    code, out, err = run("roster", "import", str(source))
    assert code == 0, err
    assert "warning: roster.csv, row 3, column 姓名: '=1+1' starts with '=', like a spreadsheet formula" in err
    assert len([line for line in err.splitlines() if line.startswith("warning: ")]) == len(ATTACKS) + 1
    assert "5 staff added" in out
    code, out, _ = run("roster", "show", "--format", "json")
    assert code == 0 and HYPERLINK in out.replace('\\"', '"')


def test_a_title_wider_than_its_few_columns_widens_the_last_one(tmp_path) -> None:
    """A two-column list (departments not inspected) under a long title: the title must not print cut off."""
    from openpyxl import Workbook

    from inspector_app.core.spreadsheet import _cell_width, add_printable_sheet

    book = Workbook()
    caption = "示例市人民医院 Service Quality Inspection Bulletin, November 2026 — Not inspected"
    sheet = add_printable_sheet(book, "Not inspected", caption, ["Code", "Department / window"],
                                [["C-OPH", "眼科"], ["WD-OBG", "妇产科病区"]])
    total = sheet.column_dimensions["A"].width + sheet.column_dimensions["B"].width
    assert total >= _cell_width(caption) * 14 / 11
    narrow = add_printable_sheet(book, "Wide", "Short", ["Code", "Department / window"], [["C-OPH", "眼科"]])
    assert narrow.column_dimensions["B"].width < 30  # a short title leaves the columns as their text needs


def test_a_printable_sheet_keeps_every_cell_of_a_row_on_one_line_unless_it_wraps(tmp_path) -> None:
    """Each data cell is top-aligned (a row grown for one wrapped cell keeps the others on their line), a cell
    wider than its column wraps, and a short row still styles its empty cells to the header's width."""
    from openpyxl import Workbook

    from inspector_app.core.spreadsheet import add_printable_sheet

    book = Workbook()
    long_text = "实行首问负责制，不推诿服务对象，首位接待人员须解答或引导" * 3
    sheet = add_printable_sheet(book, "Rows", "Caption", ["Code", "Text", "Count"],
                                [["A1", long_text, 3], ["A2", "短"], *(["B", "x", n] for n in range(300))])
    assert sheet.max_row == 2 + 302
    for row in sheet.iter_rows(min_row=3, max_col=3):
        assert all(cell.alignment.vertical == "top" for cell in row), row[0].coordinate
    assert sheet["B3"].alignment.wrap_text and not sheet["A3"].alignment.wrap_text
    assert sheet.row_dimensions[3].height > 15 and sheet["C4"].value is None
