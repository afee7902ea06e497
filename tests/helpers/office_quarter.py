"""A quarter recorded on two laptops of one hospital, entry by entry, for the office's awards and trends tests.

`plan(seed, laptop)` draws what one laptop records (seeded, so the same every run) around a fixed core that
gives the awards something to decide: windows inspected with nothing found, with shirking, with a recorded
evaluation-rate failure, one only inspected outside the quarter, and measured monthly rates (one month failing,
one month's failure replaced by a later record from the other laptop, one month missing). `record` writes it through the laptop's own
Recorder; `raw` reads it back from the laptop's store, so a test computes its expectation from what the
laptops hold, never from the office's code.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import aliased

from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.roster import load_roster
from inspector_app.core.roster.models import Roster
from inspector_app.core.store import models as s
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import local_time

ROSTER = Path(__file__).resolve().parents[2] / "resources" / "demo" / "roster.yaml"
QUARTER, MONTHS = "2026-Q1", ("2026-01", "2026-02", "2026-03")
ALL_MONTHS = ("2025-12", "2026-01", "2026-02", "2026-03", "2026-04")
TALLY, SCORED = "svc-001-assessment", "svc-000-model-window"
# by hand, from the wording of the shipped checklists (not from the office's rules)
SHIRKING = {(TALLY, "A5"), (SCORED, "W4")}
COMPLAINT = {(TALLY, "A7"), (SCORED, "W5"), (SCORED, "S6")}
EVALUATION = {(SCORED, "W2")}
SATISFACTION = {(SCORED, "W3")}


@dataclass(frozen=True)
class Entry:
    item: str
    staff_no: str | None  # None: the department
    count: int = 1
    void: bool = False


@dataclass(frozen=True)
class Value:
    """A measured value of a monthly rate item (W2 evaluation rate, W3 satisfaction) for `period`."""

    item: str
    period: str
    percent: float


@dataclass(frozen=True)
class Visit:
    checklist: str
    department: str
    day: tuple[int, int, int]
    entries: tuple[Entry, ...] = ()
    values: tuple[Value, ...] = ()


def _rates(evaluation: dict[str, float], satisfaction: dict[str, float]) -> tuple[Value, ...]:
    return (*(Value("W2", month, p) for month, p in evaluation.items()),
            *(Value("W3", month, p) for month, p in satisfaction.items()))


def roster() -> Roster:
    return load_roster(ROSTER)


# the core both laptops share between them: (laptop, visit)
CORE: list[tuple[int, Visit]] = [
    (0, Visit(TALLY, "W-REG", (2026, 1, 8), (Entry("A3", "1002", void=True),))),
    (1, Visit(TALLY, "W-REG", (2026, 2, 10))),
    (0, Visit(SCORED, "W-REG", (2026, 3, 3), values=_rates({"2026-01": 95, "2026-02": 96, "2026-03": 97},
                                                           {"2026-01": 92, "2026-02": 93, "2026-03": 94}))),
    (0, Visit(TALLY, "W-REG", (2025, 12, 30), (Entry("A2", "1003"),))),  # before the quarter
    # W-ADM: January's 85% satisfaction (laptop 0) is replaced by a later 93% (laptop 1); February's 87% fails
    (0, Visit(SCORED, "W-ADM", (2026, 1, 20), values=_rates({"2026-01": 96}, {"2026-01": 85}))),
    (1, Visit(SCORED, "W-ADM", (2026, 3, 30), values=_rates({"2026-02": 94, "2026-03": 95},
                                                            {"2026-01": 93, "2026-02": 87, "2026-03": 94}))),
    # W-INS: rates for two months only (March: no evidence)
    (0, Visit(SCORED, "W-INS", (2026, 2, 2), values=_rates({"2026-01": 99, "2026-02": 99},
                                                           {"2026-01": 99, "2026-02": 99}))),
    (1, Visit(TALLY, "W-INS", (2026, 2, 16), (Entry("A5", "1017"),))),  # shirking
    (1, Visit(SCORED, "W-TCM", (2026, 1, 14), (Entry("W2", None),))),  # evaluation rate below 90%, 0 points
    (0, Visit(TALLY, "W-WPH", (2026, 1, 5))),
    (1, Visit(TALLY, "W-WPH", (2026, 2, 5))),
    (0, Visit(TALLY, "W-WPH", (2026, 3, 5))),
    (1, Visit(SCORED, "W-WPH", (2026, 3, 25), values=_rates({"2026-01": 91, "2026-02": 92, "2026-03": 90},
                                                            {"2026-01": 95, "2026-02": 96, "2026-03": 97}))),
    (0, Visit(TALLY, "W-SVC", (2025, 12, 12), (Entry("A4", "1036"),))),  # W-SVC: never inside the quarter
    (1, Visit(TALLY, "W-SVC", (2026, 4, 1), (Entry("A5", "1037"), Entry("A8", "1038")))),
]
OTHERS = ["M-US", "M-ECG", "M-LAB", "M-RAD", "WD-CARD", "WD-GS", "WD-OBG", "WD-PED"]
TALLY_ITEMS = ["A6", "A2", "A3", "A4", "A5", "A8"]  # A1: a monthly rule (test_monthly_rules.py); A7: the complaint register
SCORED_ITEMS = ["W1", "W4", "W6", "S1", "S6", "K3"]  # W2, W3: monthly measured values (the core plan has one); W5: the register


def plan(seed: int, laptop: int, extra: int = 14) -> list[Visit]:
    """The core's visits of this laptop, plus `extra` seeded visits of other departments across five months."""
    rng = random.Random(seed * 10 + laptop)
    people = roster()
    visits = [visit for owner, visit in CORE if owner == laptop]
    for _ in range(extra):
        department = rng.choice(OTHERS)
        staff = [member.staff_no for member in people.staff_of(department)]
        checklist = rng.choice([TALLY, TALLY, TALLY, SCORED])
        items = TALLY_ITEMS if checklist == TALLY else SCORED_ITEMS
        year, month = rng.choice([(2025, 12), (2026, 1), (2026, 2), (2026, 3), (2026, 3), (2026, 4)])
        entries = tuple(Entry(item, None if item in ("A6", "W1", "W2", "W3", "K3") else rng.choice(staff),
                              rng.choice([1, 1, 2]), rng.random() < 0.15)
                        for item in rng.sample(items, rng.choice([0, 0, 1, 2, 3])))
        visits.append(Visit(checklist, department, (year, month, rng.randint(1, 28)), entries))
    return visits


