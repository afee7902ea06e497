"""Signing a finished inspection's sheet: handwritten signatures, then the digital signature.

The hand signatures are stored first (core), then the sheet is rendered and signed on a worker thread.
A wrong passphrase leaves the dialog open with everything as typed and drawn; "Sign later" leaves the
inspection finished, to be signed from the History page.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.documents.issue import Issued, issue_sheet
from inspector_app.core.documents.signatures import save_hand_signature
from inspector_app.core.errors import AppError
from inspector_app.core.i18n import language, tr
from inspector_app.core.identity import (
    MIN_PASSPHRASE,
    IdentityStatus,
    create_identity,
    identity_status,
)
from inspector_app.core.inspection_state import load_state
from inspector_app.gui.context import GuiContext
from inspector_app.gui.operations import Progress
from inspector_app.gui.printing import preview_async
from inspector_app.gui.widgets.buttons import button_row, push_button
from inspector_app.gui.widgets.signature_pad import SignaturePad


def identity_text(status: IdentityStatus) -> str:
    """One line on whose key signs, and whether the office stands behind it."""
    if not status.exists:
        return tr("No signing identity on this laptop yet: choose a passphrase (at least {count} characters) to "
                  "create one. It is asked for every time you sign and cannot be recovered.", count=MIN_PASSPHRASE)
    if status.problem:
        return status.problem
    who = tr("Signing as {name} ({staff_no})", name=status.subject_name, staff_no=status.staff_no)
    if status.expired:
        return tr("{who}: the certificate has expired; ask the office for a new one.", who=who)
    if status.enrolled:
        return tr("{who}, enrolled by {office}.", who=who, office=status.issuer_name)
    if status.self_signed:
        return tr("{who}: not yet enrolled by the office: sheets will say so.", who=who)
    return tr("{who}: issued by {issuer}, which this laptop does not trust: sheets will say so.", who=who,
              issuer=status.issuer_name)


class SignDialog(QDialog):
    """Inspector's and department's signature pads, the passphrase, then the issued number."""

    signed = Signal(object)  # Issued

    def __init__(self, ctx: GuiContext, inspection_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.inspection_id = ctx, inspection_id
        self.issued: Issued | None = None
        self.busy = False
        self._saved: dict[str, tuple[str, str]] = {}  # role -> (name, sha256) already stored
        self.setObjectName("signDialog")
        self.setWindowTitle(tr("Sign the inspection sheet"))
        self.setAccessibleName(tr("Sign the inspection sheet"))
        state = load_state(ctx.ws, inspection_id)
        header = QLabel(tr("{department} · {checklist} · {when}", department=state.department,
                           checklist=state.checklist.title.get(language()),
                           when=state.started_at[:16].replace("T", " ")))
        header.setObjectName("signHeader")
        header.setStyleSheet("font-weight: bold;")
        header.setWordWrap(True)
        self.form_page, self.done_page = self._form_page(), self._done_page()
        self.done_page.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.form_page, 1)
        layout.addWidget(self.done_page, 1)
        self.inspector_name.setText(ctx.ws.settings.inspector.name)
        self.sign_button.setDefault(True)  # now that the button is inside the dialog: Enter signs
        self.refresh_identity()

    # -- building -----------------------------------------------------------------------------------------
    def _pad_box(self, title: str, pad_name: str, name_label: str) -> tuple[QGroupBox, QLineEdit, SignaturePad]:
        box = QGroupBox(title)
        name = QLineEdit()
        name.setAccessibleName(name_label)
        name.setMaxLength(64)
        pad = SignaturePad(pad_name)
        form = QFormLayout()
        form.addRow(tr("Name"), name)
        column = QVBoxLayout(box)
        column.addLayout(form)
        column.addWidget(pad, 1)
        return box, name, pad

    def _form_page(self) -> QWidget:
        page = QWidget()
        inspector_box, self.inspector_name, self.inspector_pad = self._pad_box(
            tr("Inspector"), tr("Inspector's handwritten signature"), tr("Inspector's name"))
        department_box, self.department_name, self.department_pad = self._pad_box(
            tr("Department representative (optional)"), tr("Department representative's handwritten signature"),
            tr("Department representative's name"))
        self.department_name.setPlaceholderText(tr("who acknowledges for the department"))
        pads = QHBoxLayout()
        pads.addWidget(inspector_box, 1)
        pads.addWidget(department_box, 1)
        hint = QLabel(tr("Drawing is optional, so the dialog works from the keyboard alone: without a drawing the "
                         "sheet prints the inspector's name from the inspection, and the digital signature "
                         "records the time. A department acknowledgement is printed when it is drawn."))
        hint.setObjectName("signHint")
        hint.setWordWrap(True)

        self.identity = QLabel()
        self.identity.setObjectName("identityStatus")
        self.identity.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(tr("Passphrase"))
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName(tr("Passphrase again"))
        self.confirm_label = QLabel(tr("Passphrase again"))
        key_box = QGroupBox(tr("Digital signature"))
        key_form = QFormLayout(key_box)
        key_form.addRow(self.identity)
        key_form.addRow(tr("Passphrase"), self.passphrase)
        key_form.addRow(self.confirm_label, self.confirm)

        self.message = QLabel()
        self.message.setObjectName("signMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setAccessibleName(tr("Message"))
        buttons = QDialogButtonBox()
        self.sign_button = buttons.addButton(tr("Sign"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setAccessibleName(tr("Sign the inspection sheet"))
        self.later_button = buttons.addButton(tr("Sign later"), QDialogButtonBox.ButtonRole.RejectRole)
        self.later_button.setAccessibleName(tr("Sign later, from the History page"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(pads, 1)
        layout.addWidget(hint)
        layout.addWidget(key_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.result = QLabel()
        self.result.setObjectName("signResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_button = push_button(tr("Print preview…"), tr("Print preview of the signed sheet"),
                                          self.print_preview)
        folder = push_button(tr("Open folder"), tr("Open the folder with the signed sheet"), self.open_folder)
        close = push_button(tr("Close"), tr("Close"), self.done_close)
        layout = QVBoxLayout(page)
        layout.addWidget(self.result)
        layout.addSpacing(10)
        layout.addStretch(1)
        layout.addLayout(button_row(self.preview_button, folder, close))
        return page

    # -- identity -----------------------------------------------------------------------------------------
    def refresh_identity(self) -> None:
        self.status = identity_status(self.ctx.ws)
        self.identity.setText(identity_text(self.status))
        creating = not self.status.exists
        self.confirm.setVisible(creating)
        self.confirm_label.setVisible(creating)
        self.passphrase.setPlaceholderText(tr("a new passphrase") if creating else tr("your passphrase"))

    @property
    def creating(self) -> bool:
        return not self.status.exists

    # -- signing ------------------------------------------------------------------------------------------
    def _problem(self) -> tuple[str, QWidget] | None:
        """What stops signing now, and where the cursor should go."""
        if not self.passphrase.text():
            return tr("Enter your passphrase."), self.passphrase
        if self.creating and len(self.passphrase.text()) < MIN_PASSPHRASE:
            return tr("The passphrase must have at least {count} characters.", count=MIN_PASSPHRASE), self.passphrase
        if self.creating and self.passphrase.text() != self.confirm.text():
            return tr("The two passphrases differ: type the same one twice."), self.confirm
        if not self.inspector_pad.is_empty() and not self.inspector_name.text().strip():
            return tr("Type the inspector's name under the signature."), self.inspector_name
        if not self.department_pad.is_empty() and not self.department_name.text().strip():
            return tr("Type the department representative's name."), self.department_name
        return None

    def _save_hand_signatures(self) -> None:
        """Store what was drawn (each drawing once, even when signing is retried)."""
        for role, name, pad in (("inspector", self.inspector_name, self.inspector_pad),
                                ("department", self.department_name, self.department_pad)):
            if pad.is_empty():
                continue
            png = pad.to_png()
            key = (name.text().strip(), hashlib.sha256(png).hexdigest())
            if self._saved.get(role) != key:
                save_hand_signature(self.ctx.ws, self.inspection_id, role, key[0], png)
                self._saved[role] = key

    def accept(self) -> None:
        """OK: sign (the dialog stays open until the sheet is issued); after that, close."""
        if self.issued is not None:
            super().accept()
        elif not self.busy:
            self.sign()

    def reject(self) -> None:
        if not self.busy:  # the sheet is being signed: let it finish (it takes a second)
            super().reject()

    def sign(self) -> None:
        problem = self._problem()
        if problem is not None:
            self._show_message(*problem)
            return
        try:
            self._save_hand_signatures()
        except AppError as exc:
            self._show_message(str(exc), self.inspector_name)
            return
        ws, inspection_id, passphrase, creating = self.ctx.ws, self.inspection_id, self.passphrase.text(), self.creating

        def work(progress: Progress) -> Issued:
            if creating:
                create_identity(ws, passphrase)
            return issue_sheet(ws, inspection_id, passphrase)

        self._set_busy(True)
        self.message.setText(tr("Signing…"))
        self.ctx.ops.run(tr("Signing the inspection sheet"), work, on_done=self._signed, on_error=self._failed,
                         cancellable=False)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.sign_button, self.later_button, self.passphrase, self.confirm):
            widget.setEnabled(not busy)
        self.sign_button.setDefault(not busy)  # disabling drops the default: Enter must sign again

    def _show_message(self, text: str, focus: QWidget) -> None:
        self.message.setText(text)
        focus.setFocus()
        if isinstance(focus, QLineEdit):
            focus.selectAll()

    def _failed(self, message: str) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.refresh_identity()  # the identity may exist now, even if signing failed after creating it
        self._show_message(message, self.passphrase)

    def _signed(self, issued: Issued) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.issued = issued
        self.message.clear()
        self.passphrase.clear()
        self.confirm.clear()
        lines = [tr("Inspection sheet {number} is signed and saved.", number=issued.number)]
        if issued.self_signed:
            lines.append(tr("Your signing identity is not yet enrolled by the office: the sheet says so."))
        lines.append(str(issued.path))
        self.result.setText("\n\n".join(lines))
        self.result.setMinimumWidth(460)
        self.form_page.hide()
        self.done_page.show()
        self.layout().activate()
        self.resize(self.sizeHint())  # the dialog shrinks to the result
        self.preview_button.setDefault(True)
        self.preview_button.setFocus()
        self.signed.emit(issued)

    def print_preview(self) -> None:
        if self.issued is not None:
            preview_async(self.ctx, self, self.issued.path,
                          tr("Inspection sheet {number}", number=self.issued.number))

    def open_folder(self) -> None:
        if self.issued is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.issued.path).parent)))

    def done_close(self) -> None:
        super().accept()
