"""Importing inspections recorded elsewhere (JSON or the XLSX template): all or nothing, every problem placed."""

from __future__ import annotations

import ast
import copy
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from inspector_app.core.demo import ensure_demo_roster
from inspector_app.core.errors import InputError, Problem
from inspector_app.core.i18n import set_language
from inspector_app.core.importing import (
    COLUMNS,
    FORMAT,
    ImportReport,
    check_import,
    import_inspections,
    import_schema,
    write_import_template,
)
from inspector_app.core.importing.models import parse_when
from inspector_app.core.paths import resources_dir
from inspector_app.core.roster.models import Roster
from inspector_app.core.roster_store import apply_roster, current_roster
from inspector_app.core.store.models import (
    AuditEvent,
    ChecklistSnapshot,
    Deduction,
    Inspection,
    Rectification,
    Staff,
)
from inspector_app.core.workspace import Workspace

DATA = Path(__file__).parent / "data" / "importing"
PACKAGE = Path(__file__).parents[2] / "inspector_app" / "core" / "importing"
CST = timezone(timedelta(hours=8))
TABLES = (Inspection, Deduction, Rectification, AuditEvent, ChecklistSnapshot)
# repeatable, and no example database written into the checkout; one workspace serves every example
ROBUST = settings(deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "data") as workspace:
        ensure_demo_roster(workspace)
        yield workspace


@pytest.fixture
def en() -> Iterator[None]:
    set_language("en")
    yield
    set_language("zh")


def rows(ws: Workspace) -> tuple[int, ...]:
    with ws.db.read() as session:
        return tuple(session.scalar(select(func.count()).select_from(table)) or 0 for table in TABLES)


def base() -> dict[str, Any]:
    return {"format": FORMAT, "version": 1, "inspections": [{
        "checklist": "svc-001-assessment", "department": "W-REG", "inspector": "王督查", "mode": "明查",
        "started_at": "2026-03-05T09:30:00+08:00",
        "deductions": [{"item": "A3", "staff": ["1002"], "count": 1, "note": "未佩戴胸牌"}],
    }]}


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def refused(ws: Workspace, path: Path) -> list[Problem]:
    """Import `path`, expecting a refusal that leaves the store as it was."""
    before = rows(ws)
    with pytest.raises(InputError) as info:
        import_inspections(ws, path)
    assert rows(ws) == before
    assert info.value.problems and all(p.file == str(path) for p in info.value.problems)
    return info.value.problems


def stored(ws: Workspace) -> list[Inspection]:
    with ws.db.read() as session:
        inspections = list(session.scalars(select(Inspection).order_by(Inspection.started_at)))
        for inspection in inspections:
            _ = [(d.staff, d.rectification) for d in inspection.deductions]
            _ = inspection.department
        return inspections


# --- JSON ------------------------------------------------------------------------------------------------------

def test_valid_json_import_records_scored_finished_inspections(ws: Workspace) -> None:
    report = import_inspections(ws, DATA / "good.json")
    assert isinstance(report, ImportReport)
    assert (report.inspections, report.deductions, len(report.inspection_ids)) == (2, 4, 2)
    first, second = stored(ws)
    assert {first.id, second.id} == set(report.inspection_ids)
    for inspection in (first, second):
        assert (inspection.status, inspection.origin, inspection.training) == ("finished", "imported", False)
        assert inspection.utc_offset_min == 480
    assert (first.department.code, first.mode, first.inspector_name) == ("W-REG", "open", "王督查")
    assert first.started_at == datetime(2026, 3, 5, 9, 30, tzinfo=CST)
    assert first.finished_at == datetime(2026, 3, 5, 9, 50, tzinfo=CST)  # the last deduction's time
    entries = {(d.item_code, d.staff.staff_no if d.staff else None): d for d in first.deductions}
    assert set(entries) == {("A3", "1001"), ("A4", "1002"), ("A4", "1003"), ("A1", None)}
    head = entries["A3", "1001"]  # 郭建军 heads 挂号收费窗口: 001 §四 第9条 doubles it
    assert (head.is_head, head.points_each, head.multiplier, head.points) == (True, 1, 2, 2)
    assert head.recorded_at == first.started_at and head.note == "组长未佩戴胸牌"
    assert (entries["A4", "1002"].count, entries["A4", "1002"].points, entries["A4", "1002"].multiplier) == (2, 4, 1)
    assert (entries["A1", None].charged_to, entries["A1", None].points) == ("department", 2)
    assert all(d.rectification is not None and d.rectification.status == "open" for d in first.deductions)
    assert (second.department.code, second.mode, second.co_inspector, second.location) == (
        "W-INS", "covert", "陈督查", "门诊一楼")
    assert second.inspector_no == "D002" and second.deductions == []
    assert second.finished_at == datetime(2026, 3, 6, 14, 40, tzinfo=CST)
    with ws.db.read() as session:
        actors = set(session.scalars(select(AuditEvent.actor).where(AuditEvent.entity == "deduction")))
    assert actors == {"import"}


