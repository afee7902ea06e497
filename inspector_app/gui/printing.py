"""Printing issued PDFs from the window, with a preview (this PySide6 build has no QtPdf).

pdfium renders each page to an image; the images are painted onto the printer's pages, fitted to the
page and centred. Rendering a long document takes a moment, so callers run `render_pages` off the GUI
thread (QImage, unlike QPixmap, may be made there) and hand the images to `print_preview`.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QMarginsF, QRect, QSize, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr
from inspector_app.gui.context import GuiContext
from inspector_app.gui.messages import show_error
from inspector_app.gui.operations import Progress

PRINT_DPI = 200  # sharp enough for 9-point Chinese text on paper, ~7 MB per A4 page in memory


def render_pages(pdf_path: Path | str, dpi: int = PRINT_DPI) -> list[QImage]:
    """Every page of the PDF as an RGB image at `dpi`; an unreadable file is an AppError naming it."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(pdf_path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise AppError(tr("Cannot read {path}: {detail}", path=pdf_path, detail=exc)) from None
    images: list[QImage] = []
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=dpi / 72)
                picture = bitmap.to_pil().convert("RGB")
            finally:
                page.close()
            data = picture.tobytes("raw", "RGB")
            image = QImage(data, picture.width, picture.height, 3 * picture.width, QImage.Format.Format_RGB888)
            image = image.copy()  # own the pixels: `data` goes away with this loop
            image.setDotsPerMeterX(round(dpi / 0.0254))
            image.setDotsPerMeterY(round(dpi / 0.0254))
            images.append(image)
    finally:
        document.close()
    return images


def print_pdf(printer: QPrinter, pages: list[QImage]) -> None:
    """Paint the page images onto the printer, one per sheet of paper, fitted and centred."""
    painter = QPainter()
    if not painter.begin(printer):
        raise AppError(tr("The printer could not be started."))
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for number, image in enumerate(pages):
            if number:
                printer.newPage()
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(area.x() + (area.width() - size.width()) // 2,
                           area.y() + (area.height() - size.height()) // 2, size.width(), size.height())
            painter.drawImage(target, image)
    finally:
        painter.end()


def a4_printer(pages: list[QImage]) -> QPrinter:
    """A printer set up for the documents: A4, the orientation of the first page, the page as designed
    (the PDF already has its margins, so the paper is used edge to edge)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    landscape = bool(pages) and pages[0].width() > pages[0].height()
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation, QMarginsF(0, 0, 0, 0)))
    printer.setFullPage(True)
    return printer


def print_preview(parent: QWidget | None, pdf_path: Path | str, pages: list[QImage] | None = None,
                  title: str | None = None) -> QPrintPreviewDialog:
    """Show the print preview of an issued PDF (rendered now unless `pages` are given); returns the
    dialog after it closed."""
    images = pages if pages is not None else render_pages(pdf_path)
    printer = a4_printer(images)
    printer.setDocName(Path(pdf_path).stem)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(title or tr("Print preview: {name}", name=Path(pdf_path).name))
    dialog.setAccessibleName(tr("Print preview"))
    dialog.paintRequested.connect(lambda target: print_pdf(target, images))
    screen = parent.screen() if parent is not None else None
    if screen is not None:
        free = screen.availableGeometry().size()
        dialog.resize(QSize(min(1000, free.width() - 40), min(900, free.height() - 60)))
    dialog.exec()
    return dialog


def preview_async(ctx: GuiContext, parent: QWidget, pdf_path: Path | str, title: str | None = None,
                  extra: list[Path] | None = None) -> None:
    """Render `pdf_path` (and any `extra` PDFs after it, as one print job) on a worker thread, then show
    the preview on the GUI thread."""
    files = [Path(pdf_path), *(extra or [])]

    def work(progress: Progress) -> list[QImage]:
        pages: list[QImage] = []
        for done, file in enumerate(files):
            progress.check()
            pages += render_pages(file)
            progress.report(done + 1, len(files))
        return pages

    def show(pages: list[QImage]) -> None:
        if shiboken6.isValid(parent):
            print_preview(parent, files[0], pages, title)

    ctx.ops.run(tr("Preparing the print preview"), work, on_done=show,
                on_error=lambda message: show_error(parent if shiboken6.isValid(parent) else None, message))
