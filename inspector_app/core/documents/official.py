"""Official documents (公文) after GB/T 9704-2012: the page, the faces, the letterhead, the seal block, 版记.

The standard's A4 page: top margin 37 mm, left 28 mm, a text block of 156 × 225 mm; 仿宋 3号 (16 pt) body,
黑体 first-level and 楷体 second-level headings, a 小标宋 2号 (22 pt) title; the issuer in red over a red rule
with the register number (发文字号) between them; the page number "— 1 —" in 4号 at the foot, right on odd
pages and left on even ones; 版记 (抄送, 印发) between rules at the end. Windows' own FangSong / SimHei /
KaiTi / SimSun are used where installed, the bundled free faces otherwise (fonts.face). Tables, which the
standard leaves open, are set in 仿宋 12 pt so a notice with many problems stays readable.

PDFs are rendered reproducibly from their issue time (no wall-clock time, no random id inside), so a
reprint can prove it is the registered document before it is marked 补打.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from inspector_app.core.documents.fonts import draw_text, face, register_fonts
from inspector_app.core.documents.layout import (
    BoldLine,
    latin_or_cjk,
    long_date,
    markup,
)
from inspector_app.core.i18n import tr_lang

PAGE_WIDTH, PAGE_HEIGHT = A4
TOP = 37 * mm
LEFT = 28 * mm
BLOCK_WIDTH = 156 * mm
BLOCK_HEIGHT = 225 * mm
BOTTOM = PAGE_HEIGHT - TOP - BLOCK_HEIGHT  # 35 mm
RED = colors.HexColor("#D40000")
GRID = colors.HexColor("#333333")
BODY_SIZE = 15.75  # 3号: 28 characters fill the 156 mm line
LINE = 28.9  # 22 lines to the 225 mm block
TABLE_SIZE = 12  # 小四


def official_styles() -> dict[str, ParagraphStyle]:
    """Styles in the document roles' faces (Windows fonts or the bundled ones; the main face in English)."""
    register_fonts()
    return _official_styles(face("fangsong"), face("hei"), face("kai"))


@lru_cache(maxsize=4)
def _official_styles(fangsong: str, hei: str, kai: str) -> dict[str, ParagraphStyle]:

    def style(name: str, font: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **extra)

    return {
        "addressee": style("o-addressee", fangsong, BODY_SIZE, LINE),
        "body": style("o-body", fangsong, BODY_SIZE, LINE, firstLineIndent=2 * BODY_SIZE, alignment=TA_JUSTIFY),
        "h1": style("o-h1", hei, BODY_SIZE, LINE, firstLineIndent=2 * BODY_SIZE),
        "h2": style("o-h2", kai, BODY_SIZE, LINE, firstLineIndent=2 * BODY_SIZE),
        "annex_note": style("o-annex-note", fangsong, BODY_SIZE, LINE, leftIndent=5 * BODY_SIZE,
                            firstLineIndent=-3 * BODY_SIZE),
        "cell": style("o-cell", fangsong, TABLE_SIZE, 16),
        "cell_center": style("o-cell-c", fangsong, TABLE_SIZE, 16, alignment=TA_CENTER),
        "head": style("o-head", hei, TABLE_SIZE, 16, alignment=TA_CENTER),
        "colophon": style("o-colophon", fangsong, 14, 20, leftIndent=14, firstLineIndent=0),
        "small": style("o-small", fangsong, 10.5, 14),
    }


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """Plain text in an official style, each rare character in the face that has it; English text wraps
    between words, Chinese between characters."""
    plain = str(text)
    return Paragraph(markup(plain, style.fontName), latin_or_cjk(plain, style))


def title(text: str) -> BoldLine:
    """The 小标宋-like title: 宋体 22 pt, stroked, centred."""
    return BoldLine(text, 22, "center", space_after=12, font=face("song"))


def section_heading(text: str, size: float = BODY_SIZE, min_space: float = 35 * mm) -> BoldLine:
    """A 黑体 heading over a table, never left alone at the foot of a page."""
    return BoldLine(text, size, "left", space_after=4, min_space=min_space, font=face("hei"), stroke=False)


