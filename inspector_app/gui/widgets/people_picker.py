"""Who a deduction is charged to: people ticked in a list (space or click), or the department instead.

Shared by the record page and the training drill, so both follow the same rule: an item charged to the
department ticks and locks "Charge the department" until an item charged to people is picked. Otherwise
the two exclude each other: ticking the department clears the people, ticking a person clears the
department. The list is not disabled while the department is charged: enabling and disabling it repainted
every row at each entry of a ward round (the form resets after each one), about a millisecond a keypress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.checklists.models import ChargeTo
from inspector_app.core.i18n import tr
from inspector_app.core.search import pinyin_forms

PERSON_ROLE = Qt.ItemDataRole.UserRole + 1  # each list entry's key (staff number, or the scenario's id)
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2  # what the find box matches: label, key, pinyin and initials


class EnterRecords(QObject):
    """Enter in an entry form's fields records the entry (Ctrl+Enter is left to the window's actions)."""

    def __init__(self, record: Callable[[], object], parent: QObject):
        super().__init__(parent)
        self.record = record

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.record()
            return True
        return False


class PeoplePicker(QWidget):
    """The people list and the department check box; `changed` fires on every tick and toggle."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # wards have 30–60 staff: typing a name, its pinyin initials or the 工号 narrows the list
        self.find = QLineEdit()
        self.find.setPlaceholderText(tr("Find: name, initials or 工号"))
        self.find.setAccessibleName(tr("Find a person"))
        self.find.setClearButtonEnabled(True)
        self.find.textChanged.connect(self._filter)
        self.find.returnPressed.connect(self._tick_found)
        self.people = QListWidget()
        self.people.setAccessibleName(tr("People to charge"))
        # long names are cut with "…" and shown whole as tooltips: no sideways scroll bar under the list
        self.people.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.people.itemChanged.connect(self._person_changed)
        self.department = QCheckBox(tr("Charge the department"))  # short: the entry column fits 1024 px
        self.department.setAccessibleName(tr("Charge the department"))
        self.department.toggled.connect(self._department_toggled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(QLabel(tr("Who (space ticks a person):")))
        heading.addWidget(self.find, 1)
        layout.addLayout(heading)
        layout.addWidget(self.people, 1)
        self.people.installEventFilter(self)  # letters typed in the list go to the find box
        layout.addWidget(self.department)
        self._forced = False  # the current item can only be charged to the department

    def load(self, people: Iterable[tuple[str, str]]) -> None:
        """Fill the list with (key, label) pairs, nobody ticked."""
        self.people.blockSignals(True)
        self.people.clear()
        for key, label in people:
            entry = QListWidgetItem(label)
            entry.setToolTip(label)
            entry.setData(SEARCH_ROLE, " ".join((label.lower(), key.lower(), *pinyin_forms(label))))
            entry.setData(PERSON_ROLE, key)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Unchecked)
            self.people.addItem(entry)
        self.people.blockSignals(False)
        self.reset()

    def item_charges(self, charge_to: ChargeTo) -> None:
        """An item charged to the department ticks (and locks) 'the department'."""
        department_only = charge_to is ChargeTo.DEPARTMENT
        self.department.setEnabled(not department_only)
        self.people.setEnabled(not department_only)  # nobody can be charged for this item
        if department_only:
            self.department.setChecked(True)
        elif self._forced:
            self.department.setChecked(False)  # the previous item forced it; this one charges people
        self._forced = department_only

    def charges_department(self) -> bool:
        return self.department.isChecked()

    def ticked(self) -> list[str]:
        """Keys of the ticked people; none while the department is charged."""
        if self.department.isChecked():
            return []
        return [self.people.item(i).data(PERSON_ROLE) for i in range(self.people.count())
                if self.people.item(i).checkState() == Qt.CheckState.Checked]

    def tick(self, key: str) -> None:
        for i in range(self.people.count()):
            if self.people.item(i).data(PERSON_ROLE) == key:
                self.people.item(i).setCheckState(Qt.CheckState.Checked)

    # -- finding ------------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (watched is self.people and event.type() == QEvent.Type.KeyPress and event.text().isprintable()
                and event.text().strip() and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                                                      | Qt.KeyboardModifier.AltModifier)):
            self.find.setFocus()
            self.find.insert(event.text())
            return True
        return super().eventFilter(watched, event)

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        first = None
        for row in range(self.people.count()):
            entry = self.people.item(row)
            hidden = not all(word in entry.data(SEARCH_ROLE) for word in words)
            entry.setHidden(hidden)
            if not hidden and first is None:
                first = entry
        if first is not None:
            self.people.setCurrentItem(first)

    def visible(self) -> list[str]:
        return [self.people.item(i).data(PERSON_ROLE) for i in range(self.people.count())
                if not self.people.item(i).isHidden()]

    def _tick_found(self) -> None:
        """Enter in the find box ticks the person found (the highlighted one) and goes back to the list."""
        entry = self.people.currentItem()
        if entry is None or entry.isHidden() or not self.people.isEnabled():
            return
        entry.setCheckState(Qt.CheckState.Checked)
        self.find.clear()
        self.people.setCurrentItem(entry)
        self.people.setFocus()

    def reset(self) -> None:
        """Untick everybody; the department stays charged only when the item allows nothing else."""
        if self.find.text():
            self.find.clear()
        self._untick_people()
        if not self._forced:
            self.department.setChecked(False)

    def _untick_people(self) -> None:
        self.people.blockSignals(True)
        for i in range(self.people.count()):
            entry = self.people.item(i)
            if entry.checkState() != Qt.CheckState.Unchecked:  # only those ticked: each change repaints
                entry.setCheckState(Qt.CheckState.Unchecked)
        self.people.blockSignals(False)

    def _department_toggled(self, on: bool) -> None:
        if on:
            self._untick_people()  # the department instead of the people ticked
        self.changed.emit()

    def _person_changed(self, entry: QListWidgetItem) -> None:
        if entry.checkState() == Qt.CheckState.Checked and self.department.isChecked() and not self._forced:
            self.department.setChecked(False)  # a person instead of the department (emits changed)
            return
        self.changed.emit()
