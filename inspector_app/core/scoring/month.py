"""A month's tables: per department and per person, pay share, and the two rankings (docs/scoring.md).

The laptop (core/summary.py) and the central database (core/merge/summary.py) feed the same `MonthTally`
with what they find — entry by entry on a laptop, already summed by SQL centrally — and `finish` rounds,
caps the pay share and ranks in one place, so both sides give the same month by construction.

Departments are keyed by their roster code and people by 工号, on every laptop and centrally. Rankings:
- tally checklists rank by points, fewest first (a department with problems never above one without);
- scored checklists rank by failed inspections, then average score (highest first);
- a department is in a ranking only when that kind of checklist was used on it (or its tally points came
  through its people) this month: one nobody visited is not praised with a first place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from inspector_app.core.scoring.rules import ROUND, clamp_percent


@dataclass
class PersonRow:
    staff_no: str
    name: str
    department: str  # name of the department the entries were charged to (code in department_code)
    is_head: bool
    occurrences: int = 0
    points: float = 0.0
    pay_percent: float = 0.0
    rank: int = 0  # 1 = most points deducted this month (the order the bulletin lists people in)
    department_code: str = ""


@dataclass
class DepartmentRow:
    code: str
    name: str
    kind: str
    inspections: int = 0
    occurrences: int = 0
    own_points: float = 0.0  # charged to the department itself
    staff_points: float = 0.0  # charged to its people
    total_points: float = 0.0
    pay_percent: float = 0.0  # of the department's own points
    scored_inspections: int = 0
    average_score: float | None = None
    failed: int = 0
    rank: int = 0  # tally ranking: 1 = fewest points; equal points share a rank; 0 = not in that ranking
    tally_inspections: int = 0
    score_rank: int = 0  # scored ranking: 1 = fewest failures, then highest average; 0 = not in it
    score_sum: float = 0.0  # sum of the scored inspections' scores (average_score = score_sum / count)

    @property
    def in_tally_ranking(self) -> bool:
        return self.tally_inspections > 0 or self.total_points > 0

    @property
    def in_scored_ranking(self) -> bool:
        return self.scored_inspections > 0


@dataclass
class MonthlySummary:
    month: str
    generated_at: str
    inspections: int = 0
    occurrences: int = 0
    total_points: float = 0.0
    departments: list[DepartmentRow] = field(default_factory=list)
    persons: list[PersonRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MonthlySummary:
        """Back from `to_dict` (a closed month's frozen summary, office/month.py)."""
        fields = {k: v for k, v in data.items() if k not in ("departments", "persons")}
        return cls(**fields, departments=[DepartmentRow(**d) for d in data.get("departments", ())],
                   persons=[PersonRow(**p) for p in data.get("persons", ())])

    def tally_ranking(self) -> list[DepartmentRow]:
        return sorted((d for d in self.departments if d.rank), key=lambda d: (d.rank, d.code))

    def scored_ranking(self) -> list[DepartmentRow]:
        return sorted((d for d in self.departments if d.score_rank), key=lambda d: (d.score_rank, d.code))


class MonthTally:
    """Adds up a month. Every `add_*` takes sums, so one entry and a SQL group are fed the same way."""

    def __init__(self, month: str, generated_at: str, names: dict[str, tuple[str, str]] | None = None):
        """`names`: department code → (name, kind), for the rows the month creates."""
        self.summary = MonthlySummary(month=month, generated_at=generated_at)
        self.names = names or {}
        self.departments: dict[str, DepartmentRow] = {}
        self.persons: dict[str, PersonRow] = {}

    def department(self, code: str) -> DepartmentRow:
        """The department's row, made on first use (a department listed but never charged stays unranked)."""
        row = self.departments.get(code)
        if row is None:
            name, kind = self.names.get(code, (code, ""))
            row = self.departments[code] = DepartmentRow(code, name, kind)
        return row

    def add_inspections(self, department_code: str, scored: bool, count: int = 1, score_sum: float = 0.0,
                        failed: int = 0) -> None:
        """`count` inspections of one kind on a department in the month (scored: their scores and failures)."""
        row = self.department(department_code)
        self.summary.inspections += count
        row.inspections += count
        if scored:
            row.scored_inspections += count
            row.score_sum += score_sum
            row.failed += failed
        else:
            row.tally_inspections += count

    def add_entries(self, department_code: str, charged_to: str, staff_no: str | None, occurrences: int,
                    points: float, pay_percent: float) -> None:
        """Live entries charged in the month: their counted points and pay share (scoring.inspection_result)."""
        row = self.department(department_code)
        self.summary.occurrences += occurrences
        self.summary.total_points += points
        row.occurrences += occurrences
        if charged_to == "person" and staff_no is not None:
            row.staff_points += points
            person = self.persons.get(staff_no)
            if person is None:
                person = self.persons[staff_no] = PersonRow(staff_no, "", "", False, department_code=department_code)
            person.occurrences += occurrences
            person.points += points
            person.pay_percent += pay_percent
            person.department_code = max(person.department_code, department_code)
        else:
            row.own_points += points
            row.pay_percent += pay_percent

    def withdraw_entries(self, department_code: str, charged_to: str, staff_no: str | None, occurrences: int,
                         points: float, pay_percent: float) -> None:
        """Take out entries a grouped sum took in that do not count: the superseded records of a monthly rule
        (scoring/measured.py), which the central month finds only after summing by index."""
        self.add_entries(department_code, charged_to, staff_no, -occurrences, -points, -pay_percent)

    def finish(self, names: Callable[[str], tuple[str, bool]] | None = None,
               everyone: bool = False) -> MonthlySummary:
        """Round, cap the pay share, name the people (`names(工号)` → (name, is head)) and rank.

        `everyone` keeps the people named only on scored checklists (0 points) in the staff table: the
        laptops' months then add up to the central month person by person (a person with points on one laptop
        and only scored-checklist findings on another shows every finding centrally)."""
        summary = self.summary
        for row in self.departments.values():
            row.own_points = round(row.own_points, ROUND)
            row.staff_points = round(row.staff_points, ROUND)
            row.total_points = round(row.own_points + row.staff_points, ROUND)
            row.pay_percent = clamp_percent(row.pay_percent)
            row.score_sum = round(row.score_sum, ROUND)
            if row.scored_inspections:
                row.average_score = round(row.score_sum / row.scored_inspections, 2)
        for person in self.persons.values():
            person.points = round(person.points, ROUND)
            person.pay_percent = clamp_percent(person.pay_percent)
            department = self.departments.get(person.department_code)
            person.department = department.name if department else person.department_code
            if names is not None:
                person.name, person.is_head = names(person.staff_no)
        summary.total_points = round(summary.total_points, ROUND)
        tally = [d for d in self.departments.values() if d.in_tally_ranking]
        scored = [d for d in self.departments.values() if d.in_scored_ranking]
        rank(tally, key=lambda r: r.total_points, tie=lambda r: r.code)
        rank(scored, key=lambda r: (r.failed, -(r.average_score or 0.0)), tie=lambda r: r.code, field="score_rank")
        idle = sorted((d for d in self.departments.values() if not d.rank and not d.score_rank),
                      key=lambda d: d.code)
        only_scored = [d for d in scored if not d.rank]
        summary.departments = tally + only_scored + idle
        # the staff table lists people who lost points: on a scored checklist a person named counts 0 points
        # (the checklist rates the department), and a tally entry always takes at least some
        summary.persons = [p for p in self.persons.values() if everyone or p.points > 0]
        rank(summary.persons, key=lambda r: -r.points, tie=lambda r: r.staff_no)
        return summary


def rank(rows: list[Any], key: Callable[[Any], Any], tie: Callable[[Any], Any], field: str = "rank") -> None:
    """Sort by key and number the rows (in `field`); equal keys share a rank."""
    rows.sort(key=lambda r: (key(r), tie(r)))
    previous, number = object(), 0
    for index, row in enumerate(rows, start=1):
        if key(row) != previous:
            number, previous = index, key(row)
        setattr(row, field, number)
