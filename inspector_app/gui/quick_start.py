"""Cold start in two steps: the start page at once, the workspace behind it.

Importing SQLAlchemy and pydantic and opening the store takes most of a cold start. When the data folder
has a start snapshot (core/start_snapshot.py), a light window that looks like the main window shows the
start page from it straight away, and a thread opens the workspace meanwhile (the GIL is free while the
event loop waits, so the window stays responsive). When the workspace is open the real main window takes
the user's choices, typing and any start or resume they already asked for, and replaces the light one.

Only PySide6 and stdlib-light modules are imported at module level here; keep it that way.
"""

from __future__ import annotations

import binascii
import gc
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QWidget,
)

from inspector_app.core.i18n import tr
from inspector_app.core.start_snapshot import StartSnapshot
from inspector_app.gui.geometry import default_geometry, fits, free_area
from inspector_app.gui.navigation import PAGES
from inspector_app.gui.pages.start_page import SnapshotStartPage
from inspector_app.gui.style import styled


def menu_titles() -> list[str]:
    """The main window's menu bar (checked against it by a test), drawn disabled until it is ready."""
    return [tr("&File"), tr("&Inspection"), tr("&Edit"), tr("&Go"), tr("&Documents"), tr("&Training"),
            tr("&Office"), tr("&Help")]


class QuickStartWindow(QMainWindow):
    """The main window's look with only the start page working, filled from the snapshot."""

    def __init__(self, snapshot: StartSnapshot, geometry: str | None):
        super().__init__()
        self.setObjectName("quickStartWindow")
        self.setWindowTitle(tr("Service inspection — {hospital}", hospital=snapshot.hospital))
        nav = QListWidget()
        styled(nav, "nav")  # the one widget here the sheet styles (gui/style.py)
        nav.setAccessibleName(tr("Sections of the app"))
        nav.addItems([tr(name) for name in PAGES])
        nav.setFixedWidth(max(130, nav.sizeHintForColumn(0) + 40))
        nav.setCurrentRow(0)
        nav.setEnabled(False)
        self.start_page = SnapshotStartPage(None, snapshot=snapshot)
        self.start_page.waiting.connect(self._waiting)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(nav)
        row.addWidget(self.start_page, 1)
        self.setCentralWidget(central)
        for title in menu_titles():
            self.menuBar().addMenu(title).setEnabled(False)
        self.statusBar().showMessage(tr("Opening your data…"))
        # the main window's rule (gui/geometry.py), so it takes over without a jump: the saved size only while it
        # fits this screen (the laptop may have been docked to a bigger one), else one made for the screen
        free = free_area(self)
        if not (geometry and self.restoreGeometry(_geometry_bytes(geometry)) and fits(self.geometry(), free)):
            self.setGeometry(default_geometry(free, QSize())[0])

    def _waiting(self) -> None:
        self.statusBar().showMessage(tr("Opening your data… it continues by itself in a moment."))


def _geometry_bytes(geometry: str) -> bytes:
    """The saved window geometry (base64), decoded without making QByteArray's class (~1 ms of the first screen);
    b"" when damaged, which restoreGeometry refuses (the window then takes its default size)."""
    try:
        return binascii.a2b_base64(geometry.encode("ascii"))
    except (ValueError, UnicodeError):  # binascii.Error is a ValueError
        return b""


class _Delivery(QObject):
    """Carries the opened workspace (or the error) from the loader thread to the GUI thread (queued)."""

    ready = Signal(object)
    failed = Signal(object)


class WorkspaceLoader:
    """Opens the workspace on a thread and warms what the main window will need; results on the GUI thread."""

    def __init__(self, data_dir: Path, on_ready: Callable[[Any], None], on_failed: Callable[[BaseException], None]):
        self.data_dir = data_dir
        self._delivery = _Delivery()
        self._delivery.ready.connect(on_ready)
        self._delivery.failed.connect(on_failed)
        self._thread = threading.Thread(target=self._load, name="workspace-loader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _load(self) -> None:
        try:
            from inspector_app.core.roster_store import current_roster
            from inspector_app.core.workspace import Workspace

            ws = Workspace.open(self.data_dir)
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread, which tells the user
            self._delivery.failed.emit(exc)
            return
        try:  # warm-up only: a failure here surfaces again, properly reported, when the window uses it
            _ = ws.library
            current_roster(ws)
        except Exception:  # noqa: BLE001, S110
            pass
        self._delivery.ready.emit(ws)


MARKS_ENV = "INSPECTOR_APP_STARTUP_MARKS"


def startup_mark(name: str) -> None:
    """With INSPECTOR_APP_STARTUP_MARKS set, print `name` the moment a start-up stage is reached: the
    benchmark times these lines from process launch (`interactive`: a usable start page on screen;
    `ready`: the full main window)."""
    if os.environ.get(MARKS_ENV):
        print(f"startup {name}", flush=True)


def first_screen_shown() -> None:
    """The start page is usable: mark it, and collect garbage again (`inspector-app` pauses the collector for
    the window's start, see cli/main.py run_gui)."""
    startup_mark("interactive")
    gc.enable()


class QuickStart:
    """Runs the two-step start: shows the quick window, opens the workspace, hands over to `open_window`.

    `open_window(ws)` builds and shows the real main window (the caller's ordinary path). `exec()` returns
    the event loop's exit code; the workspace, once opened, is closed by `close()`.
    """

    def __init__(self, app: QApplication, data_dir: Path, snapshot: StartSnapshot, geometry: str | None,
                 open_window: Callable[[Any], QMainWindow]):
        self.app, self.open_window = app, open_window
        self.ws: Any = None
        self.window: QMainWindow | None = None
        self.quick = QuickStartWindow(snapshot, geometry)
        self.loader = WorkspaceLoader(data_dir, self._ready, self._failed)

    def exec(self, after_shown: Callable[[], object] | None = None) -> int:
        """Show the quick window, then (`after_shown`: start-up work that can wait a moment) open the rest."""
        startup_mark("quick")
        self.quick.show()
        self.app.processEvents()
        first_screen_shown()
        if after_shown is not None:
            after_shown()
        self.loader.start()
        # the main window's Qt modules are imported here, on the GUI thread, while the loader opens the store:
        # PySide's import hook is not to run in a second thread while this one works (a crash seen once)
        import inspector_app.gui.main_window  # noqa: F401
        return self.app.exec()

    def _ready(self, ws: Any) -> None:
        self.ws = ws
        form = self.quick.start_page.form()
        self.window = self.open_window(ws)
        self.window.start_page.take_over(form)  # type: ignore[attr-defined]
        self.quick.close()
        self.quick.deleteLater()
        startup_mark("ready")

    def _failed(self, error: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox

        from inspector_app.core.errors import AppError

        message = str(error) if isinstance(error, AppError) else tr("Something went wrong: {detail}",
                                                                   detail=error)
        QMessageBox.critical(self.quick, tr("Service inspection"), message)
        self.app.exit(getattr(error, "exit_code", 1))

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
