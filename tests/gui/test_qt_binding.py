"""The Qt binding the app runs on keeps Python's reference counts: PySide6 6.12.0 dropped a reference to None
on every call that returns nothing, so after a few thousand calls (an hour of a ward round) Python 3.11 aborted
with "none_dealloc" or crashed in whatever ran next (pyproject.toml pins below it)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QComboBox, QLineEdit


def test_calls_that_return_nothing_keep_none_alive(qtbot) -> None:
    field, combo = QLineEdit(), QComboBox()
    qtbot.addWidget(field)
    qtbot.addWidget(combo)
    before = sys.getrefcount(None)
    for _ in range(2000):
        field.setText("x")
        combo.clear()
    assert sys.getrefcount(None) - before > -100  # 4,000 calls: 6.12.0 lost 4,000 references here
