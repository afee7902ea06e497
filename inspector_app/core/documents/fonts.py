"""The bundled CJK font, registered with reportlab once per process.

Documents are printed in Chinese, so every piece of text uses WenQuanYi Micro Hei (bundled, Apache-2.0);
reportlab embeds only the glyphs used (a subset), so a PDF prints the same on any office computer. The
font has one weight: "bold" is the same face, emphasised by size or by stroking the outline.
"""

from __future__ import annotations

import threading

from inspector_app.core.paths import resources_dir

FONT = "WQYMicroHei"
# Full-width punctuation that must never begin a line in Chinese (reportlab's list has the Japanese set:
# it lacks ，；：！？ and the closing quotes, so a wrapped note could start a line with "，").
CANNOT_START_LINE = "，；：！？”’》〉」』】〕）"
FONT_FILE = "wqy-microhei.ttc"

_lock = threading.Lock()
_registered = False


def register_fonts() -> str:
    """Register the bundled font (idempotent, thread-safe); returns the regular font's name."""
    global _registered
    with _lock:
        if not _registered:
            from reportlab.lib.fonts import addMapping
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            path = str(resources_dir() / "fonts" / FONT_FILE)
            pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
            _chinese_line_breaking()
            for bold in (0, 1):  # <b> and <i> in paragraphs map to the one face instead of failing
                for italic in (0, 1):
                    addMapping(FONT, bold, italic, FONT)
            _registered = True
    return FONT


def _chinese_line_breaking() -> None:
    """Teach reportlab's CJK wrapping the Chinese punctuation rules.

    Both wrapping paths read a module global on every line: textsplit's (one-style paragraphs) and the
    copy paragraph.py imported (mixed styles), so both are extended.
    """
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (textsplit, paragraph):
        missing = "".join(ch for ch in CANNOT_START_LINE if ch not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START += missing
