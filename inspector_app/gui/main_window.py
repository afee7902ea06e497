"""The main window: navigation, the pages, menus with shortcuts, and the status bar.

The window owns no data: pages read through the core and announce changes on `ctx.changes`. Changing the
language rebuilds the pages in place (the open inspection stays open).
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import (
    language,
    set_language,
    stop_recording,
    tr,
    translations_of,
)
from inspector_app.core.start_snapshot import write_snapshot
from inspector_app.gui.context import GuiContext
from inspector_app.gui.geometry import default_geometry, fits, free_area
from inspector_app.gui.imports import ImportActions
from inspector_app.gui.messages import show_error
from inspector_app.gui.navigation import PAGES
from inspector_app.gui.office_dialog import add_office_menu
from inspector_app.gui.operations import Operation
from inspector_app.gui.pages.record_page import RecordPage
from inspector_app.gui.pages.start_page import StartPage
from inspector_app.gui.reports import ReportActions
from inspector_app.gui.shortcuts import SHORTCUTS, ShortcutSheet
from inspector_app.gui.style import styled
from inspector_app.gui.sync_actions import SyncActions
from inspector_app.gui.training import TrainingMode, add_training_menu

if TYPE_CHECKING:
    from inspector_app.gui.pages.history_page import HistoryPage
    from inspector_app.gui.pages.rectification_page import RectificationPage
    from inspector_app.gui.pages.settings_page import SettingsPage
    from inspector_app.gui.pages.summary_page import SummaryPage
    from inspector_app.gui.pages.todo_page import TodoPage

# pages 1-5, in PAGES order: module and class, imported and built on first show (start-up pays for neither)
LAZY_PAGES = (("history_page", "HistoryPage"), ("rectification_page", "RectificationPage"),
              ("summary_page", "SummaryPage"), ("todo_page", "TodoPage"), ("settings_page", "SettingsPage"))
TODO_PAGE = 4

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    inspection_finished = Signal(str)  # documents (signing, printing) hook in here

    def __init__(self, ctx: GuiContext):
        super().__init__()
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.undo_stack = QUndoStack(self)
        self.imports = ImportActions(ctx, self)
        self.syncing = SyncActions(ctx, self)
        self.reports = ReportActions(ctx, self, self._selected_inspection)
        self._language = language()
        self._start_messages: frozenset[str] | None = None  # see save_start_snapshot
        self.share_timer = QTimer(self)
        self.share_timer.setInterval(30_000)
        self.share_timer.start()
        self.syncing.share_state.connect(self.show_share_state)  # looked at off the GUI thread (sync_actions)
        ctx.ops.started.connect(self._operation_started)
        ctx.ops.error.connect(lambda message: show_error(self, message))
        ctx.changes.settings.connect(self._settings_changed)
        ctx.changes.sync.connect(self.update_sync_status)
        self.training = TrainingMode(self)
        self._build()
        self.syncing.start(self.share_timer)  # automatic sync when the share becomes reachable
        self._restore_geometry()
        draft = self.start_page.latest_draft()
        if draft:  # an unfinished inspection reopens where it was
            self.open_inspection(draft)

    # -- building -----------------------------------------------------------------------------------------
    def _build(self, inspection_id: str | None = None) -> None:
        self.setWindowTitle(tr("Service inspection — {hospital}", hospital=self.ctx.ws.settings.hospital))
        self.nav = QListWidget()
        styled(self.nav, "nav")
        self.nav.setAccessibleName(tr("Sections of the app"))
        self.nav.addItems([tr(name) for name in PAGES])
        self.nav.ensurePolished()  # the style sheet's font and padding, before measuring the names
        self.nav.setFixedWidth(max(110, self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 12))
        self.start_page = StartPage(self.ctx)
        self.record_page = RecordPage(self.ctx, self.undo_stack)
        self.inspect = QStackedWidget()
        self.inspect.addWidget(self.start_page)
        self.inspect.addWidget(self.record_page)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.inspect)
        self._built: dict[int, QWidget] = {0: self.inspect}
        for _ in LAZY_PAGES:  # built on first show: start-up does not pay for pages nobody opened yet
            self.pages.addWidget(QWidget())
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        old = self.centralWidget()
        self.setCentralWidget(central)
        if old is not None:
            old.deleteLater()
        self.nav.currentRowChanged.connect(self._show_page)
        self.start_page.opened.connect(self.open_inspection)
        self.record_page.finish_requested.connect(self.finish_inspection)
        self._build_menus()
        self._build_status_bar()
        self.training.apply()  # banner, title and colour in training mode
        self.nav.setCurrentRow(0)
        if inspection_id:
            self.open_inspection(inspection_id)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        file_menu = bar.addMenu(tr("&File"))
        self._action(file_menu, tr("&Send to the share…"), QKeySequence("Ctrl+Shift+S"), self.syncing.sync)
        file_menu.addSeparator()
        self._action(file_menu, tr("Import &roster…"), None, self.imports.import_roster)
        self._action(file_menu, tr("Import &inspections…"), None, self.imports.import_inspections)
        self._action(file_menu, tr("Template for &paper sheets…"), None, self.imports.save_template)
        file_menu.addSeparator()
        self._action(file_menu, tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        inspect_menu = bar.addMenu(tr("&Inspection"))
        self._action(inspect_menu, tr("&New inspection"), QKeySequence.StandardKey.New, self.new_inspection)
        self._action(inspect_menu, tr("&Finish inspection…"), QKeySequence("Ctrl+Shift+Return"),
                     lambda: self.record_page.state and self.finish_inspection(self.record_page.state.id))
        self._action(inspect_menu, tr("Search items"), QKeySequence.StandardKey.Find, self._search)
        self._action(inspect_menu, tr("Department &history"), QKeySequence("Ctrl+H"), self._toggle_history)
        self._action(inspect_menu, tr("Same as &last entry"), QKeySequence("Ctrl+D"), self._repeat_last)
        self._action(inspect_menu, tr("&Photos from a folder…"), QKeySequence("Ctrl+Shift+P"), self._import_photos)
        self._action(inspect_menu, tr("&Discard this draft…"), None, lambda: self.discard_draft())
        edit_menu = bar.addMenu(tr("&Edit"))
        undo = self.undo_stack.createUndoAction(self, tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, tr("&Redo"))
        # the platform's redo keys plus Ctrl+Y, each once (on Linux the platform's list has Ctrl+Y already, and
        # a key listed twice on one action is ambiguous: Qt then fires nothing)
        redo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo) + [QKeySequence("Ctrl+Y")]
        redo.setShortcuts(list({k.toString(): k for k in redo_keys}.values()))
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        go_menu = bar.addMenu(tr("&Go"))
        for index, name in enumerate(PAGES):
            self._action(go_menu, tr(name), QKeySequence(f"Ctrl+{index + 1}"),
                         lambda checked=False, i=index: self.nav.setCurrentRow(i))
        follow_menu = bar.addMenu(tr("&Rectification"))  # the Rectification page's buttons, by key
        self._action(follow_menu, tr("&Mark rectified…"), QKeySequence("Ctrl+Shift+M"),
                     lambda: self._rectification_action("mark"))
        self._action(follow_menu, tr("Re-inspection: &fixed"), QKeySequence("Ctrl+Shift+F"),
                     lambda: self._rectification_action("fixed"))
        self._action(follow_menu, tr("Re-inspection: &not fixed…"), QKeySequence("Ctrl+Shift+N"),
                     lambda: self._rectification_action("not_fixed"))
        documents_menu = bar.addMenu(tr("&Documents"))
        self.sign_action = self._action(documents_menu, tr("&Sign inspection sheet…"), None,
                                        lambda: self.reports.sign_sheet(prefer_selected=self.nav.currentRow() == 1))
        self._action(documents_menu, tr("Print &rectification notices…"), None,
                     lambda: self.reports.print_notices(prefer_selected=True))
        self._action(documents_menu, tr("Monthly &bulletin…"), None, self.reports.monthly_bulletin)
        self._action(documents_menu, tr("&Countersign a sheet…"), None, self.countersign)
        self._action(documents_menu, tr("&Export the monthly summary (XLSX)…"), None,
                     lambda: (self.nav.setCurrentRow(3), self.summary_page.export_xlsx()))
        add_training_menu(self, bar)
        add_office_menu(self, bar)  # 办公室: merge batches (gui/office_dialog.py)
        help_menu = bar.addMenu(tr("&Help"))
        self._action(help_menu, tr("&Keyboard shortcuts"), QKeySequence.StandardKey.HelpContents, self.show_shortcuts)
        self._action(help_menu, tr("&About"), None, self._about)

    def countersign(self) -> QDialog:
        """Documents → Countersign a sheet… (a department head's 会签, gui/countersign_dialog.py)."""
        from inspector_app.gui.countersign_dialog import CountersignDialog

        dialog = CountersignDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_shortcuts(self) -> ShortcutSheet:
        """F1: every key of the window, read from its actions (window-modal, the loop keeps running)."""
        sheet = ShortcutSheet(self)
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.open()
        return sheet

    def _action(self, menu, text: str, shortcut, slot) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_status_bar(self) -> None:
        bar = styled(self.statusBar())
        for child in bar.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.objectName().startswith("status_"):
                bar.removeWidget(child)
                child.deleteLater()
        self.share_label = QLabel()
        self.share_label.setObjectName("status_share")
        self.pending_label = QLabel()
        self.pending_label.setObjectName("status_pending")
        self.sync_label = QLabel()
        self.sync_label.setObjectName("status_sync")
        for label in (self.share_label, self.pending_label, self.sync_label):
            bar.addPermanentWidget(label)
        self.update_share_status()
        self.update_sync_status()

    # -- status -------------------------------------------------------------------------------------------
    def update_share_status(self) -> None:
        """Show the last look at the share, and take a new one (off the GUI thread: sync_actions.py)."""
        self.show_share_state(self.syncing.state)
        self.syncing.check_share()

    def show_share_state(self, state: str) -> None:
        texts = {"unset": tr("Share: not set"), "checking": tr("Share: checking…"),
                 "reachable": tr("Share: reachable"), "unreachable": tr("Share: not reachable"),
                 "not_answering": tr("Share: not answering (network?)")}
        self.share_label.setText(texts.get(state, texts["checking"]))
        self.share_label.setToolTip(self.ctx.ws.settings.share_folder or "")

    def update_sync_status(self) -> None:
        from inspector_app.core.sync.status import sync_status

        status = sync_status(self.ctx.ws)
        self.pending_label.setText(tr("Waiting to send: {count} inspections", count=status.waiting))
        when = status.last_sync.astimezone().strftime("%Y-%m-%d %H:%M") if status.last_sync else None
        self.sync_label.setText(tr("Last sync: {when}", when=when) if when else tr("Last sync: never"))

    def _operation_started(self, operation: Operation) -> None:
        bar = QProgressBar()
        bar.setObjectName("status_progress")
        bar.setMaximumWidth(180)
        bar.setRange(0, 0)
        bar.setFormat(operation.label)
        bar.setAccessibleName(operation.label)
        cancel = QToolButton()
        cancel.setText(tr("Cancel"))
        cancel.setAccessibleName(tr("Cancel {what}", what=operation.label))
        cancel.setEnabled(operation.cancellable)
        cancel.clicked.connect(operation.cancel)
        self.statusBar().addWidget(bar)
        self.statusBar().addWidget(cancel)
        operation.progress.connect(lambda done, total: (bar.setRange(0, max(total, 1)), bar.setValue(done)))

        def remove() -> None:
            for widget in (bar, cancel):
                self.statusBar().removeWidget(widget)
                widget.deleteLater()

        operation.finished.connect(remove)

    # -- navigation and inspections -----------------------------------------------------------------------
    def page(self, index: int) -> QWidget:
        """The page at `index`, built the first time it is needed."""
        if index not in self._built:
            module, name = LAZY_PAGES[index - 1]
            page = getattr(importlib.import_module(f"inspector_app.gui.pages.{module}"), name)(self.ctx)
            placeholder = self.pages.widget(index)
            self.pages.insertWidget(index, page)
            self.pages.removeWidget(placeholder)
            placeholder.deleteLater()
            self._built[index] = page
            if index == TODO_PAGE:  # its rows open places the window owns
                page.open_draft.connect(self.open_inspection)
                page.show_rectification.connect(self.show_rectification)
                page.discard_draft.connect(self.discard_draft)
            return page
        return self._built[index]

    @property
    def history_page(self) -> HistoryPage:
        return self.page(1)  # type: ignore[return-value]

    @property
    def rectification_page(self) -> RectificationPage:
        return self.page(2)  # type: ignore[return-value]

    @property
    def summary_page(self) -> SummaryPage:
        return self.page(3)  # type: ignore[return-value]

    @property
    def todo_page(self) -> TodoPage:
        return self.page(TODO_PAGE)  # type: ignore[return-value]

    @property
    def settings_page(self) -> SettingsPage:
        return self.page(5)  # type: ignore[return-value]

    def _show_page(self, index: int) -> None:
        fresh = index not in self._built
        page = self.page(index)
        self.pages.setCurrentIndex(index)
        refresh = getattr(page, "refresh", None)
        if callable(refresh) and page is not self.inspect and not fresh:
            refresh()

    def _rectification_action(self, which: str) -> None:
        """A Rectification menu command: on the items selected on that page (shown first, table focused)."""
        self.nav.setCurrentRow(2)
        page = self.rectification_page
        if not page.selected_ids():
            page.table.setFocus()
            if page.model.rowCount() and not page.table.currentIndex().isValid():
                page.table.selectRow(0)
            self.statusBar().showMessage(tr("Select the items on the Rectification page (arrow keys), then "
                                            "choose the command again."), 8000)
            return
        if which == "mark":
            page.mark_rectified()
        else:
            page.reinspect(which == "fixed")

    def show_rectification(self, rectification_id: str) -> None:
        """The Rectification page with this item selected and the table focused (a to-do row's Enter)."""
        self.nav.setCurrentRow(2)
        page = self.rectification_page
        if page.model.row_of(rectification_id) < 0:  # hidden by a filter: show everything
            page.status.setCurrentIndex(0)
            page.department.setCurrentIndex(0)
        page.select_ids([rectification_id])
        row = page.model.row_of(rectification_id)
        if row >= 0:
            page.table.setCurrentIndex(page.model.index(row, 0))
            page.table.scrollTo(page.model.index(row, 0))
        page.table.setFocus()

    def _toggle_history(self) -> None:
        if self.inspect.currentWidget() is self.record_page and self.record_page.state is not None:
            self.nav.setCurrentRow(0)
            self.record_page.toggle_history()

    def _import_photos(self) -> None:
        if self.inspect.currentWidget() is self.record_page and self.record_page.state is not None:
            self.nav.setCurrentRow(0)
            self.record_page.import_photos()
        else:
            show_error(self, tr("Open the unfinished inspection first (Inspect page), then select the entry."))

    def _repeat_last(self) -> None:
        if self.inspect.currentWidget() is self.record_page and self.record_page.state is not None:
            self.nav.setCurrentRow(0)
            self.record_page.repeat_last()

    def _search(self) -> None:
        if self.inspect.currentWidget() is self.record_page:
            self.nav.setCurrentRow(0)
            self.record_page.focus_search()

    def new_inspection(self) -> None:
        self.nav.setCurrentRow(0)
        self.inspect.setCurrentWidget(self.start_page)
        self.start_page.checklist.setFocus()

    def open_inspection(self, inspection_id: str) -> None:
        try:
            self.record_page.open_inspection(inspection_id)
        except AppError as exc:
            show_error(self, str(exc))
            return
        self.nav.setCurrentRow(0)
        self.inspect.setCurrentWidget(self.record_page)

    def discard_draft(self, inspection_id: str | None = None, department: str | None = None) -> bool:
        """Discard a draft (started by mistake) with a reason: the core keeps it, voided and audited. Without
        an id: the draft open on the Inspect page (Inspection menu); with one: a draft from the to-do list."""
        from PySide6.QtWidgets import QInputDialog

        from inspector_app.core.recording import Recorder

        state = self.record_page.state if self.inspect.currentWidget() is self.record_page else None
        if inspection_id is None:
            if state is None:
                show_error(self, tr("Open the unfinished inspection to discard first (Inspect page)."))
                return False
            inspection_id, department = state.id, state.department
        reason, ok = QInputDialog.getText(
            self, tr("Discard this draft"),
            tr("Discard the unfinished inspection of {department}? It is kept, voided, with the reason.\n"
               "Why is it discarded?", department=department or ""))
        if not ok:
            return False
        try:
            Recorder(self.ctx.ws).discard(inspection_id, reason)
        except AppError as exc:
            show_error(self, str(exc))
            return False
        open_here = self.record_page.state is not None and self.record_page.state.id == inspection_id
        if open_here:
            self.undo_stack.clear()
            self.record_page.state = None
            self.inspect.setCurrentWidget(self.start_page)
        self.ctx.changes.inspections.emit()
        self.ctx.changes.rectifications.emit()
        self.statusBar().showMessage(tr("Draft discarded."), 8000)
        if open_here and self.nav.currentRow() == 0:
            self.start_page.checklist.setFocus()
        return True

    def finish_inspection(self, inspection_id: str) -> None:
        from inspector_app.core.inspection_state import load_state
        from inspector_app.core.recording import Recorder
        from inspector_app.gui.pages.review_dialog import ReviewDialog

        state = load_state(self.ctx.ws, inspection_id)
        dialog = ReviewDialog(state, self, self.ctx.thumbnails)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            Recorder(self.ctx.ws).finish(inspection_id)
        except AppError as exc:
            show_error(self, str(exc))
            return
        self.undo_stack.clear()
        self.record_page.state = None
        self.inspect.setCurrentWidget(self.start_page)
        self.ctx.changes.inspections.emit()
        self.ctx.changes.rectifications.emit()
        self.ctx.changes.sync.emit()
        self.statusBar().showMessage(tr("Inspection finished and locked."), 8000)
        self.inspection_finished.emit(inspection_id)
        self.reports.after_finish(inspection_id)  # sign now, or later from History

    def _selected_inspection(self) -> str | None:
        """The inspection selected on the History page (when that page was ever shown); a draft is refused
        by the action itself, with the reason."""
        if 1 not in self._built:
            return None
        row = self.history_page.selected_row()
        return row.id if row is not None else None

    # -- settings, language, geometry -----------------------------------------------------------------------
    def _settings_changed(self) -> None:
        from inspector_app.gui.fonts import install_font

        self.update_share_status()
        app = QApplication.instance()
        font_changed = isinstance(app, QApplication) and app.font().pointSize() != self.ctx.ws.settings.font_size
        if font_changed:
            install_font(app, self.ctx.ws.settings.font_size)  # at once: font and style sheet sizes together
        wanted = self.ctx.ws.settings.language
        if wanted != self._language or font_changed:  # rebuilt: widths measured from text are measured again
            self._language = set_language(wanted)
            current = self.record_page.state.id if self.record_page.state else None
            page = self.nav.currentRow()
            self._build(current)
            self.nav.setCurrentRow(page)
        if font_changed and not self.isMaximized() and not fits(self.geometry(), self.available_area()):
            self.fit_to(self.available_area())

    def available_area(self) -> QRect:
        """The free area of the screen the window is on (without taskbar and docks)."""
        return free_area(self)

    def _restore_geometry(self) -> None:
        """The saved geometry when it fits this screen, else one made for it (gui/geometry.py)."""
        saved = self.ctx.ws.settings.window_geometry
        available = self.available_area()
        if saved and self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii"))) and (
                self.isMaximized() or fits(self.geometry(), available)):
            return
        self.fit_to(available)

    def fit_to(self, available: QRect) -> None:
        """Size the window for a screen whose free area is `available` (also after a font change)."""
        rect, maximise = default_geometry(available, self.minimumSizeHint())
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMaximized)
        self.setGeometry(rect)
        if maximise:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def save_start_snapshot(self) -> None:
        """What the start page shows, for the next quick start (gui/quick_start.py); a cache, so a failure
        only means a slower start. It carries the translations this start looked up until now (the first
        save): the next quick start's first screen reads them instead of the catalogs (core/i18n.py preload)."""
        if self._start_messages is None:
            self._start_messages = stop_recording()
        try:
            snapshot = self.start_page.current_snapshot()
            write_snapshot(self.ctx.ws.data_dir,
                           snapshot._replace(messages=translations_of(self._start_messages, snapshot.language)))
        except (AppError, OSError) as exc:
            log.warning("start snapshot not written: %s", exc)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        geometry = bytes(self.saveGeometry().toBase64()).decode("ascii")
        try:
            self.ctx.ws.update_settings(window_geometry=geometry)
        except (AppError, OSError):  # geometry is a convenience: never block closing for it
            pass
        self.save_start_snapshot()
        self.share_timer.stop()
        self.ctx.ops.wait(10_000)
        self.training.close()
        event.accept()

    def _about(self) -> None:
        from inspector_app.gui.desktop import show_about  # version, folders, licences

        show_about(self, self.ctx.ws.data_dir)


__all__ = ["MainWindow", "SHORTCUTS"]
