"""The page itself: A4 frame, the running header, the footer with "第 x 页 共 y 页", the training watermark.

The page count is known only when the story has been laid out, so the canvas keeps every page until the
end (the two-pass "NumberedCanvas" pattern) and writes each footer then.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from inspector_app.core.documents.fonts import (
    FONT,
    draw_text,
    register_fonts,
    text_width,
)
from inspector_app.core.documents.layout import (
    BOTTOM_MARGIN,
    FRAME_WIDTH,
    MARGIN,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TOP_MARGIN,
)
from inspector_app.core.i18n import tr_lang

WATERMARK = "培训 / TRAINING"


def _watermark(canvas: Canvas) -> None:
    """Drawn over the content, translucent: a table's shading cannot hide it, and the text stays legible."""
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.14))
    canvas.setFont(FONT, 64)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(45)
    canvas.drawCentredString(0, -20, WATERMARK)
    canvas.restoreState()


def _numbered_canvas(number: str, lang: str, watermark: bool) -> type[Canvas]:
    """A canvas that keeps every page until the end, then writes the footer with the page count."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            kwargs["initialFontName"] = FONT  # the doc template passes None: Helvetica, never embedded
            kwargs["lang"] = "zh-CN" if lang == "zh" else "en"
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                if watermark:
                    _watermark(self)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            self.setFont(FONT, 8.5)
            self.setFillColor(MUTED)
            self.setStrokeColor(colors.HexColor("#999999"))
            self.setLineWidth(0.4)
            y = BOTTOM_MARGIN - 9 * mm
            self.line(MARGIN, y + 4 * mm, PAGE_WIDTH - MARGIN, y + 4 * mm)
            self.drawString(MARGIN, y, tr_lang(lang, "No. {number}", number=number))
            self.drawRightString(PAGE_WIDTH - MARGIN, y,
                                 tr_lang(lang, "Page {page} of {pages}", page=self._pageNumber, pages=total))
            self.restoreState()

    return NumberedCanvas


def _fit(text: str, width: float, size: float) -> str:
    """The text, cut with "…" to fit `width` (a running header must not run into its neighbour)."""
    if text_width(text, FONT, size) <= width:
        return text
    while text and text_width(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def _running_header(hospital: str, title: str) -> Callable[[Canvas, BaseDocTemplate], None]:
    """Pages after the first carry the hospital and the title in small print (the first has the title block)."""

    def later(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(MUTED)
        y = PAGE_HEIGHT - TOP_MARGIN + 8 * mm
        half = FRAME_WIDTH / 2 - 4 * mm
        draw_text(canvas, MARGIN, y, _fit(hospital, half, 8.5), FONT, 8.5)
        draw_text(canvas, PAGE_WIDTH - MARGIN, y, _fit(title, half, 8.5), FONT, 8.5, "end")
        canvas.setStrokeColor(colors.HexColor("#999999"))
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, y - 2.5 * mm, PAGE_WIDTH - MARGIN, y - 2.5 * mm)
        canvas.restoreState()

    return later


def build_pdf(story: list[Flowable], *, hospital: str, title: str, number: str, lang: str,
              watermark: bool = False, author: str = "") -> bytes:
    """Lay the story out on A4 pages and return the PDF's bytes."""
    register_fonts()
    out = io.BytesIO()

    def frame(name: str) -> Frame:  # no inner padding: tables, headings and the footer rule share one edge
        return Frame(MARGIN, BOTTOM_MARGIN, FRAME_WIDTH, PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN, id=name,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP_MARGIN,
                          bottomMargin=BOTTOM_MARGIN, title=f"{title} {number}", author=author, subject=number,
                          keywords=hospital, creator="inspector-app", initialFontName=FONT)
    doc.addPageTemplates([PageTemplate("first", [frame("first")], autoNextPageTemplate="later"),
                          PageTemplate("later", [frame("later")], onPage=_running_header(hospital, title))])
    doc.build(story, canvasmaker=_numbered_canvas(number, lang, watermark))
    return out.getvalue()
