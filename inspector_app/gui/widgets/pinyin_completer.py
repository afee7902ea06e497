"""Finding an entry of an editable combo box by its pinyin initials, full pinyin or code ("ghsf" → 挂号收费窗口).

Built on the first letter typed, not with the page: the start page is on the quick start path, where the
pinyin tables must not load before the window is on screen. Nor may the Qt namespace (`from PySide6.QtCore
import Qt`): making its enums takes ~200 ms, more than half a bare window's whole start, so the roles are
plain numbers here and the completer's Qt classes are imported when it is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from PySide6.QtWidgets import QComboBox, QCompleter

SEARCH_ROLE = 0x0100 + 7  # Qt.ItemDataRole.UserRole + 7


def _completer_class() -> type[QCompleter]:
    """The completer putting the entry's name into the box, not its pinyin (made once, when first needed)."""
    global _COMPLETER
    if _COMPLETER is None:
        from PySide6.QtCore import QModelIndex, QPersistentModelIndex
        from PySide6.QtWidgets import QCompleter

        class _Completer(QCompleter):
            def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802 - Qt API
                return str(index.data())  # the display role: the entry's name

        _COMPLETER = _Completer
    return _COMPLETER


_COMPLETER: type[QCompleter] | None = None


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
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QStandardItem, QStandardItemModel
        from PySide6.QtWidgets import QCompleter

        from inspector_app.core.search import pinyin_forms

        model = QStandardItemModel(self)
        for row in range(self.combo.count()):
            label, data = self.combo.itemText(row), self.combo.itemData(row)
            item = QStandardItem(label)
            item.setData(" ".join((label.lower(), str(data or "").lower(), *pinyin_forms(label))), SEARCH_ROLE)
            model.appendRow(item)
        completer = _completer_class()(model, self)
        completer.setCompletionRole(SEARCH_ROLE)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated[str].connect(self._chosen)  # the entry's name (pathFromIndex)
        self.combo.setCompleter(completer)
        self.completer = completer
