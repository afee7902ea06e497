"""The central office's page: merge the batches laptops pushed to the share, with progress, cancel and a report.

A thin window over core/merge (merge_share): the central database (by default a SQLite file in this data
folder), the share, and the office folder whose certificate decides which inspectors are trusted. The merge
runs through ctx.ops; cancelling stops between two batches (each batch is merged whole or not at all).

"Seal while merging" does what `merge --seal` does: the office passphrase is asked first (a wrong one is said
before anything is merged), then each signed sheet the merge brought in gets the office's CRL and timestamp
(office/sealing.py). A sheet that cannot be sealed is listed with its reason and left pending; its rows stay
merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenuBar,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.gui.context import GuiContext
from inspector_app.gui.geometry import size_on_screen
from inspector_app.gui.messages import show_error
from inspector_app.gui.office.common import CENTRAL_DIR, files_dir


def add_office_menu(window: QMainWindow, bar: QMenuBar) -> None:
    """The Office menu (办公室), added by MainWindow._build_menus: merge batches, the office workspace."""
    menu = bar.addMenu(tr("&Office"))
    action = QAction(tr("&Merge batches…"), window)
    action.setObjectName("mergeBatchesAction")
    action.triggered.connect(lambda: OfficeDialog(window.ctx, window).open())  # type: ignore[attr-defined]
    menu.addAction(action)
    workspace = QAction(tr("Office &workspace…"), window)
    workspace.setObjectName("officeWorkspaceAction")
    workspace.setShortcut(QKeySequence("Ctrl+Shift+O"))
    workspace.triggered.connect(lambda: _open_workspace(window))
    menu.addAction(workspace)


def _open_workspace(window: QMainWindow) -> None:
    from inspector_app.gui.office.workspace import (
        open_workspace,  # imported on first use
    )

    open_workspace(window, window.ctx)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class MergeAndSeal:
    """What one run of the dialog did: the merge's report and, when sealing was asked, each sheet's outcome."""

    report: Any  # core.merge ShareReport
    sealed: list[Any] | None = None  # office.sealing.SealOutcome
    revocations: int = 0  # revocations from the office folder newly recorded in the central database


class OfficeDialog(QDialog):
    merged = Signal(object)  # the core ShareReport, once shown

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None):
        from inspector_app.core.identity import default_office_dir
        from inspector_app.core.merge import default_url

        super().__init__(parent)
        self.ctx = ctx
        self.operation = None
        self.setObjectName("officeDialog")
        self.setWindowTitle(tr("Merge batches into the central database"))
        data = ctx.ws.data_dir
        self.central = QLineEdit(default_url(data / CENTRAL_DIR))
        self.share = QLineEdit(ctx.ws.settings.share_folder or "")
        self.office = QLineEdit(str(default_office_dir(data)))
        form = QFormLayout()
        form.addRow(tr("Central database"), self.central)
        form.addRow(tr("Shared folder"), self._with_browse(self.share))
        form.addRow(tr("Office folder (trusted certificate)"), self._with_browse(self.office))
        self.seal = QCheckBox(tr("S&eal the signed sheets while merging (asks for the office passphrase)"))
        self.seal.setObjectName("sealWhileMerging")
        self.seal.setToolTip(tr("Each signed sheet merged gets the office's revocation list and timestamp (PAdES "
                                "B-LTA); a sheet that does not verify is reported and left pending, its rows "
                                "stay merged."))
        form.addRow("", self.seal)
        self.outcome: MergeAndSeal | None = None
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.merge_button = QPushButton(tr("Merge"))
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.merge_button)
        row.addWidget(self.cancel_button)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("mergeReport")
        self.table.setHorizontalHeaderLabels([tr("Batch"), tr("Result"), tr("Details")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # long reasons wrap, never elided
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))  # no Qt catalog is loaded
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(close)
        # a batch name is ~60 characters: the whole name on a 1366×768 laptop, what the screen allows on a smaller one
        self.resize(size_on_screen(parent, 1000, 560))

    def _with_browse(self, field: QLineEdit) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 1)
        browse = QToolButton()
        browse.setText(tr("Browse…"))
        browse.clicked.connect(lambda: self._browse(field))
        row.addWidget(browse)
        return box

    def _browse(self, field: QLineEdit) -> None:
        chosen = QFileDialog.getExistingDirectory(self, tr("Choose a folder"), field.text() or str(Path.home()))
        if chosen:
            field.setText(chosen)

    def start(self) -> None:
        from inspector_app.core.identity.office import load_office_certificate
        from inspector_app.core.identity.timestamping import load_office_seal
        from inspector_app.core.merge import merge_share, open_central
        from inspector_app.office.revocations import record_revocations
        from inspector_app.office.sealing import pending_sheets, seal_sheets, warm_up

        share, url = Path(self.share.text().strip()), self.central.text().strip()
        office = Path(self.office.text().strip())
        try:
            trusted = [load_office_certificate(office)]
        except AppError as exc:
            show_error(self, str(exc))
            return
        files = files_dir(url, self.ctx.ws.data_dir)
        passphrase = ""
        if self.seal.isChecked():
            passphrase, ok = QInputDialog.getText(self, tr("Office passphrase"),
                                                  tr("The office's passphrase seals the sheets:"),
                                                  QLineEdit.EchoMode.Password)
            if not ok or not passphrase:
                return
            warm_up()  # sealing's lazy imports, here on the GUI thread
        by = self.ctx.ws.settings.inspector.name

        def work(progress):
            if not share.is_dir():  # here, off the GUI thread: a network path that went away hangs (issue #18)
                raise AppError(tr("The shared folder {path} cannot be reached.", path=share))
            seal = load_office_seal(office, passphrase) if passphrase else None  # refused before any merge
            central = open_central(url)
            try:
                report = merge_share(central, share, trusted, files, progress=progress.report)
                revoked = len(record_revocations(central, office).added)  # the office's revocations, audited
                if seal is None or progress.cancelled:
                    return MergeAndSeal(report, None, revoked)
                batches = [o.result.batch_id for o in report.outcomes if o.result is not None]
                outcomes = seal_sheets(central, files, seal, pending_sheets(central, batches), by=by,
                                       progress=progress.report)
                return MergeAndSeal(report, outcomes, revoked)
            finally:
                central.close()

        self.table.setRowCount(0)
        self.summary.setText(tr("Merging…"))
        self.merge_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.operation = self.ctx.ops.run(tr("Merging batches"), work, on_done=self.show_report,
                                          on_error=self._failed, cancellable=True)
        self.operation.progress.connect(self._progress)
        self.operation.finished.connect(self._finished)

    def cancel(self) -> None:
        if self.operation is not None:
            self.operation.cancel()
            self.summary.setText(tr("Stopping after the current batch…"))

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finished(self) -> None:
        if self.operation is not None and self.operation.was_cancelled:
            self.summary.setText(tr("Cancelled. Batches merged so far stay merged; the rest wait in the share."))
        self.operation = None
        self.merge_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _failed(self, message: str) -> None:
        self.summary.setText(message)
        show_error(self, message)

    def show_report(self, done: MergeAndSeal) -> None:
        self.outcome = done
        report = done.report
        labels = {"merged": tr("merged"), "already_merged": tr("merged before"), "quarantined": tr("quarantined"),
                  "refused": tr("refused"), "gone": tr("taken by another merge")}
        rows: list[tuple[str, str, str]] = []
        for outcome in report.outcomes:
            if outcome.result is not None and not outcome.result.already_merged:
                detail = tr("{inserted} new, {unchanged} unchanged, {conflicts} conflict(s)",
                            inserted=outcome.result.inserted, unchanged=outcome.result.unchanged,
                            conflicts=len(outcome.result.conflicts))
            else:
                detail = outcome.message or ""
            rows.append((outcome.name, labels.get(outcome.status, outcome.status), detail,
                         outcome.reason_code or ""))
            for conflict in outcome.result.conflicts if outcome.result else ():
                rows.append(("", tr("conflict"), tr("conflict: {entity} {id} differs from the central copy (kept "
                                                    "aside)", entity=conflict.entity, id=conflict.entity_id), ""))
        for sealed in done.sealed or ():
            if sealed.status == "sealed":
                rows.append((sealed.number, tr("sealed"), tr("office timestamp and revocation data added"),
                             str(sealed.path)))  # the long path in the tooltip
            else:
                rows.append((sealed.number, tr("not sealed, left pending"), sealed.message, ""))
        self.table.setRowCount(len(rows))
        for r, (*cells, code) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{text}\n({code})" if code and c == 2 else text)  # the code, for the log
                self.table.setItem(r, c, item)
        merged = sum(o.status in ("merged", "already_merged") for o in report.outcomes)
        conflicts = sum(len(o.result.conflicts) for o in report.with_conflicts if o.result)
        text = tr("{merged} of {total} batch(es) merged, {refused} quarantined or refused, {conflicts} conflict(s).",
                  merged=merged, total=len(report.outcomes), refused=len(report.refused), conflicts=conflicts)
        if done.sealed is not None:
            failed = sum(outcome.status == "failed" for outcome in done.sealed)
            text += " " + tr("{sealed} sheet(s) sealed, {failed} left pending.", sealed=len(done.sealed) - failed,
                             failed=failed)
        if done.revocations:
            text += " " + tr("{count} revocation(s) from the office folder recorded in the central database.",
                             count=done.revocations)
        self.summary.setText(text)
        self.merged.emit(report)
