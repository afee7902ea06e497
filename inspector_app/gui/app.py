"""Starting the desktop app: Qt application, bundled CJK font, logging, the data folder, the main window.

Start-up speed matters (the window is opened many times a day), so this module imports the store, the
pages and the wizard only inside the functions that need them; with a start snapshot the quick start
window (gui/quick_start.py) is on screen before they have loaded.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from inspector_app.core.i18n import (
    LANGUAGE_ENV,
    LANGUAGES,
    language,
    preload,
    record_lookups,
    set_language,
    tr,
)
from inspector_app.core.paths import resolve_data_dir
from inspector_app.core.start_snapshot import (
    StartSnapshot,
    read_settings,
    read_snapshot,
)
from inspector_app.gui.desktop import (
    brand_application,
    install_crash_handler,
    name_application,
    smoke_exit,
)
from inspector_app.gui.fonts import install_font, needs_rare_faces
from inspector_app.gui.quick_start import QuickStart, first_screen_shown, startup_mark

if TYPE_CHECKING:
    from inspector_app.core.workspace import Workspace
    from inspector_app.gui.main_window import MainWindow

log = logging.getLogger(__name__)
def create_main_window(ws: Workspace) -> MainWindow:
    """The window over an open workspace (tests and `run` use the same path)."""
    from inspector_app.core.demo import ensure_demo_roster
    from inspector_app.gui.context import GuiContext
    from inspector_app.gui.main_window import MainWindow
    from inspector_app.gui.operations import Operations

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    install_font(app, ws.settings.font_size)
    ensure_demo_roster(ws)  # the embedded default: a first run has the demo hospital to inspect
    ctx = GuiContext(ws, Operations())
    return MainWindow(ctx)


def _language_fixed(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "lang", None) or os.environ.get(LANGUAGE_ENV))


def _show_main_window(app: QApplication, ws: Workspace, args: argparse.Namespace) -> MainWindow:
    if not _language_fixed(args):
        set_language(ws.settings.language)
    window = create_main_window(ws)
    window.show()
    if getattr(args, "smoke_test", False):
        smoke_exit(app, window)
    QTimer.singleShot(0, window.save_start_snapshot)
    return window


def _start_snapshot(data_dir: Path, args: argparse.Namespace) -> tuple[StartSnapshot, dict[str, Any]] | None:
    """The last run's start snapshot and the raw settings when a quick start can use them (not for the training
    workspace, whose window must look different from the first moment); its translations preloaded."""
    settings = read_settings(data_dir)
    if settings.get("training"):
        return None
    if not _language_fixed(args) and settings.get("language") in LANGUAGES:
        set_language(settings["language"])
    snapshot = read_snapshot(data_dir, language())
    if snapshot is None:
        return None
    preload(snapshot.language, snapshot.messages)
    return snapshot, settings


def _quick_start(app: QApplication, data_dir: Path, snapshot: StartSnapshot, settings: dict[str, Any],
                 args: argparse.Namespace) -> QuickStart:
    """The two-step start when the last run left a start snapshot."""
    font_size = settings.get("font_size")
    size = font_size if isinstance(font_size, int) and 8 <= font_size <= 24 else 11
    install_font(app, size, rare=False)  # the faces for rare characters wait for the main window…
    if needs_rare_faces(snapshot.texts()):  # …unless a name on the first screen needs them
        install_font(app, size)
    geometry = settings.get("window_geometry")
    return QuickStart(app, data_dir, snapshot, geometry if isinstance(geometry, str) else None,
                      lambda ws: _show_main_window(app, ws, args))


def _after_shown(app: QApplication, data_dir: Path) -> None:
    """What the quick start does once its window is on screen (the ordinary start before its window): the
    icon, Qt's own catalogue and the log file."""
    # not before the quick start's first screen
    from inspector_app.core.logs import setup_logging

    brand_application(app)
    setup_logging(data_dir)


def run(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    record_lookups()  # the translations this start needs, for the next one's snapshot
    found = _start_snapshot(data_dir, args)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    name_application(app)
    install_crash_handler(data_dir)
    if found is not None:
        quick = _quick_start(app, data_dir, *found, args)
        try:
            return quick.exec(after_shown=lambda: _after_shown(app, data_dir))
        finally:
            quick.close()
    _after_shown(app, data_dir)
    from PySide6.QtWidgets import (
        QMessageBox,  # not on the quick start path (see gui/messages.py)
    )

    from inspector_app.core.errors import AppError, DataFolderBusy
    from inspector_app.core.workspace import Workspace
    from inspector_app.gui.first_run import run_first_run_wizard

    try:
        ws = Workspace.open(data_dir)
    except DataFolderBusy as exc:
        QMessageBox.critical(None, tr("Service inspection"), str(exc))
        return exc.exit_code
    except AppError as exc:
        QMessageBox.critical(None, tr("Service inspection"), str(exc))
        return exc.exit_code
    if not _language_fixed(args):
        set_language(ws.settings.language)
    try:
        if not getattr(args, "smoke_test", False) and not run_first_run_wizard(ws):
            return 0  # cancelled: nothing was set up, the next start asks again
        _show_main_window(app, ws, args)
        first_screen_shown()
        startup_mark("ready")
        return app.exec()
    finally:
        ws.close()
