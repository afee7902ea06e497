"""The office workspace (办公室工作台) in the real main window, over a SQLite central database holding two merged
laptops, driven by the keyboard: the Office menu's shortcut opens it, filters and pages change with keys, Enter
opens an inspection read-only with its photos, signatures and signed sheet; a department's page; the month's
figures, close and pay list. Expectations come from the laptops' own stores or the tested core services.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QGroupBox,
    QInputDialog,
    QLabel,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from inspector_app.core.i18n import language, set_language, tr
from inspector_app.core.merge import default_url, merge_files, open_central
from inspector_app.gui.office import inspections_tab
from inspector_app.gui.office.workspace import OfficeWorkspace
from inspector_app.office.browse import not_inspected
from inspector_app.office.overview import month_figures
from tests.helpers.fixtures import sqlite_rows
from tests.helpers.office_hospital import Hospital, office_hospital

CTRL, SHIFT, ALT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.AltModifier)
MONTH = "2025-06"  # the newest month merged: the workspace opens on it


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> tuple[Path, Hospital]:
    """A central folder (central.db and files/) with both laptops merged, made once; tests get a copy."""
    root = tmp_path_factory.mktemp("office-workspace")
    hospital = office_hospital(root, demo_template)
    folder = root / "central"
    central = open_central(default_url(folder))
    try:
        assert merge_files(central, hospital.bundles, hospital.trusted, folder / "files").clean
    finally:
        central.close()
    return folder, hospital


@pytest.fixture
def office(merged, gui_workspace, open_window, qtbot) -> tuple[OfficeWorkspace, Hospital]:
    """The main window over a data folder whose default central database is the merged one; the workspace
    opened from the Office menu by its shortcut, on its first page."""
    folder, hospital = merged
    shutil.copytree(folder, gui_workspace.data_dir / "central")
    window = open_window(gui_workspace)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts reach the active window
    qtbot.keyClick(window, Qt.Key.Key_O, CTRL | SHIFT)  # Office → Office workspace…
    workspace = window.findChild(OfficeWorkspace, "officeWorkspace")
    assert workspace is not None
    qtbot.waitExposed(workspace)
    qtbot.waitUntil(lambda: workspace.inspections_tab.page is not None and not workspace.busy, timeout=20000)
    yield workspace, hospital
    workspace.close()


def key(qtbot, workspace: QWidget, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press where the keyboard focus is in the workspace (as a keyboard delivers it)."""
    focus = QApplication.focusWidget()
    target = focus if focus is not None and focus.window() is workspace else workspace
    qtbot.keyClick(target, key, modifiers)


def press(qtbot, workspace: OfficeWorkspace, button: QAbstractButton, letter: Qt.Key) -> None:
    """Alt+letter on a button's mnemonic (Qt clicks it a moment later, as it animates the press), then wait
    for the work it started."""
    with qtbot.waitSignal(button.clicked, timeout=5000):
        key(qtbot, workspace, letter, ALT)
    settle(qtbot, workspace)


def settle(qtbot, workspace: OfficeWorkspace) -> None:
    qtbot.waitUntil(lambda: not workspace.busy, timeout=20000)


def laptop_count(hospital: Hospital, where: str = "1 = 1", params: tuple = ()) -> int:
    return sum(sqlite_rows(folder, f"SELECT count(*) FROM inspections WHERE status = 'finished' AND training = 0 "
                                   f"AND {where}", params)[0][0] for folder in hospital.laptops)


