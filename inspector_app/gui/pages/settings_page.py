"""Settings: who the inspector is, the hospital, the share folder, language, font and photo size.

Saving goes through `Workspace.update_settings`, which validates with the settings model before writing, so
a bad value is reported in plain words and nothing is saved. `ctx.changes.settings` tells the window (it
applies the language and font) and the other pages.
"""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import AppError
from inspector_app.core.fileformat import pydantic_reason
from inspector_app.core.i18n import LANGUAGES, tr
from inspector_app.core.settings import Settings
from inspector_app.gui.context import GuiContext
from inspector_app.gui.messages import show_error
from inspector_app.gui.widgets.buttons import push_button


class SettingsPage(QWidget):
    """Edit and save the local settings."""

    saved = Signal()

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.name = self._line(tr("Inspector name"))
        self.staff_no = self._line(tr("Staff no."))
        self.office = self._line(tr("Office"))
        self.hospital = self._line(tr("Hospital name"))
        self.share_folder = self._line(tr("Share folder"))
        self.share_folder.setPlaceholderText(tr("network folder or USB stick, optional"))
        browse = push_button(tr("Browse…"), tr("Choose the share folder"), self.browse_share_folder)
        self.language = QComboBox()
        self.language.setAccessibleName(tr("Language"))
        for code, label in LANGUAGES.items():
            self.language.addItem(label, code)
        self.font_size = QSpinBox()
        self.font_size.setRange(8, 24)
        self.font_size.setAccessibleName(tr("Font size"))
        self.photo_size = QSpinBox()
        self.photo_size.setRange(320, 8000)
        self.photo_size.setSingleStep(100)
        self.photo_size.setSuffix(" px")
        self.photo_size.setAccessibleName(tr("Largest photo side"))
        self.save_button = push_button(tr("Save"), tr("Save settings"), self.save, default=True)
        revert = push_button(tr("Undo changes"), tr("Undo unsaved changes"), self.refresh)
        self.status = QLabel()
        self.status.setObjectName("settingsStatus")

        person = QFormLayout()
        person.addRow(tr("Inspector name"), self.name)
        person.addRow(tr("Staff no."), self.staff_no)
        person.addRow(tr("Office"), self.office)
        person.addRow(tr("Hospital name"), self.hospital)
        share_row = QHBoxLayout()
        share_row.addWidget(self.share_folder, 1)
        share_row.addWidget(browse)
        person.addRow(tr("Share folder"), share_row)
        person_box = QGroupBox(tr("Inspector and hospital"))
        person_box.setLayout(person)

        display = QFormLayout()
        display.addRow(tr("Language"), self.language)
        display.addRow(tr("Font size"), self.font_size)
        display.addRow(tr("Largest photo side"), self.photo_size)
        note = QLabel(tr("A language or font change applies as soon as you save; unfinished work is kept."))
        note.setWordWrap(True)
        display.addRow(note)
        display_box = QGroupBox(tr("Display and photos"))
        display_box.setLayout(display)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(revert)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(person_box)
        layout.addWidget(display_box)
        layout.addStretch(1)
        layout.addLayout(buttons)
        ctx.changes.settings.connect(self.refresh)
        self.refresh()

    def _line(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        return edit

    def refresh(self) -> None:
        """Show the saved settings (drops unsaved edits)."""
        settings = self.ctx.ws.settings
        self.name.setText(settings.inspector.name)
        self.staff_no.setText(settings.inspector.staff_no)
        self.office.setText(settings.inspector.office)
        self.hospital.setText(settings.hospital)
        self.share_folder.setText(settings.share_folder or "")
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.font_size.setValue(settings.font_size)
        self.photo_size.setValue(settings.photo_max_px)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.status.clear()

    def browse_share_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Choose the share folder"), self.share_folder.text())
        if folder:
            self.share_folder.setText(folder)

    def changes(self) -> dict[str, object]:
        """The form as `update_settings` keyword arguments."""
        return {
            "hospital": self.hospital.text().strip(),
            "inspector": {"name": self.name.text().strip(), "staff_no": self.staff_no.text().strip(),
                          "office": self.office.text().strip()},
            "share_folder": self.share_folder.text().strip() or None,
            "language": self.language.currentData(),
            "font_size": self.font_size.value(),
            "photo_max_px": self.photo_size.value(),
        }

    def save(self) -> Settings | None:
        """Validate and write the settings; returns them, or None after showing what is wrong."""
        try:
            settings = self.ctx.ws.update_settings(**self.changes())
        except ValidationError as exc:
            show_error(self, self._plain(exc))
            return None
        except AppError as exc:
            show_error(self, str(exc))
            return None
        except OSError as exc:
            show_error(self, tr("Could not save the settings: {detail}", detail=exc.strerror or exc))
            return None
        self.status.setText(tr("Settings saved."))
        self.ctx.changes.settings.emit()
        self.saved.emit()
        return settings

    def _plain(self, exc: ValidationError) -> str:
        labels = {("inspector", "name"): tr("Inspector name"), ("inspector", "staff_no"): tr("Staff no."),
                  ("inspector", "office"): tr("Office"), ("hospital",): tr("Hospital name"),
                  ("share_folder",): tr("Share folder"), ("language",): tr("Language"),
                  ("font_size",): tr("Font size"), ("photo_max_px",): tr("Largest photo side")}
        lines = [f"{labels.get(tuple(error['loc']), '.'.join(map(str, error['loc'])))}: {pydantic_reason(error)}"
                 for error in exc.errors()]
        return tr("The settings were not saved:") + "\n" + "\n".join(lines)
