"""科室: one department's page — its months, its repeat problems (same item or same person across visits and
inspectors) and its open rectifications (office/department.department_page), loaded off the GUI thread."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
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
    choice_combo,
    fit,
    number,
    person,
    refill,
    table,
)
from inspector_app.gui.widgets.buttons import push_button

if TYPE_CHECKING:
    from inspector_app.gui.office.workspace import OfficeWorkspace
    from inspector_app.office.browse import Choices
    from inspector_app.office.department import DepartmentMonth, DepartmentPage


def rank_text(month: DepartmentMonth) -> str:
    row = month.row
    return tr("{rank} of {count}", rank=row.rank, count=month.departments) if row and row.rank else ""


def boxed(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(widget)
    return box


class DepartmentTab(LoadedTab):
    def __init__(self, workspace: OfficeWorkspace):
        from inspector_app.office.ledger import status_text as ledger_status

        super().__init__(workspace)
        self.page: DepartmentPage | None = None
        self.department = choice_combo(tr("Department / window"), 18)
        self.months = QSpinBox()
        self.months.setRange(1, 24)
        self.months.setValue(6)
        self.months.setAccessibleName(tr("Months shown"))
        self.months.setSuffix(tr(" months"))
        department_label, months_label = QLabel(tr("&Department")), QLabel(tr("Mon&ths"))
        department_label.setBuddy(self.department)
        months_label.setBuddy(self.months)
        show = push_button(tr("&Show"), tr("Show the department"), self.reload)
        self.title = QLabel()
        self.title.setObjectName("officeDepartmentTitle")
        bar = QHBoxLayout()
        for widget in (department_label, self.department, months_label, self.months, show):
            bar.addWidget(widget)
        bar.addWidget(self.title, 1)
        self.department.currentIndexChanged.connect(lambda _: self.reload())

        self.months_model = ColumnsModel([
            (tr("Month"), lambda mo: mo.month),
            (tr("Inspections"), lambda mo: mo.row.inspections if mo.row else 0),
            (tr("Points"), lambda mo: number(mo.row.total_points) if mo.row else ""),
            (tr("Department points"), lambda mo: number(mo.row.own_points) if mo.row else ""),
            (tr("Staff points"), lambda mo: number(mo.row.staff_points) if mo.row else ""),
            (tr("Average score"), lambda mo: number(mo.row.average_score) if mo.row else ""),
            (tr("Failed"), lambda mo: mo.row.failed if mo.row and mo.row.scored_inspections else ""),
            (tr("Rank"), rank_text),
        ], numeric=(1, 2, 3, 4, 5, 6))
        self.items_model = ColumnsModel([
            (tr("Item"), lambda r: r.item_code),
            (tr("Visits"), lambda r: r.visits),
            (tr("Inspectors"), lambda r: r.inspectors),
            (tr("Times"), lambda r: r.occurrences),
            (tr("Months"), lambda r: r.first if r.first == r.last else f"{r.first} – {r.last}"),
            (tr("What is checked"), lambda r: r.item_text),
        ], numeric=(1, 2, 3))
        self.persons_model = ColumnsModel([
            (tr("Staff no."), lambda r: r.staff_no),
            (tr("Name"), lambda r: r.name),
            (tr("Visits"), lambda r: r.visits),
            (tr("Inspectors"), lambda r: r.inspectors),
            (tr("Times"), lambda r: r.occurrences),
            (tr("Points"), lambda r: number(r.points)),
        ], numeric=(2, 3, 4, 5))
        self.open_model = ColumnsModel([
            (tr("Found"), lambda r: r.inspection_date),
            (tr("Item"), lambda r: r.item_code),
            (tr("Person"), lambda r: person(r.person, r.staff_no)),
            (tr("Deadline"), lambda r: r.deadline.isoformat()),
            (tr("Status"), lambda r: ledger_status(r.status)),
            (tr("Inspector"), lambda r: r.inspector),
            (tr("What is checked"), lambda r: r.item_text),
        ])
        self.months_table = table(self.months_model, tr("The department's months"))
        self.items_table = table(self.items_model, tr("Repeat problems by item"), stretch=5)
        self.persons_table = table(self.persons_model, tr("Repeat problems by person"), stretch=1)
        self.open_table = table(self.open_model, tr("Open rectifications"), stretch=6)
        self.months_box = boxed(tr("Months"), self.months_table)
        self.items_box = boxed(tr("Same item on several visits"), self.items_table)
        self.persons_box = boxed(tr("Same person on several visits"), self.persons_table)
        self.open_box = boxed(tr("Open rectifications"), self.open_table)
        repeats = QSplitter(Qt.Orientation.Horizontal)
        repeats.addWidget(self.items_box)
        repeats.addWidget(self.persons_box)
        repeats.setSizes([620, 460])
        split = QSplitter(Qt.Orientation.Vertical)
        for widget in (self.months_box, repeats, self.open_box):
            split.addWidget(widget)
        split.setSizes([210, 200, 170])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    def first_field(self) -> QWidget:
        return self.department

    def show_code(self, code: str) -> None:
        index = self.department.findData(code)
        if index >= 0 and index != self.department.currentIndex():
            self.department.setCurrentIndex(index)  # loads it
        elif index >= 0 and self._token == 0:
            self.reload()
        self.department.setFocus()

    def central_opened(self, choices: Choices) -> None:
        refill(self.department, [(f"{name}（{code}）", code) for code, name in choices.departments],
               everything=False)
        self.stale()

    def ready(self) -> bool:
        return self.department.currentData() is not None

    def reload(self) -> None:
        from inspector_app.office.department import department_page

        code, central = self.department.currentData(), self.workspace.central
        if central is None or code is None:
            return
        months, lang, today = self.months.value(), language(), date.today()
        newest = self.workspace.choices.months[0] if self.workspace.choices.months else None

        def work(progress: Any) -> DepartmentPage:
            def step(done: int, total: int) -> None:
                progress.report(done, total)
                progress.check()

            return department_page(central, code, months=months, until=newest, today=today, lang=lang,
                                   figures=self.workspace.summary, progress=step)

        self.load(tr("Loading the department"), work, self.show_page)

    def show_page(self, page: DepartmentPage) -> None:
        self.page = page
        self.title.setText(f"<b>{page.name}（{page.code}）</b>")
        self.months_model.set_rows(page.months)
        self.items_model.set_rows(page.repeat_items)
        self.persons_model.set_rows(page.repeat_persons)
        self.open_model.set_rows(page.open_items)
        self.items_box.setTitle(tr("Same item on several visits ({count})", count=len(page.repeat_items)))
        self.persons_box.setTitle(tr("Same person on several visits ({count})", count=len(page.repeat_persons)))
        self.open_box.setTitle(tr("Open rectifications ({count})", count=len(page.open_items)))
        for view in (self.months_table, self.items_table, self.persons_table, self.open_table):
            fit(view)
        self.workspace.loaded.emit("department")
