"""The measured value of an item with a threshold (满意度 87% against ≥ 90%, 学习 1 次 of 2 a month), typed where
the count goes, and for a monthly rule the month checked (this month or one of the two before: a March book
checked on 2 April is March's). Hidden for other items. What it means is worked out by the scoring module
(scoring/measured.py) and shown in the page's preview before Enter records it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from inspector_app.core.checklists.models import Item
from inspector_app.core.i18n import language, tr
from inspector_app.core.scoring.measured import LARGEST


def recent_months(today: date, count: int = 3) -> list[str]:
    """YYYY-MM of `today`'s month and the `count - 1` before it, newest first."""
    year, month, months = today.year, today.month, []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


class MeasuredValue:
    """Metric label, value field, unit, and the month for a monthly rule, in `widget` (a plain QWidget)."""

    def __init__(self, parent: QWidget | None = None):
        self.widget = QWidget(parent)
        self.metric = QLabel()
        self.value = QLineEdit()
        self.value.setValidator(QDoubleValidator(0.0, LARGEST, 2, self.value))
        self.value.setPlaceholderText(tr("measured value"))
        self.value.setAccessibleName(tr("Measured value"))
        self.value.setMaximumWidth(self.value.fontMetrics().horizontalAdvance("0" * 9))
        self.unit = QLabel()
        self.month_label = QLabel(tr("Month checked"))
        self.month = QComboBox()
        self.month.setAccessibleName(tr("Month checked"))
        self.month_label.setBuddy(self.month)
        self.metric.setBuddy(self.value)
        self.metric.setWordWrap(True)  # the metric and what is required over the fields: long in English
        rows = QVBoxLayout(self.widget)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.addWidget(self.metric)
        row = QHBoxLayout()
        for widget in (self.value, self.unit):
            row.addWidget(widget)
        row.addSpacing(12)
        row.addWidget(self.month_label)
        row.addWidget(self.month)
        row.addStretch(1)
        rows.addLayout(row)
        self.item: Item | None = None

    def show_item(self, item: Item | None, today: date) -> None:
        """Shown for a measured item (its first threshold), the month offered for a monthly rule."""
        self.item = item if item is not None and item.measured else None
        self.widget.setVisible(self.item is not None)
        self.value.clear()
        if self.item is None:
            return
        threshold = self.item.thresholds[0]
        op = threshold.op.replace(">=", "≥").replace("<=", "≤")
        self.metric.setText(f"{threshold.metric.get(language())} ({op} {threshold.value:g}{threshold.unit})")
        self.unit.setText(threshold.unit)
        monthly = self.item.period == "month"
        self.month_label.setVisible(monthly)
        self.month.setVisible(monthly)
        self.month.clear()
        if monthly:
            self.month.addItems(recent_months(today))

    def values(self) -> dict[int, float] | None:
        """The value typed (threshold 0), or None when the field is empty (the entry is then a plain count)."""
        text = self.value.text().strip().replace(",", ".")
        if self.item is None or not text:
            return None
        try:
            return {0: float(text)}
        except ValueError:
            return None

    def period(self) -> str | None:
        return self.month.currentText() or None if self.item is not None and self.item.period == "month" else None

    def reset(self) -> None:
        self.value.clear()
        if self.month.count():
            self.month.setCurrentIndex(0)
