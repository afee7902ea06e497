"""The window fits the screen it is on (issue 17): 1024×768, 1280×720, 1366×768 minus the taskbar; a saved
geometry only when it fits; a font size change applies at once, style sheet sizes included."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from inspector_app.gui.geometry import PREFERRED, TITLE_BAR, default_geometry, fits, within_screen
from inspector_app.gui.style import style_sheet

TASKBAR = 40


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 720), (1366, 768)])
def test_a_small_screen_gets_its_whole_free_area(width, height):
    available = QRect(0, 0, width, height - TASKBAR)
    rect, maximise = default_geometry(available, QSize(900, 640))
    assert maximise
    assert fits(rect, available) and rect.width() == width and rect.height() == height - TASKBAR - TITLE_BAR


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 720), (1366, 768)])
def test_a_dialog_never_runs_off_a_small_screen(width, height):
    """The drill (1240×700), the calibration (1100×680) and the office workspace (1280×720) ask for more than
    some laptops have: they get the free area below a title bar; a dialog that fits keeps its size."""
    available = QRect(0, 0, width, height - TASKBAR)
    for wanted in (QSize(1240, 700), QSize(1100, 680), QSize(1280, 720)):
        size = within_screen(wanted, available)
        assert size.width() <= width and size.height() <= height - TASKBAR - TITLE_BAR
        assert size.width() == min(wanted.width(), width)
    assert within_screen(QSize(640, 480), available) == QSize(640, 480)


def test_a_big_screen_gets_the_preferred_size_centred():
    available = QRect(0, 0, 1920, 1040)
    rect, maximise = default_geometry(available, QSize(900, 640))
    assert not maximise and rect.size() == PREFERRED and fits(rect, available)
    assert abs(rect.center().x() - available.center().x()) <= 1


def test_a_saved_geometry_from_a_bigger_screen_is_not_restored(gui_workspace, open_window, qtbot):
    window = open_window(gui_workspace)
    window.showNormal()
    window.setGeometry(QRect(0, TITLE_BAR, 1600, 1000))
    window.close()  # saves the geometry
    assert gui_workspace.settings.window_geometry
    again = open_window(gui_workspace)
    available = again.available_area()
    assert again.isMaximized() or fits(again.geometry(), available), (again.geometry(), available)


def test_font_size_applies_at_once_with_the_style_sheet(main_window, qtbot):
    ws = main_window.ctx.ws
    ws.update_settings(font_size=16)
    main_window.ctx.changes.settings.emit()
    app = QApplication.instance()
    assert app.font().pointSize() == 16
    assert "font-size: 17pt" in main_window.nav.styleSheet()  # the page list follows the base size
    assert not app.styleSheet()  # set on the few widgets it styles: the item views paint without it
    button = main_window.record_page.findChild(QPushButton, "recordButton")
    assert button.font().pointSize() == 16
    total = main_window.record_page.findChild(QLabel, "runningTotal")
    assert total.font().pointSize() == 19
    assert main_window.nav.width() >= main_window.nav.sizeHintForColumn(0)
    assert style_sheet(11) != style_sheet(16)
    ws.update_settings(font_size=11)
    main_window.ctx.changes.settings.emit()
    assert main_window.record_page.findChild(QLabel, "runningTotal").font().pointSize() == 14
