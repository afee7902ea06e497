"""The drill: read a scenario, record deductions as in a real inspection, submit, see what was right.

The item tree is the record page's own widget (search by text, code, pinyin initials); people are ticked,
or the department charged, with the same rules (an item charged to the department cannot be charged to a
person). A measured item takes its values in the record page's own fields (学习 1 次 of 2, 满意度 87%): the
trainee types what the scene shows and the drill is graded by pass or fail and points; a finding without points
deducts nothing; a complaint scene says where the complaint stands in the register. Points are the scoring
module's (training.line_points). Submitting stores the attempt in the training workspace
(core/training/drills.py) and shows the result screen (result.py).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import language, tr
from inspector_app.core.scoring.measured import describe, measured_outcome
from inspector_app.core.training import (
    DEPARTMENT,
    Attempt,
    Pack,
    RecordedDeduction,
    Scenario,
    grade,
)
from inspector_app.core.training.drills import save_attempt
from inspector_app.core.training.packs import LinePoints, line_points
from inspector_app.gui.context import GuiContext
from inspector_app.gui.geometry import size_on_screen
from inspector_app.gui.messages import confirm, show_error
from inspector_app.gui.models import deduction_text
from inspector_app.gui.style import styled
from inspector_app.gui.training.result import (
    DrillResult,
    complaint_text,
    target_name,
    values_text,
)
from inspector_app.gui.widgets.buttons import push_button
from inspector_app.gui.widgets.item_tree import ItemTree
from inspector_app.gui.widgets.measured_value import MeasuredValue
from inspector_app.gui.widgets.people_picker import EnterRecords, PeoplePicker
from inspector_app.gui.widgets.tables import compact_combo


class DrillDialog(QDialog):
    """Pick a pack and a scenario, record, submit; the result screen replaces the drill in the same window."""

    submitted = Signal(object)  # the Grade

    def __init__(self, ctx: GuiContext, packs: list[Pack], parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.packs = packs
        self.entries: list[RecordedDeduction] = []
        self.setWindowTitle(tr("Training drill"))
        self.setObjectName("drillDialog")
        self.resize(size_on_screen(parent, 1240, 700))
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_drill())
        self.result = DrillResult()
        self.result.again.connect(self._again)
        self.result.next.connect(self._next)
        self.result.close_requested.connect(self.accept)
        self.stack.addWidget(self.result)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        for pack in packs:
            self.pack.addItem(pack.data.title.get(language()), pack.id)
        self._pack_changed()

    # -- layout -------------------------------------------------------------------------------------------
    def _build_drill(self) -> QWidget:
        self.pack = compact_combo(24)
        self.pack.setAccessibleName(tr("Scenario pack"))
        self.pack.currentIndexChanged.connect(lambda _: self._pack_changed())
        self.scenario = compact_combo(24)
        self.scenario.setAccessibleName(tr("Scenario"))
        self.scenario.currentIndexChanged.connect(lambda _: self._scenario_changed())
        trainee = QLabel(tr("Trainee: {name}", name=self.trainee))
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Scenario pack")))
        top.addWidget(self.pack, 1)
        top.addWidget(QLabel(tr("Scenario")))
        top.addWidget(self.scenario, 1)
        top.addWidget(trainee)

        self.scene = QTextBrowser()
        self.scene.setAccessibleName(tr("The scene"))
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName(tr("Picture of the scene"))
        scene_box = QGroupBox(tr("What you see"))
        scene_layout = QVBoxLayout(scene_box)
        scene_layout.addWidget(self.scene, 1)
        scene_layout.addWidget(self.picture)

        self.items = ItemTree()
        self.items.item_selected.connect(self._item_selected)
        self.items.item_chosen.connect(lambda code: (self._item_selected(code), self.who.people.setFocus()))

        self.who = PeoplePicker()
        self.who.changed.connect(self._update_preview)
        self.count = QSpinBox()
        self.count.setRange(1, 99)
        self.count.setAccessibleName(tr("Number of occurrences"))
        self.count.valueChanged.connect(lambda _: self._update_preview())
        self.measured = MeasuredValue(months=False, changed=self._update_preview)  # what a measured item takes
        self.measured.widget.setVisible(False)
        self.preview = QLabel()
        styled(self.preview, "preview")
        self.preview.setWordWrap(True)
        record = push_button(tr("Record deduction (Enter)"), tr("Record deduction"), self.record,
                             object_name="recordButton")
        self.recorded = QTableWidget(0, 4)
        self.recorded.setAccessibleName(tr("Deductions recorded in this drill"))
        self.recorded.setHorizontalHeaderLabels([tr("Item"), tr("Who"), tr("Count"), tr("Points")])
        self.recorded.verticalHeader().setVisible(False)
        self.recorded.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recorded.setTabKeyNavigation(False)  # Tab leaves the table: Remove and Submit stay reachable
        self.recorded.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.recorded.horizontalHeader()  # Who gets the width; item, count and points are short
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        remove = push_button(tr("Remove selected"), tr("Remove the selected deduction"), self.remove_selected)
        self.submit_button = push_button(tr("Submit for grading"), tr("Submit the drill for grading"), self.submit)
        form = QFormLayout()
        form.addRow(tr("Count"), self.count)
        entry_box = QGroupBox(tr("Record a deduction"))
        entry = QVBoxLayout(entry_box)
        entry.addWidget(self.who, 1)
        entry.addWidget(self.measured.widget)
        entry.addLayout(form)
        entry.addWidget(self.preview)
        entry.addWidget(record)
        buttons = QHBoxLayout()
        buttons.addWidget(remove)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(entry_box, 3)
        right_layout.addWidget(self.recorded, 2)
        right_layout.addLayout(buttons)

        columns = QSplitter(Qt.Orientation.Horizontal)
        columns.addWidget(scene_box)
        columns.addWidget(self.items)
        columns.addWidget(right)
        columns.setSizes([360, 480, 380])
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(columns, 1)
        # Enter is not the dialog's default button here: in the search box it picks the item, in the people
        # list or the count it records, anywhere else it does nothing (no "pick an item first" surprise)
        for button in page.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        enter = EnterRecords(self.record, self)
        for widget in (self.who.people, self.who.department, self.count, *self.measured.inputs()):
            widget.installEventFilter(enter)
        return page

    @property
    def trainee(self) -> str:
        return self.ctx.ws.settings.inspector.name or tr("trainee")

    # -- choosing ---------------------------------------------------------------------------------------------
    @property
    def current_pack(self) -> Pack:
        return self.packs[max(0, self.pack.currentIndex())]

    @property
    def current_scenario(self) -> Scenario:
        return self.current_pack.scenario(self.scenario.currentData())

    def choose(self, pack_id: str, scenario_id: str) -> None:
        self.pack.setCurrentIndex(self.pack.findData(pack_id))
        self.scenario.setCurrentIndex(self.scenario.findData(scenario_id))

    def _pack_changed(self) -> None:
        if not self.packs:
            return
        pack = self.current_pack
        self.items.load(pack.checklist)
        self.scenario.blockSignals(True)
        self.scenario.clear()
        for number, scenario in enumerate(pack.data.scenarios, 1):
            self.scenario.addItem(f"{number}. {scenario.title.get(language())}", scenario.id)
        self.scenario.blockSignals(False)
        self._scenario_changed()

    def _scenario_changed(self) -> None:
        if self.scenario.currentIndex() < 0:
            return
        scenario, lang = self.current_scenario, language()
        people = "".join(f"<li>{target_name(scenario, p.staff_id)}"
                         + (f" · {p.role.get(lang)}" if p.role else "") + "</li>" for p in scenario.people)
        complaint = (f"<p><b>{tr('Complaint register')}:</b> {complaint_text(scenario.complaint)}</p>"
                     if scenario.complaint else "")
        self.scene.setHtml(f"<h3>{scenario.title.get(lang)}</h3><p><b>{tr('Department')}:</b> "
                           f"{scenario.department}</p>{complaint}<p style='font-size:12pt'>{scenario.scene.get(lang)}</p>"
                           + (f"<p><b>{tr('People present')}:</b></p><ul>{people}</ul>" if people else ""))
        picture = None
        if scenario.picture and self.current_pack.file:
            from pathlib import Path

            pixmap = QPixmap(str(Path(self.current_pack.file).parent / scenario.picture))
            picture = None if pixmap.isNull() else pixmap.scaledToWidth(320, Qt.TransformationMode.SmoothTransformation)
        self.picture.setVisible(picture is not None)
        if picture is not None:
            self.picture.setPixmap(picture)
        self.who.load((p.staff_id, target_name(scenario, p.staff_id)) for p in scenario.people)
        self.entries = []
        self._show_entries()
        self.stack.setCurrentIndex(0)

    def _targets(self) -> list[str]:
        return [DEPARTMENT] if self.who.charges_department() else self.who.ticked()

    def _item_selected(self, code: str) -> None:
        item = self.current_pack.checklist.item(code) if code else None  # empty: nothing matched well
        if item is not None:
            self.who.item_charges(item.charge_to)
        self.measured.show_item(item, date.today())
        self._update_preview()

    # -- recording ----------------------------------------------------------------------------------------------
    def _update_preview(self) -> None:
        code, targets = self.items.current_code(), self._targets()
        values = self.measured.values()
        self.count.setEnabled(values is None)  # a measured value decides the occurrences
        if not code:
            self.preview.setText(tr("Pick an item from the checklist."))
            return
        if not targets:
            self.preview.setText(tr("Tick the people responsible, or charge the department."))
            return
        item = self.current_pack.checklist.item(code)
        said = ""
        if values is not None:
            try:
                outcome = measured_outcome(item, values)
            except AppError as exc:
                self.preview.setText(str(exc))
                return
            said = f"{describe(item, values)} → "
            if outcome.passed:
                self.preview.setText(said + tr("meets the requirement: kept, nothing deducted"))
                return
            said += tr("fails") + " · "
        if not item.deducts:
            self.preview.setText(said + tr("no points: rectify by the deadline"))
            return
        parts = [f"{target_name(self.current_scenario, t)} {deduction_text(self._line(code, t, self.count.value(), values).points or 0.0)}"
                 for t in targets]
        self.preview.setText(said + tr("Will deduct: {list}", list="；".join(parts)))

    def _line(self, code: str, target: str, count: int, values: dict[int, float] | None = None) -> LinePoints:
        """What one entry deducts by the scoring module (a measured value: its pass or fail and occurrences)."""
        try:
            return line_points(self.current_pack.checklist, self.current_scenario, code, target, count, values)
        except AppError:
            return LinePoints(None, None, count)

    def record(self) -> bool:
        """Add the entry in the form to the drill; True when added."""
        code, targets = self.items.current_code(), self._targets()
        if not code:
            show_error(self, tr("Pick an item from the checklist first."))
            return False
        if not targets:
            show_error(self, tr("Tick the people responsible, or charge the department."))
            return False
        values = self.measured.values()
        if values is not None:
            try:
                measured_outcome(self.current_pack.checklist.item(code), values)
            except AppError as exc:
                show_error(self, str(exc))
                return False
        self.entries += [RecordedDeduction(item=code, charged_to=t, count=1 if values else self.count.value(),
                                           values=values) for t in targets]
        self.who.reset()
        self.measured.reset()
        self.count.setValue(1)
        self._show_entries()
        self.items.search.setFocus()
        return True

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.recorded.selectionModel().selectedRows()}, reverse=True)
        for row in rows:
            del self.entries[row]
        self._show_entries()

    def _show_entries(self) -> None:
        self.recorded.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            line = self._line(entry.item, entry.charged_to, entry.count, entry.values)
            count = (values_text(self.current_pack.checklist.item(entry.item), entry.values)
                     if entry.values else str(entry.count))
            cells = [entry.item, target_name(self.current_scenario, entry.charged_to), count,
                     deduction_text(line.points or 0.0)]
            for column, text in enumerate(cells):
                self.recorded.setItem(row, column, QTableWidgetItem(text))
        self.items.mark(Counter(e.item for e in self.entries for _ in range(e.count)))
        self._update_preview()

    # -- submitting -----------------------------------------------------------------------------------------------
    def submit(self) -> None:
        if not self.entries and not confirm(self, tr("Submit for grading"),
                                            tr("You recorded nothing. Submit anyway (nothing to deduct)?")):
            return
        pack, scenario = self.current_pack, self.current_scenario
        attempt = Attempt(trainee=self.trainee, pack=pack.id, scenario=scenario.id, deductions=list(self.entries),
                          submitted_at=datetime.now().astimezone())
        try:
            save_attempt(self.ctx.ws, attempt)
            result = grade(pack, scenario.id, attempt)
        except AppError as exc:
            show_error(self, str(exc))
            return
        self.result.show_grade(pack, scenario, result)
        self.stack.setCurrentWidget(self.result)
        self.submitted.emit(result)

    def _again(self) -> None:
        self._scenario_changed()

    def _next(self) -> None:
        index = self.scenario.currentIndex() + 1
        if index < self.scenario.count():
            self.scenario.setCurrentIndex(index)
        else:
            self._scenario_changed()

    def reject(self) -> None:  # Esc or the close button: do not drop recorded entries silently
        if self.stack.currentIndex() == 0 and self.entries and not confirm(
                self, tr("Training drill"), tr("Leave this drill? The entries recorded in it are not kept.")):
            return
        super().reject()
