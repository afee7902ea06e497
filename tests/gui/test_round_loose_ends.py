"""Loose ends of issue 17: entries numbered 1..n, signed vs unsigned in History, the summary computed when
first shown and kept across a language switch."""

from __future__ import annotations

from PySide6.QtCore import Qt

from inspector_app.core.documents.numbering import next_document_number, record_document
from inspector_app.core.i18n import tr
from inspector_app.core.inspections import list_inspections
from inspector_app.core.recording import NewDeduction, Recorder
from tests.gui.pages_fixtures import month_start, record_finished, this_month


def test_entries_are_numbered_from_one(main_window, qtbot):
    start = main_window.start_page
    start.checklist.setCurrentIndex(start.checklist.findData("svc-001-assessment"))
    start.start()
    page = main_window.record_page
    recorder = Recorder(main_window.ctx.ws)
    for code in ("A3", "A6", "A2"):
        recorder.record(page.state.id, NewDeduction(code, ["1002"]))
    page.reload()
    model = page.entries_model
    assert [model.index(row, 0).data() for row in range(model.rowCount())] == [1, 2, 3]


def test_history_tells_signed_from_unsigned(main_window, qtbot):
    ws = main_window.ctx.ws
    signed = record_finished(ws, "W-REG", "A3", staff_nos=("1002",))
    unsigned = record_finished(ws, "W-REG", "A6", staff_nos=("1003",))
    record_document(ws, number=next_document_number(ws, "sheet"), kind="sheet", pdf_bytes=b"%PDF-1.7 test",
                    inspection_id=signed, signed_by="测试督查员")
    rows = {row.id: row for row in list_inspections(ws)}
    assert rows[signed].signed and not rows[unsigned].signed
    main_window.nav.setCurrentRow(1)
    history = main_window.history_page
    statuses = {history.model.index(r, 0).data(Qt.ItemDataRole.UserRole): history.model.index(r, 5).data()
                for r in range(history.model.rowCount())}
    assert statuses[signed] == tr("finished, signed") and statuses[unsigned] == tr("finished, not signed")


def test_summary_is_computed_when_first_shown_and_kept_across_a_language_switch(main_window, qtbot):
    ws = main_window.ctx.ws
    record_finished(ws, "W-ADM", "A1", when=month_start(this_month()))
    main_window.nav.setCurrentRow(3)  # no Show pressed
    page = main_window.summary_page
    qtbot.waitUntil(lambda: page.summary is not None, timeout=10000)
    assert page.departments_model.rowCount() >= 1
    month = page.summary.month
    ws.update_settings(language="en")
    main_window.ctx.changes.settings.emit()
    again = main_window.summary_page
    assert again is not page and again.summary is not None and again.summary.month == month
    assert again.departments_model.rowCount() >= 1
    assert "inspections" in again.totals.text()  # in English now
    ws.update_settings(language="zh")
    main_window.ctx.changes.settings.emit()


def test_qt_file_dialogs_speak_chinese_in_chinese_mode(qapp):
    from PySide6.QtWidgets import QFileDialog, QLabel

    from inspector_app.core.i18n import set_language
    from inspector_app.gui.desktop import brand_application

    brand_application(qapp)  # as `run` does: Qt's own catalogue follows the app's language
    try:
        set_language("zh")
        dialog = QFileDialog(None, "t")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert "文件" in texts, texts  # 查看/文件名/文件类型, not "Look in:" / "File name:"
        set_language("en")
        dialog = QFileDialog(None, "t")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        assert "File" in " ".join(label.text() for label in dialog.findChildren(QLabel))
    finally:
        set_language("zh")