@pytest.mark.slow  # reads no date: run once, not again under each faked date
def test_enter_opens_an_inspection_read_only(office, qtbot) -> None:
    workspace, hospital = office
    tab = workspace.inspections_tab
    assert tab.month.currentData() == MONTH
    total = laptop_count(hospital, "local_month = ?", (MONTH,))
    assert tab.page.total == total and tab.model.rowCount() == total  # fewer than a page
    assert tab.total.text() == tr("Inspections {first}–{last} of {total}", first=1, last=total, total=total)
    key(qtbot, workspace, Qt.Key.Key_1, CTRL)  # the inspections tab, the focus on its table
    assert QApplication.focusWidget() is tab.table
    target = next(r for r in range(tab.model.rowCount()) if tab.model.row_at(r).id == hospital.main)
    for _ in range(target):
        key(qtbot, workspace, Qt.Key.Key_Down)
    assert tab.table.currentIndex().row() == target
    key(qtbot, workspace, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.detail_dialog is not None and tab.detail_dialog.isVisible(), timeout=10000)
    dialog = tab.detail_dialog
    rows = [dialog.entries_model.row_at(r) for r in range(dialog.entries_model.rowCount())]
    assert sorted(e.item_code for e in rows) == ["A1", "A2", "A3", "A4"] and [e.voided for e in rows].count(True) == 1
    assert dialog.photos.count() == 2  # the sent photo as a thumbnail, the lost one marked
    texts = [dialog.photos.item(i).text() for i in range(2)]
    assert sum(tr("not sent") in text for text in texts) == 1
    assert [label.pixmap().isNull() for label in dialog.signature_labels] == [False, False]
    assert dialog.sheet_button is not None and dialog.sheet_button.isEnabled()
    assert "A3" in dialog.clause.text() and "：" in dialog.clause.text()  # the clause of the current entry
    key(qtbot, dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


@pytest.mark.slow  # reads no date: run once, not again under each faked date
def test_filters_and_pages_by_keyboard(office, qtbot, monkeypatch) -> None:
    workspace, hospital = office
    tab = workspace.inspections_tab
    monkeypatch.setattr(inspections_tab, "PAGE", 4)
    key(qtbot, workspace, Qt.Key.Key_R, ALT)  # Inspecto&r
    assert QApplication.focusWidget() is tab.inspector
    key(qtbot, workspace, Qt.Key.Key_Down)  # All → the first inspector, L001
    settle(qtbot, workspace)
    assert tab.inspector.currentData() == "L001"
    expected = laptop_count(hospital, "local_month = ? AND inspector_no = 'L001'", (MONTH,))
    assert tab.page.total == expected and len(tab.page.rows) == min(4, expected)
    assert {row.inspector_no for row in tab.page.rows} == {"L001"}
    seen = [row.id for row in tab.page.rows]
    while tab.next.isEnabled():
        press(qtbot, workspace, tab.next, Qt.Key.Key_N)  # &Next page
        seen += [row.id for row in tab.page.rows]
    assert len(seen) == len(set(seen)) == expected
    press(qtbot, workspace, tab.previous, Qt.Key.Key_P)  # &Previous page
    assert tab.page.offset == 4 * ((expected - 1) // 4 - 1)
    press(qtbot, workspace, tab.clear, Qt.Key.Key_L)  # C&lear filters: every month, every inspector
    assert tab.page.total == laptop_count(hospital) and tab.month.currentData() is None


@pytest.mark.slow  # reads no date: run once, not again under each faked date
def test_department_page_from_the_month(office, qtbot) -> None:
    workspace, _ = office
    key(qtbot, workspace, Qt.Key.Key_3, CTRL)  # the month
    settle(qtbot, workspace)
    month = workspace.month_tab
    summary = month_figures(workspace.central, MONTH)
    # tally and scored checklists rank apart, by points and by failures then average (issue #12: per kind)
    tally = [month.departments_model.row_at(r) for r in range(month.departments_model.rowCount())]
    assert [(d.code, d.rank) for d in tally] == [(d.code, d.rank) for d in summary.tally_ranking()]
    scored = [month.scores_model.row_at(r) for r in range(month.scores_model.rowCount())]
    assert [(d.code, d.score_rank) for d in scored] == [(d.code, d.score_rank) for d in summary.scored_ranking()]
    assert scored and all(d.scored_inspections for d in scored)
    gaps = not_inspected(workspace.central, MONTH)
    assert [month.gaps.item(i).text() for i in range(month.gaps.count())] == [f"{n}（{c}）" for c, n in gaps]
    month.departments_table.setFocus()
    target = next(r for r in range(month.departments_model.rowCount())
                  if month.departments_model.row_at(r).code == "W-REG")
    month.departments_table.setCurrentIndex(month.departments_model.index(0, 0))
    for _ in range(target):
        key(qtbot, workspace, Qt.Key.Key_Down)
    key(qtbot, workspace, Qt.Key.Key_Return)  # the department's page
    qtbot.waitUntil(lambda: workspace.department_tab.page is not None, timeout=20000)
    settle(qtbot, workspace)
    department = workspace.department_tab
    assert workspace.tabs.currentWidget() is department and department.page.code == "W-REG"
    assert [m.month for m in department.page.months] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05",
                                                         "2025-06"]
    row = next(d for d in summary.departments if d.code == "W-REG")
    assert department.months_model.row_at(5).row.total_points == row.total_points
    before = department.page
    key(qtbot, workspace, Qt.Key.Key_F5)  # read the central database again: the page comes back the same
    qtbot.waitUntil(lambda: department.page is not before, timeout=20000)
    settle(qtbot, workspace)
    assert department.page == before and department.page.code == "W-REG"
    repeated = {(r.item_code, r.inspectors) for r in department.page.repeat_items}
    assert ("A3", 2) in repeated  # found by both laptops' inspectors
    assert any(p.staff_no == "1001" and p.inspectors == 2 for p in department.page.repeat_persons)


def test_close_month_and_export_the_pay_list(office, qtbot, monkeypatch, tmp_path) -> None:
    workspace, _ = office
    key(qtbot, workspace, Qt.Key.Key_3, CTRL)
    settle(qtbot, workspace)
    month = workspace.month_tab
    assert month.month.currentData() == MONTH and tr("Open.") in month.state_label.text()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("王主任", True))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    press(qtbot, workspace, month.close_button, Qt.Key.Key_C)  # &Close month… (earlier months open: closed anyway)
    qtbot.waitUntil(lambda: month.state is not None and month.state.closed, timeout=20000)
    settle(qtbot, workspace)
    assert month.state.closed_by == "王主任" and "王主任" in month.state_label.text()
    assert not month.close_button.isEnabled()
    target = tmp_path / "pay.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    press(qtbot, workspace, month.pay_button, Qt.Key.Key_P)  # Export &pay list…
    qtbot.waitUntil(target.exists, timeout=20000)
    settle(qtbot, workspace)
    staff = load_workbook(target).worksheets[0]
    persons = {p.staff_no: p.points for p in month_figures(workspace.central, MONTH).persons}
    assert {row[0]: row[5] for row in staff.iter_rows(min_row=2, values_only=True) if row[0]} == persons
    bulletin = tmp_path / "bulletin.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(bulletin), ""))
    press(qtbot, workspace, month.bulletin_button, Qt.Key.Key_B)  # Export &bulletin… (its tables)
    qtbot.waitUntil(bulletin.exists, timeout=20000)
    settle(qtbot, workspace)
    assert load_workbook(bulletin).worksheets and MONTH in workspace.message.text()