def test_check_import_previews_without_recording(ws: Workspace) -> None:
    before = rows(ws)
    plan = check_import(ws, DATA / "good.json")
    assert (len(plan.inspections), plan.deductions) == (2, 4)
    assert rows(ws) == before


def test_bundled_example_file_imports(ws: Workspace) -> None:
    report = import_inspections(ws, resources_dir() / "templates" / "inspections.example.json", actor="office")
    assert (report.inspections, report.deductions) == (1, 3)


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return change


_I = ("inspections", 0)
_D = (*_I, "deductions", 0)
BAD_JSON = {
    "unknown department": (_set((*_I, "department"), "W-NONE"), "inspections.0.department",
                           "no department or window W-NONE"),
    "unknown item": (_set((*_D, "item"), "Z9"), "inspections.0.deductions.0.item", "no item with code Z9"),
    "unknown staff": (_set((*_D, "staff"), ["9999"]), "inspections.0.deductions.0.staff.0", "工号 9999"),
    "count 0": (_set((*_D, "count"), 0), "inspections.0.deductions.0.count", "from 1 to 99"),
    "count 100": (_set((*_D, "count"), 100), "inspections.0.deductions.0.count", "from 1 to 99"),
    "count 1.5": (_set((*_D, "count"), 1.5), "inspections.0.deductions.0.count", "whole number"),
    "count 2.0": (_set((*_D, "count"), 2.0), "inspections.0.deductions.0.count", "whole number"),
    "count abc": (_set((*_D, "count"), "abc"), "inspections.0.deductions.0.count", "whole number"),
    "count true": (_set((*_D, "count"), True), "inspections.0.deductions.0.count", "whole number"),
    "no time zone": (_set((*_I, "started_at"), "2026-03-05T09:30:00"), "inspections.0.started_at", "time zone"),
    "date only": (_set((*_I, "started_at"), "2026-03-05+08:00"), "inspections.0.started_at", "time of day"),
    "not a date": (_set((*_I, "started_at"), "yesterday"), "inspections.0.started_at", "date and time"),
    "impossible date": (_set((*_I, "started_at"), "2026-02-30T09:00+08:00"), "inspections.0.started_at",
                        "not a real date"),
    "deduction without zone": (_set((*_D, "recorded_at"), "2026-03-05 09:40"), "inspections.0.deductions.0.recorded_at",
                               "time zone"),
    "future": (_set((*_I, "started_at"), "2099-03-05T09:30:00+08:00"), "inspections.0.started_at", "future"),
    "finished before start": (_set((*_I, "finished_at"), "2026-03-05T08:00:00+08:00"), "inspections.0.finished_at",
                              "before it started"),
    "bad mode": (_set((*_I, "mode"), "sneaky"), "inspections.0.mode", "明查 (open) or 暗访 (covert)"),
    "unknown field": (_set((*_I, "colour"), "red"), "inspections.0.colour", "unknown field"),
    "unknown deduction field": (_set((*_D, "points"), 5), "inspections.0.deductions.0.points", "unknown field"),
    "missing inspector": (lambda d: d["inspections"][0].pop("inspector"), "inspections.0.inspector", "missing"),
    "blank inspector": (_set((*_I, "inspector"), "  "), "inspections.0.inspector", "empty"),
    "wrong format tag": (_set(("format",), "inspector-app/roster"), "format", "not an inspections import file"),
    "wrong version": (_set(("version",), 2), "version", "one of"),
    "unknown top field": (_set(("extra",), 1), "extra", "unknown field"),
    "no inspections": (_set(("inspections",), []), "inspections", "at least 1"),
    "unknown checklist": (_set((*_I, "checklist"), "svc-none"), "inspections.0.checklist", "no checklist svc-none"),
    "version mismatch": (_set((*_I, "checklist_version"), 7), "inspections.0.checklist_version", "version 7"),
    "department item with people": (_set((*_D, "item"), "A1"), "inspections.0.deductions.0.staff",
                                     "charged to the department"),
    "same person twice": (_set((*_D, "staff"), ["1002", "1002"]), "inspections.0.deductions.0.staff.1", "twice"),
    "note too long": (_set((*_D, "note"), "长" * 2001), "inspections.0.deductions.0.note", "too long"),
    "staff not a list": (_set((*_D, "staff"), "1002"), "inspections.0.deductions.0.staff", "list"),
    "inspection not a mapping": (_set(("inspections",), ["x"]), "inspections.0", "mapping"),
}


