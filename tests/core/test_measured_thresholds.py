"""Every threshold an item has is offered (issue #15): 004 篇一's booking rates have two (本地患者 ≥ 50% and
口腔科、产前检查、术后复查 ≥ 60%); the inspector gives each value that applies, and the measurement passes only when
every value given holds. A measurement runs inside the caller's batch (WriteService.joined): all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspector_app.core.measuring import NewMeasurement, record_measurement
from inspector_app.core.recording import NewInspection, Recorder
from inspector_app.core.store.models import Deduction, Measurement
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import local_time

THREE_GOOD = "svc-004-three-good"


def _start(recorder: Recorder, day) -> str:  # noqa: ANN001
    return recorder.start(NewInspection(THREE_GOOD, "W-REG", "测试督查员", started_at=day)).id


def test_each_threshold_that_applies_is_measured(demo_workspace: Workspace) -> None:
    recorder = Recorder(demo_workspace, actor="tester")
    day = local_time(2026, 6, 3, 9)
    inspection = _start(recorder, day)
    second_only = record_measurement(recorder, inspection, NewMeasurement("SV2", {1: 55}, recorded_at=day))
    assert (second_only.outcome.passed, second_only.outcome.failed) == (False, (1,))  # 55% against ≥ 60%
    both = record_measurement(recorder, inspection, NewMeasurement("SV2", {0: 52, 1: 61}, recorded_at=day.replace(minute=5)))
    assert both.outcome.passed and both.deduction_ids == ()  # replaces the earlier value of the month
    first_fails = record_measurement(recorder, inspection, NewMeasurement("SV2", {0: 45, 1: 61},
                                                              recorded_at=day.replace(minute=9)))
    assert (first_fails.outcome.passed, first_fails.outcome.failed) == (False, (0,))
    with demo_workspace.db.read() as session:
        note = session.scalar(select(Deduction.note).where(Deduction.id == first_fails.deduction_ids[0]))
        live = session.scalars(select(Measurement).where(Measurement.voided_at.is_(None),
                                                         Measurement.inspection_id == inspection)).all()
    assert "45%" in note and "61%" in note  # both values are on the entry
    assert [m.values for m in live] == [{"0": 45.0, "1": 61.0}]


def test_a_measurement_runs_inside_the_callers_batch(demo_workspace: Workspace) -> None:
    recorder = Recorder(demo_workspace, actor="tester")
    day = local_time(2026, 6, 3, 9)
    inspection = _start(recorder, day)

    def stored() -> tuple[int, int]:
        with demo_workspace.db.read() as session:
            return (session.scalar(select(func.count()).select_from(Measurement)),
                    session.scalar(select(func.count()).select_from(Deduction)))

    before = stored()
    with pytest.raises(RuntimeError), recorder.batch():
        record_measurement(recorder, inspection, NewMeasurement("SV2", {0: 40}, recorded_at=day))
        raise RuntimeError("the rest of the batch fails")
    assert stored() == before  # the value and its deduction went with the batch
    with recorder.batch():
        record_measurement(recorder, inspection, NewMeasurement("SV2", {0: 40}, recorded_at=day))
    assert stored() == (before[0] + 1, before[1] + 1)


def test_units_read_in_both_languages(bundled_library) -> None:  # noqa: ANN001
    """A threshold's unit follows the language: 2次 in Chinese, "2 times" in English (the checklists write
    units in Chinese only); every unit the shipped checklists use has an English form."""
    from inspector_app.core.checklists.models import _ENGLISH_UNITS, unit_text
    from inspector_app.core.scoring.measured import describe

    units = {t.unit for checklist in bundled_library for item in checklist.items() for t in item.thresholds}
    assert units - {"%"} and units - {"%"} <= set(_ENGLISH_UNITS), units
    assert unit_text("次", "zh", 2) == "次" and unit_text("次", "en", 2) == " times" and unit_text("次", "en", 1) == " time"
    assert unit_text("%", "en", 90) == "%"
    item = next(item for checklist in bundled_library for item in checklist.items()
                if item.thresholds and item.thresholds[0].unit == "次")
    english = describe(item, {0: 0}, "en")
    assert "次" not in english and " times" in english, english
    assert "次" in describe(item, {0: 0}, "zh")
