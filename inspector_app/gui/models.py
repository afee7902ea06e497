"""Qt table models over core data (model/view: views never hold copies of rows in widgets)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QStandardItem, QStandardItemModel

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
_VOID_COLOUR = QColor(150, 150, 150)


class EntriesModel(QStandardItemModel):
    """The deductions of the open inspection; voided ones stay visible, greyed and struck through. With
    `thumbnails`, an entry's first photo shows small beside its note (made off the GUI thread).

    Painting asks for every role of every visible cell on every repaint (after each entry: the table
    scrolls), ~500 questions a keypress; so the cells are Qt's own items, made once per entry, and a repaint
    never calls into Python (a Python `data` took a third of the table's repaint). The entries stay the
    source: the rows are remade from them (`set_entries`, `update_entries`), never edited on screen."""

    NOTE = 6

    def __init__(self, thumbnails: Any = None) -> None:
        super().__init__()
        # most telling first: at laptop width the item's full text (last) is what gets cut
        self.setHorizontalHeaderLabels([tr("No."), tr("Time"), tr("Item"), tr("Person / department"), tr("Count"),
                                        tr("Points"), tr("Note"), tr("What is checked")])
        self.thumbnails = thumbnails
        self._entries: list[Entry] = []
        self._void_font = QFont()
        self._void_font.setStrikeOut(True)
        if thumbnails is not None:
            thumbnails.ready.connect(self._thumbnails_ready)

    def set_entries(self, entries: list[Entry]) -> None:
        """All rows anew (one reset: the views measure once, not once per row)."""
        self.beginResetModel()
        blocked = self.blockSignals(True)  # the rows' own insert signals: the reset tells the views
        try:
            self.setRowCount(0)
            self._entries = list(entries)
            for row, entry in enumerate(self._entries):
                self.appendRow(self._items(row, entry))
        finally:
            self.blockSignals(blocked)
        self.endResetModel()

    def entry(self, row: int) -> Entry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    row_at = entry

    def rows(self) -> list[Entry]:
        return list(self._entries)

    def update_entries(self, entries: list[Entry], replaced: list[int], appended: int) -> None:
        """Show a few changed entries without a reset (a reset re-measures every row: slow at each keypress):
        `entries` is the inspection's list after core's update_entries, which replaced and appended rows."""
        self._entries = list(entries)
        for row in replaced:
            for column, item in enumerate(self._items(row, entries[row])):
                self.setItem(row, column, item)
        for row in range(len(entries) - appended, len(entries)):
            self.appendRow(self._items(row, entries[row]))

    def _items(self, row: int, entry: Entry) -> list[QStandardItem]:
        head = f" [{tr('department head')} ×{entry.multiplier:g}]" if entry.multiplier != 1 else ""
        # a word, not 📷: the bundled font has no emoji, so the marker showed as an empty box
        note = entry.note + (" " + tr("[{count} photos]", count=entry.photos) if entry.photos else "")
        if entry.voided:
            note = f"[{tr('void')}: {entry.void_reason}] {note}"
        # No. counts the rows of this inspection (1..n); the stored sequence number means nothing here
        cells = [row + 1, entry.recorded_at[11:16], entry.item_code, entry.who + head, entry.count,
                 deduction_text(entry.points) if entry.points else tr("no points"), note, entry.item_text]
        tooltip = entry.note or entry.item_text
        items = []
        for value in cells:
            # a QStandardItem made here, never QStandardItem.clone(): a clone is made by Qt, not as PySide's
            # wrapper class, so when the model deletes it PySide is not told, and a later Qt object at the same
            # address came back as that stale QStandardItem (an item view's selectionModel(), in CI)
            item = QStandardItem()
            item.setData(value, _DISPLAY)
            item.setToolTip(tooltip)
            item.setEditable(False)
            if entry.voided:
                item.setForeground(_VOID_COLOUR)
                item.setFont(self._void_font)
            items.append(item)
        if entry.photo_paths and self.thumbnails is not None:
            pixmap = self.thumbnails.get(entry.photo_paths[0])  # None (and queued) until made
            if pixmap is not None:
                items[self.NOTE].setData(pixmap, _DECORATION)
        return items

    def _thumbnails_ready(self) -> None:
        for row, entry in enumerate(self._entries):
            if entry.photo_paths:
                item = self.item(row, self.NOTE)
                pixmap = self.thumbnails.get(entry.photo_paths[0])
                if item is not None and pixmap is not None and item.data(_DECORATION) is None:
                    item.setData(pixmap, _DECORATION)

