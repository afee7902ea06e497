"""The fonts documents print with, and the per-character fallback that makes every name print.

The main face is WenQuanYi Micro Hei (bundled, Apache-2.0); it has no character outside the Basic
Multilingual Plane and none of CJK Extension A, yet staff are named 王𠮷 or 欧阳𫖯. So every piece of text
is split into runs, each in the first face of a chain that has the character: the style's face, Micro Hei,
then two bundled Hanazono faces (GlyphWiki, Hanazono Font Licence; see resources/fonts/README.md) — Ext A
and the rare BMP ideographs (HanaMinA, subset) and Extensions B–F (HanaMinB). Those two are kept
xz-compressed and only opened when a document has such a character (~2 s, once per process).

A character no face has is never left out silently: the document is refused with the text and the
character named (UnprintableError). reportlab embeds only the glyphs used (a subset) in every case.
"""

from __future__ import annotations

import io
import lzma
import os
import sys
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from inspector_app.core.errors import StateError
from inspector_app.core.font_files import (
    FALLBACK_FILES,
    KAI,
    PACKED_FILES,
    SONG,
    fallback_font_file,
)
from inspector_app.core.i18n import tr
from inspector_app.core.paths import resources_dir

FONT = "WQYMicroHei"
# Full-width punctuation that must never begin a line in Chinese (reportlab's list has the Japanese set:
# it lacks ，；：！？ and the closing quotes, so a wrapped note could start a line with "，").
FONT_FILE = "wqy-microhei.ttc"
# nothing to draw: line breaks and tabs are layout, variation selectors and zero-width marks pick or join
# glyphs (reportlab cannot apply them: the base character prints)
_INVISIBLE = frozenset("\n\r\t\u200b\u200c\u200d\u2060\ufeff") | frozenset(map(chr, range(0xFE00, 0xFE10)))

_lock = threading.Lock()
_registered = False
_fallbacks_loaded = False
_cmaps: dict[str, dict[int, int]] = {}


class UnprintableError(StateError):
    """A document would print a character no bundled font has: it is refused rather than printed with a gap."""

    def __init__(self, text: str, char: str, what: str = ""):
        self.text, self.char = text, char
        code = f"U+{ord(char):04X}"
        if what:
            message = tr("Cannot print {what}: no font has the character “{char}” ({code}). Nothing was issued; "
                         "check how the text is written (for a name: in the roster).",
                         what=what, char=char, code=code)
        else:
            message = tr("Cannot print “{text}”: no font has the character “{char}” ({code}). Nothing was issued; "
                         "check how the text is written (for a name: in the roster).",
                         text=_context(text, char), char=char, code=code)
        super().__init__(message)


def _context(text: str, char: str, reach: int = 12) -> str:
    at = text.find(char)
    start, end = max(0, at - reach), at + reach
    return ("…" if start else "") + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")


def register_fonts() -> str:
    """Register the bundled main font (idempotent, thread-safe); returns its name."""
    global _registered
    with _lock:
        if not _registered:
            from reportlab.pdfbase.ttfonts import TTFont

            path = str(resources_dir() / "fonts" / FONT_FILE)
            _register(TTFont(FONT, path, subfontIndex=0))
            _chinese_line_breaking()
            _unicode_beyond_the_bmp()
            _registered = True
    return FONT


