"""Recording a measured value (issue #15): 满意度 87% against ≥ 90%, 学习 1 次 against ≥ 2 次 a month.

The value is kept whether it passes or not (the month's figures and the quarterly selection read it). A
failed one also records a deduction through `Recorder.record`, so its points, head rule, rectification and
audit are those of any entry: one occurrence, or one per unit short for a per-shortfall rule
(scoring/measured.py). Measuring the same item for the same month again in one inspection replaces the earlier
value (it is voided with its deduction); across inspections and laptops a monthly rule's latest record counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.errors import InputError
from inspector_app.core.i18n import tr
from inspector_app.core.recording import (
    MAX_NOTE,
    NewDeduction,
    Recorder,
    local_date,
    local_now,
    monthly_period,
    offset_minutes,
)
from inspector_app.core.scoring.measured import Outcome, describe, measured_outcome
from inspector_app.core.store import audit
from inspector_app.core.store.models import Deduction, Inspection, Measurement, utcnow


@dataclass(frozen=True)
class NewMeasurement:
    item_code: str
    values: Mapping[int, float]  # threshold position → measured value (the thresholds that apply)
    staff_no: str | None = None  # a person item (危急值 reported late by …): who is charged when it fails
    period: str | None = None  # a period rule's month, quarter or half year; the one recorded in when absent
    note: str = ""
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class MeasurementResult:
    id: str
    outcome: Outcome
    period: str
    deduction_ids: tuple[str, ...]


def record_measurement(recorder: Recorder, inspection_id: str, request: NewMeasurement) -> MeasurementResult:
    """Store the value, and a deduction when it fails; one durable transaction (or the caller's batch)."""
    if len(request.note) > MAX_NOTE:
        raise InputError.single(tr("entry"), tr("the note is too long (at most {max} characters)", max=MAX_NOTE),
                                field="note")
    recorded = request.recorded_at or local_now()
    if recorded.tzinfo is None:
        raise InputError.single(tr("entry"), tr("the time needs a time zone"), field="recorded_at")
    with recorder.joined() as session:
        return _record(recorder, session, inspection_id, request, recorded)


def _record(recorder: Recorder, session: Session, inspection_id: str, request: NewMeasurement,
            recorded: datetime) -> MeasurementResult:
    inspection = recorder.draft(session, inspection_id)
    checklist = recorder.ws.checklist_by_hash(inspection.checklist_hash)
    try:
        item = checklist.item(request.item_code)
    except KeyError:
        raise InputError.single(tr("entry"), tr("checklist {checklist} has no item {code}", checklist=checklist.id,
                                                code=request.item_code), field="item") from None
    outcome = measured_outcome(item, request.values)
    values = {index: float(value) for index, value in request.values.items()}
    offset = offset_minutes(recorded)
    day = local_date(recorded, offset)
    period = monthly_period(item, request.period, day, max(outcome.occurrences, 1)) or day.strftime("%Y-%m")
    _replace_earlier(recorder, session, inspection, item.code, period)
    deduction_ids: tuple[str, ...] = ()
    if not outcome.passed:
        note = describe(item, values)
        if request.note.strip():
            note = f"{note}。{request.note.strip()}"
        deduction_ids = tuple(recorder.record(inspection_id, NewDeduction(
            item.code, (request.staff_no,) if request.staff_no else (), outcome.occurrences, note[:MAX_NOTE], recorded_at=recorded,
            period=period if item.period != "visit" else None)))
    measurement = Measurement(
        inspection_id=inspection_id, item_code=item.code, department_id=inspection.department_id, period=period,
        values={str(index): value for index, value in sorted(values.items())}, passed=outcome.passed,
        occurrences=outcome.occurrences, note=request.note.strip(), recorded_at=recorded, utc_offset_min=offset,
        device_id=recorder.ws.device_id, seq=recorder.ws.take_sequence(),
        deduction_id=deduction_ids[0] if deduction_ids else None)
    session.add(measurement)
    audit.record(session, recorder.actor, "measure", "measurement", measurement)
    return MeasurementResult(measurement.id, outcome, period, deduction_ids)


def _replace_earlier(recorder: Recorder, session: Session, inspection: Inspection, item_code: str, period: str
                     ) -> None:
    """Void this inspection's earlier live value of the item for the month, and the deductions it opened."""
    earlier = session.scalars(select(Measurement).where(
        Measurement.inspection_id == inspection.id, Measurement.item_code == item_code,
        Measurement.period == period, Measurement.voided_at.is_(None))).all()
    now = utcnow()
    for measurement in earlier:
        measurement.voided_at, measurement.void_reason = now, tr("replaced by a new measurement")
        audit.record(session, recorder.actor, "void", "measurement", measurement)
        deduction = session.get(Deduction, measurement.deduction_id) if measurement.deduction_id else None
        if deduction is not None and deduction.voided_at is None:
            recorder.void(deduction.id, tr("replaced by a new measurement"))
