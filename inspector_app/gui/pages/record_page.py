"""Recording deductions during an inspection: pick an item, pick people (or the department), Enter records.

Every entry is committed by the core before the screen shows it; the new rows are then shown from the rows
the recorder wrote (core's add_recorded: the same entries a read gives, one row inserted into the table; read
back with update_entries when they cannot be) and the running total, the subtotals and the item marks are
recomputed by the core from the entries, so what is on screen is what is stored, at every keypress even
with 100,000 entries stored. Undo, redo and void reload the whole inspection.
"""

from __future__ import annotations

import tempfile
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.checklists.models import ChargeTo, ScoredScoring
from inspector_app.core.department_history import department_history
from inspector_app.core.errors import AppError, InputError
from inspector_app.core.i18n import language, tr
from inspector_app.core.inspection_state import (
    InspectionState,
    add_recorded,
    last_entry,
    load_state,
    preview,
    update_entries,
)
from inspector_app.core.measuring import NewMeasurement, record_measurement
from inspector_app.core.periods import landing_month
from inspector_app.core.recording import NewDeduction, Recorder, unobservable_reason
from inspector_app.core.scoring.measured import describe, measured_outcome
from inspector_app.gui.context import GuiContext
from inspector_app.gui.messages import show_error
from inspector_app.gui.models import EntriesModel, deduction_text, item_basis_text
from inspector_app.gui.pages.start_page import short_title
from inspector_app.gui.style import styled
from inspector_app.gui.thumbnails import show_thumbnails
from inspector_app.gui.undo import RecordCommand, VoidCommand
from inspector_app.gui.widgets.buttons import push_button
from inspector_app.gui.widgets.department_history import DepartmentHistoryView
from inspector_app.gui.widgets.item_tree import ItemTree
from inspector_app.gui.widgets.measured_value import MeasuredValue, period_label
from inspector_app.gui.widgets.people_picker import EnterRecords, PeoplePicker
from inspector_app.gui.widgets.steady_label import SteadyLabel
from inspector_app.gui.widgets.tables import grow_columns, row_view

IMAGE_PATTERNS = "*.png *.jpg *.jpeg *.bmp *.gif *.webp *.heic"


