"""What every printed document is built from: styles, the title block, ruled tables, signature lines.

Documents are handed to department heads, so they share one formal look: the hospital and the title on
top, ruled tables whose Chinese text wraps inside the cell (the header row repeated on every page), and
signature lines that stay blank when nobody has signed yet. The page furniture is in pages.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Image, Paragraph, Table, TableStyle

from inspector_app.core.documents.fonts import (
    FONT,
    covers_all,
    draw_text,
    register_fonts,
    runs,
    text_width,
)
from inspector_app.core.i18n import tr_lang

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
TOP_MARGIN = 22 * mm  # room for the running header of later pages
BOTTOM_MARGIN = 20 * mm  # room for the footer
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
GRID = colors.HexColor("#555555")
HEAD_FILL = colors.HexColor("#E6E6E6")
MUTED = colors.HexColor("#555555")


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles (shared: never change them); Chinese text wraps between any two characters."""
    register_fonts()

    def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=FONT, fontSize=size, leading=leading, wordWrap="CJK", **extra)

    return {
        "hospital": style("hospital", 13, 18, alignment=TA_CENTER),
        "intro": style("intro", 11, 19, firstLineIndent=22),
        "small": style("small", 8.5, 12, textColor=MUTED),
        "cell": style("cell", 9, 12),
        "cell_center": style("cell_center", 9, 12, alignment=TA_CENTER),
        "cell_right": style("cell_right", 9, 12, alignment=TA_RIGHT),
        "head": style("head", 9, 12, alignment=TA_CENTER),
        "label": style("label", 9.5, 13, textColor=MUTED),
        "value": style("value", 10, 13),
        "number": style("number", 9.5, 13, alignment=TA_RIGHT),
        "meta": style("meta", 9.5, 13),
        "caption": style("caption", 8, 10, alignment=TA_CENTER),
    }


_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")
_LETTER = re.compile("[A-Za-z]")
_LATIN: dict[str, ParagraphStyle] = {}


def wraps_as_latin(text: str) -> bool:
    """Whether text is set with Latin line breaking (between words): when it has more Latin letters than CJK
    characters — an English sentence naming 郭建军 or citing 《…》 wraps as English, a Chinese sentence with
    "PAdES" as Chinese. Chinese breaking would split English words and drop their spaces at line ends."""
    return len(_LETTER.findall(text)) > len(_CJK.findall(text))


def latin_or_cjk(text: str, style: ParagraphStyle) -> ParagraphStyle:
    """`style` for Chinese text, its word-wrapping twin for English text."""
    return _latin(style) if wraps_as_latin(text) else style


def _latin(style: ParagraphStyle) -> ParagraphStyle:
    """The style wrapping at spaces: CJK wrapping breaks anywhere, also inside English words."""
    found = _LATIN.get(style.name)
    if found is None or found.parent is not style:
        # justified English lines stretch around a long unbreakable run (〔2023〕13号): set it ragged-right
        alignment = TA_LEFT if style.alignment == TA_JUSTIFY else style.alignment
        found = _LATIN[style.name] = ParagraphStyle(style.name + "-latin", parent=style, wordWrap=None,
                                                    alignment=alignment)
    return found


def markup(text: str, font: str = FONT, what: str = "") -> str:
    """Paragraph markup for plain text: escaped (notes may contain < or &), newlines kept, and each run of
    characters the style's face lacks (王𠮷) set in the fallback face that has them."""
    parts = []
    for segment, face in runs(text, font, what):
        body = escape(segment).replace("\n", "<br/>")
        parts.append(body if face == font else f'<font face="{face}">{body}</font>')
    return "".join(parts)


def para(text: object, style: ParagraphStyle, what: str = "") -> Paragraph:
    """A paragraph of plain text; English text (English headings, item texts, sentences naming Chinese names)
    wraps between words. `what` names the person or field when a character cannot be printed."""
    plain = str(text)
    return Paragraph(markup(plain, style.fontName, what), latin_or_cjk(plain, style))


def excerpt(quote: str, limit: int | None = None) -> str:
    """A quote to print inside “…”: shortened to `limit` characters, without its closing full stop (the
    wrapping can hang one punctuation mark in the margin, not the two of "。”")."""
    text = quote.strip()
    if limit is not None and len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.rstrip("。；，;,. ")


