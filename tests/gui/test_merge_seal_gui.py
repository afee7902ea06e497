"""The office's merge dialog seals while it merges (issue 16), as `merge --seal` does: keys only. Two laptops
of one office sign a sheet each, the second after the office revoked its inspector (left the post); the dialog
merges both batches with "seal while merging" ticked (Alt+E) and the office passphrase. The first sheet is
sealed (verify: PAdES B-LTA, only the office certificate trusted); the second is reported with the
revocation as its reason and left pending, and its rows are merged all the same.

One test walks the whole story: two laptops with keys and signed sheets take most of its ~15 s."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog
from sqlalchemy import select

from inspector_app.core.demo import generate
from inspector_app.core.documents.verification import verify_pdf
from inspector_app.core.i18n import tr
from inspector_app.core.identity import DEMO_PASSPHRASE, ensure_demo_identity
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.identity.revocation import revoke
from inspector_app.core.identity.storage import default_office_dir
from inspector_app.core.merge import models as m
from inspector_app.core.merge import open_central
from inspector_app.core.sync import push
from inspector_app.office.revocations import central_revocations
from inspector_app.office.sealing import pending_sheets
from tests.gui.keys import key
from tests.helpers.fixtures import open_demo_workspace


def _share_typed(qtbot, dialog, share: Path) -> None:
    """The dialog shown and active, the share folder typed into its field (focused, as the keys go there)."""
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.share.setFocus()
    dialog.share.selectAll()
    qtbot.keyClicks(dialog.share, str(share))


def test_merge_dialog_seals_while_merging_and_reports_what_it_could_not(gui_workspace, open_window, qtbot,
                                                                       tmp_path, monkeypatch):
    from inspector_app.gui.office_dialog import OfficeDialog

    ws = gui_workspace
    ensure_demo_identity(ws)
    office = default_office_dir(ws.data_dir)
    share = tmp_path / "share"
    share.mkdir()
    other = open_demo_workspace(tmp_path / "second")  # a second laptop the same office enrols
    other.update_settings(inspector={"name": "第二督查员", "staff_no": "D002"})
    shutil.copytree(office, default_office_dir(other.data_dir))
    ensure_demo_identity(other)
    shutil.copytree(default_office_dir(other.data_dir) / "issued", office / "issued", dirs_exist_ok=True)
    try:
        generate(ws, 1, seed=3, days=5, sign_sheets=True)
        assert push(ws, share, DEMO_PASSPHRASE).bundle is not None
        time.sleep(1.05)  # a CRL's dates have whole seconds
        [revoked] = revoke(office, DEMO_PASSPHRASE, "D002", "left")
        time.sleep(1.05)
        generate(other, 1, seed=4, days=5, sign_sheets=True)  # signed after the office revoked D002
        assert push(other, share, DEMO_PASSPHRASE).bundle is not None
    finally:
        other.close()

    window = open_window(ws)
    dialog = OfficeDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: asked.append(a[1]) or (DEMO_PASSPHRASE, True))
    _share_typed(qtbot, dialog, share)
    assert not dialog.seal.isChecked()
    key(qtbot, "Alt+E")  # 合并时…封签(&E), sent to the focused field as a keyboard does
    qtbot.waitUntil(dialog.seal.isChecked)  # Qt animates the mnemonic's click
    with qtbot.waitSignal(dialog.merged, timeout=90000) as caught:
        qtbot.keyClick(dialog.share, Qt.Key.Key_Return)  # the default button: Merge
    assert asked == [tr("Office passphrase")]  # asked once, before the merge
    report = caught.args[0]
    assert len(report.outcomes) == 2 and report.clean
    done = dialog.outcome
    assert done is not None and [o.status for o in done.sealed] == ["sealed", "failed"]
    first, second = done.sealed
    root = load_office_certificate(office)
    check = verify_pdf(first.path.read_bytes(), [root])
    assert check.ok and check.level == "PAdES B-LTA"
    assert revoked.name in second.message and second.path is None
    results = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert results.count(tr("merged")) == 2
    assert tr("sealed") in results and tr("not sealed, left pending") in results
    sealed_row = results.index(tr("sealed"))
    assert dialog.table.item(sealed_row, 0).text() == first.number
    assert str(first.path) in dialog.table.item(sealed_row, 2).toolTip()
    failed_row = results.index(tr("not sealed, left pending"))
    assert dialog.table.item(failed_row, 0).text() == second.number
    assert dialog.table.item(failed_row, 2).text() == second.message
    assert tr("{sealed} sheet(s) sealed, {failed} left pending.", sealed=1, failed=1) in dialog.summary.text()
    # the office folder's revocation reaches the central database's audit with the merge (c0009)
    assert dialog.summary.text().endswith(tr("{count} revocation(s) from the office folder recorded in the central "
                                             "database.", count=1))
    central = open_central(dialog.central.text())
    try:
        with central.read() as session:  # both inspections merged, the second sheet still pending
            assert len(session.scalars(select(m.Inspection)).all()) == 2
        assert [d.id for d in pending_sheets(central)] == [second.document_id]
        assert [(r.staff_no, r.serial) for r in central_revocations(central)] == [("D002", revoked.serial)]
    finally:
        central.close()


def test_a_wrong_office_passphrase_merges_nothing(gui_workspace, open_window, qtbot, tmp_path, monkeypatch):
    from inspector_app.gui.office_dialog import OfficeDialog

    ws = gui_workspace
    ensure_demo_identity(ws)
    share = tmp_path / "share"
    share.mkdir()
    generate(ws, 1, seed=5, days=5)
    push(ws, share, DEMO_PASSPHRASE)
    window = open_window(ws)
    dialog = OfficeDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("not the passphrase", True))
    shown = []
    monkeypatch.setattr("inspector_app.gui.office_dialog.show_error", lambda parent, message: shown.append(message))
    _share_typed(qtbot, dialog, share)
    key(qtbot, "Alt+E")
    qtbot.waitUntil(dialog.seal.isChecked)
    qtbot.keyClick(dialog.share, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    qtbot.waitUntil(lambda: dialog.merge_button.isEnabled())
    assert dialog.summary.text() == shown[0] and dialog.outcome is None
    assert len(list((share / "incoming").glob("*.zip"))) == 1  # nothing merged, the batch still waits
