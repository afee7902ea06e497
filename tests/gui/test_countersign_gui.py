"""会签 from the desktop app by keyboard (issue 16): Documents → Countersign a sheet… with this PC's enrolled key.
A wrong passphrase leaves the dialog open with the reason and writes nothing; the right one writes a copy that
`verify` accepts with the countersignature listed."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from inspector_app.core.demo import generate
from inspector_app.core.documents.verification import verify_pdf
from inspector_app.core.identity import DEMO_PASSPHRASE, trusted_office_certs
from inspector_app.core.store.models import Document
from inspector_app.gui.countersign_dialog import CountersignDialog
from tests.gui.keys import activate, focused, key, tab_to


def test_a_department_head_countersigns_a_sheet_by_keyboard(gui_workspace, open_window, qtbot, tmp_path) -> None:
    ws = gui_workspace
    generate(ws, 1, seed=3, days=5, sign_sheets=True)  # this PC's identity, enrolled by the demo office
    with ws.db.read() as session:
        document = session.scalars(select(Document).where(Document.kind == "sheet")).one()
    sheet = tmp_path / "sheet.pdf"
    shutil.copyfile(ws.data_dir / document.path, sheet)
    window = open_window(ws)
    activate(qtbot, window)
    key(qtbot, "Alt+D")
    menu = qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None) or QApplication.activePopupWidget()
    qtbot.keyClick(menu, Qt.Key.Key_C)  # &Countersign a sheet…
    qtbot.waitUntil(lambda: window.findChild(CountersignDialog) is not None)
    dialog = window.findChild(CountersignDialog)
    activate(qtbot, dialog)
    assert focused() is dialog.source
    qtbot.keyClicks(dialog.source, str(sheet))
    assert dialog.output.text().endswith(".pdf") and dialog.output.text() != str(sheet)
    target = tmp_path / "countersigned.pdf"
    tab_to(qtbot, dialog.output)
    key(qtbot, "Ctrl+A")
    qtbot.keyClicks(focused(), str(target))
    tab_to(qtbot, dialog.passphrase)
    qtbot.keyClicks(focused(), "not-the-passphrase")
    key(qtbot, "Return")
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30000)
    assert dialog.isVisible() and dialog.message.text() and not target.exists()
    assert focused() is dialog.passphrase
    qtbot.keyClicks(focused(), DEMO_PASSPHRASE)  # the wrong one is selected: typing replaces it
    key(qtbot, "Return")
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=30000)
    result = verify_pdf(target.read_bytes(), trusted_office_certs(ws))
    assert result.ok, result.problems
    assert [r.kind for r in result.signatures] == ["certification", "countersignature"]
    assert result.signatures[1].signer_number == "T001" and str(target) in dialog.message.text()
    key(qtbot, "Escape")
    qtbot.waitUntil(lambda: not dialog.isVisible())