@pytest.mark.parametrize("case", list(BAD_JSON))
def test_bad_json_is_refused_naming_the_place(ws: Workspace, tmp_path: Path, en: None, case: str) -> None:
    change, field, reason = BAD_JSON[case]
    data = base()
    change(data)
    path = write_json(tmp_path / "in.json", data)
    problems = refused(ws, path)
    assert [(p.field, reason in p.reason) for p in problems] == [(field, True)], problems
    assert problems[0].line is not None


def test_json_lines_point_at_the_value(ws: Workspace, tmp_path: Path, en: None) -> None:
    data = base()
    data["inspections"][0]["deductions"].append({"item": "A2", "staff": ["1002", "8888"]})
    path = write_json(tmp_path / "in.json", data)
    problem, = refused(ws, path)
    text = path.read_text(encoding="utf-8").splitlines()
    assert '"8888"' in text[problem.line - 1]
    assert str(problem).startswith(f"{path}:{problem.line} [inspections.0.deductions.1.staff.1]")


def test_every_problem_in_a_file_is_listed(ws: Workspace, tmp_path: Path, en: None) -> None:
    data = base()
    data["inspections"][0]["department"] = "W-NONE"
    data["inspections"][0]["deductions"][0]["count"] = 0
    data["inspections"].append({**copy.deepcopy(data["inspections"][0]), "department": "W-REG", "mode": "x",
                                "deductions": [{"item": "Z9"}]})
    data["inspections"][0]["deductions"][0]["staff"] = ["9999"]
    problems = refused(ws, write_json(tmp_path / "in.json", data))
    # shape faults and store faults together, even within one deduction: one pass finds them all
    assert [p.field for p in problems] == ["inspections.0.department", "inspections.0.deductions.0.staff.0",
                                           "inspections.0.deductions.0.count", "inspections.1.mode",
                                           "inspections.1.deductions.0.item"]


def test_invalid_json_syntax_names_the_line(ws: Workspace, en: None) -> None:
    problem, = refused(ws, DATA / "syntax.json")
    assert problem.line == 5 and "not valid JSON" in problem.reason


