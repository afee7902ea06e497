"""Rectification (整改) follow-up: what departments still have to fix, overdue items first and in red.

The department reports an item fixed ("Mark rectified…"), then an inspector re-inspects it: fixed →
verified, not fixed → open again. Statuses come from the core (overdue is computed against today).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.core.rectification import (
    RectificationService,
    RectificationView,
    list_rectifications,
)
from inspector_app.core.roster_store import current_roster
from inspector_app.gui.context import GuiContext
from inspector_app.gui.messages import show_error
from inspector_app.gui.models import RowTableModel
from inspector_app.gui.widgets.buttons import button_row, push_button
from inspector_app.gui.widgets.tables import compact_combo, fit_columns, row_view

Index = QModelIndex | QPersistentModelIndex
ORDER = {"overdue": 0, "open": 1, "rectified": 2, "verified": 3, "waived": 4}
OVERDUE_TEXT = QColor(170, 0, 0)
OVERDUE_BACKGROUND = QColor(255, 228, 228)


def status_label(status: str) -> str:
    return {"open": tr("open"), "overdue": tr("overdue"), "rectified": tr("rectified"),
            "verified": tr("verified"), "waived": tr("waived")}.get(status, status)


def decision_line(row: RectificationView) -> str:
    """The office's published decision, as the list shows it: what, who, when, why."""
    if row.decision not in ("extended", "waived") or row.decided_at is None:
        return ""
    when = f"{row.decided_at.astimezone():%Y-%m-%d}"
    if row.decision == "waived":
        return tr("Waived by {by} on {when}: {reason}", by=row.decided_by or "", when=when,
                  reason=row.decision_note or "")
    return tr("Deadline extended to {deadline} by {by} on {when}: {reason}", deadline=row.deadline.isoformat(),
              by=row.decided_by or "", when=when, reason=row.decision_note or "")


