"""整改台账: every inspector's rectification items (office/ledger.py), filtered by status and department; the office
records a decision on the selected item (verified, reopened, deadline extended, waived) with who and why."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import language, tr
from inspector_app.gui.office.common import (
    ColumnsModel,
    LoadedTab,
    choice_combo,
    date_edit,
    dialog_buttons,
    fit,
    person,
    refill,
    table,
)
from inspector_app.gui.widgets.buttons import push_button

if TYPE_CHECKING:
    from inspector_app.gui.office.workspace import OfficeWorkspace
    from inspector_app.office.browse import Choices
    from inspector_app.office.ledger import LedgerItem


class DecisionDialog(QDialog):
    """The office's decision on one item: what, the new deadline (when extended), a note, who decides."""

    def __init__(self, item: LedgerItem, decided_by: str, parent: QWidget | None = None):
        from inspector_app.office.ledger import DECISIONS, decision_text

        super().__init__(parent)
        self.setWindowTitle(tr("Decision on {item}", item=item.item_code))
        self.decision = QComboBox()
        for decision in DECISIONS:
            self.decision.addItem(decision_text(decision), decision)
        self.deadline = date_edit(item.deadline + timedelta(days=14))
        self.note = QLineEdit()
        self.by = QLineEdit(decided_by)
        form = QFormLayout()
        form.addRow(QLabel(f"{item.department}（{item.department_code}） · {item.item_code} {item.item_text}"))
        form.addRow(tr("&Decision"), self.decision)
        form.addRow(tr("New &deadline"), self.deadline)
        form.addRow(tr("&Note"), self.note)
        form.addRow(tr("Decided &by"), self.by)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, tr("Record")))
        self.decision.currentIndexChanged.connect(lambda _: self.deadline.setEnabled(self.chosen() == "extended"))
        self.deadline.setEnabled(False)

    def chosen(self) -> str:
        return str(self.decision.currentData())

    def values(self) -> dict[str, Any]:
        extended = self.chosen() == "extended"
        return {"decision": self.chosen(), "deadline": self.deadline.date().toPython() if extended else None,
                "note": self.note.text().strip(), "decided_by": self.by.text().strip()}


class LedgerTab(LoadedTab):
    def __init__(self, workspace: OfficeWorkspace):
        from inspector_app.office.ledger import STATUSES, status_text

        super().__init__(workspace)
        self.items: list[LedgerItem] = []
        self.dialog: DecisionDialog | None = None
        self.status = choice_combo(tr("Status"), 8)
        refill(self.status, [(status_text(s), s) for s in STATUSES])
        self.department = choice_combo(tr("Department / window"), 16)
        status_label, department_label = QLabel(tr("&Status")), QLabel(tr("&Department"))
        status_label.setBuddy(self.status)
        department_label.setBuddy(self.department)
        self.total = QLabel()
        self.decide_button = push_button(tr("D&ecide…"), tr("Record the office's decision on the selected item"),
                                         self.decide)
        bar = QHBoxLayout()
        for widget in (status_label, self.status, department_label, self.department):
            bar.addWidget(widget)
        bar.addWidget(self.total, 1)
        bar.addWidget(self.decide_button)
        for combo in (self.status, self.department):
            combo.currentIndexChanged.connect(lambda _: self.reload())
        self.model = ColumnsModel([
            (tr("Department / window"), lambda i: f"{i.department}（{i.department_code}）"),
            (tr("Item"), lambda i: i.item_code),
            (tr("Person"), lambda i: person(i.person, i.staff_no)),
            (tr("Found"), lambda i: i.inspection_date),
            (tr("Deadline"), lambda i: i.deadline.isoformat()),
            (tr("Status"), lambda i: status_text(i.status) + (f"（{i.consequence}）" if i.consequence else "")),
            (tr("Days overdue"), lambda i: i.days_overdue or ""),
            (tr("Office decision"), self._decision),
            (tr("Inspector"), lambda i: i.inspector),
            (tr("What is checked"), lambda i: i.item_text),
        ], numeric=(6,))
        self.table = table(self.model, tr("Rectification ledger"), stretch=9)
        self.table.activated.connect(lambda _: self.decide())
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    @staticmethod
    def title() -> str:
        return tr("Rectification ledger")

    def first_field(self) -> QWidget:
        return self.table

    @staticmethod
    def _decision(item: LedgerItem) -> str:
        from inspector_app.office.ledger import decision_text

        if not item.decision:
            return ""
        return f"{decision_text(item.decision)} · {item.decided_by}" + (f"：{item.decision_note}"
                                                                         if item.decision_note else "")

    def central_opened(self, choices: Choices) -> None:
        self.department.blockSignals(True)
        refill(self.department, [(f"{name}（{code}）", code) for code, name in choices.departments])
        self.department.blockSignals(False)
        self.stale()

    def reload(self) -> None:
        from inspector_app.office.ledger import ledger

        central = self.workspace.central
        if central is None:
            return
        status, department, lang, today = self.status.currentData(), self.department.currentData(), language(), \
            date.today()
        self.load(tr("Loading the rectification ledger"),
                  lambda progress: ledger(central, status=status, department=department, today=today, lang=lang),
                  self.show_items)

    def show_items(self, items: list[LedgerItem]) -> None:
        self.items = items
        self.model.set_rows(items)
        self.total.setText(tr("{count} items", count=len(items)))
        if items:
            fit(self.table, 200)
            self.table.setCurrentIndex(self.model.index(0, 0))
        self.workspace.loaded.emit("ledger")

    def decide(self) -> None:
        item = self.model.row_at(self.table.currentIndex().row())
        if item is None:
            return
        self.dialog = DecisionDialog(item, self.workspace.ctx.ws.settings.inspector.name, self)
        self.dialog.accepted.connect(lambda: self._record(item, self.dialog.values()))
        self.dialog.open()

    def _record(self, item: LedgerItem, values: dict[str, Any]) -> None:
        from inspector_app.office.ledger import decide, status_text

        central, lang, now = self.workspace.central, language(), datetime.now().astimezone()

        def done(after: LedgerItem) -> None:
            self.workspace.message.setText(tr("Recorded: {item} is now {status}.", item=after.item_code,
                                              status=status_text(after.status)))
            self.reload()

        self.workspace.run(tr("Recording the decision"),
                           lambda progress: decide(central, item.id, now=now, lang=lang, **values), done)

