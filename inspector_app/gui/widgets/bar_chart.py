"""A horizontal bar chart painted with QPainter (QtCharts is not part of PySide6-Essentials).

One bar per label, longest value scaled to the available width; labels use the widget's (the UI's) font,
so the chart follows the font size setting, and its size hint grows with the number of bars.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from inspector_app.core.i18n import tr

MARGIN = 8
GAP = 8  # between label, bar and value


def value_text(value: float) -> str:
    return f"{value:g}"


class BarChart(QWidget):
    """Horizontal bars of (label, value); `set_bars` replaces them and repaints."""

    # also on the class: Qt may ask a chart whose Python half is being torn down for its size (a style sheet
    # set on the application polishes every widget still alive)
    _bars: list[tuple[str, float]] = []  # noqa: RUF012 - never mutated, set_bars rebinds it

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._bars = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(tr("Bar chart"))

    def set_bars(self, bars: Sequence[tuple[str, float]]) -> None:
        self._bars = [(str(label), float(value)) for label, value in bars]
        # screen readers cannot see paint: describe the bars in words
        self.setAccessibleDescription("；".join(f"{label} {value_text(value)}" for label, value in self._bars))
        self.updateGeometry()
        self.update()

    def bars(self) -> list[tuple[str, float]]:
        return list(self._bars)

    def bar_count(self) -> int:
        return len(self._bars)

    # -- geometry -----------------------------------------------------------------------------------------
    def _row_height(self, tight: bool = False) -> int:
        return self.fontMetrics().height() + (2 if tight else 8)

    def _label_width(self) -> int:
        metrics = self.fontMetrics()
        return max((metrics.horizontalAdvance(label) for label, _ in self._bars), default=0)

    def _value_width(self) -> int:
        metrics = self.fontMetrics()
        return max((metrics.horizontalAdvance(value_text(value)) for _, value in self._bars), default=0)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        rows = max(1, len(self._bars))
        return QSize(self._label_width() + self._value_width() + 320, 2 * MARGIN + rows * self._row_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        rows = max(1, len(self._bars))
        # narrow enough for the summary page's side at 1024 px and font size 16: labels are elided to 40% of
        # the width and a value always keeps its room (a wider minimum scrolled the values out of sight)
        return QSize(min(self._label_width(), 60) + self._value_width() + 2 * (MARGIN + GAP) + 40,
                     2 * MARGIN + rows * self._row_height(tight=True))

    # -- painting -----------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        palette = self.palette()
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        area = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        if not self._bars:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, tr("No data"))
            return
        metrics = self.fontMetrics()
        label_width = min(self._label_width(), int(area.width() * 0.4))
        value_width = self._value_width()
        row = area.height() / len(self._bars)
        thickness = max(2.0, min(row - 4, metrics.height() * 1.2))
        bar_left = area.left() + label_width + GAP
        room = max(1.0, area.right() - bar_left - GAP - value_width)
        top = max((value for _, value in self._bars), default=0) or 1.0
        bar_colour = palette.color(QPalette.ColorRole.Highlight)
        for index, (label, value) in enumerate(self._bars):
            y = area.top() + index * row
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_width)
            painter.drawText(QRectF(area.left(), y, label_width, row),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
            length = room * max(0.0, value) / top
            painter.fillRect(QRectF(bar_left, y + (row - thickness) / 2, length, thickness), bar_colour)
            painter.drawText(QRectF(bar_left + length + GAP / 2, y, value_width + GAP, row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, value_text(value))
