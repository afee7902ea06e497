"""The history page: lazy paging over a long history, filters, and the read-only inspection view."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from inspector_app.core.demo import generate
from inspector_app.core.inspection_state import load_state
from inspector_app.core.inspections import (
    InspectionFilter,
    count_inspections,
    list_inspections,
)
from inspector_app.core.store.database import DB_FILE
from inspector_app.core.workspace import Workspace
from inspector_app.gui.pages.history_page import HistoryPage
from inspector_app.gui.widgets.inspection_view import InspectionDialog
from tests.gui.pages_fixtures import record_finished

TOP = QModelIndex()
TOTAL = 250  # more than one page (200): the second fetch brings the rest


@pytest.fixture(scope="module")
def history_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TOTAL demo inspections over 30 days, generated once; each test gets a copy of the closed store."""
    folder = tmp_path_factory.mktemp("history") / "data"
    ws = Workspace.open(folder)
    try:
        generate(ws, TOTAL, seed=2, days=30)
    finally:
        ws.close()
    return folder


@pytest.fixture
def history_data(history_template: Path, gui_data: Path) -> Path:
    gui_data.mkdir(parents=True)
    for source in history_template.iterdir():
        if source.name.startswith(DB_FILE) or source.name == "settings.json":
            shutil.copy2(source, gui_data / source.name)
    return gui_data


@pytest.fixture
def history_ctx(history_data, gui_workspace, make_ctx):  # noqa: F811 - history_data seeds it first
    return make_ctx(gui_workspace)


@pytest.fixture
def history_page(qtbot, history_ctx) -> HistoryPage:
    page = HistoryPage(history_ctx)
    qtbot.addWidget(page)
    return page


def test_rows_load_a_page_at_a_time(history_page, history_ctx) -> None:
    model = history_page.model
    assert count_inspections(history_ctx.ws) == TOTAL
    assert str(TOTAL) in history_page.total.text()
    assert model.rowCount() == 200  # a page, never the whole history up front
    assert model.canFetchMore(TOP)
    model.fetchMore(TOP)
    assert model.rowCount() == TOTAL
    assert not model.canFetchMore(TOP)
    newest_first = [row.id for row in list_inspections(history_ctx.ws)]
    assert [model.row_at(i).id for i in range(TOTAL)] == newest_first


def test_scrolling_to_the_end_fetches_the_next_page(qtbot, history_page) -> None:
    history_page.resize(1000, 600)
    history_page.show()
    qtbot.waitExposed(history_page)
    first = history_page.model.rowCount()
    history_page.table.scrollToBottom()
    qtbot.waitUntil(lambda: history_page.model.rowCount() > first)
    assert history_page.model.rowCount() <= first + 200


def test_department_filter_narrows_the_rows(history_page, history_ctx) -> None:
    code = history_page.model.row_at(0).department_code
    history_page.department.setCurrentIndex(history_page.department.findData(code))
    expected = count_inspections(history_ctx.ws, InspectionFilter(department=code))
    assert 0 < expected < TOTAL
    assert str(expected) in history_page.total.text()
    model = history_page.model
    while model.canFetchMore(TOP):
        model.fetchMore(TOP)
    assert model.rowCount() == expected
    assert {model.row_at(i).department_code for i in range(model.rowCount())} == {code}
    history_page.clear_filters()
    assert str(TOTAL) in history_page.total.text()


def test_date_and_status_filters(history_page, history_ctx) -> None:
    since = date.today() - timedelta(days=7)
    history_page.since.setDate(since)
    history_page.since_on.setChecked(True)
    expected = count_inspections(history_ctx.ws, InspectionFilter(since=since))
    assert 0 < expected < TOTAL
    assert str(expected) in history_page.total.text()
    assert all(history_page.model.row_at(i).started_at[:10] >= since.isoformat()
               for i in range(history_page.model.rowCount()))
    history_page.status.setCurrentIndex(history_page.status.findData("draft"))
    assert history_page.model.rowCount() == 0  # demo inspections are all finished


def test_enter_opens_the_inspection_read_only(qtbot, history_page, history_ctx) -> None:
    history_page.show()
    qtbot.waitExposed(history_page)
    model = history_page.model
    row = next(i for i in range(model.rowCount()) if model.row_at(i).deductions >= 2)
    inspection = model.row_at(row)
    history_page.table.setFocus()
    history_page.table.setCurrentIndex(model.index(row, 0))
    qtbot.keyClick(history_page.table, Qt.Key.Key_Return)
    dialog = history_page.findChild(InspectionDialog)
    assert dialog is not None and dialog.isVisible()
    state = load_state(history_ctx.ws, inspection.id)
    # every entry is listed, a voided one marked; the history counts the live ones (demo data voids some)
    assert dialog.entries_model.rowCount() == len(state.entries)
    assert len(state.live_entries) == inspection.deductions
    assert [dialog.entries_model.entry(i).id for i in range(len(state.entries))] == [e.id for e in state.entries]
    assert inspection.department in dialog.header.text()
    assert f"{state.score.total:g}" in dialog.totals.text()
    dialog.close()


def test_reloads_when_inspections_change(qtbot, history_page, history_ctx) -> None:
    history_page.show()
    qtbot.waitExposed(history_page)
    new_id = record_finished(history_ctx.ws, "W-REG", "A1")
    history_ctx.changes.inspections.emit()
    assert str(TOTAL + 1) in history_page.total.text()
    assert history_page.model.row_at(0).id == new_id
