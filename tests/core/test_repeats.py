"""The one rule of repeat problems (core/repeats.py): found again on a later visit, never twice in one visit."""

from __future__ import annotations

from datetime import datetime, timedelta

from inspector_app.core.repeats import Finding, lookback, repeats

T0 = datetime(2025, 5, 10, 9, 0)


def entry(visit: int, *, item: str = "A1", person: str | None = "1001", department: str = "W-REG",
          count: int = 1, days: int = 0) -> Finding:
    moment = T0 + timedelta(days=days)
    return Finding(department, "001", item, person, f"visit-{visit}", moment, f"{moment:%Y-%m}", f"{moment:%Y-%m-%d}",
                   count, name=f"员工{person}" if person else "")


def test_twice_in_one_visit_is_no_repeat() -> None:
    assert repeats([entry(1), entry(1, count=3)], {"2025-05"}) == []


def test_a_later_visit_repeats_an_earlier_one() -> None:
    found = repeats([entry(1), entry(2, days=5, count=2)], {"2025-05"})
    assert [(r.item_code, r.staff_no, r.occurrences, r.first_day) for r in found] == [("A1", "1001", 2, "2025-05-10")]
    assert [f.inspection_id for f in found[0].repeated] == ["visit-2"]


def test_a_persons_item_repeats_only_for_the_same_person() -> None:
    assert repeats([entry(1, person="1001"), entry(2, person="1002", days=5)], {"2025-05"}) == []
    department = repeats([entry(1, person=None), entry(2, person=None, days=5)], {"2025-05"})
    assert [(r.staff_no, r.occurrences) for r in department] == [(None, 1)]
    assert repeats([entry(1, department="W-ADM"), entry(2, days=5)], {"2025-05"}) == []


def test_the_earlier_visit_may_be_last_month_but_only_this_months_repeats_count() -> None:
    found = repeats([entry(1), entry(2, days=30)], {"2025-06"})  # 10 May, then 9 June
    assert [r.repeated[0].month for r in found] == ["2025-06"]
    assert repeats([entry(1), entry(2, days=30)], {"2025-05"}) == []  # May's visit was the first


def test_lookback_crosses_the_year() -> None:
    assert lookback("2026-02", 3) == ["2025-11", "2025-12", "2026-01", "2026-02"]
