"""The monthly summary over a hand-built store with known entries, and its export formats."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from inspector_app.core.errors import InputError
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.summary import monthly_summary, parse_month
from inspector_app.core.summary_export import FORMATS, render, write_xlsx
from tests.helpers.fixtures import ASSESSMENT, local_time, open_demo_workspace

DAILY = "svc-001-daily"  # tally, S1: 1 point, cap 2 per person and inspection
SCORED = "svc-000-model-window"  # scored: base 100, pass 90; W1 15 (cap 15, department), S1 2 (cap 4, person)


@pytest.fixture(scope="module")
def store(tmp_path_factory, bundled_library):
    """One store, several months, every entry known (times in China Standard Time)."""
    ws = open_demo_workspace(tmp_path_factory.mktemp("summary") / "data")
    recorder = Recorder(ws, actor="tester")

    def start(department, day, checklist=ASSESSMENT, **fields):  # noqa: ANN001, ANN202
        return recorder.start(NewInspection(checklist, department, "测试督查员", started_at=day, **fields),
                              bundled_library.get(checklist))

    def rec(inspection, item, staff=(), count=1, at=None):  # noqa: ANN001, ANN202
        return recorder.record(inspection.id, NewDeduction(item, list(staff), count=count,
                                                           recorded_at=at or inspection.started_at))

    march = local_time(2024, 3, 12, 9)
    # 2024-03 — I1: W-REG, finished
    i1 = start("W-REG", march)
    rec(i1, "A2", ["1002"], count=2)  # 1002: 2
    rec(i1, "A4", ["1001"])  # 1001 is W-REG's head: 2 × 2 = 4
    rec(i1, "A1")  # W-REG itself: 2
    [voided] = rec(i1, "A3", ["1003"])  # voided: never counts
    recorder.void(voided, "记错了")
    rec(i1, "A5", ["1004"], at=local_time(2024, 4, 1, 0, 30))  # 00:30 on 1 April in China: April, not March
    recorder.finish(i1.id)
    # I2: W-ADM, finished
    i2 = start("W-ADM", local_time(2024, 3, 20, 14))
    rec(i2, "A2", ["1011"], count=2)  # 1011: 2 (ties with 1002)
    rec(i2, "A3", ["1012"])  # 1012: 1
    rec(i2, "A1", count=2)  # W-ADM itself: 4
    recorder.finish(i2.id)
    # I3: a draft (not finished) — excluded
    i3 = start("W-REG", local_time(2024, 3, 25, 9))
    rec(i3, "A8", ["1002"])
    # I4: training — excluded
    i4 = start("W-REG", local_time(2024, 3, 26, 9), training=True)
    rec(i4, "A8", ["1003"])
    recorder.finish(i4.id)

    # 2024-02 — another month
    i5 = start("W-REG", local_time(2024, 2, 10, 9))
    rec(i5, "A8", ["1005"])
    recorder.finish(i5.id)

    # 2024-05 — more than 100 points: pay is capped at 100%
    i6 = start("W-REG", local_time(2024, 5, 8, 9))
    rec(i6, "A8", ["1001"], count=11)  # 5 × 11 × 2 = 110
    rec(i6, "A8", count=24)  # 5 × 24 = 120 for the department (no person named)
    recorder.finish(i6.id)

    # 2024-06 — caps (svc-001-daily S1: 1 point, cap 2 per person per inspection)
    i7 = start("W-REG", local_time(2024, 6, 3, 9), DAILY)
    rec(i7, "S1", ["1002"], count=2)
    rec(i7, "S1", ["1002"], count=2)  # 1002 raw 4 → 2 in this inspection
    rec(i7, "S1", ["1003"])  # 1003: 1
    recorder.finish(i7.id)
    i8 = start("W-REG", local_time(2024, 6, 17, 9), DAILY)
    rec(i8, "S1", ["1002"], count=3)  # raw 3 → 2 (a new inspection, a new cap)
    recorder.finish(i8.id)

    # 2024-07 — scored (base 100, pass 90)
    i9 = start("W-INS", local_time(2024, 7, 2, 9), SCORED)
    rec(i9, "W1")
    rec(i9, "W1")  # 30 raw, capped at 15 → 85: failed
    recorder.finish(i9.id)
    i10 = start("W-INS", local_time(2024, 7, 9, 9), SCORED)
    rec(i10, "S1", ["1017"])  # 2 → 98: passed
    recorder.finish(i10.id)

    # 2024-08 — inspections with nothing to deduct
    i11 = start("W-INS", local_time(2024, 8, 2, 9), SCORED)
    rec(i11, "W1")  # 85
    recorder.finish(i11.id)
    i12 = start("W-INS", local_time(2024, 8, 9, 9), SCORED)  # clean: 100
    recorder.finish(i12.id)
    i13 = start("W-SVC", local_time(2024, 8, 9, 15))  # a clean tally inspection
    recorder.finish(i13.id)
    yield ws
    ws.close()


def _people(summary):  # noqa: ANN001, ANN202
    return {p.staff_no: p for p in summary.persons}


def _departments(summary):  # noqa: ANN001, ANN202
    return {d.code: d for d in summary.departments}


# -- March ---------------------------------------------------------------------------------------------------
def test_person_points_and_pay(store):
    people = _people(monthly_summary(store, "2024-03"))
    assert {no: p.points for no, p in people.items()} == {"1001": 4.0, "1002": 2.0, "1011": 2.0, "1012": 1.0}
    assert {no: p.pay_percent for no, p in people.items()} == {"1001": 4.0, "1002": 2.0, "1011": 2.0, "1012": 1.0}
    assert {no: p.occurrences for no, p in people.items()} == {"1001": 1, "1002": 2, "1011": 2, "1012": 1}
    assert people["1001"].is_head and not people["1002"].is_head
    assert people["1001"].department == "挂号收费窗口"
    assert people["1011"].department == "出入院办理窗口"


def test_person_ranking_shares_ranks_on_ties(store):
    summary = monthly_summary(store, "2024-03")
    assert [(p.staff_no, p.rank) for p in summary.persons] == [("1001", 1), ("1002", 2), ("1011", 2), ("1012", 4)]


def test_department_points(store):
    departments = _departments(monthly_summary(store, "2024-03"))
    reg, adm = departments["W-REG"], departments["W-ADM"]
    assert (reg.own_points, reg.staff_points, reg.total_points, reg.pay_percent) == (2.0, 6.0, 8.0, 2.0)
    assert (reg.inspections, reg.occurrences) == (1, 4)
    assert (adm.own_points, adm.staff_points, adm.total_points, adm.pay_percent) == (4.0, 3.0, 7.0, 4.0)
    assert (adm.inspections, adm.occurrences) == (1, 5)
    others = [d for code, d in departments.items() if code not in ("W-REG", "W-ADM")]
    assert others and all(d.total_points == 0 and d.inspections == 0 for d in others)


def test_department_ranking_fewest_points_first_ties_share(store):
    summary = monthly_summary(store, "2024-03")
    ranks = {d.code: d.rank for d in summary.departments}
    assert ranks["W-ADM"] == 1 and ranks["W-REG"] == 2  # 7 points before 8
    # nobody inspected the others this month: unranked (0), listed after the ranked ones
    assert {rank for code, rank in ranks.items() if code not in ("W-REG", "W-ADM")} == {0}
    assert [d.code for d in summary.departments[:2]] == ["W-ADM", "W-REG"]


def test_month_totals_exclude_drafts_training_voided_and_other_months(store):
    summary = monthly_summary(store, "2024-03")
    assert (summary.inspections, summary.occurrences, summary.total_points) == (2, 9, 15.0)
    people = _people(summary)
    assert "1003" not in people  # voided in I1, training in I4
    assert "1004" not in people  # recorded in April (local time)
    assert people["1002"].points == 2.0  # I3's A8 (draft) does not count


def test_other_months_have_their_own_entries(store):
    february = monthly_summary(store, "2024-02")
    assert {p.staff_no: p.points for p in february.persons} == {"1005": 5.0}
    april = monthly_summary(store, "2024-04")
    assert {p.staff_no: p.points for p in april.persons} == {"1004": 3.0}
    assert april.inspections == 0  # the visit began in March: it counts there, its April entry in April
    empty = monthly_summary(store, "2023-12")
    assert (empty.inspections, empty.total_points, empty.persons) == (0, 0.0, [])
    assert all(d.rank == 0 for d in empty.departments)


def test_pay_percent_is_at_most_100(store):
    summary = monthly_summary(store, "2024-05")
    head = _people(summary)["1001"]
    assert (head.points, head.pay_percent) == (110.0, 100.0)
    reg = _departments(summary)["W-REG"]
    assert (reg.own_points, reg.pay_percent, reg.total_points) == (120.0, 100.0, 230.0)


def test_caps_apply_per_person_and_inspection(store):
    summary = monthly_summary(store, "2024-06")
    people = _people(summary)
    assert {no: p.points for no, p in people.items()} == {"1002": 4.0, "1003": 1.0}
    assert people["1002"].occurrences == 7  # occurrences are not capped, points are
    assert _departments(summary)["W-REG"].staff_points == 5.0
    assert summary.total_points == 5.0


def test_scored_checklists_give_average_score_and_failures(store):
    ins = _departments(monthly_summary(store, "2024-07"))["W-INS"]
    assert (ins.scored_inspections, ins.average_score, ins.failed, ins.inspections) == (2, 91.5, 1, 2)


def test_inspections_without_deductions_still_count(store):
    summary = monthly_summary(store, "2024-08")
    departments = _departments(summary)
    ins = departments["W-INS"]
    assert (ins.scored_inspections, ins.average_score, ins.failed, ins.inspections) == (2, 92.5, 1, 2)
    assert departments["W-SVC"].inspections == 1
    assert summary.inspections == 3


def test_month_is_validated_and_normalised(store):
    assert parse_month("2024-3") == "2024-03"
    for bad in ("2024-13", "March", "2024/03", ""):
        with pytest.raises(InputError):
            monthly_summary(store, bad)


# -- exports -------------------------------------------------------------------------------------------------
DEPARTMENT_NUMBERS = slice(3, 9)  # inspections, occurrences, own, staff, total, pay


def _expected(summary):  # noqa: ANN001, ANN202
    departments = {d.code: [d.inspections, d.occurrences, d.own_points, d.staff_points, d.total_points,
                            d.pay_percent] for d in summary.departments}
    persons = {p.staff_no: [p.rank, p.occurrences, p.points, p.pay_percent] for p in summary.persons}
    return departments, persons


def _floats(values) -> list[float]:  # noqa: ANN001
    return [float(v) for v in values]


@pytest.fixture(scope="module")
def march(store):
    return monthly_summary(store, "2024-03")


def test_formats_are_the_four_documented_ones():
    assert FORMATS == ("table", "json", "csv", "xlsx")


def test_json_export_has_the_same_numbers(march):
    data = json.loads(render(march, "json"))
    assert data["month"] == "2024-03"
    assert (data["inspections"], data["occurrences"], data["total_points"]) == (2, 9, 15.0)
    departments, persons = _expected(march)
    assert {d["code"]: [d["inspections"], d["occurrences"], d["own_points"], d["staff_points"], d["total_points"],
                        d["pay_percent"]] for d in data["departments"]} == departments
    assert {p["staff_no"]: [p["rank"], p["occurrences"], p["points"], p["pay_percent"]]
            for p in data["persons"]} == persons


def test_csv_export_has_the_same_numbers(march):
    rows = list(csv.reader(io.StringIO(render(march, "csv"))))
    ends = [i for i, row in enumerate(rows) if not row] + [len(rows)]
    starts = [0] + [end + 1 for end in ends[:-1]]
    # four sections, each titled (with the month) over its header: points ranking, score ranking, idle, staff
    assert [rows[start][1] for start in starts] == ["2024-03"] * 4
    points, scores, idle, person_rows = (rows[start + 2:end] for start, end in zip(starts, ends))
    departments, persons = _expected(march)
    assert {r[1]: _floats(r[DEPARTMENT_NUMBERS]) for r in points} == {c: departments[c] for c in ("W-ADM", "W-REG")}
    assert [r[0] for r in points] == ["1", "2"] and scores == []  # no scored checklist in March
    assert {r[0] for r in idle} == set(departments) - {"W-ADM", "W-REG"}
    assert {r[1]: _floats([r[0], r[5], r[6], r[7]]) for r in person_rows} == persons


def test_xlsx_export_has_the_same_numbers(march, tmp_path):
    path = tmp_path / "summary.xlsx"
    write_xlsx(march, path)
    book = load_workbook(path, read_only=True)
    point_sheet, score_sheet, idle_sheet, person_sheet = book.worksheets
    department_rows = list(point_sheet.iter_rows(min_row=2, values_only=True))
    score_rows = list(score_sheet.iter_rows(min_row=2, values_only=True))
    idle_rows = list(idle_sheet.iter_rows(min_row=2, values_only=True))
    person_rows = list(person_sheet.iter_rows(min_row=2, values_only=True))
    book.close()
    departments, persons = _expected(march)
    assert {r[1]: list(r[DEPARTMENT_NUMBERS]) for r in department_rows} == {
        c: departments[c] for c in ("W-ADM", "W-REG")}
    assert score_rows == [] and {r[0] for r in idle_rows} == set(departments) - {"W-ADM", "W-REG"}
    assert {r[1]: [r[0], r[5], r[6], r[7]] for r in person_rows} == persons


def test_table_export_has_the_same_numbers(march):
    text = render(march, "table")
    assert "2024-03" in text.splitlines()[0]
    departments, persons = _expected(march)
    lines = text.splitlines()
    for code in ("W-REG", "W-ADM"):
        [line] = [line for line in lines if f"  {code}  " in line]
        cells = line.split()
        assert _floats(cells[DEPARTMENT_NUMBERS]) == departments[code]
    for staff_no, (rank, occurrences, points, pay) in persons.items():
        [line] = [line for line in lines if f"  {staff_no}  " in line]
        cells = line.split()
        assert _floats([cells[0], *cells[-3:]]) == [rank, occurrences, points, pay]


def test_table_export_in_english_has_english_headings(march, english):
    text = render(march, "table")
    assert text.startswith("Monthly summary 2024-03: 2 inspections, 9 occurrences, 15 points")
    assert "Points ranking (tally checklists)" in text and "Staff with deductions" in text
    assert "No department was inspected with a scored checklist this month." in text
