"""Small helpers shared by the table views."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableView


def row_view(model: QAbstractItemModel, name: str, *,
             resize: QHeaderView.ResizeMode = QHeaderView.ResizeMode.ResizeToContents,
             stretch_last: bool = True, wrap: bool = True) -> QTableView:
    """A read-only table of a model's rows as the pages show them: whole rows selected, no row numbers."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(wrap)
    view.horizontalHeader().setSectionResizeMode(resize)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    return view


def fit_columns(table: QTableView, widest: int = 280) -> None:
    """Fit the columns to the loaded rows once (they stay resizable), long titles capped."""
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for column in range(header.count()):
        header.resizeSection(column, min(header.sectionSize(column), widest))


def compact_combo(chars: int = 14) -> QComboBox:
    """A combo box sized for about `chars` characters, not its longest entry (long checklist titles would
    otherwise push the window wider than a 1366-pixel laptop screen); the popup still shows entries in full."""
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo
