"""Chinese line breaking for the documents' paragraphs (reportlab's `wordWrap="CJK"`), after the rules of
Chinese typesetting (标点避头尾): no line starts with a closing mark (，。、；：？！）》」…) and none ends with an
opening one (（《「…).

reportlab's own CJK split knows only some of the marks (the full-width comma, semicolon and colon are not
among them) and hangs one mark at most: a notice's line ended "（附件1）" past the margin and the next began
with "，". Here a line may still hang one closing mark in the margin, as printed Chinese does; when more
than one would start the next line, the line gives its last character to the next one instead (推入), so
the next line starts with a character that may start it. `install()` puts this split in reportlab's place
(once; the documents' styles call it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from reportlab.lib import textsplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import paragraph
from reportlab.rl_config import _FUZZ

CANNOT_START = textsplit.ALL_CANNOT_START + "，；：？！”’…）》」』〉】〕％·"
CANNOT_END = textsplit.ALL_CANNOT_END + "“‘（《「『〈【〔"

_installed: list[bool] = []


def install() -> None:
    """Use these splits for every CJK-wrapped paragraph from now on (paragraph.py calls both by their names
    in its own module)."""
    if not _installed:
        paragraph.cjkFragSplit = cjk_split
        paragraph.wordSplit = word_split
        _installed.append(True)


def _may_not_start(char: str) -> bool:
    return bool(char) and char in CANNOT_START  # "" (an image or a break) may start a line


def _may_not_end(char: str) -> bool:
    return bool(char) and char in CANNOT_END


def _inside_word(before: str, after: str) -> bool:
    """Between two Latin letters or digits: a word or a number (2026, A3) is not cut."""
    return bool(before) and bool(after) and before.isascii() and after.isascii() and before.isalnum() \
        and after.isalnum()


def break_before(chars: Sequence[str], start: int, at: int) -> int:
    """Where a line from `start` that would end before `at` ends instead: moved back while `chars[at]` may
    not start a line, `chars[at - 1]` may not end one or the break cuts a word; `at` itself when no place
    after the line's first character will do (a very long word)."""
    moved = at
    while moved > start + 1 and moved < len(chars) and not _may_break(chars, moved):
        moved -= 1
    if moved > start + 1:
        return moved
    # Nowhere after the line's second character: after its first, rather than start the next line with a
    # closing mark or end this one with an opening mark ("整整，" + "，，" at three a line: "整" + "整，，，").
    if at < len(chars) and (_may_not_start(chars[at]) or _may_not_end(chars[at - 1])) \
            and _may_break(chars, start + 1):
        return start + 1
    return at


def _may_break(chars: Sequence[str], at: int) -> bool:
    """A line may end before `chars[at]`: it does not start with a closing mark, the line before does not end
    with an opening one, and no word or number is cut."""
    return not (_may_not_start(chars[at]) or _may_not_end(chars[at - 1]) or _inside_word(chars[at - 1], chars[at]))


def _lines(chars: Sequence[str], width: Callable[[int, float], float], max_widths: Sequence[float],
           breaks: Callable[[int], bool]) -> list[tuple[int, int, float, float, bool]]:
    """Each line as (start, end, width used, its maximum width, ends at a forced break), filled greedily, a
    closing mark hanging in the margin when it alone would start the next line, else moved back by
    `break_before`; `breaks(i)`: the character at i is a forced line break (<br/>)."""
    lines: list[tuple[int, int, float, float, bool]] = []
    start, count = 0, len(chars)
    while start < count:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used, end, forced = 0.0, start, False
        while end < count:
            advance = width(end, max_width)
            if used + advance > max_width + _FUZZ and end > start:
                break
            used += advance
            end += 1
            if breaks(end - 1):
                forced = True
                break
        if end < count and not forced:
            if _may_not_start(chars[end]) and (end + 1 >= count or not _may_not_start(chars[end + 1])) \
                    and not _may_not_end(chars[end - 1]):
                used += width(end, max_width)  # one closing mark hangs in the margin
                end += 1
            else:
                moved = break_before(chars, start, end)
                if moved != end:
                    used -= sum(width(index, max_width) for index in range(moved, end))
                    end = moved
        lines.append((start, end, used, max_width, forced))
        start = end
    return lines


def cjk_split(frags: list, max_widths: list[float], calc_bounds: bool, encoding: str = "utf8") -> Any:
    """reportlab's `cjkFragSplit` (paragraphs of several styles) with the rules above; same result type."""
    glyphs = []
    for frag in frags:
        text = frag.text.decode(encoding) if isinstance(frag.text, bytes) else frag.text
        glyphs.extend([paragraph.cjkU(char, frag, encoding) for char in text] if text
                      else [paragraph.cjkU(text, frag, encoding)])

    def width(index: int, max_width: float) -> float:
        advance = glyphs[index].width
        if hasattr(advance, "normalizedValue"):
            advance._normalizer = max_width
            advance = advance.normalizedValue(max_width)
        return advance

    lines = [paragraph.makeCJKParaLine(glyphs[start:end], max_width, used, max_width - used, forced, calc_bounds)
             for start, end, used, max_width, forced in
             _lines(glyphs, width, max_widths, lambda index: hasattr(glyphs[index].frag, "lineBreak"))]
    return paragraph.ParaLines(kind=1, lines=lines)


def word_split(text: str | bytes, max_widths: float | Sequence[float], font_name: str, font_size: float,
               encoding: str = "utf8") -> list[tuple[float, str]]:
    """reportlab's `wordSplit` (paragraphs of one style) with the rules above: [(space left, line text)].

    A table that runs over pages is laid out again at each page break, and a bulletin's tables repeat the same
    names and items on every row: the split of a text at a width is worked out once (a month's bulletin at a
    year's synthetic scale wraps 28,000 paragraphs, about a hundred distinct texts per column)."""
    if isinstance(text, bytes):
        text = text.decode(encoding)
    widths = tuple(max_widths) if isinstance(max_widths, (list, tuple)) else (max_widths,)
    return list(_split(text, widths, font_name, font_size))


@lru_cache(maxsize=4096)
def _split(text: str, max_widths: tuple[float, ...], font_name: str, font_size: float) -> tuple[tuple[float, str], ...]:
    advances = _advances(text, font_name, font_size)
    return tuple((max_width - used, text[start:end]) for start, end, used, max_width, _ in
                 _lines(text, lambda index, _max: advances[index], max_widths, lambda _index: False))


_char_widths: dict[tuple[str, float], dict[str, float]] = {}  # a registered face's metrics never change


def _advances(text: str, font_name: str, font_size: float) -> list[float]:
    """Each character's advance, measured once per face and size."""
    known = _char_widths.setdefault((font_name, font_size), {})
    for char in set(text).difference(known):
        known[char] = stringWidth(char, font_name, font_size)
    return [known[char] for char in text]
