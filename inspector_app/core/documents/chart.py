"""The bulletin's bar chart: points per department, drawn as vector graphics with the CJK font.

Horizontal bars, because department names are long and must be read, not rotated. Only departments that
lost points are drawn (a bar of zero says nothing), most points on top.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from inspector_app.core.documents.fonts import FONT, register_fonts, runs, text_width

BAR_COLOUR = colors.HexColor("#4A6FA5")
ROW_HEIGHT = 15  # points per bar
MAX_BARS = 20
LABEL_SIZE = 8.5
LABEL_CHARS = 16  # a longer department name is cut, so the bars keep most of the width


def points_chart(values: Sequence[tuple[str, float]], width: float, axis_title: str) -> Drawing | None:
    """A horizontal bar chart of (label, points), most first; None when nothing was deducted."""
    register_fonts()
    shown = sorted(((label, value) for label, value in values if value > 0), key=lambda lv: (-lv[1], lv[0]))
    shown = shown[:MAX_BARS]
    if not shown:
        return None
    shown.reverse()  # the chart draws the first category at the bottom
    labels = [label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…" for label, _ in shown]
    label_width = max(text_width(label, FONT, LABEL_SIZE) for label in labels) + 8
    height = ROW_HEIGHT * len(shown) + 44
    drawing = Drawing(width, height, initialFontName=FONT)  # else the renderer starts in Helvetica, never embedded
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 32  # room below for the tick labels, then the axis title under them
    chart.width, chart.height = width - label_width - 30, ROW_HEIGHT * len(shown)
    chart.data = [[value for _, value in shown]]
    chart.bars[0].fillColor = BAR_COLOUR
    chart.bars[0].strokeColor = None
    chart.barSpacing = 0
    chart.groupSpacing = 4
    chart.categoryAxis.categoryNames = [""] * len(labels)  # drawn below, run by run (a rare character's face)
    chart.categoryAxis.labels.fontName = FONT  # even an empty label sets a font: never the unembedded Helvetica
    chart.categoryAxis.visibleTicks = False
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.valueAxis.labelTextFormat = "%g"
    chart.barLabelFormat = "%g"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    step = chart.height / len(labels)
    for index, label in enumerate(labels):
        x = chart.x - 4 - text_width(label, FONT, LABEL_SIZE)
        y = chart.y + (index + 0.5) * step - LABEL_SIZE * 0.35
        for segment, face in runs(label, FONT):
            drawing.add(String(x, y, segment, fontName=face, fontSize=LABEL_SIZE))
            x += stringWidth(segment, face, LABEL_SIZE)
    # the axis title centred under the tick labels (at the right end it ran into the last one)
    drawing.add(String(chart.x + chart.width / 2, 4, axis_title, fontName=FONT, fontSize=7.5, textAnchor="middle",
                       fillColor=colors.HexColor("#555555")))
    return drawing
