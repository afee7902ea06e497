"""Qt table models over core data (model/view: views never hold copies of rows in widgets)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from inspector_app.core.i18n import tr
from inspector_app.core.inspection_state import Entry

Index = QModelIndex | QPersistentModelIndex


class EntriesModel(QAbstractTableModel):
    """The deductions of the open inspection; voided ones stay visible, greyed and struck through."""

    def __init__(self) -> None:
        super().__init__()
        self._entries: list[Entry] = []
        # most telling first: at laptop width the item's full text (last) is what gets cut
        self._headers = [tr("No."), tr("Time"), tr("Item"), tr("Person / department"), tr("Count"), tr("Points"),
                         tr("Note"), tr("What is checked")]

    def set_entries(self, entries: list[Entry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> Entry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row())
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            head = f" [{tr('department head')} ×{entry.multiplier:g}]" if entry.multiplier != 1 else ""
            note = entry.note + (f" 📷{entry.photos}" if entry.photos else "")
            if entry.voided:
                note = f"[{tr('void')}: {entry.void_reason}] {note}"
            return [entry.seq, entry.recorded_at[11:16], entry.item_code, entry.who + head, entry.count,
                    f"-{entry.points:g}", note, entry.item_text][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and entry.voided:
            return QColor(150, 150, 150)
        if role == Qt.ItemDataRole.FontRole and entry.voided:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.note or entry.item_text
        return None
