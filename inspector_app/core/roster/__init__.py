"""The hospital roster: departments and staff, loaded from YAML/JSON or imported from CSV/XLSX tables."""

from inspector_app.core.roster.excel import export_roster_xlsx, write_roster_template
from inspector_app.core.roster.models import (
    Department,
    DepartmentKind,
    Roster,
    StaffMember,
    load_roster,
    roster_schema,
)
from inspector_app.core.roster.table import TableImport, read_roster_table

__all__ = [
    "Department",
    "DepartmentKind",
    "Roster",
    "StaffMember",
    "TableImport",
    "export_roster_xlsx",
    "load_roster",
    "read_roster_table",
    "roster_schema",
    "write_roster_template",
]
