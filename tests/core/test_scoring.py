"""Scoring rules as properties: order independence, caps, the head multiplier, scored mode, voided entries."""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.scoring import ScoreEntry, clamp_percent, entry_points, score_inspection
from inspector_app.core.summary import monthly_summary
from tests.helpers.fixtures import ASSESSMENT, FAST, ItemSpec, build_checklist, local_time, open_demo_workspace

# Point values that are exact in binary, so sums in any order are equal to the last bit.
POINTS = st.sampled_from([0.5, 1.0, 2.0, 3.0, 5.0, 15.0])
TARGETS = ["t1", "t2", "t3"]


@st.composite
def checklists(draw, mode: str | None = None):  # noqa: ANN001, ANN201
    mode = mode or draw(st.sampled_from(["tally", "scored"]))
    specs = []
    for index in range(draw(st.integers(1, 4))):
        points = draw(POINTS)
        cap = draw(st.one_of(st.none(), st.sampled_from([1, 2, 4]).map(lambda k, p=points: p * k)))
        specs.append(ItemSpec(f"I{index}", points, draw(st.sampled_from(["person", "department"])), cap))
    base = draw(st.sampled_from([60.0, 100.0]))
    return build_checklist(specs, mode=mode, base_score=base, pass_score=draw(st.sampled_from([0.0, 50.0, base])),
                           head_multiplier=draw(st.sampled_from([None, 2.0])) if mode == "scored" else 2.0)


@st.composite
def scored_entries(draw, checklist):  # noqa: ANN001, ANN201
    """Entries as scoring sees them: points computed by entry_points, so heads are doubled as in recording."""
    entries = []
    for _ in range(draw(st.integers(0, 12))):
        item = draw(st.sampled_from(checklist.items()))
        count = draw(st.integers(1, 5))
        is_head = draw(st.booleans())
        points = entry_points(checklist, item, count, item.charge_to.value, is_head).points
        entries.append(ScoreEntry(item.code, item.charge_to.value, draw(st.sampled_from(TARGETS)), points))
    return entries


@st.composite
def checklist_and_entries(draw, mode: str | None = None):  # noqa: ANN001, ANN201
    checklist = draw(checklists(mode))
    return checklist, draw(scored_entries(checklist))


def _expected_total(checklist, entries, per_target: bool) -> float:  # noqa: ANN001
    raw: dict[tuple, float] = defaultdict(float)
    for entry in entries:
        key = (entry.item_code, entry.charged_to, entry.target_id) if per_target else (entry.item_code,)
        raw[key] += entry.points
    caps = {item.code: item.cap for item in checklist.items()}
    return sum(min(value, caps[key[0]]) if caps[key[0]] is not None else value for key, value in raw.items())


# -- order ---------------------------------------------------------------------------------------------------
@pytest.mark.undated
@FAST
@given(data=checklist_and_entries(), seed=st.randoms(use_true_random=False))
def test_totals_do_not_depend_on_entry_order(data, seed):
    checklist, entries = data
    shuffled = list(entries)
    seed.shuffle(shuffled)
    first, second = score_inspection(checklist, entries), score_inspection(checklist, shuffled)
    assert first.total == second.total
    assert first.targets == second.targets
    assert {k: (v.raw, v.counted) for k, v in first.items.items()} == \
           {k: (v.raw, v.counted) for k, v in second.items.items()}
    assert (first.score, first.passed) == (second.score, second.passed)


# -- caps ----------------------------------------------------------------------------------------------------
@pytest.mark.undated
@FAST
@given(data=checklist_and_entries("tally"))
def test_tally_caps_hold_per_item_and_target(data):
    checklist, entries = data
    result = score_inspection(checklist, entries)
    assert result.total == pytest.approx(_expected_total(checklist, entries, per_target=True))
    for item in checklist.items():
        own = [e for e in entries if e.item_code == item.code]
        if not own:
            assert item.code not in result.items
            continue
        assert result.items[item.code].counted <= result.items[item.code].raw
        if item.cap is None:
            assert result.items[item.code].counted == result.items[item.code].raw
            continue
        alone = score_inspection(checklist, own)  # this item only: what each target is charged for it
        assert all(points <= item.cap for points in alone.targets.values())
        assert result.items[item.code].counted <= item.cap * len(alone.targets)
    assert sum(result.targets.values()) == pytest.approx(result.total)
    assert result.pay_percent_per_point == 1.0
    assert result.score is None and result.passed is None


@pytest.mark.undated
@FAST
@given(data=checklist_and_entries("scored"))
def test_scored_caps_hold_per_item(data):
    checklist, entries = data
    result = score_inspection(checklist, entries)
    for item in checklist.items():
        if item.cap is not None and item.code in result.items:
            assert result.items[item.code].counted <= item.cap
    assert result.total == pytest.approx(_expected_total(checklist, entries, per_target=False))


def test_tally_cap_is_per_target_not_per_item():
    checklist = build_checklist([ItemSpec("S1", 1.0, "person", cap=2.0)])
    entries = [ScoreEntry("S1", "person", "a", 1.0)] * 3 + [ScoreEntry("S1", "person", "b", 1.0)] * 3
    result = score_inspection(checklist, entries)
    assert result.targets == {("person", "a"): 2.0, ("person", "b"): 2.0}
    assert (result.items["S1"].raw, result.items["S1"].counted, result.items["S1"].capped) == (6.0, 4.0, True)
    assert result.total == 4.0


