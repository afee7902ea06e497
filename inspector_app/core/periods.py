"""Period keys of the period rules (issue #15): a month 2026-03, a quarter 2026-Q1, a half year 2026-H1.

A period rule is about a department's month, quarter or half year rather than one visit: it is found once per
department and period however many inspectors record it (scoring/measured.py: the latest record counts).

Which month a charge lands in (forms/README.md §3.3): a monthly rule's charge lands in its month; a quarterly or
half-yearly rule's in the **period's last month** (Q1 → March, H2 → December), whatever month it was recorded in.
Every record of one period thus falls in one month, which every laptop and the office work out alone, without
knowing the others' records: two inspectors recording Q1 in January and February charge March once, and a record
made after that month was closed at the office is a correction (更正, an Adjustment) like any late entry of a
closed month, never a silent change of it. A quarter's finding can only be final when its quarter ends, so its
last month is also where the office's figures would look for it.
"""

from __future__ import annotations

import re
from datetime import date

KINDS = ("month", "quarter", "half-year")  # the period rules; "visit" is none
PERIOD_PATTERN = r"^20\d\d-((0[1-9]|1[0-2])|Q[1-4]|H[12])$"
_KEY = re.compile(PERIOD_PATTERN)


def period_of(kind: str, day: date) -> str:
    """The key of the `kind` period that `day` falls in."""
    if kind == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if kind == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if kind == "half-year":
        return f"{day.year:04d}-H{1 if day.month <= 6 else 2}"
    raise ValueError(kind)


def kind_of(key: str) -> str:
    """'month', 'quarter' or 'half-year' for a well-formed key; ValueError otherwise."""
    if not _KEY.match(key):
        raise ValueError(key)
    return {"Q": "quarter", "H": "half-year"}.get(key[5], "month")


def months_of(key: str) -> list[str]:
    """The months (YYYY-MM) a period covers, in order."""
    kind, year = kind_of(key), key[:4]
    if kind == "month":
        return [key]
    size = 3 if kind == "quarter" else 6
    first = size * (int(key[6]) - 1) + 1
    return [f"{year}-{month:02d}" for month in range(first, first + size)]


def first_day(key: str) -> date:
    year, month = months_of(key)[0].split("-")
    return date(int(year), int(month), 1)


def landing_month(key: str) -> str:
    """The month a period rule's charge counts in: the period's last month (see the module docstring)."""
    return months_of(key)[-1]


def keys_landing_in(month: str) -> list[str]:
    """Every period key whose charges count in `month` (YYYY-MM): the month, and the quarter and half year it
    ends (2026-06 → 2026-06, 2026-Q2, 2026-H1)."""
    keys = [month]
    number = int(month[5:7])
    if number % 3 == 0:
        keys.append(f"{month[:4]}-Q{number // 3}")
    if number % 6 == 0:
        keys.append(f"{month[:4]}-H{number // 6}")
    return keys


def keys_covering(month: str) -> list[str]:
    """The month and the quarter and half year it belongs to (the periods whose values speak for `month`)."""
    day = date(int(month[:4]), int(month[5:7]), 1)
    return [month, period_of("quarter", day), period_of("half-year", day)]
