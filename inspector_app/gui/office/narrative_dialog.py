"""The bulletin's narrative (基本情况 … 下一步要求) as drafted from the month, edited before the bulletin is issued.

One text box per section, its paragraphs separated by a blank line; an emptied section is left out. The core
turns the texts back into the narrative (bulletin_narrative.with_texts) and refuses a paragraph too long with
the section named; the dialog then stays open with the text as typed."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.gui.geometry import size_on_screen
from inspector_app.gui.messages import show_error
from inspector_app.gui.office.common import dialog_buttons


class NarrativeDialog(QDialog):
    def __init__(self, narrative: Any, parent: QWidget | None = None):
        from inspector_app.core.documents.bulletin_narrative import (
            SECTIONS,
            section_texts,
            section_title,
        )

        super().__init__(parent)
        self.setObjectName("narrativeDialog")
        self.setWindowTitle(tr("Bulletin text for {month}", month=narrative.month))
        self.drafted = narrative
        self.result_narrative: Any = None
        self.edits: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        for name, text in section_texts(narrative).items():
            edit = QPlainTextEdit(text)
            edit.setTabChangesFocus(True)  # Tab moves on, as in every other form
            edit.setAccessibleName(section_title(name, narrative.language))
            edit.setMinimumHeight(70 if name != "problems" else 110)
            self.edits[name] = edit
            form.addRow(section_title(name, narrative.language), edit)
        assert list(self.edits) == list(SECTIONS)
        note = QLabel(tr("Drafted from the month's figures. A blank line starts a new paragraph; an emptied "
                         "section is left out of the bulletin. Ctrl+Enter issues it."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form, 1)
        layout.addWidget(dialog_buttons(self, tr("&Issue the bulletin")))
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):  # Enter itself starts a new line in the text boxes
            QShortcut(QKeySequence(sequence), self, self.accept)
        self.resize(size_on_screen(parent, 820, 640))

    def accept(self) -> None:
        from inspector_app.core.documents.bulletin_narrative import with_texts

        try:
            self.result_narrative = with_texts(self.drafted, {n: e.toPlainText() for n, e in self.edits.items()})
        except AppError as exc:
            show_error(self, str(exc))
            return
        super().accept()
