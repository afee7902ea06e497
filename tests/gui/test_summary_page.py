"""The summary page: the month computed in the background, tables and chart match the core, XLSX export."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog, QMessageBox

from inspector_app.core.i18n import tr
from inspector_app.core.summary import monthly_summary
from inspector_app.gui.pages.summary_page import CHART_WIDTH, SummaryPage
from tests.gui.pages_fixtures import month_start, record_finished, this_month
from tests.helpers.rankings import CHARGED, CLEAN, FAILED, record_rankings_month


@pytest.fixture
def page(qtbot, pages_ctx) -> SummaryPage:  # noqa: F811
    before = this_month()
    widget = SummaryPage(pages_ctx)
    qtbot.addWidget(widget)
    assert widget.selected_month() in {before, this_month()}  # the current month (the clock may pass midnight)
    # the page's month has data even on its first day: a department charged and one of its people (1011)
    when = month_start(widget.selected_month())
    record_finished(pages_ctx.ws, "W-ADM", "A1", when=when)
    record_finished(pages_ctx.ws, "W-ADM", "A5", staff_nos=("1011",), when=when)
    return widget


def show(qtbot, page: SummaryPage) -> None:
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.show_button.click()
        assert page.is_busy  # the label shows while the worker computes


def test_current_month_matches_the_core(qtbot, page, pages_ctx) -> None:  # noqa: F811
    show(qtbot, page)
    assert not page.is_busy
    core = monthly_summary(pages_ctx.ws, page.selected_month())
    assert core.inspections > 0
    tally, scored = core.tally_ranking(), core.scored_ranking()
    model = page.departments_model  # the points ranking (tally checklists)
    assert model.rowCount() == len(tally)
    shown = [[model.index(row, column).data() for column in (0, 1, 6)] for row in range(model.rowCount())]
    assert shown == [[str(d.rank), d.name, f"{d.total_points:g}"] for d in tally]
    model = page.scored_model  # the score ranking (scored checklists)
    shown = [[model.index(row, column).data() for column in (0, 1, 3, 4)] for row in range(model.rowCount())]
    assert shown == [[str(d.score_rank), d.name, f"{d.average_score:g}", str(d.failed)] for d in scored]
    idle = [d for d in core.departments if not d.rank and not d.score_rank]
    assert all(d.name in page.idle.text() for d in idle) and page.idle.isVisibleTo(page) == bool(idle)
    assert page.persons_model.rowCount() == len(core.persons)
    assert page.persons_model.index(0, 1).data() == core.persons[0].staff_no
    assert page.chart.bar_count() == len(tally)
    assert sorted(page.chart.bars()) == sorted((d.name, d.total_points) for d in tally)
    assert str(core.inspections) in page.totals.text()


def test_chart_paints_and_fits(qtbot, page) -> None:
    show(qtbot, page)
    chart = page.chart
    assert chart.sizeHint().height() >= chart.bar_count() * chart.fontMetrics().height()
    chart.resize(chart.sizeHint())
    image = chart.grab()  # paints without errors
    assert not image.isNull()
    # at its least width beside the rankings the chart fits its side: no sideways scrolling hides the values
    font = chart.font()
    font.setPointSize(16)
    chart.setFont(font)
    assert chart.minimumSizeHint().width() <= CHART_WIDTH - 2 * chart.parentWidget().parentWidget().frameWidth()


def test_export_writes_a_readable_workbook(qtbot, monkeypatch, tmp_path, page, pages_ctx) -> None:  # noqa: F811
    show(qtbot, page)
    target = tmp_path / "月报"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    written = page.export_xlsx()
    assert written == Path(f"{target}.xlsx") and written.is_file()
    book = load_workbook(written, read_only=True)
    points, scores, idle, staff = book.worksheets
    rows = list(points.iter_rows(values_only=True))
    core = monthly_summary(pages_ctx.ws, page.selected_month())
    assert rows[0][0] == tr("Rank")
    assert [row[2] for row in rows[1:]] == [d.name for d in core.tally_ranking()]
    assert [row[2] for row in list(scores.iter_rows(values_only=True))[1:]] == [d.name for d in core.scored_ranking()]
    assert idle.max_row == 1 + len([d for d in core.departments if not d.rank and not d.score_rank])
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


def test_each_kind_of_checklist_has_its_own_ranking(qtbot, gui_workspace, make_ctx) -> None:  # noqa: F811
    """A clean tally inspection ranks first by points; a failing scored one is only in the score ranking."""
    record_rankings_month(gui_workspace, datetime.now().astimezone())
    page = SummaryPage(make_ctx(gui_workspace))
    qtbot.addWidget(page)
    show(qtbot, page)
    names = {d.code: d.name for d in page.summary.departments}
    points = [[page.departments_model.index(row, column).data() for column in (0, 1, 6)]
              for row in range(page.departments_model.rowCount())]
    assert points == [["1", names[CLEAN], "0"], ["2", names[CHARGED], "2"]]
    scores = [[page.scored_model.index(row, column).data() for column in range(5)]
              for row in range(page.scored_model.rowCount())]
    assert scores == [["1", names[FAILED], "1", "85", "1"]]
    assert page.chart.bars() == [(names[CHARGED], 2.0), (names[CLEAN], 0.0)]  # points only, most first
    assert names[FAILED] not in page.idle.text() and page.idle.isVisibleTo(page)
    assert page.departments.isVisibleTo(page) and page.scored.isVisibleTo(page)
    assert not page.tally_empty.isVisibleTo(page) and not page.scored_empty.isVisibleTo(page)
    assert page.departments.accessibleName() == tr("Points ranking (tally checklists)")
    assert page.scored.accessibleName() == tr("Score ranking (scored checklists)")
    chain, widget = [], page.month.nextInFocusChain()
    while widget is not page.month:  # the keyboard order: month, buttons, tabs, points, scores, chart, staff
        if widget in (page.departments, page.scored, page.persons):
            chain.append(widget)
        widget = widget.nextInFocusChain()
    assert chain == [page.departments, page.scored, page.persons]

    page.month.setDate(page.month.date().addYears(-3))  # a month nobody inspected: both rankings say so
    show(qtbot, page)
    assert not page.departments.isVisibleTo(page) and page.tally_empty.isVisibleTo(page)
    assert not page.scored.isVisibleTo(page) and page.scored_empty.isVisibleTo(page)
