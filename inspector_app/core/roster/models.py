"""The roster file format (departments and staff of one hospital), as pydantic models.

The roster is what inspections are charged to: a deduction names a department and, for person-charged
items, a staff member (工号). Cross-references are checked here so the store never holds a dangling one.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from inspector_app.core.checklists.models import Strict
from inspector_app.core.errors import InputError, Problem
from inspector_app.core.fileformat import (
    Path_,
    line_for,
    parse_text,
    read_text,
    schema_json,
    validate_data,
)
from inspector_app.core.i18n import tr
from inspector_app.core.spreadsheet import looks_like_formula

DEPARTMENT_CODE_PATTERN = r"^\S{1,32}$"  # Chinese allowed: a table import uses the name as the code
STAFF_NO_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"
CODE_MAX = 32
STAFF_NO_MAX = 32
NAME_MAX = 64
TITLE_MAX = 32
HOSPITAL_MAX = 100


class DepartmentKind(str, Enum):
    """What sort of place a department is; checklists inspect windows, wards and departments differently."""

    WINDOW = "window"  # 窗口
    CLINICAL = "clinical"  # 临床科室
    WARD = "ward"  # 病区
    MEDTECH = "medtech"  # 医技科室
    LOGISTICS = "logistics"  # 后勤
    ADMIN = "admin"  # 行政职能

    @property
    def label_zh(self) -> str:
        """The word the offices write in a 科室类型 column (fixed Chinese, for tables and templates)."""
        return KIND_LABELS_ZH[self]

    @property
    def label(self) -> str:
        """The kind in the UI language."""
        return tr(KIND_LABELS_EN[self])


KIND_LABELS_ZH: dict[DepartmentKind, str] = {
    DepartmentKind.WINDOW: "窗口",
    DepartmentKind.CLINICAL: "临床科室",
    DepartmentKind.WARD: "病区",
    DepartmentKind.MEDTECH: "医技科室",
    DepartmentKind.LOGISTICS: "后勤",
    DepartmentKind.ADMIN: "行政职能",
}
KIND_LABELS_EN: dict[DepartmentKind, str] = {
    DepartmentKind.WINDOW: "Service window",
    DepartmentKind.CLINICAL: "Clinical department",
    DepartmentKind.WARD: "Ward",
    DepartmentKind.MEDTECH: "Medical technology",
    DepartmentKind.LOGISTICS: "Logistics",
    DepartmentKind.ADMIN: "Administration",
}


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(tr("must not be blank"))
    return value.strip()


class Department(Strict):
    code: Annotated[str, Field(max_length=CODE_MAX, pattern=DEPARTMENT_CODE_PATTERN,
                               description="Short identifier, e.g. W-REG; Chinese allowed, no spaces")]
    name: Annotated[str, Field(min_length=1, max_length=NAME_MAX, description="科室/窗口 name")]
    kind: DepartmentKind

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        return _not_blank(value)


class StaffMember(Strict):
    staff_no: Annotated[str, Field(max_length=STAFF_NO_MAX, pattern=STAFF_NO_PATTERN, description="工号")]
    name: Annotated[str, Field(min_length=1, max_length=NAME_MAX, description="姓名")]
    department: Annotated[str, Field(min_length=1, description="Department code")]
    is_head: bool = Field(default=False, description="是否科室负责人 (a department may have several)")
    title: Annotated[str | None, Field(max_length=TITLE_MAX, description="职务")] = None

    @field_validator("staff_no", mode="before")
    @classmethod
    def _number_is_text(cls, value: Any) -> Any:
        # `staff_no: 1001` in hand-written YAML means the text "1001"
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        return _not_blank(value)


class _RosterShape(Strict):
    """The roster's fields without cross-checks, so `load_roster` can point each fault at its line."""

    hospital: Annotated[str, Field(max_length=HOSPITAL_MAX, description="Hospital name; empty when unknown")]
    departments: list[Department] = Field(default_factory=list)
    staff: list[StaffMember] = Field(default_factory=list)


