"""A whole inspection through the real main window, driven from the keyboard where people would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from inspector_app.core.i18n import tr
from inspector_app.core.inspection_state import load_state
from inspector_app.core.inspections import list_inspections
from inspector_app.core.workspace import Workspace
from inspector_app.gui.pages.review_dialog import ReviewDialog

HEAD = "1001"  # demo roster: 挂号收费窗口 (W-REG) head
STAFF = ("1002", "1003")


def start(window, qtbot, department="W-REG", checklist="svc-001-assessment"):
    page = window.start_page
    page.checklist.setCurrentIndex(page.checklist.findData(checklist))
    page.department.setCurrentIndex(page.department.findData(department))
    page.co_inspector.setText("李督查")
    page.covert_mode.setChecked(True)
    page.start()
    qtbot.waitUntil(lambda: window.inspect.currentWidget() is window.record_page)
    return window.record_page


def type_text(qtbot, widget, text):
    """Key clicks for ASCII; Chinese arrives as an input method commits it (QTest cannot type it)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        widget.insert(text)


def tick(page, *staff_nos):
    for row in range(page.staff.count()):
        item = page.staff.item(row)
        if item.data(Qt.ItemDataRole.UserRole + 1) in staff_nos:
            item.setCheckState(Qt.CheckState.Checked)


def record(page, qtbot, query, staff=(), department=False, count=1, note=""):
    """Type a search, Enter, tick people, type the note, Enter — as on a ward round."""
    page.items.search.clear()
    type_text(qtbot, page.items.search, query)
    qtbot.keyClick(page.items.search, Qt.Key.Key_Return)
    tick(page, *staff)
    page.charge_department.setChecked(department)
    page.count.setValue(count)
    page.note.setFocus()
    type_text(qtbot, page.note, note)
    before = len(page.state.entries)
    qtbot.keyClick(page.note, Qt.Key.Key_Return)
    return len(page.state.entries) - before


def accept_review(monkeypatch):
    monkeypatch.setattr(ReviewDialog, "exec", lambda self: QDialog.DialogCode.Accepted)


def test_whole_inspection(main_window, qtbot, monkeypatch):
    ws = main_window.ctx.ws
    page = start(main_window, qtbot)
    assert record(page, qtbot, "xp", staff=[STAFF[0]], note="未佩戴胸牌") == 1
    assert record(page, qtbot, "推诿", staff=[HEAD], note="科室负责人推诿患者") == 1
    assert record(page, qtbot, "A6", staff=[STAFF[1]], note="上班玩手机") == 1
    assert record(page, qtbot, "学习记录", department=True, note="本月仅学习一次") == 1
    assert record(page, qtbot, "迟到", staff=[STAFF[0]], count=2, note="迟到两次") == 1
    state = load_state(ws, page.state.id)
    assert [e.item_code for e in state.live_entries] == ["A3", "A5", "A6", "A1", "A2"]
    head_entry = state.live_entries[1]
    assert head_entry.is_head and head_entry.points == 6  # 3 points, department head ×2, once
    assert state.score.total == 1 + 6 + 3 + 2 + 2
    assert "14" in page.total.text()

    main_window.undo_stack.undo()  # the last one (迟到 ×2) is voided, not deleted
    state = load_state(ws, page.state.id)
    assert len(state.entries) == 5 and state.entries[-1].voided and state.score.total == 12
    assert page.entries_model.rowCount() == 5
    main_window.undo_stack.redo()
    assert load_state(ws, page.state.id).score.total == 14
    main_window.undo_stack.undo()

    inspection_id = page.state.id
    accept_review(monkeypatch)
    with qtbot.waitSignal(main_window.inspection_finished, timeout=5000) as finished:
        qtbot.keyClick(main_window, Qt.Key.Key_Return,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert finished.args == [inspection_id]
    assert main_window.inspect.currentWidget() is main_window.start_page
    row = next(r for r in list_inspections(ws) if r.id == inspection_id)
    assert row.status == "finished" and row.mode == "covert" and row.co_inspector == "李督查"
    assert row.points == 12 and row.deductions == 4
    assert main_window.pending_label.text() == tr("Waiting to send: {count} inspections", count=1)


def test_department_item_stays_charged_for_the_next_entry(main_window, qtbot):
    """After a department-only item is recorded, the department stays ticked (and locked) for the next one."""
    page = start(main_window, qtbot)
    assert record(page, qtbot, "学习记录", department=True, note="本月仅学习一次") == 1
    assert page.charge_department.isChecked() and not page.charge_department.isEnabled()
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)  # the same item again, by mouse
    assert [e.item_code for e in page.state.live_entries] == ["A1", "A1"]


