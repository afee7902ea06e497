"""The office workspace window (办公室工作台): the central database's tabs, and the one place their work runs.

Thin: every figure comes from inspector_app/office (browse, department, overview, month, …). Every query runs
through ctx.ops off the GUI thread; the window shows what is running, with a cancel button, and a tab drops a
result that a newer request of its own has overtaken. A tab is added for each office service that exists.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import language, tr
from inspector_app.core.scoring import MonthlySummary
from inspector_app.gui.context import GuiContext
from inspector_app.gui.geometry import size_on_screen
from inspector_app.gui.messages import show_error
from inspector_app.gui.office.common import CENTRAL_DIR, available, files_dir
from inspector_app.gui.operations import Operation, Progress
from inspector_app.gui.style import styled
from inspector_app.gui.widgets.buttons import push_button

# (tab module in gui/office, class, office service it shows): built only when that service exists
EXTRA_TABS = (("ledger_tab", "LedgerTab", "inspector_app.office.ledger"),
              ("awards_tab", "AwardsTab", "inspector_app.office.awards"),
              ("trends_tab", "TrendsTab", "inspector_app.office.trends"),
              ("complaints_tab", "ComplaintsTab", "inspector_app.office.complaints"),
              ("sealing_tab", "SealingTab", "inspector_app.office.sealing"))


class OfficeWorkspace(QMainWindow):
    """One central database: inspections, a department, the month (and ledger / awards / trends when built)."""

    opened = Signal()  # the central database is open and the tabs have their choices
    loaded = Signal(str)  # a tab shows fresh results: "inspections", "detail", "department", "month", …

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None, url: str | None = None):
        from inspector_app.core.merge import default_url
        from inspector_app.gui.office.department_tab import DepartmentTab
        from inspector_app.gui.office.inspections_tab import InspectionsTab
        from inspector_app.gui.office.month_tab import MonthTab

        super().__init__(parent)
        self.ctx = ctx
        self.central: Any = None  # CentralDB once opened
        self.files_dir: Path | None = None
        self.choices: Any = None  # office.browse.Choices
        self._summaries: dict[str, MonthlySummary] = {}
        self._lock = threading.Lock()
        self._running: list[Operation] = []
        self.setObjectName("officeWorkspace")
        self.setWindowTitle(tr("Office workspace"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        self.url = QLineEdit(url or default_url(ctx.ws.data_dir / CENTRAL_DIR))
        self.url.setAccessibleName(tr("Central database"))
        self.url.returnPressed.connect(self.open_database)
        connect = push_button(tr("Open"), tr("Open the central database"), self.open_database)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Central database")))
        top.addWidget(self.url, 1)
        top.addWidget(connect)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("officeTabs")
        self.inspections_tab = InspectionsTab(self)
        self.department_tab = DepartmentTab(self)
        self.month_tab = MonthTab(self)
        self.tabs.addTab(self.inspections_tab, tr("Inspection records"))
        self.tabs.addTab(self.department_tab, tr("Department"))
        self.tabs.addTab(self.month_tab, tr("Month close"))
        self.extra: dict[str, QWidget] = {}
        for module, name, service in EXTRA_TABS:
            if available(service) and available(f"inspector_app.gui.office.{module}"):
                tab = getattr(importlib.import_module(f"inspector_app.gui.office.{module}"), name)(self)
                self.extra[module] = tab
                self.tabs.addTab(tab, tab.title())
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(body)

        self.message = QLabel()
        self.message.setObjectName("officeMessage")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.setVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setText(tr("Cancel"))
        self.cancel_button.setAccessibleName(tr("Cancel what is loading"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        styled(self.statusBar()).addWidget(self.message, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self._shortcuts()
        self.resize(size_on_screen(parent, 1280, 720))
        self.open_database()

    def _shortcuts(self) -> None:
        for index in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self, lambda i=index: self._show_tab(i))
        QShortcut(QKeySequence("Ctrl+L"), self, lambda: (self.url.setFocus(), self.url.selectAll()))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancel)

    def _show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        focus = getattr(self.tabs.currentWidget(), "first_field", None)
        if callable(focus):
            focus().setFocus()

    def show_department(self, code: str) -> None:
        """The department tab, on `code` (from the month's table)."""
        self.department_tab.show_code(code)
        self.tabs.setCurrentWidget(self.department_tab)

    # -- running work -------------------------------------------------------------------------------------
    def run(self, label: str, work: Callable[[Progress], Any], on_done: Callable[[Any], None],
            on_error: Callable[[str], None] | None = None) -> Operation:
        """`work(progress)` off the GUI thread; `on_done(result)` back on it. Shown in the status bar."""
        operation = self.ctx.ops.run(label, work, on_done=on_done, on_error=on_error or self.failed,
                                     cancellable=True)
        self._running.append(operation)
        self.message.setText(label + "…")
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        operation.progress.connect(lambda done, total: (self.progress.setRange(0, max(total, 1)),
                                                        self.progress.setValue(done)))
        operation.finished.connect(lambda: self._ended(operation))
        return operation

    def _ended(self, operation: Operation) -> None:
        if operation in self._running:
            self._running.remove(operation)
        if operation.was_cancelled:
            self.message.setText(tr("Cancelled."))
        elif operation.error_message is None:
            self.message.setText(tr("Ready."))
        if not self._running:
            self.progress.setVisible(False)
            self.cancel_button.setVisible(False)

    def cancel(self) -> None:
        for operation in list(self._running):
            operation.cancel()

    def failed(self, message: str) -> None:
        self.message.setText(message)
        show_error(self, message)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    # -- the central database -------------------------------------------------------------------------------
    def open_database(self) -> None:
        from inspector_app.core.merge import open_central
        from inspector_app.office.browse import choices

        url, lang = self.url.text().strip(), language()
        files = files_dir(url, self.ctx.ws.data_dir)

        def work(progress: Progress) -> tuple[Any, Any]:
            central = open_central(url)
            try:
                return central, choices(central, lang)
            except BaseException:
                central.close()
                raise

        def done(result: tuple[Any, Any]) -> None:
            old = self.central
            self.central, self.choices = result
            self.files_dir = files
            with self._lock:
                self._summaries.clear()
            if old is not None:
                old.close()
            for tab in self._all_tabs():
                tab.central_opened(self.choices)
            self.opened.emit()

        self.run(tr("Opening the central database"), work, done)

    def _all_tabs(self) -> list[Any]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def summary(self, month: str) -> MonthlySummary:
        """The month's summary, once per month while the window is open (F5 reads again). Any thread."""
        from inspector_app.office.overview import month_figures

        with self._lock:
            cached = self._summaries.get(month)
        if cached is not None:
            return cached
        found = month_figures(self.central, month)
        with self._lock:
            self._summaries[month] = found
        return found

    def forget(self, month: str | None = None) -> None:
        """Drop cached summaries (all, or one month's after it was closed)."""
        with self._lock:
            if month is None:
                self._summaries.clear()
            else:
                self._summaries.pop(month, None)

    def refresh(self) -> None:
        """F5: read the central database again (merges may have added months, departments, inspections)."""
        from inspector_app.office.browse import choices

        central, lang = self.central, language()
        if central is None:
            self.open_database()
            return

        def done(found: Any) -> None:
            self.choices = found
            self.forget()
            for tab in self._all_tabs():
                tab.central_opened(found)

        self.run(tr("Reading the central database again"), lambda progress: choices(central, lang), done)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cancel()
        self.ctx.ops.wait(10_000)
        if self.central is not None:
            self.central.close()
            self.central = None
        event.accept()


def open_workspace(window: QWidget, ctx: GuiContext) -> OfficeWorkspace:
    """Open (or bring forward) the workspace of `window`."""
    existing = window.findChild(OfficeWorkspace, "officeWorkspace")
    if existing is not None:
        existing.raise_()
        existing.activateWindow()
        return existing
    workspace = OfficeWorkspace(ctx, window)
    workspace.show()
    return workspace