def roster_faults(roster: _RosterShape) -> list[tuple[Path_, str]]:
    """Duplicate codes/names/工号 and unknown departments, each with the field path it concerns."""
    faults: list[tuple[Path_, str]] = []
    codes: set[str] = set()
    names: set[str] = set()
    for index, dept in enumerate(roster.departments):
        if dept.code in codes:
            faults.append((("departments", index, "code"), tr("department code {code} is used twice", code=dept.code)))
        if dept.name in names:
            faults.append((("departments", index, "name"), tr("department name {name} is used twice", name=dept.name)))
        codes.add(dept.code)
        names.add(dept.name)
    numbers: set[str] = set()
    for index, member in enumerate(roster.staff):
        if member.staff_no in numbers:
            faults.append((("staff", index, "staff_no"), tr("staff number {no} is used twice", no=member.staff_no)))
        numbers.add(member.staff_no)
        if member.department not in codes:
            faults.append((("staff", index, "department"),
                           tr("unknown department {code}", code=member.department)))
    return faults


class Roster(_RosterShape):
    """One hospital's departments and staff, every cross-reference valid."""

    @model_validator(mode="after")
    def _consistent(self) -> "Roster":
        faults = roster_faults(self)
        if faults:
            raise ValueError("; ".join(f"{'.'.join(map(str, loc))}: {reason}" for loc, reason in faults))
        return self

    def department(self, code: str) -> Department:
        for dept in self.departments:
            if dept.code == code:
                return dept
        raise KeyError(code)

    def find_department(self, text: str) -> Department | None:
        """A department by code or by name (what people type in a 科室 cell)."""
        for dept in self.departments:
            if text in (dept.code, dept.name):
                return dept
        return None

    def staff_of(self, code: str) -> list[StaffMember]:
        return [member for member in self.staff if member.department == code]

    def heads_of(self, code: str) -> list[StaffMember]:
        return [member for member in self.staff_of(code) if member.is_head]


def formula_warning(text: str) -> str | None:
    """Why a name that a spreadsheet would take for a formula (`=1+1`, `@SUM(A1)`) is worth a look; None if not.

    Such a name is still imported, and every spreadsheet the app writes keeps it as plain text (core/spreadsheet.py),
    but a real name never starts like that: it is often a copy-paste slip, or an attempt to smuggle a formula in."""
    if not looks_like_formula(text):
        return None
    return tr("'{text}' starts with '{sign}', like a spreadsheet formula; it is imported as plain text and never "
              "run as a formula, but check that it is right", text=text, sign=text[0])


def formula_warnings(roster: _RosterShape, file: str, lines: dict[Path_, int] | None = None) -> list[Problem]:
    """A warning for each department name, staff name or title in a roster file that looks like a formula."""
    found: list[tuple[Path_, str]] = []
    for index, dept in enumerate(roster.departments):
        found.append((("departments", index, "name"), dept.name))
    for index, member in enumerate(roster.staff):
        found.append((("staff", index, "name"), member.name))
        found.append((("staff", index, "title"), member.title or ""))
    return [Problem(file, line_for(lines or {}, loc), ".".join(map(str, loc)), reason)
            for loc, text in found if (reason := formula_warning(text))]


def load_roster_with_warnings(path: Path) -> tuple[Roster, list[Problem]]:
    """load_roster, plus warnings that do not stop the import (names that look like spreadsheet formulas)."""
    name = str(path)
    parsed = parse_text(read_text(Path(path)), name)
    shape = validate_data(_RosterShape, parsed.data, name, parsed.lines)
    faults = roster_faults(shape)
    if faults:
        raise InputError([Problem(name, line_for(parsed.lines, loc), ".".join(map(str, loc)), reason)
                          for loc, reason in faults])
    return Roster.model_validate(shape.model_dump()), formula_warnings(shape, name, parsed.lines)


def load_roster(path: Path) -> Roster:
    """Load a roster YAML/JSON file, or raise InputError listing every problem with its line and field."""
    return load_roster_with_warnings(path)[0]


def roster_schema() -> str:
    """The JSON Schema of the roster file, for people writing rosters by hand or with other tools."""
    return schema_json(Roster)