def test_ledger_decision_by_keyboard(office, qtbot) -> None:
    from inspector_app.office.ledger import ledger

    workspace, _ = office
    key(qtbot, workspace, Qt.Key.Key_4, CTRL)  # the rectification ledger
    settle(qtbot, workspace)
    tab = workspace.extra["ledger_tab"]
    assert workspace.tabs.currentWidget() is tab
    today = date.today()
    assert tab.model.rowCount() == len(ledger(workspace.central, today=today))
    key(qtbot, workspace, Qt.Key.Key_S, ALT)  # &Status
    while tab.status.currentData() != "overdue":
        key(qtbot, workspace, Qt.Key.Key_Down)
    settle(qtbot, workspace)
    overdue = ledger(workspace.central, status="overdue", today=today)
    assert tab.model.rowCount() == len(overdue) > 0
    item = tab.model.row_at(0)
    press(qtbot, workspace, tab.decide_button, Qt.Key.Key_E)  # D&ecide…: verified on re-inspection, a note
    qtbot.waitUntil(lambda: tab.dialog is not None and tab.dialog.isVisible())
    assert tab.dialog.chosen() == "verified"
    tab.dialog.note.setFocus()
    qtbot.keyClicks(tab.dialog.note, "recheck ok")
    qtbot.keyClick(tab.dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.model.rowCount() == len(overdue) - 1, timeout=20000)
    [after] = [i for i in ledger(workspace.central, today=today) if i.id == item.id]
    assert (after.status, after.decision, after.decision_note) == ("verified", "verified", "recheck ok")


