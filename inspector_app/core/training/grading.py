"""Grading one attempt against a scenario's answer key.

Scoring rule (0–100): every expected deduction weighs the same (a scenario whose key is empty counts as one
expected "no deduction" the trainee gets right unless they deduct something):

- right (item, person/department and count match, and so do the points): credit 1;
- partially right (right item and target, wrong count): credit min(counts) / max(counts);
- wrong person (right item, another target): credit 0.5;
- wrong points (right item and target, but the points are not the key's: a stated figure the rules do not give,
  e.g. head ×2 forgotten, or a measured value whose shortfall gives other points): that line's credit halved;
- wrong result (a measured line whose value passes where the key's fails, or the other way): credit 0;
- missed: credit 0;
- each wrongly deducted entry (not in the key) takes away 0.5; a measured value that passes and is not in the
  key deducts nothing and is not held against the trainee.

A line counts as right only when its points are right. Measured lines (a value typed, 学习 1 次 of 2, 满意度 87%)
are graded by pass or fail and points; findings without points (不扣分，限期整改) deduct 0 and are right when
the item and target are. score = 100 × max(0, Σ credit − 0.5 × wrong) / max(1, number expected), rounded to 1
decimal. Points are always computed by the checklist rules (scoring module, head multiplier included), never
trusted from the trainee; `Grade` carries both totals, the key's and the trainee's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, fields
from enum import Enum

from inspector_app.core.checklists.models import LocalText, SourceRef
from inspector_app.core.errors import InputError
from inspector_app.core.scoring import ROUND
from inspector_app.core.training.models import (
    Attempt,
    ExpectedDeduction,
    RecordedDeduction,
    Scenario,
)
from inspector_app.core.training.packs import (
    LinePoints,
    Pack,
    check_attempt_pack,
    line_points,
)

WRONG_PERSON_CREDIT = 0.5
WRONG_POINTS_FACTOR = 0.5
WRONG_DEDUCTION_PENALTY = 0.5


class Status(str, Enum):
    RIGHT = "right"
    PARTIAL = "partial"  # right item and target, wrong count
    WRONG_PERSON = "wrong_person"
    WRONG_POINTS = "wrong_points"  # right item and target, points not the key's
    WRONG_RESULT = "wrong_result"  # a measured value graded pass where the key's fails, or the other way
    MISSED = "missed"


@dataclass(frozen=True)
class ExpectedResult:
    item: str
    charged_to: str
    count: int
    points: float  # the key's points
    status: Status
    credit: float
    trainee_charged_to: str | None  # who the trainee charged (differs when wrong_person)
    trainee_count: int
    trainee_points: float  # what the trainee's matching entry deducts by the rules
    stated_points: float | None  # what the trainee wrote, when they did
    points_right: bool  # False when the trainee's points (written, or by the rules) are not the key's
    why: LocalText
    clause: SourceRef | None
    values: dict[int, float] | None = None  # a measured line: the key's values …
    passed: bool | None = None  # … and whether they pass
    trainee_values: dict[int, float] | None = None
    trainee_passed: bool | None = None


@dataclass(frozen=True)
class WrongDeduction:
    """An entry not in the key: counted against the trainee. points is None when item or target is unknown."""

    item: str
    charged_to: str
    count: int
    points: float | None


@dataclass
class Grade:
    trainee: str
    pack: str
    scenario: str
    expected: list[ExpectedResult]
    wrong: list[WrongDeduction]
    trainee_points: float  # the trainee's entries, by the checklist rules
    stated_points: float  # the trainee's own figures (rule value where none was written)
    key_points: float
    score: float

    @property
    def difference(self) -> float:
        return round(self.trainee_points - self.key_points, ROUND)

    @property
    def stated_difference(self) -> float:
        return round(self.stated_points - self.key_points, ROUND)

    def to_json(self) -> dict:
        """Plain JSON data (for `training grade --format json`)."""
        expected = []
        for line in self.expected:
            data = {f.name: getattr(line, f.name) for f in fields(line)}
            data["status"] = line.status.value
            data["why"] = line.why.model_dump()
            data["clause"] = line.clause.model_dump() if line.clause else None
            expected.append(data)
        return {"trainee": self.trainee, "pack": self.pack, "scenario": self.scenario, "score": self.score,
                "trainee_points": self.trainee_points, "stated_points": self.stated_points,
                "key_points": self.key_points, "difference": self.difference,
                "stated_difference": self.stated_difference, "expected": expected,
                "wrong": [asdict(w) for w in self.wrong]}


@dataclass
class _Entry:
    count: int
    stated: float | None
    values: dict[int, float] | None


def _merged(deductions: list[RecordedDeduction]) -> dict[tuple[str, str], _Entry]:
    """Same item and target written twice is one deduction with the counts (and stated points) added; a measured
    value typed twice counts as the last one typed."""
    merged: dict[tuple[str, str], _Entry] = {}
    stated: dict[tuple[str, str], list[float | None]] = defaultdict(list)
    for entry in deductions:
        key = (entry.item, entry.charged_to)
        held = merged.setdefault(key, _Entry(0, None, None))
        held.count += entry.count
        if entry.values is not None:
            held.values = dict(entry.values)
        stated[key].append(entry.points)
    for key, held in merged.items():
        held.stated = None if None in stated[key] else sum(p for p in stated[key] if p is not None)
    return merged


def _trainee_line(pack: Pack, scenario: Scenario, key: tuple[str, str], entry: _Entry) -> LinePoints:
    """The trainee's line by the rules; values that do not fit the item deduct what the count gives."""
    try:
        return line_points(pack.checklist, scenario, key[0], key[1], entry.count, entry.values)
    except InputError:
        return line_points(pack.checklist, scenario, key[0], key[1], entry.count)


