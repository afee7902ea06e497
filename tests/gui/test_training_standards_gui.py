"""The drill in the standards' language (issue #15 item 7), from the keyboard: a measured value typed and graded
by pass or fail and points, a finding without points, a complaint still under investigation that charges nothing.
Key events only (QTest key clicks); the result shows the key's and the trainee's totals."""

from __future__ import annotations

from PySide6.QtCore import Qt

from inspector_app.core.i18n import tr
from inspector_app.gui.training import open_drill
from tests.gui.keys import activate, focused, key, tab_to


def _drill(main_window, qtbot, pack: str, scenario: str):  # noqa: ANN001, ANN202
    """The drill dialog, active, with `pack` and `scenario` chosen by arrow keys in their lists."""
    dialog = open_drill(main_window)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    activate(qtbot, dialog)
    for combo, wanted in ((dialog.pack, pack), (dialog.scenario, scenario)):
        combo.setFocus()
        key(qtbot, "Home")
        for _ in range(combo.count()):
            if combo.currentData() == wanted:
                break
            key(qtbot, "Down")
        assert combo.currentData() == wanted
    return dialog


def _pick(qtbot, dialog, code: str) -> None:  # noqa: ANN001
    tab_to(qtbot, dialog.items.search)
    qtbot.keyClicks(focused(), code)
    key(qtbot, "Return")


def _submit(qtbot, dialog):  # noqa: ANN001, ANN202
    tab_to(qtbot, dialog.submit_button)
    with qtbot.waitSignal(dialog.submitted, timeout=5000) as submitted:
        key(qtbot, "Space")
    return submitted.args[0]


def test_a_measured_value_typed_in_a_drill(main_window, qtbot) -> None:
    dialog = _drill(main_window, qtbot, "drill-001-assessment", "a1-study-book-measured")
    _pick(qtbot, dialog, "A1")
    fields = dialog.measured.shown_inputs()
    assert len(fields) == 1 and fields[0].isVisible() and not dialog.measured.month.isVisible()
    tab_to(qtbot, fields[0])
    qtbot.keyClicks(focused(), "0")  # none held: two missing, 4 points where the key says one, 2
    assert tr("fails") in dialog.preview.text() and "−4" in dialog.preview.text()
    key(qtbot, "Return")
    assert [dialog.recorded.item(0, c).text() for c in (0, 2, 3)] == ["A1", "0次", "−4"]
    grade = _submit(qtbot, dialog)
    assert dialog.result.statuses() == ["wrong_points"]
    assert (grade.key_points, grade.trainee_points) == (2, 4)
    table, summary = dialog.result.table, dialog.result.summary.text()
    assert "1次" in table.item(0, 2).text() and "0次" in table.item(0, 3).text()
    assert "2" in summary and "4" in summary  # both totals: the key's and the trainee's
    dialog.result.again.emit()
    _pick(qtbot, dialog, "A1")
    tab_to(qtbot, dialog.measured.shown_inputs()[0])
    qtbot.keyClicks(focused(), "1")
    key(qtbot, "Return")
    assert _submit(qtbot, dialog).score == 100 and dialog.result.statuses() == ["right"]
    dialog.accept()


def test_a_finding_without_points_in_a_drill(main_window, qtbot) -> None:
    dialog = _drill(main_window, qtbot, "drill-quality-rounds", "k2-hazard-not-reported")
    _pick(qtbot, dialog, "K2")
    assert tr("no points: rectify by the deadline") in dialog.preview.text()
    tab_to(qtbot, dialog.count)  # the department is charged already: Enter records
    key(qtbot, "Return")
    grade = _submit(qtbot, dialog)
    assert dialog.result.statuses() == ["right"] and (grade.key_points, grade.trainee_points) == (0, 0)
    assert tr("no points: rectify by the deadline") in dialog.result.table.item(0, 3).text()
    dialog.accept()


def test_a_complaint_under_investigation_charges_nothing(main_window, qtbot) -> None:
    dialog = _drill(main_window, qtbot, "drill-001-assessment", "a7-complaint-pending")
    assert tr("received, under investigation (not verified)") in dialog.scene.toPlainText()
    _pick(qtbot, dialog, "A7")
    qtbot.keyClick(dialog.who.people, Qt.Key.Key_Space)  # tick the doctor complained about
    key(qtbot, "Return")
    grade = _submit(qtbot, dialog)
    assert dialog.result.statuses() == ["wrong"] and (grade.key_points, grade.trainee_points) == (0, 5)
    dialog.accept()