def points(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def local_time(iso: str | None, *, with_date: bool = True) -> str:
    """'2026-03-05T10:03:00+08:00' → '2026-03-05 10:03' (the inspector's local time, as recorded)."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    return moment.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


def long_date(day: date, lang: str) -> str:
    """2026年3月5日 / 5 March 2026."""
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {day:%B} {day.year}"


def listing(items: Iterable[str], lang: str) -> str:
    """Names one after another: 甲、乙、丙 in Chinese, "A, B, C" in English."""
    return ("、" if lang == "zh" else ", ").join(items)


def month_text(month: str, lang: str) -> str:
    """'2026-03' → 2026年3月 / March 2026."""
    year, number = (int(part) for part in month.split("-"))
    return f"{year}年{number}月" if lang == "zh" else f"{date(year, number, 1):%B} {year}"


def mode_text(mode: str, lang: str) -> str:
    return tr_lang(lang, "Covert visit (暗访)") if mode == "covert" else tr_lang(lang, "Open inspection (明查)")


class BoldLine(Flowable):
    """One line of emphasised text (the font has no bold: the outline is stroked), shrunk to fit the width."""

    def __init__(self, text: str, size: float, align: str = "center", space_after: float = 4,
                 min_space: float = 0, font: str = FONT, stroke: bool = True):
        super().__init__()
        self.text, self.size, self.align, self.space_after = text, size, align, space_after
        self.min_space = min_space  # with less room left on the page, start the next page instead
        self.font, self.stroke = font, stroke
        runs(text, font)  # an unprintable character is refused now, not half-way through the layout

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        if available_height < self.min_space:
            return available_width, available_height + 1  # "does not fit": the frame moves on a page
        fitted = self.size
        while fitted > 8 and text_width(self.text, self.font, fitted) > available_width:
            fitted -= 0.5
        self.fitted = fitted
        return available_width, fitted * 1.35 + self.space_after

    def draw(self) -> None:
        canvas = self.canv
        x, anchor = {"center": (self.width / 2, "middle"), "left": (0.0, "start"),
                     "right": (self.width, "end")}[self.align]
        canvas.setLineWidth(self.fitted / 40)
        # fill + stroke: a faux bold that prints cleanly (a face with its own weight is drawn plain)
        draw_text(canvas, x, self.space_after + self.fitted * 0.3, self.text, self.font, self.fitted, anchor,
                  render_mode=2 if self.stroke else 0)


def heading(text: str) -> BoldLine:
    """A section heading; never alone at the foot of a page (keepWithNext would instead push a long table,
    heading and all, to the next page and leave this one empty)."""
    return BoldLine(text, 12, "left", space_after=3, min_space=35 * mm)


def plain_style(commands: Sequence[tuple]) -> TableStyle:
    """A table style in the bundled font (even an empty cell sets a font: the default is Helvetica,
    which would be the one font in the file that is not embedded)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def table_style(*extra: tuple) -> TableStyle:
    return plain_style([
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *extra,
    ])


def fit_widths(header: Sequence[str], widths_mm: Sequence[float], size: float,
               frame_width: float = FRAME_WIDTH) -> list[float]:
    """Column widths in proportion to `widths_mm`, filling the frame, but never narrower than the longest word
    of the column's heading (a heading broken mid-word — "Occurrenc/es", "序/号" — looks careless); the
    extra room is taken from the columns that have room to spare."""
    register_fonts()
    scale = frame_width / sum(widths_mm)
    widths = [w * scale for w in widths_mm]
    padding = 7
    need = [max(stringWidth(word, FONT, size) for word in (h.split() or [""])) + padding for h in header]
    short = sum(max(0.0, n - w) for n, w in zip(need, widths))
    spare = [max(0.0, w - n) for n, w in zip(need, widths)]
    if short and sum(spare) > short:
        widths = [max(w, n) - (s_ / sum(spare)) * short if w > n else n for n, w, s_ in zip(need, widths, spare)]
    return widths


_PLAIN_PADDING = 6  # the table's left + right cell padding (table_style)
_ALIGN = {"l": "LEFT", "c": "CENTER", "r": "RIGHT"}


def _cell(value: object, style: ParagraphStyle, width: float) -> object:
    """A short cell without spaces that fits its column and the main face has every character of (a number, a
    工号, a date, a name, a department) as a plain string: laying out a Paragraph costs far more, and a bulletin
    lists 2,000 staff (46 s → 10 s; names and departments too: 6.3 s → 5.1 s, the pages pixel for pixel the
    same); the rest wrap, and a rare character takes its fallback face in a Paragraph."""
    text = str(value)
    if (len(text) <= 24 and not any(c.isspace() for c in text)
            and covers_all(FONT, text)
            and stringWidth(text, FONT, style.fontSize) <= width - _PLAIN_PADDING):
        return text
    return para(text, style)


def data_table(header: Sequence[str], rows: Sequence[Sequence[object]], widths_mm: Sequence[float],
               align: str = "", empty: str = "", *extra: tuple, width: float = FRAME_WIDTH) -> Table:
    """A ruled table whose header row repeats on every page; `align` per column: l(eft) c(enter) r(ight).

    With no rows, one spanning row says `empty` (a table that just stops looks like a page went missing).
    """
    s = styles()
    by_code = {"l": s["cell"], "c": s["cell_center"], "r": s["cell_right"]}
    codes = [align[i] if i < len(align) else "l" for i in range(len(header))]
    column_styles = [by_code[code] for code in codes]
    widths = fit_widths(header, widths_mm, s["head"].fontSize, width)
    data: list[list[object]] = [[para(h, s["head"]) for h in header]]
    spans: list[tuple] = []
    for row in rows:
        data.append([cell if isinstance(cell, Flowable) else _cell(cell, column_styles[i], widths[i])
                     for i, cell in enumerate(row)])
    if not rows:
        data.append([para(empty, s["cell_center"])] + [""] * (len(header) - 1))
        spans.append(("SPAN", (0, 1), (-1, 1)))
    plain = [("FONTSIZE", (0, 1), (-1, -1), s["cell"].fontSize),
             *(("ALIGN", (i, 1), (i, -1), _ALIGN[code]) for i, code in enumerate(codes) if code != "l")]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(*plain, *spans, *extra))
    return table