class _UndoGoesToEntries(QObject):
    """Ctrl+Z / Ctrl+Y in a field with nothing of its own to undo go to the window's undo stack (the last
    entry), instead of being swallowed by the field; the field's history is reset after each recording."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() != QEvent.Type.ShortcutOverride:
            return False
        edit = watched.lineEdit() if isinstance(watched, QAbstractSpinBox) else watched
        if not isinstance(edit, QLineEdit):
            return False
        if event.matches(QKeySequence.StandardKey.Undo):
            return not edit.isUndoAvailable()  # filtered, not accepted: the shortcut fires
        if event.matches(QKeySequence.StandardKey.Redo) or (
                event.key() == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier):
            return not edit.isRedoAvailable()
        return False


def _forget_history(edit: QLineEdit) -> None:
    """Drop a field's own undo history (setText resets it); a field without one is left alone, as setting its
    text again would repaint it at every entry for nothing."""
    if edit.isUndoAvailable() or edit.isRedoAvailable():
        edit.setText(edit.text())


class RecordPage(QWidget):
    finish_requested = Signal(str)  # inspection id

    def __init__(self, ctx: GuiContext, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.undo_stack = undo_stack
        self.recorder = Recorder(ctx.ws)
        self.state: InspectionState | None = None
        self.photos: list[Path] = []
        self._repeat: tuple[str, list[str]] | None = None  # what "same as last entry" filled the form with
        self._fitted: tuple | None = None  # what _fit_entry last fitted the form to
        self._hold_preview = False  # while an entry is being shown: the preview is made once, at the end
        self._build()

    # -- layout -------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.header = QLabel()
        styled(self.header, "inspectionHeader")
        self.header.setWordWrap(True)
        self.total = QLabel()
        styled(self.total, "runningTotal")
        self.total.setAccessibleName(tr("Running total"))
        self.finish_button = push_button(tr("Finish inspection…"), tr("Finish inspection"),
                                         lambda: self.state and self.finish_requested.emit(self.state.id))
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(SteadyLabel(self.total).widget)  # changes at every entry: no relayout for it
        top.addWidget(self.finish_button)

        self.items = ItemTree()
        self.items.item_selected.connect(self._show_item)
        self.items.item_chosen.connect(self._item_chosen)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName(tr("Item details and source"))
        self.detail.setOpenLinks(False)

        self.who = PeoplePicker()
        self.who.changed.connect(self._update_preview)
        self.staff, self.charge_department = self.who.people, self.who.department
        # four people at the usual font size, three at the largest ones (a 720-pixel screen has no more room)
        self.staff.setMinimumHeight(max(80, self.staff.fontMetrics().height() * 3 + 8))
        # an item with thresholds: a value per threshold that applies (and the month checked)
        self.measured = MeasuredValue(changed=self._update_preview)
        self.measured.month.currentIndexChanged.connect(lambda _: self._update_preview())  # the landing month
        self.count = QSpinBox()
        self.count.setRange(0, 99)  # 0 can be typed, and is refused with the core's plain message
        self.count.setAccessibleName(tr("Number of occurrences"))
        self.count.valueChanged.connect(lambda _: self._update_preview())
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("Note: what was seen (Enter records)"))
        self.note.setAccessibleName(tr("Note"))
        self.note.setMaxLength(2000)
        self.photo_list = QListWidget()
        self.photo_list.setAccessibleName(tr("Photos of this entry"))
        self.photo_list.setMaximumHeight(44)
        self.photo_list.setFlow(QListWidget.Flow.LeftToRight)
        add_photo = push_button(tr("Add photo…"), tr("Add photo from a file"), self._add_photo_file)
        paste_photo = push_button(tr("Paste photo"), tr("Paste photo from the clipboard"), self._paste_photo)
        self.preview_label = QLabel()
        styled(self.preview_label, "preview")
        self.preview_label.setWordWrap(True)
        self.history_warning = QLabel()  # the person ticked already has this item open, or had it last time
        styled(self.history_warning, "historyWarning")
        self.history_warning.setWordWrap(True)
        self.history_warning.setAccessibleName(tr("Warning from the department's history"))
        self.history_warning.setVisible(False)
        self.record_button = push_button(tr("Record deduction (Enter)"), tr("Record deduction"), self.record,
                                         default=True, object_name="recordButton")

        form = QHBoxLayout()  # count and note on one line: the form fits a 768-pixel screen at large fonts
        count_label, note_label = QLabel(tr("Count")), QLabel(tr("Note"))
        count_label.setBuddy(self.count)
        note_label.setBuddy(self.note)
        form.addWidget(count_label)
        form.addWidget(self.count)
        form.addWidget(note_label)
        form.addWidget(self.note, 1)
        photos = QHBoxLayout()  # one row: the entry column stays short enough for a 720-pixel screen
        photos.addWidget(self.photo_list, 1)
        photos.addWidget(add_photo)
        photos.addWidget(paste_photo)
        self.entry_box = entry_box = QGroupBox(tr("Record a deduction"))
        entry = QVBoxLayout(entry_box)
        entry.addWidget(self.who, 1)
        entry.addWidget(self.measured.widget)
        self.measured.widget.setVisible(False)  # until a measured item is picked
        entry.addLayout(form)
        entry.addLayout(photos)
        entry.addWidget(self.history_warning)
        entry.addWidget(SteadyLabel(self.preview_label).widget)
        entry.addWidget(self.record_button)

        self.history_view = DepartmentHistoryView()
        self.info_tabs = QTabWidget()  # the item's details, or what the department still owes
        self.info_tabs.addTab(self.detail, tr("Item"))
        self.info_tabs.addTab(self.history_view, tr("Dept. history"))
        self.middle = middle = QSplitter(Qt.Orientation.Vertical)
        middle.addWidget(self.info_tabs)
        middle.addWidget(entry_box)
        middle.setStretchFactor(0, 2)
        middle.setStretchFactor(1, 3)
        middle.setSizes([170, 470])

        self.entries_model = EntriesModel(self.ctx.thumbnails)
        self.entries = row_view(self.entries_model, tr("Deductions recorded in this inspection"))
        grow_columns(self.entries)
        show_thumbnails(self.entries)
        void_button = push_button(tr("Void selected… (Del)"), tr("Void the selected deduction"), self.void_selected)
        # what acts on the selected entry, also on the table's context menu (no keys here: the window's
        # Inspection menu has them, one binding per key); no extra button: the row must fit 1024 pixels
        for text, slot in ((tr("Photos from a folder…"), lambda: self.import_photos()),
                           (tr("Void selected…"), self.void_selected)):
            action = QAction(text, self.entries)
            action.triggered.connect(slot)
            self.entries.addAction(action)
        self.entries.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.subtotals = QLabel()
        self.subtotals.setWordWrap(True)
        self.subtotals.setAccessibleName(tr("Subtotals per person and department"))
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(SteadyLabel(self.subtotals).widget, 1)
        row.addWidget(void_button)
        bottom_layout.addWidget(self.entries)
        bottom_layout.addLayout(row)

        left = QSplitter(Qt.Orientation.Vertical)  # what to check, over what was found
        left.addWidget(self.items)
        left.addWidget(bottom)
        left.setSizes([330, 300])
        columns = QSplitter(Qt.Orientation.Horizontal)
        columns.addWidget(left)
        columns.addWidget(middle)
        columns.setStretchFactor(0, 3)
        columns.setStretchFactor(1, 2)
        columns.setSizes([760, 520])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(columns, 1)

        enter = EnterRecords(self.record, self)
        for widget in (self.staff, self.count, self.charge_department, self.note, *self.measured.inputs(),
                       self.measured.month):
            widget.installEventFilter(enter)
        # Ctrl+F is the window's Search action (one binding per key); these two only act in their widget
        void_key = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.entries, self.void_selected)
        void_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste_key = QShortcut(QKeySequence.StandardKey.Paste, self.photo_list, self._paste_photo)
        paste_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo_keys = _UndoGoesToEntries(self)
        for widget in (self.items.search, self.note, self.count):
            widget.installEventFilter(undo_keys)

    # -- loading ------------------------------------------------------------------------------------------
    def open_inspection(self, inspection_id: str) -> None:
        self.undo_stack.clear()
        self.state = load_state(self.ctx.ws, inspection_id)
        self.items.load(self.state.checklist)
        self.who.item_charges(ChargeTo.PERSON)  # no item picked yet: nothing locks the department
        self.who.load((member.staff_no, f"{member.name}（{member.staff_no}）"
                       + (f"  [{tr('department head')}]" if member.is_head else "")) for member in self.state.staff)
        self.history_view.show_history(department_history(self.ctx.ws, self.state.department_code,
                                                           exclude=self.state.id))
        self.info_tabs.setTabText(1, self.history_view.title())
        self.info_tabs.setCurrentIndex(1 if self.history_view.history.open_items else 0)  # type: ignore[union-attr]
        self._reset_entry()
        self._refresh_view()
        self.focus_search()

    def toggle_history(self) -> None:
        """Ctrl+H: the department's history, or back to the item's details (unfolded if it was folded)."""
        self.info_tabs.setCurrentIndex(1 - self.info_tabs.currentIndex())
        sizes = self.middle.sizes()
        if sizes and sizes[0] == 0:
            half = sum(sizes) // 2
            self.middle.setSizes([half, sum(sizes) - half])

    def reload(self) -> None:
        if self.state is not None:
            self.state = load_state(self.ctx.ws, self.state.id)
            self._refresh_view()

    def _refresh_view(self) -> None:
        state = self.state
        assert state is not None
        lang = language()
        mode = tr("open (明查)") if state.mode == "open" else tr("covert (暗访)")
        co = tr(", with {name}", name=state.co_inspector) if state.co_inspector else ""
        title = short_title(state.checklist.title.get(lang))  # the full title wraps to many lines on a laptop
        when = state.started_at[:16].replace("T", " ")
        self.header.setText(f"<b>{escape(state.department)}</b> · {mode}<br>{escape(title)}")
        self.header.setToolTip(f"{state.department} · {state.checklist.title.get(lang)} · {mode}\n"
                               f"{tr('Inspector')}: {state.inspector}{co} · {when}")
        self.entries_model.set_entries(state.entries)
        self._show_numbers()

    def _entries_changed(self, deduction_ids: list[str]) -> None:
        """The few entries just stored, read back and shown without reloading the inspection."""
        assert self.state is not None
        replaced, appended = update_entries(self.ctx.ws, self.state, deduction_ids)
        self.entries_model.update_entries(self.state.entries, replaced, appended)
        self._show_numbers()

    def _entries_recorded(self, deduction_ids: list[str]) -> None:
        """Entries just recorded, shown from the rows the recorder wrote (one inserted row, no read back)."""
        assert self.state is not None
        recorded = self.recorder.last_recorded
        appended = None
        if [row.deduction["id"] for row in recorded] == deduction_ids:
            appended = add_recorded(self.state, recorded)
        if appended is None:  # a measured value, or someone not in this department's roster: read them
            self._entries_changed(deduction_ids)
            return
        self.entries_model.update_entries(self.state.entries, [], appended)
        self._show_numbers()

    def _show_numbers(self) -> None:
        """Running total, the newest row in view, item marks, subtotals and the preview, from the state."""
        state = self.state
        assert state is not None
        if isinstance(state.checklist.scoring, ScoredScoring):
            self.total.setText(tr("Score {score:g} (deducted {points:g})", score=state.score.score or 0,
                                  points=state.score.total))
        else:
            self.total.setText(tr("Deducted {points:g} points", points=state.score.total))
        self.entries.scrollToBottom()
        self.items.mark(state.item_counts)
        parts = [f"{who} {deduction_text(points) if points else tr('no points')}" for who, points in state.subtotals]
        self.subtotals.setText(tr("Subtotals: {list}", list="；".join(parts)) if parts else tr("Nothing deducted yet."))
        self._update_preview()

    # -- item and entry form ------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.items.search.setFocus()
        self.items.search.selectAll()

    def _forget_typing(self) -> None:
        """After an entry is stored, Ctrl+Z means "undo that entry", not "undo my typing in the search box"."""
        search = self.items.search
        search.blockSignals(True)
        _forget_history(search)
        search.blockSignals(False)

    def _show_item(self, code: str) -> None:
        if self.state is None:
            return
        if not code:  # a search that matched nothing well: no item is picked
            self.detail.clear()
            self._update_preview()
            return
        item = self.state.checklist.item(code)
        lang = language()
        basis = item_basis_text(item)
        points = f"{deduction_text(item.points_each)} {tr('points')} / {tr('occurrence')} · " if item.deducts else ""
        lines = [f"<b>{item.code}</b> {item.text.get(lang)}",
                 f"<p>{points}"
                 f"{tr('person') if item.charge_to is ChargeTo.PERSON else tr('department')} · {basis}"
                 + (f" · {tr('cap {cap:g} per inspection', cap=item.cap)}" if item.cap else "") + "</p>"]
        if item.guidance:
            lines.append(f"<p>{item.guidance.get(lang)}</p>")
        for threshold in item.thresholds:
            lines.append(f"<p>{threshold.metric.get(lang)} {threshold.op} {threshold.value:g}"
                         f"{threshold.unit_in(lang, threshold.value)}</p>")
        cited = self.state.checklist.citation(item.source.file, lang)
        lines.append(f"<p style='color:#555'>{tr('Source')}: {escape(cited)} {escape(item.source.section)} "
                     f"「{escape(item.source.quote)}」</p>")
        self.detail.setHtml("".join(lines))
        self.who.item_charges(item.charge_to)
        self.measured.show_item(item, date.today())
        self.count.setEnabled(not item.measured or self.measured.values() is None)
        self._update_preview()

    def _item_chosen(self, code: str) -> None:
        self._show_item(code)
        (self.note if self.charge_department.isChecked() else self.staff).setFocus()
        if self.staff.currentRow() < 0 and self.staff.count():
            self.staff.setCurrentRow(0)

    def selected_staff(self) -> list[str]:
        return self.who.ticked()

    def _update_preview(self) -> None:
        if self._hold_preview:
            return
        code = self.items.current_code()
        self._update_warning(code)
        if self.state is None or not code:
            self.preview_label.setText(tr("Pick an item from the checklist."))
            return
        # the item Enter will record, named: a search that picked something unexpected shows it here
        item = self.state.checklist.item(code)
        text = item.text.get(language())
        named = f"{code} {text[:10]}{'…' if len(text) > 10 else ''}"
        refused = unobservable_reason(item)
        if refused is not None:  # a complaint: the office's register charges it once verified
            self.preview_label.setText(f"{named}: {refused}")
            return
        people = self.selected_staff()
        if not people and not self.charge_department.isChecked():
            self.preview_label.setText(tr("{item}: tick the people responsible, or charge the department.",
                                          item=named))
            return
        count = self.count.value()
        values = self.measured.values()
        self.count.setEnabled(values is None)
        if values is not None:  # a measured value: what it means decides the occurrences
            try:
                outcome = measured_outcome(item, values)
            except AppError as exc:
                self.preview_label.setText(f"{named}: {exc}")
                return
            said = describe(item, values)
            if outcome.passed:
                self.preview_label.setText(f"{named}: {said} → {tr('meets the requirement: kept, nothing deducted')}")
                return
            named, count = f"{named}: {said} → {tr('fails')}", outcome.occurrences
        text = f"{named}: {preview(self.state, code, people, count).text}"
        chosen = self.measured.period()
        if chosen is not None and item.period in ("quarter", "half-year"):  # which month the charge lands in
            text += " · " + tr("{period}: charged once for the department, counted in {month}",
                               period=period_label(chosen), month=landing_month(chosen))
        if self._repeat == (code, people):  # the form is still the repeated entry: say so before Enter
            text = tr("Same as the last entry") + " · " + text
        self.preview_label.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_entry)  # once the children have their new widths

    def _fit_entry(self) -> None:
        """Give the entry form the height its wrapped lines need (warning, preview) before the item details
        above it get any (a splitter only knows minimum sizes, not what wrapped text needs): on a small screen
        at a large font the details fold away rather than the people list being squeezed under the check box."""
        preview = self.preview_label.parentWidget()  # its box: the height the preview's lines need
        key = (self.history_warning.isHidden(), self.history_warning.text(), preview.minimumHeight(),
               preview.width(), tuple(self.middle.sizes()))
        if key == self._fitted:
            return  # nothing that decides the heights changed (it is asked several times per keypress)
        self._fitted = key
        needed = self.entry_box.minimumSizeHint().height()
        for label in (self.history_warning,):  # what its wrapped lines add (the preview's box has its height)
            if not label.isHidden() and label.width() > 0:
                needed += max(0, label.heightForWidth(label.width()) - label.minimumSizeHint().height())
        sizes = self.middle.sizes()
        if needed <= 0 or len(sizes) != 2:
            return
        total, least = sum(sizes), self.info_tabs.minimumSizeHint().height()
        if sizes[1] >= needed and (sizes[0] or total - needed < least):
            return  # fits (or stays folded: there is still no room)
        top = total - needed
        if top < least:
            top = 0  # folded (Ctrl+H brings the history back)
        self.middle.setSizes([top, total - top])

    def _update_warning(self, code: str | None) -> None:
        history = self.history_view.history
        warnings = []
        if self.state is not None and code and history is not None:
            people = self.selected_staff()
            if people or self.charge_department.isChecked():
                names = {member.staff_no: member.name for member in self.state.staff}
                warnings = history.warnings(self.state.checklist.id, code, people, names)
        self.history_warning.setText("⚠ " + " ".join(warnings) if warnings else "")
        self.history_warning.setVisible(bool(warnings))
        self._fit_entry()

    def _reset_entry(self) -> None:
        self._repeat = None
        self.who.reset()
        self.measured.reset()
        self.count.setValue(1)
        _forget_history(self.count.lineEdit())  # no typing history left behind (see _UndoGoesToEntries)
        if self.note.text() or self.note.isUndoAvailable() or self.note.isRedoAvailable():
            self.note.setText("")  # unlike clear(), also drops the note's undo history
        self.photos = []
        if self.photo_list.count():  # clearing an empty list still re-lays it out and paints it again
            self.photo_list.clear()

    # -- actions ------------------------------------------------------------------------------------------
    def repeat_last(self) -> bool:
        """Ctrl+D: the form filled with the last entry's item and people (a new time, the note empty), shown
        in the preview; Enter in the note records it. False when there is no entry to repeat."""
        if self.state is None:
            return False
        last = last_entry(self.state)
        if last is None:
            show_error(self, tr("Nothing recorded in this inspection yet: there is no last entry to repeat."))
            return False
        code, people = last
        self._reset_entry()
        search = self.items.search
        if search.text():
            search.clear()  # a search may hide the item
        self._forget_typing()
        self.items.select(code)
        self._show_item(code)
        if people:
            for staff_no in people:
                self.who.tick(staff_no)
        else:
            self.charge_department.setChecked(True)
        self._repeat = (code, self.selected_staff())
        self._update_preview()
        self.note.setFocus()
        return True

    def record(self) -> bool:
        """Record the entry in the form; True when it was stored."""
        if self.state is None:
            return False
        code = self.items.current_code()
        if not code:
            show_error(self, tr("Pick an item from the checklist first."))
            return False
        people = self.selected_staff()
        if not people and not self.charge_department.isChecked():
            show_error(self, tr("Tick the people responsible, or charge the department."))
            return False
        try:
            ids = self._store(code, people)
        except AppError as exc:
            show_error(self, str(exc))
            return False
        if not ids:  # a measured value that met the requirement: kept, nothing to undo or list
            self.ctx.changes.inspections.emit()
            self._reset_entry()
            self.preview_label.setText(tr("{item}: the measured value meets the requirement and was kept.",
                                          item=code))
            self.focus_search()
            return True
        who = "、".join(people) if people else self.state.department
        self.undo_stack.push(RecordCommand(tr("record {code} ({who})", code=code, who=who), self.recorder, ids,
                                           self._changed))
        self._hold_preview = True  # the form's reset would remake the preview; _show_numbers makes it once
        try:
            self._reset_entry()
        finally:
            self._hold_preview = False
        self._entries_recorded(ids)
        self.ctx.changes.inspections.emit()
        self._forget_typing()
        self.focus_search()
        return True

    def _store(self, code: str, people: list[str]) -> list[str]:
        """Record the form: a measured value (a deduction only when it fails), or a counted entry."""
        assert self.state is not None
        values = self.measured.values()
        if values is not None:
            if len(people) > 1:
                raise InputError.single(tr("measured value"), tr("a measured value charges one person at most"))
            result = record_measurement(self.recorder, self.state.id, NewMeasurement(
                code, values, people[0] if people else None, self.measured.period(), self.note.text()))
            return list(result.deduction_ids)
        return self.recorder.record(self.state.id, NewDeduction(code, people, self.count.value(), self.note.text(),
                                                                list(self.photos), period=self.measured.period()))

    def void_selected(self) -> None:
        rows = {index.row() for index in self.entries.selectionModel().selectedRows()}
        entries = [self.entries_model.entry(row) for row in sorted(rows)]
        entries = [e for e in entries if e is not None and not e.voided]
        if not entries:
            return
        reason, ok = QInputDialog.getText(self, tr("Void deduction"), tr("Why is this entry void?"))
        if not ok:
            return
        if not reason.strip():
            show_error(self, tr("a reason is required to void an entry"))
            return
        try:
            for entry in entries:
                self.recorder.void(entry.id, reason)
        except AppError as exc:
            show_error(self, str(exc))
            self._changed()
            return
        self.undo_stack.push(VoidCommand(tr("void {count} entries", count=len(entries)), self.recorder,
                                         [e.id for e in entries], reason, self._changed))
        self._changed()

    def _changed(self) -> None:
        self.reload()
        self.ctx.changes.inspections.emit()

    def _add_photo_file(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, tr("Add photo"), str(Path.home()),
                                                tr("Images ({patterns})", patterns=IMAGE_PATTERNS))
        for name in files:
            self._add_photo(Path(name))

    def _paste_photo(self) -> None:
        image = QApplication.clipboard().image()
        if image.isNull():
            show_error(self, tr("The clipboard holds no picture."))
            return
        folder = self.ctx.ws.data_dir / "tmp"
        folder.mkdir(exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=folder, suffix=".png", delete=False)
        handle.close()
        image.save(handle.name, "PNG")
        self._add_photo(Path(handle.name))

    def selected_entry(self):  # noqa: ANN201 - an Entry or None
        index = self.entries.currentIndex()
        return self.entries_model.entry(index.row()) if index.isValid() else None

    def import_photos(self, folder: Path | None = None) -> None:
        """Photos from a folder (a camera card read after the round) attached to the entry selected in the
        table: pick the folder, tick the files; the core checks them all first and attaches all or none."""
        from inspector_app.gui.widgets.photo_import import PhotoImportDialog

        entry = self.selected_entry()
        if self.state is None or entry is None or entry.voided:
            show_error(self, tr("Select a recorded entry in the table first (Tab to the entries, arrow keys), "
                                "then attach photos to it."))
            return
        if folder is None:
            name = QFileDialog.getExistingDirectory(self, tr("Folder with the photos (camera card)"),
                                                    str(Path.home()))
            if not name:
                return
            folder = Path(name)
        dialog = PhotoImportDialog(folder, f"{entry.item_code} {entry.who}", self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            chosen = dialog.chosen()
        finally:
            dialog.deleteLater()  # not left behind as a child of the page
        if not chosen:
            show_error(self, tr("No file was ticked: nothing attached."))
            return
        recorder, entry_id = self.recorder, entry.id

        def done(ids: list[str]) -> None:
            if self.state is not None:
                self._entries_changed([entry_id])
            self.ctx.changes.inspections.emit()
            window = self.window()
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage(tr("{count} photos attached.", count=len(ids)), 8000)

        self.ctx.ops.run(tr("Attaching photos"), lambda progress: recorder.attach_photos(entry_id, chosen),
                         on_done=done, on_error=lambda message: show_error(self, message), cancellable=False)

    def _add_photo(self, path: Path) -> None:
        self.photos.append(path)
        self.photo_list.addItem(path.name)
