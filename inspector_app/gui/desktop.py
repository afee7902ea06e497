"""The app as a desktop program: its icon, crash reports from the event loop, the About box, and the hidden
smoke-test exit the built program's test uses (`inspector-app --smoke-test`)."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from inspector_app import __version__
from inspector_app.core.i18n import on_language_change, tr
from inspector_app.core.paths import resources_dir

if TYPE_CHECKING:
    # made when used: the quick start shows its window first (QIcon's class alone ~4-6 ms)
    from PySide6.QtCore import QTranslator
    from PySide6.QtGui import QIcon

log = logging.getLogger(__name__)

# (component, licence) shown in the About box; the font's licence text ships in resources/fonts/
LICENCES = (
    ("WenQuanYi Micro Hei 文泉驿微米黑", "Apache-2.0"),
    ("Qt 6 / PySide6", "LGPL-3.0"),
    ("Python", "PSF-2.0"),
    ("SQLAlchemy, Alembic, pydantic, pyHanko, openpyxl, pypinyin, platformdirs, filelock", "MIT"),
    ("ReportLab, cryptography, psycopg", "BSD / Apache-2.0 / LGPL-3.0"),
    ("pypdfium2 (PDFium)", "Apache-2.0 / BSD-3-Clause"),
)


def app_icon() -> QIcon:
    """The application icon in every size we ship (title bars, task bar, Alt+Tab)."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for png in sorted((resources_dir() / "icons").glob("inspector-app-*.png")):
        icon.addFile(str(png))
    return icon


def name_application(app: QApplication) -> None:
    """The names task bars group and label the app by (the desktop entry: packaging/inspector-app.desktop);
    before any window is made (Wayland takes the desktop entry's name when a window is created)."""
    app.setApplicationName("inspector-app")
    app.setApplicationDisplayName(tr("Service inspection"))
    app.setDesktopFileName("inspector-app")


def brand_application(app: QApplication) -> None:
    """The icon, and Qt's own texts (OK, Cancel, Close in standard dialogs) in the app's language. The quick
    start does this once its window is on screen: the start page shows neither (a window's icon follows the
    application's when it is set), and making QIcon's class and loading the catalogue cost its first screen
    ~8 ms."""
    app.setWindowIcon(app_icon())
    on_language_change(_qt_language)


_qt_translator: list[QTranslator] = []


def _qt_language(lang: str) -> None:
    """Load Qt's Chinese catalogue (qtbase_zh_CN, shipped with PySide6 and in the built program) for zh."""
    app = QApplication.instance()
    if app is None:
        return
    for translator in _qt_translator:
        app.removeTranslator(translator)
    _qt_translator.clear()
    if lang == "zh":
        from PySide6.QtCore import QLibraryInfo, QTranslator

        translator = QTranslator(app)
        if translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(translator)
            _qt_translator.append(translator)


def install_crash_handler(data_dir: Path) -> None:
    """Unexpected errors in the event loop: the details to the log and a crash report in
    <data>/crash-reports/, a plain message naming that file; the app keeps running."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error\n%s", "".join(traceback.format_exception(kind, value, tb)))
        from PySide6.QtWidgets import (
            QMessageBox,  # not on the quick start path (see gui/messages.py)
        )

        # nor this (its dataclass: see gui/pages/start_page.py)
        from inspector_app.core.errors import AppError

        if isinstance(value, AppError):  # expected, already in plain words
            QMessageBox.warning(None, tr("Cannot do that"), str(value) + "\n\n" + tr("Details are in the log file."))
            return
        from inspector_app.core.crash import (  # loaded when needed, not at start
            CRASH_DIR,
            write_crash_report,
        )

        try:
            where = str(write_crash_report((kind, value, tb), data_dir))
        except OSError:
            where = str(data_dir / CRASH_DIR)
        QMessageBox.warning(None, tr("Cannot do that"),
                            tr("Something went wrong: {detail}", detail=value) + "\n\n"
                            + tr("A crash report was written to {path}. Please send this file to the office.",
                                 path=where))

    sys.excepthook = hook


def about_text(data_dir: Path) -> str:
    """Rich text, so a long licence line wraps under its own bullet instead of back at the left edge."""
    from html import escape  # not on the start-up path: html.entities is a large table

    from inspector_app.core.crash import CRASH_DIR
    from inspector_app.core.logs import log_dir

    folders = (tr("Data folder: {path}", path=data_dir), tr("Log files: {path}", path=log_dir(data_dir)),
               tr("Crash reports: {path}", path=data_dir / CRASH_DIR))
    licences = "".join(f"<li>{escape(component)}: {escape(licence)}</li>" for component, licence in LICENCES)
    return (f"<p><b>{escape(tr('Service inspection {version}', version=__version__))}</b></p>"
            f"<p>{'<br>'.join(escape(line) for line in folders)}</p>"
            f"<p>{escape(tr('Licences:'))}</p><ul style='margin-top: 0; -qt-list-indent: 1'>{licences}</ul>")


def show_about(parent: QWidget | None, data_dir: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.about(parent, tr("About"), about_text(data_dir))


def smoke_exit(app: QApplication, window: QWidget, timeout_ms: int = 30000) -> None:
    """--smoke-test: exit 0 as soon as the main window is on screen, 1 if it is not within the timeout."""
    timer = QTimer(app)
    waited = [0]

    def check() -> None:
        waited[0] += timer.interval()
        handle = window.windowHandle()
        if window.isVisible() and handle is not None and handle.isExposed():
            if sys.stdout is not None:  # the windowed Windows build has no console
                print(f"smoke test: main window shown ({window.windowTitle()})", flush=True)
            timer.stop()
            app.exit(0)
        elif waited[0] >= timeout_ms:
            if sys.stderr is not None:
                print("smoke test: the main window was not shown", file=sys.stderr, flush=True)
            timer.stop()
            app.exit(1)

    timer.timeout.connect(check)
    timer.start(50)