def info_table(pairs: Sequence[tuple[str, str]], span_last: bool = False) -> Table:
    """Label/value pairs, two pairs to a row (the sheet's and notice's particulars)."""
    s = styles()
    cells = [(para(label, s["label"]), para(value, s["value"])) for label, value in pairs]
    rows = []
    for i in range(0, len(cells), 2):
        row = list(cells[i]) + (list(cells[i + 1]) if i + 1 < len(cells) else ["", ""])
        rows.append(row)
    extra: list[tuple] = []
    spanned = span_last and len(cells) % 2
    if spanned:
        extra.append(("SPAN", (1, len(rows) - 1), (3, len(rows) - 1)))
    last_label_row = len(rows) - (2 if spanned else 1)  # a spanned last row has no label in column 3
    label = 26 * mm
    widths = [label, FRAME_WIDTH / 2 - label, label, FRAME_WIDTH / 2 - label]
    table = Table(rows, colWidths=widths)
    table.setStyle(plain_style([
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL),
        ("BACKGROUND", (2, 0), (2, last_label_row), HEAD_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        *extra,
    ]))
    return table


def signature_image(path: Path | None, width: float = 42 * mm, height: float = 16 * mm) -> Image | None:
    """The signature PNG scaled to fit the box, or None when it cannot be read (the line stays blank)."""
    if path is None:
        return None
    try:
        from PIL import Image as PILImage

        with PILImage.open(path) as probe:
            w, h = probe.size
        scale = min(width / w, height / h)
        return Image(str(path), width=w * scale, height=h * scale)
    except (OSError, ValueError, ZeroDivisionError):
        return None


def signature_block(label: str, name: str, when: str, image: Image | None, lang: str,
                    name_label: str | None = None) -> Table:
    """One signature area: the label, the drawn signature on a line (or an empty line), name and date."""
    s = styles()
    line = image if image is not None else ""
    rows = [[para(label, s["label"]), line],
            [para(name_label or tr_lang(lang, "Name"), s["label"]), para(name, s["value"])],
            [para(tr_lang(lang, "Date"), s["label"]), para(when, s["value"])]]
    label_width = 30 * mm if lang == "zh" else 36 * mm  # "acknowledgement" is one word that must not break
    table = Table(rows, colWidths=[label_width, 80 * mm - label_width], rowHeights=[20 * mm, None, None])
    table.setStyle(plain_style([
        ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("ALIGN", (1, 0), (1, 0), "CENTER"),
        ("TOPPADDING", (0, 1), (-1, -1), 9),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def side_by_side(left: Flowable, right: Flowable) -> Table:
    table = Table([[left, right]], colWidths=[FRAME_WIDTH / 2, FRAME_WIDTH / 2])
    table.setStyle(plain_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def title_block(hospital: str, title: str, number: str, lang: str, extra: str = "") -> list[Flowable]:
    """The first page's top: hospital, document title, then the number on the right (`extra`, e.g. the
    issue date, on the left of the same line)."""
    s = styles()
    number_line = para(tr_lang(lang, "No. {number}", number=number), s["number"])
    line: Flowable = number_line
    if extra:
        line = Table([[para(extra, s["meta"]), number_line]], colWidths=[FRAME_WIDTH / 2] * 2)
        line.setStyle(plain_style([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [para(hospital, s["hospital"]), BoldLine(title, 19, space_after=6), line]
