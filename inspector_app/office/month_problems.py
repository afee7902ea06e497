"""The bulletin's most frequent problems and typical cases of one month, grouped by the database.

core/documents/bulletin_data.py is the rule (problem_counts, typical_cases over the month's entries); a year
of synthetic central data has 778,000 entries in a month, too many to hand to Python one by one. So the
database groups them by department, checklist snapshot and item (occurrences, points) and names each group's
best case, the entry that typical_cases would meet first in it: most points, then a note, then the earliest
day (department and item are the group's own), among the entries typical_cases would not skip. Python then
adds the groups up per item (problem_counts' figures) and runs typical_cases itself over those few best
entries, which gives its answer over all of them: a group's first entry in its order is the group's best.
tests/office/test_bulletin.py compares both with the rule over every entry, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, String, func, literal, select
from sqlalchemy.orm import Session

from inspector_app.core.documents.bulletin_data import (
    TOP_CASES,
    Case,
    ItemCount,
    MonthEntry,
    typical_cases,
)
from inspector_app.core.merge import models as m
from inspector_app.office.month_rows import month_scale, visits_of

D, I, S = m.Deduction, m.Inspection, m.ChecklistSnapshot
# what str.strip() strips: a note of only these is no note (typical_cases' `not note.strip()`)
WHITESPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())


def _blank(session: Session) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        return func.btrim(D.note, literal(WHITESPACE, String)) == ""
    return func.trim(D.note, literal(WHITESPACE, String)) == ""


def problems_and_cases(session: Session, month: str, live: list[Any], text_of: Callable[[str, str], str],
                       entries: Callable[[list[str]], list[MonthEntry]],
                       kept: tuple[list[Group], list[str]] | None = None) -> tuple[list[ItemCount], list[Case]]:
    """(problem_counts, typical_cases) of the month's entries matching `live`; `text_of(digest, code)`: an
    item's text; `entries(ids)`: those entries as the narrative reads them; `kept`: the groups and the chosen
    entries as a close kept them (grouped_problems), instead of grouping the entries again."""
    groups, chosen = kept if kept is not None else grouped_problems(session, month, live)
    return _problems(session, groups, text_of), typical_cases(entries(chosen))


def grouped_problems(session: Session, month: str, live: list[Any]) -> tuple[list[Group], list[str]]:
    """The month's entries matching `live` grouped (Group), and the entries that may be typical cases (the
    best of each chosen group): what the bulletin's problems and cases are worked out from, in any language."""
    month_scale(session)
    visits = (select(I.id, I.checklist_hash, func.coalesce(I.payload["local_date"].as_string(), "").label("day"))
              .where(visits_of(session, month)).subquery())
    v = visits.c
    blank = _blank(session)
    day = v.day.collate("C") if session.get_bind().dialect.name == "postgresql" else v.day
    groups = [Group(*row) for row in session.execute(  # a hash of a few thousand groups: no sort
        select(D.department_id, v.checklist_hash, D.item_code, D.points, blank.label("blank"), func.sum(D.count),
               func.sum(D.points), func.min(day))
        .join(visits, v.id == D.inspection_id).where(*live)
        .group_by(D.department_id, v.checklist_hash, D.item_code, D.points, blank))]
    chosen = []
    for group in _best_groups(session, groups):
        chosen += session.scalars(
            select(D.id).join(visits, v.id == D.inspection_id)
            .where(*live, D.department_id == group.department, v.checklist_hash == group.digest,
                   D.item_code == group.code, D.points == group.points, blank == group.blank, v.day == group.day)
            .order_by(D.id).limit(1))
    return groups, chosen


class Group(NamedTuple):
    """The month's entries of one department, checklist snapshot and item with the same points and note
    (blank or not): how many, and their earliest day."""

    department: str
    digest: str
    code: str
    points: float
    blank: bool
    count: int
    points_sum: float
    day: str

    def order(self) -> tuple[float, bool, str]:
        """typical_cases' order of its entries (less department and item)."""
        return -self.points, bool(self.blank), self.day or ""


def _best_groups(session: Session, groups: list[Group]) -> list[Group]:
    """The groups whose first entry typical_cases takes: per department (by name) and item, the first group
    in its order that it does not skip (no points and no note); the first TOP_CASES of those in its order."""
    names = dict(session.execute(select(m.Department.id, m.Department.name)).all())
    best: dict[tuple[str, str], Group] = {}
    for group in groups:
        if group.points <= 0 and group.blank:
            continue
        key = (names.get(group.department, group.department), group.code)
        if key not in best or group.order() < best[key].order():
            best[key] = group
    ranked = sorted(best.items(), key=lambda kv: (kv[1].order(), kv[0]))
    return [group for _, group in ranked[:TOP_CASES]]


def _problems(session: Session, groups: list[Group], text_of: Callable[[str, str], str]) -> list[ItemCount]:
    """problem_counts' rows from the groups: per checklist and item, its occurrences, the departments that
    had it, its points and text; most occurrences first."""
    checklists = dict(session.execute(select(S.id, S.checklist_id)).all())
    names = dict(session.execute(select(m.Department.id, m.Department.name)).all())
    items: dict[tuple[str, str], list[Any]] = {}
    for group in sorted(groups, key=lambda g: (g.digest, g.department, g.code)):
        item = items.setdefault((checklists.get(group.digest, ""), group.code), [0, set(), 0.0, ""])
        item[0] += int(group.count)
        item[1].add(names.get(group.department, group.department))
        item[2] += float(group.points_sum or 0)
        item[3] = item[3] or text_of(group.digest, group.code)
    found = [ItemCount(code, text, occurrences, len(departments), round(points, 2))
             for (_, code), (occurrences, departments, points, text) in items.items()]
    found.sort(key=lambda i: (-i.occurrences, -i.departments, i.item_code, i.item_text))  # problem_counts' order
    return found
