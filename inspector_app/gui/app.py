"""Starting the desktop app: Qt application, bundled CJK font, logging, the data folder, the main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from inspector_app.core.demo import ensure_demo_roster
from inspector_app.core.errors import AppError, DataFolderBusy
from inspector_app.core.i18n import LANGUAGE_ENV, set_language, tr
from inspector_app.core.logs import setup_logging
from inspector_app.core.paths import resolve_data_dir, resources_dir
from inspector_app.core.workspace import Workspace
from inspector_app.gui.context import GuiContext
from inspector_app.gui.desktop import (
    brand_application,
    install_crash_handler,
    smoke_exit,
)
from inspector_app.gui.first_run import run_first_run_wizard
from inspector_app.gui.main_window import MainWindow
from inspector_app.gui.operations import Operations
from inspector_app.gui.style import STYLE

log = logging.getLogger(__name__)
FONT_FILE = "wqy-microhei.ttc"


_families: list[str] = []


def install_font(app: QApplication, point_size: int) -> list[str]:
    """Register the bundled CJK font (once) and use it after the platform's UI font, so Chinese always
    renders; also the place the font size setting takes effect."""
    if not _families:
        font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / FONT_FILE))
        _families.extend(QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else [])
        _families.insert(0, app.font().family())
    font = QFont(app.font())
    font.setFamilies(list(dict.fromkeys(_families)))
    font.setPointSize(point_size)
    app.setFont(font)
    return _families


def create_main_window(ws: Workspace) -> MainWindow:
    """The window over an open workspace (tests and `run` use the same path)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    install_font(app, ws.settings.font_size)
    app.setStyleSheet(STYLE)
    ensure_demo_roster(ws)  # the embedded default: a first run has the demo hospital to inspect
    ctx = GuiContext(ws, Operations())
    return MainWindow(ctx)


def run(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("inspector-app")
    app.setApplicationDisplayName(tr("Service inspection"))
    brand_application(app)
    setup_logging(data_dir)
    try:
        ws = Workspace.open(data_dir)
    except DataFolderBusy as exc:
        QMessageBox.critical(None, tr("Service inspection"), str(exc))
        return exc.exit_code
    except AppError as exc:
        QMessageBox.critical(None, tr("Service inspection"), str(exc))
        return exc.exit_code
    if not getattr(args, "lang", None) and not os.environ.get(LANGUAGE_ENV):
        set_language(ws.settings.language)
    install_crash_handler(data_dir)
    smoke = getattr(args, "smoke_test", False)
    try:
        if not smoke and not run_first_run_wizard(ws):
            return 0  # cancelled: nothing was set up, the next start asks again
        window = create_main_window(ws)
        window.show()
        if smoke:
            smoke_exit(app, window)
        return app.exec()
    finally:
        ws.close()
