"""Training drills for new inspectors: scenario packs with an answer key, grading and calibration.

Qt-free: the CLI (`inspector-app training ...`) and, later, a GUI drill use the same functions.
"""

from inspector_app.core.training.calibration import (
    KEY,
    Calibration,
    calibrate,
    cohen_kappa,
)
from inspector_app.core.training.grading import (
    ExpectedResult,
    Grade,
    Status,
    WrongDeduction,
    grade,
)
from inspector_app.core.training.models import (
    DEPARTMENT,
    Attempt,
    ExpectedDeduction,
    Person,
    RecordedDeduction,
    Scenario,
    ScenarioPack,
    attempt_schema,
    pack_schema,
)
from inspector_app.core.training.packs import (
    PACK_SUFFIX,
    Pack,
    load_attempts,
    load_pack,
    pack_files,
    rule_points,
)

__all__ = [
    "DEPARTMENT", "KEY", "PACK_SUFFIX", "Attempt", "Calibration", "ExpectedDeduction", "ExpectedResult", "Grade",
    "Pack", "Person", "RecordedDeduction", "Scenario", "ScenarioPack", "Status", "WrongDeduction",
    "attempt_schema", "calibrate", "cohen_kappa", "grade", "load_attempts", "load_pack", "pack_files",
    "pack_schema", "rule_points",
]
