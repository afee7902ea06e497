"""会签: a department head countersigns a signed inspection sheet with their own enrolled key (the core's
countersign_file: the sheet is verified first, then signed in a new field the inspector's certification allows).

The sheet and where to write the countersigned copy are typed or browsed; the passphrase unlocks this PC's
signing key on a worker thread. A wrong passphrase or a sheet that does not verify leaves the dialog open with
the reason; nothing is written then."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import tr
from inspector_app.gui.context import GuiContext
from inspector_app.gui.widgets.buttons import push_button


def countersigned_name(source: Path) -> Path:
    return source.with_name(source.stem + tr("-countersigned") + ".pdf")


class CountersignDialog(QDialog):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None):
        from inspector_app.core.identity import identity_status

        super().__init__(parent)
        self.ctx = ctx
        self.busy = False
        self.written: Path | None = None
        self.setObjectName("countersignDialog")
        self.setWindowTitle(tr("Countersign an inspection sheet"))
        status = identity_status(ctx.ws)
        if status.exists and status.enrolled:
            who = tr("You countersign as {name} ({staff_no}), enrolled by {office}.", name=status.subject_name,
                     staff_no=status.staff_no, office=status.issuer_name)
        else:
            who = tr("This PC has no signing identity enrolled by the office: a countersignature made with it "
                     "will not verify. Enrol first (profile request / import-cert).")
        self.identity = QLabel(who)
        self.identity.setWordWrap(True)
        self.source = QLineEdit()
        self.source.setAccessibleName(tr("Signed sheet"))
        self.source.textEdited.connect(self._suggest)
        browse = push_button(tr("&Browse…"), tr("Choose the signed sheet"), self.browse)
        browse.setAutoDefault(False)  # Enter in the fields countersigns; it never opens the file dialog
        row = QHBoxLayout()
        row.addWidget(self.source, 1)
        row.addWidget(browse)
        self.output = QLineEdit()
        self.output.setAccessibleName(tr("Countersigned copy"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(tr("Passphrase"))
        form = QFormLayout()
        form.addRow(tr("Signed sheet (PDF)"), row)
        form.addRow(tr("Write the countersigned copy to"), self.output)
        form.addRow(tr("Passphrase"), self.passphrase)
        self.message = QLabel()
        self.message.setObjectName("countersignMessage")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.sign_button = buttons.addButton(tr("Countersign"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setDefault(True)
        buttons.addButton(tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.identity)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def _suggest(self, text: str) -> None:
        if text.lower().endswith(".pdf"):
            self.output.setText(str(countersigned_name(Path(text))))

    def browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, tr("Choose the signed sheet"), str(Path.home()),
                                                tr("Signed sheet (*.pdf)"))
        if chosen:
            self.source.setText(chosen)
            self._suggest(chosen)

    def accept(self) -> None:
        """Countersign on a worker thread; the dialog stays open until it is done (or failed, with why)."""
        from inspector_app.core.documents.countersign import countersign_file
        from inspector_app.core.files import write_atomic

        source, output, passphrase = Path(self.source.text().strip()), self.output.text().strip(), \
            self.passphrase.text()
        if self.busy:
            return
        if not self.source.text().strip() or not output or not passphrase:
            self.message.setText(tr("Give the signed sheet, where to write the copy, and your passphrase."))
            return
        target = Path(output)
        ws = self.ctx.ws

        def work(progress) -> Path:
            write_atomic(target, countersign_file(ws, source, passphrase))
            return target

        def done(written: Path) -> None:
            self.busy = False
            self.written = written
            self.passphrase.clear()
            self.message.setText(tr("Countersigned: {path}", path=written))

        def failed(message: str) -> None:
            self.busy = False
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            self.message.setText(message)

        self.busy = True
        self.message.setText(tr("Countersigning…"))
        self.ctx.ops.run(tr("Countersigning the sheet"), work, on_done=done, on_error=failed, cancellable=False)
