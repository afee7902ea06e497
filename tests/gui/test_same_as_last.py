""""Same as last entry" (issue 17 item 5) from the keyboard: Ctrl+D fills the form with the last entry's item
and people (the note empty), the preview says so before Enter records it at a new time."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox

from inspector_app.core.inspection_state import load_state
from tests.gui.keys import activate, focused, key
from tests.gui.test_ward_round import entry, start_round, type_into


def test_ctrl_d_repeats_the_last_entry_for_the_same_people(main_window, qtbot):
    window, ws = main_window, main_window.ctx.ws
    activate(qtbot, window)
    start_round(qtbot, window)
    page = window.record_page

    # nothing recorded yet: Ctrl+D says there is nothing to repeat, and records nothing
    key(qtbot, "Ctrl+D")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    activate(qtbot, box)
    key(qtbot, "Return")
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert load_state(ws, page.state.id).entries == []
    activate(qtbot, window)

    # A6 for two people at once (two deductions, one entry), with a note
    key(qtbot, "Ctrl+F")
    type_into(qtbot, "A6")
    key(qtbot, "Return")
    assert focused() is page.staff
    key(qtbot, "Space")
    key(qtbot, "Down")
    key(qtbot, "Space")
    key(qtbot, "Return")
    first = load_state(ws, page.state.id).live_entries
    assert [e.item_code for e in first] == ["A6", "A6"]
    people = [e.staff_no for e in first]

    # Ctrl+D: the same item and people in the form and named in the preview, the note empty, focus on it
    key(qtbot, "Ctrl+D")
    assert page.items.current_code() == "A6"
    assert page.selected_staff() == people
    assert page.note.text() == "" and focused() is page.note
    assert page.preview_label.text().startswith("同上一条 · A6")
    assert load_state(ws, page.state.id).live_entries == first  # nothing recorded before Enter
    type_into(qtbot, "again")
    key(qtbot, "Return")
    entries = load_state(ws, page.state.id).live_entries
    assert [(e.item_code, e.staff_no, e.note) for e in entries[2:]] == [("A6", p, "again") for p in people]
    assert entries[2].recorded_at >= first[0].recorded_at and entries[2].id not in {e.id for e in first}
    assert page.preview_label.text().startswith("同上一条") is False  # the form is empty again

    # a department entry repeats as a department entry
    entry(qtbot, page, "A1")
    key(qtbot, "Ctrl+D")
    assert page.charge_department.isChecked() and page.items.current_code() == "A1"
    key(qtbot, "Return")
    entries = load_state(ws, page.state.id).live_entries
    assert [(e.item_code, e.staff_no) for e in entries[-2:]] == [("A1", None), ("A1", None)]


def test_the_f1_sheet_lists_ctrl_d(main_window, qtbot):
    sheet = main_window.show_shortcuts()
    rows = [(sheet.table.item(r, 0).text(), sheet.table.item(r, 1).text()) for r in range(sheet.table.rowCount())]
    assert ("Ctrl+D", "同上一条(L)") in rows or ("Ctrl+D", "同上一条") in rows
    sheet.close()
