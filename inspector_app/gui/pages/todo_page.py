"""The to-do page (待办): what is waiting for the inspector today, each row opening the place to do it.

The list is the core's (core/todo.py) for today's date. Enter on a row opens: a due re-inspection → the
Rectification page with that item selected; a draft → the recording page; an unsigned sheet → the sign
dialog; a notice not issued → issuing and the print preview. Del on a draft discards it, with a reason.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.core.todo import TodoItem, kind_text, todo_counts, todo_list
from inspector_app.gui.context import GuiContext
from inspector_app.gui.messages import show_error
from inspector_app.gui.models import RowTableModel
from inspector_app.gui.pages.rectification_page import OVERDUE_BACKGROUND, OVERDUE_TEXT
from inspector_app.gui.reports import open_sign_dialog, print_notices
from inspector_app.gui.widgets.buttons import button_row, push_button
from inspector_app.gui.widgets.tables import fit_columns, row_view

if TYPE_CHECKING:
    from inspector_app.gui.pages.sign_dialog import SignDialog


class TodoModel(RowTableModel):
    def __init__(self) -> None:
        super().__init__([tr("To do"), tr("Date"), tr("Department / window"), tr("Details")])

    def row_data(self, row: TodoItem, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            kind = kind_text(row.kind) + (f"（{tr('overdue')}）" if row.overdue else "")
            details = row.what
            if row.kind in ("draft", "unsigned", "notice"):  # the count first: a long title is what gets cut
                details = tr("{count} entries", count=row.entries) + " · " + details
            return [kind, row.when, row.department, details][column]
        if row.overdue:
            if role == Qt.ItemDataRole.ForegroundRole:
                return OVERDUE_TEXT
            if role == Qt.ItemDataRole.BackgroundRole:
                return OVERDUE_BACKGROUND
        return None


class TodoPage(QWidget):
    """The to-do list; the window opens drafts and rectification items (it owns those pages)."""

    open_draft = Signal(str)  # inspection id
    show_rectification = Signal(str)  # rectification id
    discard_draft = Signal(str, str)  # inspection id, department (the window asks why, and discards)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._stale = False
        self.sign_dialog: SignDialog | None = None
        self.summary = QLabel()
        self.summary.setObjectName("todoSummary")
        self.summary.setWordWrap(True)
        self.model = TodoModel()
        self.table = row_view(self.model, tr("To-do list"), resize=QHeaderView.ResizeMode.Interactive)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.activated.connect(self._activated)  # Enter (and double-click)
        self.open_button = push_button(tr("Open (Enter)"), tr("Open the selected to-do item"), self.open_selected)
        self.discard_button = push_button(tr("Discard draft… (Del)"), tr("Discard the selected draft, with a reason"),
                                          self.discard_selected)
        hint = QLabel(tr("Enter opens the place to do it: the Rectification page, the draft, the sign dialog or "
                         "the notices."))
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addLayout(button_row(self.open_button, self.discard_button))
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, self.discard_selected)
        delete.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        ctx.changes.inspections.connect(self._changed)
        ctx.changes.rectifications.connect(self._changed)
        self.refresh()

    # -- loading ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Today's list from the core (the page passes the date: the core never reads the clock)."""
        self._stale = False
        current = self.selected()
        try:
            items = todo_list(self.ctx.ws, date.today())
        except AppError as exc:
            show_error(self, str(exc))
            return
        self.model.set_rows(items)
        counts = todo_counts(items)
        self.summary.setText(tr("{reinspect} re-inspections due, {draft} drafts, {unsigned} sheets to sign, "
                                "{notice} inspections with notices to issue", **counts) if items
                             else tr("Nothing to do: no drafts, unsigned sheets, notices or re-inspections due."))
        keep = next((row for row, item in enumerate(items) if current is not None and
                     (item.kind, item.inspection_id, item.rectification_id)
                     == (current.kind, current.inspection_id, current.rectification_id)), 0)
        if items:
            self.table.setCurrentIndex(self.model.index(min(keep, len(items) - 1), 0))
            fit_columns(self.table, widest=320)
        self._update_buttons()

    def _changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True  # recording stays fast while the page is hidden

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale:
            self.refresh()
        self.table.setFocus()  # arrows and Enter work at once (the page is reached by Ctrl+5)

    # -- acting -------------------------------------------------------------------------------------------
    def selected(self) -> TodoItem | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        item = self.selected()
        self.open_button.setEnabled(item is not None)
        self.discard_button.setEnabled(item is not None and item.kind == "draft")

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.row_at(index.row())
        if item is not None:
            self.open_item(item)

    def open_selected(self) -> None:
        item = self.selected()
        if item is not None:
            self.open_item(item)

    def open_item(self, item: TodoItem) -> None:
        if item.kind == "reinspect" and item.rectification_id:
            self.show_rectification.emit(item.rectification_id)
        elif item.kind == "draft":
            self.open_draft.emit(item.inspection_id)
        elif item.kind == "unsigned":
            self.sign_dialog = open_sign_dialog(self.ctx, self, item.inspection_id)
            if self.sign_dialog is not None:
                self.sign_dialog.signed.connect(lambda _issued: self._changed())
        elif item.kind == "notice":
            print_notices(self.ctx, self, item.inspection_id).finished.connect(self._changed)

    def discard_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        if item.kind != "draft":
            show_error(self, tr("Only a draft can be discarded; select an unfinished draft."))
            return
        self.discard_draft.emit(item.inspection_id, item.department)