def register_face(name: str, path: str, subfont: int = 0) -> bool:
    """Register an extra face (a Windows font) under `name`; False when it cannot be read or embedded."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    register_fonts()
    with _lock:
        if name in _cmaps:
            return True
        try:
            _register(TTFont(name, path, subfontIndex=subfont))
        except (TTFError, OSError, ValueError, KeyError, IndexError):
            return False
    return name in pdfmetrics.getRegisteredFontNames()


def _register(font: object) -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    pdfmetrics.registerFont(font)
    name = font.fontName  # type: ignore[attr-defined]
    _cmaps[name] = font.face.charToGlyph  # type: ignore[attr-defined]
    for bold in (0, 1):  # <b> and <i> in paragraphs map to the one face instead of failing
        for italic in (0, 1):
            addMapping(name, bold, italic, name)


def load_fallbacks() -> list[str]:
    """Open the two Hanazono faces (once per process); returns their names."""
    global _fallbacks_loaded
    register_fonts()
    if not _fallbacks_loaded:
        for name in FALLBACK_FILES:
            _bundled(name)
        _fallbacks_loaded = True
    return list(FALLBACK_FILES)


# GB/T 9704-2012 faces: Windows' own where present (C:\Windows\Fonts), else the bundled free fallbacks
ROLES = {  # role: (Windows file, face name when registered from it, bundled fallback)
    "fangsong": ("simfang.ttf", "FangSong", KAI),  # 仿宋: body text (楷体 the nearest free substitute)
    "hei": ("simhei.ttf", "SimHei", FONT),  # 黑体: first-level headings
    "kai": ("simkai.ttf", "KaiTi", KAI),  # 楷体: second-level headings
    "song": ("simsun.ttc", "SimSun", SONG),  # 宋体, stroked: the 小标宋-like title
}
_roles: dict[str, str] = {}


def system_fonts_dir() -> Path | None:
    """Windows' font folder (INSPECTOR_APP_FONTS_DIR overrides it, for tests and unusual installs)."""
    override = os.environ.get("INSPECTOR_APP_FONTS_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    return None


_LATIN_DOCUMENT: ContextVar[bool] = ContextVar("latin_document", default=False)


@contextmanager
def document_language(lang: str) -> Iterator[None]:
    """While an English document is made, every role is the main face: the 仿宋/楷体/宋体 faces (Windows' and the
    bundled ones alike) set Latin letters at a fixed width, a typewriter's page; the main face's Latin is
    proportional and it still has every Chinese character (names, departments) the document prints."""
    token = _LATIN_DOCUMENT.set(lang != "zh")
    try:
        yield
    finally:
        _LATIN_DOCUMENT.reset(token)


def face(role: str) -> str:
    """The registered face for a document role (fangsong / hei / kai / song): Windows' own font when it
    is installed and may be embedded, else the bundled free one; in an English document the main face."""
    register_fonts()
    if _LATIN_DOCUMENT.get():
        return FONT
    found = _roles.get(role)
    if found is None:
        windows_file, windows_name, bundled = ROLES[role]
        folder = system_fonts_dir()
        path = folder / windows_file if folder is not None else None
        if path is not None and path.is_file() and register_face(windows_name, str(path)):
            found = windows_name
        else:
            found = _bundled(bundled)
        _roles[role] = found
    return found


def _bundled(name: str) -> str:
    from reportlab.pdfbase.ttfonts import TTFont

    if name == FONT or name in _cmaps:
        return name
    with _lock:
        if name not in _cmaps:
            cached = fallback_font_file(name)
            if cached is not None:
                _register(TTFont(name, str(cached)))
            else:
                buffer = io.BytesIO(lzma.decompress((resources_dir() / "fonts" / PACKED_FILES[name]).read_bytes()))
                buffer.name = PACKED_FILES[name].removesuffix(".xz")
                _register(TTFont(name, buffer))
    return name


def covers_all(font: str, text: str) -> bool:
    """Whether `font` has a glyph for every character of `text` (one look-up table for the whole text: a
    bulletin's tables ask this of every short cell)."""
    register_fonts()
    cmap = _cmaps.get(font, {})
    return all(ord(char) in cmap for char in text)


def _chain(font: str) -> list[str]:
    return list(dict.fromkeys([font, FONT]))


def _face_for(char: str, font: str) -> str | None:
    code = ord(char)
    for name in _chain(font):
        if code in _cmaps.get(name, {}):
            return name
    load_fallbacks()
    for name in FALLBACK_FILES:
        if code in _cmaps[name]:
            return name
    return None


def runs(text: str, font: str = FONT, what: str = "") -> list[tuple[str, str]]:
    """`text` as (segment, face) runs, each in the first face of the chain that has its characters.

    Invisible marks are dropped; a character no face has raises UnprintableError (`what` names the
    person or field in the message)."""
    register_fonts()
    primary = _cmaps.get(font, {})
    if all(ord(c) in primary for c in text):  # the common case: one run, no lookups
        return [(text, font)] if text else []
    out: list[tuple[str, str]] = []
    for char in text:
        if char in _INVISIBLE or 0xE0100 <= ord(char) <= 0xE01EF:
            if char in "\n\t":
                face = out[-1][1] if out else font
            else:
                continue
        elif ord(char) in primary:
            face = font
        else:
            found = _face_for(char, font)
            if found is None:
                if unicodedata.category(char) in ("Cf", "Mn", "Me"):  # a format or combining mark: no glyph
                    continue
                raise UnprintableError(text, char, what)
            face = found
        if out and out[-1][1] == face:
            out[-1] = (out[-1][0] + char, face)
        else:
            out.append((char, face))
    return out


def require_printable(texts: Iterable[tuple[str, str]], font: str = FONT) -> None:
    """Check (what, text) pairs before a document is laid out: the first unprintable one is refused by name."""
    for what, text in texts:
        if text:
            runs(text, font, what)


def require_printable_entries(entries: Iterable[object]) -> None:
    """The persons charged and the notes of an inspection's entries (objects with .who, .note, .item_code)."""
    checks: list[tuple[str, str]] = []
    for number, entry in enumerate(entries, start=1):
        who, code = getattr(entry, "who", ""), getattr(entry, "item_code", "")
        checks.append((tr("the person charged in entry {n} ({code}), {name}", n=number, code=code, name=who), who))
        checks.append((tr("the note of entry {n} ({code})", n=number, code=code), getattr(entry, "note", "")))
    require_printable(checks)


def text_width(text: str, font: str, size: float) -> float:
    """The width of `text` drawn with its fallback runs."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(segment, face, size) for segment, face in runs(text, font))


def draw_text(canvas: object, x: float, y: float, text: str, font: str, size: float, anchor: str = "start",
              render_mode: int | None = None) -> float:
    """Draw one line at (x, y) run by run (anchor start / middle / end); returns its width."""
    width = text_width(text, font, size)
    x -= {"start": 0.0, "middle": width / 2, "end": width}[anchor]
    out = canvas.beginText(x, y)  # type: ignore[attr-defined]
    if render_mode is not None:
        out.setTextRenderMode(render_mode)
    for segment, face in runs(text, font):
        out.setFont(face, size)
        out.textOut(segment)
    canvas.drawText(out)  # type: ignore[attr-defined]
    return width


def _chinese_line_breaking() -> None:
    """Chinese punctuation rules for reportlab's CJK wrapping (core/documents/cjk_lines.py)."""
    from inspector_app.core.documents import cjk_lines

    cjk_lines.install()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap with characters beyond the BMP written as UTF-16 surrogate pairs: its own
    writes 4 hex digits, so 𠮷 (U+20BB7) would be copied and searched as ₻ (U+20BB) — the name printed
    right but read back wrong by every text extractor and screen reader."""

    def utf16(code: int) -> str:
        if code < 0x10000:
            return f"{code:04X}"
        code -= 0x10000
        return f"{0xD800 + (code >> 10):04X}{0xDC00 + (code & 0x3FF):04X}"

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


def _unicode_beyond_the_bmp() -> None:
    from reportlab.pdfbase import ttfonts

    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
