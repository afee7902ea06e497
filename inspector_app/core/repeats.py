"""Repeat problems (屡查屡犯): the one rule, for the laptop's bulletin, the office's bulletin and department page.

A problem is repeated when the same item (same checklist and code) was recorded for the same department — and,
for an item charged to a person, the same person — at an EARLIER inspection: a previous visit. Two entries of
one visit (two persons, or a count of 2) are not a repeat: the department was only seen once. The callers read
the live entries of finished, non-training inspections (a laptop's data folder or the central database) over a
look-back window and hand them here as Findings; `repeats` keeps the keys found again in the months asked for.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

LOOKBACK_MONTHS = 6  # how far back a bulletin looks for an earlier visit (the department page's default window)


@dataclass(frozen=True)
class Finding:
    """One live entry, with what the rule compares (department, checklist, item, person) and when."""

    department: str  # a department key (the laptop's id or the central roster code)
    checklist_id: str
    item_code: str
    staff_no: str | None  # the person charged; None: the department itself
    inspection_id: str
    started_at: datetime  # orders the visits
    month: str  # local month of the entry
    day: str  # local date of the inspection (YYYY-MM-DD)
    count: int = 1
    points: float = 0.0
    inspector: str | None = None
    name: str = ""  # the person's name as recorded
    digest: str = ""  # the checklist snapshot's hash (for the item's text)


@dataclass
class Repeat:
    """A key found again: every visit that found it (in the window) and those among them that were repeats."""

    department: str
    checklist_id: str
    item_code: str
    staff_no: str | None
    name: str = ""  # the greatest name recorded at the key's visits in the months asked for
    visits: list[Finding] = field(default_factory=list)  # one Finding per visit (counts summed), oldest first
    repeated: list[Finding] = field(default_factory=list)  # the visits in the asked months with an earlier one

    @property
    def first_day(self) -> str:
        return self.visits[0].day

    @property
    def occurrences(self) -> int:
        """Counted on the repeat visits."""
        return sum(f.count for f in self.repeated)

    @property
    def all_occurrences(self) -> int:
        return sum(f.count for f in self.visits)

    @property
    def inspectors(self) -> set[str | None]:
        return {f.inspector for f in self.visits}


def _merge(findings: list[Finding]) -> Finding:
    """The entries of one visit for one key as one: counts and points summed."""
    first = findings[0]
    if len(findings) == 1:
        return first
    return Finding(first.department, first.checklist_id, first.item_code, first.staff_no, first.inspection_id,
                   first.started_at, first.month, first.day, sum(f.count for f in findings),
                   sum(f.points for f in findings), first.inspector, max(f.name for f in findings), first.digest)


def repeats(findings: Iterable[Finding], months: Collection[str]) -> list[Repeat]:
    """The keys recorded at a visit in `months` after an earlier visit, in order of department, checklist,
    item, person. `findings` must reach back as far as an earlier visit may count (LOOKBACK_MONTHS)."""
    by_key: dict[tuple[str, str, str, str | None], dict[str, list[Finding]]] = {}
    for f in findings:
        by_key.setdefault((f.department, f.checklist_id, f.item_code, f.staff_no), {}).setdefault(
            f.inspection_id, []).append(f)
    found = []
    for key in sorted(by_key, key=lambda k: (k[0], k[1], k[2], k[3] or "")):
        visits = sorted((_merge(v) for v in by_key[key].values()), key=lambda f: (f.started_at, f.inspection_id))
        repeated = [f for f in visits[1:] if f.month in months]
        if repeated:
            name = max(f.name for f in visits if f.month in months)  # as recorded in the months asked
            found.append(Repeat(*key, name=name, visits=visits, repeated=repeated))
    return found


def lookback(month: str, months: int = LOOKBACK_MONTHS) -> list[str]:
    """`month` and the `months` before it, oldest first."""
    year, mo = map(int, month.split("-"))
    found = []
    for _ in range(months + 1):
        found.append(f"{year:04d}-{mo:02d}")
        year, mo = (year, mo - 1) if mo > 1 else (year - 1, 12)
    return found[::-1]
