"""Texts the GUI translates through variables (page names, the shortcut sheet) have Chinese too."""

from inspector_app.core.i18n import catalog
from inspector_app.gui.main_window import PAGES
from inspector_app.gui.shortcuts import SHORTCUTS


def test_page_names_and_shortcut_descriptions_are_translated():
    zh = catalog("zh")
    missing = [text for text in [*PAGES, *(description for _, description in SHORTCUTS)] if text not in zh]
    assert not missing, missing
