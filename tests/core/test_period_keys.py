"""Period keys (core/periods.py) and the period a laptop gives a record made now: quarters and half years turn
over at midnight of 31 December / 31 March …, read from the clock (listed in DATE_SENSITIVE: run under faked
dates at 31 Dec 23:59 and 1 Jan 00:00:30)."""

from __future__ import annotations

from datetime import date

import pytest

from inspector_app.core.errors import InputError
from inspector_app.core.measuring import NewMeasurement, record_measurement
from inspector_app.core.periods import (
    first_day,
    keys_covering,
    keys_landing_in,
    kind_of,
    landing_month,
    months_of,
    period_of,
)
from inspector_app.core.recording import (
    NewInspection,
    Recorder,
    local_date,
    local_now,
    offset_minutes,
)
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import local_time

ROUNDS = "svc-quality-rounds"


def test_keys_months_and_the_month_a_charge_lands_in() -> None:
    assert [period_of(kind, date(2026, 12, 31)) for kind in ("month", "quarter", "half-year")] == \
        ["2026-12", "2026-Q4", "2026-H2"]
    assert [period_of(kind, date(2027, 1, 1)) for kind in ("month", "quarter", "half-year")] == \
        ["2027-01", "2027-Q1", "2027-H1"]
    assert (period_of("quarter", date(2026, 3, 31)), period_of("quarter", date(2026, 4, 1))) == ("2026-Q1", "2026-Q2")
    assert months_of("2026-Q2") == ["2026-04", "2026-05", "2026-06"] and months_of("2026-03") == ["2026-03"]
    assert months_of("2026-H2") == [f"2026-{m:02d}" for m in range(7, 13)]
    assert [landing_month(k) for k in ("2026-03", "2026-Q1", "2026-Q4", "2026-H1", "2026-H2")] == \
        ["2026-03", "2026-03", "2026-12", "2026-06", "2026-12"]
    assert keys_landing_in("2026-02") == ["2026-02"]
    assert keys_landing_in("2026-03") == ["2026-03", "2026-Q1"]
    assert keys_landing_in("2026-12") == ["2026-12", "2026-Q4", "2026-H2"]
    assert keys_covering("2026-05") == ["2026-05", "2026-Q2", "2026-H1"]
    assert first_day("2026-H2") == date(2026, 7, 1) and first_day("2026-Q4") == date(2026, 10, 1)
    assert [kind_of(k) for k in ("2026-03", "2026-Q1", "2026-H2")] == ["month", "quarter", "half-year"]
    for bad in ("2026-Q5", "2026-H3", "2026-13", "26-Q1", "2026-q1", "2026Q1"):
        with pytest.raises(ValueError):
            kind_of(bad)


def test_a_record_made_now_is_about_the_quarter_and_half_year_of_today(demo_workspace: Workspace,
                                                                          english: None) -> None:
    """No period given: the one the clock's local day falls in (T1 quarterly, D1 half-yearly); the next
    period, not begun yet, is refused."""
    recorder = Recorder(demo_workspace, actor="tester")
    inspection = recorder.start(NewInspection(ROUNDS, "W-REG", "测试督查员")).id
    now = local_now()
    today = local_date(now, offset_minutes(now))
    quarter = record_measurement(recorder, inspection, NewMeasurement("T1", {0: 0}, recorded_at=now))
    half = record_measurement(recorder, inspection, NewMeasurement("D1", {0: 0}, recorded_at=now))
    assert (quarter.period, half.period) == (period_of("quarter", today), period_of("half-year", today))
    later = landing_month(period_of("quarter", today))
    year, month = int(later[:4]), int(later[5:]) + 1
    following = period_of("quarter", date(year + (month > 12), (month - 1) % 12 + 1, 1))
    with pytest.raises(InputError, match="cannot begin after"):
        record_measurement(recorder, inspection, NewMeasurement("T1", {0: 0}, period=following, recorded_at=now))


def test_a_period_of_the_wrong_kind_is_refused(demo_workspace: Workspace, english: None) -> None:
    recorder = Recorder(demo_workspace, actor="tester")
    day = local_time(2026, 4, 2, 9)
    inspection = recorder.start(NewInspection(ROUNDS, "W-REG", "测试督查员", started_at=day)).id
    with pytest.raises(InputError, match="2026-Q1"):
        record_measurement(recorder, inspection, NewMeasurement("T1", {0: 0}, period="2026-03", recorded_at=day))
    with pytest.raises(InputError, match="2026-H1"):
        record_measurement(recorder, inspection, NewMeasurement("D1", {0: 0}, period="2026-Q1", recorded_at=day))
    with pytest.raises(InputError, match="2026-03"):
        record_measurement(recorder, inspection, NewMeasurement("T8", {0: 0}, period="2026-Q1", recorded_at=day))
