"""Small pieces the office workspace's tabs share: column-described table models, filter combos, number texts."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableView,
    QWidget,
)

from inspector_app.core.i18n import language, tr
from inspector_app.gui.models import RowTableModel
from inspector_app.gui.widgets.tables import compact_combo, row_view

if TYPE_CHECKING:
    from inspector_app.gui.office.workspace import OfficeWorkspace
    from inspector_app.office.browse import InspectionRow

Column = tuple[str, Callable[[Any], Any]]  # header (translated), cell text of a row
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


CENTRAL_DIR = "central"  # = core.merge.database.CENTRAL_DIR, not imported: that module is heavy at start-up


def number(value: float | None) -> str:
    """Points and counts as the office reads them: no trailing ".0", nothing for None."""
    return "" if value is None else f"{value:g}"


def available(module: str) -> bool:
    """Whether an office service module is there (a tab is shown only for services that are built)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def files_dir(url: str, data_dir: Path) -> Path:
    """Beside a SQLite central database (as the merge command does), else in this data folder."""
    from inspector_app.core.merge.database import files_beside

    return files_beside(url) or data_dir / CENTRAL_DIR / "files"


def result_text(row: InspectionRow) -> str:
    """An inspection's score and verdict on a scored checklist; nothing on a tally one."""
    if row.scored and row.score is not None:
        verdict = tr("passed") if row.passed else tr("FAILED")
        return tr("{score} ({verdict})", score=number(row.score), verdict=verdict)
    return ""


class ColumnsModel(RowTableModel):
    """Rows shown through a list of (header, getter) columns; numbers right-aligned; `greyed(row)` rows grey."""

    def __init__(self, columns: Sequence[Column], numeric: Sequence[int] = (),
                 greyed: Callable[[Any], bool] | None = None) -> None:
        super().__init__([header for header, _ in columns])
        self._getters = [getter for _, getter in columns]
        self._numeric = set(numeric)
        self._greyed = greyed

    def row_data(self, row: Any, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self._getters[column](row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self._numeric:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and self._greyed is not None and self._greyed(row):
            return QColor(140, 140, 140)
        return None


def table(model: ColumnsModel, name: str, *, stretch: int | None = None) -> QTableView:
    """A read-only, whole-row table with compact rows; columns fit their text and `stretch` (if given) takes the
    rest of the width (numbers never stretch: a wide number column reads badly)."""
    view = row_view(model, name, resize=QHeaderView.ResizeMode.Interactive, stretch_last=False, wrap=False)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    if stretch is not None:
        view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def fit(view: QTableView, widest: int = 260) -> None:
    """Columns fit the loaded rows (at most `widest` pixels), the stretched one excepted."""
    header = view.horizontalHeader()
    for column in range(header.count()):
        if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Stretch:
            view.resizeColumnToContents(column)
            header.resizeSection(column, min(header.sectionSize(column), widest))


def choice_combo(name: str, chars: int = 12) -> QComboBox:
    combo = compact_combo(chars)
    combo.setAccessibleName(name)
    return combo


def refill(combo: QComboBox, choices: Sequence[tuple[str, Any]], *, everything: bool = True) -> None:
    """Replace a filter's choices (first "All" unless `everything` is False), keeping the current one if offered."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    if everything:
        combo.addItem(tr("All"), None)
    for label, value in choices:
        combo.addItem(label, value)
    found = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(max(found, 0))
    combo.blockSignals(False)


def person(name: str, number: str) -> str:
    return f"{name}（{number}）" if number else name


def labelled(label: str, value: str) -> str:
    """"督查员：…" in Chinese, "Inspector: …" in English."""
    return f"{label}{'：' if language() == 'zh' else ': '}{value}"


class LoadedTab(QWidget):
    """A workspace tab whose data is read off the GUI thread when it is first shown, not when the central
    database opens (a quarter, a ledger or a department page costs several queries the office may never look
    at); read again when shown after the central database changed. Only the latest load is shown: a slower
    earlier one that finishes after it is dropped."""

    def __init__(self, workspace: OfficeWorkspace) -> None:
        super().__init__()
        self.workspace = workspace
        self._token = 0  # 0: not loaded since the central database (or the tab's choices) changed

    def ready(self) -> bool:
        """Whether there is something to load (e.g. a department chosen)."""
        return True

    def stale(self) -> None:
        """The central database changed: load now if this tab is in front, else when next shown."""
        self._token = 0
        if self.workspace.tabs.currentWidget() is self:
            self.reload()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._token == 0 and self.ready():
            self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def load(self, title: str, work: Callable[[Any], Any], show: Callable[[Any], None]) -> None:
        """Run `work(progress)` through the workspace's operations; `show(result)` if no later load began."""
        self._token += 1
        token = self._token

        def done(result: Any) -> None:
            if token == self._token:
                show(result)

        self.workspace.run(title, work, done)


def date_edit(day: date) -> QDateEdit:
    """A date field as the office's dialogs use it: YYYY-MM-DD with a calendar."""
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    return edit


def dialog_buttons(dialog: QDialog, ok: str) -> QDialogButtonBox:
    """OK (named `ok`) and Cancel, wired to the dialog's accept and reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
