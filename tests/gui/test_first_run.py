"""The first-run wizard, driven from the keyboard: language, profile, share folder, roster; Cancel keeps nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWizard
from sqlalchemy import func, select

from inspector_app.core.first_run import needs_first_run
from inspector_app.core.i18n import language
from inspector_app.core.identity import identity_status, load_signing_identity
from inspector_app.core.identity.storage import identity_dir
from inspector_app.core.settings import SETTINGS_FILE
from inspector_app.core.store.models import Department, Staff
from inspector_app.core.workspace import Workspace
from inspector_app.gui.first_run import FirstRunWizard, run_first_run_wizard

PASSPHRASE = "correct horse 督查"
ROSTER_CSV = ["工号,姓名,科室,是否科室负责人", "5001,王一,挂号收费处,是", "5002,李二,挂号收费处,否",
              "5003,,药剂科,否", "5004,赵四,药剂科,否"]  # row 4 has no name


@pytest.fixture
def fresh(tmp_path):
    ws = Workspace.open(tmp_path / "data")
    yield ws
    ws.close()


@pytest.fixture
def wizard(qtbot, fresh):
    wizard = FirstRunWizard(fresh)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    yield wizard
    wizard.ops.wait()


def key(qtbot, key: Qt.Key) -> None:
    """A key press where the keyboard focus is (as a user's keyboard would deliver it)."""
    qtbot.keyClick(QApplication.focusWidget(), key)


def type_text(qtbot, text: str) -> None:
    """Type where the focus is: Latin keys as key presses, Chinese as an input method commits it."""
    widget = QApplication.focusWidget()
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)


def next_page(qtbot, wizard: FirstRunWizard, page) -> None:
    key(qtbot, Qt.Key.Key_Return)  # Enter presses the wizard's default button (Next)
    qtbot.waitUntil(lambda: wizard.currentPage() is page)


def fill_profile(qtbot, wizard: FirstRunWizard, repeat: str = PASSPHRASE) -> None:
    profile = wizard.profile_page
    assert QApplication.focusWidget() is profile.name
    for text in ("王督查", "J1234", PASSPHRASE):
        type_text(qtbot, text)
        key(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, repeat)


def write_roster(tmp_path: Path) -> Path:
    path = tmp_path / "花名册.csv"
    path.write_text("\r\n".join(ROSTER_CSV), encoding="utf-8")
    return path


def test_keyboard_from_start_to_finish(qtbot, wizard, fresh, tmp_path):
    assert needs_first_run(fresh)
    assert wizard.windowTitle() == "督查软件初次设置"
    wizard.language_page.buttons.buttons()[0].setFocus()
    key(qtbot, Qt.Key.Key_Down)  # 中文 → English, applies at once
    assert language() == "en" and wizard.windowTitle() == "Set up the inspection app"
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "&Next >"
    next_page(qtbot, wizard, wizard.profile_page)

    next_button = wizard.button(QWizard.WizardButton.NextButton)
    fill_profile(qtbot, wizard, repeat="correct horse")
    assert not next_button.isEnabled()
    assert wizard.profile_page.verdict.text() == "The two passphrases differ."
    assert wizard.profile_page.verdict.property("ok") is False  # not drawn green (gui/style.py)
    type_text(qtbot, " 督查")
    assert next_button.isEnabled() and wizard.profile_page.verdict.text() == "Passphrase accepted."
    assert wizard.profile_page.verdict.property("ok") is True
    next_page(qtbot, wizard, wizard.share_page)

    share = tmp_path / "share"
    share.mkdir()
    assert QApplication.focusWidget() is wizard.share_page.folder
    type_text(qtbot, str(share))
    next_page(qtbot, wizard, wizard.roster_page)

    roster = wizard.roster_page
    roster.read_file(str(write_roster(tmp_path)))  # what the file dialog hands over
    qtbot.waitUntil(lambda: roster.table is not None)
    assert "3 of 4 rows are valid" in roster.report.toPlainText()
    assert "姓名" in roster.report.toPlainText()  # the bad row and its column are listed
    assert "花名册.csv, row " in roster.report.toPlainText()  # in plain words, the file's name without its folder
    assert str(tmp_path) not in roster.report.toPlainText()
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # a file with bad rows is not used silently
    roster.good_rows.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    assert finish.isEnabled()
    with qtbot.waitSignal(wizard.finished, timeout=20000):
        key(qtbot, Qt.Key.Key_Return)
    assert wizard.result() == QWizard.DialogCode.Accepted and wizard.applied

    saved = json.loads((fresh.data_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
    assert saved["first_run_done"] is True and saved["language"] == "en"
    assert saved["inspector"]["name"] == "王督查" and saved["inspector"]["staff_no"] == "J1234"
    assert saved["share_folder"] == str(share)
    status = identity_status(fresh)
    assert status.exists and status.subject_name == "王督查" and status.staff_no == "J1234"
    assert load_signing_identity(fresh, PASSPHRASE).certificate is not None
    with fresh.db.read() as session:
        assert set(session.scalars(select(Staff.staff_no))) == {"5001", "5002", "5004"}
        assert set(session.scalars(select(Department.name))) == {"挂号收费处", "药剂科"}
    assert not needs_first_run(fresh)


def test_demo_hospital_without_share(qtbot, wizard, fresh):
    next_page(qtbot, wizard, wizard.profile_page)
    fill_profile(qtbot, wizard)
    next_page(qtbot, wizard, wizard.share_page)
    next_page(qtbot, wizard, wizard.roster_page)
    assert wizard.roster_page.demo.isChecked()
    with qtbot.waitSignal(wizard.finished, timeout=20000):
        key(qtbot, Qt.Key.Key_Return)
    assert fresh.settings.share_folder is None and fresh.settings.language == "zh"
    assert fresh.settings.hospital == "示例市人民医院"
    with fresh.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Department)) > 10


