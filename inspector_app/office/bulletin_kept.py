"""The bulletin's groupings of a month as its close kept them (month_closes.bulletin, c0013).

A month's repeat problems and its problems and typical cases are grouped from every entry of the month (and
of the look-back window): at a year's synthetic scale, 778,000 entries a month, that takes about eleven seconds.
Once the month is closed its entries never change (office/month.py), so the close keeps those groupings, in
no language (department codes, checklist snapshots, item codes, counts; the texts are looked up when printed),
and the closed month's bulletin reads them back: the bulletin issued for a closed month prints what the month
was when it closed, whatever arrives for earlier months later. A month closed before c0013 has none kept and
is grouped from its entries as before.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from inspector_app.core.merge import models as m
from inspector_app.office.month_problems import Group, grouped_problems
from inspector_app.office.month_repeats import ItemRepeat, month_repeats
from inspector_app.office.month_rows import live_entries


def bulletin_groupings(session: Session, month: str) -> dict[str, Any]:
    """What a close keeps: the month's repeat problems (ItemRepeat), its problem groups and chosen cases."""
    groups, chosen = grouped_problems(session, month, live_entries(session, month))
    return {"version": 1, "repeats": [asdict(r) for r in month_repeats(session, month, without_late_of=month)],
            "groups": [list(g) for g in groups], "chosen": chosen}


def _kept(session: Session, month: str) -> dict[str, Any] | None:
    close = session.get(m.MonthClose, month)
    kept = close.bulletin if close is not None else None
    return kept if isinstance(kept, dict) and kept.get("version") == 1 else None


def kept_repeats(session: Session, month: str) -> list[ItemRepeat] | None:
    """The closed month's repeat problems as kept; None when nothing was kept."""
    kept = _kept(session, month)
    if kept is None:
        return None
    return [ItemRepeat(**dict(r, persons=tuple(r["persons"]))) for r in kept["repeats"]]


def kept_problems(session: Session, month: str) -> tuple[list[Group], list[str]] | None:
    """The closed month's problem groups and chosen cases as kept; None when nothing was kept."""
    kept = _kept(session, month)
    if kept is None:
        return None
    return [Group(*g) for g in kept["groups"]], list(kept["chosen"])
