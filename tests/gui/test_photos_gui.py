"""Photos on the recording screen (issue 17 item 6), by keys: photos from a folder (a camera card) attached to
the selected entry, all or nothing; small thumbnails in the entries table and the review, made off the GUI
thread. Real small images (make_image); the folder dialog is the system's, so the test names the folder."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from inspector_app.core.inspection_state import load_state
from inspector_app.gui.pages.review_dialog import ReviewDialog
from inspector_app.gui.thumbnails import THUMB_PX
from tests.gui.keys import activate, answer_modal, dialog_focus, key, tab_to
from tests.gui.test_ward_round import entry, start_round
from tests.helpers.fixtures import make_image


@pytest.fixture
def card(tmp_path, monkeypatch):
    folder = tmp_path / "DCIM" / "100CAM"
    make_image(folder / "IMG_0001.JPG", (1200, 800), fmt="JPEG")
    make_image(folder / "IMG_0002.PNG", (300, 500), mode="RGBA")
    (folder / "IMG_0004.JPG").write_bytes(b"\xff\xd8\xff\xe0 cut off")
    (folder / "MVI_0003.MOV").write_bytes(b"\x00\x00\x00\x18ftypqt  " + b"\x00" * 64)
    # the system's folder dialog cannot be driven here: it answers with the card's folder
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kw: str(folder)))
    return folder


def tick(*rows: int):
    """Keys for the photo chooser: Space on each of these rows (Down arrows between), then Enter."""

    def answer(dialog) -> None:
        target = dialog_focus(dialog)
        at = 0
        for row in rows:
            for _ in range(row - at):
                QTest.keyClick(target, Qt.Key.Key_Down)
            at = row
            QTest.keyClick(target, Qt.Key.Key_Space)
        QTest.keyClick(target, Qt.Key.Key_Return)

    return answer


def _thumb(page, row: int):
    return page.entries_model.index(row, page.entries_model.NOTE).data(Qt.ItemDataRole.DecorationRole)


def test_photos_from_a_card_attach_to_the_selected_entry_and_show_small(main_window, qtbot, card):
    window, ws = main_window, main_window.ctx.ws
    activate(qtbot, window)
    start_round(qtbot, window)
    page = window.record_page
    entry(qtbot, page, "xp", note="badge")
    entry(qtbot, page, "A5")
    assert _thumb(page, 0) is None  # no photo yet

    # the first entry: Tab to the table, arrows, Ctrl+Shift+P; tick the two photos, Enter attaches them
    tab_to(qtbot, page.entries)
    key(qtbot, "Ctrl+Home")
    answer_modal(qtbot, tick(0, 1))
    key(qtbot, "Ctrl+Shift+P")
    window.ctx.ops.wait()
    state = load_state(ws, page.state.id)
    assert [e.photos for e in state.entries] == [2, 0]
    qtbot.waitUntil(lambda: isinstance(_thumb(page, 0), QPixmap), timeout=10000)
    thumb = _thumb(page, 0)
    assert max(thumb.width(), thumb.height()) == THUMB_PX  # small, not the 1200-pixel photo
    assert "照片 2 张" in page.entries_model.index(0, page.entries_model.NOTE).data()

    # a damaged JPEG and a clip ticked with a photo: refused, named, nothing attached
    activate(qtbot, window)
    tab_to(qtbot, page.entries)
    key(qtbot, "Ctrl+End")
    answer_modal(qtbot, tick(0, 2, 3))
    key(qtbot, "Ctrl+Shift+P")
    window.ctx.ops.wait()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert "IMG_0004.JPG" in box.text() and "MVI_0003.MOV" in box.text()
    activate(qtbot, box)
    key(qtbot, "Return")
    assert [e.photos for e in load_state(ws, page.state.id).entries] == [2, 0]

    # the review before finishing shows the photo beside its entry; Esc goes back to recording
    activate(qtbot, window)
    seen = []

    def look(dialog) -> None:
        assert isinstance(dialog, ReviewDialog)
        qtbot.waitUntil(lambda: not dialog.table.item(0, 0).icon().isNull(), timeout=10000)
        seen.append(dialog.table.item(1, 0).icon().isNull())
        QTest.keyClick(dialog_focus(dialog), Qt.Key.Key_Escape)

    answer_modal(qtbot, look)
    key(qtbot, "Ctrl+Shift+Return")
    assert seen == [True]  # the entry without photos has no picture
    assert load_state(ws, page.state.id).status == "draft"


def test_photos_need_a_selected_entry(main_window, qtbot, card):
    window = main_window
    activate(qtbot, window)
    start_round(qtbot, window)
    key(qtbot, "Ctrl+Shift+P")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    assert "选中" in QApplication.activeModalWidget().text()
