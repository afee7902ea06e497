"""Importing inspections recorded elsewhere (paper sheets transcribed into JSON or the XLSX template).

`import_inspections` checks the whole file against the roster, the checklists and the store first and
records nothing unless all of it is valid; `check_import` does the checking alone (a preview).
"""

from inspector_app.core.importing.models import (
    FORMAT,
    ImportedDeduction,
    ImportedInspection,
    ImportFile,
    import_schema,
)
from inspector_app.core.importing.run import (
    ImportPlan,
    ImportReport,
    check_import,
    import_inspections,
)
from inspector_app.core.importing.table import COLUMNS
from inspector_app.core.importing.template import write_import_template

__all__ = [
    "COLUMNS",
    "FORMAT",
    "ImportFile",
    "ImportPlan",
    "ImportReport",
    "ImportedDeduction",
    "ImportedInspection",
    "check_import",
    "import_inspections",
    "import_schema",
    "write_import_template",
]
