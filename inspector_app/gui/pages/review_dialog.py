"""The review before finishing: every entry, the totals and the rectification deadlines; confirming locks it.

Signing and printing the inspection sheet belong to the documents feature: `MainWindow` receives
`RecordPage.finish_requested` → this dialog → `finished(inspection_id)`, which is where it hooks in.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import language, tr
from inspector_app.core.inspection_state import InspectionState
from inspector_app.gui.geometry import size_on_screen
from inspector_app.gui.models import deduction_text
from inspector_app.gui.thumbnails import show_thumbnails
from inspector_app.gui.widgets.tables import fill_table, text_table


class ReviewDialog(QDialog):
    def __init__(self, state: InspectionState, parent: QWidget | None = None, thumbnails: Any = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Review and finish the inspection"))
        self.setObjectName("reviewDialog")
        live = state.live_entries
        summary = QLabel()
        summary.setWordWrap(True)
        if state.scored:
            result = tr("passed") if state.score.passed else tr("FAILED")
            total = tr("Score {score:g} ({result}); deducted {points:g}", score=state.score.score or 0,
                       result=result, points=state.score.total)
        else:
            total = tr("Deducted {points:g} points in {count} entries", points=state.score.total, count=len(live))
        capped = [code for code, item in state.score.items.items() if item.capped]
        caps = tr("; caps applied to {codes}", codes=", ".join(capped)) if capped else ""
        summary.setText(f"<b>{state.department}</b> · {state.checklist.title.get(language())}<br>{total}{caps}<br>"
                        + tr("After finishing, the inspection is locked: entries can no longer be added or voided."))
        table = text_table(tr("Deductions to confirm"), [tr("Item"), tr("Person / department"), tr("Count"),
                                                         tr("Points"), tr("Required rectification"), tr("Deadline")],
                           row_numbers=True)
        fill_table(table, [[f"{entry.item_code} {entry.item_text}", entry.who, str(entry.count),
                            deduction_text(entry.points), entry.requirement or "", entry.deadline or ""]
                           for entry in live])
        self.table, self._photos = table, [entry.photo_paths[0] if entry.photo_paths else None for entry in live]
        self.thumbnails = thumbnails
        if thumbnails is not None and any(self._photos):
            show_thumbnails(table)
            thumbnails.ready.connect(self._show_photos)
            self._show_photos()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Confirm and finish"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Back to recording"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)
        # every column on screen, the item and the requirement wrapped (at font size 16 on 1024×768 the points
        # and deadlines were behind a scroll bar); the dialog as large as the screen allows
        table.setWordWrap(True)
        header = table.horizontalHeader()
        for column in (0, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.sectionResized.connect(lambda *_: table.resizeRowsToContents())  # rows as tall as their lines
        self.resize(size_on_screen(parent, 1100, 600))

    def _show_photos(self) -> None:
        """Each entry's first photo, small, beside its item (as soon as the worker has made it)."""
        for row, relative in enumerate(self._photos):
            pixmap = self.thumbnails.get(relative) if relative else None
            item = self.table.item(row, 0)
            if pixmap is not None and item is not None and item.icon().isNull():
                item.setIcon(QIcon(pixmap))
