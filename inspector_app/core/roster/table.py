"""Importing staff from a table (one row per person) with a row-by-row report of what is wrong.

Nothing is imported silently wrong: each bad row is reported with its row number and column, and the
caller decides whether to import nothing (`raise_if_problems`) or only the good rows (`roster`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from inspector_app.core.errors import InputError, Problem
from inspector_app.core.fileformat import pydantic_reason
from inspector_app.core.i18n import tr
from inspector_app.core.roster.models import (
    KIND_LABELS_ZH,
    Department,
    DepartmentKind,
    Roster,
    StaffMember,
    formula_warning,
)
from inspector_app.core.roster.sources import Row, read_rows

# canonical column -> (Chinese header used in templates, English header, other spellings people use)
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "staff_no": ("工号", "staff_no", ("职工号", "员工号", "员工编号")),
    "name": ("姓名", "name", ()),
    "department": ("科室", "department", ("科室名称", "部门", "科室/窗口")),
    "is_head": ("是否科室负责人", "is_head", ("是否负责人", "科室负责人", "负责人")),
    "department_kind": ("科室类型", "department_kind", ("科室类别",)),
    "title": ("职务", "title", ()),
}
REQUIRED = ("staff_no", "name", "department")
HEADER_SEARCH_ROWS = 10  # a title line ("2024年人员名单") may stand above the header row
YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", ""}
_IGNORED_IN_HEADERS = re.compile(r"[\s_\-*＊]+")


@dataclass
class TableImport:
    """The outcome of reading a staff table: the good rows as a roster, and every problem found."""

    roster: Roster  # good rows only, with the existing departments they refer to and any new ones
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # imported anyway, but worth a look (formula-like names)
    rows_total: int = 0  # non-empty data rows (header aside)
    rows_good: int = 0

    def raise_if_problems(self) -> None:
        """All or nothing: refuse the whole file while any row is bad."""
        if self.problems:
            raise InputError(self.problems)


def _header_key(text: str) -> str:
    return _IGNORED_IN_HEADERS.sub("", text).casefold()


_HEADER_LOOKUP = {
    _header_key(spelling): column
    for column, (zh, en, others) in COLUMNS.items()
    for spelling in (zh, en, *others)
}


def column_label(column: str) -> str:
    zh, en, _ = COLUMNS[column]
    return f"{zh} ({en})"


def _map_header(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, text in enumerate(cells):
        column = _HEADER_LOOKUP.get(_header_key(text))
        if column is not None and column not in found:
            found[column] = index
    return found


def find_header(path: Path, rows: list[Row]) -> tuple[int, dict[str, int]]:
    """The position of the header row among `rows` and the index of each known column in it."""
    candidates = rows[:HEADER_SEARCH_ROWS]
    for position, (_, cells) in enumerate(candidates):
        columns = _map_header(cells)
        if all(column in columns for column in REQUIRED):
            return position, columns
    if not rows:
        raise InputError([Problem(str(path), None, "", tr("the table is empty; it needs a header row"))])
    # report against the row that looks most like a header
    number, cells = max(candidates, key=lambda row: len(_map_header(row[1])))
    columns = _map_header(cells)
    raise InputError([
        Problem(str(path), number, column_label(column), tr("the column {column} is missing from the header row",
                                                            column=column_label(column)))
        for column in REQUIRED if column not in columns
    ])


def parse_yes_no(text: str) -> bool | None:
    """是/否, Y/N, yes/no, true/false, 1/0 or empty (= no); None when it is none of these."""
    key = text.strip().casefold()
    if key in YES:
        return True
    if key in NO:
        return False
    return None


def parse_kind(text: str) -> DepartmentKind | None:
    """A 科室类型 cell: the Chinese word or the English value."""
    key = text.strip()
    for kind, label in KIND_LABELS_ZH.items():
        if key == label or key.casefold() == kind.value:
            return kind
    return None


def new_department_code(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


class _Importer:
    """Row-by-row state: which 工号 were seen, which departments exist or were created by good rows."""

    def __init__(self, path: Path, header: list[str], columns: dict[str, int], existing: Roster | None):
        self.file = str(path)
        self.header = header
        self.columns = columns
        self.existing = list(existing.departments) if existing else []
        self.created: list[Department] = []
        self.used: set[str] = set()  # codes of departments referenced by good rows
        self.seen_numbers: dict[str, int] = {}
        self.staff: list[StaffMember] = []
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.warned_departments: set[str] = set()

    def cell(self, cells: list[str], column: str) -> str:
        index = self.columns.get(column)
        return cells[index] if index is not None and index < len(cells) else ""

    def field(self, column: str) -> str:
        """The column as its header is written in this file, so the user finds it."""
        index = self.columns.get(column)
        return self.header[index] if index is not None else column_label(column)

    def find_department(self, text: str) -> Department | None:
        """Existing departments first, then ones this file created; by name first (what an export writes),
        then by code, then ignoring spaces and case."""
        pool = self.existing + self.created
        for attribute in ("name", "code"):
            for dept in pool:
                if getattr(dept, attribute) == text:
                    return dept
        key = _squash(text)
        return next((d for d in pool if key in (_squash(d.code), _squash(d.name))), None)

    def add_row(self, number: int, cells: list[str]) -> None:
        faults: dict[str, str] = {}
        values = {column: self.cell(cells, column) for column in COLUMNS}
        for column in REQUIRED:
            if not values[column]:
                faults[column] = tr("this cell is empty, but it is required")
        is_head = parse_yes_no(values["is_head"])
        if is_head is None:
            faults["is_head"] = tr("'{value}' is not a yes/no answer; write 是 or 否", value=values["is_head"])
        kind = parse_kind(values["department_kind"]) if values["department_kind"] else None
        if values["department_kind"] and kind is None:
            faults["department_kind"] = tr("unknown department kind '{value}'; use one of: {choices}",
                                           value=values["department_kind"], choices="、".join(KIND_LABELS_ZH.values()))
        self._check_number(values["staff_no"], number, faults)
        department = None if faults else self._department(values, kind, faults)
        member = self._member(values, department, bool(is_head), faults)
        if faults or member is None or department is None:
            ordered = sorted(faults.items(), key=lambda fault: self.columns.get(fault[0], len(COLUMNS)))
            self.problems.extend(Problem(self.file, number, self.field(column), reason) for column, reason in ordered)
            return
        if department not in self.existing and department not in self.created:
            self.created.append(department)
        self.used.add(department.code)
        self.staff.append(member)
        self._warn(number, values)

    def _warn(self, number: int, values: dict[str, str]) -> None:
        """Names that look like spreadsheet formulas: imported, but reported (a department once per file)."""
        for column in ("name", "department", "title"):
            text = values[column].strip()
            if column == "department":
                if text in self.warned_departments:
                    continue
                self.warned_departments.add(text)
            reason = formula_warning(text)
            if reason:
                self.warnings.append(Problem(self.file, number, self.field(column), reason))

    def _check_number(self, staff_no: str, number: int, faults: dict[str, str]) -> None:
        if not staff_no:
            return
        first = self.seen_numbers.setdefault(staff_no, number)
        if first != number:
            faults["staff_no"] = tr("staff number {no} already appears in row {row}", no=staff_no, row=first)

    def _department(self, values: dict[str, str], kind: DepartmentKind | None,
                    faults: dict[str, str]) -> Department | None:
        found = self.find_department(values["department"])
        if found is not None:
            if kind is not None and kind is not found.kind:
                faults["department_kind"] = tr(
                    "department {name} is already of kind {kind}; this row says {other}",
                    name=found.name, kind=found.kind.label_zh, other=kind.label_zh)
            return found
        try:
            return Department(code=new_department_code(values["department"]), name=values["department"],
                              kind=kind or DepartmentKind.CLINICAL)
        except ValidationError as exc:
            faults["department"] = pydantic_reason(exc.errors()[0])
            return None

    def _member(self, values: dict[str, str], department: Department | None, is_head: bool,
                faults: dict[str, str]) -> StaffMember | None:
        """Build the person with the model's own rules; report each broken rule under its column."""
        try:
            return StaffMember(staff_no=values["staff_no"], name=values["name"],
                               department=department.code if department else "?", is_head=is_head,
                               title=values["title"] or None)
        except ValidationError as exc:
            for error in exc.errors():
                column = str(error["loc"][0]) if error["loc"] else "name"
                reason = pydantic_reason(error)
                if column == "staff_no" and error["type"] == "string_pattern_mismatch":
                    reason = tr("a staff number may only have letters, digits, '-' and '_'")
                faults.setdefault(column if column in COLUMNS else "name", reason)
            return None

    def result(self, hospital: str, rows_total: int) -> TableImport:
        departments = [d for d in self.existing if d.code in self.used] + self.created
        roster = Roster(hospital=hospital, departments=departments, staff=self.staff)
        return TableImport(roster=roster, problems=self.problems, warnings=self.warnings, rows_total=rows_total,
                           rows_good=len(self.staff))


def read_roster_table(path: Path, existing: Roster | None = None) -> TableImport:
    """Read a CSV or XLSX staff table; raise InputError only when the file as a whole is unusable."""
    path = Path(path)
    rows = read_rows(path)
    position, columns = find_header(path, rows)
    header = rows[position][1]
    importer = _Importer(path, header, columns, existing)
    data = rows[position + 1:]
    for number, cells in data:
        importer.add_row(number, cells)
    return importer.result(existing.hospital if existing else "", len(data))
