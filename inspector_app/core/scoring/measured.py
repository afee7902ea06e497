"""Measured requirements and monthly rules (issue #15, docs/scoring.md).

- A measured item (one with thresholds: 满意度 ≥ 90%, 危急值 ≤ 5 分钟, 每月学习 ≥ 2 次) takes measured values, one per
  threshold that applies (a hospital is 三级 or 二级, so an item may give two alternatives and only one is
  measured). The measurement passes when every value given holds.
- A failed measurement is one occurrence, or, for a per-shortfall rule (001 §四 第1条: 缺少一次扣科室 2 分), one per
  unit short of the threshold: at most the threshold's value, so a month can never give more than the rule can.
- A monthly rule (`period: month`) is about a department's month: however many inspectors record it, on however
  many laptops, the department is charged once for that month: the latest record counts and the others are
  superseded (a second record updates, never adds). `superseded` picks them, the same on a laptop and centrally.
  A quarterly or half-yearly rule (`period: quarter | half-year`) is the same over its quarter or half year, whose
  records all count in the period's last month (core/periods.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from inspector_app.core.checklists.models import Item
from inspector_app.core.errors import InputError
from inspector_app.core.i18n import language, tr, tr_lang

LARGEST = 1_000_000.0  # no measured value a hospital reports is larger (minutes in a month: 44,640)


@dataclass(frozen=True)
class Outcome:
    passed: bool
    occurrences: int  # 0 when passed
    failed: tuple[int, ...]  # the thresholds (by position) the values do not meet


def most_occurrences(item: Item) -> int:
    """The most occurrences one measurement (one month, for a monthly rule) can give."""
    if item.per_shortfall:
        return max(1, math.ceil(item.thresholds[0].value))
    return 1


def check_values(item: Item, values: Mapping[int, float]) -> dict[int, float]:
    """The values by threshold position, refused with a reason when they do not fit the item."""
    if not item.thresholds:
        raise InputError.single(tr("measured value"), tr("item {code} takes no measured value", code=item.code),
                                field="item")
    if not values:
        raise InputError.single(tr("measured value"), tr("give at least one measured value"), field="values")
    checked = {}
    for index, value in values.items():
        if not 0 <= index < len(item.thresholds):
            raise InputError.single(tr("measured value"), tr("item {code} has {n} measured values, not {index}",
                                                             code=item.code, n=len(item.thresholds),
                                                             index=index + 1), field="values")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                or not 0 <= value <= LARGEST:
            raise InputError.single(tr("measured value"), tr("a measured value is a number from 0 to {most:g}",
                                                             most=LARGEST), field="values")
        if item.thresholds[index].unit == "%" and value > 100:
            raise InputError.single(tr("measured value"), tr("a percentage is at most 100"), field="values")
        checked[index] = float(value)
    return checked


def measured_outcome(item: Item, values: Mapping[int, float]) -> Outcome:
    """Whether the values meet the item's thresholds, and how many occurrences a failure is."""
    values = check_values(item, values)
    failed = tuple(i for i, value in sorted(values.items()) if not item.thresholds[i].holds(value))
    if not failed:
        return Outcome(True, 0, ())
    if item.per_shortfall:
        threshold = item.thresholds[0]
        short = threshold.value - values[0] + (1 if threshold.op == ">" else 0)
        occurrences = min(most_occurrences(item), max(1, math.ceil(short)))
        return Outcome(False, occurrences, failed)
    return Outcome(False, 1, failed)


@dataclass(frozen=True)
class PeriodRecord:
    """One record of a monthly rule: a measured value, or an entry recorded without one."""

    id: str
    department_code: str
    checklist_id: str
    item_code: str
    period: str  # the period key: YYYY-MM, YYYY-Qn or YYYY-Hn
    recorded_at: datetime
    deduction_id: str | None  # the entry it charged; None: the value passed


def latest(records: Iterable[PeriodRecord]) -> dict[tuple[str, str, str, str], PeriodRecord]:
    """The record that counts for each (department, checklist, item, month): the latest recorded (ties: the
    larger id, so every laptop and the office agree)."""
    found: dict[tuple[str, str, str, str], PeriodRecord] = {}
    for record in records:
        key = (record.department_code, record.checklist_id, record.item_code, record.period)
        held = found.get(key)
        if held is None or (record.recorded_at, record.id) > (held.recorded_at, held.id):
            found[key] = record
    return found


def superseded(records: Iterable[PeriodRecord]) -> set[str]:
    """The entries that do not count: for each department, rule and month only the latest record does
    (`latest`), so a later passing value clears an earlier failure."""
    records = list(records)
    charged = {record.deduction_id for record in records if record.deduction_id is not None}
    return charged - {record.deduction_id for record in latest(records).values()}


def describe(item: Item, values: Mapping[int, float], lang: str | None = None) -> str:
    """测得 87%（要求 ≥ 90%）: what was measured against what is required, for the entry's note."""
    lang = lang or language()
    parts = []
    for index, value in sorted(values.items()):
        threshold = item.thresholds[index]
        parts.append(tr_lang(lang, "{metric}: measured {value}{unit} (required {op} {required}{required_unit})",
                             metric=threshold.metric.get(lang), value=f"{value:g}",
                             unit=threshold.unit_in(lang, value), required_unit=threshold.unit_in(lang, threshold.value),
                             op=threshold.op.replace(">=", "≥").replace("<=", "≤"),
                             required=f"{threshold.value:g}"))
    return ("；" if lang == "zh" else "; ").join(parts)
