"""Training in the window: the 培训 menu (training mode on/off, drills, calibration, exporting drills).

The main window calls `add_training_menu(window, bar)` while building its menus and owns a `TrainingMode`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenuBar, QWidget

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.gui.messages import show_error
from inspector_app.gui.training.mode import TrainingMode

if TYPE_CHECKING:
    from inspector_app.core.training import Pack
    from inspector_app.gui.main_window import MainWindow
    from inspector_app.gui.training.calibration import CalibrationDialog
    from inspector_app.gui.training.drill import DrillDialog

__all__ = ["TrainingMode", "add_training_menu", "open_calibration", "open_drill"]


def add_training_menu(window: MainWindow, bar: QMenuBar) -> None:
    menu = bar.addMenu(tr("&Training"))
    toggle = QAction(tr("Training mode"), window)
    toggle.setObjectName("trainingModeAction")
    toggle.setCheckable(True)
    toggle.setChecked(window.training.active)
    toggle.triggered.connect(lambda checked: _toggled(window, toggle, checked))
    menu.addAction(toggle)
    menu.addSeparator()
    for text, slot in ((tr("&Drill…"), lambda: open_drill(window)),
                       (tr("&Calibration of trainees…"), lambda: open_calibration(window)),
                       (tr("&Export my drills…"), lambda: export_drills(window))):
        action = QAction(text, window)
        action.triggered.connect(slot)
        menu.addAction(action)


def _toggled(window: MainWindow, action: QAction, checked: bool) -> None:
    if not window.training.switch(checked):
        action.setChecked(window.training.active)  # refused: the menu must not claim otherwise


def _packs(window: QWidget, ctx) -> list[Pack] | None:
    from inspector_app.core.training.drills import bundled_packs, training_library

    try:
        return bundled_packs(training_library(ctx.ws))
    except AppError as exc:
        show_error(window, str(exc))
        return None


def open_drill(window: MainWindow) -> DrillDialog | None:
    """The drill runs in the training workspace: switch to it first."""
    from inspector_app.gui.training.drill import DrillDialog

    if not window.training.switch(True):
        return None
    packs = _packs(window, window.ctx)
    if not packs:
        return None
    dialog = DrillDialog(window.ctx, packs, window)
    dialog.open()  # window-modal: the workspace cannot be switched under a drill
    return dialog


def open_calibration(window: MainWindow) -> CalibrationDialog | None:
    from inspector_app.gui.training.calibration import CalibrationDialog

    packs = _packs(window, window.ctx)
    if packs is None:
        return None
    dialog = CalibrationDialog(window.ctx, packs, window)
    dialog.open()
    return dialog


def export_drills(window: MainWindow, path: Path | None = None) -> int:
    """Write this workspace's submitted drills as one attempt file for the trainer; returns how many."""
    from inspector_app.core.training.drills import DRILLS, attempts_in, export_attempts
    from inspector_app.core.training.mode import production_dir, training_dir

    if path is None:
        name, _ = QFileDialog.getSaveFileName(window, tr("Export my drills…"), str(Path.home() / "drills.json"),
                                              "JSON (*.json)")
        if not name:
            return 0
        path = Path(name)
    try:
        folder = training_dir(production_dir(window.ctx.ws)) / DRILLS  # in either mode
        count = export_attempts(attempts_in(folder), path)
    except AppError as exc:
        show_error(window, str(exc))
        return 0
    window.statusBar().showMessage(tr("{count} drill(s) written to {path}", count=count, path=path), 10_000)
    return count
