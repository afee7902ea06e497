"""Choosing photos from a folder (a camera card) to attach to an entry: a list of its files, Space ticks.

Every file of the folder is listed (a card also holds clips and thumbnails): the core refuses anything
that is not a readable photo, naming it, and then attaches nothing (Recorder.attach_photos).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import tr
from inspector_app.gui.widgets.buttons import button_row, push_button

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


def folder_files(folder: Path) -> list[Path]:
    """The folder's visible files, by name (a camera numbers its pictures in order)."""
    try:
        return sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")),
                      key=lambda p: p.name.lower())
    except OSError:
        return []


class PhotoImportDialog(QDialog):
    def __init__(self, folder: Path, entry_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("photoImportDialog")
        self.setWindowTitle(tr("Photos from a folder"))
        files = folder_files(folder)
        intro = QLabel(tr("Attach to: {entry}\nFolder: {folder}\nSpace ticks a file, Enter attaches the ticked "
                          "ones.", entry=entry_text, folder=str(folder)))
        intro.setWordWrap(True)
        self.files = QListWidget()
        self.files.setAccessibleName(tr("Files in the folder"))
        for path in files:
            size = path.stat().st_size if path.exists() else 0
            item = QListWidgetItem(f"{path.name}  ({size // 1024 or 1} KB)")
            item.setData(PATH_ROLE, str(path))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.files.addItem(item)
        if files:
            self.files.setCurrentRow(0)
        empty = QLabel(tr("This folder holds no files."))
        empty.setVisible(not files)
        tick_all = push_button(tr("Tick all"), tr("Tick every file"), lambda: self._tick_all(True))
        tick_none = push_button(tr("Tick none"), tr("Untick every file"), lambda: self._tick_all(False))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Attach"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.files, 1)
        layout.addWidget(empty)
        layout.addLayout(button_row(tick_all, tick_none))
        layout.addWidget(buttons)
        self.resize(520, 420)
        self.files.setFocus()

    def _tick_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for row in range(self.files.count()):
            self.files.item(row).setCheckState(state)

    def chosen(self) -> list[Path]:
        return [Path(self.files.item(row).data(PATH_ROLE)) for row in range(self.files.count())
                if self.files.item(row).checkState() == Qt.CheckState.Checked]
