"""The keyboard shortcut sheet (Help → Keyboard shortcuts): every flow works without a mouse."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QVBoxLayout,
)

from inspector_app.core.i18n import tr
from inspector_app.gui.widgets.tables import fill_table, text_table

# (keys, what they do) — English source text, translated when shown
SHORTCUTS = (
    ("Ctrl+N", "Start a new inspection"),
    ("Ctrl+F", "Search checklist items (text, code or pinyin initials such as xp)"),
    ("Enter", "In the search box: pick the first match; in the item list: go to the people"),
    ("Space", "Tick or untick the highlighted person"),
    ("Tab / Shift+Tab", "Move between people, count, note and buttons"),
    ("Enter", "In people, count or note: record the deduction"),
    ("Del", "Void the selected deduction (asks for a reason)"),
    ("Ctrl+Z / Ctrl+Y", "Undo / redo recording or voiding"),
    ("Ctrl+V", "Paste a photo from the clipboard (in the photo list)"),
    ("Ctrl+Shift+Enter", "Review and finish the inspection"),
    ("Ctrl+Shift+S", "Send finished inspections to the share"),
    ("Ctrl+1 … Ctrl+5", "Inspect, History, Rectification, Monthly summary, Settings"),
    ("F1", "This list"),
    ("Ctrl+Q", "Quit (everything recorded is already saved)"),
)


class ShortcutSheet(QDialog):
    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(tr("Keyboard shortcuts"))
        table = text_table(tr("Keyboard shortcuts"), [tr("Keys"), tr("What it does")])
        fill_table(table, [[keys, tr(text)] for keys, text in SHORTCUTS])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(640, 460)
