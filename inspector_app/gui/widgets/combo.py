"""The compact combo box the pages' filters and the start page use.

Its own module: the start page is on the quick start path, and the table helpers' Qt classes (QHeaderView,
QTableView…) cost ~40 ms to make there.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def compact_combo(chars: int = 14) -> QComboBox:
    """A combo box sized for about `chars` characters, not its longest entry (long checklist titles would
    otherwise push the window wider than a 1366-pixel laptop screen); the popup still shows entries in full."""
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo
