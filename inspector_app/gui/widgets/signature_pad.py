"""A pad to sign on with a mouse, a finger or a pen; the drawing becomes a cropped PNG for the sheet.

Touch screens arrive as synthesized mouse events and pens as tablet events (accepted, so they are not
also delivered as mouse events). The pad takes no keyboard focus: drawing is optional, and the dialog
around it stays usable from the keyboard (the typed name is the fallback).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QTabletEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import tr
from inspector_app.gui.widgets.buttons import push_button

INK = QColor(20, 24, 60)  # blue-black, like a ballpoint
PEN_WIDTH = 2.6
MAX_PNG = QSize(800, 300)
MARGIN = 8


class SignatureCanvas(QWidget):
    """The drawing surface: every stroke is a QPainterPath in widget coordinates."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.strokes: list[QPainterPath] = []
        self._drawing = False
        self.setMinimumSize(320, 120)  # room to sign, at any font size (issue 17: at least 300×120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, False)  # touch comes in as mouse events
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("white"))
        self.setPalette(palette)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(420, 130)

    # -- input --------------------------------------------------------------------------------------------
    def _begin(self, point: QPointF) -> None:
        path = QPainterPath(point)
        path.lineTo(point + QPointF(0.01, 0.01))  # a tap leaves a dot
        self.strokes.append(path)
        self._drawing = True
        self.update()

    def _extend(self, point: QPointF) -> None:
        if self._drawing and self.strokes:
            self.strokes[-1].lineTo(point)
            self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position())
            self._end()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QTabletEvent.Type.TabletMove:
            self._extend(event.position())
        elif kind == QTabletEvent.Type.TabletRelease:
            self._extend(event.position())
            self._end()
        event.accept()  # no synthesized mouse event: the stroke is drawn once

    # -- drawing ------------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        guide = QPen(QColor(170, 170, 170), 1, Qt.PenStyle.DashLine)
        painter.setPen(guide)
        baseline = int(self.height() * 0.75)
        painter.drawLine(12, baseline, self.width() - 12, baseline)
        _draw(painter, self.strokes)
        painter.setPen(QColor(120, 120, 120))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))

    def clear(self) -> None:
        self.strokes.clear()
        self._drawing = False
        self.update()
        self.changed.emit()

    def bounds(self) -> QRectF:
        rect = QRectF()
        for stroke in self.strokes:
            rect = rect.united(stroke.boundingRect())
        return rect


def _draw(painter: QPainter, strokes: list[QPainterPath]) -> None:
    pen = QPen(INK, PEN_WIDTH, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for stroke in strokes:
        painter.drawPath(stroke)


class SignaturePad(QWidget):
    """The canvas with a caption and a Clear button; `to_png()` gives what the sheet prints."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.canvas = SignatureCanvas()
        self.canvas.setAccessibleName(name)
        self.canvas.setAccessibleDescription(tr("Draw the signature with the mouse, a finger or a pen"))
        self.setAccessibleName(name)
        self.clear_button = push_button(tr("Clear"), tr("Clear {what}", what=name), self.clear)
        self.clear_button.setEnabled(False)
        self.clear_button.setAutoDefault(False)  # Enter in the dialog must never wipe a signature
        self.canvas.changed.connect(self._changed)
        caption = QLabel(tr("Sign above the line"))
        caption.setObjectName("signatureCaption")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(caption, 1)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(row)

    def _changed(self) -> None:
        self.clear_button.setEnabled(not self.is_empty())
        self.changed.emit()

    def clear(self) -> None:
        self.canvas.clear()

    def is_empty(self) -> bool:
        return not self.canvas.strokes

    def to_png(self) -> bytes:
        """The strokes cropped to what was drawn (plus a margin), on a transparent background, at most
        800×300 pixels; empty bytes when nothing was drawn."""
        if self.is_empty():
            return b""
        area = self.canvas.bounds().adjusted(-MARGIN - PEN_WIDTH, -MARGIN - PEN_WIDTH, MARGIN + PEN_WIDTH,
                                             MARGIN + PEN_WIDTH)
        scale = min(1.0, MAX_PNG.width() / area.width(), MAX_PNG.height() / area.height())
        image = QImage(max(1, round(area.width() * scale)), max(1, round(area.height() * scale)),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        painter.translate(-area.topLeft())
        _draw(painter, self.canvas.strokes)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())
