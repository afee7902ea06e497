"""The bulletin's repeat problems of one month, grouped by the database (a year of central data: seconds).

core/repeats.py is the rule: a visit of the month repeats a key (department, checklist, item, person) when an
earlier visit of the look-back window found it. So only each key's FIRST visit matters, and the bulletin
prints sums: per key the month's visits and counts, the first visit's day (since), and per item the month's
visits that repeated it. The database hands those over grouped, never the entries themselves:

- the month: one row per key (its visits, their counts summed, the least start time and inspection id with
  that visit's count), and one per item (its distinct visits), from ix_deductions_repeat_key (c0010) alone;
- the earlier months, oldest first, one row per key (the least start time and inspection id), and only until
  every key of the month has its first visit: with every key found every month (the synthetic year), that is
  the window's first month alone. A visit of a later local month can start before one of an earlier month
  only within the widest UTC offset of the month's end, so a first visit that close to it is also compared
  with the next month's.

A visit is ordered as the rule orders it (start time, then inspection id), compared as fixed-width text.
tests/office/test_bulletin.py checks the rows equal core/repeats.py's, through bulletin_data.repeat_rows,
over every entry of the window, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    String,
    cast,
    distinct,
    exists,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from inspector_app.core.merge import models as m
from inspector_app.core.repeats import lookback
from inspector_app.office.month_rows import driver_rows, month_scale, visits_of

D, I, S = m.Deduction, m.Inspection, m.ChecklistSnapshot
ZONE_SPAN = timedelta(hours=14)  # the widest UTC offset
Key = tuple[str, str, str, str | None]  # department, checklist, item, person (None: the department)
Visit = tuple[str, str]  # (start time as fixed-width text, inspection id): the rule's order
SHIFT = 1 << 32  # a visit's number and its count in one integer (the number first: least is first)


@dataclass(frozen=True)
class ItemRepeat:
    """One bulletin row's figures: an item found again in the month in one department."""

    department: str
    checklist_id: str
    item_code: str
    persons: tuple[str, ...]  # names (or 工号) of the persons charged with it again; empty: the department
    occurrences: int  # counted on the month's repeat visits
    inspections: int  # the month's visits that found it again
    since: str  # local date of the first visit that found it (in the window)
    digest: str  # a checklist snapshot with the item (for its text)


def _visit_order(session: Session) -> ColumnElement[str]:
    """The rule's order of visits as text: start time (fixed width, UTC) and inspection id."""
    if session.get_bind().dialect.name == "postgresql":
        start = func.to_char(I.started_at, "YYYY-MM-DD HH24:MI:SS.US")
    else:  # SQLite keeps the time as this very text
        start = cast(I.started_at, String)
    return start + " " + I.id


def _split(value: str) -> Visit:
    return value[:26], value[27:].split(" ", 1)[0]


