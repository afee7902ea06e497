"""Corrections (更正) of a period rule in a closed month: the difference a later record makes, never its sum.

A period rule charges a department once per month, quarter or half year: the latest record counts
(scoring/measured.py). A late ordinary entry of a closed month is simply carried by the next month closed
(pay_list.py). A late record of a period rule is not: if the closed month counted record A and record B
arrives after the close, carrying B in full would charge the period twice. What the carrying month lists is
what changed: B's charge (+) and A's withdrawn (−); a later passing value only withdraws.

"What the closed month counted" is worked out from what had arrived by then: an entry merged after a close
has its Adjustment (found_at), a measured value its LateMeasurement (c0011). For a carrying month X and a
closed entry month E, the records known at the last close before X (E's own, or a month that carried E's
corrections since) are compared with those known at X's close (or now, while X is open).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.i18n import tr_lang
from inspector_app.core.merge import models as m
from inspector_app.core.merge.summary import period_records
from inspector_app.core.scoring.measured import PeriodRecord, superseded

Known = tuple[PeriodRecord, datetime | None]  # a record and when it arrived after its month's close (None: before)


def _counted(records: list[Known], entries: dict[str, datetime | None], by: datetime | None) -> set[str]:
    """The entries that count with what had arrived by `by` (None: everything so far)."""

    def known(found: datetime | None) -> bool:
        return found is None or by is None or found <= by

    losers = superseded(record for record, found in records if known(found))
    return {entry for entry, found in entries.items() if known(found)} - losers


def period_changes(session: Session, month: str, closed_at: datetime | None) -> tuple[set[str], set[str]]:
    """(entries to carry as charged, entries to carry as withdrawn) by `month` (closed at `closed_at`, or open:
    None) for the period rules of the closed months before it."""
    closes = dict(session.execute(select(m.MonthClose.month, m.MonthClose.closed_at)
                                  .where(m.MonthClose.month < month)).all())
    added: set[str] = set()
    withdrawn: set[str] = set()
    for entry_month in sorted(closes):
        records, rows = period_records(session, entry_month)
        entries = {row.id: row.found_at for row in rows}
        late = [found for _, found in records] + list(entries.values())
        before = max(at for closed, at in closes.items() if closed >= entry_month)
        if not any(found is not None and found > before and (closed_at is None or found <= closed_at)
                   for found in late):
            continue  # nothing of its period rules arrived in this month's window
        then, now = _counted(records, entries, before), _counted(records, entries, closed_at)
        added |= now - then
        withdrawn |= then - now
    return added, withdrawn


def withdrawn_line(line: Any, lang: str) -> Any:
    """A charge the closed month counted, taken back: the same line with its figures negated."""
    return replace(line, item_text=tr_lang(lang, "Withdrawn (a later record of the period replaces it): {item}",
                                           item=line.item_text),
                   count=-line.count, points=-line.points, pay_percent=-line.pay_percent)
