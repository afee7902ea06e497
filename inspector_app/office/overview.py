"""What the office workspace shows when a month is opened: its figures, the first page of its inspections and
the departments nobody inspected, each read so that a year of central data (10 million deductions) opens a month
in about a second: the summary from its covering indexes, one page of inspections, one index for the gaps.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspector_app.core.merge.database import CentralDB
from inspector_app.core.scoring import MonthlySummary
from inspector_app.core.summary import parse_month
from inspector_app.office.browse import InspectionPage, inspections, not_inspected
from inspector_app.office.month import month_summary


def month_figures(central: CentralDB, month: str) -> MonthlySummary:
    """The month's summary: the office's, frozen once the month is closed (office/month.py)."""
    return month_summary(central, parse_month(month))


@dataclass(frozen=True)
class MonthView:
    month: str
    summary: MonthlySummary
    first_page: InspectionPage
    not_inspected: list[tuple[str, str]]  # (code, name)


def month_view(central: CentralDB, month: str, *, limit: int = 100, lang: str = "zh") -> MonthView:
    """Opening `month` in the workspace: its summary, its newest `limit` inspections, the departments missed."""
    month = parse_month(month)
    return MonthView(month, month_figures(central, month), inspections(central, month=month, limit=limit, lang=lang),
                     not_inspected(central, month))
