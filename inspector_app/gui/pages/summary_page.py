"""The monthly summary (月度通报): the two department rankings (points; scores), staff, a chart, XLSX export.

The summary is computed by the core's `monthly_summary` on a worker thread (ctx.ops), so a long month
never freezes the window; the page only lays out the result it gets back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import tr
from inspector_app.core.summary import MonthlySummary, monthly_summary
from inspector_app.core.summary_export import not_inspected, write_xlsx
from inspector_app.core.texttable import cell
from inspector_app.gui import reports
from inspector_app.gui.context import GuiContext
from inspector_app.gui.messages import show_error
from inspector_app.gui.models import RowTableModel
from inspector_app.gui.operations import Operation, Progress
from inspector_app.gui.widgets.bar_chart import BarChart
from inspector_app.gui.widgets.buttons import push_button
from inspector_app.gui.widgets.tables import row_view

Index = QModelIndex | QPersistentModelIndex
CHART_WIDTH = 200  # the least the chart keeps beside the rankings (pixels; its labels are elided first)


class RowsModel(RowTableModel):
    """A read-only table of already computed values (numbers right-aligned)."""

    def row_data(self, row: list[Any], column: int, role: int) -> Any:
        value = row[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, (int, float)):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _titled(title: str, table: QWidget, empty: QLabel) -> QWidget:
    """A table under its title, with the sentence shown instead of it when it has no rows."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    heading = QLabel(title)
    heading.setObjectName("rankingTitle")
    font = heading.font()
    font.setBold(True)
    heading.setFont(font)
    heading.setBuddy(table)
    empty.setWordWrap(True)
    empty.setVisible(False)
    layout.addWidget(heading)
    layout.addWidget(table, 1)
    layout.addWidget(empty)
    return box