def test_cancel_leaves_nothing(qtbot, wizard, fresh, tmp_path):
    before = sorted(p.name for p in fresh.data_dir.iterdir())
    next_page(qtbot, wizard, wizard.profile_page)
    fill_profile(qtbot, wizard)
    next_page(qtbot, wizard, wizard.share_page)
    next_page(qtbot, wizard, wizard.roster_page)
    wizard.roster_page.read_file(str(write_roster(tmp_path)))
    qtbot.waitUntil(lambda: wizard.roster_page.table is not None)
    with qtbot.waitSignal(wizard.finished):
        key(qtbot, Qt.Key.Key_Escape)
    assert wizard.result() == QWizard.DialogCode.Rejected and not wizard.applied
    assert sorted(p.name for p in fresh.data_dir.iterdir()) == before
    assert not (fresh.data_dir / SETTINGS_FILE).exists() and not identity_dir(fresh.data_dir).exists()
    with fresh.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Department)) == 0
    assert needs_first_run(fresh)


def test_a_cancelled_wizard_means_no_start(qtbot, fresh):
    shown: list[QWizard] = []

    def close_it() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, FirstRunWizard) and widget.isVisible():
                shown.append(widget)
                widget.reject()
        if not shown:
            QTimer.singleShot(20, close_it)

    QTimer.singleShot(0, close_it)
    assert run_first_run_wizard(fresh) is False  # cancelled: the app does not start half set up
    assert shown and not (fresh.data_dir / SETTINGS_FILE).exists()
    assert "WenQuanYi Micro Hei" in QApplication.font().families()  # the bundled CJK font, as in the window


def test_demo_data_folders_skip_the_wizard(demo_workspace, recorder, start_inspection):
    assert needs_first_run(demo_workspace)  # a roster alone is not a set-up laptop…
    start_inspection()
    assert not needs_first_run(demo_workspace)  # …but one with inspections (demo-data, old versions) is


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_subtitle_whole_at_font_size_16(qtbot, fresh, lang):
    """The wizard's header shows two lines of subtitle and no more: at font size 16 the wizard is wide enough
    that every page's subtitle wraps into two (in English they were cut off mid-sentence at 640 px)."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QFont

    from inspector_app.core.i18n import set_language
    from inspector_app.gui.first_run import SUBTITLE_MARGINS

    before = language()
    set_language(lang)
    try:
        wizard = FirstRunWizard(fresh)
        qtbot.addWidget(wizard)
        font = QFont(wizard.font())
        font.setPointSize(16)
        wizard.setFont(font)
        wizard.resize(wizard.fitting_size())
        metrics = wizard.fontMetrics()
        room = wizard.width() - SUBTITLE_MARGINS
        for page in wizard.pageIds():
            subtitle = wizard.page(page).subTitle()
            lines = metrics.boundingRect(QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, subtitle).height()
            assert lines <= 2 * metrics.lineSpacing(), subtitle
    finally:
        set_language(before)
