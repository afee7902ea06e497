"""The Documents menu (文书): signing sheets, printing rectification notices, the monthly bulletin.

The core issues every document (numbers, rendering, the register); here it runs on a worker thread
through ctx.ops, the pages are rendered there too, and only the print preview runs on the GUI thread.
The History and Summary pages call the same functions for their buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import language, tr
from inspector_app.core.inspection_state import load_state
from inspector_app.gui.context import GuiContext
from inspector_app.gui.messages import show_error
from inspector_app.gui.operations import Operation, Progress
from inspector_app.gui.printing import print_preview, render_pages
from inspector_app.gui.widgets.buttons import push_button

if TYPE_CHECKING:  # the documents (reportlab, pyHanko) load on first use, not at start-up
    from inspector_app.core.documents.issue import Issued
    from inspector_app.gui.pages.sign_dialog import SignDialog


def _documents() -> ModuleType:
    """The documents module, imported where first needed (usually on a worker thread), not at start-up."""
    from inspector_app.core.documents import issue

    return issue


def tell(parent: QWidget, text: str) -> None:
    """A passing note in the window's status bar (or nowhere, for a widget outside the main window)."""
    window = parent.window() if shiboken6.isValid(parent) else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 10_000)


def open_sign_dialog(ctx: GuiContext, parent: QWidget, inspection_id: str) -> SignDialog | None:
    """The sign dialog for a finished inspection; a draft is refused with the reason."""
    from inspector_app.gui.pages.sign_dialog import SignDialog

    try:
        if load_state(ctx.ws, inspection_id).status != "finished":
            show_error(parent, tr("Finish the inspection before signing its sheet: a signed sheet cannot change."))
            return None
        dialog = SignDialog(ctx, inspection_id, parent)
    except AppError as exc:
        show_error(parent, str(exc))
        return None
    dialog.signed.connect(lambda issued: tell(parent, tr("Signed: {number}", number=issued.number)))
    dialog.open()  # window-modal; the event loop keeps running (operations, tests)
    return dialog


def _issue_and_preview(ctx: GuiContext, parent: QWidget, label: str, issue: Callable[[], list[Issued]],
                       title: Callable[[list[Issued]], str], nothing: str) -> Operation:
    """Issue on a worker thread, render the pages there too, then preview them all as one print job."""

    def work(progress: Progress) -> tuple[list[Issued], list[QImage]]:
        issued = issue()
        pages: list[QImage] = []
        for done, document in enumerate(issued):
            pages += render_pages(document.path)
            progress.report(done + 1, len(issued))
        return issued, pages

    def done(result: tuple[list[Issued], list[QImage]]) -> None:
        issued, pages = result
        if not shiboken6.isValid(parent):
            return
        if not issued:
            QMessageBox.information(parent, label, nothing)
            return
        tell(parent, tr("Issued: {numbers}", numbers="、".join(d.number for d in issued)))
        print_preview(parent, issued[0].path, pages, title(issued))

    return ctx.ops.run(label, work, on_done=done, cancellable=False,
                       on_error=lambda message: show_error(parent if shiboken6.isValid(parent) else None, message))


def print_notices(ctx: GuiContext, parent: QWidget, inspection_id: str) -> Operation:
    """Issue the inspection's rectification notices (one per department) and preview them for printing."""
    ws = ctx.ws
    return _issue_and_preview(
        ctx, parent, tr("Rectification notices"), lambda: _documents().issue_notices(ws, inspection_id),
        lambda issued: tr("Rectification notices {numbers}", numbers="、".join(d.number for d in issued)),
        tr("This inspection found no problems: there is no rectification notice to print."))


def bulletin_pdf(ctx: GuiContext, parent: QWidget, month: str) -> Operation:
    """Issue the month's bulletin (月度通报) and preview it for printing."""
    ws = ctx.ws
    return _issue_and_preview(
        ctx, parent, tr("Monthly bulletin {month}", month=month), lambda: [_documents().issue_bulletin(ws, month)],
        lambda issued: tr("Monthly bulletin {number}", number=issued[0].number), "")


def bulletin_excel(ctx: GuiContext, parent: QWidget, month: str) -> Operation | None:
    """Save the month's bulletin tables as an Excel workbook, where the user chooses."""
    suggested = Path.home() / tr("monthly-bulletin-{month}.xlsx", month=month)
    name, _ = QFileDialog.getSaveFileName(parent, tr("Save the monthly bulletin as Excel"), str(suggested),
                                          tr("Excel workbook (*.xlsx)"))
    if not name:
        return None
    path = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
    ws, lang = ctx.ws, language()  # the interface's language, read here on the GUI thread
    return ctx.ops.run(tr("Monthly bulletin {month}", month=month),
                       lambda p: _documents().bulletin_xlsx(ws, month, path, lang=lang),
                       on_done=lambda written: tell(parent, tr("Written: {path}", path=written)), cancellable=False,
                       on_error=lambda message: show_error(parent if shiboken6.isValid(parent) else None, message))


class BulletinDialog(QDialog):
    """Choose the month, then print the bulletin (preview first) or save its tables as Excel."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None, month: str | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Monthly bulletin"))
        self.month = QDateEdit(QDate.fromString(month, "yyyy-MM") if month else QDate.currentDate())
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setCalendarPopup(True)
        self.month.setAccessibleName(tr("Month"))
        pdf = push_button(tr("Print preview…"), tr("Issue the monthly bulletin and show the print preview"),
                          self.print_bulletin, default=True)
        excel = push_button(tr("Save as Excel…"), tr("Save the monthly bulletin as Excel"), self.save_excel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Month")))
        row.addWidget(self.month, 1)
        actions = QHBoxLayout()
        actions.addWidget(pdf)
        actions.addWidget(excel)
        note = QLabel(tr("Printing issues a numbered bulletin and keeps it in the data folder."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(note)
        layout.addLayout(actions)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def selected_month(self) -> str:
        return self.month.date().toString("yyyy-MM")

    def print_bulletin(self) -> None:
        parent = self.parentWidget() or self
        self.accept()
        bulletin_pdf(self.ctx, parent, self.selected_month())

    def save_excel(self) -> None:
        if bulletin_excel(self.ctx, self.parentWidget() or self, self.selected_month()) is not None:
            self.accept()


class ReportActions:
    """What the Documents menu does; `selected` names the inspection chosen on the History page."""

    def __init__(self, ctx: GuiContext, window: QWidget, selected: Callable[[], str | None]):
        self.ctx, self.window, self.selected = ctx, window, selected
        self.last_finished: str | None = None
        self.sign_dialog: SignDialog | None = None

    def after_finish(self, inspection_id: str) -> None:
        """Right after the review: sign now (or later, from History)."""
        self.last_finished = inspection_id
        self.sign_dialog = open_sign_dialog(self.ctx, self.window, inspection_id)

    def _target(self, prefer_selected: bool) -> str | None:
        choices = (self.selected(), self.last_finished) if prefer_selected else (self.last_finished, self.selected())
        target = next((choice for choice in choices if choice), None)
        if target is None:
            show_error(self.window, tr("Select a finished inspection on the History page first."))
        return target

    def sign_sheet(self, prefer_selected: bool = False) -> None:
        target = self._target(prefer_selected)
        if target:
            self.sign_dialog = open_sign_dialog(self.ctx, self.window, target)

    def print_notices(self, prefer_selected: bool = True) -> None:
        target = self._target(prefer_selected)
        if target:  # the core refuses a draft, with the reason
            print_notices(self.ctx, self.window, target)

    def monthly_bulletin(self) -> None:
        dialog = BulletinDialog(self.ctx, self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()
