"""The checklist as a tree (sections → items) with search by text, code and pinyin initials.

Items already deducted in this inspection are marked (bold, tinted, "×n"). Filtering uses the core's
search keys, so "xp" finds 胸牌 exactly as the core's tests say it does.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.checklists import Checklist
from inspector_app.core.checklists.models import ChargeTo, Item
from inspector_app.core.i18n import language, tr
from inspector_app.core.search import STRONG, item_search_key, matches, ranked
from inspector_app.gui.models import item_points_text

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
MARKED = QColor(255, 236, 214)


class _Filter(QSortFilterProxyModel):
    """Rows matching the query, the best matches (core/search.py strengths) first within each section."""

    def __init__(self) -> None:
        super().__init__()
        self.query = ""
        self.ranks: dict[str, int] = {}
        self.setRecursiveFilteringEnabled(True)

    def set_query(self, query: str, ranks: dict[str, int]) -> None:
        self.beginFilterChange()
        self.query, self.ranks = query, ranks
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self.invalidate()  # re-sort: the ranks changed with the query

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802 - Qt API
        worst = len(self.ranks) + 9
        return ((self.ranks.get(left.data(CODE_ROLE), worst), left.row())
                < (self.ranks.get(right.data(CODE_ROLE), worst), right.row()))

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        if not self.query.strip():
            return True
        key = self.sourceModel().index(row, 0, parent).data(KEY_ROLE)
        return bool(key) and matches(self.query, key)


class ItemTree(QWidget):
    """Search box + tree. `item_chosen` when the user picks an item (click, Enter, or search + Enter)."""

    item_selected = Signal(str)
    item_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search items: text, code or pinyin initials (e.g. xp for 胸牌)"))
        self.search.setAccessibleName(tr("Search checklist items"))
        self.search.setClearButtonEnabled(True)
        self.hint = QLabel()  # says so when nothing matches well: Enter then never picks an unrelated item
        self.hint.setObjectName("searchHint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(False)
        self.model = QStandardItemModel()
        self.proxy = _Filter()
        self.proxy.setSourceModel(self.model)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setAccessibleName(tr("Checklist items"))
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.hint)
        layout.addWidget(self.tree)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._choose_first)
        self.tree.activated.connect(lambda index: self._chosen(index))
        self.tree.selectionModel().currentChanged.connect(lambda index, _: self._selected(index))
        self._rows: dict[str, list[QStandardItem]] = {}
        self._items: list[Item] = []
        self._marked: dict[str, int] = {}
        self._looks_made: dict[bool, dict] = {}

    def load(self, checklist: Checklist) -> None:
        lang = language()
        self.model.clear()
        self._marked = {}
        self._items = checklist.items()
        self.model.setHorizontalHeaderLabels([tr("Item"), tr("What is checked"), tr("Points"), ""])
        self._rows = {}
        for section in checklist.sections:
            head = QStandardItem(section.code)
            title = QStandardItem(section.title.get(lang))
            font = title.font()
            font.setBold(True)
            title.setFont(font)
            for cell in (head, title):
                cell.setSelectable(False)
            self.model.appendRow([head, title, QStandardItem(""), QStandardItem("")])
            for item in section.items:
                row = self._item_row(item, lang, checklist.citation(item.source.file, lang))
                head.appendRow(row)
                self._rows[item.code] = row
        self.tree.expandAll()
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)

    def _item_row(self, item: Item, lang: str, cited: str) -> list[QStandardItem]:
        charge = tr("person") if item.charge_to is ChargeTo.PERSON else tr("department")
        cells = [QStandardItem(item.code), QStandardItem(item.text.get(lang)),
                 QStandardItem(f"{item_points_text(item)} {charge}"), QStandardItem("")]
        tip = self._tooltip(item, lang, cited)
        key = item_search_key(item)
        for cell in cells:
            cell.setData(item.code, CODE_ROLE)
            cell.setData(key, KEY_ROLE)
            cell.setToolTip(tip)
        return cells

    @staticmethod
    def _tooltip(item: Item, lang: str, cited: str) -> str:
        """The full text (long ones are cut in the column), the guidance and where the item comes from, as
        rich text so the tooltip wraps; a data role on the cells, built once when the checklist loads."""
        lines = [f"<p><b>{item.code}</b> {escape(item.text.get(lang))}</p>"]
        if item.guidance:
            lines.append(f"<p>{escape(item.guidance.get(lang))}</p>")
        lines.append(f"<p style='color:#555'>{tr('Source')}: {escape(cited)} {escape(item.source.section)}</p>")
        return "".join(lines)

    def mark(self, counts: Counter) -> None:
        """Show which items are already deducted in this inspection (and how often).

        Only rows whose count changed are touched, and the change is announced to the view only, once per
        row: the marks decide neither the filter nor the order, but every change the source model announces
        makes the proxy re-filter and re-sort (lessThan in Python) — a row's ten setters did so ten times,
        6 ms a keypress, more than the rest of the entry together. Only the codes counted now or marked
        before are looked at, not every item of the checklist.
        """
        for code in counts.keys() | self._marked.keys():
            count, row = counts.get(code, 0), self._rows.get(code)
            if row is None or count == self._marked.get(code, 0):
                continue
            self._marked[code] = count
            looks = self._looks(count > 0)
            blocked = self.model.blockSignals(True)
            try:
                for cell in row:  # font and background in one call a cell (each call into Qt costs)
                    self.model.setItemData(cell.index(), looks)
                row[3].setText(f"×{count}" if count else "")
                row[3].setAccessibleDescription(tr("deducted {count} times", count=count) if count else "")
            finally:
                self.model.blockSignals(blocked)
            first, last = self.proxy.mapFromSource(row[0].index()), self.proxy.mapFromSource(row[-1].index())
            if first.isValid() and last.isValid():  # a row the search hides is painted when it shows again
                self._repaint_row(first, last)

    def _repaint_row(self, first: QModelIndex, last: QModelIndex) -> None:
        """The row painted again; the change announced (dataChanged) only when its new text or bold font needs
        a wider column: the announcement makes the header fit its columns to every row of the checklist
        (ResizeToContents), three quarters of a mark's time at each keypress."""
        tree, header = self.tree, self.tree.header()
        indent = tree.indentation() * (2 if tree.rootIsDecorated() else 1)  # an item sits one level down
        if any(tree.sizeHintForIndex(first.siblingAtColumn(column)).width() + (indent if column == 0 else 0)
               > header.sectionSize(column) for column in (0, 2, 3)):
            self.proxy.dataChanged.emit(first, last)
        else:
            tree.viewport().update(tree.visualRect(first).united(tree.visualRect(last)))

    def _looks(self, marked: bool) -> dict:
        """The font and background roles of a marked (bold on the accent) or unmarked row, made once."""
        looks = self._looks_made.get(marked)
        if looks is None:
            font = QFont()
            font.setBold(marked)
            looks = self._looks_made[marked] = {Qt.ItemDataRole.FontRole: font,
                                                Qt.ItemDataRole.BackgroundRole: QBrush(MARKED) if marked else QBrush()}
        return looks

    def _filter(self, text: str) -> None:
        found = ranked(self._items, text) if text.strip() else []  # the core's ranking: direct hits first
        self.proxy.set_query(text, {item.code: rank for rank, item in found})
        self.proxy.sort(0)
        self.tree.expandAll()
        self.hint.setVisible(False)
        if not text.strip():
            first = self._first_item()
            if first is not None:
                self.tree.setCurrentIndex(first)
        elif found and found[0][0] <= STRONG:
            self.select(found[0][1].code)
        else:  # nothing meant: no item is current, so Enter cannot record an unrelated one
            self.tree.selectionModel().clearSelection()
            self.tree.setCurrentIndex(QModelIndex())
            self.hint.setText(tr("No direct match for “{query}”: {count} partial matches below; ↓ to look at them, "
                                 "Enter to pick one.", query=text.strip(), count=len(found)) if found
                              else tr("Nothing matches “{query}”.", query=text.strip()))
            self.hint.setVisible(True)
            self.item_selected.emit("")  # the form shows that no item is picked

    def _first_item(self) -> QModelIndex | None:
        for section in range(self.proxy.rowCount()):
            parent = self.proxy.index(section, 0)
            if self.proxy.rowCount(parent):
                return self.proxy.index(0, 0, parent)
        return None

    def _choose_first(self) -> None:
        """Enter in the search box: the current (well matching) item is chosen; after a weak search the
        first partial match is only shown, in the list, for a second Enter there."""
        index = self.tree.currentIndex()
        if index.isValid() and index.data(CODE_ROLE):
            self._chosen(index)
            return
        first = self._first_item()
        if first is not None:
            self.tree.setFocus()
            self.tree.setCurrentIndex(first)

    def _selected(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if code:
            self.item_selected.emit(code)

    def _chosen(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if code:
            self.item_chosen.emit(code)

    def select(self, code: str) -> None:
        row = self._rows.get(code)
        if row:
            self.tree.setCurrentIndex(self.proxy.mapFromSource(row[0].index()))

    def current_code(self) -> str | None:
        return self.tree.currentIndex().data(CODE_ROLE)

    def visible_codes(self) -> list[str]:
        codes = []
        for section in range(self.proxy.rowCount()):
            parent = self.proxy.index(section, 0)
            codes += [self.proxy.index(r, 0, parent).data(CODE_ROLE) for r in range(self.proxy.rowCount(parent))]
        return codes
