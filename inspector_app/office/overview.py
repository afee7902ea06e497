"""What the office workspace shows when a month is opened: its figures, the first page of its inspections and
the departments nobody inspected, each read so that a year of central data (10 million deductions) opens a month
in about a second: the summary from its covering indexes, one page of inspections, one index for the gaps.
The summary (most of the time: it sums every live entry of the month) is read on its own connection while the
page and the gaps are read on the caller's, so opening a month costs about the summary alone.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
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
    with ThreadPoolExecutor(1, thread_name_prefix="month-summary") as pool:
        summary = pool.submit(month_figures, central, month)
        page, missed = inspections(central, month=month, limit=limit, lang=lang), not_inspected(central, month)
        return MonthView(month, summary.result(), page, missed)