class SummaryPage(QWidget):
    """Pick a month, Show (computed in the background), read the two rankings, export them."""

    loaded = Signal()  # a summary is on screen
    busy_changed = Signal(bool)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.summary: MonthlySummary | None = None
        self._request = 0
        self.month = QDateEdit(QDate.currentDate())
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setCalendarPopup(True)
        self.month.setAccessibleName(tr("Month"))
        self.show_button = push_button(tr("Show"), tr("Show the monthly summary"), self.show_summary, default=True)
        self.export_button = push_button(tr("Export XLSX…"), tr("Export the monthly summary as an Excel file"),
                                         self.export_xlsx)
        self.export_button.setEnabled(False)
        self.bulletin_button = push_button(tr("Bulletin PDF…"),
                                           tr("Issue the monthly bulletin as a PDF and show the print preview"),
                                           self.bulletin_pdf)
        self.bulletin_button.setEnabled(False)
        self.busy = QLabel(tr("Calculating…"))
        self.busy.setObjectName("summaryBusy")
        self.busy.setVisible(False)
        self.totals = QLabel()
        self.totals.setObjectName("summaryTotals")
        self.totals.setWordWrap(True)

        # two rankings, one per kind of checklist (core/scoring/month.py): a department may be in both
        self.departments_model = RowsModel([
            tr("Rank"), tr("Department / window"), tr("Inspections"), tr("Occurrences"), tr("Department points"),
            tr("Staff points"), tr("Total points"), tr("Pay deducted %")])
        self.scored_model = RowsModel([
            tr("Rank"), tr("Department / window"), tr("Scored inspections"), tr("Average score"), tr("Failed")])
        self.persons_model = RowsModel([
            tr("Rank"), tr("Staff no."), tr("Name"), tr("Department / window"), tr("Department head"),
            tr("Occurrences"), tr("Points"), tr("Pay deducted %")])
        self.departments = row_view(self.departments_model, tr("Points ranking (tally checklists)"),
                                    stretch_last=False)
        self.scored = row_view(self.scored_model, tr("Score ranking (scored checklists)"), stretch_last=False)
        self.persons = row_view(self.persons_model, tr("Staff with deductions"), stretch_last=False)
        self.tally_empty = QLabel(tr("No department was inspected with a tally checklist this month."))
        self.scored_empty = QLabel(tr("No department was inspected with a scored checklist this month."))
        self.idle = QLabel()
        self.idle.setObjectName("summaryIdle")
        self.idle.setWordWrap(True)
        self.chart = BarChart()
        self.chart.setAccessibleName(tr("Total points per department"))
        chart_scroll = QScrollArea()
        chart_scroll.setWidget(self.chart)
        chart_scroll.setWidgetResizable(True)
        chart_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # bars fit the width
        chart_scroll.setAccessibleName(tr("Total points per department"))
        rankings = QWidget()
        self._rankings = QVBoxLayout(rankings)
        self._rankings.setContentsMargins(0, 0, 0, 0)
        self._rankings.addWidget(_titled(tr("Points ranking (tally checklists)"), self.departments, self.tally_empty))
        self._rankings.addWidget(_titled(tr("Score ranking (scored checklists)"), self.scored, self.scored_empty))
        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(rankings)
        split.addWidget(chart_scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        overview = QWidget()
        overview_layout = QVBoxLayout(overview)
        overview_layout.addWidget(split, 1)
        overview_layout.addWidget(self.idle)
        self.tabs = QTabWidget()
        self.tabs.addTab(overview, tr("Departments and windows"))
        self.tabs.addTab(self.persons, tr("Staff with deductions"))

        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Month")))
        top.addWidget(self.month)
        top.addWidget(self.show_button)
        top.addWidget(self.busy)
        top.addStretch(1)
        top.addWidget(self.export_button)
        top.addWidget(self.bulletin_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.totals)
        layout.addWidget(self.tabs, 1)
        ctx.changes.inspections.connect(self._inspections_changed)
        kept = ctx.kept.get("summary")
        if isinstance(kept, MonthlySummary):  # the page was rebuilt (language, font): show the same result
            self.month.setDate(QDate.fromString(kept.month, "yyyy-MM"))
            self.summary = kept
            self._fill(kept)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """The chosen month is computed when the page is first shown: no empty page until Show is pressed."""
        super().showEvent(event)
        if self.summary is None and not self.is_busy:
            self.show_summary()

    def refresh(self) -> None:
        """Called when the page is shown: (re)compute the chosen month."""
        self.show_summary()

    def selected_month(self) -> str:
        return self.month.date().toString("yyyy-MM")

    @property
    def is_busy(self) -> bool:
        return self.busy.isVisibleTo(self)

    def show_summary(self) -> None:
        """Compute the month on a worker thread; only the latest request's result is shown."""
        self._request += 1
        token, month, ws = self._request, self.selected_month(), self.ctx.ws
        self._set_busy(True)

        def work(progress: Progress) -> MonthlySummary:
            return monthly_summary(ws, month)

        self.ctx.ops.run(tr("Monthly summary {month}", month=month), work,
                         on_done=lambda result: self._done(token, result),
                         on_error=lambda message: self._failed(token, message))

    def _done(self, token: int, summary: MonthlySummary) -> None:
        if not shiboken6.isValid(self) or token != self._request:
            return  # the page was rebuilt, or a newer request is running
        self._set_busy(False)
        self.summary = summary
        self.ctx.kept["summary"] = summary
        self._fill(summary)
        self.loaded.emit()

    def _failed(self, token: int, message: str) -> None:
        if shiboken6.isValid(self) and token == self._request:
            self._set_busy(False)
            show_error(self, message)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.busy_changed.emit(busy)

    def _fill(self, summary: MonthlySummary) -> None:
        self.totals.setText(tr("{month}: {inspections} inspections, {occurrences} occurrences, {points} points "
                               "deducted", month=summary.month, inspections=summary.inspections,
                               occurrences=summary.occurrences, points=cell(summary.total_points)))
        tally, scored = summary.tally_ranking(), summary.scored_ranking()
        self.departments_model.set_rows([
            [d.rank, d.name, d.tally_inspections, d.occurrences, d.own_points, d.staff_points, d.total_points,
             d.pay_percent] for d in tally])
        self.scored_model.set_rows([
            [d.score_rank, d.name, d.scored_inspections, d.average_score, d.failed] for d in scored])
        for index, (table, empty, rows) in enumerate(((self.departments, self.tally_empty, tally),
                                                      (self.scored, self.scored_empty, scored))):
            table.setVisible(bool(rows))  # an empty ranking says so in words instead of an empty grid
            empty.setVisible(not rows)
            self._rankings.setStretch(index, len(rows) + 1 if rows else 0)  # height shared as the rows are
        idle = not_inspected(summary)
        self.idle.setText(tr("Not inspected this month: {names}.", names="、".join(d.name for d in idle)))
        self.idle.setVisible(bool(idle))
        self.persons_model.set_rows([
            [p.rank, p.staff_no, p.name, p.department, tr("yes") if p.is_head else "", p.occurrences, p.points,
             p.pay_percent] for p in summary.persons])
        most_first = sorted(tally, key=lambda d: (-d.total_points, d.rank, d.code))  # points ranking, most first
        self.chart.set_bars([(d.name, d.total_points) for d in most_first])
        self._fit_rankings()
        self.export_button.setEnabled(True)
        self.bulletin_button.setEnabled(True)

    def _fit_rankings(self) -> None:
        """Widen the rankings' side of the splitter to show their every column (the points ranking has eight;
        in English they would hide behind a scroll bar), leaving the chart at least CHART_WIDTH."""
        total = self.split.width()
        tables = [t for t in (self.departments, self.scored) if not t.isHidden()]  # also on the other tab
        if total <= 0 or not tables:
            return
        needed = 0
        for table in tables:
            table.horizontalHeader().resizeSections()
            needed = max(needed, table.horizontalHeader().length() + table.verticalScrollBar().sizeHint().width()
                         + 2 * table.frameWidth())
        left = min(needed, total - self.split.handleWidth() - CHART_WIDTH)
        if self.split.sizes()[0] < left:
            self.split.setSizes([left, total - self.split.handleWidth() - left])

    def _inspections_changed(self) -> None:
        if self.isVisible() and self.summary is not None:
            self.show_summary()

    def bulletin_pdf(self) -> Operation | None:
        """Issue the bulletin (月度通报) of the month on screen and preview it for printing."""
        if self.summary is None:
            show_error(self, tr("Show a month's summary first."))
            return None
        return reports.bulletin_pdf(self.ctx, self, self.summary.month)

    def export_xlsx(self) -> Path | None:
        """Save the summary on screen as an XLSX workbook; returns the path written."""
        summary = self.summary
        if summary is None:
            show_error(self, tr("Show a month's summary first."))
            return None
        suggested = Path.home() / tr("service-inspection-summary-{month}.xlsx", month=summary.month)
        name, _ = QFileDialog.getSaveFileName(self, tr("Export monthly summary"), str(suggested),
                                              tr("Excel workbook (*.xlsx)"))
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        try:
            write_xlsx(summary, path)
        except OSError as exc:  # e.g. the file is open in Excel
            show_error(self, tr("Could not write {path}: {detail}", path=path, detail=exc.strerror or exc))
            return None
        self.totals.setText(self.totals.text().split("\n")[0] + "\n" + tr("Written: {path}", path=path))
        return path
