"""The summary page: the month computed in the background, tables and chart match the core, XLSX export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog, QMessageBox

from inspector_app.core.i18n import tr
from inspector_app.core.summary import monthly_summary
from inspector_app.gui.pages.summary_page import SummaryPage
from tests.gui.pages_fixtures import record_finished

MONTH = date.today().strftime("%Y-%m")


@pytest.fixture
def page(qtbot, pages_ctx) -> SummaryPage:  # noqa: F811
    # this month has data even on its first day: a department charged and one of its people (1011, 出入院办理窗口)
    record_finished(pages_ctx.ws, "W-ADM", "A1")
    record_finished(pages_ctx.ws, "W-ADM", "A5", staff_nos=("1011",))
    widget = SummaryPage(pages_ctx)
    qtbot.addWidget(widget)
    return widget


def show(qtbot, page: SummaryPage) -> None:
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.show_button.click()
        assert page.is_busy  # the label shows while the worker computes


def test_current_month_matches_the_core(qtbot, page, pages_ctx) -> None:  # noqa: F811
    assert page.selected_month() == MONTH
    show(qtbot, page)
    assert not page.is_busy
    core = monthly_summary(pages_ctx.ws, MONTH)
    assert core.inspections > 0
    model = page.departments_model
    assert model.rowCount() == len(core.departments)
    shown = [[model.index(row, column).data() for column in (0, 1, 6)] for row in range(model.rowCount())]
    assert shown == [[str(d.rank) if d.rank else tr("not inspected"), d.name, f"{d.total_points:g}"]
                     for d in core.departments]
    assert page.persons_model.rowCount() == len(core.persons)
    assert page.persons_model.index(0, 1).data() == core.persons[0].staff_no
    assert page.chart.bar_count() == len(core.departments)
    assert sorted(page.chart.bars()) == sorted((d.name, d.total_points) for d in core.departments)
    assert str(core.inspections) in page.totals.text()


def test_chart_paints_and_fits(qtbot, page) -> None:
    show(qtbot, page)
    chart = page.chart
    assert chart.sizeHint().height() >= chart.bar_count() * chart.fontMetrics().height()
    chart.resize(chart.sizeHint())
    image = chart.grab()  # paints without errors
    assert not image.isNull()


def test_export_writes_a_readable_workbook(qtbot, monkeypatch, tmp_path, page, pages_ctx) -> None:  # noqa: F811
    show(qtbot, page)
    target = tmp_path / "月报"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    written = page.export_xlsx()
    assert written == Path(f"{target}.xlsx") and written.is_file()
    book = load_workbook(written, read_only=True)
    departments, staff = book.worksheets
    rows = list(departments.iter_rows(values_only=True))
    core = monthly_summary(pages_ctx.ws, MONTH)
    assert rows[0][0] == tr("Rank")
    assert len(rows) == len(core.departments) + 1
    assert [row[2] for row in rows[1:]] == [d.name for d in core.departments]
    assert staff.max_row == len(core.persons) + 1
    book.close()


def test_export_before_showing_explains(monkeypatch, page) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: pytest.fail("no file dialog expected"))
    assert page.export_xlsx() is None
    assert page.findChild(QMessageBox, "errorMessage") is not None


def test_recomputes_when_inspections_change_while_visible(qtbot, page, pages_ctx) -> None:  # noqa: F811
    page.show()
    qtbot.waitExposed(page)
    show(qtbot, page)
    before = page.summary.inspections
    record_finished(pages_ctx.ws, "W-REG", "A1")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        pages_ctx.changes.inspections.emit()
    assert page.summary.inspections == before + 1
