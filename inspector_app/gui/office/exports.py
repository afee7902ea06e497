"""The month tab's exports: the 月度通报 (office/bulletin.py: an issued, numbered PDF or the XLSX tables) and the
绩效扣减明细 (office/pay_list.py: XLSX, or the office-signed PDF of a closed month), written off the GUI thread.

The names printed on them are the command line's: the office is the office certificate's name (the data
folder's office folder) or the inspector settings' office, the hospital the settings' hospital.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit

from inspector_app.core.i18n import language, tr

if TYPE_CHECKING:
    from inspector_app.gui.office.month_tab import MonthTab


def names(tab: MonthTab) -> tuple[str, str]:
    """(hospital, office) for the documents' headings."""
    from cryptography.x509.oid import NameOID

    from inspector_app.core.identity import default_office_dir
    from inspector_app.core.identity.certs import name_part
    from inspector_app.core.identity.office import load_office_certificate, office_paths

    ws = tab.workspace.ctx.ws
    folder = default_office_dir(ws.data_dir)
    office = ws.settings.inspector.office
    if office_paths(folder)[1].exists():
        office = name_part(load_office_certificate(folder).subject, NameOID.COMMON_NAME)
    return ws.settings.hospital, office


def target(tab: MonthTab, title: str, suggested: str, filters: str) -> Path | None:
    """Where to write, asked in a file dialog; the first filter's suffix when none was typed."""
    chosen, picked = QFileDialog.getSaveFileName(tab, title, str(Path.home() / suggested), filters)
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() not in (".pdf", ".xlsx"):
        path = path.with_suffix(".pdf" if "pdf" in (picked or filters.split(";;")[0]).lower() else ".xlsx")
    return path


def export_bulletin(tab: MonthTab) -> None:
    """The XLSX tables at once; the PDF after its narrative was drafted (off the GUI thread), edited in a
    dialog and accepted: then it is issued with the words as edited."""
    from inspector_app.core.documents.bulletin_narrative import draft_narrative
    from inspector_app.office.bulletin import central_content

    month, central, workspace = tab.month.currentData(), tab.workspace.central, tab.workspace
    if month is None or central is None:
        return
    path = target(tab, tr("Export the monthly bulletin"), tr("Monthly bulletin {month}.pdf", month=month),
                  tr("Issued bulletin (*.pdf);;Bulletin tables (*.xlsx)"))
    if path is None:
        return
    hospital, office = names(tab)
    lang, today = language(), date.today()

    def content(progress: Any) -> Any:
        found = central_content(central, month, hospital=hospital, office=office, today=today, lang=lang)
        return found, (draft_narrative(found, lang) if path.suffix.lower() == ".pdf" else None)

    def drafted(result: Any) -> None:
        found, narrative = result
        if narrative is None:
            _write_bulletin(tab, found, path, None)
            return
        from inspector_app.gui.office.narrative_dialog import NarrativeDialog

        dialog = NarrativeDialog(narrative, tab)
        tab.narrative_dialog = dialog
        dialog.accepted.connect(lambda: _write_bulletin(tab, found, path, dialog.result_narrative))
        dialog.open()

    workspace.run(tr("Drafting the bulletin"), content, drafted)


def _write_bulletin(tab: MonthTab, content: Any, path: Path, narrative: Any) -> None:
    from inspector_app.office.bulletin import IssuedBulletin, write_bulletin

    workspace, central, month = tab.workspace, tab.workspace.central, content.month
    by, lang = workspace.ctx.ws.settings.inspector.name, language()

    def work(progress: Any) -> Any:
        return write_bulletin(central, content, path, issued_by=by, lang=lang, narrative=narrative)

    def done(written: Any) -> None:
        if isinstance(written, IssuedBulletin):
            workspace.message.setText(tr("Monthly bulletin {number}: {path}", number=written.number,
                                         path=written.path))
        else:
            workspace.message.setText(tr("Bulletin tables of {month} written to {path}.", month=month, path=written))
        workspace.loaded.emit("bulletin")

    workspace.run(tr("Writing the bulletin"), work, done)


def export_pay_list(tab: MonthTab) -> None:
    from inspector_app.office.kept_workbook import export_pay_list_xlsx
    from inspector_app.office.pay_list import pay_list

    month, central, workspace = tab.month.currentData(), tab.workspace.central, tab.workspace
    if month is None or central is None:
        return
    path = target(tab, tr("Export the pay list"), tr("Pay list {month}.xlsx", month=month),
                  tr("Workbook (*.xlsx);;Office-signed PDF, closed months (*.pdf)"))
    if path is None:
        return
    lang = language()
    signing: Any = None
    if path.suffix.lower() == ".pdf":
        signing = _office_identity(tab)
        if signing is None:
            return
    hospital, office = names(tab)

    def work(progress: Any) -> Path:
        pay = pay_list(central, month, lang)
        if signing is None:  # a closed month's: the workbook its close wrote
            return export_pay_list_xlsx(central, pay, path, lang)
        from inspector_app.core.errors import AppError
        from inspector_app.office.pay_list_pdf import issue_pay_list_pdf

        if pay.closed_at is None:
            raise AppError(tr("{month} is not closed: close the month before issuing its pay list.", month=month))
        identity, seal = signing()
        return issue_pay_list_pdf(pay, path, identity, hospital=hospital, office=office, lang=lang, seal=seal)

    def done(written: Path) -> None:
        workspace.message.setText(tr("Pay list written to {path}.", path=written))
        workspace.loaded.emit("pay-list")

    workspace.run(tr("Writing the pay list"), work, done)


def _office_identity(tab: MonthTab) -> Any:
    """A function unlocking the office's signing key and its seal (CRL, timestamp) on the worker thread, once
    its passphrase is given."""
    from inspector_app.core.identity import default_office_dir
    from inspector_app.core.identity.office import load_office_identity
    from inspector_app.core.identity.timestamping import load_office_seal

    passphrase, ok = QInputDialog.getText(tab, tr("Office passphrase"), tr("The office's passphrase signs the PDF:"),
                                          QLineEdit.EchoMode.Password)
    if not ok or not passphrase:
        return None
    folder = default_office_dir(tab.workspace.ctx.ws.data_dir)
    return lambda: (load_office_identity(folder, passphrase), load_office_seal(folder, passphrase))
