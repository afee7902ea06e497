"""Calibration: how well trainees agree with the key and with each other (Cohen's kappa).

Decisions are deduct / no-deduct per (scenario, item). For each scenario the items considered are those in
the key or deducted by any trainee, so agreement is not inflated by the dozens of items nobody would think of.
Pairs of trainees are compared over the scenarios both attempted; a trainee's last attempt at a scenario counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from inspector_app.core.training.grading import grade
from inspector_app.core.training.models import Attempt
from inspector_app.core.training.packs import Pack

KEY = "key"  # the name of the answer key in the kappa matrix


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """κ = (po − pe) / (1 − pe); 1.0 when both always chose the same single category; None with no data."""
    if len(a) != len(b):
        raise ValueError("ratings of different lengths")
    n = len(a)
    if n == 0:
        return None
    observed = sum(1 for x, y in zip(a, b) if x == y) / n
    count_a, count_b = Counter(a), Counter(b)
    chance = sum(count_a[c] * count_b[c] for c in set(count_a) | set(count_b)) / (n * n)
    if chance >= 1.0:
        return 1.0
    return (observed - chance) / (1.0 - chance)


@dataclass
class Calibration:
    pack: str
    scores: dict[str, float]  # trainee -> mean grade score
    accuracy: dict[str, float]  # trainee -> share of (scenario, item) decisions matching the key
    item_accuracy: dict[str, float]  # item -> share of decisions on it matching the key, all trainees
    kappa: dict[str, dict[str, float | None]]  # rater -> rater -> κ; raters are the trainees and "key"
    units: int = 0  # (scenario, item) decisions over the scenarios attempted
    attempted: dict[str, int] = field(default_factory=dict)  # trainee -> scenarios attempted


def _decisions(attempt: Attempt) -> set[str]:
    return {d.item for d in attempt.deductions}


def calibrate(pack: Pack, attempts_by_trainee: Mapping[str, Sequence[Attempt]]) -> Calibration:
    """Accuracy per trainee and per item, and κ for every pair of raters (trainees and the key)."""
    latest: dict[str, dict[str, Attempt]] = {}
    for trainee, attempts in attempts_by_trainee.items():
        latest[trainee] = {}
        for attempt in attempts:
            pack.scenario(attempt.scenario)  # unknown scenario: NotFoundError
            latest[trainee][attempt.scenario] = attempt
    key = {s.id: {e.item for e in s.expected} for s in pack.data.scenarios}
    universe: dict[str, set[str]] = {sid: set(items) for sid, items in key.items()}
    for by_scenario in latest.values():
        for sid, attempt in by_scenario.items():
            universe[sid] |= _decisions(attempt)
    attempted = {sid for by_scenario in latest.values() for sid in by_scenario}
    raters: dict[str, dict[str, set[str]]] = {KEY: key}
    raters.update({t: {sid: _decisions(a) for sid, a in s.items()} for t, s in latest.items()})

    def ratings(r1: str, r2: str) -> tuple[list[bool], list[bool], list[str]]:
        a: list[bool] = []
        b: list[bool] = []
        items: list[str] = []
        for sid in sorted(set(raters[r1]) & set(raters[r2])):
            for item in sorted(universe[sid]):
                a.append(item in raters[r1][sid])
                b.append(item in raters[r2][sid])
                items.append(item)
        return a, b, items

    kappa = {r1: {r2: cohen_kappa(*ratings(r1, r2)[:2]) for r2 in raters} for r1 in raters}
    accuracy: dict[str, float] = {}
    per_item: dict[str, list[bool]] = {}
    for trainee in latest:
        mine, theirs, items = ratings(trainee, KEY)
        if mine:
            accuracy[trainee] = round(sum(x == y for x, y in zip(mine, theirs)) / len(mine), 4)
        for x, y, item in zip(mine, theirs, items):
            per_item.setdefault(item, []).append(x == y)
    scores = {}
    for trainee, by_scenario in latest.items():
        grades = [grade(pack, sid, attempt).score for sid, attempt in by_scenario.items()]
        if grades:
            scores[trainee] = round(sum(grades) / len(grades), 1)
    return Calibration(pack.id, scores, accuracy,
                       {item: round(sum(v) / len(v), 4) for item, v in sorted(per_item.items())},
                       kappa, sum(len(universe[sid]) for sid in attempted),
                       {trainee: len(by_scenario) for trainee, by_scenario in latest.items()})
