"""Training drills: pack validation against the checklist rules, grading, kappa and calibration."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector_app.core.checklists.library import ChecklistLibrary
from inspector_app.core.errors import AppError, InputError
from inspector_app.core.paths import forms_dir
from inspector_app.core.scoring import entry_points
from inspector_app.core.scoring.measured import measured_outcome
from inspector_app.core.training import (
    DEPARTMENT,
    KEY,
    Attempt,
    Pack,
    Status,
    attempt_schema,
    calibrate,
    cohen_kappa,
    grade,
    load_attempts,
    load_pack,
    pack_files,
    pack_schema,
)

PACKS = forms_dir() / "training" / "scenarios"
PACK_001 = PACKS / "001-assessment.scenarios.json"


pytestmark = pytest.mark.usefixtures("english")



@pytest.fixture(scope="module")
def pack(training_library: ChecklistLibrary) -> Pack:
    return load_pack(PACK_001, training_library)


def attempt(scenario: str, *deductions: tuple, trainee: str = "新督查员", pack_id: str = "drill-001-assessment"
            ) -> Attempt:
    rows = [dict(zip(("item", "charged_to", "count", "points"), d)) for d in deductions]
    return Attempt(trainee=trainee, pack=pack_id, scenario=scenario, deductions=rows)


# ---- shipped packs -------------------------------------------------------------------------------------------

def test_every_shipped_pack_validates_and_matches_the_rules(training_library: ChecklistLibrary) -> None:
    files = pack_files(PACKS)
    assert len(files) >= 2
    total = 0
    items_used: dict[str, set[str]] = {}
    heads = measured = no_points = 0
    complaints: set[str | None] = set()
    for file in files:
        loaded = load_pack(file, training_library)
        checklist = training_library.get(loaded.data.checklist)
        for scenario in loaded.data.scenarios:
            total += 1
            complaints.add(scenario.complaint)
            assert scenario.scene.zh and scenario.scene.en and scenario.title.en
            for expected in scenario.expected:
                item = checklist.item(expected.item)
                who = next((p for p in scenario.people if p.staff_id == expected.charged_to), None)
                is_head = bool(who and who.is_head)
                heads += is_head and checklist.head_multiplier == 2
                kind = "department" if expected.charged_to == DEPARTMENT else "person"
                count = expected.count
                if expected.values is not None:  # a measured line: its occurrences follow from its values
                    outcome = measured_outcome(item, expected.values)
                    measured += 1
                    count = outcome.occurrences
                points = entry_points(checklist, item, count, kind, is_head).points if count else 0.0
                assert expected.points == points
                no_points += item.deducts is False
                assert expected.source == item.source  # the clause comes from the checklist
                items_used.setdefault(checklist.id, set()).add(item.code)
    assert total >= 15
    assert {f"A{n}" for n in range(1, 9)} <= items_used["svc-001-assessment"]
    assert len(items_used["svc-004-three-good"]) >= 3
    assert heads >= 2
    assert measured >= 3 and no_points >= 2 and {"pending", "verified", "unfounded"} <= complaints


def test_complaints_confirmed_and_unconfirmed(pack: Pack) -> None:
    assert [(e.item, e.points) for e in pack.scenario("a7-complaint-confirmed").expected] == [("A7", 5)]
    assert pack.scenario("a7-complaint-unconfirmed").expected == []


def test_packs_are_not_checklists(training_library: ChecklistLibrary) -> None:
    import argparse

    from inspector_app.cli.commands_forms import validate_forms

    assert not training_library.problems
    assert validate_forms(argparse.Namespace(paths=[str(forms_dir())])) == 0


def test_schemas_are_json() -> None:
    assert "scenarios" in json.loads(pack_schema())["properties"]
    assert "deductions" in json.loads(attempt_schema())["properties"]


# ---- broken packs ----------------------------------------------------------------------------------------------

def _broken(tmp_path: Path, change) -> Path:
    data = json.loads(PACK_001.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    change(data)
    path = tmp_path / "broken.scenarios.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _expected(data: dict, scenario_id: str) -> list[dict]:
    return next(s for s in data["scenarios"] if s["id"] == scenario_id)["expected"]


@pytest.mark.parametrize(("change", "field", "words"), [
    (lambda d: _expected(d, "a2-late")[0].update(item="Z9"), "expected.0.item", "Z9"),
    (lambda d: _expected(d, "a2-late")[0].update(points=3), "expected.0.points", "1"),
    (lambda d: _expected(d, "head-curt")[0].update(points=2), "expected.0.points", "×2"),
    (lambda d: _expected(d, "a2-late")[0].update(charged_to="T999"), "expected.0.charged_to", "T999"),
    (lambda d: _expected(d, "a1-study-records")[0].update(charged_to="T101"), "expected.0.charged_to", "department"),
    (lambda d: _expected(d, "a2-late")[0].update(count="twice"), "expected.0.count", "whole number"),
])
def test_broken_pack_names_file_scenario_and_field(tmp_path: Path, training_library: ChecklistLibrary, change, field: str,
                                                   words: str) -> None:
    path = _broken(tmp_path, change)
    with pytest.raises(InputError) as caught:
        load_pack(path, training_library)
    problem = caught.value.problems[0]
    assert problem.file == str(path) and problem.line
    assert problem.field.startswith("scenarios.") and problem.field.endswith(field)
    assert words in problem.reason


def test_broken_pack_reason_names_the_scenario(tmp_path: Path, training_library: ChecklistLibrary) -> None:
    path = _broken(tmp_path, lambda d: _expected(d, "head-curt")[0].update(points=2))
    with pytest.raises(InputError) as caught:
        load_pack(path, training_library)
    assert "head-curt" in str(caught.value)


def test_unknown_checklist_and_duplicate_ids(tmp_path: Path, training_library: ChecklistLibrary) -> None:
    with pytest.raises(InputError, match="checklist"):
        load_pack(_broken(tmp_path, lambda d: d.update(checklist="svc-nope")), training_library)

    def twice(d: dict) -> None:
        d["scenarios"][1]["id"] = d["scenarios"][0]["id"]
    with pytest.raises(InputError, match="twice"):
        load_pack(_broken(tmp_path, twice), training_library)


# ---- grading -----------------------------------------------------------------------------------------------------

def test_all_right_scores_100_and_cites_the_clause(pack: Pack) -> None:
    result = grade(pack, "a6-chatting-phone", attempt("a6-chatting-phone", ("A6", "T601"), ("A6", "T602")))
    assert result.score == 100 and result.difference == 0 and result.key_points == 6
    assert all(line.status is Status.RIGHT for line in result.expected)
    assert result.expected[0].clause.section == "四、考核 第6条"


def test_partial_credit_for_count(pack: Pack) -> None:
    result = grade(pack, "a1-no-study-at-all", attempt("a1-no-study-at-all", ("A1", "department", 1)))
    assert result.expected[0].status is Status.PARTIAL
    assert result.score == 50 and result.trainee_points == 2 and result.difference == -2


def test_wrong_person(pack: Pack) -> None:
    result = grade(pack, "a2-late", attempt("a2-late", ("A2", "T202")))
    assert result.expected[0].status is Status.WRONG_PERSON and result.expected[0].trainee_charged_to == "T202"
    assert result.score == 50 and not result.wrong


def test_head_multiplier_forgotten(pack: Pack) -> None:
    result = grade(pack, "head-curt", attempt("head-curt", ("A4", "T1001", 1, 2)))
    line = result.expected[0]
    assert line.status is Status.WRONG_POINTS and not line.points_right  # right only when the points are
    assert (line.stated_points, line.trainee_points, line.points) == (2, 4, 4)
    assert result.stated_difference == -2 and result.difference == 0 and result.score == 50
    right = grade(pack, "head-curt", attempt("head-curt", ("A4", "T1001", 1, 4)))
    assert right.score == 100


def test_missed_and_wrongly_deducted(pack: Pack) -> None:
    result = grade(pack, "mixed-window", attempt("mixed-window", ("A6", "T1201"), ("A4", "T1202")))
    statuses = {line.item: line.status for line in result.expected}
    assert statuses == {"A6": Status.RIGHT, "A3": Status.MISSED, "A5": Status.MISSED}
    assert [(w.item, w.charged_to, w.points) for w in result.wrong] == [("A4", "T1202", 2)]
    assert result.trainee_points == 5 and result.key_points == 7 and result.difference == -2
    assert result.score == pytest.approx(100 * (1 - 0.5) / 3, abs=0.1)


def test_unconfirmed_complaint_expects_nothing(pack: Pack) -> None:
    assert grade(pack, "a7-complaint-unconfirmed", attempt("a7-complaint-unconfirmed")).score == 100
    result = grade(pack, "a7-complaint-unconfirmed", attempt("a7-complaint-unconfirmed", ("A7", "T801")))
    assert [w.item for w in result.wrong] == ["A7"] and result.score == 50 and result.difference == 5


def test_unknown_item_or_person_is_a_wrong_deduction(pack: Pack) -> None:
    result = grade(pack, "a2-late", attempt("a2-late", ("A2", "T201"), ("ZZ", "T201"), ("A3", "nobody")))
    assert result.expected[0].status is Status.RIGHT
    assert {(w.item, w.points) for w in result.wrong} == {("ZZ", None), ("A3", None)}


def test_attempt_for_another_pack_is_refused(pack: Pack) -> None:
    with pytest.raises(AppError):
        grade(pack, "a2-late", attempt("a2-late", pack_id="drill-other"))


def test_attempt_files_one_or_many(tmp_path: Path) -> None:
    one = {"trainee": "甲", "pack": "p", "scenario": "s", "deductions": [{"item": "A2", "charged_to": "T1"}]}
    (tmp_path / "one.json").write_text(json.dumps(one), encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps([one, one]), encoding="utf-8")
    assert len(load_attempts(tmp_path / "one.json")) == 1 and len(load_attempts(tmp_path / "many.json")) == 2
    (tmp_path / "bad.json").write_text(json.dumps([one, {**one, "deductions": [{"item": "A2"}]}]), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_attempts(tmp_path / "bad.json")
    assert caught.value.problems[0].field == "1.deductions.0.charged_to"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_attempts_never_crash(pack: Pack, data: st.DataObject) -> None:
    scenario = data.draw(st.sampled_from(pack.data.scenarios))
    targets = [p.staff_id for p in scenario.people] + [DEPARTMENT, "X1"]
    rows = data.draw(st.lists(st.tuples(st.sampled_from([f"A{n}" for n in range(1, 10)]), st.sampled_from(targets),
                                        st.integers(1, 5), st.none() | st.floats(0, 50)), max_size=6))
    result = grade(pack, scenario.id, attempt(scenario.id, *rows))
    assert 0 <= result.score <= 100
    assert len(result.expected) == len(scenario.expected)
    json.dumps(result.to_json(), ensure_ascii=False)


# ---- kappa and calibration ---------------------------------------------------------------------------------------

def test_kappa_textbook_example() -> None:
    # Wikipedia "Cohen's kappa": 50 proposals, both yes 20, A yes B no 5, A no B yes 10, both no 15 → κ = 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(a, a) == 1.0 and cohen_kappa([], []) is None
    assert cohen_kappa([True, True], [True, True]) == 1.0
    assert cohen_kappa([True, False], [False, True]) == pytest.approx(-1.0)


def test_calibrate_three_trainees(pack: Pack) -> None:
    scenarios = ["a2-late", "a6-chatting-phone", "a7-complaint-unconfirmed"]
    perfect = [attempt("a2-late", ("A2", "T201"), trainee="甲"),
               attempt("a6-chatting-phone", ("A6", "T601"), ("A6", "T602"), trainee="甲"),
               attempt("a7-complaint-unconfirmed", trainee="甲")]
    strict = [attempt("a2-late", ("A2", "T201"), ("A3", "T202"), trainee="乙"),
              attempt("a6-chatting-phone", ("A6", "T601"), trainee="乙"),
              attempt("a7-complaint-unconfirmed", ("A7", "T801"), trainee="乙")]
    lax = [attempt(s, trainee="丙") for s in scenarios]
    result = calibrate(pack, {"甲": perfect, "乙": strict, "丙": lax})
    # units: a2-late {A2, A3}, a6 {A6}, a7-unconfirmed {A7} = 4 decisions
    assert result.units == 4
    assert result.accuracy == {"甲": 1.0, "乙": 0.5, "丙": 0.5}
    assert result.scores["甲"] == 100 and result.scores["丙"] == pytest.approx(100 / 3, abs=0.1)
    assert result.kappa["甲"][KEY] == 1.0 and result.kappa[KEY]["甲"] == 1.0
    # key decisions: A2 yes, A3 no, A6 yes, A7 no; 乙: yes yes yes yes (κ 0); 丙: all no (κ 0)
    assert result.kappa["乙"][KEY] == pytest.approx(0.0) and result.kappa["丙"][KEY] == pytest.approx(0.0)
    assert result.kappa["乙"]["丙"] == pytest.approx(0.0)
    assert result.item_accuracy == {"A2": pytest.approx(2 / 3, abs=1e-4), "A3": pytest.approx(2 / 3, abs=1e-4),
                                    "A6": pytest.approx(2 / 3, abs=1e-4), "A7": pytest.approx(2 / 3, abs=1e-4)}
