"""Where the main window opens: inside the screen it is on, whatever that screen is.

Hospitals' laptops have 1024×768, 1280×720 or 1366×768 screens with a taskbar, so a fixed 1280×760 window
put the running total, 完成督查 and 记录扣分 off-screen. The window takes the preferred size when the
screen's free area has room for it (title bar included), else the whole free area; a saved geometry is
restored only when it still fits the screen (the laptop may have been docked to a bigger one last time).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

PREFERRED = QSize(1280, 760)
TITLE_BAR = 32  # what the window manager adds above the window (pixels); unknown before the window is shown


def fits(window: QRect, available: QRect) -> bool:
    """The window, with a title bar above it, lies inside the available area."""
    framed = window.adjusted(0, -TITLE_BAR, 0, 0)
    return available.contains(framed)


def default_geometry(available: QRect, minimum: QSize) -> tuple[QRect, bool]:
    """(geometry, maximise) for a first start on a screen whose free area is `available`.

    Room for the preferred size: that size, centred. Otherwise the whole free area (and maximised, so the
    window manager keeps the title bar on screen); never smaller than the window's minimum size.
    """
    room = QSize(available.width(), available.height() - TITLE_BAR)
    if room.width() >= PREFERRED.width() and room.height() >= PREFERRED.height():
        rect = QRect(0, 0, PREFERRED.width(), PREFERRED.height())
        rect.moveCenter(available.center())
        rect.moveTop(max(rect.top(), available.top() + TITLE_BAR))
        return rect, False
    size = room.expandedTo(minimum)
    return QRect(available.left(), available.top() + TITLE_BAR, size.width(), size.height()), True


def within_screen(wanted: QSize, free: QRect) -> QSize:
    """A dialog's size: `wanted`, but never more than the screen's free area `free` leaves below a title bar
    (a dialog sized for 1366×768 ran off a 1024×768 laptop's screen)."""
    return wanted.boundedTo(QSize(free.width(), free.height() - TITLE_BAR))


def free_area(widget: QWidget | None) -> QRect:
    """The free area (without taskbar and docks) of the screen the widget is on, else of the primary one."""
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def size_on_screen(near: QWidget | None, width: int, height: int) -> QSize:
    """A window's size beside `near`: width × height where the free area of its screen has room, else less."""
    return within_screen(QSize(width, height), free_area(near))