def record(ws: Workspace, visits: list[Visit]) -> None:
    from inspector_app.core.measuring import NewMeasurement, record_measurement

    recorder = Recorder(ws, actor="tester")
    for n, visit in enumerate(visits):
        checklist = ws.library.get(visit.checklist)
        started = local_time(*visit.day, 9, n % 50)
        inspection = recorder.start(NewInspection(checklist_id=checklist.id, department=visit.department,
                                                  inspector_name=ws.settings.inspector.name,
                                                  inspector_no=ws.settings.inspector.staff_no,
                                                  started_at=started), checklist)
        for minute, entry in enumerate(visit.entries, start=1):
            ids = recorder.record(inspection.id, NewDeduction(
                entry.item, [entry.staff_no] if entry.staff_no else [], count=entry.count,
                recorded_at=started.replace(minute=(n % 50) + minute)))
            if entry.void:
                recorder.void(ids[0], "录错")
        for second, value in enumerate(visit.values, start=1):
            record_measurement(recorder, inspection.id, NewMeasurement(
                value.item, {0: value.percent}, period=value.period,
                recorded_at=started.replace(minute=(n % 50) + 30, second=second)))
        recorder.finish(inspection.id, finished_at=started.replace(minute=59))


@dataclass(frozen=True)
class RawInspection:
    id: str
    department: str
    month: str
    checklist: str
    inspector: str


@dataclass(frozen=True)
class RawEntry:
    checklist: str
    item: str
    department: str
    staff_no: str | None
    count: int
    points: float  # item points × count × head multiplier as the laptop recorded them (before caps)
    live: bool
    month: str
    date: str
    inspector: str


def raw(ws: Workspace) -> tuple[list[RawInspection], list[RawEntry]]:
    """What the laptop holds: its finished inspections and every entry, by roster code and 工号."""
    charged = aliased(s.Department)
    with ws.db.read() as session:
        inspections = [RawInspection(i.id, code, i.local_month, i.checklist_id, i.inspector_name)
                       for i, code in session.execute(
                           select(s.Inspection, s.Department.code).join(s.Department,
                                                                        s.Department.id == s.Inspection.department_id)
                           .where(s.Inspection.status == "finished"))]
        entries = [RawEntry(i.checklist_id, d.item_code, code, staff_no, d.count, d.points, d.voided_at is None,
                            d.local_month, (d.recorded_at.astimezone(local_time(2026, 1, 1).tzinfo)).date().isoformat(),
                            i.inspector_name)
                   for d, i, code, staff_no in session.execute(
                       select(s.Deduction, s.Inspection, charged.code, s.Staff.staff_no)
                       .join(s.Inspection, s.Inspection.id == s.Deduction.inspection_id)
                       .join(charged, charged.id == s.Deduction.department_id)
                       .outerjoin(s.Staff, s.Staff.id == s.Deduction.staff_id)
                       .where(s.Inspection.status == "finished"))]
    return inspections, entries
