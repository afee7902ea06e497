"""A month that tells the two department rankings apart (issue #12 item 4, "Rankings per kind").

Three departments, one inspection each: a clean tally inspection (0 points), a tally inspection with points,
and a scored inspection that fails (W1 not met: 100 − 15 = 85, pass line 90). The clean department ranks
first by points; the failing one is in the score ranking only — never first among departments with points.
"""

from __future__ import annotations

from datetime import datetime

from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.workspace import Workspace

CLEAN = "W-SVC"  # svc-001-assessment, nothing found
CHARGED = "W-ADM"  # svc-001-assessment, A1 on the department: 2 points
FAILED = "W-INS"  # svc-000-model-window (scored), W1: 85, failed
TALLY_CHECKLIST = "svc-001-assessment"
SCORED_CHECKLIST = "svc-000-model-window"


def record_rankings_month(ws: Workspace, when: datetime) -> None:
    """Record the three finished inspections at `when` (an aware local time: its month is the month)."""
    recorder = Recorder(ws, actor="tester")
    for department, checklist, item in ((CLEAN, TALLY_CHECKLIST, None), (CHARGED, TALLY_CHECKLIST, "A1"),
                                        (FAILED, SCORED_CHECKLIST, "W1")):
        inspection = recorder.start(NewInspection(checklist_id=checklist, department=department,
                                                  inspector_name="测试督查员", started_at=when))
        if item is not None:
            recorder.record(inspection.id, NewDeduction(item, [], recorded_at=when))
        recorder.finish(inspection.id)
