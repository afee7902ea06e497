"""Qt table models over core data (model/view: views never hold copies of rows in widgets)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from inspector_app.core.i18n import tr
from inspector_app.core.inspection_state import Entry

Index = QModelIndex | QPersistentModelIndex


def deduction_text(points: float) -> str:
    """Points deducted as every table shows them: "−2" (a real minus sign, no trailing ".0")."""
    return f"−{points:g}"


def item_points_text(item: Any) -> str:
    """An item's points per occurrence ("−2"), or 不扣分 for a finding without points (checklist `deducts`)."""
    return deduction_text(item.points_each) if item.deducts else tr("no points")


def item_basis_text(item: Any) -> str:
    if not item.deducts:
        return tr("no points: rectify by the deadline")
    return tr("stated in source") if item.points_basis.value == "source" else tr("local assumption")


class RowTableModel(QAbstractTableModel):
    """Rows of one kind under fixed headers: subclasses only say what a cell shows (`row_data`)."""

    def __init__(self, headers: list[str]) -> None:
        super().__init__()
        self._headers = headers
        self._rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        return None if row is None else self.row_data(row, index.column(), role)

    def row_data(self, row: Any, column: int, role: int) -> Any:
        raise NotImplementedError


class EntriesModel(RowTableModel):
    """The deductions of the open inspection; voided ones stay visible, greyed and struck through. With
    `thumbnails`, an entry's first photo shows small beside its note (made off the GUI thread)."""

    NOTE = 6

    def __init__(self, thumbnails: Any = None) -> None:
        # most telling first: at laptop width the item's full text (last) is what gets cut
        super().__init__([tr("No."), tr("Time"), tr("Item"), tr("Person / department"), tr("Count"), tr("Points"),
                          tr("Note"), tr("What is checked")])
        self.thumbnails = thumbnails
        if thumbnails is not None:
            thumbnails.ready.connect(self._thumbnails_ready)

    def set_entries(self, entries: list[Entry]) -> None:
        self.set_rows(entries)

    def entry(self, row: int) -> Entry | None:
        return self.row_at(row)

    def update_entries(self, entries: list[Entry], replaced: list[int], appended: int) -> None:
        """Show a few changed entries without a reset (a reset re-measures every row: slow at each keypress):
        `entries` is the inspection's list after core's update_entries, which replaced and appended rows."""
        if appended:
            start = len(entries) - appended
            self.beginInsertRows(QModelIndex(), start, len(entries) - 1)
            self._rows = list(entries)
            self.endInsertRows()
        else:
            self._rows = list(entries)
        for row in replaced:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def _thumbnails_ready(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, self.NOTE), self.index(len(self._rows) - 1, self.NOTE),
                                  [Qt.ItemDataRole.DecorationRole])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # No. counts the rows of this inspection (1..n); the stored sequence number means nothing here
        if role == Qt.ItemDataRole.DisplayRole and index.isValid() and index.column() == 0:
            return index.row() + 1 if self.row_at(index.row()) is not None else None
        return super().data(index, role)

    def row_data(self, entry: Entry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            head = f" [{tr('department head')} ×{entry.multiplier:g}]" if entry.multiplier != 1 else ""
            # a word, not 📷: the bundled font has no emoji, so the marker showed as an empty box
            note = entry.note + (" " + tr("[{count} photos]", count=entry.photos) if entry.photos else "")
            if entry.voided:
                note = f"[{tr('void')}: {entry.void_reason}] {note}"
            return [None, entry.recorded_at[11:16], entry.item_code, entry.who + head, entry.count,
                    deduction_text(entry.points), note, entry.item_text][column]
        if role == Qt.ItemDataRole.DecorationRole and column == self.NOTE and entry.photo_paths \
                and self.thumbnails is not None:
            return self.thumbnails.get(entry.photo_paths[0])
        if role == Qt.ItemDataRole.ForegroundRole and entry.voided:
            return QColor(150, 150, 150)
        if role == Qt.ItemDataRole.FontRole and entry.voided:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.note or entry.item_text
        return None
