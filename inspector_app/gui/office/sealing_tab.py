"""封签: the signed sheets merged and not yet sealed by the office (office/sealing.py), and sealing them — all
pending or the selected ones — with the office's CRL and timestamp, off the GUI thread. The office passphrase is
asked each time and kept only for that run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import tr
from inspector_app.gui.office.common import ColumnsModel, LoadedTab, fit, table
from inspector_app.gui.widgets.buttons import push_button

if TYPE_CHECKING:
    from inspector_app.gui.office.workspace import OfficeWorkspace
    from inspector_app.office.browse import Choices


def _when(document: Any) -> str:
    return document.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if document.created_at else ""


class SealingTab(LoadedTab):
    def __init__(self, workspace: OfficeWorkspace):
        super().__init__(workspace)
        self.pending: list[Any] = []
        self.outcomes: dict[str, Any] = {}  # document id → SealOutcome of this window's last run
        self.model = ColumnsModel([(tr("Number"), lambda d: d.number), (tr("Signed by"), lambda d: d.signed_by),
                                   (tr("Signed at"), _when), (tr("Result"), self._result)])
        self.view = table(self.model, tr("Sheets not sealed yet"), stretch=3)
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.all_button = push_button(tr("&Seal all pending…"), tr("Seal every sheet not sealed yet"),
                                      lambda: self.seal(selected=False))
        self.selected_button = push_button(tr("Seal s&elected…"), tr("Seal the selected sheets"),
                                           lambda: self.seal(selected=True))
        bar = QHBoxLayout()
        bar.addWidget(self.count, 1)
        bar.addWidget(self.selected_button)
        bar.addWidget(self.all_button)
        note = QLabel(tr("Sealing adds the office's revocation list and timestamp to each signed sheet (PAdES "
                         "B-LTA), so it verifies for years with only the office certificate. A sheet that does not "
                         "verify is left pending with the reason."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    @staticmethod
    def title() -> str:
        return tr("Sealing")

    def first_field(self) -> QWidget:
        return self.view

    def central_opened(self, choices: Choices) -> None:
        self.stale()

    def _result(self, document: Any) -> str:
        outcome = self.outcomes.get(document.id)
        if outcome is None:
            return tr("pending")
        return tr("sealed") if outcome.status == "sealed" else tr("not sealed: {reason}", reason=outcome.message)

    def reload(self) -> None:
        from inspector_app.office.sealing import pending_sheets

        central = self.workspace.central
        if central is None:
            return
        self.load(tr("Looking for sheets to seal"), lambda progress: pending_sheets(central), self.show_pending)

    def show_pending(self, pending: list[Any]) -> None:
        """The pending sheets, and under them those this window just sealed or failed, with their result."""
        shown = {document.id for document in pending}
        done = [document for document in self.pending if document.id in self.outcomes and document.id not in shown]
        self.pending = pending
        self.model.set_rows(pending + done)
        fit(self.view)
        text = tr("{count} signed sheet(s) merged and not sealed yet.", count=len(pending))
        if self.outcomes:
            failed = sum(outcome.status == "failed" for outcome in self.outcomes.values())
            text += " " + tr("{sealed} sheet(s) sealed, {failed} left pending.",
                             sealed=len(self.outcomes) - failed, failed=failed)
        self.count.setText(text)
        self.all_button.setEnabled(bool(pending))
        self.selected_button.setEnabled(bool(pending))
        self.workspace.loaded.emit("sealing")

    def _chosen(self, selected: bool) -> list[Any]:
        if not selected:
            return list(self.pending)
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.pending[row] for row in rows if row < len(self.pending)]

    def seal(self, *, selected: bool) -> None:
        from inspector_app.core.identity import default_office_dir
        from inspector_app.core.identity.timestamping import load_office_seal
        from inspector_app.office.sealing import seal_sheets, warm_up

        documents, central, files = self._chosen(selected), self.workspace.central, self.workspace.files_dir
        if not documents or central is None or files is None:
            return
        passphrase, ok = QInputDialog.getText(self, tr("Office passphrase"),
                                              tr("The office's passphrase seals the sheets:"),
                                              QLineEdit.EchoMode.Password)
        if not ok or not passphrase:
            return
        warm_up()  # sealing's lazy imports, here on the GUI thread, not in the worker
        folder = default_office_dir(self.workspace.ctx.ws.data_dir)
        by = self.workspace.ctx.ws.settings.inspector.name

        def work(progress: Any) -> list[Any]:
            seal = load_office_seal(folder, passphrase)
            return seal_sheets(central, files, seal, documents, by=by, progress=progress.report)

        def done(outcomes: list[Any]) -> None:
            self.outcomes = {outcome.document_id: outcome for outcome in outcomes}  # this run's results
            self.reload()

        self.workspace.run(tr("Sealing the sheets"), work, done)
