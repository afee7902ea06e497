"""Importing a file of inspections: check everything first, then record all of it in one transaction.

All or nothing: one bad value anywhere refuses the whole file with every problem listed, so an office never
has to work out which half of a file went in. Recording goes through `Recorder`, so imported deductions are
scored and audited exactly like those entered on the laptop.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from inspector_app.core.errors import InputError, Problem
from inspector_app.core.i18n import tr
from inspector_app.core.importing.checks import Accepted, Checker
from inspector_app.core.importing.models import (
    NAIVE_IS_LOCAL,
    Envelope,
    ImportedInspection,
    salvage,
)
from inspector_app.core.importing.source import Source, read_json
from inspector_app.core.importing.table import read_table
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.workspace import Workspace

ORIGIN = "imported"
JSON_SUFFIXES = {".json"}
TABLE_SUFFIXES = {".xlsx", ".xlsm", ".csv"}
_IMPORTING = threading.Lock()  # two clicks on "import" run one after the other: the second sees the first


@dataclass(frozen=True)
class ImportPlan:
    """A checked file, ready to record."""

    source: Source
    inspections: list[Accepted]

    @property
    def deductions(self) -> int:
        """Entries that will be stored: one per person charged, or one for the department."""
        return sum(max(1, len(d.staff)) for a in self.inspections for d in a.inspection.deductions)


@dataclass
class ImportReport:
    inspections: int = 0
    deductions: int = 0  # stored entries: one per person charged, or one for the department
    inspection_ids: list[str] = field(default_factory=list)


def read_source(path: Path) -> Source:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return read_json(path)
    if suffix in TABLE_SUFFIXES:
        return read_table(path)
    raise InputError([Problem(str(path), None, "", tr("only .json and .xlsx (or .csv) files can be imported"))])


def check_import(ws: Workspace, path: Path) -> ImportPlan:
    """Read and check a whole file without recording anything; InputError lists every problem."""
    source = read_source(path)
    context = {NAIVE_IS_LOCAL: source.naive_is_local}
    try:
        envelope = Envelope.model_validate(source.data, context=context)
    except ValidationError as exc:
        raise InputError(source.problems + source.shape_problems(exc)) from None
    checker = Checker(ws, source)
    problems = list(source.problems)
    for index, raw in enumerate(envelope.inspections):
        try:
            inspection = ImportedInspection.model_validate(raw, context=context)
        except ValidationError as exc:
            problems += source.shape_problems(exc, ("inspections", index))
            partial = salvage(raw, exc, context)
            if partial is not None:  # check the rest too, so one pass lists every problem
                checker.check(index, *partial)
            continue
        checker.check(index, inspection)
    problems += checker.problems
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    return ImportPlan(source, checker.accepted)


def import_inspections(ws: Workspace, path: Path, *, actor: str = "import") -> ImportReport:
    """Import a .json or .xlsx file of inspections, all of it or (with InputError) none of it."""
    with _IMPORTING:
        plan = check_import(ws, path)
        return record_plan(ws, plan, actor)


def record_plan(ws: Workspace, plan: ImportPlan, actor: str) -> ImportReport:
    """Record a checked file in one transaction; each inspection is finished (locked) like a real one."""
    recorder = Recorder(ws, actor)
    ws.device_id  # noqa: B018 -- created now: its first use writes in a transaction of its own
    report = ImportReport()
    with recorder.batch():
        for accepted in plan.inspections:
            try:
                report.deductions += _record_one(recorder, accepted, report)
            except InputError as exc:  # the checks missed a Recorder rule: point at the inspection anyway
                line, _ = plan.source.locate(("inspections", accepted.index))
                raise InputError([Problem(plan.source.file, line, p.field, p.reason) for p in exc.problems]) from exc
    report.inspections = len(report.inspection_ids)
    return report


def _record_one(recorder: Recorder, accepted: Accepted, report: ImportReport) -> int:
    found = accepted.inspection
    inspection = recorder.start(NewInspection(
        checklist_id=found.checklist, department=accepted.department_code, inspector_name=found.inspector,
        inspector_no=found.inspector_no, co_inspector=found.co_inspector, mode=found.mode,
        location=found.location, started_at=found.started_at, origin=ORIGIN), accepted.checklist)
    stored = 0
    for deduction in found.deductions:
        stored += len(recorder.record(inspection.id, NewDeduction(
            item_code=deduction.item, staff_nos=tuple(deduction.staff), count=deduction.count, note=deduction.note,
            recorded_at=deduction.recorded_at or found.started_at)))
    recorder.finish(inspection.id, finished_at=found.finish_time())
    report.inspection_ids.append(inspection.id)
    return stored
