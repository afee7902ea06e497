"""Render resources/icons/inspector-app.svg into the PNG sizes (window icon, Linux desktop entry) and the
Windows .ico. Run after changing the SVG: `.venv/bin/python packaging/make_icons.py` (the outputs are
committed, so a build does not need to run this)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - needed for painting
    renderer = QSvgRenderer(str(ICONS / "inspector-app.svg"))
    if not renderer.isValid():
        print("the SVG cannot be read", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(ICONS / f"inspector-app-{size}.png"))
    biggest = Image.open(ICONS / "inspector-app-256.png")
    biggest.save(ICONS / "inspector-app.ico", sizes=[(s, s) for s in SIZES])
    print(f"written: {', '.join(str(s) for s in SIZES)} px PNG and inspector-app.ico in {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