def test_scored_cap_is_per_item():
    checklist = build_checklist([ItemSpec("S1", 1.0, "person", cap=2.0)], mode="scored", base_score=10,
                                pass_score=9)
    entries = [ScoreEntry("S1", "person", "a", 1.0)] * 3 + [ScoreEntry("S1", "person", "b", 1.0)] * 3
    result = score_inspection(checklist, entries)
    assert (result.total, result.score, result.passed) == (2.0, 8.0, False)


# -- head multiplier -----------------------------------------------------------------------------------------
@FAST
@given(points=POINTS, count=st.integers(1, 99), is_head=st.booleans(), charge=st.sampled_from(["person", "department"]))
def test_head_multiplier_applies_exactly_once(points, count, is_head, charge):
    checklist = build_checklist([ItemSpec("X", points, charge)], head_multiplier=2.0)
    item = checklist.item("X")
    result = entry_points(checklist, item, count, charge, is_head)
    doubled = is_head and charge == "person"  # department-charged entries are never multiplied
    assert result.points_each == points
    assert result.multiplier == (2.0 if doubled else 1.0)
    assert result.points == points * count * (2 if doubled else 1)
    assert result.points != points * count * 4


@FAST
@given(points=POINTS, count=st.integers(1, 99))
def test_head_multiplier_is_one_when_the_checklist_has_none(points, count):
    checklist = build_checklist([ItemSpec("X", points)], mode="scored", head_multiplier=None)
    result = entry_points(checklist, checklist.item("X"), count, "person", True)
    assert (result.multiplier, result.points) == (1.0, points * count)


# -- scored mode ---------------------------------------------------------------------------------------------
@pytest.mark.undated
@FAST
@given(data=checklist_and_entries("scored"))
def test_scored_score_is_base_minus_capped_total_never_negative(data):
    checklist, entries = data
    result = score_inspection(checklist, entries)
    base = checklist.scoring.base_score.value
    pass_line = checklist.scoring.pass_score.value
    assert result.score == pytest.approx(max(0.0, base - result.total))
    assert result.score >= 0
    assert result.passed is (result.score >= pass_line)
    assert result.targets == {}


def test_empty_scored_inspection_gets_the_base_score():
    checklist = build_checklist([ItemSpec("X", 5.0)], mode="scored", base_score=100, pass_score=90)
    result = score_inspection(checklist, [])
    assert (result.total, result.score, result.passed) == (0.0, 100.0, True)


def test_pass_line_is_inclusive():
    checklist = build_checklist([ItemSpec("X", 10.0)], mode="scored", base_score=100, pass_score=90)
    assert score_inspection(checklist, [ScoreEntry("X", "person", "a", 10.0)]).passed is True
    assert score_inspection(checklist, [ScoreEntry("X", "person", "a", 10.5)]).passed is False


# -- pay percentage -----------------------------------------------------------------------------------------
@FAST
@given(percent=st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_clamp_percent_never_exceeds_100(percent):
    clamped = clamp_percent(percent)
    assert 0 <= clamped <= 100
    if percent <= 100:
        assert clamped == pytest.approx(percent, abs=1e-4)
    else:
        assert clamped == 100


def test_float_sums_are_rounded():
    checklist = build_checklist([ItemSpec("X", 0.1, "department")])
    result = score_inspection(checklist, [ScoreEntry("X", "department", "d", 0.1)] * 3)
    assert result.total == 0.3


# -- voided entries never count (a real store, one month per example) ---------------------------------------
@pytest.fixture(scope="module")
def shared_demo_workspace(tmp_path_factory):
    ws = open_demo_workspace(tmp_path_factory.mktemp("scoring") / "data")
    yield ws
    ws.close()


_MONTHS = itertools.count(2001)
# A1 is a monthly rule (counted once a month: tests/core/test_monthly_rules.py), A7 the complaint register's;
# these add up entry by entry
ENTRY = st.tuples(st.sampled_from(["A3", "A2", "A4", "A8"]), st.sampled_from([None, "1001", "1002", "1011"]),
                  st.integers(1, 3), st.booleans())


@pytest.mark.undated
@settings(FAST, max_examples=15)
@given(entries=st.lists(ENTRY, min_size=1, max_size=6))
def test_voided_entries_never_count(shared_demo_workspace, entries):
    ws = shared_demo_workspace
    recorder = Recorder(ws, actor="property")
    year = next(_MONTHS)  # a month of its own for each example
    when = local_time(year, 6, 15, 10)
    inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "测试督查员", started_at=when))
    checklist = ws.checklist_by_hash(inspection.checklist_hash)
    expected_total = 0.0
    expected_people: dict[str, float] = defaultdict(float)
    for code, staff_no, count, void in entries:
        people = [staff_no] if staff_no else []
        [entry] = recorder.record(inspection.id, NewDeduction(code, people, count=count, recorded_at=when))
        if void:
            recorder.void(entry, "property test")
            continue
        is_head = staff_no == "1001" and bool(people)
        points = entry_points(checklist, checklist.item(code), count, "person" if people else "department",
                              is_head).points
        expected_total += points
        if people:
            expected_people[staff_no] += points
    recorder.finish(inspection.id)

    summary = monthly_summary(ws, f"{year}-06")
    assert summary.total_points == pytest.approx(expected_total)
    persons = {p.staff_no: p.points for p in summary.persons}
    assert persons == pytest.approx(dict(expected_people))
    live = [e for e in entries if not e[3]]
    assert summary.occurrences == sum(e[2] for e in live)
