"""The measured values of an item with thresholds (满意度 87% against ≥ 90%, 学习 1 次 of 2 a month), typed where
the count goes: one field per threshold, so an item with alternatives (三级 / 二级 hospitals, 本地患者 and 口腔科
rates) takes each value that applies and leaves the others empty. For a period rule, the period checked: a month
(this one or one of the two before: a March book checked on 2 April is March's), a quarter (this one or the one
before: a March check typed in April is Q1's) or a half year (this one or the one before). Hidden for other items. What the
values mean is worked out by the scoring module (scoring/measured.py) and shown in the preview before Enter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.checklists.models import Item, Threshold
from inspector_app.core.i18n import language, tr
from inspector_app.core.periods import landing_month, period_of
from inspector_app.core.scoring.measured import LARGEST

FIELDS = 3  # the most thresholds an item of the shipped checklists has is 2; one spare


def recent_months(today: date, count: int = 3) -> list[str]:
    """YYYY-MM of `today`'s month and the `count - 1` before it, newest first."""
    year, month, months = today.year, today.month, []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def recent_periods(kind: str, today: date) -> list[str]:
    """The period keys offered for a `kind` rule, newest first: three months, or two quarters or half years."""
    if kind == "month":
        return recent_months(today)
    first = period_of(kind, today)
    back = date(int(first[:4]), int(landing_month(first)[5:]), 1)  # the period's last month, then step back
    months = 3 if kind == "quarter" else 6
    year, month = back.year, back.month - months
    if month < 1:
        year, month = year - 1, month + 12
    return [first, period_of(kind, date(year, month, 1))]


def period_label(key: str) -> str:
    """2026年第1季度 / 2026 Q1, 2026年上半年 / 2026 H1: a period as the chooser shows it (a month as it is)."""
    if len(key) == 7 and key[5] == "Q":
        return tr("{year} Q{n}", year=key[:4], n=key[6])
    if len(key) == 7 and key[5] == "H":
        return tr("{year} first half", year=key[:4]) if key[6] == "1" else tr("{year} second half", year=key[:4])
    return key


CHOOSER = {"month": "Month checked", "quarter": "Quarter checked", "half-year": "Half year checked"}


def requirement(threshold: Threshold) -> str:
    """满意度 (≥ 90%): the metric and what is required."""
    op = threshold.op.replace(">=", "≥").replace("<=", "≤")
    lang = language()
    return f"{threshold.metric.get(lang)} ({op} {threshold.value:g}{threshold.unit_in(lang, threshold.value)})"


class _Field:
    """One threshold's row: what is required, the value, its unit."""

    def __init__(self, parent: QWidget) -> None:
        self.row = QWidget(parent)
        self.metric = QLabel()
        self.metric.setWordWrap(True)  # the metric and what is required: long in English
        self.value = QLineEdit()
        self.value.setValidator(QDoubleValidator(0.0, LARGEST, 2, self.value))
        self.value.setPlaceholderText(tr("measured value"))
        self.value.setAccessibleName(tr("Measured value"))
        self.value.setMaximumWidth(self.value.fontMetrics().horizontalAdvance("0" * 9))
        self.metric.setBuddy(self.value)
        self.unit = QLabel()
        layout = QHBoxLayout(self.row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.metric, 1)
        layout.addWidget(self.value)
        layout.addWidget(self.unit)


class MeasuredValue:
    """One value field per threshold of the item, and the period for a period rule, in `widget` (a plain
    QWidget). `changed` is called when a value changes; `key_filter` (Enter records) watches every field."""

    def __init__(self, parent: QWidget | None = None, *, months: bool = True,
                 changed: Callable[[], None] | None = None, key_filter: QObject | None = None):
        self.widget = QWidget(parent)
        self.months = months
        rows = QVBoxLayout(self.widget)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(2)
        self.fields = [_Field(self.widget) for _ in range(FIELDS)]
        for field in self.fields:
            rows.addWidget(field.row)
            if changed is not None:
                field.value.textChanged.connect(lambda _text: changed())
        self.value = self.fields[0].value  # the first threshold's field (where Tab lands first)
        self.month_label = QLabel(tr("Month checked"))
        self.month = QComboBox()
        self.month.setAccessibleName(tr("Month checked"))
        self.month.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # 2026年第1季度 in full
        self.month_label.setBuddy(self.month)
        month_row = QHBoxLayout()
        month_row.addWidget(self.month_label)
        month_row.addWidget(self.month)
        month_row.addStretch(1)
        rows.addLayout(month_row)
        if key_filter is not None:
            for widget in (*self.inputs(), self.month):
                widget.installEventFilter(key_filter)
        self.item: Item | None = None

    def inputs(self) -> list[QLineEdit]:
        return [field.value for field in self.fields]

    def shown_inputs(self) -> list[QLineEdit]:
        """The value fields of the item's thresholds, in order."""
        count = len(self.item.thresholds) if self.item is not None else 0
        return [field.value for field in self.fields[:count]]

    def show_item(self, item: Item | None, today: date) -> None:
        """One field per threshold of a measured item (every one it has: 三级 and 二级 alternatives alike), the
        month offered for a monthly rule; hidden for any other item."""
        self.item = item if item is not None and item.measured else None
        self.widget.setVisible(self.item is not None)
        thresholds = self.item.thresholds[:FIELDS] if self.item is not None else []
        for index, field in enumerate(self.fields):
            field.value.clear()
            field.row.setVisible(index < len(thresholds))
            if index < len(thresholds):
                field.metric.setText(requirement(thresholds[index]))
                field.unit.setText(thresholds[index].unit_in(language()).strip())
        kind = self.item.period if self.months and self.item is not None else "visit"
        ruled = kind != "visit"
        self.month_label.setVisible(ruled)
        self.month.setVisible(ruled)
        self.month.clear()
        if ruled:
            self.month_label.setText(tr(CHOOSER[kind]))
            self.month.setAccessibleName(tr(CHOOSER[kind]))
            for key in recent_periods(kind, today):
                self.month.addItem(period_label(key), key)

    def values(self) -> dict[int, float] | None:
        """The values typed, by threshold position (those left empty do not apply), or None when every field is
        empty (the entry is then a plain count)."""
        if self.item is None:
            return None
        typed: dict[int, float] = {}
        for index, field in enumerate(self.fields[:len(self.item.thresholds)]):
            text = field.value.text().strip().replace(",", ".")
            if not text:
                continue
            try:
                typed[index] = float(text)
            except ValueError:
                continue
        return typed or None

    def period(self) -> str | None:
        """The key of the period chosen (2026-03, 2026-Q1, 2026-H1), None for an item counted per visit."""
        if self.item is None or self.item.period == "visit" or not self.months:
            return None
        return self.month.currentData() or None

    def reset(self) -> None:
        for field in self.fields:
            field.value.clear()
        if self.month.count():
            self.month.setCurrentIndex(0)