def _next_month_start(month: str) -> str:
    year, mo = map(int, month.split("-"))
    moment = datetime(year + mo // 12, mo % 12 + 1, 1, tzinfo=timezone.utc) - ZONE_SPAN
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def month_repeats(session: Session, month: str, *, without_late_of: str | None = None) -> list[ItemRepeat]:
    """The items `month`'s visits found again after an earlier visit of its look-back window (core/repeats.py),
    one per department and item; `without_late_of`: that month's entries merged after its close left out."""
    order = _visit_order(session)
    live = [D.local_month == month, D.voided_at.is_(None)]
    if without_late_of == month and session.scalar(select(exists().where(m.Adjustment.entry_month == month))):
        live.append(~exists().where(m.Adjustment.deduction_id == D.id))  # only a closed month has late ones
    name = func.coalesce(D.staff_name, "")
    if session.get_bind().dialect.name == "postgresql":
        name = func.coalesce(D.staff_name.collate("C"), "")  # Python's order of strings
    visits = (select(D.department_id.label("department"), D.item_code.label("item"), D.staff_no.label("staff"),
                     D.inspection_id.label("visit"), func.sum(D.count).label("count"), func.max(name).label("name"))
              .where(*live).group_by(D.department_id, D.item_code, D.staff_no, D.inspection_id).subquery())
    v = visits.c
    month_scale(session)
    inspections, orders = _ranked_visits(session, month, order)
    i = inspections.c
    joined = (select(v.department, i.checklist_id, v.item, v.staff, v.visit, v.count, v.name, i.rank,
                     i.checklist_hash).join(inspections, i.id == v.visit).cte("joined"))
    j = joined.c
    per_key = select(literal("key").label("kind"), j.department, j.checklist_id, j.item, j.staff,
                     func.count().label("visits"), func.sum(j.count).label("count"), func.max(j.name).label("text"),
                     func.min(j.rank * SHIFT + j.count).label("first")  # the first visit and its count at once
                     ).group_by(j.department, j.checklist_id, j.item, j.staff)
    per_item = select(literal("item"), j.department, j.checklist_id, j.item, null(),
                      func.count(distinct(j.visit)), literal(0), func.max(j.checklist_hash),
                      cast(literal(0), BigInteger)).group_by(j.department, j.checklist_id, j.item)
    keys: dict[Key, tuple[int, int, str, Visit, int]] = {}  # visits, count, name, first visit, its count
    items: dict[tuple[str, str, str], tuple[int, str]] = {}  # distinct visits, a snapshot with the item
    for kind, department, checklist, item, staff, visits, count, text, first in driver_rows(
            session, union_all(per_key, per_item)):
        if kind == "item":
            items[(department, checklist, item)] = (int(visits), text)
            continue
        rank, first_count = divmod(int(first), SHIFT)
        keys[(department, checklist, item, staff)] = (int(visits), int(count), text or "", orders[rank], first_count)
    earlier = _earlier_firsts(session, month, set(keys), order)
    return _rows(session, keys, items, earlier, live)


def _earlier_firsts(session: Session, month: str, keys: set[Key],
                    order: ColumnElement[str]) -> dict[Key, Visit]:
    """Each key's first visit in the window's months before `month`, read a month at a time, oldest first,
    until every key has one (and none is within the widest UTC offset of its month's end)."""
    first: dict[Key, Visit] = {}
    waiting: set[Key] = set(keys)
    near_end: set[Key] = set()
    for earlier in lookback(month)[:-1]:
        if not waiting and not near_end:
            break
        end = _next_month_start(earlier)
        improved = set()
        visits, orders = _ranked_visits(session, earlier, order)
        for department, checklist, item, staff, rank in driver_rows(
                session, select(D.department_id, visits.c.checklist_id, D.item_code, D.staff_no,
                                func.min(visits.c.rank).label("first"))
                .join(visits, visits.c.id == D.inspection_id)
                .where(D.local_month == earlier, D.voided_at.is_(None))
                .group_by(D.department_id, visits.c.checklist_id, D.item_code, D.staff_no)):
            key = (department, checklist, item, staff)
            found = orders[int(rank)]
            if key in waiting or (key in near_end and found < first[key]):
                first[key] = found
                waiting.discard(key)
                improved.add(key)
        near_end = {key for key in improved if first[key][0] >= end}
    return first


def _ranked_visits(session: Session, month: str, order: ColumnElement[str]) -> tuple[Any, dict[int, Visit]]:
    """The inspections `month`'s live entries belong to, numbered in the rule's order of visits (start time,
    then id, as Python compares them), with their checklist; and each number's visit. Entries are compared by
    these numbers, the visits' texts written once per visit, not once per entry."""
    key = I.id.collate("C") if session.get_bind().dialect.name == "postgresql" else I.id
    visits = (select(I.id, S.checklist_id, I.checklist_hash, order.label("visit_order"),
                     I.payload["local_date"].as_string().label("day"),
                     func.row_number().over(order_by=(I.started_at, key)).label("rank"))
              .join(S, S.id == I.checklist_hash).where(visits_of(session, month)).subquery())
    orders = {}
    days = session.info.setdefault("office_visit_days", {})  # for _days: the first visits' days, known
    for rank, text, day in driver_rows(session, select(visits.c.rank, visits.c.visit_order, visits.c.day)):
        orders[int(rank)] = visit = _split(text + " ")
        days[visit[1]] = day or ""
    return visits, orders


def _rows(session: Session, keys: dict[Key, tuple[int, int, str, Visit, int]],
          items: dict[tuple[str, str, str], tuple[int, str]], earlier: dict[Key, Visit],
          live: list) -> list[ItemRepeat]:
    """Per key: repeated at every visit of the month when an earlier one found it first, else at all but the
    month's first; per item: the month's visits less those that were the first visit of every key found there."""
    repeated: dict[tuple[str, str, str], list[tuple[Key, str, int, Visit]]] = {}
    first_here: dict[Key, str] = {}  # keys whose first visit is in the month: that visit's inspection
    for key, (visits, count, name, month_first, first_count) in keys.items():
        before = earlier.get(key)
        if before is not None and before < month_first:
            repeated.setdefault(key[:3], []).append((key, name, count, before))
        else:
            first_here[key] = month_first[1]
            if visits > 1:
                repeated.setdefault(key[:3], []).append((key, name, count - first_count, month_first))
    days = _days(session, {first[1] for group in repeated.values() for _, _, _, first in group})
    not_repeating = _first_only_visits(session, first_here, live,
                                       {key[:3] for key in first_here if key[:3] in repeated})
    rows = []
    for item, group in repeated.items():
        persons = tuple(sorted({name or key[3] or "" for key, name, _, _ in group if key[3] is not None}))
        visits, digest = items[item]
        rows.append(ItemRepeat(*item, persons, sum(g[2] for g in group), visits - not_repeating.get(item, 0),
                               min(days.get(g[3][1], "") for g in group), digest))
    return rows


def _days(session: Session, visits: set[str]) -> dict[str, str]:
    """The local date of each inspection (read out of its JSON by the database, with the visits numbered
    above, else here a thousand at a time)."""
    known = session.info.get("office_visit_days", {})
    found: dict[str, str] = {visit: known[visit] for visit in visits if visit in known}
    ids = sorted(visits - found.keys())
    for n in range(0, len(ids), 1000):
        found.update((row.id, row.day or "") for row in session.execute(
            select(I.id, I.payload["local_date"].as_string().label("day")).where(I.id.in_(ids[n:n + 1000]))))
    return found


def _first_only_visits(session: Session, first_here: dict[Key, str], live: list,
                       items: set[tuple[str, str, str]]) -> dict[tuple[str, str, str], int]:
    """Per item, the month's visits at which every key of the item found there was found for the first time:
    they repeat nothing. Read for the few visits that are a key's first in the month."""
    visits = {visit for key, visit in first_here.items() if key[:3] in items}
    if not visits:
        return {}
    at: dict[tuple[tuple[str, str, str], str], set[Key]] = {}
    ids = sorted(visits)
    for n in range(0, len(ids), 1000):
        for row in session.execute(
                select(D.department_id, S.checklist_id, D.item_code, D.staff_no, D.inspection_id).distinct()
                .join(I, I.id == D.inspection_id).join(S, S.id == I.checklist_hash)
                .where(*live, D.inspection_id.in_(ids[n:n + 1000]))):
            key = (row.department_id, row.checklist_id, row.item_code, row.staff_no)
            at.setdefault((key[:3], row.inspection_id), set()).add(key)
    found: dict[tuple[str, str, str], int] = {}
    for (item, visit), there in at.items():
        if item in items and all(first_here.get(key) == visit for key in there):
            found[item] = found.get(item, 0) + 1
    return found
