"""Photo thumbnails on screen (the entries table, the review): made off the GUI thread, kept in memory.

A table asks for a photo's pixmap while painting; the first time it gets None, and the photo is queued.
Queued photos are made together on a worker (ctx.ops, quiet: no progress bar for a few small PNGs) by the
core's screen_thumbnail, which also keeps them on disk (cache/thumbs) for the next start; `ready` then tells
the tables to repaint. Only the decoding of a few kilobytes of PNG happens on the GUI thread.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, QSize, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QAbstractItemView

from inspector_app.core.i18n import tr
from inspector_app.core.photos import screen_thumbnail
from inspector_app.gui.operations import Operations

THUMB_PX = 40  # made at this size; shown at ICON_PX (sharp on a 125 % scaled screen)
ICON_PX = 32
KEEP = 600  # pixmaps kept in memory (a few MB at most)


def show_thumbnails(view: QAbstractItemView) -> None:
    """Rows tall enough for a small thumbnail beside the text."""
    view.setIconSize(QSize(ICON_PX, ICON_PX))
    header = getattr(view, "verticalHeader", None)
    if header is not None:
        header().setDefaultSectionSize(max(header().defaultSectionSize(), ICON_PX + 4))


class Thumbnails(QObject):
    ready = Signal()  # some queued thumbnails were made: views repaint

    def __init__(self, ops: Operations, data_dir, px: int = THUMB_PX, parent: QObject | None = None):  # noqa: ANN001
        super().__init__(parent)
        self.ops, self.data_dir, self.px = ops, data_dir, px
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._queued: list[str] = []
        self._asked: set[str] = set()  # queued or being made, or unreadable: not asked again
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._make)

    def get(self, relative: str) -> QPixmap | None:
        """The photo's thumbnail when made; None (and queued) until then."""
        pixmap = self._pixmaps.get(relative)
        if pixmap is not None:
            self._pixmaps.move_to_end(relative)
            return pixmap
        if relative not in self._asked:
            self._asked.add(relative)
            self._queued.append(relative)
            self._timer.start(0)  # one worker call for everything a repaint asked for
        return None

    def _make(self) -> None:
        batch, self._queued = self._queued, []
        if not batch:
            return
        data_dir, px = self.data_dir, self.px

        def work(progress) -> list[tuple[str, bytes | None]]:  # noqa: ANN001
            return [(relative, screen_thumbnail(data_dir, relative, px)) for relative in batch]

        self.ops.run(tr("Photo thumbnails"), work, on_done=self._made, on_error=lambda _message: None, quiet=True)

    def _made(self, results: list[tuple[str, bytes | None]]) -> None:
        for relative, png in results:
            if png is None:
                continue  # unreadable or missing: stays asked, the table shows the word only
            pixmap = QPixmap()
            if pixmap.loadFromData(png, "PNG"):
                self._pixmaps[relative] = pixmap
                self._asked.discard(relative)
        while len(self._pixmaps) > KEEP:
            self._pixmaps.popitem(last=False)
        self.ready.emit()
