"""Training speaks the standards' language (issue #15 item 7): measured values graded by pass or fail and points,
findings without points, complaints pending against verified; a line is right only when its points are; the grade
carries the key's and the trainee's totals. Points come from the one scoring module (scoring.entry_points and
scoring.measured), never from the trainee."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from inspector_app.core.checklists.library import ChecklistLibrary
from inspector_app.core.errors import InputError
from inspector_app.core.paths import forms_dir
from inspector_app.core.training import (
    DEPARTMENT,
    Attempt,
    Pack,
    RecordedDeduction,
    Status,
    grade,
    load_pack,
)

PACKS = forms_dir() / "training" / "scenarios"
ASSESSMENT, ROUNDS = "drill-001-assessment", "drill-quality-rounds"


pytestmark = pytest.mark.usefixtures("english")



@pytest.fixture(scope="module")
def packs(training_library: ChecklistLibrary) -> dict[str, Pack]:
    return {p.id: p for p in (load_pack(PACKS / "001-assessment.scenarios.json", training_library),
                              load_pack(PACKS / "000-004-quality-rounds.scenarios.json", training_library))}


def _try(pack: Pack, scenario: str, *lines: RecordedDeduction):  # noqa: ANN202
    return grade(pack, scenario, Attempt(trainee="新督查员", pack=pack.id, scenario=scenario, deductions=list(lines)))


def _line(item: str, target: str = DEPARTMENT, count: int = 1, values: dict | None = None,
          points: float | None = None) -> RecordedDeduction:
    return RecordedDeduction(item=item, charged_to=target, count=count, values=values, points=points)


# -- measured values ---------------------------------------------------------------------------------------------
def test_a_measured_value_is_graded_by_pass_or_fail_and_points(packs: dict[str, Pack]) -> None:
    pack = packs[ASSESSMENT]
    right = _try(pack, "a1-study-book-measured", _line("A1", values={0: 1}))  # 1 held of 2: fails, 2 points
    [line] = right.expected
    assert (line.status, line.passed, line.trainee_passed, line.trainee_points) == (Status.RIGHT, False, False, 2)
    assert (right.key_points, right.trainee_points, right.score) == (2, 2, 100)
    short = _try(pack, "a1-study-book-measured", _line("A1", values={0: 0}))  # fails too, but 2 missing: 4 points
    assert short.expected[0].status is Status.WRONG_POINTS and short.score == 50
    assert (short.key_points, short.trainee_points, short.difference) == (2, 4, 2)
    passed = _try(pack, "a1-study-book-measured", _line("A1", values={0: 2}))  # graded as passing: wrong
    assert passed.expected[0].status is Status.WRONG_RESULT and passed.score == 0 and passed.trainee_points == 0
    counted = _try(pack, "a1-study-book-measured", _line("A1"))  # a count instead of the value: same points
    assert counted.expected[0].status is Status.RIGHT


def test_a_passing_value_is_kept_and_deducts_nothing(packs: dict[str, Pack]) -> None:
    pack = packs[ASSESSMENT]
    right = _try(pack, "a1-study-book-complete", _line("A1", values={0: 2}))
    assert right.expected[0].status is Status.RIGHT and right.score == 100 and right.trainee_points == 0
    failed = _try(pack, "a1-study-book-complete", _line("A1", values={0: 1}))
    assert failed.expected[0].status is Status.WRONG_RESULT and failed.trainee_points == 2
    assert _try(pack, "a1-study-book-complete").expected[0].status is Status.MISSED
    elsewhere = _try(pack, "a2-late", _line("A2", "T201"), _line("A1", values={0: 3}))
    assert elsewhere.wrong == [] and elsewhere.score == 100  # a passing value the key lacks costs nothing


def test_a_measured_finding_without_points(packs: dict[str, Pack]) -> None:
    pack = packs[ROUNDS]
    right = _try(pack, "q1-supervision-checks", _line("Q1", values={0: 1}))
    line = right.expected[0]
    assert (line.status, line.passed, line.points, line.trainee_points) == (Status.RIGHT, False, 0, 0)
    assert _try(pack, "q1-supervision-checks", _line("Q1", values={0: 2})).expected[0].status is Status.WRONG_RESULT


# -- findings without points ---------------------------------------------------------------------------------------
def test_a_finding_without_points_charges_nobody(packs: dict[str, Pack]) -> None:
    pack = packs[ROUNDS]
    right = _try(pack, "k2-hazard-not-reported", _line("K2"))
    assert right.expected[0].status is Status.RIGHT and (right.key_points, right.trainee_points) == (0, 0)
    stated = _try(pack, "k2-hazard-not-reported", _line("K2", points=2))  # points where the source gives none
    assert stated.expected[0].status is Status.WRONG_POINTS and stated.score == 50
    both = _try(pack, "k3-procedure-not-displayed", _line("K3"), _line("K2"))
    assert both.expected[0].status is Status.RIGHT and [w.item for w in both.wrong] == ["K2"]
    assert both.wrong[0].points == 0 and both.trainee_points == both.key_points == 1


# -- complaints -------------------------------------------------------------------------------------------------
def test_only_a_verified_complaint_charges(packs: dict[str, Pack]) -> None:
    pack = packs[ASSESSMENT]
    assert pack.scenario("a7-complaint-confirmed").complaint == "verified"
    verified = _try(pack, "a7-complaint-confirmed", _line("A7", "T701", points=5))
    assert verified.expected[0].status is Status.RIGHT and verified.key_points == verified.trainee_points == 5
    pending = _try(pack, "a7-complaint-pending", _line("A7", "T901"))
    assert pending.expected == [] and [w.points for w in pending.wrong] == [5] and pending.score == 50
    assert _try(pack, "a7-complaint-pending").score == 100


def test_a_key_charging_an_unverified_complaint_is_refused(training_library: ChecklistLibrary, tmp_path: Path) -> None:
    data = json.loads((PACKS / "001-assessment.scenarios.json").read_text(encoding="utf-8"))
    bad = copy.deepcopy(data)
    scene = next(s for s in bad["scenarios"] if s["id"] == "a7-complaint-pending")
    scene["expected"] = [{"item": "A7", "charged_to": "T901", "points": 5, "why": {"zh": "错"}}]
    path = tmp_path / "bad.scenarios.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError, match="verified in the register"):
        load_pack(path, training_library)
    measured = copy.deepcopy(data)
    scene = next(s for s in measured["scenarios"] if s["id"] == "a1-study-book-measured")
    scene["expected"][0]["points"] = 4  # the value gives one missing session: 2 points
    path.write_text(json.dumps(measured, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError, match="give 2 point"):
        load_pack(path, training_library)
