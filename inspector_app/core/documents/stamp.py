"""The visible signature printed on a signed sheet: who signed, when, and how to check it, also as a QR code.

The stamp is drawn with reportlab (the same fonts as the sheet, so every name prints) into a one-page PDF the
size of the box the sheet keeps free for it, and becomes the signature field's appearance: it is part of the
signed revision, so it cannot be changed without breaking the signature. Its verification line carries the
document number and the SHA-256 of the sheet's content (the unsigned revision, which the signed file starts
with byte for byte), so a paper copy can be matched to the stored file: `verify` prints the same digest.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from inspector_app.core.documents.fonts import (
    FONT,
    draw_text,
    register_fonts,
    text_width,
)
from inspector_app.core.i18n import tr_lang

STAMP_HEIGHT = 27 * mm
SHORT_DIGEST = 16  # hex digits printed; the QR code carries all 64
_FIRST_REVISION = re.compile(rb"%%EOF[\r\n]{0,2}")


@dataclass(frozen=True)
class StampText:
    """What the stamp says (already local time and language)."""

    signer: str
    staff_no: str
    issuer: str  # the office that enrolled the signer, or "" when self-signed
    signed_at: datetime  # aware
    number: str
    digest: str  # SHA-256 of the content, hex


def content_digest(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def first_revision(data: bytes) -> bytes:
    """The bytes of the document as it was before the first incremental update (the unsigned sheet)."""
    match = _FIRST_REVISION.search(data)
    return data[:match.end()] if match else data


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %z")


def stamp_lines(text: StampText, lang: str) -> list[str]:
    who = tr_lang(lang, "Digitally signed by {name} (staff no. {number})", name=text.signer, number=text.staff_no) \
        if text.staff_no else tr_lang(lang, "Digitally signed by {name}", name=text.signer)
    issuer = tr_lang(lang, "Certificate issued by {office}", office=text.issuer) if text.issuer else \
        tr_lang(lang, "Self-signed certificate (not enrolled by the office)")
    return [who, tr_lang(lang, "Signed at {time}", time=_when(text.signed_at)), issuer,
            tr_lang(lang, "Verify: No. {number} · SHA-256 {digest}", number=text.number,
                    digest=text.digest[:SHORT_DIGEST]),
            tr_lang(lang, "Check the file with: inspector-app verify FILE.pdf")]


def qr_payload(text: StampText) -> str:
    """Plain lines a phone shows as they are: number, full digest, signer, time (ISO 8601)."""
    staff = f" ({text.staff_no})" if text.staff_no else ""
    return (f"{text.number}\nSHA-256 {text.digest}\n{text.signer}{staff}\n"
            f"{text.signed_at.astimezone().isoformat(timespec='seconds')}")


def render_stamp(text: StampText, width: float, height: float = STAMP_HEIGHT, *, lang: str = "zh") -> bytes:
    """A one-page PDF of exactly `width` × `height` points: QR code on the left, the lines beside it."""
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), initialFontName=FONT)
    pad = 1.5 * mm
    canvas.setStrokeColor(colors.HexColor("#1F4E8C"))
    canvas.setLineWidth(0.8)
    canvas.roundRect(0.4, 0.4, width - 0.8, height - 0.8, 2 * mm)
    side = height - 2 * pad
    widget = QrCodeWidget(qr_payload(text), barLevel="M", barBorder=0)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, pad, pad)
    left = 2 * pad + side + 1 * mm
    room = width - left - pad
    lines = stamp_lines(text, lang)
    size = 8.5
    while size > 5.5 and max(text_width(line, FONT, size) for line in lines) > room:
        size -= 0.25
    step = (height - 2 * pad) / len(lines)
    canvas.setFillColor(colors.black)
    for index, line in enumerate(lines):
        if index == len(lines) - 1:
            canvas.setFillColor(colors.HexColor("#555555"))
        baseline = height - pad - step * index - (step + size * 0.7) / 2
        draw_text(canvas, left, baseline, line, FONT, size)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
