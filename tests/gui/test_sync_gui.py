"""Sync in the window: automatic when the share appears, the passphrase asked once per session, and the
central office's merge dialog with its report. Real folders, keys and bundles; offscreen Qt."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

from inspector_app.core.demo import generate
from inspector_app.core.i18n import tr
from inspector_app.core.identity import DEMO_PASSPHRASE, ensure_demo_identity
from inspector_app.core.identity.storage import default_office_dir
from inspector_app.core.sync import push
from inspector_app.core.sync.publish import publish
from inspector_app.core.sync.status import sync_status
from tests.helpers.fixtures import ASSESSMENT, REPO

BUNDLED = int(re.search(r"^version: (\d+)$", (REPO / "forms" / "001-assessment.yaml").read_text(encoding="utf-8"),
                          re.MULTILINE).group(1))  # the bundled assessment checklist's version


@pytest.fixture
def enrolled(gui_workspace):
    ensure_demo_identity(gui_workspace)
    return gui_workspace


def _published_share(ws, folder: Path, tmp_path: Path) -> None:
    form = tmp_path / "assessment-v2.yaml"
    form.write_text((REPO / "forms" / "001-assessment.yaml").read_text(encoding="utf-8")
                    .replace(f"version: {BUNDLED}\n", f"version: {BUNDLED + 1}\n", 1), encoding="utf-8")
    folder.mkdir(parents=True)
    publish(default_office_dir(ws.data_dir), folder, DEMO_PASSPHRASE, checklists=[form])


def test_auto_sync_when_the_share_appears(enrolled, open_window, qtbot, tmp_path):
    generate(enrolled, 2, seed=5)
    stick = tmp_path / "media"
    stick.mkdir()
    share = stick / "share"
    enrolled.update_settings(share_folder=str(share))
    window = open_window(enrolled)
    qtbot.waitUntil(lambda: window.share_label.text() == tr("Share: not reachable"))  # looked at off the GUI thread
    staged = tmp_path / "prepared"
    _published_share(enrolled, staged, tmp_path)
    with qtbot.waitSignal(window.syncing.synced, timeout=20000) as caught:
        os.rename(staged, share)  # the stick is plugged in: the folder appears at once, with a publication
    report = caught.args[0]
    assert report.push is None and report.waiting == 2 and not report.pull.refused
    assert enrolled.library.get(ASSESSMENT).version == BUNDLED + 1
    assert tr("{count} inspection(s) waiting to be sent; sending needs your passphrase.", count=2) \
        in window.statusBar().currentMessage()
    assert not (share / "incoming").exists() or not list((share / "incoming").iterdir())


def test_passphrase_is_asked_once_per_session(enrolled, open_window, qtbot, tmp_path, monkeypatch):
    share = tmp_path / "share"
    share.mkdir()
    window = open_window(enrolled)
    enrolled.update_settings(share_folder=str(share))
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: asked.append(1) or (DEMO_PASSPHRASE, True))
    for seed in (1, 2):
        generate(enrolled, 1, seed=seed)
        with qtbot.waitSignal(window.syncing.synced, timeout=30000) as caught:
            window.syncing.sync()
        assert caught.args[0].ok and caught.args[0].push.inspections == 1
    assert len(asked) == 1 and sync_status(enrolled).waiting == 0
    assert len(list((share / "incoming").glob("batch-*.zip"))) == 2


def test_office_dialog_merges_and_reports(enrolled, open_window, qtbot, tmp_path):
    from inspector_app.gui.office_dialog import OfficeDialog

    generate(enrolled, 3, seed=9)
    share = tmp_path / "share"
    share.mkdir()
    push(enrolled, share, DEMO_PASSPHRASE)
    (share / "incoming" / "batch-00000000-00000000-0000-0000-0000-000000000000.zip").write_bytes(b"not a zip")
    window = open_window(enrolled)
    menus = [a.text() for a in window.menuBar().actions()]
    assert tr("&Office") in menus
    dialog = OfficeDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.share.setText(str(share))
    dialog.show()
    with qtbot.waitSignal(dialog.merged, timeout=60000) as caught:
        dialog.merge_button.click()
    report = caught.args[0]
    assert len(report.outcomes) == 2 and len(report.refused) == 1
    results = sorted(dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount()))
    assert results == sorted([tr("merged"), tr("quarantined")])
    quarantined = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 1).text() == tr("quarantined"))
    detail = dialog.table.item(quarantined, 2)
    assert not detail.text().startswith("corrupt_zip") and "(corrupt_zip)" in detail.toolTip()  # plain words first
    assert dialog.summary.text() == tr("{merged} of {total} batch(es) merged, {refused} quarantined or refused, "
                                       "{conflicts} conflict(s).", merged=1, total=2, refused=1, conflicts=0)
    assert dialog.progress.value() == dialog.progress.maximum()
    assert (enrolled.data_dir / "central" / "central.db").is_file()
    assert len(list((share / "archive").rglob("*.zip"))) == 1 and list((share / "quarantine").glob("*.zip"))
