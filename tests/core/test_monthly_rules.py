"""Measured values and monthly rules (issue #15 items 1 and 3), against 001 §四 第1条 as written:
"每月至少开展 2 次科室集体学习…违者，缺少一次扣科室 2 分".

Two laptops of one hospital check the same department's study record book for the same month: each laptop
charges it, the office charges it once (2 points for one missing session, never 4), and a month can never give
more than the rule can (4 points). A measured 87% satisfaction against ≥ 90% fails at once, records its
deduction and is in the month's figures; a forged pass in a re-signed bundle is quarantined.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.core.errors import InputError
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.measuring import NewMeasurement, record_measurement
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.scoring.measured import PeriodRecord, measured_outcome, superseded
from inspector_app.core.store.models import Deduction, Measurement
from inspector_app.core.summary import monthly_summary
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import ASSESSMENT, local_time
from tests.helpers.hospital import found_hospital, resigned

MODEL_WINDOW = "svc-000-model-window"


# -- the rule itself -----------------------------------------------------------------------------------------
def test_each_missing_session_is_one_occurrence_and_never_more_than_the_rule_gives(bundled_library) -> None:
    a1 = bundled_library.get(ASSESSMENT).item("A1")
    assert (a1.period, a1.per_shortfall) == ("month", True)
    assert measured_outcome(a1, {0: 2}).passed and measured_outcome(a1, {0: 5}).occurrences == 0
    assert (measured_outcome(a1, {0: 1}).occurrences, measured_outcome(a1, {0: 0}).occurrences) == (1, 2)
    w3 = bundled_library.get(MODEL_WINDOW).item("W3")
    assert not measured_outcome(w3, {0: 87}).passed and measured_outcome(w3, {0: 87}).occurrences == 1
    assert measured_outcome(w3, {0: 90}).passed
    for bad in ({0: -1}, {0: float("nan")}, {0: 101}, {}, {1: 90}, {0: True}):
        with pytest.raises(InputError):
            measured_outcome(w3, bad)


def test_every_duty_measured_per_month_is_a_monthly_rule(bundled_library) -> None:
    """A threshold counted per month (每月…次数, 当月…) is about the department's month: found once per month
    however many inspectors check it (the quality rounds' nine monthly duties were counted per visit before v4)."""
    per_visit = [(checklist.id, item.code) for checklist in bundled_library.checklists.values() for item in checklist.items()
                 if any(t.metric.zh.startswith(("每月", "当月")) for t in item.thresholds) and item.period != "month"]
    assert per_visit == []


def test_the_latest_record_of_a_month_counts_the_same_whatever_the_order() -> None:
    early, late = local_time(2026, 3, 5), local_time(2026, 3, 20)
    records = [PeriodRecord("m2", "W-REG", ASSESSMENT, "A1", "2026-03", late, "d2"),
               PeriodRecord("m1", "W-REG", ASSESSMENT, "A1", "2026-03", early, "d1"),
               PeriodRecord("m3", "W-REG", ASSESSMENT, "A1", "2026-04", early, "d3"),  # another month
               PeriodRecord("m4", "W-ADM", ASSESSMENT, "A1", "2026-03", early, "d4")]  # another department
    assert superseded(records) == superseded(reversed(records)) == {"d1"}
    tied = [PeriodRecord("m9", "W-REG", ASSESSMENT, "A1", "2026-03", late, "d9"), records[0]]
    assert superseded(tied) == superseded(reversed(tied)) == {"d2"}  # same time: the larger id, everywhere
    passed_later = [records[1], PeriodRecord("m5", "W-REG", ASSESSMENT, "A1", "2026-03", late, None)]
    assert superseded(passed_later) == {"d1"}  # a later value that passes clears the earlier failure


# -- on one laptop -------------------------------------------------------------------------------------------
def _start(recorder: Recorder, checklist: str, department: str, day) -> str:  # noqa: ANN001
    return recorder.start(NewInspection(checklist, department, "测试督查员", started_at=day)).id


def test_a_month_is_charged_once_on_a_laptop_and_a_late_check_lands_in_its_month(demo_workspace: Workspace,
                                                                                  english: None) -> None:
    recorder = Recorder(demo_workspace, actor="tester")
    april_2 = local_time(2026, 4, 2, 9)
    first = _start(recorder, ASSESSMENT, "W-REG", april_2)
    # the March study book checked on 2 April: one session held → one missing → 2 points, in March
    result = record_measurement(recorder, first, NewMeasurement("A1", {0: 1}, period="2026-03", recorded_at=april_2))
    assert (result.outcome.passed, result.outcome.occurrences, result.period) == (False, 1, "2026-03")
    with pytest.raises(InputError, match="after the day"):
        record_measurement(recorder, first, NewMeasurement("A1", {0: 1}, period="2026-05", recorded_at=april_2))
    with pytest.raises(InputError, match="at most 2"):
        recorder.record(first, NewDeduction("A1", count=5, recorded_at=april_2))
    with pytest.raises(InputError, match="not a monthly rule"):
        recorder.record(first, NewDeduction("A2", ["1002"], period="2026-03", recorded_at=april_2))
    recorder.finish(first)
    # a second inspection records the same month again, with none held: the latest record counts, 4 points
    second = _start(recorder, ASSESSMENT, "W-REG", local_time(2026, 4, 9, 9))
    record_measurement(recorder, second, NewMeasurement("A1", {0: 0}, period="2026-03", recorded_at=local_time(2026, 4, 9, 10)))
    recorder.finish(second)
    march, april = monthly_summary(demo_workspace, "2026-03"), monthly_summary(demo_workspace, "2026-04")
    reg = next(d for d in march.departments if d.code == "W-REG")
    assert (reg.own_points, reg.occurrences) == (4.0, 2)  # never 2 + 4
    assert next(d for d in april.departments if d.code == "W-REG").own_points == 0.0
    with demo_workspace.db.read() as session:
        notes = session.scalars(select(Deduction.note).where(Deduction.item_code == "A1")).all()
    # the note in the language of the moment, units included (次 in Chinese, "times" in English)
    assert any("measured 1 time (required ≥ 2 times)" in note or "实测 1次（要求 ≥ 2次）" in note for note in notes), notes


def test_a_measured_87_percent_fails_at_once_and_a_new_value_replaces_it(demo_workspace: Workspace) -> None:
    recorder = Recorder(demo_workspace, actor="tester")
    day = local_time(2026, 5, 12, 9)
    inspection = _start(recorder, MODEL_WINDOW, "W-REG", day)
    failed = record_measurement(recorder, inspection, NewMeasurement("W3", {0: 87}, recorded_at=day))
    assert not failed.outcome.passed and len(failed.deduction_ids) == 1
    record_measurement(recorder, inspection, NewMeasurement("W2", {0: 95}, recorded_at=day))  # passed: kept, no deduction
    recorder.finish(inspection)
    month = monthly_summary(demo_workspace, "2026-05")
    reg = next(d for d in month.departments if d.code == "W-REG")
    assert (reg.scored_inspections, reg.failed, reg.average_score) == (1, 1, 85.0)  # 100 − 15: under the pass line
    with demo_workspace.db.read() as session:
        kept = {(m.item_code, m.passed) for m in session.scalars(select(Measurement))
                if m.inspection_id == inspection}
    assert kept == {("W3", False), ("W2", True)}

    again = _start(recorder, MODEL_WINDOW, "W-REG", day)
    record_measurement(recorder, again, NewMeasurement("W3", {0: 80}, recorded_at=day))
    record_measurement(recorder, again, NewMeasurement("W3", {0: 92}, recorded_at=day.replace(minute=5)))  # re-counted: passes
    with demo_workspace.db.read() as session:
        live = session.scalars(select(Deduction).where(Deduction.inspection_id == again,
                                                       Deduction.voided_at.is_(None))).all()
        values = session.scalars(select(Measurement).where(Measurement.inspection_id == again)).all()
    assert live == [] and sorted((m.values["0"], m.voided_at is None) for m in values) == [(80, False), (92, True)]


# -- two laptops, one office ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> dict:
    """Two inspectors check W-REG's March study book (one session held), and W-ADM's (none, then two)."""
    root = tmp_path_factory.mktemp("monthly")
    office, laptops = found_hospital(root, demo_template, ["L001", "L002"])
    share = root / "share"
    share.mkdir()
    months = []
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            recorder = Recorder(ws, actor=f"L00{n + 1}")
            day = local_time(2026, 3, 10 + n, 9)
            reg = _start(recorder, ASSESSMENT, "W-REG", day)
            record_measurement(recorder, reg, NewMeasurement("A1", {0: 1}, recorded_at=day.replace(minute=5)))
            recorder.record(reg, NewDeduction("A2", ["1002"], recorded_at=day.replace(minute=6)))
            recorder.finish(reg, finished_at=day.replace(minute=30))
            adm = _start(recorder, ASSESSMENT, "W-ADM", day.replace(hour=14))
            record_measurement(recorder, adm, NewMeasurement("A1", {0: 0 if n == 0 else 2}, recorded_at=day.replace(hour=15)))
            recorder.finish(adm, finished_at=day.replace(hour=16))
            months.append(monthly_summary(ws, "2026-03"))
            assert push(ws, share, DEMO_PASSPHRASE).bundle is not None
    return {"office": office, "share": share, "months": months, "root": root, "laptops": laptops}


def _row(summary, code: str):  # noqa: ANN001, ANN202
    return next(d for d in summary.departments if d.code == code)


def test_each_laptop_charges_its_own_record(hospital: dict) -> None:
    for n, month in enumerate(hospital["months"]):
        assert _row(month, "W-REG").own_points == 2.0
        assert _row(month, "W-ADM").own_points == (4.0 if n == 0 else 0.0)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_office_charges_the_month_once(hospital: dict, backend: str, request: pytest.FixtureRequest) -> None:
    url = (request.getfixturevalue("postgres_url")() if backend == "postgresql"
           else default_url(hospital["root"] / f"central-{backend}"))
    central = open_central(url)
    try:
        bundles = sorted((hospital["share"] / "incoming").glob("*.zip"))
        trusted = [load_office_certificate(hospital["office"])]
        for bundle in reversed(bundles):  # any order gives the same month
            assert merge_files(central, [bundle], trusted, hospital["root"] / f"files-{backend}").clean
        march = central_summary(central, "2026-03")
        reg, adm = _row(march, "W-REG"), _row(march, "W-ADM")
        assert (reg.own_points, reg.occurrences - 2) == (2.0, 1)  # 2 points for one missing session, never 4
        assert adm.own_points == 0.0  # the later record (two held) replaced the earlier one (none held)
        assert march.total_points == sum(m.total_points for m in hospital["months"]) - 2.0 - 4.0
        with central.read() as session:
            from inspector_app.core.merge import models as m

            assert session.scalar(select(m.Measurement.id).where(m.Measurement.passed.is_(True))) is not None
            assert len(session.scalars(select(m.Measurement)).all()) == 4
    finally:
        central.close()


@pytest.mark.parametrize("forge", ["a forged pass", "a month the rule does not keep", "more than the rule gives"])
def test_a_forged_measurement_is_quarantined(hospital: dict, forge: str, english: None, tmp_path: Path) -> None:
    def edit(data: dict) -> None:
        record = data["inspections"][0]
        if forge == "a forged pass":
            record["measurements"][0].update(passed=True, occurrences=0)
        elif forge == "a month the rule does not keep":
            next(d for d in record["deductions"] if d["item_code"] == "A1")["period"] = "2026-02"
        else:
            a1 = next(d for d in record["deductions"] if d["item_code"] == "A1")
            a1.update(count=3, points=6.0)

    with Workspace.open(hospital["laptops"][0]) as ws:  # its own bundle, re-signed with its own enrolled key
        device8 = ws.device_id.replace("-", "")[:8]
        [source] = (hospital["share"] / "incoming").glob(f"batch-{device8}-*.zip")
        bad = resigned(ws, source, tmp_path, edit)
    central = open_central(default_url(tmp_path / "central"))
    try:
        report = merge_files(central, [bad], [load_office_certificate(hospital["office"])],
                             tmp_path / "files")
        [outcome] = report.refused
        assert outcome.reason_code == "bad_points", outcome  # set aside, with the reason; the rest merges
        expected = {"a forged pass": "the thresholds give False/1", "more than the rule gives": "3 occurrences",
                    "a month the rule does not keep": "month 2026-02"}[forge]
        assert expected in outcome.message, outcome.message
    finally:
        central.close()
