"""Scoring rules, as pure functions over checklists and entries (no database, no Qt). docs/scoring.md says
them in words; the laptop's summary, the central database, every document and training use these functions.

- Points of one entry: points per occurrence × count × the head multiplier when the person charged is a
  department head (001 §四 第9条: 科室负责人双倍扣分). The multiplier applies once, to that entry only.
- Caps: an item's `cap` is the most it can deduct in one inspection — per person (or department) charged in
  tally mode, per item in scored mode. Caps apply to totals, never to the stored entries.
- Tally mode: monthly points → percentage of performance pay (001: 每分扣1%), at most 100%.
- Scored mode: base score minus capped deductions, never below 0; passed when score ≥ pass line. A scored
  checklist rates the department: its entries (also those naming a person) count 0 points towards anyone's
  monthly points and pay.
- Where a cap cuts a group, the points that count go to its entries in recording order (first entries first),
  so each entry carries its own counted points and counts in its own month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from inspector_app.core.checklists.models import (
    ChargeTo,
    Checklist,
    Item,
    ScoredScoring,
)

ROUND = 4  # points are kept to 4 decimals so float sums never show 0.30000000000000004


@dataclass(frozen=True)
class EntryPoints:
    points_each: float
    multiplier: float
    points: float


def entry_points(checklist: Checklist, item: Item, count: int, charged_to: str, is_head: bool) -> EntryPoints:
    """Points one entry deducts before caps."""
    multiplier = checklist.head_multiplier if (charged_to == ChargeTo.PERSON.value and is_head) else 1.0
    each = item.points_each  # 0 for a finding without points (不扣分，限期整改)
    return EntryPoints(each, multiplier, round(each * count * multiplier, ROUND))


@dataclass(frozen=True)
class ScoreEntry:
    """What scoring needs of one live (not voided) entry."""

    item_code: str
    charged_to: str  # 'person' | 'department'
    target_id: str  # staff id or department id
    points: float


@dataclass
class ItemTotal:
    raw: float = 0.0
    counted: float = 0.0

    @property
    def capped(self) -> bool:
        return self.counted < self.raw


@dataclass
class InspectionScore:
    total: float
    items: dict[str, ItemTotal]
    targets: dict[tuple[str, str], float]  # (charged_to, target_id) -> counted points
    score: float | None = None  # scored mode only
    passed: bool | None = None
    pay_percent_per_point: float | None = None  # tally mode only
    notes: list[str] = field(default_factory=list)


def is_scored(checklist: Checklist) -> bool:
    return isinstance(checklist.scoring, ScoredScoring)


def capped_points(checklist: Checklist, entries: Sequence[ScoreEntry]) -> list[float]:
    """Each entry's points after caps, entries in recording order: a cap's scope (item, or item and target in
    tally mode) gives its first entries their points until the cap is reached, the rest what is left (0)."""
    scored = is_scored(checklist)
    index = checklist.item_index()
    left: dict[tuple[str, str, str], float] = {}
    counted = []
    for entry in entries:
        item = index.get(entry.item_code)
        cap = item.cap if item is not None else None
        if cap is None:
            counted.append(entry.points)
            continue
        scope = (entry.item_code, "", "") if scored else (entry.item_code, entry.charged_to, entry.target_id)
        room = left.get(scope, cap)
        take = round(min(entry.points, room), ROUND)
        left[scope] = round(room - take, ROUND)
        counted.append(take)
    return counted


@dataclass(frozen=True)
class InspectionResult:
    """What one inspection's live entries count for, entry by entry (same order as given)."""

    scored: bool
    points: tuple[float, ...]  # towards monthly points and ranking; 0 for every entry of a scored checklist
    pay_percent: tuple[float, ...]  # share of pay each entry takes off the person or department charged
    score: float | None  # scored mode: base minus capped deductions, at least 0
    passed: bool | None


def inspection_result(checklist: Checklist, entries: Sequence[ScoreEntry]) -> InspectionResult:
    """The one place an inspection's entries become counted points, pay share and score (see the docstring)."""
    capped = capped_points(checklist, entries)
    if is_scored(checklist):
        assert isinstance(checklist.scoring, ScoredScoring)
        score = round(max(0.0, checklist.scoring.base_score.value - sum(capped)), ROUND)
        zeros = (0.0,) * len(capped)
        return InspectionResult(True, zeros, zeros, score, score >= checklist.scoring.pass_score.value)
    rate = checklist.scoring.pay_percent_per_point.value
    return InspectionResult(False, tuple(capped), tuple(round(p * rate, ROUND) for p in capped), None, None)


def score_inspection(checklist: Checklist, entries: Iterable[ScoreEntry]) -> InspectionScore:
    """Totals of one inspection with caps applied (per item, and per person or department charged), from the
    same per-entry capping as inspection_result."""
    entries = list(entries)
    scored = is_scored(checklist)
    items: dict[str, ItemTotal] = defaultdict(ItemTotal)
    targets: dict[tuple[str, str], float] = defaultdict(float)
    for entry, counted in zip(entries, capped_points(checklist, entries), strict=True):
        total = items[entry.item_code]
        total.raw = round(total.raw + entry.points, ROUND)
        total.counted = round(total.counted + counted, ROUND)
        if not scored:
            key = (entry.charged_to, entry.target_id)
            targets[key] = round(targets[key] + counted, ROUND)
    total_points = round(sum(t.counted for t in items.values()), ROUND)
    result = InspectionScore(total=total_points, items=dict(items), targets=dict(targets))
    if scored:
        assert isinstance(checklist.scoring, ScoredScoring)
        result.score = round(max(0.0, checklist.scoring.base_score.value - total_points), ROUND)
        result.passed = result.score >= checklist.scoring.pass_score.value
    else:
        result.pay_percent_per_point = checklist.scoring.pay_percent_per_point.value
    return result


def clamp_percent(percent: float) -> float:
    """Share of monthly performance pay withheld: points × the rate, summed per person, at most 100%."""
    return round(min(100.0, percent), ROUND)
