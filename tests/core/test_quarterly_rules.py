"""Quarterly and half-yearly rules (issue #15 item 3, "a month (or quarter)"), against the quality rounds' T1/T2
(三基三严, 本院暂定 2 分, 同一季度只记一次), 002's quarterly canteen survey (C9) and the half-yearly D1.

A quarter's charge counts in the quarter's last month (core/periods.py, forms/README.md §3.3): two laptops that
record Q1 in January and February charge the department once, in March, on each laptop and at the office alike; a
March check typed in April is Q1's; a record reaching the office after March was closed is a correction
(Adjustment), the closed figures unchanged; a bundle whose snapshot predates quarters (quality rounds v4) merges
under its own rules. Dates are explicit: no test here reads the clock (test_period_keys.py does).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.core.checklists import content_hash, load_checklist
from inspector_app.core.errors import InputError
from inspector_app.core.identity import DEMO_PASSPHRASE
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.measuring import NewMeasurement, record_measurement
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.core.merge import models as cm
from inspector_app.core.merge.summary import central_summary
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.store.models import Deduction
from inspector_app.core.summary import monthly_summary
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from inspector_app.office.award_evidence import snapshots
from inspector_app.office.award_measured import central_rates
from inspector_app.office.award_rules import Criterion, quarter_months
from inspector_app.office.month import close_month, month_summary
from inspector_app.office.pay_list import pay_list
from tests.helpers.fixtures import local_time
from tests.helpers.hospital import found_hospital, resigned

ROUNDS, CANTEEN = "svc-quality-rounds", "svc-002-hospital-service"
PERIOD_RULES = {(ROUNDS, "T1"): "quarter", (ROUNDS, "T2"): "quarter", (ROUNDS, "S2"): "quarter",
                (ROUNDS, "D1"): "half-year", (ROUNDS, "E2"): "half-year", (CANTEEN, "C9"): "quarter"}
V4 = Path(__file__).parent / "data" / "checklists" / "000-004-quality-rounds-v4.yaml"


def _start(recorder: Recorder, checklist: str, department: str, day) -> str:  # noqa: ANN001
    return recorder.start(NewInspection(checklist, department, "测试督查员", started_at=day)).id


def _row(summary, code: str):  # noqa: ANN001, ANN202
    return next(d for d in summary.departments if d.code == code)


def test_the_rules_the_sources_state_per_quarter_or_half_year_are_period_rules(bundled_library) -> None:
    found = {(c.id, i.code): i.period for c in bundled_library.checklists.values() for i in c.items()
             if i.period in ("quarter", "half-year")}
    assert found == PERIOD_RULES
    per_visit = [(c.id, i.code) for c in bundled_library.checklists.values() for i in c.items()
                 if any(("季度" in t.metric.zh or "半年" in t.metric.zh) for t in i.thresholds)
                 and i.period not in ("quarter", "half-year")]
    assert per_visit == []  # a threshold counted per quarter or half year is a period rule


# -- on one laptop -------------------------------------------------------------------------------------------
def test_a_march_check_typed_in_april_is_q1s_and_the_quarter_is_charged_once(demo_workspace: Workspace,
                                                                               english: None) -> None:
    recorder = Recorder(demo_workspace, actor="tester")
    april_2 = local_time(2026, 4, 2, 9)
    first = _start(recorder, ROUNDS, "W-REG", april_2)
    result = record_measurement(recorder, first, NewMeasurement("T1", {0: 0}, period="2026-Q1", recorded_at=april_2))
    assert (result.outcome.passed, result.period) == (False, "2026-Q1")
    with pytest.raises(InputError, match="at most 1"):
        recorder.record(first, NewDeduction("T1", count=2, period="2026-Q1", recorded_at=april_2))
    recorder.finish(first)
    second = _start(recorder, ROUNDS, "W-REG", local_time(2026, 4, 9, 9))  # Q1 again
    record_measurement(recorder, second, NewMeasurement("T1", {0: 0}, period="2026-Q1",
                                                        recorded_at=local_time(2026, 4, 9, 10)))
    recorder.finish(second)
    third = _start(recorder, ROUNDS, "W-REG", local_time(2026, 4, 9, 11))  # this quarter's (the cap is per
    # inspection: two periods of one capped item in one inspection share its 2 points, as months do)
    record_measurement(recorder, third, NewMeasurement("T1", {0: 0}, recorded_at=local_time(2026, 4, 9, 11)))
    recorder.finish(third)
    with demo_workspace.db.read() as session:
        kept = sorted((d.period, d.local_month) for d in session.scalars(
            select(Deduction).where(Deduction.item_code == "T1", Deduction.voided_at.is_(None))))
    assert kept == [("2026-Q1", "2026-03"), ("2026-Q1", "2026-03"), ("2026-Q2", "2026-06")]
    march, april, june = (monthly_summary(demo_workspace, m) for m in ("2026-03", "2026-04", "2026-06"))
    assert (_row(march, "W-REG").own_points, _row(march, "W-REG").occurrences) == (2.0, 1)  # once, never 4
    assert _row(april, "W-REG").own_points == 0.0  # typed in April, about Q1: March's
    assert _row(june, "W-REG").own_points == 2.0  # Q2's record counts at the end of Q2


# -- two laptops, one office ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> dict:
    """L001 checks Q1 in January: W-REG held no 三基三严 training (T1), W-ADM no nursing training (T2), and
    W-REG's canteen survey was 87% (C9, passes ≥ 60%). L002 checks Q1 in February: W-REG still none, W-ADM one."""
    root = tmp_path_factory.mktemp("quarterly")
    office, laptops = found_hospital(root, demo_template, ["L001", "L002"])
    shares, months = [], []
    for n, folder in enumerate(laptops):
        share = root / f"share-{n}"
        share.mkdir()
        with Workspace.open(folder) as ws:
            recorder = Recorder(ws, actor=f"L00{n + 1}")
            day = local_time(2026, 1 + n, 15, 9)
            reg = _start(recorder, ROUNDS, "W-REG", day)
            record_measurement(recorder, reg, NewMeasurement("T1", {0: 0}, recorded_at=day.replace(minute=5)))
            recorder.finish(reg, finished_at=day.replace(minute=30))
            adm = _start(recorder, ROUNDS, "W-ADM", day.replace(hour=14))
            record_measurement(recorder, adm, NewMeasurement("T2", {0: n}, recorded_at=day.replace(hour=15)))
            recorder.finish(adm, finished_at=day.replace(hour=16))
            if n == 0:
                canteen = _start(recorder, CANTEEN, "W-REG", day.replace(day=20))
                record_measurement(recorder, canteen, NewMeasurement("C9", {0: 87}, recorded_at=day.replace(day=20)))
                recorder.finish(canteen, finished_at=day.replace(day=20, hour=11))
            months.append({m: monthly_summary(ws, m) for m in ("2026-01", "2026-02", "2026-03")})
            pushed = push(ws, share, DEMO_PASSPHRASE).bundle
            assert pushed is not None
            shares.append(pushed)
    return {"office": office, "bundles": shares, "months": months, "root": root, "laptops": laptops}