def test_duplicate_json_key_is_refused(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    path.write_text('{"format": "inspector-app/inspections",\n "version": 1,\n "version": 1, "inspections": []}',
                    encoding="utf-8")
    problem, = refused(ws, path)
    assert problem.line == 3 and problem.field == "version"


def test_one_bad_inspection_imports_nothing(ws: Workspace, en: None) -> None:
    problems = refused(ws, DATA / "mixed.json")
    assert [(p.field, p.line) for p in problems] == [("inspections.1.deductions.0.staff.0", 17)]
    assert stored(ws) == []


def test_reimport_is_refused_and_changes_nothing(ws: Workspace, en: None) -> None:
    import_inspections(ws, DATA / "good.json")
    problems = refused(ws, DATA / "good.json")
    assert [p.field for p in problems] == ["inspections.0", "inspections.1"]
    assert all("already imported" in p.reason for p in problems)
    assert len(stored(ws)) == 2


def test_same_inspection_twice_in_one_file_is_refused(ws: Workspace, tmp_path: Path, en: None) -> None:
    data = base()
    twin = copy.deepcopy(data["inspections"][0])
    twin["department"] = "挂号收费窗口"  # the same department by name
    twin["started_at"] = "2026-03-05T01:30:00Z"  # the same moment in UTC
    data["inspections"].append(twin)
    problem, = refused(ws, write_json(tmp_path / "in.json", data))
    assert problem.field == "inspections.1" and "twice in this file" in problem.reason


def test_inactive_staff_and_departments_are_refused(ws: Workspace, tmp_path: Path, en: None) -> None:
    roster = current_roster(ws)
    kept = Roster(hospital=roster.hospital, departments=[d for d in roster.departments if d.code != "W-INS"],
                  staff=[s for s in roster.staff if s.staff_no != "1002" and s.department != "W-INS"])
    apply_roster(ws, kept, replace=True)
    with ws.db.read() as session:
        assert session.scalar(select(Staff.active).where(Staff.staff_no == "1002")) is False
    data = base()
    data["inspections"].append({**copy.deepcopy(data["inspections"][0]), "department": "W-INS",
                                "deductions": []})
    problems = refused(ws, write_json(tmp_path / "in.json", data))
    assert {(p.field, "no longer active" in p.reason) for p in problems} == {
        ("inspections.0.deductions.0.staff.0", True), ("inspections.1.department", True)}


def test_unsupported_file_type(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_text("x", encoding="utf-8")
    problem, = refused(ws, path)
    assert ".json" in problem.reason


def test_schema_describes_the_format() -> None:
    schema = json.loads(import_schema())
    assert set(schema["properties"]) == {"format", "version", "inspections"}
    assert schema["properties"]["format"]["const"] == FORMAT
    inspection = schema["$defs"]["ImportedInspection"]
    assert set(inspection["required"]) == {"checklist", "department", "inspector", "started_at"}
    assert inspection["additionalProperties"] is False
    assert "暗访" in json.dumps(inspection["properties"]["mode"], ensure_ascii=False)


# --- XLSX ------------------------------------------------------------------------------------------------------

ROWS = [  # 督查日期时间, 检查表, 科室/窗口, 督查员, 督查员工号, 同行督查员, 方式, 地点, 条目编号, 工号, 次数, 备注
    ["2026-03-05 09:30", "svc-001-assessment", "挂号收费窗口", "王督查", "D001", "", "明查", "一楼", "A3", "1001", "", "未戴胸牌"],
    ["2026/3/5 9:30", "svc-001-assessment", "挂号收费窗口", "王督查", "", "李督查", "", "", "A4", "1002、1003", 2, ""],
    ["2026-03-05 09:30", "svc-001-assessment", "挂号收费窗口", "王督查", "", "", "", "", "A1", "", "", "缺学习记录"],
    [datetime(2026, 3, 6, 14, 0), "svc-001-assessment", "W-INS", "李督查", "", "", "暗访", "", "", "", "", ""],
]


def fill(path: Path, rows_: list[list[Any]]) -> Path:
    book = load_workbook(path)
    sheet = book["督查记录"]
    for r, values in enumerate(rows_, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value if value != "" else None)
    book.save(path)
    return path


def test_template_has_the_columns_and_the_checklists(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_import_template(path, ws.library)
    book = load_workbook(path)
    assert book.sheetnames == ["督查记录", "说明"]
    header = [cell.value for cell in book["督查记录"][1]]
    assert header == ["督查日期时间", "检查表", "科室/窗口", "督查员", "督查员工号", "同行督查员", "方式(明查/暗访)",
                      "地点", "条目编号", "工号(多人用、分隔)", "次数", "备注"]
    assert book["督查记录"].max_row == 1
    help_cells = {str(cell.value) for row in book["说明"].iter_rows() for cell in row if cell.value is not None}
    assert {c.id for c in ws.library} <= help_cells
    assert {"A3", "佩戴胸牌上岗、着装规范、仪表端庄", "扣个人", "扣科室"} <= help_cells
    write_import_template(tmp_path / "bundled.xlsx")  # no library: the bundled checklists
    assert "svc-001-assessment" in {c.value for row in load_workbook(tmp_path / "bundled.xlsx")["说明"].iter_rows()
                                    for c in row}


def test_template_round_trip(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_import_template(path, ws.library)
    report = import_inspections(ws, fill(path, ROWS))
    assert (report.inspections, report.deductions) == (2, 4)
    first, second = stored(ws)
    local = datetime(2026, 3, 5, 9, 30).astimezone()  # no zone in the sheet: this machine's time zone
    assert first.started_at == local and first.utc_offset_min == local.utcoffset() // timedelta(minutes=1)
    assert (first.inspector_no, first.co_inspector, first.mode, first.location) == ("D001", "李督查", "open", "一楼")
    points = sorted((d.item_code, d.staff.staff_no if d.staff else "", d.points) for d in first.deductions)
    assert points == [("A1", "", 2), ("A3", "1001", 2), ("A4", "1002", 4), ("A4", "1003", 4)]
    assert (second.department.code, second.mode, second.deductions, second.status) == ("W-INS", "covert", [],
                                                                                        "finished")
    assert second.started_at == datetime(2026, 3, 6, 14, 0).astimezone()
    refused(ws, path)  # the second click


def test_xlsx_problems_name_row_and_column(ws: Workspace, tmp_path: Path, en: None) -> None:
    path = tmp_path / "template.xlsx"
    write_import_template(path, ws.library)
    bad = copy.deepcopy(ROWS)
    bad[1][9] = "1002、9999"
    bad[2][10] = "1.5"
    bad[3][6] = "偷偷"
    bad[3][2] = "火星科"
    problems = refused(ws, fill(path, bad))
    assert {(p.line, p.field) for p in problems} == {
        (3, "工号(多人用、分隔)"), (4, "次数"), (5, "方式(明查/暗访)"), (5, "科室/窗口")}
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_xlsx_rows_of_one_inspection_must_agree(ws: Workspace, tmp_path: Path, en: None) -> None:
    path = tmp_path / "template.xlsx"
    write_import_template(path, ws.library)
    bad = copy.deepcopy(ROWS)
    bad[2][6] = "暗访"  # row 4 says 暗访, row 2 says 明查 for the same inspection
    bad[3][8], bad[3][11] = "", "note without an item"
    problems = refused(ws, fill(path, bad))
    assert {(p.line, p.field) for p in problems} == {(4, "方式(明查/暗访)"), (5, "条目编号")}
    assert "row 2" in problems[0].reason


def test_xlsx_english_headers_and_title_line(ws: Workspace, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["2026年3月督查记录"])
    sheet.append(["Started At", "checklist", "department", "inspector", "方式（明查/暗访）", "item", "staff", "count"])
    sheet.append(["2026-03-07T10:00:00+08:00", "svc-001-assessment", "W-REG", "王督查", "covert", "A2", 1004, 3])
    book.save(tmp_path / "english.xlsx")
    report = import_inspections(ws, tmp_path / "english.xlsx")
    assert (report.inspections, report.deductions) == (1, 1)
    inspection, = stored(ws)
    assert inspection.started_at == datetime(2026, 3, 7, 10, tzinfo=CST) and inspection.mode == "covert"
    assert (inspection.deductions[0].staff.staff_no, inspection.deductions[0].count) == ("1004", 3)


def test_xlsx_missing_columns_and_empty_sheets(ws: Workspace, tmp_path: Path, en: None) -> None:
    book = Workbook()
    book.active.append(["督查日期时间", "检查表", "督查员"])
    book.save(tmp_path / "cols.xlsx")
    problems = refused(ws, tmp_path / "cols.xlsx")
    assert {p.field for p in problems} == {"科室/窗口", "条目编号"} and all(p.line == 1 for p in problems)
    write_import_template(tmp_path / "blank.xlsx", ws.library)
    problem, = refused(ws, tmp_path / "blank.xlsx")
    assert "no inspection rows" in problem.reason
    Workbook().save(tmp_path / "empty.xlsx")
    problem, = refused(ws, tmp_path / "empty.xlsx")
    assert "empty" in problem.reason


def test_csv_in_the_template_layout(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("督查日期时间,检查表,科室/窗口,督查员,条目编号,工号,次数\n"
                    "2026-03-05 09:30+08:00,svc-001-assessment,W-REG,王督查,A3,1002,1\n", encoding="gbk")
    assert import_inspections(ws, path).deductions == 1


# --- times, messages, robustness ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("2026-03-05T09:30:00+08:00", datetime(2026, 3, 5, 9, 30, tzinfo=CST)),
    ("2026-03-05 09:30+0800", datetime(2026, 3, 5, 9, 30, tzinfo=CST)),
    ("2026-03-05T01:30:00Z", datetime(2026, 3, 5, 1, 30, tzinfo=timezone.utc)),
    ("2026/3/5 9:30:15.5+08", datetime(2026, 3, 5, 9, 30, 15, 500000, tzinfo=CST)),
    ("2026年3月5日 9:30 +08:00", datetime(2026, 3, 5, 9, 30, tzinfo=CST)),
])
def test_times_people_write(text: str, expected: datetime) -> None:
    assert parse_when(text) == expected


@pytest.mark.parametrize("text", ["2026-03-05", "2026-03-05 09:30", "2026-13-05 09:30+08:00", "1999-03-05 09:30Z",
                                  "2026-03-05 09:30+25:00", "09:30", ""])
def test_times_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_when(text)


def test_messages_are_chinese_by_default(ws: Workspace, tmp_path: Path) -> None:
    set_language("zh")
    data = base()
    data["inspections"][0]["department"] = "W-NONE"
    data["inspections"][0]["deductions"][0]["count"] = 0
    problems = refused(ws, write_json(tmp_path / "in.json", data))
    assert [p.reason for p in problems] == ["人员名单中没有科室或窗口“W-NONE”", "须为 1 到 99 的整数"]


def _tr_messages() -> set[str]:
    messages = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                messages.add(node.args[0].value)
    return messages


def test_catalog_translates_every_importing_message() -> None:
    catalog = json.loads((resources_dir() / "i18n" / "zh.importing.json").read_text(encoding="utf-8"))
    messages = _tr_messages()
    assert len(messages) > 20
    assert messages == set(catalog), (messages - set(catalog), set(catalog) - messages)
    for english, chinese in catalog.items():
        assert chinese and chinese != english
        assert set(re.findall(r"{(\w+)}", english)) == set(re.findall(r"{(\w+)}", chinese)), english


def test_column_headers_are_unique_when_normalised() -> None:
    from inspector_app.core.importing.table import header_key

    spellings = [header_key(s) for zh, en, others in COLUMNS.values() for s in (zh, en, *others)]
    assert len(spellings) == len(set(spellings))


_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 120), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
    st.sampled_from(["svc-001-assessment", "W-REG", "挂号收费窗口", "A1", "A3", "Z9", "1001", "1002", "9999", "明查",
                     "暗访", "open", "2026-03-05T09:30:00+08:00", "2026-03-05 09:30", "2026-02-30T09:00Z",
                     "2099-01-01T00:00Z"]),
    st.lists(st.sampled_from(["1001", "1002", "9999", "", 1003]), max_size=3),
)
_DEDUCTION = st.dictionaries(st.sampled_from(["item", "staff", "count", "note", "recorded_at", "x"]), _VALUES,
                             max_size=6)
_INSPECTION = st.dictionaries(
    st.sampled_from(["checklist", "checklist_version", "department", "inspector", "inspector_no", "co_inspector",
                     "mode", "location", "started_at", "finished_at", "deductions", "x"]),
    st.one_of(_VALUES, st.lists(_DEDUCTION, max_size=3)), max_size=12)
_FILES = st.one_of(
    st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
                 lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner,
                                                                                       max_size=3)), max_leaves=10),
    st.fixed_dictionaries({"format": st.just(FORMAT), "version": st.sampled_from([1, 1, 2, "1"]),
                           "inspections": st.lists(st.one_of(_INSPECTION, _VALUES), max_size=3)}),
    st.fixed_dictionaries({"format": st.just(FORMAT), "version": st.just(1), "inspections": st.lists(
        st.fixed_dictionaries({"checklist": st.just("svc-001-assessment"), "department": st.just("W-REG"),
                               "inspector": st.text(min_size=1, max_size=3),
                               "started_at": st.sampled_from(["2026-03-05T09:30:00+08:00", "2026-03-05T10:30:00Z"])},
                              optional={"deductions": st.lists(_DEDUCTION, max_size=3), "mode": _VALUES}),
        min_size=1, max_size=3)}),
)


