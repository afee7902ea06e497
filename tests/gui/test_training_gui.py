"""Training in the real main window: the mode switch and its banner, a drill from scenario to result screen,
and the calibration screen filled from two attempt files, exported as a PDF (checked by its text)."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2
from PySide6.QtWidgets import QHeaderView, QLabel

from inspector_app.core.i18n import tr
from inspector_app.core.inspections import InspectionFilter, list_inspections
from inspector_app.core.recording import NewInspection, Recorder
from inspector_app.core.training.drills import stored_attempts
from inspector_app.core.training.mode import training_dir
from inspector_app.gui.training import export_drills, open_calibration, open_drill

SCREENS = Path("/tmp/training")


def _banner(window) -> QLabel | None:
    return window.findChild(QLabel, "trainingBanner")


def pdf_text(path: Path) -> str:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_training_mode_switches_workspace_and_back(main_window, qtbot, gui_workspace):
    assert _banner(main_window) is None
    assert main_window.training.switch(True)
    ws = main_window.ctx.ws
    assert ws.settings.training and ws.data_dir == training_dir(gui_workspace.data_dir)
    banner = _banner(main_window)
    assert banner is not None and banner.isVisible()
    assert banner.text() == tr("Training mode — nothing is sent to the office")
    assert tr("Training mode") in main_window.windowTitle()
    qtbot.waitUntil(lambda: main_window.start_page.isVisible())
    SCREENS.mkdir(parents=True, exist_ok=True)
    main_window.grab().save(str(SCREENS / "training-window.png"))
    # an inspection started on the ordinary start page is a training one, stored apart
    start = main_window.start_page
    start.checklist.setCurrentIndex(start.checklist.findData("svc-001-assessment"))
    start.start()
    rows = list_inspections(ws, InspectionFilter(include_training=True))
    assert len(rows) == 1 and rows[0].training
    assert list_inspections(gui_workspace, InspectionFilter(include_training=True)) == []

    assert main_window.training.switch(False)
    assert main_window.ctx.ws is gui_workspace and _banner(main_window) is None
    assert tr("Training mode") not in main_window.windowTitle()
    assert main_window.start_page.latest_draft() is None  # the training draft stays in training


def test_drill_from_scenario_to_result_screen(main_window, qtbot):
    dialog = open_drill(main_window)
    assert dialog is not None and main_window.training.active
    qtbot.waitExposed(dialog)
    dialog.resize(1240, 700)  # its size on a 1366×768 laptop (the offscreen screen is 800 wide: it opens narrower)
    dialog.choose("drill-001-assessment", "head-late-and-badge")  # key: A2 and A3, both on the head (×2)
    assert "T1101" in dialog.scene.toPlainText()
    dialog.items.select("A2")  # right: late, charged to the head
    dialog.who.tick("T1101")
    assert "−2" in dialog.preview.text()  # the head multiplier, shown before recording
    assert dialog.record()
    dialog.items.select("A6")  # wrong: nobody was chatting
    dialog.who.tick("T1102")
    assert dialog.record()
    assert dialog.recorded.rowCount() == 2  # A3 (the badge) is missed
    assert [dialog.recorded.item(r, 3).text() for r in range(2)] == ["−2", "−3"]  # as the record page shows them
    header = dialog.recorded.horizontalHeader()
    assert header.sectionResizeMode(1) == QHeaderView.ResizeMode.Stretch  # Who takes the width
    assert header.sectionSize(1) > header.sectionSize(2) + header.sectionSize(3)
    SCREENS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SCREENS / "drill.png"))
    with qtbot.waitSignal(dialog.submitted, timeout=5000) as submitted:
        dialog.submit_button.click()
    grade = submitted.args[0]
    result = dialog.result
    assert dialog.stack.currentWidget() is result
    assert result.statuses() == ["right", "missed", "wrong"]
    table = result.table
    assert table.item(0, 1).text().startswith("A2") and table.item(1, 1).text().startswith("A3")
    assert table.item(2, 1).text().startswith("A6") and table.item(2, 2).text() == "—"
    assert table.item(0, 0).text() == tr("right") and table.item(1, 0).text() == tr("missed")
    assert table.item(2, 0).text() == tr("wrongly deducted")
    assert "×1: −2" in table.item(1, 2).text() and table.item(1, 3).text() == "—"
    clause = table.item(1, 4).text()
    assert "「" in clause and grade.expected[1].clause.quote in clause  # the source clause of the missed item
    assert (grade.key_points, grade.trainee_points, grade.difference) == (4, 5, 1)  # 2+2 vs 2+3
    assert "+1" in result.summary.text() and "4" in result.summary.text()
    qtbot.waitUntil(lambda: 40 < table.rowHeight(1) < 120)  # wrapped rows fit their text: not cut, not tall
    SCREENS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SCREENS / "drill-result.png"))

    stored = stored_attempts(main_window.ctx.ws)  # kept in the training workspace, in the documented format
    assert [(a.scenario, [(d.item, d.charged_to) for d in a.deductions]) for a in stored] == [
        ("head-late-and-badge", [("A2", "T1101"), ("A6", "T1102")])]
    assert stored[0].trainee == "测试督查员"
    result.next.emit()  # the next scenario, a fresh drill
    assert dialog.stack.currentIndex() == 0 and dialog.recorded.rowCount() == 0
    dialog.accept()
    exported = export_drills(main_window, Path(main_window.ctx.ws.data_dir.parent / "drills.json"))
    assert exported == 1


def _attempts(path: Path, trainee: str, a2: str) -> Path:
    data = [{"trainee": trainee, "pack": "drill-001-assessment", "scenario": "a2-late",
             "deductions": [{"item": "A2", "charged_to": a2}]},
            {"trainee": trainee, "pack": "drill-001-assessment", "scenario": "a3-no-badge",
             "deductions": [{"item": "A3", "charged_to": "T301"}] + ([{"item": "A4", "charged_to": "T302"}]
                                                                      if trainee == "乙" else [])}]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_calibration_screen_and_pdf(main_window, qtbot, tmp_path):
    dialog = open_calibration(main_window)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert not dialog.pdf_button.isEnabled()
    assert dialog.add_files([_attempts(tmp_path / "a.json", "甲", "T201"), _attempts(tmp_path / "b.json", "乙", "T202")])
    assert dialog.current_pack.id == "drill-001-assessment"
    trainees = {dialog.trainees.item(r, 0).text(): [dialog.trainees.item(r, c).text() for c in range(1, 5)]
                for r in range(dialog.trainees.rowCount())}
    assert trainees["甲"] == ["2", "100", "100%", "1.00"]
    assert trainees["乙"][0] == "2" and trainees["乙"][2] == "67%"  # A4 on T302: one wrong decision of three
    items = {dialog.items.item(r, 0).text(): dialog.items.item(r, 2).text() for r in range(dialog.items.rowCount())}
    assert items == {"A2": "100%", "A3": "100%", "A4": "50%"}
    assert dialog.kappa.rowCount() == 3 and dialog.kappa.columnCount() == 4
    assert dialog.kappa.item(1, 1).text() == "1.00"  # 甲 with the key
    # the item text stretches, the rates fit; the raters' columns share the width; the trainees fit unscrolled
    assert dialog.items.horizontalHeader().sectionResizeMode(1) == QHeaderView.ResizeMode.Stretch
    assert dialog.items.horizontalHeader().sectionResizeMode(2) == QHeaderView.ResizeMode.ResizeToContents
    kappa = dialog.kappa.horizontalHeader()
    assert len({kappa.sectionSize(c) for c in range(1, 4)} - {kappa.sectionSize(1) + d for d in (-1, 0, 1)}) == 0
    trainees_table = dialog.trainees
    qtbot.waitUntil(lambda: trainees_table.viewport().width() >= trainees_table.horizontalHeader().length())
    pdf = tmp_path / "calibration.pdf"
    operation = dialog.export_pdf(pdf)
    assert operation is not None
    with qtbot.waitSignal(operation.finished, timeout=20000):
        pass
    assert operation.error_message is None
    text = pdf_text(pdf)
    for expected in ("培训校准报告", "甲", "乙", "67%", "TRAINING"):
        assert expected in text, expected
    with qtbot.waitSignal(dialog.accepted):
        dialog.close_button.click()


def test_push_is_refused_in_training_mode(main_window, qtbot, tmp_path, monkeypatch):
    from inspector_app.core.errors import AppError
    from inspector_app.core.sync import push

    assert main_window.training.switch(True)
    ws = main_window.ctx.ws
    recorder = Recorder(ws)
    recorder.finish(recorder.start(NewInspection(checklist_id="svc-001-assessment", department="W-REG",
                                                 inspector_name="测试督查员")).id)
    share = tmp_path / "share"
    share.mkdir()
    try:
        push(ws, share, "whatever")
    except AppError as exc:
        assert "培训" in str(exc)
    else:
        raise AssertionError("push in training mode must be refused")
    assert list(share.iterdir()) == []
