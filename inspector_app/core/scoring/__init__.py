"""The one scoring module: points, caps, pay share, scores and rankings (docs/scoring.md).

`rules` turns an inspection's entries into counted points, pay share and score; `month` adds a month up and
ranks it. The laptop summary, the central summary, documents and training all call these.
"""

from inspector_app.core.scoring.month import (
    DepartmentRow,
    MonthlySummary,
    MonthTally,
    PersonRow,
    rank,
)
from inspector_app.core.scoring.rules import (
    ROUND,
    EntryPoints,
    InspectionResult,
    InspectionScore,
    ItemTotal,
    ScoreEntry,
    capped_points,
    clamp_percent,
    entry_points,
    inspection_result,
    is_scored,
    score_inspection,
)

__all__ = ["ROUND", "DepartmentRow", "EntryPoints", "InspectionResult", "InspectionScore", "ItemTotal",
           "MonthTally", "MonthlySummary", "PersonRow", "ScoreEntry", "capped_points", "clamp_percent",
           "entry_points", "inspection_result", "is_scored", "rank", "score_inspection"]
