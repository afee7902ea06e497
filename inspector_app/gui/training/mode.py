"""Switching the window between the production and the training workspace, and making training look different.

Switching rebuilds the pages over the other workspace, like the language switch: nothing is unsaved (every
entry is on disk before it is on screen) and the other workspace's unfinished inspection reopens. Both
workspaces stay open (each holds its own data-folder lock) until the window closes. In training mode an
orange banner sits above the pages, the window title says 培训模式 and the accent colour turns orange.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.core.training.mode import (
    is_training,
    prepare_training_dir,
    production_dir,
)
from inspector_app.core.workspace import Workspace
from inspector_app.gui.messages import show_error
from inspector_app.gui.style import styled, training_style

if TYPE_CHECKING:
    from inspector_app.gui.main_window import MainWindow


class TrainingMode:
    """Owned by the main window: `apply()` after each build, `switch(on)` from the Training menu."""

    def __init__(self, window: MainWindow):
        self.window = window
        self._open: dict[Path, Workspace] = {window.ctx.ws.data_dir: window.ctx.ws}
        self._owned: list[Workspace] = []  # the workspaces this object opened (the first one is the app's)
        self.banner: QToolBar | None = None

    @property
    def active(self) -> bool:
        return is_training(self.window.ctx.ws)

    # -- look -----------------------------------------------------------------------------------------------
    def apply(self) -> None:
        """Banner, title suffix and accent colour for the current workspace (called at the end of each build)."""
        window = self.window
        if self.banner is not None:
            window.removeToolBar(self.banner)
            self.banner.setParent(None)
            self.banner.deleteLater()
            self.banner = None
        # the accent on the page list and the banner only: a sheet on the window would put every widget under
        # Qt's slower style-sheet style (gui/style.py)
        styled(window.nav, extra=training_style if self.active else None)
        if not self.active:
            return
        window.setWindowTitle(window.windowTitle() + " — " + tr("Training mode"))
        label = QLabel(tr("Training mode — nothing is sent to the office"))
        styled(label, "trainingBanner", extra=training_style)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setAccessibleName(tr("Training mode banner"))
        self.banner = QToolBar(tr("Training mode"))
        styled(self.banner, "trainingBar", extra=training_style)
        self.banner.setMovable(False)
        self.banner.setFloatable(False)
        self.banner.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.banner.addWidget(label)
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        self.banner.setVisible(True)  # added to a window already on screen: not shown by itself

    # -- switching ------------------------------------------------------------------------------------------
    def switch(self, on: bool) -> bool:
        """Reopen the window on the training (on) or production workspace; False when it stayed as it was."""
        window = self.window
        if on == self.active:
            return True
        if window.ctx.ops.running:
            show_error(window, tr("Wait until the work in the background has finished, then switch."))
            return False
        current = window.ctx.ws
        try:
            folder = prepare_training_dir(current.data_dir) if on else production_dir(current)
            target = self._open.get(folder)
            if target is None:
                target = Workspace.open(folder)
                self._open[folder] = target
                self._owned.append(target)
        except (AppError, OSError) as exc:
            show_error(window, str(exc))
            return False
        if on:
            from inspector_app.core.demo import ensure_demo_roster

            ensure_demo_roster(target)  # no production roster to copy: practise on the demo hospital
        window.ctx.ws = target
        window.undo_stack.clear()
        window._build()
        draft = window.start_page.latest_draft()
        if draft:  # that workspace's unfinished inspection reopens, as after a restart
            window.open_inspection(draft)
        window.ctx.changes.sync.emit()
        window.statusBar().showMessage(tr("Training mode on: practise freely, nothing is sent.") if on
                                       else tr("Training mode off: back to real inspections."), 8000)
        return True

    def close(self) -> None:
        """Close the workspaces opened for switching (the window is closing)."""
        for ws in self._owned:
            ws.close()
        self._owned.clear()
