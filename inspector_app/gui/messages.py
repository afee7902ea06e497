"""Telling the user something: plain messages in the UI language, never a traceback.

QMessageBox is imported when a message is shown: the start page imports this module on the quick start
path, and making the QMessageBox class costs a bare window's start ~15 ms."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from inspector_app.core.i18n import tr


def show_error(parent: QWidget | None, message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, tr("Cannot do that"), message, QMessageBox.StandardButton.Ok,
                      parent)
    box.setObjectName("errorMessage")
    box.setAccessibleName(tr("Error message"))
    box.open()  # window-modal, does not block the event loop (tests and the GUI keep running)


def confirm(parent: QWidget | None, title: str, question: str) -> bool:
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(parent, title, question,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
