"""Scoring rules, as pure functions over checklists and entries (no database, no Qt).

- Points of one entry: points per occurrence × count × the head multiplier when the person charged is a
  department head (001 §四 第9条: 科室负责人双倍扣分). The multiplier applies once, to that entry only.
- Caps: an item's `cap` is the most it can deduct in one inspection — per person (or department) charged in
  tally mode, per item in scored mode. Caps apply to totals, never to the stored entries.
- Tally mode: monthly points → percentage of performance pay (001: 每分扣1%), at most 100%.
- Scored mode: base score minus capped deductions, never below 0; passed when score ≥ pass line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
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
    return EntryPoints(item.points, multiplier, round(item.points * count * multiplier, ROUND))


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


def score_inspection(checklist: Checklist, entries: Iterable[ScoreEntry]) -> InspectionScore:
    """Totals of one inspection with caps applied."""
    scored = isinstance(checklist.scoring, ScoredScoring)
    caps = {item.code: item.cap for item in checklist.items()}
    # group raw points by cap scope: per item (scored) or per item and target (tally)
    groups: dict[tuple[str, str, str], float] = defaultdict(float)
    for entry in entries:
        scope = ("", "") if scored else (entry.charged_to, entry.target_id)
        groups[(entry.item_code, *scope)] += entry.points
    items: dict[str, ItemTotal] = defaultdict(ItemTotal)
    targets: dict[tuple[str, str], float] = defaultdict(float)
    for (code, charged_to, target_id), raw in groups.items():
        cap = caps.get(code)
        counted = min(raw, cap) if cap is not None else raw
        items[code].raw = round(items[code].raw + raw, ROUND)
        items[code].counted = round(items[code].counted + counted, ROUND)
        if not scored:
            targets[(charged_to, target_id)] = round(targets[(charged_to, target_id)] + counted, ROUND)
    total = round(sum(t.counted for t in items.values()), ROUND)
    result = InspectionScore(total=total, items=dict(items), targets=dict(targets))
    if scored:
        assert isinstance(checklist.scoring, ScoredScoring)
        result.score = round(max(0.0, checklist.scoring.base_score.value - total), ROUND)
        result.passed = result.score >= checklist.scoring.pass_score.value
    else:
        result.pay_percent_per_point = checklist.scoring.pay_percent_per_point.value
    return result


def clamp_percent(percent: float) -> float:
    """Share of monthly performance pay withheld: points × the rate, summed per person, at most 100%."""
    return round(min(100.0, percent), ROUND)
