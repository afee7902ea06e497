"""Finding an entry of an editable combo box by its pinyin initials, full pinyin or code ("ghsf" → 挂号收费窗口).

Built on the first letter typed, not with the page: the start page is on the quick start path, where the
pinyin tables must not load before the window is on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter

SEARCH_ROLE = Qt.ItemDataRole.UserRole + 7


class _Completer(QCompleter):
    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802 - Qt API
        return str(index.data(Qt.ItemDataRole.DisplayRole))  # the entry's name goes into the box, not its pinyin


class PinyinCompletion(QObject):
    """Attach to an editable combo box; its entries are matched anywhere in label, data, pinyin and initials."""

    def __init__(self, combo: QComboBox):
        super().__init__(combo)
        self.combo = combo
        self.completer: QCompleter | None = None
        line = combo.lineEdit()
        assert line is not None, "the combo box must be editable"
        line.textEdited.connect(self._typed)

    def _typed(self, text: str) -> None:
        if self.completer is None and text.strip() and text.isascii():
            self.rebuild()
            assert self.completer is not None
            self.completer.setCompletionPrefix(text)
            self.completer.complete()

    def _chosen(self, label: str) -> None:
        row = self.combo.findText(label)
        if row >= 0:
            self.combo.setCurrentIndex(row)

    def rebuild(self) -> None:
        """Index the combo's current entries (call again after they change)."""
        from inspector_app.core.search import pinyin_forms

        model = QStandardItemModel(self)
        for row in range(self.combo.count()):
            label, data = self.combo.itemText(row), self.combo.itemData(row)
            item = QStandardItem(label)
            item.setData(" ".join((label.lower(), str(data or "").lower(), *pinyin_forms(label))), SEARCH_ROLE)
            model.appendRow(item)
        completer = _Completer(model, self)
        completer.setCompletionRole(SEARCH_ROLE)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated[str].connect(self._chosen)  # the entry's name (pathFromIndex)
        self.combo.setCompleter(completer)
        self.completer = completer
