"""Push buttons and button rows as every page builds them: a label, a name for screen readers, a slot.

Callers pass text already translated (tr("...") stays at the call site, where the catalog check finds it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from inspector_app.gui.style import styled


def push_button(text: str, accessible_name: str, slot: Callable[..., object] | SignalInstance | None = None, *,
                default: bool = False, object_name: str = "") -> QPushButton:
    """A QPushButton with its screen-reader name and its clicked slot (or signal) connected."""
    button = QPushButton(text)
    button.setAccessibleName(accessible_name)
    if object_name:
        styled(button, object_name)
    if default:
        button.setDefault(True)
    if slot is not None:
        button.clicked.connect(slot)
    return button


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    """Buttons side by side, pushed to the right as dialogs place them."""
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row
