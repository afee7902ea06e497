"""Grading one attempt against a scenario's answer key.

Scoring rule (0–100): every expected deduction weighs the same (a scenario whose key is empty counts as one
expected "no deduction" the trainee gets right unless they deduct something):

- right (item, person/department and count match): credit 1;
- partially right (right item and target, wrong count): credit min(counts) / max(counts);
- wrong person (right item, another target): credit 0.5;
- missed: credit 0;
- a stated `points` figure that differs from the rules (e.g. head ×2 forgotten) halves that line's credit;
- each wrongly deducted entry (not in the key) takes away 0.5.

score = 100 × max(0, Σ credit − 0.5 × wrong) / max(1, number expected), rounded to 1 decimal.
Points are always computed by the checklist rules (head multiplier included), never trusted from the trainee.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, fields
from enum import Enum

from inspector_app.core.checklists.models import LocalText, SourceRef
from inspector_app.core.scoring import ROUND
from inspector_app.core.training.models import Attempt, RecordedDeduction
from inspector_app.core.training.packs import Pack, check_attempt_pack, rule_points

WRONG_PERSON_CREDIT = 0.5
WRONG_POINTS_FACTOR = 0.5
WRONG_DEDUCTION_PENALTY = 0.5


class Status(str, Enum):
    RIGHT = "right"
    PARTIAL = "partial"  # right item and target, wrong count
    WRONG_PERSON = "wrong_person"
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
    points_right: bool  # False only when the trainee wrote a points figure the rules do not give
    why: LocalText
    clause: SourceRef | None


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


def _merged(deductions: list[RecordedDeduction]) -> dict[tuple[str, str], tuple[int, float | None]]:
    """Same item and target written twice is one deduction with the counts (and stated points) added."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    stated: dict[tuple[str, str], list[float | None]] = defaultdict(list)
    for entry in deductions:
        counts[(entry.item, entry.charged_to)] += entry.count
        stated[(entry.item, entry.charged_to)].append(entry.points)
    return {key: (count, None if None in stated[key] else sum(p for p in stated[key] if p is not None))
            for key, count in counts.items()}


def grade(pack: Pack, scenario_id: str, attempt: Attempt) -> Grade:
    """Compare an attempt with the key of one scenario (see the module docstring for the score)."""
    check_attempt_pack(pack, attempt)
    scenario = pack.scenario(scenario_id)
    entries = _merged(attempt.deductions)
    used: set[tuple[str, str]] = set()
    results: list[ExpectedResult] = []
    for expected in scenario.expected:
        key = (expected.item, expected.charged_to)
        match = key if key in entries else None
        if match is None:  # same item, another target the key does not list for this item
            listed = {(e.item, e.charged_to) for e in scenario.expected}
            match = next((k for k in entries if k[0] == expected.item and k not in used and k not in listed), None)
        if match is None:
            results.append(ExpectedResult(expected.item, expected.charged_to, expected.count, expected.points,
                                          Status.MISSED, 0.0, None, 0, 0.0, None, True, expected.why,
                                          expected.source))
            continue
        used.add(match)
        count, stated = entries[match]
        points = rule_points(pack.checklist, scenario, match[0], match[1], count) or 0.0
        if match != key:
            status, credit = Status.WRONG_PERSON, WRONG_PERSON_CREDIT
        elif count == expected.count:
            status, credit = Status.RIGHT, 1.0
        else:
            status, credit = Status.PARTIAL, min(count, expected.count) / max(count, expected.count)
        points_right = stated is None or abs(stated - points) < 1e-9
        if not points_right:
            credit *= WRONG_POINTS_FACTOR
        results.append(ExpectedResult(expected.item, expected.charged_to, expected.count, expected.points, status,
                                      round(credit, ROUND), match[1], count, points, stated, points_right,
                                      expected.why, expected.source))
    wrong = [WrongDeduction(item, target, count, rule_points(pack.checklist, scenario, item, target, count))
             for (item, target), (count, _) in entries.items() if (item, target) not in used]
    trainee_points = sum(r.trainee_points for r in results) + sum(w.points or 0.0 for w in wrong)
    stated_points = sum(r.stated_points if r.stated_points is not None else r.trainee_points for r in results)
    stated_points += sum(entries[(w.item, w.charged_to)][1] or w.points or 0.0 for w in wrong)
    units = max(1, len(results))
    credit = sum(r.credit for r in results) if results else 1.0
    score = 100.0 * max(0.0, credit - WRONG_DEDUCTION_PENALTY * len(wrong)) / units
    return Grade(attempt.trainee, pack.id, scenario.id, results, wrong, round(trainee_points, ROUND),
                 round(stated_points, ROUND), round(sum(e.points for e in scenario.expected), ROUND),
                 round(min(100.0, score), 1))