def test_awards_pick_and_trends(office, qtbot, monkeypatch) -> None:
    from inspector_app.office.awards import candidates, picks
    from inspector_app.office.trends import trends

    workspace, _ = office
    key(qtbot, workspace, Qt.Key.Key_5, CTRL)  # the quarter's selection
    tab = workspace.extra["awards_tab"]
    qtbot.waitUntil(lambda: tab.selection is not None, timeout=20000)
    settle(qtbot, workspace)
    assert tab.quarter.currentData() == "2025-Q2"
    selection = candidates(workspace.central, "2025-Q2")
    assert [tab.model.row_at(r).subject for r in range(tab.model.rowCount())] == [c.subject for c in selection.windows]
    first = tab.model.row_at(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("窗口整改后群众表扬多", True))
    press(qtbot, workspace, tab.pick_button, Qt.Key.Key_P)  # &Pick… (not eligible: with a reason)
    qtbot.waitUntil(lambda: any(p.subject == first.subject for p in tab.picked.values()), timeout=20000)
    [pick] = picks(workspace.central, "2025-Q2")
    assert (pick.kind, pick.subject, pick.active) == ("window", first.subject, True)
    assert pick.override_reason == ("" if first.eligible else "窗口整改后群众表扬多")
    key(qtbot, workspace, Qt.Key.Key_6, CTRL)  # trends
    trends_tab = workspace.extra["trends_tab"]
    qtbot.waitUntil(lambda: trends_tab.trends is not None, timeout=20000)
    expected = trends(workspace.central, 6)
    model = trends_tab.departments_table.model()
    assert model.rowCount() == len(expected.departments) and model.columnCount() == 7
    assert trends_tab.inspectors_table.model().rowCount() == len(expected.inspectors) == 2


CJK = re.compile(r"[\u4e00-\u9fff]")


def _texts(root: QWidget) -> list[str]:
    """The interface's own words: buttons, labels and group titles, headers and tab titles (not data)."""
    found = [w.text() for w in root.findChildren(QAbstractButton) if w.text()]
    found += [w.title() for w in root.findChildren(QGroupBox)]
    found += [w.text() for w in root.findChildren(QLabel) if w.buddy() is not None]
    for tabs in root.findChildren(QTabWidget):
        found += [tabs.tabText(i) for i in range(tabs.count())]
    return found


def _shoot(workspace: OfficeWorkspace, qtbot, folder: Path, name: str, width: int) -> None:
    workspace.resize(width, 768)
    tab = workspace.inspections_tab
    qtbot.wait(50)
    workspace.grab().save(str(folder / f"office-workspace-{name}-{width}-1-inspections.png"))
    workspace.show_department("W-REG")
    qtbot.waitUntil(lambda: workspace.department_tab.page is not None, timeout=20000)
    settle(qtbot, workspace)
    workspace.grab().save(str(folder / f"office-workspace-{name}-{width}-2-department.png"))
    workspace.tabs.setCurrentWidget(workspace.month_tab)
    settle(qtbot, workspace)
    workspace.grab().save(str(folder / f"office-workspace-{name}-{width}-3-month.png"))
    for n, (module, tab_widget) in enumerate(workspace.extra.items(), 5):
        workspace.tabs.setCurrentWidget(tab_widget)  # loads (synchronously starts its work) when first shown
        settle(qtbot, workspace)
        workspace.grab().save(str(folder / f"office-workspace-{name}-{width}-{n}-{module.removesuffix('_tab')}.png"))
    workspace.tabs.setCurrentWidget(tab)
    workspace.tabs.setCurrentWidget(tab)
    row = next(r for r in range(tab.model.rowCount()) if tab.model.row_at(r).started == "2025-06-10 09:30")
    tab.detail_dialog = None
    tab.open_inspection(tab.model.row_at(row).id)
    qtbot.waitUntil(lambda: tab.detail_dialog is not None and tab.detail_dialog.isVisible(), timeout=10000)
    tab.detail_dialog.grab().save(str(folder / f"office-workspace-{name}-{width}-4-detail.png"))
    tab.detail_dialog.close()