def heading(text: str, level: int = 1) -> Paragraph:
    return para(text, official_styles()["h1" if level == 1 else "h2"])


def issuer_name(hospital: str, office: str) -> str:
    """The issuing body as the letterhead and the signature name it: 示例医院 + 综合办公室, or the office alone when
    its name already begins with the hospital's (示例医院综合办公室 is not printed 示例医院示例医院综合办公室)."""
    return office if hospital and office.startswith(hospital) else f"{hospital}{office}"


def letterhead(issuer: str, number: str, reprint: str = "") -> list[Flowable]:
    """版头: the issuer in red, the register number, the red rule (and the 补打 note of a reprint)."""
    return [Letterhead(issuer, number, reprint)]


class Letterhead(Flowable):
    def __init__(self, issuer: str, number: str, reprint: str):
        super().__init__()
        self.issuer, self.number, self.reprint = issuer, number, reprint

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 34 * mm

    def draw(self) -> None:
        canvas = self.canv
        song, fangsong = face("song"), face("fangsong")
        size = 30.0
        while size > 16 and _width(self.issuer, song, size) > self.width:
            size -= 1
        canvas.saveState()
        canvas.setFillColor(RED)
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(size / 30)
        draw_text(canvas, self.width / 2, 20 * mm, self.issuer, song, size, "middle", render_mode=2)
        canvas.restoreState()
        draw_text(canvas, self.width / 2, 8 * mm, self.number, fangsong, BODY_SIZE, "middle")
        if self.reprint:
            canvas.saveState()
            canvas.setFillColor(RED)
            draw_text(canvas, self.width, 8 * mm, self.reprint, fangsong, 10.5, "end")
            canvas.restoreState()
        canvas.saveState()
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(1.2)
        canvas.line(0, 3 * mm, self.width, 3 * mm)
        canvas.restoreState()


def _width(text: str, font: str, size: float) -> float:
    from inspector_app.core.documents.fonts import text_width

    return text_width(text, font, size)


def seal_block(issuer: str, issued: date, lang: str) -> Table:
    """发文机关署名 and 成文日期 at the right, room for the seal over them (kept with the body's last lines)."""
    s = official_styles()
    right = ParagraphStyle("o-sign", parent=s["addressee"], alignment=TA_CENTER)
    rows = [[para(tr_lang(lang, "(seal)"), ParagraphStyle("o-seal", parent=s["small"], alignment=TA_CENTER,
                                                          textColor=colors.HexColor("#999999")))],
            [para(issuer, right)], [para(long_date(issued, lang), right)]]
    block = Table(rows, colWidths=[72 * mm], rowHeights=[14 * mm, None, None])
    block.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), face("fangsong")), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    outer = Table([["", block]], colWidths=[BLOCK_WIDTH - 72 * mm - 4 * mm, 72 * mm + 4 * mm])
    outer.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), face("fangsong")),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm)]))
    return outer


class AtFoot(Flowable):
    """A flowable set at the foot of the page it ends on (版记 sits at the bottom of the last page, GB/T 9704),
    at least `gap` below the text before it; when that does not fit it goes to the foot of a new page."""

    def __init__(self, inner: Flowable, gap: float = 8 * mm):
        super().__init__()
        self.inner, self.gap = inner, gap

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        _, inner_height = self.inner.wrap(available_width, available_height)
        needed = inner_height + self.gap
        self.width, self.height = available_width, max(needed, available_height)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return []  # never split: the whole 版记 moves to the next page

    def draw(self) -> None:
        self.inner.drawOn(self.canv, 0, 0)


