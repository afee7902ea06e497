"""Keyboard-complete (issue 17): one binding per key, Tab leaves every table, F1 lists every key, Ctrl+Z
after an entry undoes the entry, Enter starts an inspection and does not misfire in the drill."""

from __future__ import annotations

from collections import defaultdict

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QMessageBox,
    QStyle,
    QTableView,
    QWidget,
)

from inspector_app.core.i18n import set_language
from inspector_app.core.inspection_state import load_state
from inspector_app.gui.shortcuts import ShortcutSheet, menu_shortcuts
from tests.gui.keys import activate, focused, key, tab_to

WINDOW_WIDE = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)


def bindings(window: QWidget) -> dict[str, list[tuple[object, Qt.ShortcutContext, QWidget | None]]]:
    """Every key sequence bound in the window: (the action or shortcut, its context, the widget it lives on)."""
    found: dict[str, list] = defaultdict(list)
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            found[sequence.toString()].append((action, action.shortcutContext(), None))
    for shortcut in window.findChildren(QShortcut):
        for sequence in QShortcut.keys(shortcut):  # (a Qt method, not a dict's)
            found[sequence.toString()].append((shortcut, shortcut.context(), shortcut.parent()))
    return found


def open_record_page(window, qtbot):
    activate(qtbot, window)
    start = window.start_page
    start.checklist.setCurrentIndex(start.checklist.findData("svc-001-assessment"))
    start.department.setCurrentIndex(start.department.findData("W-REG"))
    start.location.setFocus()
    qtbot.keyClick(start.location, Qt.Key.Key_Return)  # Enter in 地点/病区 starts
    qtbot.waitUntil(lambda: window.inspect.currentWidget() is window.record_page)
    return window.record_page


def test_no_key_is_bound_twice(main_window, qtbot):
    open_record_page(main_window, qtbot)
    for index in range(5):  # every page built, so its shortcuts exist
        main_window.page(index) if index else None
    ambiguous = []
    for sequence, bound in bindings(main_window).items():
        wide = [b for b in bound if b[1] in WINDOW_WIDE]
        if len(wide) > 1 or (wide and len(bound) > len(wide)):
            ambiguous.append(f"{sequence}: {[type(b[0]).__name__ + ' ' + getattr(b[0], 'text', lambda: '')() for b in bound]}")
        local = [b[2] for b in bound if b[1] not in WINDOW_WIDE]
        if len(local) != len(set(map(id, local))):
            ambiguous.append(f"{sequence}: twice on one widget")
    assert not ambiguous, "\n".join(ambiguous)
    assert QKeySequence(QKeySequence.StandardKey.Find).toString() in bindings(main_window)


def test_ctrl_f_reaches_the_search_box(main_window, qtbot):
    page = open_record_page(main_window, qtbot)
    page.note.setFocus()
    key(qtbot, "Ctrl+F")
    assert focused() is page.items.search


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_f1_lists_every_key_of_the_menus(gui_workspace, open_window, qtbot, lang):
    set_language(lang)
    window = open_window(gui_workspace)
    activate(qtbot, window)
    window.nav.setFocus()
    key(qtbot, "F1")
    sheet = qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ShortcutSheet)) or \
        QApplication.activeModalWidget()
    listed = set(sheet.keys())
    expected = {keys for keys, _ in menu_shortcuts(window)}
    assert expected and expected <= listed
    for text in ("Ctrl+Z", "Ctrl+F", "Ctrl+Shift+M", "Del", "F1"):
        assert any(text in keys for keys in listed), text
    texts = [sheet.table.item(r, 1).text() for r in range(sheet.table.rowCount())]
    if lang == "zh":
        assert "登记已整改" in "".join(texts) and "撤销" in "".join(texts)
    else:
        assert any("Mark rectified" in t for t in texts)
    # every description whole: it wraps in its column and its row is tall enough for the lines it takes
    table, metrics = sheet.table, sheet.table.fontMetrics()
    width = table.columnWidth(1) - 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) - 2
    for row, text in enumerate(texts):
        needed = metrics.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text).height()
        assert table.rowHeight(row) >= needed, text
    assert sheet.width() <= sheet.screen().availableGeometry().width()
    sheet.close()