@pytest.mark.slow  # reads no date: run once, not again under each faked date
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_both_languages_and_screenshots(merged, gui_workspace, open_window, qtbot, tmp_path, lang) -> None:
    """Chinese by default, English complete (no Chinese word in the interface's own texts); screenshots at
    1366×768 and 1024×768 (to OFFICE_SHOTS when set, for people to look at)."""
    folder, _ = merged
    shutil.copytree(folder, gui_workspace.data_dir / "central")
    before = language()
    set_language(lang)
    try:
        window = open_window(gui_workspace)
        workspace = OfficeWorkspace(window.ctx, window)
        workspace.show()
        qtbot.waitUntil(lambda: workspace.inspections_tab.page is not None and not workspace.busy, timeout=20000)
        texts = _texts(workspace)
        if lang == "en":
            assert not [t for t in texts if CJK.search(t)]
        else:
            assert not [t for t in texts if re.search(r"[A-Za-z]{3,}", t) and not CJK.search(t)], texts
        shots = Path(os.environ.get("OFFICE_SHOTS", tmp_path))
        shots.mkdir(parents=True, exist_ok=True)
        for width in (1366, 1024):
            _shoot(workspace, qtbot, shots, lang, width)
        workspace.close()
    finally:
        set_language(before)


def test_complaint_register_by_keyboard(office, qtbot, monkeypatch, tmp_path) -> None:
    """Enter a complaint against a named person, then verify it: it is 5 points (10 for a head) in this month;
    refer it (第8条) and issue the office's notice for it."""
    from PySide6.QtWidgets import QFileDialog

    from inspector_app.core.roster_store import current_roster
    from inspector_app.gui.office.complaints_tab import ReferDialog
    from inspector_app.office.complaints import complaints

    workspace, _ = office
    key(qtbot, workspace, Qt.Key.Key_7, CTRL)  # the complaint register
    tab = workspace.extra["complaints_tab"]
    assert workspace.tabs.currentWidget() is tab
    settle(qtbot, workspace)
    assert tab.model.rowCount() == 0
    roster = current_roster(workspace.ctx.ws)
    department = roster.departments[0]
    staff = roster.staff_of(department.code)[0]
    press(qtbot, workspace, tab.new_button, Qt.Key.Key_N)  # &New complaint…
    qtbot.waitUntil(lambda: tab.dialog is not None and tab.dialog.isVisible())
    dialog = tab.dialog
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # mnemonics reach the active window
    assert dialog.department.currentData() == department.code
    qtbot.keyClick(dialog, Qt.Key.Key_N, ALT)  # Staff &no.
    qtbot.keyClicks(QApplication.focusWidget(), staff.staff_no)
    qtbot.keyClick(dialog, Qt.Key.Key_W, ALT)  # &What it says
    qtbot.keyClicks(QApplication.focusWidget(), "rude at the window")  # QTest types ASCII only
    qtbot.keyClick(dialog, Qt.Key.Key_B, ALT)  # Entered &by
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=20000)
    settle(qtbot, workspace)
    workspace.activateWindow()
    qtbot.waitUntil(workspace.isActiveWindow)  # back from the dialog
    press(qtbot, workspace, tab.verify_button, Qt.Key.Key_F)  # Veri&fied…
    qtbot.waitUntil(lambda: tab.dialog is not dialog and tab.dialog.isVisible())
    tab.dialog.activateWindow()
    qtbot.waitUntil(tab.dialog.isActiveWindow)
    qtbot.keyClick(tab.dialog, Qt.Key.Key_F, ALT)  # &Finding
    qtbot.keyClicks(QApplication.focusWidget(), "recording confirms it")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.model.row_at(0).status == "verified", timeout=20000)
    [found] = complaints(workspace.central)
    assert (found.staff_no, found.summary, found.decision_note) == (staff.staff_no, "rude at the window",
                                                                    "recording confirms it")
    assert found.points == (10.0 if staff.is_head else 5.0)
    assert found.decided_on >= found.received_on and found.local_month == found.decided_on.strftime("%Y-%m")
    # 第8条: referred to the authorities, then the office's notice for it (the save dialog answered)
    workspace.activateWindow()
    qtbot.waitUntil(workspace.isActiveWindow)
    press(qtbot, workspace, tab.refer_button, Qt.Key.Key_R)  # &Refer…
    qtbot.waitUntil(lambda: isinstance(tab.dialog, ReferDialog) and tab.dialog.isVisible())
    tab.dialog.activateWindow()
    qtbot.waitUntil(tab.dialog.isActiveWindow)
    qtbot.keyClick(tab.dialog, Qt.Key.Key_T, ALT)  # Referred &to
    qtbot.keyClicks(QApplication.focusWidget(), "city police")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.model.row_at(0).referral_to == "city police", timeout=20000)
    assert complaints(workspace.central)[0].referral_state == "referred"
    target = tmp_path / "notice.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    workspace.activateWindow()
    qtbot.waitUntil(workspace.isActiveWindow)
    press(qtbot, workspace, tab.notice_button, Qt.Key.Key_T)  # No&tice…
    qtbot.waitUntil(target.exists, timeout=30000)
    settle(qtbot, workspace)
    assert "督诉〔" in workspace.message.text() and target.read_bytes().startswith(b"%PDF")


