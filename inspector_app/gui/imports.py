"""File menu imports and exports, run off the GUI thread through the operations layer.

A roster table with bad rows is never imported silently: the rows and reasons are listed, and the user
chooses to import only the valid rows or nothing. An inspections file is all or nothing (the core's rule).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import tr
from inspector_app.core.roster import read_roster_table
from inspector_app.core.roster.models import load_roster_with_warnings
from inspector_app.core.roster.table import TableImport
from inspector_app.core.roster_store import apply_roster, current_roster
from inspector_app.gui.context import GuiContext
from inspector_app.gui.messages import show_error

TABLES = "CSV / Excel (*.csv *.xlsx *.xlsm);;YAML / JSON (*.yaml *.yml *.json)"
INSPECTION_FILES = "JSON / Excel (*.json *.xlsx *.xlsm *.csv)"


class ProblemsDialog(QDialog):
    """Lists what is wrong, row by row; `accept` means: import the valid rows anyway."""

    def __init__(self, table: TableImport, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Rows with errors"))
        text = QPlainTextEdit("\n".join(p.plain() for p in table.problems))
        text.setReadOnly(True)
        text.setAccessibleName(tr("Rows with errors"))
        label = QLabel(tr("{bad} of {total} rows have errors. Import the {good} valid rows, or nothing?",
                          bad=table.rows_total - table.rows_good, total=table.rows_total, good=table.rows_good))
        label.setWordWrap(True)
        buttons = QDialogButtonBox()
        buttons.addButton(tr("Import the valid rows"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("Import nothing"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
        self.resize(760, 420)


class ImportActions:
    def __init__(self, ctx: GuiContext, parent: QWidget):
        self.ctx, self.parent = ctx, parent

    def import_roster(self, path: str | None = None) -> None:
        path = path or QFileDialog.getOpenFileName(self.parent, tr("Import roster"), str(Path.home()), TABLES)[0]
        if not path:
            return
        file = Path(path)
        if file.suffix.lower() in (".yaml", ".yml", ".json"):
            self.ctx.ops.run(tr("Importing roster"), lambda progress: load_roster_with_warnings(file),
                             on_done=lambda loaded: self._apply_roster(*loaded))
            return
        existing = current_roster(self.ctx.ws)
        self.ctx.ops.run(tr("Reading roster"), lambda progress: read_roster_table(file, existing),
                         on_done=self._check_table)

    def _check_table(self, table: TableImport) -> None:
        if table.problems and ProblemsDialog(table, self.parent).exec() != QDialog.DialogCode.Accepted:
            return
        self._apply_roster(table.roster, table.warnings)

    def _apply_roster(self, roster, warnings=()) -> None:
        def work(progress) -> str:
            changes = apply_roster(self.ctx.ws, roster, actor=self.ctx.ws.settings.inspector.name or "office")
            return tr("Roster imported: {dept_new} departments added, {dept_changed} changed; {staff_new} staff "
                      "added, {staff_changed} changed; {inactive} marked inactive; {skipped} rows skipped.",
                      dept_new=changes.departments_added, dept_changed=changes.departments_updated,
                      staff_new=changes.staff_added, staff_changed=changes.staff_updated,
                      inactive=changes.deactivated, skipped=0) + "".join(
                "\n\n" + tr("warning: {problem}", problem=warning.plain()) for warning in warnings)

        self.ctx.ops.run(tr("Importing roster"), work, on_done=self._roster_done, cancellable=False)

    def _roster_done(self, message: str) -> None:
        self.ctx.changes.roster.emit()
        QMessageBox.information(self.parent, tr("Import roster"), message)

    def import_inspections(self, path: str | None = None) -> None:
        from inspector_app.core.importing import import_inspections

        path = path or QFileDialog.getOpenFileName(self.parent, tr("Import inspections"), str(Path.home()),
                                                   INSPECTION_FILES)[0]
        if not path:
            return

        def work(progress) -> str:
            report = import_inspections(self.ctx.ws, Path(path), actor=self.ctx.ws.settings.inspector.name or "import")
            return tr("Imported {inspections} inspections with {deductions} deductions.",
                      inspections=report.inspections, deductions=report.deductions)

        def done(message: str) -> None:
            self.ctx.changes.inspections.emit()
            self.ctx.changes.sync.emit()
            self.ctx.changes.rectifications.emit()
            QMessageBox.information(self.parent, tr("Import inspections"), message)

        self.ctx.ops.run(tr("Importing inspections"), work, on_done=done, cancellable=False,
                         on_error=lambda message: show_error(self.parent, message))

    def save_template(self) -> None:
        from inspector_app.core.importing import write_import_template

        path = QFileDialog.getSaveFileName(self.parent, tr("Template for paper sheets"),
                                           str(Path.home() / "督查记录模板.xlsx"), "Excel (*.xlsx)")[0]
        if path:
            self.ctx.ops.run(tr("Writing template"), lambda p: write_import_template(Path(path), self.ctx.ws.library),
                             on_done=lambda _: self.parent.statusBar().showMessage(tr("Written: {path}", path=path),
                                                                                   8000))
