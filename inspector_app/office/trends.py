"""Trends over the central database (issue #14 part 5): month over month per department, the most frequent
problems, and inspections per inspector per month.

A few grouped queries over the whole span of months at once, never one summary per month:
- departments: a closed month is its frozen summary (as closed, office/month.py: the bulletin's figures);
  the open months' deductions are grouped by (month, department, charged to), answered from the c0002/c0003
  index ix_deductions_month_department alone, and their inspections by (month, department, scored); each open
  month's groups go through the one scoring module's MonthTally, so points, averages and ranks are the central
  summary's (a department's people are added as one group per department: the staff table is unused), and a
  monthly rule's superseded records are taken out as the central summary takes them out;
- problems: live entries grouped by (checklist snapshot, item, department), the snapshot naming the item,
  over the last `problem_months` of the span (no index holds item_code: this one reads the rows);
- inspectors: inspections grouped by (month, 工号, name).
On PostgreSQL the transaction runs without JIT: compiling these few grouped queries cost more than it saved
(3.7 of 11.7 s for the problems of a quarter at 10 million deductions).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from inspector_app.core.checklists.models import Checklist
from inspector_app.core.errors import InputError
from inspector_app.core.i18n import tr
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB, without_jit
from inspector_app.core.merge.summary import superseded_entries
from inspector_app.core.scoring import MonthlySummary, MonthTally
from inspector_app.core.summary import parse_month

D, I = m.Deduction, m.Inspection
MAX_MONTHS = 36


@dataclass(frozen=True)
class DepartmentMonth:
    month: str
    inspections: int = 0
    occurrences: int = 0
    points: float = 0.0  # its own and its people's counted points
    own_points: float = 0.0
    staff_points: float = 0.0
    scored_inspections: int = 0
    average_score: float | None = None  # of scored checklists; None when none was used
    failed: int = 0
    rank: int = 0  # the month's points ranking (1 = fewest); 0: not in it


@dataclass(frozen=True)
class DepartmentTrend:
    code: str
    name: str
    kind: str
    months: list[DepartmentMonth]  # one per month of the span, oldest first

    @property
    def change(self) -> float:
        """Points in the last month minus the month before (negative: better)."""
        return round(self.months[-1].points - self.months[-2].points, 4) if len(self.months) > 1 else 0.0


@dataclass(frozen=True)
class Problem:
    checklist_id: str
    item_code: str
    text: str
    occurrences: int  # entries' counts added up
    entries: int
    departments: list[tuple[str, str, int]]  # (code, name, occurrences), most first


@dataclass(frozen=True)
class InspectorTrend:
    staff_no: str  # "" when the inspections carry no 工号
    name: str
    months: list[int]  # inspections per month of the span
    total: int


@dataclass(frozen=True)
class Trends:
    months: list[str]
    departments: list[DepartmentTrend]
    problems: list[Problem]
    inspectors: list[InspectorTrend]
    totals: list[DepartmentMonth] = field(default_factory=list)  # the hospital per month (no rank)
    problem_months: list[str] = field(default_factory=list)  # the months the problems were counted over

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for plain, trend in zip(data["departments"], self.departments, strict=True):
            plain["change"] = trend.change
        return data


def month_span(to: str, count: int) -> list[str]:
    """`count` months ending with `to`, oldest first."""
    if not 1 <= count <= MAX_MONTHS:
        raise InputError.single("--months", tr("the number of months is from 1 to {most}", most=MAX_MONTHS))
    year, month = map(int, parse_month(to).split("-"))
    index = year * 12 + month - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def latest_month(central: CentralDB) -> str | None:
    """The newest month any merged inspection belongs to (the default end of the span)."""
    with central.read() as session:
        return session.scalar(select(func.max(I.local_month)))


def _department_months(session: Session, months: list[str]) -> tuple[dict[str, tuple[str, str]], list]:
    names = {code: (name, kind) for code, name, kind in session.execute(
        select(m.Department.id, m.Department.name, m.Department.kind))}
    closed = {month: MonthlySummary.from_dict(summary) for month, summary in session.execute(
        select(m.MonthClose.month, m.MonthClose.summary).where(m.MonthClose.month.in_(months)))}
    months = [month for month in months if month not in closed]
    tallies = {month: MonthTally(month, "", names) for month in months}
    if not months:
        return names, list(closed.values())
    for month, code, scored, count, score_sum, failed in session.execute(
            select(I.local_month, I.department_id, I.scored, func.count(), func.sum(I.score),
                   func.sum(case((I.passed.is_(False), 1), else_=0)))
            .where(I.local_month.in_(months)).group_by(I.local_month, I.department_id, I.scored)):
        tallies[month].add_inspections(code, bool(scored), int(count), float(score_sum or 0), int(failed or 0))
    for month, code, charged_to, count, points, pay in session.execute(
            select(D.local_month, D.department_id, D.charged_to, func.sum(D.count), func.sum(D.counted_points),
                   func.sum(D.pay_percent))
            .where(D.local_month.in_(months), D.voided_at.is_(None))
            .group_by(D.local_month, D.department_id, D.charged_to)):
        person = f"dept:{code}" if charged_to == "person" else None  # the department's people, as one group
        tallies[month].add_entries(code, charged_to, person, int(count), float(points or 0), float(pay or 0))
    for month in months:  # a monthly rule's superseded records count nowhere, as in the central summary
        for row in superseded_entries(session, month):
            charged_to = "department" if row.staff_no is None else "person"
            tallies[month].withdraw_entries(row.department_id, charged_to,
                                            f"dept:{row.department_id}" if row.staff_no else None, int(row.count),
                                            float(row.counted_points), float(row.pay_percent))
    return names, sorted([*closed.values(), *(tallies[month].finish() for month in months)], key=lambda x: x.month)


def _figures(row: Any, month: str) -> DepartmentMonth:
    return DepartmentMonth(month, row.inspections, row.occurrences, row.total_points, row.own_points,
                           row.staff_points, row.scored_inspections, row.average_score, row.failed, row.rank)


def _problems(session: Session, months: list[str], top: int, names: dict[str, tuple[str, str]],
              lang: str) -> list[Problem]:
    grouped = session.execute(
        select(I.checklist_hash, D.item_code, D.department_id, func.sum(D.count), func.count())
        .join(I, I.id == D.inspection_id)
        .where(D.local_month.in_(months), D.voided_at.is_(None))
        .group_by(I.checklist_hash, D.item_code, D.department_id)).all()
    checklists: dict[str, Checklist | None] = {}
    for digest in {row[0] for row in grouped}:
        snapshot = session.get(m.ChecklistSnapshot, digest)
        try:
            checklists[digest] = Checklist.model_validate(snapshot.payload["body"]) if snapshot else None
        except (ValidationError, KeyError, TypeError):
            checklists[digest] = None
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for digest, code, department, occurrences, entries in grouped:
        checklist = checklists.get(digest)
        key = (checklist.id if checklist is not None else digest[:12], code)  # versions of a checklist together
        item = items.setdefault(key, {"text": "", "occurrences": 0, "entries": 0, "departments": defaultdict(int)})
        if checklist is not None and not item["text"]:
            try:
                item["text"] = checklist.item(code).text.get(lang)
            except KeyError:
                pass
        item["occurrences"] += int(occurrences)
        item["entries"] += int(entries)
        item["departments"][department] += int(occurrences)
    found = [Problem(cid, code, v["text"], v["occurrences"], v["entries"],
                     sorted(((d, names.get(d, (d, ""))[0], n) for d, n in v["departments"].items()),
                            key=lambda x: (-x[2], x[0])))
             for (cid, code), v in items.items()]
    found.sort(key=lambda p: (-p.occurrences, -len(p.departments), p.checklist_id, p.item_code))
    return found[:top]


def _inspectors(session: Session, months: list[str]) -> list[InspectorTrend]:
    per: dict[str, dict[str, Any]] = {}
    for month, number, name, count in session.execute(
            select(I.local_month, I.inspector_no, I.inspector_name, func.count())
            .where(I.local_month.in_(months)).group_by(I.local_month, I.inspector_no, I.inspector_name)):
        key = number or f"name:{name}"
        found = per.setdefault(key, {"staff_no": number or "", "name": name, "months": dict.fromkeys(months, 0)})
        found["name"] = max(found["name"], name) if number else name  # one name per 工号, whichever sorts last
        found["months"][month] += int(count)
    listed = [InspectorTrend(v["staff_no"], v["name"], [v["months"][mo] for mo in months],
                             sum(v["months"].values())) for v in per.values()]
    return sorted(listed, key=lambda t: (-t.total, t.staff_no, t.name))


def trends(central: CentralDB, months: int = 6, *, to: str | None = None, top: int = 10,
           problem_months: int | None = None, lang: str = "zh") -> Trends:
    """The `months` months ending with `to` (default: the newest month with a merged inspection); the problems
    over the last `problem_months` of them (default: all)."""
    end = to or latest_month(central)
    if end is None:
        return Trends([], [], [], [])
    span = month_span(end, months)
    problem_span = span[-min(problem_months or months, months):]
    with central.read() as session:
        without_jit(session)
        names, summaries = _department_months(session, span)
        problems = _problems(session, problem_span, top, names, lang)
        inspectors = _inspectors(session, span)
    seen = sorted({d.code for s in summaries for d in s.departments})
    rows = {(s.month, d.code): d for s in summaries for d in s.departments}
    departments = []
    for code in seen:
        name, kind = names.get(code, (code, ""))
        departments.append(DepartmentTrend(code, name, kind, [
            _figures(rows[(month, code)], month) if (month, code) in rows else DepartmentMonth(month)
            for month in span]))
    totals = [DepartmentMonth(s.month, s.inspections, s.occurrences, s.total_points) for s in summaries]
    return Trends(span, departments, problems, inspectors, totals, problem_span)
