"""The rectification page: overdue first and highlighted, filters, mark rectified and re-inspection."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from inspector_app.core.i18n import tr
from inspector_app.core.rectification import list_rectifications
from inspector_app.gui.pages.rectification_page import (
    OVERDUE_BACKGROUND,
    OVERDUE_TEXT,
    RectificationPage,
)
from tests.gui.pages_fixtures import record_finished


def item_of(ws, inspection_id: str):
    return next(r for r in list_rectifications(ws) if r.inspection_id == inspection_id)


@pytest.fixture
def items(pages_ctx):  # noqa: F811
    """One item 30 days old (overdue: the deadline is 7 days) and one recorded today (open)."""
    ws = pages_ctx.ws
    old = item_of(ws, record_finished(ws, "W-REG", "A1", days_ago=30, note="上月问题未整改"))
    new = item_of(ws, record_finished(ws, "W-REG", "A1", note="今日发现"))
    assert (old.status, new.status) == ("overdue", "open")
    return old, new


@pytest.fixture
def page(qtbot, pages_ctx, items) -> RectificationPage:  # noqa: F811
    widget = RectificationPage(pages_ctx)
    qtbot.addWidget(widget)
    return widget


def answer(monkeypatch, text: str, ok: bool = True) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: (text, ok))


def test_overdue_rows_come_first_and_are_highlighted(page, items, pages_ctx) -> None:  # noqa: F811
    old, new = items
    rows = page.model.rows()
    assert sorted(r.id for r in rows) == sorted(r.id for r in list_rectifications(pages_ctx.ws))
    statuses = [r.status for r in rows]
    overdue = [i for i, status in enumerate(statuses) if status == "overdue"]
    assert overdue == list(range(len(overdue)))  # every overdue row before every other row
    old_row, new_row = page.model.row_of(old.id), page.model.row_of(new.id)
    assert old_row < len(overdue) <= new_row
    index = page.model.index(old_row, 0)
    assert index.data(Qt.ItemDataRole.BackgroundRole) == OVERDUE_BACKGROUND
    assert index.data(Qt.ItemDataRole.ForegroundRole) == OVERDUE_TEXT
    assert index.data() == tr("overdue")
    assert page.model.index(new_row, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert str(len(overdue)) in page.summary.text()


def test_status_and_department_filters(page, pages_ctx) -> None:  # noqa: F811
    page.status.setCurrentIndex(page.status.findData("overdue"))
    expected = list_rectifications(pages_ctx.ws, status="overdue")
    assert page.model.rowCount() == len(expected) > 0
    assert {r.status for r in page.model.rows()} == {"overdue"}
    page.status.setCurrentIndex(page.status.findData(None))
    page.department.setCurrentIndex(page.department.findData("W-REG"))
    assert page.model.rowCount() == len(list_rectifications(pages_ctx.ws, department="W-REG"))
    assert {r.department for r in page.model.rows()} == {"挂号收费窗口"}


def test_mark_rectified_then_verify(qtbot, monkeypatch, page, items, pages_ctx) -> None:  # noqa: F811
    _, new = items
    page.select_ids([new.id])
    assert page.mark_button.isEnabled() and not page.not_fixed_button.isEnabled()
    answer(monkeypatch, "已组织科室重新培训")
    with qtbot.waitSignal(pages_ctx.changes.rectifications):
        page.mark_button.click()
    assert item_of(pages_ctx.ws, new.inspection_id).status == "rectified"
    row = page.model.row_of(new.id)
    assert page.model.index(row, 0).data() == tr("rectified")
    assert page.selected_ids() == [new.id]  # the selection survives the reload
    with qtbot.waitSignal(pages_ctx.changes.rectifications):
        page.fixed_button.click()
    assert item_of(pages_ctx.ws, new.inspection_id).status == "verified"
    assert page.model.index(page.model.row_of(new.id), 0).data() == tr("verified")
    assert not page.fixed_button.isEnabled()


def test_not_fixed_sends_an_item_back(qtbot, monkeypatch, page, items, pages_ctx) -> None:  # noqa: F811
    old, _ = items
    page.select_ids([old.id])
    answer(monkeypatch, "")
    page.mark_rectified()
    assert item_of(pages_ctx.ws, old.inspection_id).status == "rectified"
    answer(monkeypatch, "地面仍有积水")
    with qtbot.waitSignal(pages_ctx.changes.rectifications):
        page.not_fixed_button.click()
    assert item_of(pages_ctx.ws, old.inspection_id).status == "overdue"  # open again, past its deadline
    assert page.model.row_of(old.id) < page.model.row_of(items[1].id)


def test_cancelled_note_changes_nothing(qtbot, monkeypatch, page, items, pages_ctx) -> None:  # noqa: F811
    _, new = items
    page.select_ids([new.id])
    answer(monkeypatch, "", ok=False)
    with qtbot.assertNotEmitted(pages_ctx.changes.rectifications):
        page.mark_rectified()
    assert item_of(pages_ctx.ws, new.inspection_id).status == "open"


def test_reinspection_needs_the_inspector_name(qtbot, page, items, pages_ctx) -> None:  # noqa: F811
    _, new = items
    pages_ctx.ws.update_settings(inspector={"name": ""})
    page.select_ids([new.id])
    with qtbot.assertNotEmitted(pages_ctx.changes.rectifications):
        page.fixed_button.click()
    box = page.findChild(QMessageBox, "errorMessage")
    assert box is not None
    assert box.text() == tr("Enter your name in Settings first: a re-inspection records who checked.")
    assert item_of(pages_ctx.ws, new.inspection_id).status == "open"


def test_reloads_when_inspections_change(qtbot, page, pages_ctx) -> None:  # noqa: F811
    page.show()
    qtbot.waitExposed(page)
    before = page.model.rowCount()
    record_finished(pages_ctx.ws, "W-ADM", "A1")
    pages_ctx.changes.inspections.emit()
    assert page.model.rowCount() == before + 1


def test_the_offices_published_decisions_are_shown(qtbot, pages_ctx, items) -> None:  # noqa: F811
    """An extension replaces the deadline (no longer overdue, marked extended, who and why in the tooltip);
    a waived item shows as waived and is never overdue."""
    from datetime import date, datetime, timedelta, timezone

    from inspector_app.core.rectification import RectificationService
    from inspector_app.core.sync import published_format as fmt

    old, new = items
    decided = datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)
    far = date.today() + timedelta(days=400)  # later than any deadline today can have
    RectificationService(pages_ctx.ws, "office: 办公室").apply_published([
        fmt.RectificationStatus(id=old.id, status="open", updated_at=decided, decision="extended", deadline=far,
                                decided_by="王主任", decided_at=decided, decision_note="设备待到货"),
        fmt.RectificationStatus(id=new.id, status="open", updated_at=decided, decision="waived",
                                decided_by="王主任", decided_at=decided, decision_note="岗位撤销")])
    page = RectificationPage(pages_ctx)
    qtbot.addWidget(page)
    old_row, new_row = page.model.row_of(old.id), page.model.row_of(new.id)
    assert page.model.index(old_row, 0).data() == tr("open")
    assert page.model.index(old_row, 1).data() == tr("{deadline} (extended)", deadline=far.isoformat())
    assert page.model.index(old_row, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "王主任" in page.model.index(old_row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "设备待到货" in page.model.index(old_row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert page.model.index(new_row, 0).data() == tr("waived")
    assert "岗位撤销" in page.model.index(new_row, 0).data(Qt.ItemDataRole.ToolTipRole)
    page.status.setCurrentIndex(page.status.findData("waived"))
    assert [r.id for r in page.model.rows()] == [new.id]
