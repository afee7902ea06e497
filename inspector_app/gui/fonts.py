"""The bundled CJK fonts installed into the application, with the style sheet for the chosen size.

Its own module so the main window and the first-run wizard can apply a new font size at once without importing
the app's start-up module (gui/app.py), which imports them.
"""

from __future__ import annotations

import threading

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from inspector_app.core.paths import resources_dir
from inspector_app.gui.style import style_sheet

FONT_FILE = "wqy-microhei.ttc"
_families: list[str] = []  # installed once per process: the UI font, the bundled face, the rare-character faces


def install_font(app: QApplication, point_size: int) -> list[str]:
    """Register the bundled CJK font (once) and use it after the platform's UI font, so Chinese always
    renders; also the place the font size setting takes effect."""
    if not _families:
        font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / FONT_FILE))
        _families.extend(QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else [])
        _families.extend(_rare_character_families())
        _families.insert(0, app.font().family())
    font = QFont(app.font())
    font.setFamilies(list(dict.fromkeys(_families)))
    font.setPointSize(point_size)
    app.setFont(font)
    app.setStyleSheet(style_sheet(point_size))  # its sizes follow the font; setting it again re-polishes all
    return _families


def _rare_character_families() -> list[str]:
    """The bundled faces for CJK Ext A–F (王𠮷, 欧阳𫖯), last in the family list so Qt falls back to them per
    character. They are decompressed once into the user's cache; until then (the first start) a background
    thread makes the copies and the next start uses them: the window never waits ~2 s for a rare name."""
    from inspector_app.core.font_files import FALLBACK_FILES, fallback_font_file

    families: list[str] = []
    missing = []
    for name in FALLBACK_FILES:
        path = fallback_font_file(name, create=False)
        if path is None:
            missing.append(name)
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        families.extend(QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else [])
    if missing:
        threading.Thread(target=lambda: [fallback_font_file(name) for name in missing], daemon=True,
                         name="font-cache").start()
    return families
