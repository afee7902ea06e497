"""The to-do page (待办, issue 17) from the keyboard alone: Ctrl+5 shows it, arrows pick a row, Enter opens the
place to do it (Rectification page, draft, sign dialog, notices), Del discards a draft with a reason.

Entries are recorded 60 days before today, so their re-inspection is overdue whatever today is (the page
reads today's date: this module is in DATE_SENSITIVE)."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt

from inspector_app.core.inspections import InspectionFilter, list_inspections
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.gui.pages.sign_dialog import SignDialog
from tests.gui.keys import activate, answer_modal, focused, key
from tests.gui.test_ward_round import press, type_and_enter

CHECKLIST = "svc-001-assessment"


def _setup(ws):
    """A finished inspection (overdue re-inspection, sheet unsigned, notice not issued) and a draft."""
    recorder = Recorder(ws, actor="tester")
    then = datetime.now().astimezone() - timedelta(days=60)
    done = recorder.start(NewInspection(CHECKLIST, "W-REG", "测试督查员", started_at=then))
    recorder.record(done.id, NewDeduction("A3", ["1002"], recorded_at=then + timedelta(minutes=5)))
    recorder.finish(done.id)
    draft = recorder.start(NewInspection(CHECKLIST, "W-ADM", "测试督查员", started_at=then + timedelta(days=1)))
    return done.id, draft.id


def _row(page, kind: str) -> int:
    return next(r for r in range(page.model.rowCount()) if page.model.row_at(r).kind == kind)


def _go_to_row(qtbot, page, kind: str) -> None:
    """Ctrl+5, then Ctrl+Home and Down arrows until the row of `kind` is current."""
    key(qtbot, "Ctrl+5")
    assert focused() is page.table
    key(qtbot, "Ctrl+Home")
    for _ in range(_row(page, kind)):
        key(qtbot, "Down")
    assert page.selected().kind == kind


def test_the_to_do_page_opens_each_row_with_enter(gui_workspace, open_window, qtbot):
    done, draft = _setup(gui_workspace)
    window = open_window(gui_workspace)
    activate(qtbot, window)
    key(qtbot, "Ctrl+5")
    page = window.todo_page
    assert window.pages.currentWidget() is page and focused() is page.table
    kinds = [page.model.row_at(r).kind for r in range(page.model.rowCount())]
    assert kinds == ["reinspect", "draft", "unsigned", "notice"]
    assert page.model.row_at(0).overdue
    assert "1" in page.summary.text()

    # the overdue re-inspection: Enter → the Rectification page, the item selected, its table focused
    key(qtbot, "Ctrl+Home")
    key(qtbot, "Return")
    rect = window.rectification_page
    assert window.pages.currentWidget() is rect and focused() is rect.table
    assert rect.selected_ids() == [page.model.row_at(0).rectification_id]

    # the draft: Enter → recording it
    _go_to_row(qtbot, page, "draft")
    key(qtbot, "Return")
    assert window.inspect.currentWidget() is window.record_page and window.record_page.state.id == draft

    # the unsigned sheet: Enter → the sign dialog for that inspection; Esc closes it
    _go_to_row(qtbot, page, "unsigned")
    key(qtbot, "Return")
    dialog = page.sign_dialog
    assert isinstance(dialog, SignDialog) and dialog.isVisible() and dialog.inspection_id == done
    activate(qtbot, dialog)
    key(qtbot, "Escape")
    qtbot.waitUntil(lambda: not dialog.isVisible())

    # the notice: Enter issues it (print preview, closed with Esc) and the row leaves the list
    activate(qtbot, window)
    _go_to_row(qtbot, page, "notice")
    previews = answer_modal(qtbot, press(Qt.Key.Key_Escape))
    key(qtbot, "Return")
    qtbot.waitUntil(lambda: bool(previews), timeout=30000)
    qtbot.waitUntil(lambda: "notice" not in [page.model.row_at(r).kind for r in range(page.model.rowCount())],
                    timeout=10000)


def test_del_discards_a_draft_from_the_to_do_page(gui_workspace, open_window, qtbot):
    _, draft = _setup(gui_workspace)
    window = open_window(gui_workspace)
    activate(qtbot, window)
    page = window.todo_page
    _go_to_row(qtbot, page, "draft")
    answer_modal(qtbot, type_and_enter("wrong ward"))
    key(qtbot, "Delete")
    qtbot.waitUntil(lambda: "draft" not in [page.model.row_at(r).kind for r in range(page.model.rowCount())])
    assert list_inspections(gui_workspace, InspectionFilter(status="draft")) == []
    kept = list_inspections(gui_workspace, InspectionFilter(status="draft", include_discarded=True))
    assert [row.id for row in kept] == [draft]
    assert window.record_page.state is None  # it had reopened at start-up: now closed
    assert window.inspect.currentWidget() is window.start_page


def test_f1_lists_the_to_do_key(main_window, qtbot):
    sheet = main_window.show_shortcuts()
    rows = [(sheet.table.item(r, 0).text(), sheet.table.item(r, 1).text()) for r in range(sheet.table.rowCount())]
    assert ("Ctrl+5", "待办") in rows
    sheet.close()
