"""The app's look: a few rules on top of the platform style, readable on a laptop on a ward round.

Sizes in the style sheet follow the font size setting (a style sheet's font-size beats the application
font, so fixed sizes would stay small when the user picks a larger font): each rule is the base size plus a
step, and `fonts.install_font` installs font and sheet together, at once, without a restart.

The sheet is set on the few widgets it styles (`styled`), not on the application: an application-wide
sheet puts every widget under Qt's style-sheet style, which made painting the item views about a third
slower (the entries table and the people list repaint at every keypress of a ward round).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

DEFAULT_POINT_SIZE = 11


def style_sheet(point_size: int = DEFAULT_POINT_SIZE) -> str:
    """The application style sheet for a base font of `point_size` points."""
    pad = max(4, round(point_size * 0.6))
    return f"""
QListWidget#nav {{ border: none; background: #f3f5f7; font-size: {point_size + 1}pt; outline: 0; }}
QListWidget#nav::item {{ padding: {pad}px {pad + 2}px; }}
QListWidget#nav::item:selected {{ background: #1f6fb2; color: white; }}
QLabel#inspectionHeader {{ font-size: {point_size + 1}pt; }}
QLabel#runningTotal {{ font-size: {point_size + 3}pt; font-weight: bold; color: #b3261e; padding: 0 {pad}px; }}
QLabel#preview {{ color: #1f6fb2; font-weight: bold; }}
QLabel#historyWarning {{ color: #b3261e; font-weight: bold; }}
QPushButton#recordButton {{ font-weight: bold; padding: {pad // 2 + 2}px {pad + 6}px; }}
QStatusBar QLabel {{ padding: 0 {pad}px; }}
QLabel#passphraseVerdict[ok="true"] {{ color: #1e7b34; font-weight: bold; }}
"""


def training_style(point_size: int = DEFAULT_POINT_SIZE) -> str:
    """Training mode (gui/training/mode.py): set on the main window on top of the sheet, so it cannot be
    mistaken for real inspections — an orange banner and an orange accent instead of the blue one."""
    return f"""
QToolBar#trainingBar {{ background: #e8710a; border: none; padding: 0; spacing: 0; }}
QLabel#trainingBanner {{ background: #e8710a; color: white; font-size: {point_size + 2}pt; font-weight: bold;
                         padding: 5px; }}
QListWidget#nav {{ background: #fff1e3; }}
QListWidget#nav::item:selected {{ background: #c25e0c; color: white; }}
"""


# the widgets the sheet is set on, each with the rules it adds for a point size (training's accent) or None
_styled: weakref.WeakKeyDictionary[QWidget, Callable[[int], str] | None] = weakref.WeakKeyDictionary()
_point_size = [DEFAULT_POINT_SIZE]


def styled(widget: QWidget, name: str | None = None, extra: Callable[[int], str] | None = None) -> QWidget:
    """Give `widget` (named `name`, when given) the app's rules and `extra`'s, now and at each font size change."""
    if name is not None:
        widget.setObjectName(name)
    _styled[widget] = extra
    widget.setStyleSheet(_sheet_for(extra))
    return widget


def restyle(point_size: int) -> None:
    """Rules for `point_size`, set again on every styled widget still alive (a new sheet re-polishes it)."""
    _point_size[0] = point_size
    for widget, extra in list(_styled.items()):
        if isValid(widget):
            widget.setStyleSheet(_sheet_for(extra))


def _sheet_for(extra: Callable[[int], str] | None) -> str:
    return style_sheet(_point_size[0]) + (extra(_point_size[0]) if extra is not None else "")