def test_draft_reopens_after_the_window_closes(gui_workspace, open_window, qtbot, gui_data):
    window = open_window(gui_workspace)
    page = start(window, qtbot)
    record(page, qtbot, "胸牌", staff=[STAFF[0]], note="未戴胸牌")
    draft = page.state.id
    window.close()
    gui_workspace.close()
    reopened_ws = Workspace.open(gui_data)
    try:
        again = open_window(reopened_ws)
        assert again.inspect.currentWidget() is again.record_page
        assert again.record_page.state.id == draft
        assert [e.note for e in again.record_page.state.entries] == ["未戴胸牌"]
    finally:
        again.close()
        reopened_ws.close()


def test_search_by_pinyin_initials_code_and_text(main_window, qtbot):
    page = start(main_window, qtbot)
    qtbot.keyClicks(page.items.search, "xp")
    assert "A3" in page.items.visible_codes() and page.items.current_code() == "A3"  # 胸牌, the direct hit
    page.items.search.clear()
    qtbot.keyClicks(page.items.search, "A7")
    assert page.items.visible_codes() == ["A7"]
    page.items.search.clear()
    type_text(qtbot, page.items.search, "推诿")
    assert page.items.visible_codes() == ["A5"]
    page.items.search.clear()
    assert len(page.items.visible_codes()) == 8


def test_every_item_row_has_the_full_text_guidance_and_source_as_tooltip(main_window, qtbot):
    page = start(main_window, qtbot)
    checklist = main_window.ctx.ws.library.get("svc-001-assessment")
    model = page.items.model
    for item in checklist.items():
        row = page.items._rows[item.code]
        tips = {cell.data(Qt.ItemDataRole.ToolTipRole) for cell in row}
        assert len(tips) == 1, item.code  # the same tip wherever the pointer is on the row
        tip = tips.pop()
        assert item.text.get("zh") in tip and item.source.section in tip  # the column cuts long texts
        if item.guidance:
            assert item.guidance.get("zh") in tip
    assert model.item(0, 1).toolTip() == ""  # section rows have none


def test_zero_count_is_refused_with_a_message(main_window, qtbot):
    page = start(main_window, qtbot)
    assert record(page, qtbot, "胸牌", staff=[STAFF[0]], count=0, note="零次") == 0
    box = qtbot.waitUntil(lambda: _message_box() is not None) or _message_box()
    assert "1" in box.text() and "99" in box.text()
    box.close()
    assert load_state(main_window.ctx.ws, page.state.id).entries == []
    assert page.note.text() == "零次"  # nothing the user typed is lost


def test_finished_inspection_refuses_new_entries(main_window, qtbot, monkeypatch):
    page = start(main_window, qtbot)
    record(page, qtbot, "胸牌", staff=[STAFF[0]])
    accept_review(monkeypatch)
    main_window.finish_inspection(page.state.id)
    assert main_window.start_page.latest_draft() is None


def test_a_complaint_is_not_recorded_as_an_observation(main_window, qtbot):
    """001 第7条 charges a complaint only once verified: the record page says so before Enter, and refuses."""
    page = start(main_window, qtbot)
    qtbot.keyClicks(page.items.search, "A7")
    qtbot.keyClick(page.items.search, Qt.Key.Key_Return)
    assert "投诉登记" in page.preview_label.text()
    qtbot.keyClick(page.staff, Qt.Key.Key_Space)
    assert "投诉登记" in page.preview_label.text()  # ticking someone does not turn it into a deduction
    qtbot.keyClick(page.staff, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _message_box() is not None)
    box = _message_box()
    assert "投诉登记" in box.text() and page.state.live_entries == []
    box.close()


def _message_box() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            return widget
    return None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_language_switch_rebuilds_the_window(main_window, qtbot, lang):
    page = start(main_window, qtbot)
    record(page, qtbot, "胸牌", staff=[STAFF[0]])
    main_window.ctx.ws.update_settings(language=lang)
    main_window.ctx.changes.settings.emit()
    assert main_window.nav.item(0).text() == ("督查" if lang == "zh" else "Inspect")
    assert main_window.record_page.state is not None  # the open inspection stays open
    assert len(main_window.record_page.state.entries) == 1


def test_review_shows_every_column_on_a_small_screen(main_window, qtbot):
    """At font size 16 the review fits the screen's free area and needs no sideways scrolling: the points
    and deadlines of every entry are on screen, long items wrapped in their rows."""
    from PySide6.QtGui import QFont

    from inspector_app.gui.geometry import free_area

    page = start(main_window, qtbot)
    record(page, qtbot, "A6", staff=[STAFF[1]], note="上班玩手机")
    record(page, qtbot, "学习记录", department=True)
    dialog = ReviewDialog(load_state(main_window.ctx.ws, page.state.id), main_window)
    font = QFont(dialog.font())
    font.setPointSize(16)
    dialog.setFont(font)
    qtbot.addWidget(dialog)
    free = free_area(main_window)  # the offscreen screen: 800×800, narrower than a 1024×768 laptop's
    assert dialog.width() <= free.width() and dialog.height() <= free.height()
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert table.horizontalScrollBar().maximum() == 0
    for row in range(table.rowCount()):
        index = table.model().index(row, 0)
        assert table.rowHeight(row) >= table.sizeHintForIndex(index).height() - 1
