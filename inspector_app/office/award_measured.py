"""The evaluation rate and satisfaction of each department's months, as the quarterly selection reads them from
the central database (awards.py), and the entries a later record of a monthly rule superseded.

Each measured value an inspector recorded on an item the rate rule of award_rules picks (000 W2 每月接受评价率,
W3 当月满意度, …) is one record of its department's month; so is a finding on such an item recorded without a
value. The latest record of a department, item and month counts (scoring/measured.py `latest`, the rule the
monthly figures use), whichever laptop sent it; it meets the criterion at RATE_PERCENT or more (000: 90%以上),
whatever the item's own threshold. A month with no record is no evidence (awards.py says so, never a pass).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from inspector_app.core.merge import models as m
from inspector_app.core.merge.summary import superseded_entries
from inspector_app.core.periods import keys_covering, months_of
from inspector_app.core.scoring.measured import PeriodRecord, latest
from inspector_app.office.award_evidence import Snapshots, _inspector, _local_date
from inspector_app.office.award_rules import (
    RATE_PERCENT,
    RATES,
    Criterion,
    rate_position,
)


@dataclass(frozen=True)
class MonthValue:
    """The record that counts for one department, rate item and month."""

    month: str
    percent: float | None  # None: a finding on the item recorded without a value (below 90% by the inspector)
    date: str  # local date it was recorded
    inspector: str
    item_code: str
    checklist_id: str
    replaced: int = 0  # earlier records of the same month this one replaced

    @property
    def passed(self) -> bool:
        return self.percent is not None and self.percent >= RATE_PERCENT


@dataclass
class Rates:
    values: dict[tuple[str, Criterion, str], list[MonthValue]] = field(default_factory=dict)  # (department,
    # criterion, month) → the counting record of each rate item measured that month
    superseded: list[Any] = field(default_factory=list)  # superseded live entries of the quarter (summary rows)


def _rate_items(shots: Snapshots) -> dict[tuple[str, str], list[tuple[Criterion, int | None]]]:
    """(snapshot hash, item code) → the rate criteria it speaks to, each with its value's position."""
    found: dict[tuple[str, str], list[tuple[Criterion, int | None]]] = defaultdict(list)
    for criterion in RATES:
        for digest, codes in shots.flagged[criterion].items():
            for code in codes:
                found[(digest, code)].append((criterion, rate_position(shots.checklists[digest].item(code),
                                                                       criterion)))
    return found


def central_rates(session: Session, months: list[str], shots: Snapshots) -> Rates:
    """The quarter's rate records per department and month, the latest counting, and the superseded entries."""
    rates = Rates(superseded=[row for month in months for row in superseded_entries(session, month)])
    items = _rate_items(shots)
    if not items:
        return rates
    codes = sorted({code for _, code in items})
    keys = sorted({key for month in months for key in keys_covering(month)})  # a quarter's value speaks for
    # each of its months (2026-Q1 for 2026-01…03), a half year's for each of its six
    D, I, M = m.Deduction, m.Inspection, m.Measurement
    records: list[PeriodRecord] = []
    seen: dict[str, tuple[str, str, float | None, str, str, str]] = {}  # record id → (digest, code, …)
    with_value = set()
    for row in session.execute(
            select(M.id, M.department_id, M.item_code, M.period, M.values, M.recorded_at, M.deduction_id,
                   M.voided_at, M.payload, I.checklist_hash, I.inspector_name, I.inspector_no)
            .join(I, I.id == M.inspection_id).where(M.period.in_(keys), M.item_code.in_(codes))):
        with_value.add(row.deduction_id)
        if row.voided_at is not None or (row.checklist_hash, row.item_code) not in items:
            continue
        values = json.loads(row.values) if isinstance(row.values, str) else dict(row.values or {})
        checklist_id = shots.checklists[row.checklist_hash].id
        records.append(PeriodRecord(row.id, row.department_id, checklist_id, row.item_code, row.period,
                                    row.recorded_at, row.deduction_id))
        seen[row.id] = (row.checklist_hash, row.item_code, values, _local_date(row.payload, row.recorded_at),
                        _inspector(row.inspector_name, row.inspector_no), checklist_id)
    monthly = sorted({code for digest, code in items if shots.checklists[digest].item(code).period != "visit"})
    others = sorted({code for digest, code in items if shots.checklists[digest].item(code).period == "visit"})
    where = [D.period.in_(keys) & D.item_code.in_(monthly)] if monthly else []  # ix_deductions_period
    if others:  # an older version's item, not yet a monthly rule: its entries carry no month of their own
        where.append(D.period.is_(None) & D.local_month.in_(months) & D.item_code.in_(others))
    for row in session.execute(  # findings on a rate item with no value (typed as a count, or before values)
            select(D.id, D.department_id, D.item_code, D.period, D.local_month, D.recorded_at,
                   D.utc_offset_min.label("offset"), I.checklist_hash, I.inspector_name,
                   I.inspector_no)
            .join(I, I.id == D.inspection_id)
            .where(D.voided_at.is_(None), or_(*where))):
        if row.id in with_value or (row.checklist_hash, row.item_code) not in items:
            continue
        checklist_id = shots.checklists[row.checklist_hash].id
        records.append(PeriodRecord(row.id, row.department_id, checklist_id, row.item_code,
                                    row.period or row.local_month, row.recorded_at, row.id))
        seen[row.id] = (row.checklist_hash, row.item_code, None,
                        _local_date({"utc_offset_min": row.offset}, row.recorded_at),
                        _inspector(row.inspector_name, row.inspector_no), checklist_id)
    counts: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for record in records:
        counts[(record.department_code, record.checklist_id, record.item_code, record.period)] += 1
    for key, record in sorted(latest(records).items()):
        digest, code, values, day, inspector, checklist_id = seen[record.id]
        for criterion, position in items[(digest, code)]:
            percent = None
            if values is not None:
                if position is None or str(position) not in values:
                    continue  # this value is not the rate (an alternative threshold was measured)
                percent = float(values[str(position)])
            for month in months_of(record.period):
                if month in months:
                    rates.values.setdefault((record.department_code, criterion, month), []).append(
                        MonthValue(month, percent, day, inspector, code, checklist_id, counts[key] - 1))
    return rates
