"""Every inspection, newest first, with filters; a row opens the read-only inspection view.

Histories reach 100,000 inspections, so the table model pages through the core's `list_inspections`
200 rows at a time as the view scrolls (Qt's canFetchMore/fetchMore) instead of loading everything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import language, tr
from inspector_app.core.inspections import (
    InspectionFilter,
    InspectionRow,
    count_inspections,
    list_inspections,
)
from inspector_app.core.roster_store import current_roster
from inspector_app.gui.context import GuiContext
from inspector_app.gui.messages import show_error
from inspector_app.gui.models import RowTableModel
from inspector_app.gui.reports import open_sign_dialog, print_notices
from inspector_app.gui.widgets.buttons import push_button
from inspector_app.gui.widgets.inspection_view import (
    InspectionDialog,
    mode_text,
    status_text,
)
from inspector_app.gui.widgets.tables import compact_combo, fit_columns, row_view

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
NUMERIC_COLUMNS = {6, 7, 8}


def history_status(row: InspectionRow) -> str:
    """Draft, finished but not signed yet (a to-do), or signed: 已完成 alone hid the unsigned sheets."""
    if row.status != "finished":
        return status_text(row.status)
    return tr("finished, signed") if row.signed else tr("finished, not signed")


class InspectionsModel(RowTableModel):
    """A lazily filled window on the history: rows arrive a page at a time, when the view asks for more."""

    def __init__(self, page_size: int = PAGE_SIZE) -> None:
        super().__init__([tr("Start time"), tr("Department / window"), tr("Checklist"), tr("Inspector"),
                          tr("Mode"), tr("Status"), tr("Entries"), tr("Points"), tr("Score")])
        self.page_size = page_size
        self._fetch: Callable[[int, int], list[InspectionRow]] = lambda offset, limit: []
        self._total = 0
        self._exhausted = True
        self.titles: dict[str, str] = {}

    def set_source(self, fetch: Callable[[int, int], list[InspectionRow]], total: int) -> None:
        """Start over with a new query (`fetch(offset, limit)`) and its row count; loads the first page."""
        self.beginResetModel()
        self._fetch, self._total, self._rows, self._exhausted = fetch, total, [], total == 0
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    @property
    def total(self) -> int:
        return self._total

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802 - Qt API
        return not parent.isValid() and not self._exhausted and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802 - Qt API
        if not self.canFetchMore(parent):
            return
        page = self._fetch(len(self._rows), self.page_size)
        if len(page) < self.page_size:
            self._exhausted = True  # the history shrank since it was counted: stop asking
        if not page:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def row_data(self, row: InspectionRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            inspector = row.inspector + (f"、{row.co_inspector}" if row.co_inspector else "")
            score = "" if row.score is None else f"{row.score:g}" + ("" if row.passed else f" ({tr('FAILED')})")
            return [row.started_at[:16].replace("T", " "), row.department,
                    self.titles.get(row.checklist_id, row.checklist_id), inspector, mode_text(row.mode),
                    history_status(row), row.deductions, f"{row.points:g}", score][column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class HistoryPage(QWidget):
    """All inspections with filters; double-click or Enter opens one read-only."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._stale = False
        self._fitted = False
        self.since_on = QCheckBox(tr("From"))
        self.since_on.setAccessibleName(tr("Limit the start date"))
        self.since = self._date_edit(QDate.currentDate().addMonths(-1), tr("From date"))
        self.until_on = QCheckBox(tr("To"))
        self.until_on.setAccessibleName(tr("Limit the end date"))
        self.until = self._date_edit(QDate.currentDate(), tr("To date"))
        self.department = compact_combo()
        self.department.setAccessibleName(tr("Department / window"))
        self.checklist = compact_combo()
        self.checklist.setAccessibleName(tr("Checklist"))
        self.inspector = QLineEdit()
        self.inspector.setAccessibleName(tr("Inspector"))
        self.inspector.setPlaceholderText(tr("full name, optional"))
        self.status = QComboBox()
        self.status.setAccessibleName(tr("Status"))
        for label, value in ((tr("All"), None), (tr("draft"), "draft"), (tr("finished"), "finished")):
            self.status.addItem(label, value)
        clear = push_button(tr("Clear filters"), tr("Clear filters"), self.clear_filters)
        self.total = QLabel()
        self.total.setObjectName("historyTotal")
        self.total.setAccessibleName(tr("Number of inspections found"))

        self.model = InspectionsModel()
        self.table = row_view(self.model, tr("Inspections"), resize=QHeaderView.ResizeMode.Interactive,
                              stretch_last=False, wrap=False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.activated.connect(self._activated)  # double-click and Enter
        open_button = push_button(tr("Open…"), tr("Open the selected inspection"), self.open_selected)
        self.sign_button = push_button(tr("Sign sheet…"), tr("Sign the inspection sheet of the selected inspection"),
                                       self.sign_selected)
        self.notices_button = push_button(tr("Rectification notices…"),
                                          tr("Print the rectification notices of the selected inspection"),
                                          self.notices_selected)

        # two narrow columns of filters (what, then when), so the page fits a 1024-pixel screen at large fonts
        what = QFormLayout()
        what.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # labels go above when space is short
        what.addRow(tr("Department / window"), self.department)
        what.addRow(tr("Checklist"), self.checklist)
        what.addRow(tr("Inspector"), self.inspector)
        when = QGridLayout()
        when.addWidget(self.since_on, 0, 0)
        when.addWidget(self.since, 0, 1)
        when.addWidget(self.until_on, 1, 0)
        when.addWidget(self.until, 1, 1)
        when.addWidget(QLabel(tr("Status")), 2, 0)
        when.addWidget(self.status, 2, 1)
        filters = QHBoxLayout()
        filters.addLayout(what, 3)
        filters.addLayout(when, 2)
        filters.addWidget(clear, 0, Qt.AlignmentFlag.AlignBottom)
        bottom = QHBoxLayout()
        bottom.addWidget(self.total, 1)
        bottom.addWidget(self.sign_button)
        bottom.addWidget(self.notices_button)
        bottom.addWidget(open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.since_on.toggled.connect(self.since.setEnabled)
        self.until_on.toggled.connect(self.until.setEnabled)
        for box in (self.since_on, self.until_on):
            box.toggled.connect(lambda _: self.reload())
        for edit in (self.since, self.until):
            edit.dateChanged.connect(lambda _: self.reload())
        for combo in (self.department, self.checklist, self.status):
            combo.currentIndexChanged.connect(lambda _: self.reload())
        self.inspector.editingFinished.connect(self.reload)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_document_buttons())
        self.model.modelReset.connect(self._update_document_buttons)
        ctx.changes.inspections.connect(self._inspections_changed)
        ctx.changes.roster.connect(self.refresh)
        self.refresh()

    def _date_edit(self, date: QDate, name: str) -> QDateEdit:
        edit = QDateEdit(date)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setAccessibleName(name)
        edit.setEnabled(False)
        return edit

    # -- loading ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Refill the filter choices (roster, checklists) and reload the rows."""
        self._stale = False
        lang = language()
        self.model.titles = {c.id: c.title.get(lang) for c in self.ctx.ws.library}
        self._refill(self.department, [(f"{d.name}（{d.code}）", d.code)
                                       for d in current_roster(self.ctx.ws).departments])
        self._refill(self.checklist, [(title, cid) for cid, title in self.model.titles.items()])
        self.reload()

    def _refill(self, combo: QComboBox, choices: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(tr("All"), None)
        for label, value in choices:
            combo.addItem(label, value)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        combo.blockSignals(False)

    def filters(self) -> InspectionFilter:
        return InspectionFilter(
            since=self.since.date().toPython() if self.since_on.isChecked() else None,
            until=self.until.date().toPython() if self.until_on.isChecked() else None,
            department=self.department.currentData(), checklist_id=self.checklist.currentData(),
            inspector=self.inspector.text().strip() or None, status=self.status.currentData())

    def reload(self) -> None:
        """Count the matching inspections and show the first page; later pages load as the view scrolls."""
        ws, filters = self.ctx.ws, self.filters()
        try:
            total = count_inspections(ws, filters)
            self.model.set_source(lambda offset, limit: list_inspections(ws, filters, offset=offset, limit=limit),
                                  total)
        except AppError as exc:
            show_error(self, str(exc))
            return
        self.total.setText(tr("{count} inspections", count=total))
        if not self._fitted and total:
            fit_columns(self.table)  # once: later reloads keep the widths the user chose
            self._fitted = True

    def clear_filters(self) -> None:
        for widget in (self.since_on, self.until_on, self.department, self.checklist, self.status, self.inspector):
            widget.blockSignals(True)
        self.since_on.setChecked(False)
        self.until_on.setChecked(False)
        self.since.setEnabled(False)
        self.until.setEnabled(False)
        self.department.setCurrentIndex(0)
        self.checklist.setCurrentIndex(0)
        self.status.setCurrentIndex(0)
        self.inspector.clear()
        for widget in (self.since_on, self.until_on, self.department, self.checklist, self.status, self.inspector):
            widget.blockSignals(False)
        self.reload()

    def _inspections_changed(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True  # reloaded when shown: recording stays fast while the history is hidden

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # -- opening ------------------------------------------------------------------------------------------
    def _activated(self, index: QModelIndex) -> None:
        inspection_id = index.data(Qt.ItemDataRole.UserRole)
        if inspection_id:
            self.open_inspection(inspection_id)

    def open_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._activated(index)

    def selected_row(self) -> InspectionRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_document_buttons(self) -> None:
        """Documents exist only for finished inspections: a draft can still change."""
        row = self.selected_row()
        finished = row is not None and row.status == "finished"
        for button in (self.sign_button, self.notices_button):
            button.setEnabled(finished)
        tip = "" if finished or row is None else tr("Finish the inspection first: documents are issued for "
                                                    "finished inspections only.")
        for button in (self.sign_button, self.notices_button):
            button.setToolTip(tip)

    def sign_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            open_sign_dialog(self.ctx, self, row.id)

    def notices_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            print_notices(self.ctx, self, row.id)

    def open_inspection(self, inspection_id: str) -> InspectionDialog | None:
        try:
            dialog = InspectionDialog(self.ctx.ws, inspection_id, self, self.ctx.thumbnails)
        except AppError as exc:
            show_error(self, str(exc))
            return None
        dialog.open()
        return dialog
