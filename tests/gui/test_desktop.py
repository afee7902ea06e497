"""The app as a desktop program: icon, About box, crash reports from the event loop."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from inspector_app import __version__
from inspector_app.core.crash import CRASH_DIR
from inspector_app.gui.desktop import about_text, app_icon, install_crash_handler


def test_icon_has_every_size(qtbot):
    sizes = {(s.width(), s.height()) for s in app_icon().availableSizes()}
    assert {(16, 16), (32, 32), (256, 256)} <= sizes


def test_about_names_version_folders_and_licences(main_window, gui_data, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    main_window._about()
    assert shown == [about_text(gui_data)]
    text = shown[0]
    assert __version__ in text and str(gui_data / "logs") in text and str(gui_data / CRASH_DIR) in text
    assert "WenQuanYi Micro Hei 文泉驿微米黑: Apache-2.0" in text and "LGPL-3.0" in text


def test_unexpected_error_in_the_event_loop_writes_a_report(qtbot, tmp_path, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    previous = sys.excepthook
    install_crash_handler(tmp_path)
    try:
        try:
            raise ZeroDivisionError("division by zero in a slot")
        except ZeroDivisionError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous
    reports = list((tmp_path / CRASH_DIR).glob("crash-*.txt"))
    assert len(reports) == 1 and "ZeroDivisionError: division by zero in a slot" in reports[0].read_text("utf-8")
    assert shown and str(reports[0]) in shown[0] and "办公室" in shown[0]
    assert QApplication.instance() is not None  # the app keeps running


def test_qt_standard_buttons_follow_the_app_language(qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    from inspector_app.core.i18n import set_language
    from inspector_app.gui.desktop import brand_application

    def ok_text() -> str:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        return box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")

    set_language("zh")
    brand_application(qapp)
    assert ok_text() == "取消"
    set_language("en")
    assert ok_text() == "Cancel"
    set_language("zh")
    assert ok_text() == "取消"
