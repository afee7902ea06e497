"""Safer, faster picking (issue 17): a weak search picks nothing by itself, the preview names the item Enter
will record, and people are found by name, pinyin initials or 工号."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.keys import activate, focused, key


def open_round(window, qtbot, checklist="svc-001-assessment", department=None):
    activate(qtbot, window)
    start = window.start_page
    start.checklist.setCurrentIndex(start.checklist.findData(checklist))
    if department:
        start.department.setCurrentIndex(start.department.findData(department))
    start.location.setFocus()
    key(qtbot, "Return")
    qtbot.waitUntil(lambda: window.inspect.currentWidget() is window.record_page)
    return window.record_page


def test_a_direct_hit_is_picked_and_named_in_the_preview(main_window, qtbot):
    page = open_round(main_window, qtbot, department="W-REG")
    qtbot.keyClicks(page.items.search, "xp")
    assert page.items.current_code() == "A3" and not page.items.hint.isVisible()
    assert page.preview_label.text().startswith("A3 ")  # the item Enter will record, named
    qtbot.keyClick(page.items.search, Qt.Key.Key_Return)
    key(qtbot, "Space")
    assert page.preview_label.text().startswith("A3 ") and "2" in page.preview_label.text()  # the head, ×2


def test_a_weak_match_is_shown_but_not_picked(main_window, qtbot):
    page = open_round(main_window, qtbot, checklist="svc-000-model-window")
    qtbot.keyClicks(page.items.search, "xp")  # no 胸牌 here; "xp" is only inside 思想品德 (sxpd)
    assert page.items.current_code() is None and page.items.hint.isVisible()
    assert page.items.visible_codes()  # the partial matches are listed …
    qtbot.keyClick(page.items.search, Qt.Key.Key_Return)  # … Enter only shows the first, in the list
    assert focused() is page.items.tree
    assert page.state.entries == [] and focused() is not page.staff
    code = page.items.current_code()
    qtbot.keyClick(page.items.tree, Qt.Key.Key_Return)  # a second, deliberate Enter picks it
    assert focused() in (page.staff, page.note) and page.items.current_code() == code
    page.items.search.clear()
    qtbot.keyClicks(page.items.search, "qqqq")
    assert page.items.current_code() is None and page.items.visible_codes() == []
    qtbot.keyClick(page.items.search, Qt.Key.Key_Return)
    assert page.state.entries == []


def test_people_are_found_by_initials_name_or_staff_number(main_window, qtbot):
    page = open_round(main_window, qtbot, department="W-REG")
    who = page.who
    qtbot.keyClicks(page.items.search, "A6")
    qtbot.keyClick(page.items.search, Qt.Key.Key_Return)
    assert focused() is who.people
    qtbot.keyClicks(who.people, "zhx")  # typed in the list: goes to the find box
    assert focused() is who.find and who.visible() == ["1002"]  # 钟红霞
    qtbot.keyClick(who.find, Qt.Key.Key_Return)  # ticks her, back to the list
    assert who.ticked() == ["1002"] and focused() is who.people and who.find.text() == ""
    qtbot.keyClicks(who.people, "1003")
    assert who.visible() == ["1003"]
    qtbot.keyClick(who.find, Qt.Key.Key_Return)
    assert who.ticked() == ["1002", "1003"]
    key(qtbot, "Return")  # records both
    assert {e.who.split("（")[0] for e in page.state.live_entries} == {"钟红霞", "段超"}


def test_the_departments_history_warns_before_charging_the_same_person_again(main_window, qtbot):
    from tests.gui.pages_fixtures import record_finished

    ws = main_window.ctx.ws
    record_finished(ws, "W-REG", "A3", staff_nos=("1002",), note="no badge", days_ago=40)  # overdue by now
    page = open_round(main_window, qtbot, department="W-REG")
    assert page.info_tabs.currentWidget() is page.history_view  # something is open: the history shows first
    assert "1" in page.info_tabs.tabText(1)
    assert "A3" in page.history_view.toPlainText() and "no badge" in page.history_view.toPlainText()
    qtbot.keyClicks(page.items.search, "xp")
    qtbot.keyClick(page.items.search, Qt.Key.Key_Return)
    qtbot.keyClicks(page.staff, "1002")
    qtbot.keyClick(page.who.find, Qt.Key.Key_Return)  # tick 钟红霞
    assert page.history_warning.isVisible() and "钟红霞" in page.history_warning.text()
    qtbot.keyClick(page.staff, Qt.Key.Key_Space)  # untick: no warning for nobody
    assert not page.history_warning.isVisible()
    key(qtbot, "Ctrl+H")
    assert page.info_tabs.currentIndex() == 0


def test_the_department_box_finds_by_pinyin_initials(main_window, qtbot):
    from PySide6.QtWidgets import QApplication

    activate(qtbot, main_window)
    start = main_window.start_page
    start.checklist.setCurrentIndex(start.checklist.findData("svc-001-assessment"))
    start.department.setFocus()
    line = start.department.lineEdit()
    line.selectAll()
    qtbot.keyClicks(line, "ghsf")  # 挂号收费窗口
    popup = start.department_search.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    model = popup.model()
    assert [model.index(r, 0).data() for r in range(model.rowCount())][:1] == [start.department.itemText(
        start.department.findData("W-REG"))]  # the only match, shown by its name
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert start.department.currentData() == "W-REG"
    assert QApplication.activePopupWidget() is None


def test_the_department_and_the_people_exclude_each_other_without_disabling_the_list(main_window, qtbot):
    page = open_round(main_window, qtbot, department="W-REG")
    who = page.who
    qtbot.keyClicks(page.items.search, "A6")
    qtbot.keyClick(page.items.search, Qt.Key.Key_Return)
    qtbot.keyClicks(who.people, "zhx")
    qtbot.keyClick(who.find, Qt.Key.Key_Return)
    assert who.ticked() == ["1002"]
    who.department.setFocus()
    key(qtbot, "Space")  # the department instead: the person is unticked, the list stays usable
    assert who.department.isChecked() and who.ticked() == [] and who.people.isEnabled()
    assert all(who.people.item(i).checkState() == Qt.CheckState.Unchecked for i in range(who.people.count()))
    who.people.setFocus()
    key(qtbot, "Space")  # a person instead: the department is unticked
    assert not who.department.isChecked() and len(who.ticked()) == 1
    key(qtbot, "Return")
    assert len(page.state.live_entries) == 1 and "科室" not in page.state.live_entries[0].who