class RectificationsModel(RowTableModel):
    """Rectification items, overdue first (then open, rectified, verified), each group by deadline."""

    def __init__(self) -> None:
        super().__init__([tr("Status"), tr("Deadline"), tr("Department / window"), tr("Item"),
                          tr("Person"), tr("Rectification required"), tr("Finding")])

    def set_rows(self, rows: list[RectificationView]) -> None:
        super().set_rows(sorted(rows, key=lambda r: ORDER.get(r.status, 9)))  # stable: keeps the deadline order

    def row_of(self, rectification_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == rectification_id), -1)

    def row_data(self, row: RectificationView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            deadline = row.deadline.isoformat()
            if row.decision == "extended":
                deadline = tr("{deadline} (extended)", deadline=deadline)
            return [status_label(row.status), deadline, row.department, row.item_code,
                    row.person or "—", row.requirement, row.note][column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(filter(None, (decision_line(row), row.requirement, row.note)))
        if row.status == "overdue":
            if role == Qt.ItemDataRole.ForegroundRole:
                return OVERDUE_TEXT
            if role == Qt.ItemDataRole.BackgroundRole:
                return OVERDUE_BACKGROUND
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class RectificationPage(QWidget):
    """Follow-up list with status and department filters, and the three follow-up actions."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._stale = False
        self._own_change = False
        self._fitted = False
        self.status = QComboBox()
        self.status.setAccessibleName(tr("Status"))
        for label, value in ((tr("All"), None), (tr("open"), "open"), (tr("overdue"), "overdue"),
                             (tr("rectified"), "rectified"), (tr("verified"), "verified"), (tr("waived"), "waived")):
            self.status.addItem(label, value)
        self.department = compact_combo()
        self.department.setAccessibleName(tr("Department / window"))
        self.summary = QLabel()
        self.summary.setObjectName("rectificationSummary")
        self.model = RectificationsModel()
        self.table = row_view(self.model, tr("Rectification items"), resize=QHeaderView.ResizeMode.Interactive,
                              wrap=False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.mark_button = push_button(tr("Mark rectified…"), tr("Mark the selected items rectified"),
                                       self.mark_rectified)
        self.fixed_button = push_button(tr("Re-inspection: fixed"), tr("Re-inspection found the problem fixed"),
                                        lambda: self.reinspect(True))
        self.not_fixed_button = push_button(tr("Re-inspection: not fixed…"),
                                            tr("Re-inspection found the problem not fixed"),
                                            lambda: self.reinspect(False))

        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("Status")))
        filters.addWidget(self.status)
        filters.addWidget(QLabel(tr("Department / window")))
        filters.addWidget(self.department, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.summary)  # its own line: the filters' row fits a 1024-pixel screen at large fonts
        layout.addWidget(self.table, 1)
        layout.addLayout(button_row(self.mark_button, self.fixed_button, self.not_fixed_button))

        self.status.currentIndexChanged.connect(lambda _: self.reload())
        self.department.currentIndexChanged.connect(lambda _: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        ctx.changes.rectifications.connect(self._changed)
        ctx.changes.inspections.connect(self._changed)
        ctx.changes.roster.connect(self.refresh)
        self.refresh()

    # -- loading ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._stale = False
        current = self.department.currentData()
        self.department.blockSignals(True)
        self.department.clear()
        self.department.addItem(tr("All"), None)
        for department in current_roster(self.ctx.ws).departments:
            self.department.addItem(f"{department.name}（{department.code}）", department.code)
        self.department.setCurrentIndex(max(0, self.department.findData(current)) if current else 0)
        self.department.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        """Reload the list from the core, keeping the selected items selected."""
        keep = self.selected_ids()
        rows = list_rectifications(self.ctx.ws, status=self.status.currentData(),
                                   department=self.department.currentData())
        self.model.set_rows(rows)
        overdue = sum(1 for r in rows if r.status == "overdue")
        self.summary.setText(tr("{count} items, {overdue} overdue", count=len(rows), overdue=overdue))
        self.select_ids(keep)
        self._update_buttons()
        if not self._fitted and rows:
            fit_columns(self.table)
            self._fitted = True

    def _changed(self) -> None:
        if self._own_change:
            return  # already reloaded
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # -- selection ----------------------------------------------------------------------------------------
    def selected(self) -> list[RectificationView]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [view for view in (self.model.row_at(row) for row in rows) if view is not None]

    def selected_ids(self) -> list[str]:
        return [view.id for view in self.selected()]

    def select_ids(self, ids: list[str]) -> None:
        selection = QItemSelection()
        for row in (self.model.row_of(i) for i in ids):
            if row >= 0:
                selection.select(self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1))
        self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _update_buttons(self) -> None:
        statuses = {view.status for view in self.selected()}
        self.mark_button.setEnabled(bool(statuses) and statuses <= {"open", "overdue"})
        self.fixed_button.setEnabled(bool(statuses) and "verified" not in statuses)
        self.not_fixed_button.setEnabled(bool(statuses) and statuses <= {"rectified"})

    # -- actions ------------------------------------------------------------------------------------------
    def mark_rectified(self) -> None:
        """The department reports the selected items fixed; the note says what it did."""
        ids = self.selected_ids()
        if not ids:
            return
        note, ok = QInputDialog.getText(self, tr("Mark rectified"), tr("What did the department do? (optional)"))
        if ok:
            self._apply(ids, lambda service, item_id: service.mark_rectified(item_id, note))

    def reinspect(self, fixed: bool) -> None:
        """Record a re-inspection of the selected items by the inspector named in Settings."""
        ids = self.selected_ids()
        if not ids:
            return
        inspector = self.ctx.ws.settings.inspector.name.strip()
        if not inspector:
            show_error(self, tr("Enter your name in Settings first: a re-inspection records who checked."))
            return
        note = ""
        if not fixed:
            note, ok = QInputDialog.getText(self, tr("Re-inspection: not fixed"), tr("What is still wrong?"))
            if not ok:
                return
        self._apply(ids, lambda service, item_id: service.reinspect(item_id, fixed, inspector, note))

    def _apply(self, ids: list[str], action: Any) -> None:
        service = RectificationService(self.ctx.ws)
        errors = []
        done = 0
        for item_id in ids:
            try:
                action(service, item_id)
                done += 1
            except AppError as exc:
                errors.append(str(exc))
        if done:
            self.reload()
            self._own_change = True
            try:
                self.ctx.changes.rectifications.emit()
            finally:
                self._own_change = False
        if errors:
            show_error(self, "\n".join(dict.fromkeys(errors)))
