"""A label whose new text does not re-lay out the whole window, unless it needs another line or more width.

A QLabel's setText tells its parent layout that its size may have changed, and the layouts up to the
window are worked out again before the next paint: on the record page, whose total, subtotals and preview
change at every entry, that relayout cost more than painting the changed labels (1.5–3 ms a label). Here
the label sits in a plain box without a layout, the box in the page's layout: a new text reaches the box
only (a layout request it handles itself), and the box changes its own size, so the page is laid out
again, only when the text needs another line (wrapped labels) or a wider box (one-line labels, which only
grow). Callers keep using `.label` as any QLabel; `.widget` goes into the layout.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QWidget

_FIT_ON = (QEvent.Type.LayoutRequest, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.FontChange,
           QEvent.Type.StyleChange, QEvent.Type.Polish)


class SteadyLabel(QObject):
    """`label` placed in `widget` (a box without a layout) that takes the label's size only when it must."""

    def __init__(self, label: QLabel):
        self.widget = QWidget()
        super().__init__(self.widget)
        self.label = label
        label.setParent(self.widget)
        self.widget.setAccessibleName(label.accessibleName())
        self.widget.installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.widget and event.type() in _FIT_ON:
            self.fit()
        return False

    def fit(self) -> None:
        """The box's size for the label's text: the same unless it needs another line or more width."""
        label, box = self.label, self.widget
        if label.geometry() != box.rect():
            label.setGeometry(box.rect())
        if label.wordWrap():  # its sizeHint (a layout of the text at a guessed width) is not needed here
            width = label.minimumSizeHint().width()
            height = label.heightForWidth(box.width()) if box.width() > 0 else label.sizeHint().height()
        else:
            hint = label.sizeHint()
            width, height = hint.width(), hint.height()
        width = max(width, box.minimumWidth())  # grows only: a shorter total keeps its room
        if width != box.minimumWidth():
            box.setMinimumWidth(width)
        if height > 0 and (box.minimumHeight(), box.maximumHeight()) != (height, height):
            box.setFixedHeight(height)
