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


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_VOID_COLOUR = QColor(150, 150, 150)


class EntriesModel(RowTableModel):
    """The deductions of the open inspection; voided ones stay visible, greyed and struck through. With
    `thumbnails`, an entry's first photo shows small beside its note (made off the GUI thread).

    Painting asks for every role of every visible cell, on every repaint (after each entry: the table
    scrolls); so a row's texts are made once per entry and `data` only looks them up."""

    NOTE = 6

    def __init__(self, thumbnails: Any = None) -> None:
        # most telling first: at laptop width the item's full text (last) is what gets cut
        super().__init__([tr("No."), tr("Time"), tr("Item"), tr("Person / department"), tr("Count"), tr("Points"),
                          tr("Note"), tr("What is checked")])
        self.thumbnails = thumbnails
        self._texts: dict[str, tuple[Entry, list[Any]]] = {}  # entry id → (the entry, its cells' texts)
        self._void_font = QFont()
        self._void_font.setStrikeOut(True)
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

    def _cells(self, entry: Entry) -> list[Any]:
        known = self._texts.get(entry.id)
        if known is not None and known[0] is entry:
            return known[1]
        head = f" [{tr('department head')} ×{entry.multiplier:g}]" if entry.multiplier != 1 else ""
        # a word, not 📷: the bundled font has no emoji, so the marker showed as an empty box
        note = entry.note + (" " + tr("[{count} photos]", count=entry.photos) if entry.photos else "")
        if entry.voided:
            note = f"[{tr('void')}: {entry.void_reason}] {note}"
        cells = [None, entry.recorded_at[11:16], entry.item_code, entry.who + head, entry.count,
                 deduction_text(entry.points) if entry.points else tr("no points"), note, entry.item_text]
        self._texts[entry.id] = (entry, cells)
        return cells

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        entry: Entry = self._rows[row]
        column, role = index.column(), int(role)
        if role == _DISPLAY:
            # No. counts the rows of this inspection (1..n); the stored sequence number means nothing here
            return row + 1 if column == 0 else self._cells(entry)[column]
        if role == _DECORATION:
            if column == self.NOTE and entry.photo_paths and self.thumbnails is not None:
                return self.thumbnails.get(entry.photo_paths[0])
            return None
        if entry.voided:
            if role == _FOREGROUND:
                return _VOID_COLOUR
            if role == _FONT:
                return self._void_font
        if role == _TOOLTIP:
            return entry.note or entry.item_text
        return None