def test_tab_leaves_every_table(main_window, qtbot, pages_ctx):
    page = open_record_page(main_window, qtbot)
    tables = [page.entries]
    for index in (1, 2, 3):
        main_window.nav.setCurrentRow(index)
        tables += [t for t in main_window.page(index).findChildren(QTableView) if t.isVisible()]
        for table in tables:
            if not table.isVisible():
                continue
            assert not table.tabKeyNavigation(), table.accessibleName()
            table.setFocus()
            qtbot.keyClick(table, Qt.Key.Key_Tab)
            assert focused() is not table, table.accessibleName()
            table.setFocus()
            qtbot.keyClick(table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
            assert focused() is not table, table.accessibleName()
    assert all(not view.tabKeyNavigation() for view in main_window.findChildren(QAbstractItemView)
               if isinstance(view, QTableView))


def test_rectification_buttons_are_reached_by_tab(main_window, qtbot, pages_ctx):
    main_window.nav.setCurrentRow(2)
    page = main_window.rectification_page
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)  # select a row by key
    for button in (page.mark_button, page.fixed_button):
        page.table.setFocus()
        if button.isEnabled():
            tab_to(qtbot, button)
            assert focused() is button


def test_ctrl_z_right_after_recording_undoes_the_entry(main_window, qtbot):
    page = open_record_page(main_window, qtbot)
    qtbot.keyClicks(page.items.search, "xp")
    qtbot.keyClick(page.items.search, Qt.Key.Key_Return)  # pick 胸牌, focus on the people
    assert focused() is page.staff
    qtbot.keyClick(page.staff, Qt.Key.Key_Space)  # tick the first person
    qtbot.keyClick(page.staff, Qt.Key.Key_Return)  # record
    assert len(page.state.live_entries) == 1
    assert focused() is page.items.search and page.items.search.text() == "xp"
    key(qtbot, "Ctrl+Z")
    assert page.items.search.text() == "xp"  # the search text stays …
    assert load_state(main_window.ctx.ws, page.state.id).live_entries == []  # … the entry is undone
    key(qtbot, "Ctrl+Y")
    assert len(load_state(main_window.ctx.ws, page.state.id).live_entries) == 1
    qtbot.keyClicks(page.items.search, "A7")  # typing after that is the field's own to undo
    key(qtbot, "Ctrl+Z")
    assert page.items.search.text() != "A7" and len(page.state.live_entries) == 1


def test_enter_in_co_inspector_starts_too(main_window, qtbot):
    start = main_window.start_page
    start.co_inspector.setFocus()
    qtbot.keyClicks(start.co_inspector, "Li")
    qtbot.keyClick(start.co_inspector, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: main_window.inspect.currentWidget() is main_window.record_page)
    assert main_window.record_page.state.co_inspector == "Li"


def test_enter_in_the_drill_picks_then_records_and_never_pops_an_error(main_window, qtbot):
    from inspector_app.gui.training import open_drill

    dialog = open_drill(main_window)
    qtbot.waitExposed(dialog)
    activate(qtbot, dialog)
    dialog.choose("drill-001-assessment", "head-late-and-badge")
    dialog.items.search.setFocus()
    qtbot.keyClicks(dialog.items.search, "A2")
    qtbot.keyClick(dialog.items.search, Qt.Key.Key_Return)  # picks the item, nothing recorded
    assert dialog.entries == [], dialog.entries
    assert focused() is dialog.who.people, focused()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    qtbot.keyClick(dialog.who.people, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.who.people, Qt.Key.Key_Return)  # records
    assert len(dialog.entries) == 1
    dialog.recorded.setFocus()
    qtbot.keyClick(dialog.recorded, Qt.Key.Key_Return)  # Enter elsewhere does nothing
    assert len(dialog.entries) == 1
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    qtbot.keyClick(dialog.recorded, Qt.Key.Key_Tab)
    assert focused() is not dialog.recorded
    dialog.entries = []
    dialog.reject()
