"""Small helpers shared by the table views."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
)

from inspector_app.gui.widgets.combo import compact_combo  # noqa: F401 - the pages import it from here too


def row_view(model: QAbstractItemModel, name: str, *,
             resize: QHeaderView.ResizeMode = QHeaderView.ResizeMode.ResizeToContents,
             stretch_last: bool = True, wrap: bool = True) -> QTableView:
    """A read-only table of a model's rows as the pages show them: whole rows selected, no row numbers."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table (arrows move inside): the buttons below stay reachable
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(wrap)
    view.horizontalHeader().setSectionResizeMode(resize)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    return view


def grow_columns(view: QTableView) -> None:
    """Columns that fit their text, measured only where rows change: ResizeToContents re-measures every row
    of every column at each inserted row (the entries table at each keypress of a round). A reset fits all
    columns again; inserted or changed rows only widen a column that is too narrow for them."""
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    model = view.model()

    def widen(first: int, last: int) -> None:
        for column in range(model.columnCount() - (1 if header.stretchLastSection() else 0)):
            if view.isColumnHidden(column):
                continue
            wanted = max(view.sizeHintForIndex(model.index(row, column)).width() for row in range(first, last + 1))
            wanted += 1 if view.showGrid() else 0  # as QTableView.sizeHintForColumn counts the grid line
            if wanted > header.sectionSize(column):
                header.resizeSection(column, wanted)

    model.modelReset.connect(view.resizeColumnsToContents)
    model.rowsInserted.connect(lambda _parent, first, last: widen(first, last))
    model.dataChanged.connect(lambda top, bottom, _roles=(): widen(top.row(), bottom.row()))
    view.resizeColumnsToContents()


def text_table(name: str, headers: list[str], *, row_numbers: bool = False) -> QTableWidget:
    """A read-only table of plain text (fill it with fill_table): columns fit their text, the last one stretches."""
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(row_numbers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    """Replace the table's rows with these texts."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


def fit_columns(table: QTableView, widest: int = 280) -> None:
    """Fit the columns to the loaded rows once (they stay resizable), long titles capped."""
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for column in range(header.count()):
        header.resizeSection(column, min(header.sectionSize(column), widest))
