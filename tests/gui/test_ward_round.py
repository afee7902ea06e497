"""A whole ward round from the keyboard alone (issue 17): start, five entries (one with a photo), undo and
redo, void, finish, sign, rectification notice, mark rectified, re-inspect, monthly summary; and discarding
a draft started by mistake. Only key events reach the widgets: no mouse, no slot called directly."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from inspector_app.core.identity import create_identity
from inspector_app.core.inspection_state import load_state
from inspector_app.core.inspections import InspectionFilter, list_inspections
from inspector_app.core.rectification import list_rectifications
from tests.gui.keys import activate, answer_modal, dialog_focus, focused, key, tab_to

PASSPHRASE = "ward round 8"


def type_into(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def entry(qtbot, page, query: str, *, downs: int = 0, note: str = "") -> None:
    """Ctrl+F, the item, Enter; arrows and Space tick a person; Enter records (from the note, if any)."""
    key(qtbot, "Ctrl+F")
    type_into(qtbot, query)
    key(qtbot, "Return")
    if focused() is page.staff:
        for _ in range(downs):
            key(qtbot, "Down")
        key(qtbot, "Space")
    if note:
        tab_to(qtbot, page.note)
        type_into(qtbot, note)
    key(qtbot, "Return")


def type_and_enter(text: str):
    """An answer for a modal input dialog: type into its focused field, then Enter."""

    def answer(dialog) -> None:
        target = dialog_focus(dialog)
        QTest.keyClicks(target, text)
        QTest.keyClick(target, Qt.Key.Key_Return)

    return answer


def press(key_: Qt.Key):
    def answer(dialog) -> None:
        QTest.keyClick(dialog_focus(dialog), key_)

    return answer


def start_round(qtbot, window, *, location: str = "") -> None:
    """Ctrl+N, arrow keys to the 优质服务 checklist, Tab to 地点/病区, type, Enter."""
    key(qtbot, "Ctrl+N")
    combo = window.start_page.checklist
    assert focused() is combo
    key(qtbot, "Home")
    for _ in range(combo.count()):
        if combo.currentData() == "svc-001-assessment":
            break
        key(qtbot, "Down")
    assert combo.currentData() == "svc-001-assessment"
    tab_to(qtbot, window.start_page.location)
    type_into(qtbot, location)
    key(qtbot, "Return")
    qtbot.waitUntil(lambda: window.inspect.currentWidget() is window.record_page)


def test_a_ward_round_from_the_keyboard(main_window, qtbot):
    window, ws = main_window, main_window.ctx.ws
    create_identity(ws, PASSPHRASE)  # the laptop's signing key exists already (made once, in Settings' time)
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    QApplication.clipboard().setImage(image)  # the photo the camera app copied
    activate(qtbot, window)

    # start: Ctrl+N, Tab to 地点/病区, type, Enter
    start_round(qtbot, window, location="3F")
    page = window.record_page
    inspection_id = page.state.id
    assert page.state.location == "3F"

    # five entries, the last with a photo pasted from the clipboard (Ctrl+V in the photo list)
    entry(qtbot, page, "xp", note="badge")
    entry(qtbot, page, "A5", downs=1)
    entry(qtbot, page, "A6", downs=2, note="phone")
    entry(qtbot, page, "A1")  # charged to the department: Enter goes straight to the note, Enter records
    key(qtbot, "Ctrl+F")
    type_into(qtbot, "A2")
    key(qtbot, "Return")
    key(qtbot, "Space")
    tab_to(qtbot, page.photo_list)
    key(qtbot, "Ctrl+V")
    assert len(page.photos) == 1
    tab_to(qtbot, page.note)
    type_into(qtbot, "late")
    key(qtbot, "Return")
    state = load_state(ws, inspection_id)
    assert [e.item_code for e in state.live_entries] == ["A3", "A5", "A6", "A1", "A2"]
    assert state.live_entries[-1].photos == 1

    # undo the last entry, redo it
    key(qtbot, "Ctrl+Z")
    assert len(load_state(ws, inspection_id).live_entries) == 4
    key(qtbot, "Ctrl+Y")
    assert len(load_state(ws, inspection_id).live_entries) == 5

    # void one: Tab to the entries, arrow to a row, Del, type the reason, Enter
    tab_to(qtbot, page.entries)
    key(qtbot, "Home")
    key(qtbot, "Down")  # the second row (A5)
    answer_modal(qtbot, type_and_enter("wrong person"))
    key(qtbot, "Delete")
    state = load_state(ws, inspection_id)
    assert [e.item_code for e in state.live_entries] == ["A3", "A6", "A1", "A2"]
    assert state.entries[1].void_reason == "wrong person"

    # finish: Ctrl+Shift+Enter, Enter confirms the review; the sign dialog opens
    activate(qtbot, window)  # back from the dialog (a window manager does this; offscreen Qt does not)
    answer_modal(qtbot, press(Qt.Key.Key_Return))
    key(qtbot, "Ctrl+Shift+Return")
    qtbot.waitUntil(lambda: window.reports.sign_dialog is not None and window.reports.sign_dialog.isVisible())
    assert next(r for r in list_inspections(ws) if r.id == inspection_id).status == "finished"

    # sign: the passphrase, Enter
    dialog = window.reports.sign_dialog
    activate(qtbot, dialog)
    tab_to(qtbot, dialog.passphrase)
    type_into(qtbot, PASSPHRASE)
    with qtbot.waitSignal(dialog.signed, timeout=30000):
        key(qtbot, "Return")
    key(qtbot, "Escape")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert next(r for r in list_inspections(ws) if r.id == inspection_id).signed

    # the rectification notice: Documents menu by its letter, then the command's letter; Esc closes the preview
    activate(qtbot, window)
    previews = answer_modal(qtbot, press(Qt.Key.Key_Escape))
    key(qtbot, "Alt+D")
    menu = qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None) or QApplication.activePopupWidget()
    qtbot.keyClick(menu, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: bool(previews), timeout=30000)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)

    # mark rectified, then re-inspect: Ctrl+3, an arrow selects, the Rectification menu's keys act
    activate(qtbot, window)
    key(qtbot, "Ctrl+3")
    rect = window.rectification_page
    qtbot.waitUntil(lambda: rect.model.rowCount() > 0)
    tab_to(qtbot, rect.table)
    key(qtbot, "Home")  # the first (most urgent) item …
    key(qtbot, "Space")  # … selected
    chosen = rect.selected_ids()
    assert len(chosen) == 1
    answer_modal(qtbot, type_and_enter("retrained"))
    key(qtbot, "Ctrl+Shift+M")
    activate(qtbot, window)
    assert {v.status for v in list_rectifications(ws) if v.id in chosen} == {"rectified"}
    key(qtbot, "Ctrl+Shift+F")
    assert {v.status for v in list_rectifications(ws) if v.id in chosen} == {"verified"}

    # the monthly summary: Ctrl+4 computes the month on show
    key(qtbot, "Ctrl+4")
    summary = window.summary_page
    qtbot.waitUntil(lambda: summary.summary is not None, timeout=20000)
    assert summary.summary.inspections >= 1 and summary.departments_model.rowCount() >= 1


def test_a_draft_started_by_mistake_is_discarded_from_the_menu(main_window, qtbot):
    window, ws = main_window, main_window.ctx.ws
    activate(qtbot, window)
    start_round(qtbot, window)
    draft = window.record_page.state.id
    entry(qtbot, window.record_page, "xp")
    answer_modal(qtbot, type_and_enter("wrong ward"))
    activate(qtbot, window)
    key(qtbot, "Alt+I")
    menu = qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None) or QApplication.activePopupWidget()
    qtbot.keyClick(menu, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: window.inspect.currentWidget() is window.start_page)
    assert list_inspections(ws, InspectionFilter(status="draft")) == []
    kept = list_inspections(ws, InspectionFilter(include_discarded=True))
    assert [row.id for row in kept] == [draft]
    assert window.start_page.latest_draft() is None
