"""Starting an inspection (checklist, department/window, co-inspector, 明查/暗访, location) or resuming a draft.

The page reads its choices either from the open workspace or, during a cold start, from the start snapshot
(core/start_snapshot.py) while the workspace is still opening; nothing here imports the store at module
level, so the quick start window can show this page before SQLAlchemy has loaded.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import Signal
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
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import language, tr
from inspector_app.core.start_snapshot import Choice, StartSnapshot, snapshot_of
from inspector_app.gui.messages import show_error
from inspector_app.gui.widgets.buttons import button_row, push_button
from inspector_app.gui.widgets.combo import compact_combo
from inspector_app.gui.widgets.pinyin_completer import PinyinCompletion

if TYPE_CHECKING:
    from PySide6.QtGui import (
        QShowEvent,  # an annotation only: making the class costs the quick start ~30 ms
    )

    from inspector_app.gui.context import GuiContext

# Qt.ItemDataRole.UserRole + 1. This page is on the quick start path, where nothing touches the Qt enum
# namespace: its first use costs ~25 ms, a sixth of a bare window's start (see _no_sideways_scrolling).
ID_ROLE = 0x0100 + 1
_TITLE_ENDS = re.compile(r"\s+—\s+|（|\(")


def short_title(title: str) -> str:
    """A checklist's title without its explanation: "优质服务提升行动考核（扣分细则）" → "优质服务提升行动考核",
    "Service improvement campaign — deduction rules" → "Service improvement campaign"."""
    return _TITLE_ENDS.split(title, maxsplit=1)[0].strip() or title


class StartForm(NamedTuple):  # not a dataclass: see core/start_snapshot.py
    """What the user has chosen or typed so far (handed from the quick start window to the real one)."""

    checklist: str | None
    department: str | None
    co_inspector: str
    location: str
    covert: bool
    pending: tuple[str, str | None] | None  # ("start", None) or ("open", inspection id) asked before ready


class SnapshotStartPage(QWidget):
    """The page without its refresh on show: the quick start window shows it as it is (StartPage below)."""

    opened = Signal(str)  # inspection id (new or resumed)
    waiting = Signal()  # quick mode: the user asked to start or resume before the workspace was open

    def __init__(self, ctx: GuiContext | None, parent: QWidget | None = None, *,
                 snapshot: StartSnapshot | None = None):
        super().__init__(parent)
        self.ctx, self.snapshot = ctx, snapshot
        self.pending: tuple[str, str | None] | None = None
        self.checklist = compact_combo()
        self.checklist.setAccessibleName(tr("Checklist"))
        self.department = compact_combo()
        self.department.setEditable(True)
        self.department.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.department.setAccessibleName(tr("Department / window"))
        self.department_search = PinyinCompletion(self.department)  # "ghsf" finds 挂号收费窗口
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
        start = push_button(tr("Start inspection"), tr("Start inspection"), self.start, default=True)
        self.checklist.currentIndexChanged.connect(lambda _: self._fill_departments())
        for field in (self.co_inspector, self.location):  # Enter in the last fields starts, as the button does
            field.returnPressed.connect(self.start)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # labels go above when space is short
        form.addRow(tr("Checklist"), self.checklist)
        form.addRow(tr("Department / window"), self.department)
        form.addRow(tr("Mode"), mode_row)
        form.addRow(tr("Co-inspector"), self.co_inspector)
        form.addRow(tr("Location / ward"), self.location)
        form.addRow(tr("Inspector"), self.inspector)
        new_box = QGroupBox(tr("New inspection"))
        new_layout = QVBoxLayout(new_box)
        new_layout.addLayout(form)
        new_layout.addStretch(1)
        new_layout.addLayout(button_row(start))

        self.drafts = QListWidget()
        self.drafts.setAccessibleName(tr("Unfinished inspections"))
        # a long label is cut with "…" (the view's default elide mode), never scrolled sideways
        if ctx is not None:  # (the quick start window lives for a moment: it does without)
            self._no_sideways_scrolling()
        self.drafts.itemActivated.connect(lambda item: self._open(item.data(ID_ROLE)))
        self.no_drafts = QLabel(tr("No unfinished inspections"))
        self.resume = push_button(tr("Continue selected"), tr("Continue the selected unfinished inspection"),
                                  self._resume)
        drafts_box = QGroupBox(tr("Unfinished inspections"))
        drafts_layout = QVBoxLayout(drafts_box)
        drafts_layout.addWidget(self.drafts, 1)
        drafts_layout.addWidget(self.no_drafts)
        drafts_layout.addStretch(0)  # keeps the line at the top; the list, when shown, takes the space
        drafts_layout.addLayout(button_row(self.resume))

        layout = QHBoxLayout(self)
        layout.addWidget(new_box, 3)
        layout.addWidget(drafts_box, 2)
        if ctx is not None:
            ctx.changes.inspections.connect(self._inspections_changed)
            ctx.changes.roster.connect(self._fill_departments)
            ctx.changes.settings.connect(self._show_inspector)
        self.refresh()

    def _no_sideways_scrolling(self) -> None:
        from PySide6.QtCore import Qt

        self.drafts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    # -- where the choices come from: the open workspace, or the snapshot while it opens -----------------
    def _checklist_choices(self) -> list[Choice]:
        if self.ctx is None:
            return [Choice(c.id, c.label) for c in self.snapshot.checklists] if self.snapshot else []
        lang = language()
        return [Choice(c.id, c.title.get(lang)) for c in self.ctx.ws.library if not c.training]

    def _department_choices(self, checklist_id: str) -> list[Choice]:
        if self.ctx is None:
            return list(self.snapshot.departments(checklist_id)) if self.snapshot else []
        from inspector_app.core.roster_store import current_roster, departments_for

        return [Choice(d.code, f"{d.name}（{d.kind.label}）")
                for d in departments_for(self.ctx.ws.library.get(checklist_id), current_roster(self.ctx.ws))]

    def _draft_choices(self) -> list[Choice]:
        if self.ctx is None:
            return list(self.snapshot.drafts) if self.snapshot else []
        # core.errors not at the top: see start() below
        from inspector_app.core.errors import AppError
        from inspector_app.core.inspections import InspectionFilter, list_inspections

        library, lang = self.ctx.ws.library, language()

        def title(checklist_id: str) -> str:
            try:
                return short_title(library.get(checklist_id).title.get(lang))
            except AppError:  # a checklist no longer in the library: its id is all there is
                return checklist_id

        # compact, so it fits the list; the same label goes into the start snapshot for the quick window
        return [Choice(row.id, " · ".join((row.started_at[:16].replace("T", " "), row.department,
                                           title(row.checklist_id), tr("{count} entries", count=row.deductions))))
                for row in list_inspections(self.ctx.ws, InspectionFilter(status="draft"))]

    def _inspector_text(self) -> str:
        if self.ctx is None:
            text = self.snapshot.inspector if self.snapshot else ""
        else:
            profile = self.ctx.ws.settings.inspector
            text = f"{profile.name}（{profile.staff_no}）" if profile.name else ""
        return text or tr("not set — enter your name in Settings")

    def current_snapshot(self) -> StartSnapshot:
        """What this page shows, for the next cold start (only with an open workspace)."""
        assert self.ctx is not None
        self._fresh_drafts()
        drafts = tuple(Choice(self.drafts.item(i).data(ID_ROLE), self.drafts.item(i).text())
                       for i in range(self.drafts.count()))
        return snapshot_of(self.ctx.ws, language(), drafts)

    # -- filling the page ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.checklist.blockSignals(True)
        self.checklist.clear()
        for choice in self._checklist_choices():
            self.checklist.addItem(choice.label, choice.id)
        self.checklist.blockSignals(False)
        self._fill_departments()
        self._show_inspector()
        self.refresh_drafts()

    def _show_inspector(self) -> None:
        self.inspector.setText(self._inspector_text())

    def _fill_departments(self) -> None:
        checklist_id = self.checklist.currentData()
        if not checklist_id:
            return
        current = self.department.currentData()
        self.department.clear()
        for choice in self._department_choices(checklist_id):
            self.department.addItem(choice.label, choice.id)
        index = self.department.findData(current)
        if index >= 0:
            self.department.setCurrentIndex(index)
        if self.department_search.completer is not None:
            self.department_search.rebuild()

    def _inspections_changed(self) -> None:
        """Hidden while recording: the drafts are listed again when the page shows (a query per keypress
        for a list nobody sees would slow every entry)."""
        if self.isVisible():
            self.refresh_drafts()
        else:
            self._drafts_stale = True

    def _fresh_drafts(self) -> None:
        if getattr(self, "_drafts_stale", False):
            self.refresh_drafts()

    def refresh_drafts(self) -> None:
        self._drafts_stale = False
        self.drafts.clear()
        for choice in self._draft_choices():
            item = QListWidgetItem(choice.label)
            item.setData(ID_ROLE, choice.id)
            item.setToolTip(choice.label)  # in full, when the list is too narrow for it
            self.drafts.addItem(item)
        any_draft = self.drafts.count() > 0  # no empty white box: a plain line says there are none
        self.drafts.setVisible(any_draft)
        self.resume.setVisible(any_draft)
        self.no_drafts.setVisible(not any_draft)

    # -- handing over from the quick start window ------------------------------------------------------------
    def form(self) -> StartForm:
        return StartForm(self.checklist.currentData(), self.department.currentData(), self.co_inspector.text(),
                         self.location.text(), self.covert_mode.isChecked(), self.pending)

    def take_over(self, form: StartForm) -> None:
        """Carry on with what the user did in the quick start window: choices, typing, a start asked for."""
        for combo, wanted in ((self.checklist, form.checklist), (self.department, form.department)):
            index = combo.findData(wanted)
            if index >= 0:
                combo.setCurrentIndex(index)
        self.co_inspector.setText(form.co_inspector)
        self.location.setText(form.location)
        (self.covert_mode if form.covert else self.open_mode).setChecked(True)
        if form.pending == ("start", None):
            self.start()
        elif form.pending is not None and form.pending[1]:
            self.opened.emit(form.pending[1])

    def _open(self, inspection_id: str) -> None:
        if self.ctx is None:
            self._wait(("open", inspection_id))
        else:
            self.opened.emit(inspection_id)

    def _wait(self, action: tuple[str, str | None]) -> None:
        self.pending = action
        self.waiting.emit()

    def latest_draft(self) -> str | None:
        self._fresh_drafts()
        return self.drafts.item(0).data(ID_ROLE) if self.drafts.count() else None

    def _resume(self) -> None:
        item = self.drafts.currentItem() or (self.drafts.item(0) if self.drafts.count() else None)
        if item is not None:
            self._open(item.data(ID_ROLE))

    def start(self) -> None:
        if self.ctx is None:
            self._wait(("start", None))
            return
        # core.errors not at the top: its dataclass (Problem) and the dataclasses module cost the quick start ~7 ms
        from inspector_app.core.errors import AppError
        from inspector_app.core.recording import NewInspection, Recorder

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


class StartPage(SnapshotStartPage):
    """The page over the open workspace: the drafts are listed again when it shows, if they changed meanwhile.

    Not in the quick start window: a Python showEvent makes Qt's QShowEvent and QEvent.Type classes at the first
    show (~8 ms of the quick start, a twentieth of a bare window's start)."""

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._fresh_drafts()
