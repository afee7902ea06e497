"""Photo thumbnails for the inspection sheet: a small captioned grid.

Photos are stored up to 1600 px; printing them at that size would make a sheet of forty photos weigh tens of
megabytes, so each is re-encoded small first. A photo file that is missing or unreadable (the data folder
copied without photos/, a damaged file) becomes a captioned gap — the sheet is still printed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Table

from inspector_app.core.documents.layout import (
    FRAME_WIDTH,
    GRID,
    para,
    plain_style,
    styles,
)
from inspector_app.core.i18n import tr_lang

COLUMNS = 4
THUMB_PX = 480  # ≈ 300 dpi at the printed size
BOX_HEIGHT = 32 * mm


def thumbnail(path: Path, width: float, height: float) -> Image | None:
    """A small JPEG of the photo fitted into width × height points, or None when it cannot be read."""
    from PIL import Image as PILImage
    from PIL import ImageOps, UnidentifiedImageError

    try:
        with PILImage.open(path) as original:
            picture = ImageOps.exif_transpose(original).convert("RGB")
            picture.thumbnail((THUMB_PX, THUMB_PX))
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=80)
            w, h = picture.size
    except (OSError, UnidentifiedImageError, ValueError, PILImage.DecompressionBombError):
        return None
    scale = min(width / w, height / h)
    out.seek(0)
    return Image(out, width=w * scale, height=h * scale)


def _captioned(picture: Flowable, caption: Flowable) -> Table:
    box = Table([[picture], [caption]], rowHeights=[BOX_HEIGHT + 2 * mm, None])
    box.setStyle(plain_style([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return box


def photo_grid(photos: Sequence[tuple[Path, str]], lang: str) -> tuple[Table | None, int]:
    """(grid of captioned thumbnails, how many could not be read); photos are (file, caption) pairs."""
    if not photos:
        return None, 0
    s = styles()
    cell_width = FRAME_WIDTH / COLUMNS
    cells: list[list[Flowable]] = []
    missing = 0
    for path, caption in photos:
        image = thumbnail(path, cell_width - 6 * mm, BOX_HEIGHT)
        if image is None:
            missing += 1
            picture: Flowable = para(tr_lang(lang, "(photo file missing)"), s["caption"])
        else:
            picture = image
        cells.append([picture, para(caption, s["caption"])])
    rows = []
    for start in range(0, len(cells), COLUMNS):
        chunk = cells[start:start + COLUMNS]
        rows.append([_captioned(picture, caption) for picture, caption in chunk] + [""] * (COLUMNS - len(chunk)))
    table = Table(rows, colWidths=[cell_width] * COLUMNS)
    style = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (-1, -1), "CENTER")]
    for index in range(len(cells)):
        row, column = divmod(index, COLUMNS)
        style.append(("BOX", (column, row), (column, row), 0.4, GRID))
    table.setStyle(plain_style(style))
    return table, missing