def _judged(expected: ExpectedDeduction, key_passed: bool | None, same_target: bool, mine: LinePoints,
            entry: _Entry) -> tuple[Status, float, bool]:
    """(status, credit, points right) of a matched line."""
    if not same_target:
        return Status.WRONG_PERSON, WRONG_PERSON_CREDIT, True
    points = mine.points or 0.0
    points_right = abs(points - expected.points) < 1e-9 and (entry.stated is None
                                                             or abs(entry.stated - expected.points) < 1e-9)
    if key_passed is not None:  # a measured line: pass or fail first, then the points
        if mine.passed is None and mine.points is not None and key_passed is False:
            mine_passed = False  # a count recorded for a failure: graded by its points
        else:
            mine_passed = mine.passed
        if mine_passed != key_passed:
            return Status.WRONG_RESULT, 0.0, points_right
        return (Status.RIGHT, 1.0, True) if points_right else (Status.WRONG_POINTS, WRONG_POINTS_FACTOR, False)
    if entry.count != expected.count:  # the count is wrong already: a written figure is held to the trainee's own
        own_right = entry.stated is None or abs(entry.stated - points) < 1e-9
        return Status.PARTIAL, min(entry.count, expected.count) / max(entry.count, expected.count), own_right
    if not points_right:
        return Status.WRONG_POINTS, WRONG_POINTS_FACTOR, False
    return Status.RIGHT, 1.0, True


def grade(pack: Pack, scenario_id: str, attempt: Attempt) -> Grade:
    """Compare an attempt with the key of one scenario (see the module docstring for the score)."""
    check_attempt_pack(pack, attempt)
    scenario = pack.scenario(scenario_id)
    entries = _merged(attempt.deductions)
    used: set[tuple[str, str]] = set()
    results: list[ExpectedResult] = []
    for expected in scenario.expected:
        key = (expected.item, expected.charged_to)
        key_passed = (line_points(pack.checklist, scenario, expected.item, expected.charged_to, expected.count,
                                  expected.values).passed if expected.values is not None else None)
        match = key if key in entries else None
        if match is None:  # same item, another target the key does not list for this item
            listed = {(e.item, e.charged_to) for e in scenario.expected}
            match = next((k for k in entries if k[0] == expected.item and k not in used and k not in listed), None)
        if match is None:
            results.append(ExpectedResult(expected.item, expected.charged_to, expected.count, expected.points,
                                          Status.MISSED, 0.0, None, 0, 0.0, None, True, expected.why,
                                          expected.source, expected.values, key_passed))
            continue
        used.add(match)
        entry = entries[match]
        mine = _trainee_line(pack, scenario, match, entry)
        status, credit, points_right = _judged(expected, key_passed, match == key, mine, entry)
        if status is Status.PARTIAL and not points_right:
            credit *= WRONG_POINTS_FACTOR
        results.append(ExpectedResult(expected.item, expected.charged_to, expected.count, expected.points, status,
                                      round(credit, ROUND), match[1], mine.count if entry.values else entry.count,
                                      mine.points or 0.0, entry.stated, points_right, expected.why,
                                      expected.source, expected.values, key_passed, entry.values, mine.passed))
    wrong = []
    for (item, target), entry in entries.items():
        if (item, target) in used:
            continue
        mine = _trainee_line(pack, scenario, (item, target), entry)
        if mine.passed:  # a value that meets the requirement, typed where the key has none: deducts nothing
            continue
        wrong.append(WrongDeduction(item, target, mine.count, mine.points))
    trainee_points = sum(r.trainee_points for r in results) + sum(w.points or 0.0 for w in wrong)
    stated_points = sum(r.stated_points if r.stated_points is not None else r.trainee_points for r in results)
    stated_points += sum(entries[(w.item, w.charged_to)].stated or w.points or 0.0 for w in wrong)
    units = max(1, len(results))
    credit = sum(r.credit for r in results) if results else 1.0
    score = 100.0 * max(0.0, credit - WRONG_DEDUCTION_PENALTY * len(wrong)) / units
    return Grade(attempt.trainee, pack.id, scenario.id, results, wrong, round(trainee_points, ROUND),
                 round(stated_points, ROUND), round(sum(e.points for e in scenario.expected), ROUND),
                 round(min(100.0, score), 1))
