"""One past inspection, read-only: header, every entry (voided ones greyed), totals and subtotals.

Opened from the history; it shows what `load_state` computes, so the numbers match the recording screen
and the core's reports. Nothing here can change the inspection.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import language, tr
from inspector_app.core.inspection_state import InspectionState, load_state
from inspector_app.core.workspace import Workspace
from inspector_app.gui.geometry import size_on_screen
from inspector_app.gui.models import EntriesModel
from inspector_app.gui.thumbnails import show_thumbnails
from inspector_app.gui.widgets.tables import row_view


def mode_text(mode: str) -> str:
    return tr("covert (暗访)") if mode == "covert" else tr("open (明查)")


def status_text(status: str) -> str:
    return tr("finished") if status == "finished" else tr("draft")


class InspectionDialog(QDialog):
    """Read-only view of one inspection (window-modal via open(), so the event loop keeps running)."""

    def __init__(self, ws: Workspace, inspection_id: str, parent: QWidget | None = None, thumbnails: Any = None):
        super().__init__(parent)
        self.setObjectName("inspectionDialog")
        self.setWindowTitle(tr("Inspection record"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.state: InspectionState = load_state(ws, inspection_id)
        self.header = QLabel(self._header_html())
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.entries_model = EntriesModel(thumbnails)
        self.entries_model.set_entries(self.state.entries)
        self.entries = row_view(self.entries_model, tr("Deductions of this inspection"))
        show_thumbnails(self.entries)
        self.totals = QLabel(self._totals_text())
        self.totals.setObjectName("inspectionTotals")
        self.totals.setAccessibleName(tr("Totals"))
        self.totals.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.entries, 1)
        layout.addWidget(self.totals)
        layout.addWidget(buttons)
        self.resize(size_on_screen(parent, 960, 560))

    def _header_html(self) -> str:
        state = self.state
        co = tr(", with {name}", name=state.co_inspector) if state.co_inspector else ""
        place = f" · {escape(state.location)}" if state.location else ""
        return (f"<b>{escape(state.department)}</b> · {escape(state.checklist.title.get(language()))} · "
                f"{mode_text(state.mode)} · {status_text(state.status)}<br>"
                f"{tr('Inspector')}: {escape(state.inspector + co)} · "
                f"{state.started_at[:16].replace('T', ' ')}{place}")

    def _totals_text(self) -> str:
        state = self.state
        live = len(state.live_entries)
        if state.scored:
            result = tr("passed") if state.score.passed else tr("FAILED")
            total = tr("Score {score:g} ({result}); deducted {points:g}", score=state.score.score or 0,
                       result=result, points=state.score.total)
        else:
            total = tr("Deducted {points:g} points in {count} entries", points=state.score.total, count=live)
        parts = [f"{who} −{points:g}" for who, points in state.subtotals]
        subtotals = tr("Subtotals: {list}", list="；".join(parts)) if parts else tr("Nothing deducted.")
        return f"{total}\n{subtotals}"
