"""趋势: month over month per department, the most frequent problems and inspections per inspector
(office/trends.py), over a chosen number of months ending with the newest one merged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import language, tr
from inspector_app.gui.office.common import (
    ColumnsModel,
    LoadedTab,
    fit,
    number,
    person,
    table,
)
from inspector_app.gui.office.department_tab import boxed
from inspector_app.gui.widgets.buttons import push_button

if TYPE_CHECKING:
    from inspector_app.gui.office.workspace import OfficeWorkspace
    from inspector_app.office.browse import Choices
    from inspector_app.office.trends import Trends


def points_in(index: int) -> Any:
    """A department's points in the `index`-th month (blank when nothing happened there)."""
    return lambda d: number(d.months[index].points) if d.months[index].inspections or d.months[index].points else ""


def inspections_in(index: int) -> Any:
    return lambda i: i.months[index]


class TrendsTab(LoadedTab):
    def __init__(self, workspace: OfficeWorkspace):
        super().__init__(workspace)
        self.trends: Trends | None = None
        self.months = QSpinBox()
        self.months.setRange(2, 24)
        self.months.setValue(6)
        self.months.setSuffix(tr(" months"))
        self.months.setAccessibleName(tr("Months shown"))
        label = QLabel(tr("Mon&ths"))
        label.setBuddy(self.months)
        show = push_button(tr("&Show"), tr("Show the trends"), self.reload)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        bar = QHBoxLayout()
        for widget in (label, self.months, show):
            bar.addWidget(widget)
        bar.addWidget(self.totals, 1)
        self.departments_box, self.problems_box, self.inspectors_box = (
            boxed(tr("Points per department, month by month"), QWidget()),
            boxed(tr("Most frequent problems"), QWidget()), boxed(tr("Inspections per inspector"), QWidget()))
        self.departments_table = self._table(self.departments_box, tr("Points per department, month by month"))
        self.problems_table = self._table(self.problems_box, tr("Most frequent problems"))
        self.inspectors_table = self._table(self.inspectors_box, tr("Inspections per inspector"))
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.problems_box)
        lower.addWidget(self.inspectors_box)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.departments_box)
        split.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    @staticmethod
    def _table(box: Any, name: str) -> Any:
        view = table(ColumnsModel([]), name)
        box.layout().itemAt(0).widget().deleteLater()
        box.layout().removeItem(box.layout().itemAt(0))
        box.layout().addWidget(view)
        return view

    @staticmethod
    def title() -> str:
        return tr("Trends")

    def first_field(self) -> QWidget:
        return self.months

    def central_opened(self, choices: Choices) -> None:
        self.trends = None
        self.stale()

    def reload(self) -> None:
        from inspector_app.office.trends import trends

        central = self.workspace.central
        if central is None:
            return
        months, lang = self.months.value(), language()
        self.load(tr("Loading the trends"), lambda progress: trends(central, months, lang=lang), self.show_trends)

    def show_trends(self, found: Trends) -> None:
        self.trends = found
        months = found.months
        per_month = [(month[2:], points_in(i)) for i, month in enumerate(months)]
        self._set(self.departments_table, [(tr("Department / window"), lambda d: f"{d.name}（{d.code}）"),
                                           *per_month], found.departments, numeric=range(1, len(months) + 1))
        self._set(self.problems_table, [
            (tr("Item"), lambda p: p.item_code), (tr("Times"), lambda p: p.occurrences),
            (tr("Departments"), lambda p: "、".join(f"{name}×{n}" for _, name, n in p.departments[:3])),
            (tr("What is checked"), lambda p: p.text)], found.problems, numeric=(1,), stretch=3, widest=200)
        self._set(self.inspectors_table, [
            (tr("Inspector"), lambda i: person(i.name, i.staff_no)),
            *[(month[2:], inspections_in(n)) for n, month in enumerate(months)],
            (tr("Total"), lambda i: i.total)], found.inspectors, numeric=range(1, len(months) + 2))
        totals = "；".join(f"{t.month}: {t.inspections} / {number(round(t.points, 2))}" for t in found.totals)
        self.totals.setText(tr("Inspections / points per month: {list}", list=totals) if totals else "")
        self.workspace.loaded.emit("trends")

    @staticmethod
    def _set(view: Any, columns: list[Any], rows: list[Any], numeric: Any = (), stretch: int | None = None,
             widest: int = 260) -> None:
        from PySide6.QtWidgets import QHeaderView

        model = ColumnsModel(columns, numeric=tuple(numeric))
        model.set_rows(rows)
        old = view.model()
        view.setModel(model)
        model.setParent(view)
        if old is not None:
            old.deleteLater()
        if stretch is not None:
            view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        fit(view, widest)
