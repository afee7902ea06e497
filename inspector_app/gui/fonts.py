"""The bundled CJK fonts installed into the application, with the style sheet for the chosen size.

Its own module so the main window and the first-run wizard can apply a new font size at once without importing
the app's start-up module (gui/app.py), which imports them.
"""

from __future__ import annotations

import threading

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from inspector_app.core.paths import resources_dir
from inspector_app.gui.style import restyle

FONT_FILE = "wqy-microhei.ttc"
_families: list[str] = []  # installed once per process: the UI font, the bundled face, the rare-character faces
_rare_installed: list[bool] = []
# ranges the bundled face has every character of (CJK Unified U+4E00–9FA5: all of GBK's; the punctuation
# 、。〃 and 々〆〇〈〉《》「」『』【】〒〓〔〕〖〗; full-width forms): a name made of these needs no rare face
# (tests/gui/test_quick_start.py checks the font file has them all)
BUNDLED_COVERS = ((0x4E00, 0x9FA5), (0x3000, 0x3003), (0x3005, 0x3017), (0xFF01, 0xFF5E))


def install_font(app: QApplication, point_size: int, rare: bool = True) -> list[str]:
    """Register the bundled CJK font (once) and use it after the platform's UI font, so Chinese always
    renders; also the place the font size setting takes effect. `rare=False` leaves the faces for rare
    characters (~25 ms) to a later call: the quick start's first screen, when nothing on it needs them.
    The style sheet goes on the widgets it styles (gui/style.py), never on the application."""
    if not _families:
        font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / FONT_FILE))
        _families.extend(QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else [])
        _families.insert(0, app.font().family())
    if rare and not _rare_installed:
        _families.extend(_rare_character_families())
        _rare_installed.append(True)
    font = QFont(app.font())
    font.setFamilies(list(dict.fromkeys(_families)))
    font.setPointSize(point_size)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    restyle(point_size)  # its sizes follow the font (on the widgets it styles, not the application)
    return _families


def _rare_character_families() -> list[str]:
    """The bundled faces for CJK Ext A–F (王𠮷, 欧阳𫖯), last in the family list so Qt falls back to them per
    character. They are decompressed once into the user's cache; until then (the first start) a background
    thread makes the copies and the next start uses them: the window never waits ~2 s for a rare name. The
    thread runs no import statement (font_files imports at its top, and is imported here, on the GUI thread,
    before the thread starts): PySide's import hook is not safe to run in a second thread while the GUI
    thread works (a segfault in shibokensupport's feature_import). Imported here rather than at the top: the
    quick start's first screen seldom needs these faces, and font_files' imports cost it ~18 ms."""
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


def needs_rare_faces(texts: str) -> bool:
    """Whether `texts` has a character the bundled CJK font lacks (王𠮷): checked on that one font file, without
    Qt's fallbacks. Call after install_font."""
    if len(_families) < 2:
        return True  # the bundled font is missing: take every face there is
    doubtful = {char for char in set(texts) if ord(char) >= 0x2E80
                and not any(low <= ord(char) <= high for low, high in BUNDLED_COVERS)}
    if not doubtful:  # the usual first screen: no need to open the font file (nor QRawFont's class) to know
        return False
    from PySide6.QtGui import QRawFont

    face = QRawFont.fromFont(QFont(_families[1]))
    return any(not face.supportsCharacter(ord(char)) for char in doubtful)
