"""投诉登记: the office's complaint register (office/complaints.py) — enter a complaint, put it under
investigation, verify it (查实: charges 001 第7条 in the month verified) or find it unfounded, refer it (第8条)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
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
    from inspector_app.office.complaints import ComplaintView


class NewComplaintDialog(QDialog):
    """What the office writes down when a complaint arrives."""

    def __init__(self, departments: list[tuple[str, str]], by: str, parent: QWidget | None = None):
        from inspector_app.office.complaints import SOURCES

        super().__init__(parent)
        self.setWindowTitle(tr("New complaint"))
        self.received = date_edit(date.today())
        self.source = QComboBox()
        for source in SOURCES:
            self.source.addItem(source, source)
        self.department = QComboBox()
        for code, name in departments:
            self.department.addItem(f"{name}（{code}）", code)
        self.staff_no = QLineEdit()
        self.staff_no.setPlaceholderText(tr("工号, if a person is named"))
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setMaximumHeight(90)
        self.complainant, self.evidence, self.by = QLineEdit(), QLineEdit(), QLineEdit(by)
        form = QFormLayout()
        for label, widget in ((tr("&Received"), self.received), (tr("&Source"), self.source),
                              (tr("&Department"), self.department), (tr("Staff &no."), self.staff_no),
                              (tr("&What it says"), self.summary), (tr("&Complainant"), self.complainant),
                              (tr("&Evidence"), self.evidence), (tr("Entered &by"), self.by)):
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, tr("Enter")))

    def values(self) -> dict[str, Any]:
        return {"received_on": self.received.date().toPython(), "source": self.source.currentData(),
                "department_code": self.department.currentData(), "summary": self.summary.toPlainText(),
                "staff_no": self.staff_no.text().strip() or None, "complainant": self.complainant.text(),
                "evidence": self.evidence.text(), "by": self.by.text()}


class DecideDialog(QDialog):
    """查实 or 不属实: the day decided, what the investigation found, who decides."""

    def __init__(self, complaint: ComplaintView, verified: bool, by: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Verified: {number}", number=complaint.number) if verified
                            else tr("Unfounded: {number}", number=complaint.number))
        self.on = date_edit(date.today())
        self.note, self.by = QLineEdit(), QLineEdit(by)
        form = QFormLayout()
        form.addRow(QLabel(complaint.summary))
        form.addRow(tr("&Decided on"), self.on)
        form.addRow(tr("&Finding"), self.note)
        form.addRow(tr("Decided &by"), self.by)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, tr("Record")))

    def values(self) -> dict[str, Any]:
        return {"on": self.on.date().toPython(), "note": self.note.text(), "by": self.by.text()}


class ReferDialog(QDialog):
    """第8条 移交: to whom the complaint was referred, whether the authorities have dealt with it, who records it."""

    def __init__(self, complaint: ComplaintView, by: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Referral: {number}", number=complaint.number))
        self.to, self.note, self.by = QLineEdit(complaint.referral_to or ""), QLineEdit(), QLineEdit(by)
        self.handled = QCheckBox(tr("Dealt with by the authorities (&handled)"))
        self.handled.setChecked(complaint.referral_state == "handled")
        form = QFormLayout()
        form.addRow(QLabel(complaint.summary))
        form.addRow(tr("Referred &to"), self.to)
        form.addRow("", self.handled)
        form.addRow(tr("&Note"), self.note)
        form.addRow(tr("Recorded &by"), self.by)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, tr("Record")))

    def values(self) -> dict[str, Any]:
        return {"to": self.to.text(), "handled": self.handled.isChecked(), "note": self.note.text(),
                "by": self.by.text()}


def referral_text(complaint: ComplaintView) -> str:
    if not complaint.referral_to:
        return ""
    state = tr("handled") if complaint.referral_state == "handled" else tr("under way")
    return f"{complaint.referral_to}（{state}）"


class ComplaintsTab(LoadedTab):
    def __init__(self, workspace: OfficeWorkspace):
        from inspector_app.office.complaints import STATUSES, status_text

        super().__init__(workspace)
        self.rows: list[ComplaintView] = []
        self.dialog: QDialog | None = None
        self.status = choice_combo(tr("Status"), 8)
        refill(self.status, [(status_text(s), s) for s in STATUSES])
        status_label = QLabel(tr("&Status"))
        status_label.setBuddy(self.status)
        self.status.currentIndexChanged.connect(lambda _: self.reload())
        self.total = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(status_label)
        bar.addWidget(self.status)
        bar.addWidget(self.total, 1)
        self.new_button = push_button(tr("&New complaint…"), tr("Enter a complaint in the register"), self.new)
        self.investigate_button = push_button(tr("&Investigate"), tr("Put the selected complaint under "
                                                                      "investigation"), self.investigate)
        self.verify_button = push_button(tr("Veri&fied…"), tr("查实: charges 第7条 in the month verified"),
                                         lambda: self.decide(True))
        self.unfounded_button = push_button(tr("&Unfounded…"), tr("不属实: kept on record without points"),
                                            lambda: self.decide(False))
        self.refer_button = push_button(tr("&Refer…"), tr("移交: referred to the authorities (第8条)"), self.refer)
        self.notice_button = push_button(tr("No&tice…"), tr("整改通知书 for the selected verified complaint"),
                                         self.notice)
        for button in (self.new_button, self.investigate_button, self.verify_button, self.unfounded_button,
                       self.refer_button, self.notice_button):
            bar.addWidget(button)
        self.model = ColumnsModel([
            (tr("Number"), lambda c: c.number),
            (tr("Received"), lambda c: c.received_on.isoformat()),
            (tr("Complaint source"), lambda c: c.source),
            (tr("Department / window"), lambda c: f"{c.department_name}（{c.department_code}）"),
            (tr("Person"), lambda c: person(c.staff_name or "", c.staff_no or "") if c.staff_no else ""),
            (tr("Status"), lambda c: status_text(c.status)),
            (tr("Points"), lambda c: f"{c.points:g}" if c.points else ""),
            (tr("Counted in"), lambda c: c.local_month or ""),
            (tr("Referral"), referral_text),
            (tr("Summary"), lambda c: c.summary),
        ], numeric=(6,), greyed=lambda c: c.status in ("unfounded", "void"))
        self.table = table(self.model, tr("Complaint register"), stretch=9)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    @staticmethod
    def title() -> str:
        return tr("Complaint register")

    def first_field(self) -> QWidget:
        return self.table

    def central_opened(self, choices: Choices) -> None:
        self.stale()

    def reload(self) -> None:
        from inspector_app.office.complaints import complaints

        central, status = self.workspace.central, self.status.currentData()
        if central is not None:
            self.load(tr("Loading the complaint register"), lambda progress: complaints(central, status=status),
                      self.show_rows)

    def show_rows(self, rows: list[ComplaintView]) -> None:
        self.rows = rows
        self.model.set_rows(rows)
        self.total.setText(tr("{count} complaints", count=len(rows)))
        fit(self.table, 200)  # headers too, when the register is still empty
        if rows:
            self.table.setCurrentIndex(self.model.index(0, 0))
        self.workspace.loaded.emit("complaints")

    def _selected(self) -> ComplaintView | None:
        return self.model.row_at(self.table.currentIndex().row())

    def _by(self) -> str:
        return self.workspace.ctx.ws.settings.inspector.name

    def _run(self, title: str, work: Any) -> None:
        def done(view: ComplaintView) -> None:
            from inspector_app.office.complaints import status_text

            self.workspace.message.setText(tr("{number}: now {status}.", number=view.number,
                                              status=status_text(view.status)))
            if view.local_month:
                self.workspace.forget(view.local_month)  # that month's figures changed
            self.reload()

        self.workspace.run(title, work, done)

    def new(self) -> None:
        from inspector_app.core.roster_store import current_roster
        from inspector_app.office.complaints import NewComplaint, receive

        departments = list(self.workspace.choices.departments) if self.workspace.choices else []
        roster = current_roster(self.workspace.ctx.ws)
        if roster.departments:
            departments = [(d.code, d.name) for d in roster.departments]
        self.dialog = dialog = NewComplaintDialog(departments, self._by(), self)

        def accepted() -> None:
            values, central = dialog.values(), self.workspace.central
            by = values.pop("by")
            self._run(tr("Entering the complaint"), lambda progress: receive(
                central, NewComplaint(**values), by=by, roster=roster if roster.staff else None))

        dialog.accepted.connect(accepted)
        dialog.open()

    def investigate(self) -> None:
        from inspector_app.office.complaints import investigate

        chosen, central, by = self._selected(), self.workspace.central, self._by()
        if chosen is not None:
            self._run(tr("Recording the decision"), lambda progress: investigate(central, chosen.id, by=by))

    def decide(self, verified: bool) -> None:
        from inspector_app.office.complaints import decide

        chosen = self._selected()
        if chosen is None:
            return
        self.dialog = dialog = DecideDialog(chosen, verified, self._by(), self)

        def accepted() -> None:
            values, central = dialog.values(), self.workspace.central
            self._run(tr("Recording the decision"), lambda progress: decide(
                central, chosen.id, verified, by=values["by"], on=values["on"], note=values["note"]))

        dialog.accepted.connect(accepted)
        dialog.open()

    def refer(self) -> None:
        from inspector_app.office.complaints import refer

        chosen = self._selected()
        if chosen is None:
            return
        self.dialog = dialog = ReferDialog(chosen, self._by(), self)

        def accepted() -> None:
            values, central = dialog.values(), self.workspace.central
            self._run(tr("Recording the referral"), lambda progress: refer(
                central, chosen.id, by=values["by"], to=values["to"], handled=values["handled"],
                note=values["note"]))

        dialog.accepted.connect(accepted)
        dialog.open()

    def notice(self) -> None:
        """The office's 整改通知书 for the selected complaint, numbered and written off the GUI thread."""
        from inspector_app.gui.office.exports import names, target
        from inspector_app.office.complaint_notice import issue_complaint_notice

        chosen, central = self._selected(), self.workspace.central
        if chosen is None or central is None:
            return
        path = target(self, tr("Rectification notice for complaint {number}", number=chosen.number),
                      tr("Rectification notice {number}.pdf", number=chosen.number), tr("Notice (*.pdf)"))
        if path is None:
            return
        hospital, office = names(self)
        by, lang = self._by(), language()

        def done(issued: Any) -> None:
            self.workspace.message.setText(tr("Rectification notice {number} (deadline {deadline}): {path}",
                                              number=issued.number, deadline=issued.deadline.isoformat(),
                                              path=issued.path))

        self.workspace.run(tr("Writing the notice"), lambda progress: issue_complaint_notice(
            central, chosen.id, path, hospital=hospital, office=office, by=by, lang=lang), done)
