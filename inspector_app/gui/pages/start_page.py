"""Starting an inspection (checklist, department/window, co-inspector, 明查/暗访, location) or resuming a draft."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import language, tr
from inspector_app.core.inspections import InspectionFilter, list_inspections
from inspector_app.core.recording import NewInspection, Recorder
from inspector_app.core.roster_store import current_roster, departments_for
from inspector_app.gui.context import GuiContext
from inspector_app.gui.messages import show_error
from inspector_app.gui.widgets.tables import compact_combo

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class StartPage(QWidget):
    opened = Signal(str)  # inspection id (new or resumed)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.checklist = compact_combo()
        self.checklist.setAccessibleName(tr("Checklist"))
        self.department = compact_combo()
        self.department.setEditable(True)
        self.department.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.department.setAccessibleName(tr("Department / window"))
        self.co_inspector = QLineEdit()
        self.co_inspector.setAccessibleName(tr("Co-inspector"))
        self.co_inspector.setPlaceholderText(tr("optional"))
        self.location = QLineEdit()
        self.location.setAccessibleName(tr("Location / ward"))
        self.location.setPlaceholderText(tr("optional, e.g. 门诊一楼挂号大厅"))
        self.open_mode = QRadioButton(tr("open (明查)"))
        self.covert_mode = QRadioButton(tr("covert (暗访)"))
        self.open_mode.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.open_mode)
        modes.addButton(self.covert_mode)
        mode_row = QHBoxLayout()
        mode_row.addWidget(self.open_mode)
        mode_row.addWidget(self.covert_mode)
        mode_row.addStretch(1)
        self.inspector = QLabel()
        start = QPushButton(tr("Start inspection"))
        start.setAccessibleName(tr("Start inspection"))
        start.setDefault(True)
        start.clicked.connect(self.start)
        self.checklist.currentIndexChanged.connect(lambda _: self._fill_departments())

        form = QFormLayout()
        form.addRow(tr("Checklist"), self.checklist)
        form.addRow(tr("Department / window"), self.department)
        form.addRow(tr("Mode"), mode_row)
        form.addRow(tr("Co-inspector"), self.co_inspector)
        form.addRow(tr("Location / ward"), self.location)
        form.addRow(tr("Inspector"), self.inspector)
        new_box = QGroupBox(tr("New inspection"))
        new_layout = QVBoxLayout(new_box)
        new_layout.addLayout(form)
        new_layout.addWidget(start, 0, Qt.AlignmentFlag.AlignRight)

        self.drafts = QListWidget()
        self.drafts.setAccessibleName(tr("Unfinished inspections"))
        self.drafts.itemActivated.connect(lambda item: self.opened.emit(item.data(ID_ROLE)))
        resume = QPushButton(tr("Continue selected"))
        resume.setAccessibleName(tr("Continue the selected unfinished inspection"))
        resume.clicked.connect(self._resume)
        drafts_box = QGroupBox(tr("Unfinished inspections"))
        drafts_layout = QVBoxLayout(drafts_box)
        drafts_layout.addWidget(self.drafts)
        drafts_layout.addWidget(resume, 0, Qt.AlignmentFlag.AlignRight)

        layout = QHBoxLayout(self)
        layout.addWidget(new_box, 3)
        layout.addWidget(drafts_box, 2)
        ctx.changes.inspections.connect(self.refresh_drafts)
        ctx.changes.roster.connect(self._fill_departments)
        ctx.changes.settings.connect(self._show_inspector)
        self.refresh()

    def refresh(self) -> None:
        lang = language()
        self.checklist.blockSignals(True)
        self.checklist.clear()
        for checklist in self.ctx.ws.library:
            if not checklist.training:
                self.checklist.addItem(checklist.title.get(lang), checklist.id)
        self.checklist.blockSignals(False)
        self._fill_departments()
        self._show_inspector()
        self.refresh_drafts()

    def _show_inspector(self) -> None:
        profile = self.ctx.ws.settings.inspector
        self.inspector.setText(f"{profile.name}（{profile.staff_no}）" if profile.name else
                               tr("not set — enter your name in Settings"))

    def _fill_departments(self) -> None:
        checklist_id = self.checklist.currentData()
        if not checklist_id:
            return
        roster = current_roster(self.ctx.ws)
        current = self.department.currentData()
        self.department.clear()
        for department in departments_for(self.ctx.ws.library.get(checklist_id), roster):
            self.department.addItem(f"{department.name}（{department.kind.label}）", department.code)
        index = self.department.findData(current)
        if index >= 0:
            self.department.setCurrentIndex(index)

    def refresh_drafts(self) -> None:
        self.drafts.clear()
        for row in list_inspections(self.ctx.ws, InspectionFilter(status="draft")):
            item = QListWidgetItem(f"{row.started_at[:16].replace('T', ' ')}  {row.department}  "
                                   f"{row.checklist_id}  ({tr('{count} entries', count=row.deductions)})")
            item.setData(ID_ROLE, row.id)
            self.drafts.addItem(item)

    def latest_draft(self) -> str | None:
        return self.drafts.item(0).data(ID_ROLE) if self.drafts.count() else None

    def _resume(self) -> None:
        item = self.drafts.currentItem() or (self.drafts.item(0) if self.drafts.count() else None)
        if item is not None:
            self.opened.emit(item.data(ID_ROLE))

    def start(self) -> None:
        profile = self.ctx.ws.settings.inspector
        code = self.department.currentData()
        if code is None or self.department.currentText() != self.department.itemText(self.department.currentIndex()):
            show_error(self, tr("Choose a department or window from the list."))
            return
        request = NewInspection(
            checklist_id=self.checklist.currentData(), department=code, inspector_name=profile.name,
            inspector_no=profile.staff_no or None, co_inspector=self.co_inspector.text().strip() or None,
            mode="covert" if self.covert_mode.isChecked() else "open",
            location=self.location.text().strip() or None)
        try:
            inspection = Recorder(self.ctx.ws).start(request)
        except AppError as exc:
            show_error(self, str(exc))
            return
        self.co_inspector.clear()
        self.location.clear()
        self.ctx.changes.inspections.emit()
        self.opened.emit(inspection.id)