def test_each_laptop_charges_its_own_record_in_the_quarters_last_month(hospital: dict) -> None:
    for n, months in enumerate(hospital["months"]):
        assert _row(months["2026-03"], "W-REG").own_points == 2.0
        assert _row(months["2026-03"], "W-ADM").own_points == (2.0 if n == 0 else 0.0)
        for month in ("2026-01", "2026-02"):  # recorded then, counted at the end of the quarter
            assert (_row(months[month], "W-REG").own_points, _row(months[month], "W-ADM").own_points) == (0.0, 0.0)


def _central(hospital: dict, backend: str, request: pytest.FixtureRequest, name: str):  # noqa: ANN202
    url = (request.getfixturevalue("postgres_url")() if backend == "postgresql"
           else default_url(hospital["root"] / f"central-{name}-{backend}"))
    return open_central(url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_office_charges_the_quarter_once_as_the_latest_laptop_says(hospital: dict, backend: str,
                                                                        request: pytest.FixtureRequest) -> None:
    central = _central(hospital, backend, request, "once")
    try:
        trusted = [load_office_certificate(hospital["office"])]
        for bundle in reversed(hospital["bundles"]):  # any order gives the same quarter
            assert merge_files(central, [bundle], trusted, hospital["root"] / f"files-once-{backend}").clean
        march = central_summary(central, "2026-03")
        latest = hospital["months"][1]["2026-03"]  # L002 recorded last, for both departments
        for code in ("W-REG", "W-ADM"):
            assert (_row(march, code).own_points, _row(march, code).occurrences) == \
                (_row(latest, code).own_points, _row(latest, code).occurrences)
        assert (_row(march, "W-REG").own_points, _row(march, "W-ADM").own_points) == (2.0, 0.0)  # never 4
        for month in ("2026-01", "2026-02"):
            assert central_summary(central, month).total_points == 0.0
        with central.read() as session:
            rates = central_rates(session, quarter_months("2026-Q1"), snapshots(session))
            kinds = dict(session.execute(select(cm.Measurement.item_code, cm.Measurement.period)).all())
        assert kinds == {"T1": "2026-Q1", "T2": "2026-Q1", "C9": "2026-Q1"}
        # the quarter's canteen survey speaks for each of its months in the 000 selection (87%: under 90%)
        for month in quarter_months("2026-Q1"):
            [value] = rates.values[("W-REG", Criterion.SATISFACTION, month)]
            assert (value.percent, value.item_code, value.passed) == (87.0, "C9", False)
    finally:
        central.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_record_reaching_a_closed_quarter_month_is_a_correction(hospital: dict, backend: str,
                                                                   request: pytest.FixtureRequest) -> None:
    central = _central(hospital, backend, request, "closed")
    try:
        trusted = [load_office_certificate(hospital["office"])]
        files = hospital["root"] / f"files-closed-{backend}"
        assert merge_files(central, [hospital["bundles"][0]], trusted, files).clean
        before = central_summary(central, "2026-03")
        state = close_month(central, "2026-03", closed_by="王主任", today=date(2026, 4, 3), force=True)
        assert merge_files(central, [hospital["bundles"][1]], trusted, files).clean  # L002's February record
        with central.read() as session:
            late = session.execute(select(cm.Adjustment.entry_month, cm.Deduction.item_code,
                                          cm.Deduction.department_id)
                                   .join(cm.Deduction, cm.Deduction.id == cm.Adjustment.deduction_id)).all()
        assert [tuple(row) for row in late] == [("2026-03", "T1", "W-REG")]  # the failing one: a correction
        frozen = month_summary(central, "2026-03")
        assert frozen.to_dict() | {"generated_at": ""} == before.to_dict() | {"generated_at": ""}
        assert pay_list(central, "2026-03").figures_sha256() == state.figures_sha256  # never silently changed
        # the correction is the difference L002's records make, never their sum: W-REG's T1 is charged by the
        # later record instead of the earlier (+2 −2), W-ADM's T2 charge is withdrawn by a passing value (−2)
        carried = pay_list(central, "2026-04").adjustments
        assert sorted((c.month, c.item_code, c.department_code, c.points) for c in carried) == [
            ("2026-03", "T1", "W-REG", -2.0), ("2026-03", "T1", "W-REG", 2.0), ("2026-03", "T2", "W-ADM", -2.0)]
        withdrawn = [c for c in carried if c.points < 0]
        assert all(c.count < 0 and c.pay_percent <= 0 and c.item_text.startswith("撤回") for c in withdrawn)
        now = central_summary(central, "2026-03")  # what March would be with everything known now
        for code in ("W-REG", "W-ADM"):
            accounted = _row(frozen, code).own_points + sum(c.points for c in carried if c.department_code == code)
            assert accounted == _row(now, code).own_points
        # the department table carries them too (it listed only the month's own points before)
        departments = {d.code: d for d in pay_list(central, "2026-04").departments()}
        assert (departments["W-ADM"].carried_points, departments["W-REG"].carried_points) == (-2.0, 0.0)
        # closing April freezes the same corrections, and May carries none of them again
        close_month(central, "2026-04", closed_by="王主任", today=date(2026, 5, 3), force=True)
        assert sorted(c.points for c in pay_list(central, "2026-04").adjustments) == [-2.0, -2.0, 2.0]
        assert pay_list(central, "2026-05").adjustments == []
    finally:
        central.close()


def test_a_bundle_from_before_quarters_merges_under_its_own_rules(hospital: dict, english: None,
                                                                 tmp_path: Path) -> None:
    """L001's January batch as a laptop on quality rounds v4 sends it: T1 and T2 per visit, no values, no
    period: it merges, and charges January (v4's rule), not March."""
    earlier = load_checklist(V4)
    digest = content_hash(earlier)

    def on_v4(data: dict) -> None:
        for record in data["inspections"]:
            if record["checklist"]["checklist_id"] != ROUNDS:
                continue  # the canteen inspection stays on its own checklist
            record["checklist"] = {"content_hash": digest, "checklist_id": ROUNDS, "version": 4,
                                   "body": earlier.model_dump(mode="json")}
            record["inspection"].update(checklist_hash=digest, checklist_version=4)
            record["measurements"] = []
            for deduction in record["deductions"]:
                deduction.update(period=None, local_month="2026-01")

    with Workspace.open(hospital["laptops"][0]) as ws:
        older = resigned(ws, hospital["bundles"][0], tmp_path, on_v4)
    central = open_central(default_url(tmp_path / "central"))
    try:
        assert merge_files(central, [older], [load_office_certificate(hospital["office"])], tmp_path / "files").clean
        january, march = central_summary(central, "2026-01"), central_summary(central, "2026-03")
        assert (_row(january, "W-REG").own_points, _row(january, "W-ADM").own_points) == (2.0, 2.0)
        assert march.total_points == 0.0
    finally:
        central.close()


@pytest.mark.parametrize("forge", ["a month for a quarterly rule", "another landing month", "a value's month"])
def test_a_period_the_rule_does_not_keep_is_quarantined(hospital: dict, forge: str, english: None,
                                                        tmp_path: Path) -> None:
    def edit(data: dict) -> None:
        record = next(r for r in data["inspections"] if any(d["item_code"] == "T1" for d in r["deductions"]))
        t1 = next(d for d in record["deductions"] if d["item_code"] == "T1")
        if forge == "a month for a quarterly rule":
            t1.update(period="2026-01", local_month="2026-01")
        elif forge == "another landing month":
            t1["local_month"] = "2026-01"  # Q1 counts in March, whatever month it was recorded in
        else:
            record["measurements"][0]["period"] = "2026-01"

    with Workspace.open(hospital["laptops"][0]) as ws:
        bad = resigned(ws, hospital["bundles"][0], tmp_path, edit)
    central = open_central(default_url(tmp_path / "central"))
    try:
        [outcome] = merge_files(central, [bad], [load_office_certificate(hospital["office"])], tmp_path / "files").refused
        assert outcome.reason_code == "bad_points" and "quarter" in outcome.message, outcome
    finally:
        central.close()
