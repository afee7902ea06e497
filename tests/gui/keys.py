"""Driving the window from the keyboard in tests: Tab until a widget has focus, answer a modal dialog by keys.

Only key events reach the widgets (QTest key clicks): a step that would need the mouse fails here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def tab_to(qtbot, target: QWidget, *, back: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) on whatever has focus until `target` (or a child of it) has focus."""
    for _ in range(limit):
        widget = focused()
        if widget is not None and (widget is target or target.isAncestorOf(widget)):
            return
        assert widget is not None, "nothing has the keyboard focus"
        qtbot.keyClick(widget, Qt.Key.Key_Backtab if back else Qt.Key.Key_Tab,
                       Qt.KeyboardModifier.ShiftModifier if back else Qt.KeyboardModifier.NoModifier)
    raise AssertionError(f"Tab never reached {target!r} (stuck at {focused()!r})")


def key(qtbot, sequence: str) -> None:
    """A key combination ("Ctrl+Shift+M", "F1", "Return") sent to the focused widget, as a keyboard does
    (to the active window when no widget has the focus)."""
    from PySide6.QtGui import QKeySequence

    combo = QKeySequence(sequence)[0]
    target = focused() or QApplication.activeWindow()
    assert target is not None, "no window is active: keys would go nowhere"
    qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())


def activate(qtbot, window: QWidget) -> None:
    """Make `window` the active window (a keyboard user's keys go there)."""
    window.activateWindow()
    window.raise_()
    qtbot.waitUntil(window.isActiveWindow)


def modal_dialog() -> QDialog | None:
    widget = QApplication.activeModalWidget()
    return widget if isinstance(widget, QDialog) and widget.isVisible() else None


def dialog_focus(dialog: QDialog) -> QWidget:
    """Where the dialog's keyboard focus is (its own idea of it: the window may not be active yet)."""
    return dialog.focusWidget() or dialog


def answer_modal(qtbot, keys: Callable[[QDialog], None]) -> list[QDialog]:
    """Before a step opens a blocking dialog (exec): when it shows, `keys(dialog)` types into it."""
    seen: list[QDialog] = []

    def poll() -> None:
        dialog = modal_dialog()
        if dialog is None:
            QTimer.singleShot(20, poll)
            return
        seen.append(dialog)
        dialog.activateWindow()  # the keyboard user's keys go to the dialog that just opened
        keys(dialog)

    QTimer.singleShot(20, poll)
    return seen
