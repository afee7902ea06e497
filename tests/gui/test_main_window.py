"""The main window as a whole: imports off the GUI thread, accessibility, laptop size, crash safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextBrowser,
    QWidget,
)

from inspector_app.core.i18n import set_language, tr
from inspector_app.core.inspection_state import load_state
from inspector_app.core.roster_store import current_roster
from inspector_app.core.workspace import Workspace
from inspector_app.gui.imports import ProblemsDialog

INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QPlainTextEdit,
               QTextBrowser)


def _inside_interactive(widget: QWidget, page: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not page:
        if isinstance(parent, INTERACTIVE) or parent.windowType() == Qt.WindowType.Popup:
            return True
        parent = parent.parentWidget()
    return widget.objectName().startswith("qt_")


def _all_pages(window) -> list[QWidget]:
    return [window.start_page, window.record_page] + [window.page(i) for i in range(1, 5)]


def test_every_interactive_widget_has_an_accessible_name(main_window):
    start = main_window.start_page
    start.checklist.setCurrentIndex(start.checklist.findData("svc-001-assessment"))
    start.start()
    missing = []
    for page in _all_pages(main_window):
        for widget in page.findChildren(QWidget):
            if not isinstance(widget, INTERACTIVE) or _inside_interactive(widget, page):
                continue  # Qt's own parts (headers, popups, a combo's line edit): their owner carries the name
            name = widget.accessibleName() or (widget.text() if isinstance(widget, QAbstractButton) else "")
            if not name.strip():
                missing.append(f"{type(page).__name__}: {type(widget).__name__} {widget.objectName()!r}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(("lang", "font"), [("zh", 11), ("en", 11), ("zh", 16), ("en", 16)])
def test_every_page_fits_a_1024_by_768_laptop(gui_workspace, open_window, lang, font):
    """Taskbar (40 px) and title bar (32 px) included, at the default and the largest usual font size."""
    set_language(lang)
    gui_workspace.update_settings(font_size=font)
    window = open_window(gui_workspace)
    start = window.start_page
    start.checklist.setCurrentIndex(start.checklist.findData("svc-001-assessment"))
    start.start()
    for index in range(window.nav.count()):  # every page, the to-do page included
        window.nav.setCurrentRow(index)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 768 - 40 - 32, (index, hint)
    assert window.minimumSizeHint().height() <= 720 - 40 - 32  # and a 1280×720 one


def test_roster_import_with_bad_rows_asks_first_and_runs_off_the_gui_thread(main_window, qtbot, tmp_path,
                                                                           monkeypatch):
    table = tmp_path / "staff.csv"
    table.write_text("工号,姓名,科室,是否科室负责人\n3001,新员工,挂号收费窗口,否\n,没有工号,挂号收费窗口,否\n",
                     encoding="utf-8")
    asked = []
    monkeypatch.setattr(ProblemsDialog, "exec", lambda self: asked.append(self.findChild(QPlainTextEdit).toPlainText())
                        or QDialog.DialogCode.Accepted)
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    with qtbot.waitSignal(main_window.ctx.changes.roster, timeout=10000):
        main_window.imports.import_roster(str(table))
    assert asked == ["staff.csv，第 3 行，“工号”列：此项为必填，不能空着"]  # no folder, plain words
    staff = {m.staff_no: m for m in current_roster(main_window.ctx.ws).staff}
    assert "3001" in staff and staff["3001"].name == "新员工"


def test_bad_inspections_file_is_refused_with_a_message_and_nothing_changes(main_window, qtbot, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "inspector-app/inspections", "version": 1, "inspections": [
        {"checklist": "svc-001-assessment", "department": "没有这个科室", "inspector": "王",
         "started_at": "2026-03-05T09:30:00+08:00", "deductions": []}]}), encoding="utf-8")
    main_window.imports.import_inspections(str(bad))
    qtbot.waitUntil(lambda: _visible_message() is not None, timeout=10000)
    message = _visible_message()
    assert "没有这个科室" in message.text()
    message.close()
    assert main_window.start_page.latest_draft() is None


def _visible_message() -> QMessageBox | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)


CHILD = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
app = QApplication([])
from inspector_app.core.workspace import Workspace
from inspector_app.gui.app import create_main_window
ws = Workspace.open(Path(sys.argv[1]))
ws.update_settings(inspector={"name": "测试", "staff_no": "T1"})
window = create_main_window(ws)
window.show()
start = window.start_page
start.checklist.setCurrentIndex(start.checklist.findData("svc-001-assessment"))
start.department.setCurrentIndex(start.department.findData("W-REG"))
start.start()
page = window.record_page
for n in range(3):
    page.items.search.setText("A2")
    page.charge_department.setChecked(True)
    page.note.setText(f"第{n}条")
    assert page.record()
    print(page.state.entries[-1].id, flush=True)  # acknowledged on screen
print("READY", flush=True)
app.exec()
"""


def test_killing_the_app_mid_inspection_loses_nothing(tmp_path):
    data = tmp_path / "data"
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(CHILD), str(data)], stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    acknowledged = []
    for line in child.stdout:
        if line.strip() == "READY":
            break
        acknowledged.append(line.strip())
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    ws = Workspace.open(data)
    try:
        assert ws.db.integrity_check() == "ok"
        from inspector_app.core.inspections import InspectionFilter, list_inspections

        drafts = list_inspections(ws, InspectionFilter(status="draft"))
        assert len(drafts) == 1
        state = load_state(ws, drafts[0].id)
        assert [e.id for e in state.entries] == acknowledged and len(acknowledged) == 3
    finally:
        ws.close()


def test_data_folder_in_use_is_reported(gui_workspace, gui_data):
    result = subprocess.run([sys.executable, "-m", "inspector_app", "--data-dir", str(gui_data), "--lang", "en",
                             "demo-data", "--inspections", "1"], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 3 and "already using" in result.stderr


def test_send_to_the_share_from_the_window(main_window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from inspector_app.core.identity import DEMO_PASSPHRASE, ensure_demo_identity
    from inspector_app.core.recording import NewInspection, Recorder
    from inspector_app.core.sync.status import sync_status

    ws = main_window.ctx.ws
    ensure_demo_identity(ws)
    recorder = Recorder(ws)
    recorder.finish(recorder.start(NewInspection("svc-001-assessment", "W-REG", "测试督查员")).id)
    share = tmp_path / "share"
    share.mkdir()
    ws.update_settings(share_folder=str(share))
    assert sync_status(ws).waiting == 1
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: (DEMO_PASSPHRASE, True))
    with qtbot.waitSignal(main_window.ctx.changes.sync, timeout=30000):
        main_window.syncing.sync()
    assert len(list((share / "incoming").glob("batch-*.zip"))) == 1
    assert sync_status(ws).waiting == 0
    assert main_window.pending_label.text() == tr("Waiting to send: {count} inspections", count=0)


def test_wrong_passphrase_when_sending_is_a_message(main_window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from inspector_app.core.identity import ensure_demo_identity
    from inspector_app.core.recording import NewInspection, Recorder

    ws = main_window.ctx.ws
    ensure_demo_identity(ws)
    recorder = Recorder(ws)
    recorder.finish(recorder.start(NewInspection("svc-001-assessment", "W-REG", "测试督查员")).id)
    (tmp_path / "share").mkdir()
    ws.update_settings(share_folder=str(tmp_path / "share"))
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("wrong-passphrase", True))
    main_window.syncing.sync()
    qtbot.waitUntil(lambda: _visible_message() is not None, timeout=30000)
    _visible_message().close()
    assert not list((tmp_path / "share" / "incoming").glob("batch-*.zip"))