@pytest.mark.slow  # date-agnostic: CI runs it once, not again under each faked date
@settings(ROBUST, max_examples=200)
@given(data=_FILES)
def test_any_json_ends_in_input_error_or_success(ws: Workspace, tmp_path: Path, data: Any) -> None:
    path = write_json(tmp_path / "random.json", data)
    before = rows(ws)
    try:
        report = import_inspections(ws, path)
    except InputError as exc:
        assert exc.problems and rows(ws) == before
        return
    assert report.inspections == len(report.inspection_ids) >= 1
    assert rows(ws)[0] == before[0] + report.inspections


@settings(ROBUST, max_examples=100)
@given(text=st.text(max_size=200))
def test_any_text_ends_in_input_error(ws: Workspace, tmp_path: Path, text: str) -> None:
    path = tmp_path / "random.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with pytest.raises(InputError):
        import_inspections(ws, path)


_CELLS = st.one_of(st.sampled_from(["", "2026-03-05 09:30", "2026/3/5 9:30+08:00", "2026-03-05", "svc-001-assessment",
                                    "W-REG", "挂号收费窗口", "王督查", "明查", "暗访", "x", "A1", "A3", "1001、1002",
                                    "1002,1002", "9999", "0", "2", "1.5", "=1+1", "\u00a0"]),
                   st.integers(-2, 120), st.floats(allow_nan=False, allow_infinity=False),
                   st.text(st.characters(min_codepoint=32, exclude_categories=["Cs"]), max_size=5),
                   st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2110, 1, 1)))


@settings(ROBUST, max_examples=60)
@given(table=st.lists(st.lists(_CELLS, min_size=12, max_size=12), max_size=4))
def test_any_table_ends_in_input_error_or_success(ws: Workspace, tmp_path: Path, table: list[list[Any]]) -> None:
    book = Workbook()
    book.active.append([zh for zh, _, _ in COLUMNS.values()])
    for values in table:
        book.active.append(values)
    path = tmp_path / "random.xlsx"
    book.save(path)
    before = rows(ws)
    try:
        import_inspections(ws, path)
    except InputError as exc:
        assert exc.problems and rows(ws) == before


def test_a_complaint_is_refused_as_an_imported_observation(ws: Workspace, tmp_path: Path, en: None) -> None:
    """001 §四 第7条 charges a complaint only once verified, through the office's complaint register."""
    data = base()
    data["inspections"][0]["deductions"].append({"item": "A7", "staff": ["1002"], "count": 1, "note": "12345 投诉"})
    problems = refused(ws, write_json(tmp_path / "in.json", data))
    assert any("complaint register" in p.reason for p in problems), problems