def test_seal_pending_sheets_and_edit_the_bulletin_text_before_issue(office, merged, qtbot, monkeypatch,
                                                                     tmp_path) -> None:
    """封签 tab: the merged signed sheet is pending; Alt+S with the office passphrase seals it (PAdES B-LTA, only
    the office certificate trusted) and it is pending no more. Then the month's bulletin as PDF: its drafted text
    opens in a dialog, the overview is rewritten by keyboard and the issued PDF prints it instead."""
    import subprocess

    from sqlalchemy import select

    from inspector_app.core.documents.verification import verify_pdf
    from inspector_app.core.identity import DEMO_PASSPHRASE, default_office_dir
    from inspector_app.core.merge import models as m
    from inspector_app.gui.office.sealing_tab import SealingTab
    from inspector_app.office.sealing import sealed_path
    from tests.gui.keys import activate, focused, tab_to

    workspace, hospital = office
    folder, _ = merged
    shutil.copytree(folder.parent / "office", default_office_dir(workspace.ctx.ws.data_dir))
    tab = workspace.extra["sealing_tab"]
    assert isinstance(tab, SealingTab)
    key(qtbot, workspace, Qt.Key.Key_8, CTRL)
    qtbot.waitUntil(lambda: len(tab.pending) == 1, timeout=20000)
    settle(qtbot, workspace)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (DEMO_PASSPHRASE, True))
    press(qtbot, workspace, tab.all_button, Qt.Key.Key_S)  # &Seal all pending…
    qtbot.waitUntil(lambda: not tab.pending and bool(tab.outcomes), timeout=30000)
    settle(qtbot, workspace)
    [outcome] = tab.outcomes.values()
    assert outcome.status == "sealed", outcome.message
    result = verify_pdf(outcome.path.read_bytes(), hospital.trusted)
    assert result.ok and result.level == "PAdES B-LTA", result.problems
    with workspace.central.read() as session:
        sheet = session.scalars(select(m.Document).where(m.Document.kind == "sheet")).one()
    assert outcome.path == sealed_path(workspace.files_dir, sheet.sha256)
    assert not tab.all_button.isEnabled()

    key(qtbot, workspace, Qt.Key.Key_3, CTRL)
    settle(qtbot, workspace)
    month = workspace.month_tab
    target = tmp_path / "bulletin.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    press(qtbot, workspace, month.bulletin_button, Qt.Key.Key_B)
    qtbot.waitUntil(lambda: month.narrative_dialog is not None and month.narrative_dialog.isVisible(),
                    timeout=30000)
    dialog = month.narrative_dialog
    drafted = dialog.edits["overview"].toPlainText()
    assert drafted.strip()
    activate(qtbot, dialog)
    tab_to(qtbot, dialog.edits["overview"])
    qtbot.keyClick(focused(), Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(focused(), "Edited overview for the office meeting")
    tab_to(qtbot, dialog.edits["praise"])
    qtbot.keyClick(focused(), Qt.Key.Key_A, CTRL)
    qtbot.keyClick(focused(), Qt.Key.Key_Delete)  # an emptied section is left out
    qtbot.keyClick(focused(), Qt.Key.Key_Return, CTRL)  # Ctrl+Enter issues from inside a text box
    qtbot.waitUntil(target.exists, timeout=30000)
    settle(qtbot, workspace)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Edited overview for the office meeting" in text
    assert drafted.splitlines()[0][:12] not in text
    with workspace.central.read() as session:
        event = session.scalars(select(m.OfficeEvent).where(m.OfficeEvent.action == "issue_bulletin")).one()
    assert event.detail["edited"] and event.detail["narrative"]["praise"] == []
