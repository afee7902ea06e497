"""检查记录: every merged inspection, a page at a time, filtered; Enter or a double-click opens one read-only.

A page is one query of office/browse.inspections (100 rows and the count) run off the GUI thread, so a month of
a year's central data opens as fast as a small one; the month filter starts on the newest month merged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import language, tr
from inspector_app.gui.office.common import (
    ColumnsModel,
    choice_combo,
    fit,
    number,
    person,
    refill,
    result_text,
    table,
)
from inspector_app.gui.widgets.buttons import push_button
from inspector_app.gui.widgets.inspection_view import mode_text

if TYPE_CHECKING:
    from inspector_app.gui.office.workspace import OfficeWorkspace
    from inspector_app.office.browse import Choices, InspectionPage

PAGE = 100


def status_choices() -> list[tuple[str, str]]:
    return [(tr("passed"), "passed"), (tr("failed"), "failed"), (tr("with deductions"), "deducted"),
            (tr("nothing deducted"), "clean"), (tr("in conflict"), "conflict")]


class InspectionsTab(QWidget):
    def __init__(self, workspace: OfficeWorkspace):
        super().__init__()
        self.workspace = workspace
        self.page: InspectionPage | None = None
        self._token = 0
        self._fitted = False
        self.detail_dialog: Any = None
        self.month = choice_combo(tr("Month"), 8)
        self.department = choice_combo(tr("Department / window"), 14)
        self.inspector = choice_combo(tr("Inspector"), 10)
        self.checklist = choice_combo(tr("Checklist"), 14)
        self.status = choice_combo(tr("Status"), 8)
        refill(self.status, status_choices())
        filters = QGridLayout()
        for column, (text, combo) in enumerate(((tr("&Month"), self.month), (tr("&Department"), self.department),
                                                (tr("Inspecto&r"), self.inspector),
                                                (tr("C&hecklist"), self.checklist), (tr("&Status"), self.status))):
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label, 0, column)
            filters.addWidget(combo, 1, column)
            combo.currentIndexChanged.connect(lambda _: self.reload())
        self.clear = push_button(tr("C&lear filters"), tr("Clear filters"), self.clear_filters)
        filters.addWidget(self.clear, 1, 5)
        filters.setColumnStretch(1, 2)
        filters.setColumnStretch(3, 2)

        self.model = ColumnsModel([
            (tr("Start time"), lambda r: r.started),
            (tr("Department / window"), lambda r: f"{r.department}（{r.department_code}）"),
            (tr("Inspector"), lambda r: person(r.inspector, r.inspector_no)),
            (tr("Mode"), lambda r: mode_text(r.mode)),
            (tr("Entries"), lambda r: r.entries),
            (tr("Points"), lambda r: "" if r.scored else number(r.points)),  # scored: the score says it
            (tr("Score"), result_text),
            (tr("Checklist"), lambda r: r.checklist),
        ], numeric=(4, 5))
        self.table = table(self.model, tr("Inspection records"), stretch=7)
        self.table.setObjectName("officeInspections")
        self.table.activated.connect(self._activated)  # Enter and double-click
        self.total = QLabel()
        self.total.setObjectName("officeInspectionsTotal")
        self.previous = push_button(tr("&Previous page"), tr("Previous page"), self.previous_page)
        self.next = push_button(tr("&Next page"), tr("Next page"), self.next_page)
        self.open_button = push_button(tr("&Open…"), tr("Open the selected inspection"), self.open_selected)
        bottom = QHBoxLayout()
        bottom.addWidget(self.total, 1)
        bottom.addWidget(self.previous)
        bottom.addWidget(self.next)
        bottom.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._update_pager()

    def first_field(self) -> QWidget:
        return self.table

    # -- filters ------------------------------------------------------------------------------------------
    def central_opened(self, choices: Choices) -> None:
        combos: list[QComboBox] = [self.month, self.department, self.inspector, self.checklist]
        for combo in combos:
            combo.blockSignals(True)
        first = self.month.count() == 0
        refill(self.month, [(month, month) for month in choices.months])
        if first and choices.months:
            self.month.setCurrentIndex(1)  # the newest month: a year at once is rarely what is wanted
        refill(self.department, [(f"{name}（{code}）", code) for code, name in choices.departments])
        refill(self.inspector, [(person(name, no), no) for no, name in choices.inspectors])
        refill(self.checklist, [(title, cid) for cid, title in choices.checklists])
        for combo in combos:
            combo.blockSignals(False)
        self.reload()

    def filters(self) -> dict[str, Any]:
        return {"month": self.month.currentData(), "department": self.department.currentData(),
                "inspector": self.inspector.currentData(), "checklist": self.checklist.currentData(),
                "status": self.status.currentData()}

    def clear_filters(self) -> None:
        for combo in (self.month, self.department, self.inspector, self.checklist, self.status):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.reload()

    # -- pages --------------------------------------------------------------------------------------------
    def reload(self, offset: int = 0) -> None:
        from inspector_app.office.browse import inspections

        central = self.workspace.central
        if central is None:
            return
        filters, lang = self.filters(), language()
        self._token += 1
        token = self._token

        def done(page: InspectionPage) -> None:
            if token == self._token:
                self.show_page(page)

        self.workspace.run(tr("Loading inspections"),
                           lambda progress: inspections(central, limit=PAGE, offset=offset, lang=lang, **filters),
                           done)

    def show_page(self, page: InspectionPage) -> None:
        self.page = page
        self.model.set_rows(page.rows)
        if page.rows and not self._fitted:
            fit(self.table)
            self._fitted = True
        if page.rows:
            self.table.setCurrentIndex(self.model.index(0, 0))
            if self.window().focusWidget() in (None, self.workspace.url):
                self.table.setFocus()  # the first page is in: Enter opens the newest inspection
        self._update_pager()
        self.workspace.loaded.emit("inspections")

    def _update_pager(self) -> None:
        page = self.page
        if page is None or not page.total:
            self.total.setText(tr("No inspections match.") if page is not None else "")
        else:
            self.total.setText(tr("Inspections {first}–{last} of {total}", first=page.offset + 1,
                                  last=page.offset + len(page.rows), total=page.total))
        self.previous.setEnabled(page is not None and page.offset > 0)
        self.next.setEnabled(page is not None and page.offset + len(page.rows) < page.total)
        self.open_button.setEnabled(bool(page and page.rows))

    def previous_page(self) -> None:
        self.turn(-1)

    def next_page(self) -> None:
        self.turn(1)

    def turn(self, step: int) -> None:
        if self.page is not None:
            self.reload(max(0, self.page.offset + step * PAGE))

    # -- opening ------------------------------------------------------------------------------------------
    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_inspection(row.id)

    def open_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._activated(index)

    def open_inspection(self, inspection_id: str) -> None:
        from inspector_app.gui.office.detail_dialog import DetailDialog
        from inspector_app.office.browse import inspection_detail

        central, files, lang = self.workspace.central, self.workspace.files_dir, language()

        def done(detail: Any) -> None:
            self.detail_dialog = DetailDialog(detail, self)
            self.detail_dialog.open()
            self.workspace.loaded.emit("detail")

        self.workspace.run(tr("Opening the inspection"),
                           lambda progress: inspection_detail(central, inspection_id, files, lang), done)
