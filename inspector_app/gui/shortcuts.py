"""The keyboard shortcut sheet (Help → Keyboard shortcuts, F1): every flow works without a mouse.

The sheet lists the keys that work inside the pages (below) and then every menu command that has a key,
read from the window's own actions, so a key added to a menu can never be missing from the sheet.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import tr
from inspector_app.gui.geometry import size_on_screen
from inspector_app.gui.widgets.tables import fill_table, text_table

# keys handled inside the pages (not menu commands) — English source text, translated when shown
SHORTCUTS = (
    ("Enter", "In the search box: pick the first match; in the item list: go to the people"),
    ("Space", "Tick or untick the highlighted person"),
    ("Tab / Shift+Tab", "Move between fields, lists, tables and buttons (arrow keys move inside a table)"),
    ("Enter", "In people, count or note: record the deduction"),
    ("Enter", "In Co-inspector or Location / ward: start the inspection"),
    ("Del", "Void the selected deduction (asks for a reason)"),
    ("Ctrl+V", "Paste a photo from the clipboard (in the photo list)"),
    ("Enter", "In the History table: open the selected inspection"),
    ("Alt+letter", "Open a menu by its underlined letter"),
)


def menu_shortcuts(window: QWidget) -> list[tuple[str, str]]:
    """(keys, command) for every action of the window that has a key, in menu order, keys as the user sees them."""
    rows = []
    seen: set[int] = set()
    for action in window.findChildren(QAction):
        if id(action) in seen or not action.shortcuts() or not action.text():
            continue
        seen.add(id(action))
        keys = " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        rows.append((keys, action.text().replace("&", "").rstrip("…").strip()))
    return rows


class ShortcutSheet(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle(tr("Keyboard shortcuts"))
        self.table = text_table(tr("Keyboard shortcuts"), [tr("Keys"), tr("What it does")])
        rows = [[keys, tr(text)] for keys, text in SHORTCUTS]
        if parent is not None:
            rows += [[keys, text] for keys, text in menu_shortcuts(parent)]
        fill_table(self.table, rows)
        note = QLabel(tr("Every command is also in the menus (Alt opens the menu bar)."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        # every text whole: the descriptions wrap in a column that takes the width left, rows grow to them
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.resize(self._fitting_size(parent, rows))

    def _fitting_size(self, parent: QWidget | None, rows: list[list[str]]) -> QSize:
        """Wide enough for the longest line when the screen allows (else the texts wrap), as tall as the rows
        up to most of the screen's free height (then it scrolls)."""
        metrics = self.fontMetrics()
        columns = [max(metrics.horizontalAdvance(row[c]) for row in rows) + 2 * metrics.height() for c in (0, 1)]
        return size_on_screen(parent, max(480, sum(columns) + 4 * metrics.height()),
                              max(320, (len(rows) + 4) * (metrics.height() + 8) + 4 * metrics.height()))

    def keys(self) -> list[str]:
        return [self.table.item(row, 0).text() for row in range(self.table.rowCount())]
