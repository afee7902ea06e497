"""The roster: its file format, the demo hospital, and importing staff tables (CSV/XLSX) row by row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from inspector_app.core import i18n
from inspector_app.core.errors import InputError
from inspector_app.core.i18n import set_language
from inspector_app.core.paths import resources_dir
from inspector_app.core.roster import (
    Department,
    DepartmentKind,
    Roster,
    StaffMember,
    TableImport,
    export_roster_xlsx,
    load_roster,
    read_roster_table,
    roster_schema,
    write_roster_template,
)
from inspector_app.core.roster import sources

DATA = Path(__file__).parent / "data" / "roster"
DEMO = resources_dir() / "demo" / "roster.yaml"
HEADER = "工号,姓名,科室,是否科室负责人,科室类型,职务"


@pytest.fixture
def en():
    set_language("en")
    yield
    set_language("zh")


@pytest.fixture
def zh():
    set_language("zh")
    yield


@pytest.fixture(scope="module")
def demo() -> Roster:
    return load_roster(DEMO)


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8", sep: str = ",") -> Path:
    path.write_bytes("\r\n".join(line.replace(",", sep) for line in lines).encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def where(result: TableImport) -> set[tuple[int | None, str]]:
    return {(p.line, p.field) for p in result.problems}


# --- the file format -----------------------------------------------------------------------------------------

def test_demo_roster_loads_and_is_complete(demo: Roster) -> None:
    assert demo.hospital == "示例市人民医院"
    assert 20 <= len(demo.departments) <= 28
    assert 140 <= len(demo.staff) <= 180
    assert {d.kind for d in demo.departments} == set(DepartmentKind)
    names = {d.name for d in demo.departments}
    assert {"挂号收费窗口", "医保结算窗口", "中药房", "西药房", "超声科", "心内科病区", "急诊科", "护理部"} <= names
    for dept in demo.departments:
        assert 4 <= len(demo.staff_of(dept.code)) <= 10, dept.name
        heads = demo.heads_of(dept.code)
        assert len(heads) == 1 and heads[0].title in {"科室主任", "护士长", "组长"}, dept.name
    assert all(m.staff_no.isdigit() for m in demo.staff)


def test_demo_roster_is_deterministic(demo: Roster) -> None:
    assert load_roster(DEMO) == demo
    assert demo.staff[0].staff_no == "1001"


def test_schema_is_json_with_the_fields() -> None:
    schema = json.loads(roster_schema())
    assert set(schema["properties"]) == {"hospital", "departments", "staff"}
    assert "window" in json.dumps(schema)


def test_yaml_shape_errors_name_line_and_field(en) -> None:
    with pytest.raises(InputError) as info:
        load_roster(DATA / "broken.yaml")
    found = {(p.line, p.field) for p in info.value.problems}
    assert found == {(5, "departments.2.kind"), (8, "staff.1.name")}
    assert all(p.file.endswith("broken.yaml") for p in info.value.problems)
    assert "required field is missing" in str(info.value)


def test_yaml_cross_reference_errors_name_line_and_field(en) -> None:
    with pytest.raises(InputError) as info:
        load_roster(DATA / "cross_refs.yaml")
    problems = {(p.line, p.field): p.reason for p in info.value.problems}
    assert problems == {
        (4, "departments.1.code"): "department code W-REG is used twice",
        (5, "departments.2.name"): "department name 挂号收费窗口 is used twice",
        (9, "staff.2.staff_no"): "staff number 1001 is used twice",
        (10, "staff.3.department"): "unknown department X-NONE",
    }


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("hospital: x\ndepartments: [\n  {code: a\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_roster(path)
    assert info.value.problems[0].line is not None


def test_model_rules(en) -> None:
    dept = Department(code="眼科", name="眼科", kind=DepartmentKind.CLINICAL)  # Chinese codes are fine
    with pytest.raises(ValidationError):
        Department(code="W REG", name="x", kind="window")
    with pytest.raises(ValidationError):
        StaffMember(staff_no="10 01", name="张三", department="W")
    with pytest.raises(ValidationError):
        StaffMember(staff_no="1001", name="张三", department="W", extra="no")
    with pytest.raises(ValidationError, match="unknown department"):
        Roster(hospital="h", departments=[dept], staff=[StaffMember(staff_no="1", name="a", department="X")])
    two_heads = [StaffMember(staff_no=str(n), name="a", department="眼科", is_head=True) for n in (1, 2)]
    assert len(Roster(hospital="h", departments=[dept], staff=two_heads).heads_of("眼科")) == 2


# --- table import ------------------------------------------------------------------------------------------------

GOOD_LINES = [HEADER, "1001,张三,挂号收费窗口,是,窗口,组长", "1002,李四,挂号收费窗口,否,窗口,", "1003,王五,眼科,,,"]


@pytest.mark.parametrize("encoding,sep", [("utf-8", ","), ("utf-8-sig", ","), ("gbk", ","), ("gb18030", ","),
                                          ("utf-8", "\t"), ("gbk", "\t"), ("utf-8", ";"), ("utf-16", "\t")])
def test_csv_encodings_and_separators(tmp_path: Path, encoding: str, sep: str) -> None:
    result = read_roster_table(write_csv(tmp_path / "staff.csv", GOOD_LINES, encoding, sep))
    assert result.problems == []
    assert (result.rows_total, result.rows_good) == (3, 3)
    assert [(m.staff_no, m.name, m.is_head) for m in result.roster.staff] == [
        ("1001", "张三", True), ("1002", "李四", False), ("1003", "王五", False)]
    kinds = {d.name: d.kind for d in result.roster.departments}
    assert kinds == {"挂号收费窗口": DepartmentKind.WINDOW, "眼科": DepartmentKind.CLINICAL}
    assert result.roster.department("眼科").name == "眼科"  # a new department's code is its name


def test_english_headers_tolerant_of_spaces_and_case(tmp_path: Path) -> None:
    lines = [" Staff No , NAME,Department ,Is Head,department_kind,Title", "A-01,Li Si,Eye,yes,ward,", "A-02,Wang,Eye,N,ward,"]
    result = read_roster_table(write_csv(tmp_path / "en.csv", lines))
    assert result.problems == []
    assert result.roster.department("Eye").kind is DepartmentKind.WARD
    assert [m.is_head for m in result.roster.staff] == [True, False]


def test_title_line_above_header_and_blank_rows(tmp_path: Path) -> None:
    lines = ["2024年人员名单,,,,,", ",,,,,", *GOOD_LINES[:2], ",,,,,", *GOOD_LINES[2:]]
    result = read_roster_table(write_csv(tmp_path / "t.csv", lines))
    assert result.problems == [] and result.rows_good == 3 and result.rows_total == 3


def test_xlsx_numeric_staff_numbers(tmp_path: Path) -> None:
    rows = [["工号", "姓名", "科室", "是否科室负责人"], [1001, "张三", "超声科", 1], [1002.0, "李四", "超声科", 0],
            [None, None, None, None], ["1003", "王五", "超声科", True]]
    result = read_roster_table(write_xlsx(tmp_path / "staff.xlsx", rows))
    assert result.problems == []
    assert [(m.staff_no, m.is_head) for m in result.roster.staff] == [("1001", True), ("1002", False), ("1003", True)]


def test_xlsx_problems_use_sheet_row_numbers(tmp_path: Path, en) -> None:
    rows = [["人员名单"], [], ["工号", "姓名", "科室"], [1001, "张三", "超声科"], [1002, None, "超声科"]]
    result = read_roster_table(write_xlsx(tmp_path / "staff.xlsx", rows))
    assert where(result) == {(5, "姓名")}


def test_bad_rows_reported_row_by_row(en) -> None:
    result = read_roster_table(DATA / "bad_rows.csv")
    assert where(result) == {
        (3, "姓名"),  # empty name
        (4, "科室"),  # empty department
        (5, "是否科室负责人"),  # 也许 is not yes/no
        (6, "科室类型"),  # 门诊 is not a kind
        (7, "工号"),  # 2001 again (row 2 keeps it)
        (8, "工号"),  # space in 工号
    }
    reasons = {(p.line, p.field): p.reason for p in result.problems}
    assert reasons[(7, "工号")] == "staff number 2001 already appears in row 2"
    assert reasons[(3, "姓名")] == "this cell is empty, but it is required"
    assert "'也许' is not a yes/no answer" in reasons[(5, "是否科室负责人")]
    assert "unknown department kind '门诊'" in reasons[(6, "科室类型")]
    assert all(p.file.endswith("bad_rows.csv") for p in result.problems)
    # nothing lost from the good rows; several heads in one department are fine
    assert [m.staff_no for m in result.roster.staff] == ["2001", "2007", "2008"]
    assert [m.is_head for m in result.roster.staff] == [True, True, True]
    assert (result.rows_total, result.rows_good) == (9, 3)
    with pytest.raises(InputError) as info:
        result.raise_if_problems()
    assert len(info.value.problems) == 6


def test_several_faults_in_one_row_all_reported(tmp_path: Path, en) -> None:
    result = read_roster_table(write_csv(tmp_path / "x.csv", [HEADER, ",,眼科,maybe,诊所,"]))
    assert where(result) == {(2, "工号"), (2, "姓名"), (2, "是否科室负责人"), (2, "科室类型")}
    assert [p.field for p in result.problems] == ["工号", "姓名", "是否科室负责人", "科室类型"]  # column order


def test_over_long_values(tmp_path: Path, en) -> None:
    lines = [HEADER, f"{'1' * 33},张三,眼科,,,", f"1002,{'名' * 65},眼科,,,", f"1003,王五,{'科' * 33},,,",
             f"1004,赵六,眼科,,,{'职' * 33}"]
    result = read_roster_table(write_csv(tmp_path / "x.csv", lines))
    assert where(result) == {(2, "工号"), (3, "姓名"), (4, "科室"), (5, "职务")}
    assert all("too long" in p.reason for p in result.problems)
    assert [m.staff_no for m in result.roster.staff] == []


def test_duplicate_staff_numbers_flag_later_rows(tmp_path: Path, en) -> None:
    lines = [HEADER, "1001,张三,眼科,,,", "1001,李四,眼科,,,", "1002,王五,眼科,,,", "1001,赵六,眼科,,,"]
    result = read_roster_table(write_csv(tmp_path / "d.csv", lines))
    assert where(result) == {(3, "工号"), (5, "工号")}
    assert [p.reason for p in result.problems] == ["staff number 1001 already appears in row 2"] * 2
    assert [m.name for m in result.roster.staff] == ["张三", "王五"]


def test_missing_column_names_file_and_column(tmp_path: Path, en) -> None:
    path = write_csv(tmp_path / "m.csv", ["工号,姓名,职务", "1001,张三,组长"])
    with pytest.raises(InputError) as info:
        read_roster_table(path)
    [problem] = info.value.problems
    assert problem.file == str(path) and problem.line == 1
    assert problem.field == "科室 (department)"
    assert "the column 科室 (department) is missing" in str(info.value)


def test_missing_column_message_in_chinese(tmp_path: Path, zh) -> None:
    with pytest.raises(InputError, match="表头缺少“工号 \\(staff_no\\)”列"):
        read_roster_table(write_csv(tmp_path / "m.csv", ["姓名,科室", "张三,眼科"]))


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(InputError):
        read_roster_table(tmp_path / "e.csv")


def test_existing_departments_matched_by_code_or_name(demo: Roster, tmp_path: Path, en) -> None:
    lines = [HEADER, "9001,张三,超声科,,,", "9002,李四,W-REG,,,", "9003,王五,新科室,,后勤,", "9004,赵六,新科室,,,",
             "9005,孙七,心电图室,,窗口,", "9006,钱八,西 药 房,,,"]
    result = read_roster_table(write_csv(tmp_path / "e.csv", lines), existing=demo)
    assert where(result) == {(6, "科室类型")}  # 心电图室 is a medtech department, not a window
    assert "already of kind 医技科室" in result.problems[0].reason
    assert [m.department for m in result.roster.staff] == ["M-US", "W-REG", "新科室", "新科室", "W-WPH"]
    assert result.roster.hospital == demo.hospital
    # only the departments the good rows use, existing ones as they are
    assert [d.code for d in result.roster.departments] == ["W-REG", "W-WPH", "M-US", "新科室"]
    assert result.roster.department("W-REG") == demo.department("W-REG")
    assert result.roster.department("新科室").kind is DepartmentKind.LOGISTICS


@pytest.mark.parametrize("text,expected", [("是", True), ("否", False), ("Y", True), ("n", False), ("YES", True),
                                           ("no", False), ("true", True), ("False", False), ("1", True), ("0", False),
                                           ("", False)])
def test_is_head_values(tmp_path: Path, text: str, expected: bool) -> None:
    result = read_roster_table(write_csv(tmp_path / "h.csv", [HEADER, f"1001,张三,眼科,{text},,"]))
    assert result.problems == [] and result.roster.staff[0].is_head is expected


def test_template_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_roster_template(path)
    header = [c.value for c in load_workbook(path).active[1]]
    assert header == ["工号", "姓名", "科室", "是否科室负责人", "科室类型", "职务"]
    result = read_roster_table(path)
    assert result.problems == [] and result.rows_good == 2
    assert len(result.roster.staff) == 2 and result.roster.staff[0].is_head


def test_export_round_trips(demo: Roster, tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    export_roster_xlsx(demo, path)
    result = read_roster_table(path, existing=demo)
    assert result.problems == []
    assert result.roster.staff == demo.staff
    assert load_workbook(path).sheetnames == ["人员名单", "科室"]
    fresh = read_roster_table(path)  # without the roster: departments come back by name and kind
    assert sorted((d.name, d.kind) for d in fresh.roster.departments) == sorted(
        (d.name, d.kind) for d in demo.departments)


def test_export_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    roster = Roster(hospital="h", departments=[Department(code="A", name="A", kind="admin")],
                    staff=[StaffMember(staff_no="1", name="张三", department="A", title="=1+1")])
    export_roster_xlsx(roster, tmp_path / "r.xlsx")
    assert read_roster_table(tmp_path / "r.xlsx").roster.staff[0].title == "=1+1"


def test_unreadable_files_are_input_errors(tmp_path: Path, en) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "binary.csv").write_bytes(b"\x00\x01\x02\xff\xfe\x00" * 10)
    for name, words in [("old.xls", ".xls"), ("bad.xlsx", "not a readable .xlsx"), ("binary.csv", "not a text table"),
                        ("absent.csv", "cannot read")]:
        with pytest.raises(InputError, match=words.replace(".", r"\.")) as info:
            read_roster_table(tmp_path / name)
        assert info.value.problems[0].file == str(tmp_path / name)


def test_too_large_file_is_refused_without_reading(tmp_path: Path, en) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024 + 1)  # sparse: no disk space needed
    with pytest.raises(InputError, match="too large"):
        read_roster_table(path)


def test_too_many_rows_is_refused(tmp_path: Path, en, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [HEADER] + [f"{n},张三,眼科,,," for n in range(sources.MAX_ROWS + 1)]
    with pytest.raises(InputError, match="more than 50000 rows"):
        read_roster_table(write_csv(tmp_path / "many.csv", lines))
    monkeypatch.setattr(sources, "MAX_ROWS", 3)
    rows = [["工号", "姓名", "科室"]] + [[n, "张三", "眼科"] for n in range(4)]
    with pytest.raises(InputError, match="more than 3 rows"):
        read_roster_table(write_xlsx(tmp_path / "many.xlsx", rows))
    assert read_roster_table(write_xlsx(tmp_path / "ok.xlsx", rows[:4])).rows_good == 3


def test_catalog_translates_every_roster_message() -> None:
    catalog = json.loads((resources_dir() / "i18n" / "zh.roster.json").read_text(encoding="utf-8"))
    assert all(value and value != key for key, value in catalog.items())
    assert DepartmentKind.WARD.label_zh == "病区"
    set_language("zh")
    assert DepartmentKind.WARD.label == "病区"
    assert i18n.tr("staff number {no} already appears in row {row}", no="1", row=2) == "工号 1 与第 2 行重复"


# --- no input makes the importer crash ---------------------------------------------------------------------------

def _import_or_input_error(path: Path) -> None:
    try:
        result = read_roster_table(path)
    except InputError as exc:
        assert exc.problems
        return
    assert isinstance(result, TableImport)
    assert result.rows_good == len(result.roster.staff) <= result.rows_total


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    _import_or_input_error(path)


_CELLS = st.sampled_from(["工号", "姓名", "科室", "是否科室负责人", "科室类型", "职务", "staff_no", "是", "否",
                          "窗口", "1001", "1001", "张三", "眼科", "", " ", '"', ",", "\t", ";", "\n", "\r", "\x00",
                          "é", "𠀀"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=200), st.lists(_CELLS, max_size=60).map("".join)),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_random_text_never_crashes(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "random.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    _import_or_input_error(path)
