"""The drill's result screen: each expected deduction (right, partly right, wrong person, wrong points, wrong
pass or fail of a measured value, missed), each entry the key does not have (wrongly deducted), the points
expected and recorded (a measured line with its values and verdict, a finding without points as such), both
totals, and the clause behind each expected deduction, so the trainee learns the rule and its source, not only
the score."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.checklists.models import Item
from inspector_app.core.i18n import language, tr
from inspector_app.core.training import DEPARTMENT, Grade, Pack, Scenario, Status
from inspector_app.core.training.packs import person
from inspector_app.gui.widgets.buttons import button_row, push_button

WRONG = "wrong"  # the status column's value for an entry not in the key
COLOURS = {Status.RIGHT.value: "#d8f0dc", Status.PARTIAL.value: "#fff1c9", Status.WRONG_PERSON.value: "#ffe0c2",
           Status.WRONG_POINTS.value: "#ffe0c2", Status.WRONG_RESULT.value: "#f9d6d5",
           Status.MISSED.value: "#f9d6d5", WRONG: "#f9d6d5"}


def status_text(status: str) -> str:
    return {Status.RIGHT.value: tr("right"), Status.PARTIAL.value: tr("partially right"),
            Status.WRONG_PERSON.value: tr("wrong person"), Status.WRONG_POINTS.value: tr("wrong points"),
            Status.WRONG_RESULT.value: tr("wrong pass or fail"), Status.MISSED.value: tr("missed"),
            WRONG: tr("wrongly deducted")}[status]


def complaint_text(state: str | None) -> str:
    """Where a scene's complaint stands in the office's register."""
    return {"pending": tr("received, under investigation (not verified)"), "verified": tr("verified (查实)"),
            "unfounded": tr("unfounded (不属实)")}.get(state or "", "—")


def values_text(item: Item, values: dict[int, float] | None) -> str:
    """87% / 1次、55%: the values typed, with their units."""
    if not values:
        return "—"
    lang = language()
    return ("、" if lang == "zh" else ", ").join(
        f"{value:g}{item.thresholds[index].unit_in(lang, value)}" for index, value in sorted(values.items())
        if index < len(item.thresholds))


def _verdict(passed: bool | None) -> str:
    return "" if passed is None else f" → {tr('passes') if passed else tr('fails')}"


def _points(item: Item, points: float) -> str:
    return f"−{points:g}" if item.deducts else tr("no points: rectify by the deadline")


def target_name(scenario: Scenario, target: str | None) -> str:
    """'李娜（T201）', '周建国（T101）[科室负责人]', or the department's name."""
    if target is None:
        return "—"
    if target == DEPARTMENT:
        return tr("{department} (department)", department=scenario.department)
    who = person(scenario, target)
    if who is None:
        return target
    head = f" [{tr('department head')}]" if who.is_head else ""
    return f"{who.name}（{who.staff_id}）{head}"


class DrillResult(QWidget):
    again = Signal()
    next = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setObjectName("drillSummary")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(tr("Score and points"))
        headers = [tr("Result"), tr("Item"), tr("Expected"), tr("You recorded"), tr("Why, and the clause")]
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName("drillResult")
        self.table.setAccessibleName(tr("What was right, missed and wrongly deducted"))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        for column, width in enumerate((90, 200, 190, 190)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self._fit_rows())
        again = push_button(tr("Try again"), tr("Try this scenario again"), self.again)
        following = push_button(tr("Next scenario"), tr("Go to the next scenario"), self.next)
        close = push_button(tr("Close"), tr("Close the drill"), self.close_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(button_row(again, following, close))
        self.grade: Grade | None = None

    def show_grade(self, pack: Pack, scenario: Scenario, result: Grade) -> None:
        self.grade = result
        lang = language()
        self.summary.setText(
            f"<h3>{scenario.title.get(lang)} — {tr('score {score:g}/100', score=result.score)}</h3>"
            + tr("Points the key deducts: {key:g}; points you recorded: {mine:g}; difference: {diff:+g}.",
                 key=result.key_points, mine=result.trainee_points, diff=result.difference))
        rows: list[tuple[str, list[str]]] = []
        for line in result.expected:
            item = pack.checklist.item(line.item)
            if line.values is not None:  # a measured line: the values and what they give
                expected = (f"{target_name(scenario, line.charged_to)} {values_text(item, line.values)}"
                            f"{_verdict(line.passed)}: {_points(item, line.points)}")
            else:
                expected = f"{target_name(scenario, line.charged_to)} ×{line.count}: {_points(item, line.points)}"
            if line.status is Status.MISSED:
                mine = "—"
            elif line.trainee_values is not None:
                mine = (f"{target_name(scenario, line.trainee_charged_to)} {values_text(item, line.trainee_values)}"
                        f"{_verdict(line.trainee_passed)}: {_points(item, line.trainee_points)}")
            else:
                mine = (f"{target_name(scenario, line.trainee_charged_to)} ×{line.trainee_count}: "
                        f"{_points(item, line.trainee_points)}")
            if line.stated_points is not None and not line.points_right:
                mine += "\n" + tr("you wrote {stated:g}", stated=line.stated_points)
            basis = line.why.get(lang)
            if line.clause:
                basis += f"\n{line.clause.section}「{line.clause.quote}」"
            rows.append((line.status.value, [status_text(line.status.value), f"{item.code} {item.text.get(lang)}",
                                             expected, mine, basis]))
        for wrong in result.wrong:
            try:
                text = f"{wrong.item} {pack.checklist.item(wrong.item).text.get(lang)}"
            except KeyError:
                text = wrong.item
            points = "?" if wrong.points is None else f"{wrong.points:g}"
            rows.append((WRONG, [status_text(WRONG), text, "—",
                                 f"{target_name(scenario, wrong.charged_to)} ×{wrong.count}: −{points}",
                                 tr("Not in the answer key: nothing should be deducted for this here.")]))
        if not rows:
            rows.append((Status.RIGHT.value, [status_text(Status.RIGHT.value), "—", "—", "—",
                                              tr("Nothing to deduct in this scene, and you deducted nothing.")]))
        self.table.setRowCount(len(rows))
        for row, (status, cells) in enumerate(rows):
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, status)
                cell.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                if column == 0:
                    cell.setBackground(QBrush(QColor(COLOURS[status])))
                self.table.setItem(row, column, cell)
        self._fit_rows()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Wrapped text: row heights follow the columns' final widths, known only once the layout has run."""
        QTimer.singleShot(0, self.table.resizeRowsToContents)

    def statuses(self) -> list[str]:
        """The result column's statuses, top to bottom (tests and screen readers)."""
        return [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.table.rowCount())]
