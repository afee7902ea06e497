"""The settings page: saving validates, writes settings.json and announces it; a bad value saves nothing."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from inspector_app.core.i18n import tr
from inspector_app.core.settings import SETTINGS_FILE, load_settings
from inspector_app.gui.pages.settings_page import SettingsPage


@pytest.fixture
def pages_ctx(gui_workspace, make_ctx):  # noqa: F811 - settings need no inspections
    return make_ctx(gui_workspace)


@pytest.fixture
def page(qtbot, pages_ctx) -> SettingsPage:
    widget = SettingsPage(pages_ctx)
    qtbot.addWidget(widget)
    return widget


def test_shows_the_saved_settings(page, pages_ctx) -> None:
    settings = pages_ctx.ws.settings
    assert page.name.text() == settings.inspector.name == "测试督查员"
    assert page.staff_no.text() == settings.inspector.staff_no
    assert page.language.currentData() == settings.language == "zh"
    assert page.font_size.value() == settings.font_size
    assert page.photo_size.value() == settings.photo_max_px


def test_save_updates_the_workspace_and_the_file(qtbot, monkeypatch, tmp_path, page, pages_ctx) -> None:
    share = tmp_path / "share"
    share.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(share))
    page.browse_share_folder()
    page.name.setText("  王督查 ")
    page.staff_no.setText("W009")
    page.office.setText("门诊部")
    page.hospital.setText("示例市第二人民医院")
    page.language.setCurrentIndex(page.language.findData("en"))
    page.font_size.setValue(14)
    page.photo_size.setValue(2000)
    with qtbot.waitSignal(pages_ctx.changes.settings):
        page.save_button.click()
    settings = pages_ctx.ws.settings
    assert (settings.inspector.name, settings.inspector.staff_no, settings.inspector.office) == \
        ("王督查", "W009", "门诊部")
    assert (settings.hospital, settings.language, settings.font_size, settings.photo_max_px) == \
        ("示例市第二人民医院", "en", 14, 2000)
    assert settings.share_folder == str(share)
    on_disk = json.loads((pages_ctx.ws.data_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
    assert on_disk["inspector"]["name"] == "王督查" and on_disk["language"] == "en" and on_disk["font_size"] == 14
    assert load_settings(pages_ctx.ws.data_dir) == settings
    assert page.status.text() == tr("Settings saved.")


def test_too_long_name_saves_nothing(qtbot, page, pages_ctx) -> None:
    path = pages_ctx.ws.data_dir / SETTINGS_FILE
    before_file, before = path.read_bytes(), pages_ctx.ws.settings
    page.name.setText("张" * 65)
    page.font_size.setValue(20)
    with qtbot.assertNotEmitted(pages_ctx.changes.settings):
        assert page.save() is None
    box = page.findChild(QMessageBox, "errorMessage")
    assert box is not None and box.isVisible()
    assert tr("Inspector name") in box.text() and "64" in box.text()
    assert pages_ctx.ws.settings == before
    assert path.read_bytes() == before_file


def test_undo_changes_shows_the_saved_values_again(page, pages_ctx) -> None:
    page.name.setText("别人")
    page.font_size.setValue(22)
    page.refresh()
    assert page.name.text() == pages_ctx.ws.settings.inspector.name
    assert page.font_size.value() == pages_ctx.ws.settings.font_size