def colophon(copy_to: str, issuer: str, issued: date, lang: str) -> AtFoot:
    """版记: 抄送 and 印发 between a heavy rule, a thin one and a heavy one, at the foot of the last page."""
    s = official_styles()
    rows: list[list[object]] = []
    if copy_to:
        rows.append([para(tr_lang(lang, "Copy to: {names}.", names=copy_to), s["colophon"])])
    printed = tr_lang(lang, "{issuer}    issued {date}", issuer=issuer, date=long_date(issued, lang))
    rows.append([para(printed, s["colophon"])])
    table = Table(rows, colWidths=[BLOCK_WIDTH])
    commands: list[tuple] = [("FONTNAME", (0, 0), (-1, -1), face("fangsong")),
                             ("LINEABOVE", (0, 0), (-1, 0), 1.0, colors.black),
                             ("LINEBELOW", (0, -1), (-1, -1), 1.0, colors.black),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 4),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]
    if len(rows) > 1:
        commands.append(("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black))
    table.setStyle(TableStyle(commands))
    return AtFoot(table)


def ruled_table(header: Sequence[str], rows: Sequence[Sequence[object]], widths_mm: Sequence[float],
                centred: str = "", row_height: float | None = None) -> Table:
    """A ruled table in 仿宋 12 pt whose header row (黑体) repeats on every page; `centred` lists the columns
    (as digits) set in the middle."""
    s = official_styles()
    scale = BLOCK_WIDTH / sum(widths_mm)
    data: list[list[object]] = [[para(h, s["head"]) for h in header]]
    for row in rows:
        data.append([cell if isinstance(cell, Flowable) else
                     para(cell, s["cell_center"] if str(i) in centred else s["cell"]) for i, cell in enumerate(row)])
    heights = None if row_height is None else [None] + [row_height] * len(rows)
    table = Table(data, colWidths=[w * scale for w in widths_mm], rowHeights=heights, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), face("fangsong")),
        ("GRID", (0, 0), (-1, -1), 0.6, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


class _Stamp:
    """reportlab's timestamp, fixed to the document's issue time (reportlab's invariant mode fixes the rest)."""

    def __init__(self, moment: datetime):
        utc = moment.astimezone(timezone.utc)
        self.t = utc.timestamp()
        self.lt = utc.timetuple()
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"

    @property
    def datetime(self) -> datetime:
        return datetime(*self.YMDhms, tzinfo=timezone.utc)


def build_official_pdf(story: list[Flowable], *, title_text: str, number: str, author: str, created: datetime,
                       device_id: str, lang: str, watermark: bool = False, reprint: str = "") -> bytes:
    """Lay the story out on GB/T 9704 pages; the same story and `created` give the same bytes."""
    register_fonts()
    out = io.BytesIO()
    frame = Frame(LEFT, BOTTOM, BLOCK_WIDTH, BLOCK_HEIGHT, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0)

    def furniture(canvas: Canvas, doc: BaseDocTemplate) -> None:
        page = canvas.getPageNumber()
        text = f"— {page} —"
        song = face("song")
        y = BOTTOM - 12 * mm
        if page % 2:
            draw_text(canvas, LEFT + BLOCK_WIDTH - 14, y, text, song, 14, "end")
        else:
            draw_text(canvas, LEFT + 14, y, text, song, 14)
        if reprint:
            canvas.saveState()
            canvas.setFillColor(RED)
            draw_text(canvas, LEFT + BLOCK_WIDTH, PAGE_HEIGHT - TOP + 8 * mm, reprint, face("fangsong"), 10.5, "end")
            canvas.restoreState()
        if watermark:
            from inspector_app.core.documents.pages import _watermark

            _watermark(canvas)

    class FixedTimeCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            kwargs.update(invariant=1, initialFontName=face("fangsong"), lang="zh-CN" if lang == "zh" else "en")
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _Stamp(created)

    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=LEFT, rightMargin=PAGE_WIDTH - LEFT - BLOCK_WIDTH,
                          topMargin=TOP, bottomMargin=BOTTOM, title=f"{title_text} {number}", author=author,
                          subject=number, keywords=f"device:{device_id}", creator="inspector-app",
                          initialFontName=face("fangsong"))
    doc.addPageTemplates([PageTemplate("official", [frame], onPage=furniture)])
    doc.build(story, canvasmaker=FixedTimeCanvas)
    return out.getvalue()
