"""月度结算: the month's figures (the one scoring module's summary, frozen once closed), the departments nobody
inspected, what still stands in the way of closing, and the close and exports (office/month.py, pay_list.py,
bulletin.py — each button works once its service exists)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import language, tr
from inspector_app.gui.messages import confirm
from inspector_app.gui.office.common import (
    ColumnsModel,
    available,
    choice_combo,
    fit,
    number,
    refill,
    table,
)
from inspector_app.gui.office.department_tab import boxed
from inspector_app.gui.widgets.buttons import push_button

if TYPE_CHECKING:
    from inspector_app.core.scoring import MonthlySummary
    from inspector_app.gui.office.workspace import OfficeWorkspace
    from inspector_app.office.browse import Choices



def reachable(share: Path | None) -> Path | None:
    """`share` if it is there: a stat that may hang on a network path, so only called in work run off the
    GUI thread (issue #18)."""
    return share if share is not None and share.is_dir() else None

class MonthTab(QWidget):
    def __init__(self, workspace: OfficeWorkspace):
        super().__init__()
        self.workspace = workspace
        self.summary: MonthlySummary | None = None
        self.narrative_dialog: Any = None  # the bulletin's text being edited before issue (exports.py)
        self.state: Any = None  # office.month.MonthState
        self._token = 0
        self.month = choice_combo(tr("Month"), 8)
        label = QLabel(tr("&Month"))
        label.setBuddy(self.month)
        self.month.currentIndexChanged.connect(lambda _: self.reload())
        self.close_button = push_button(tr("&Close month…"), tr("Close the month"), self.close_month)
        self.bulletin_button = push_button(tr("Export &bulletin…"), tr("Export the monthly bulletin"),
                                           self.export_bulletin)
        self.pay_button = push_button(tr("Export &pay list…"), tr("Export the pay list for the audit department"),
                                      self.export_pay_list)
        bar = QHBoxLayout()
        for widget in (label, self.month):
            bar.addWidget(widget)
        bar.addStretch(1)
        for button in (self.close_button, self.bulletin_button, self.pay_button):
            bar.addWidget(button)
        self.figures = QLabel()
        self.figures.setObjectName("officeMonthFigures")
        self.figures.setWordWrap(True)
        self.state_label = QLabel()
        self.state_label.setObjectName("officeMonthState")
        self.state_label.setWordWrap(True)

        # the points ranking (tally checklists) as the bulletin and the summary page show it (summary_export.py)
        self.departments_model = ColumnsModel([
            (tr("Rank"), lambda d: d.rank),
            (tr("Department / window"), lambda d: f"{d.name}（{d.code}）"),
            (tr("Inspections"), lambda d: d.tally_inspections),
            (tr("Occurrences"), lambda d: d.occurrences),
            (tr("Department points"), lambda d: number(d.own_points)),
            (tr("Staff points"), lambda d: number(d.staff_points)),
            (tr("Total points"), lambda d: number(d.total_points)),
            (tr("Pay deducted %"), lambda d: number(d.pay_percent)),
        ], numeric=(0, 2, 3, 4, 5, 6, 7))
        # scored checklists rank by failures and average score, apart from the points (scoring/month.py)
        self.scores_model = ColumnsModel([
            (tr("Rank"), lambda d: d.score_rank),
            (tr("Department / window"), lambda d: f"{d.name}（{d.code}）"),
            (tr("Scored inspections"), lambda d: d.scored_inspections),
            (tr("Average score"), lambda d: number(d.average_score)),
            (tr("Failed"), lambda d: d.failed),
        ], numeric=(0, 2, 3, 4))
        self.persons_model = ColumnsModel([
            (tr("Staff no."), lambda p: p.staff_no),
            (tr("Name"), lambda p: p.name),
            (tr("Department / window"), lambda p: p.department or p.department_code),
            (tr("Times"), lambda p: p.occurrences),
            (tr("Points"), lambda p: number(p.points)),
            (tr("Pay deducted %"), lambda p: number(p.pay_percent)),
        ], numeric=(3, 4, 5))
        # names never cut
        self.departments_table = table(self.departments_model, tr("Points ranking (tally checklists)"))
        self.persons_table = table(self.persons_model, tr("Staff with deductions this month"), stretch=2)
        self.scores_table = table(self.scores_model, tr("Score ranking (scored checklists)"))
        for view, model in ((self.departments_table, self.departments_model), (self.scores_table, self.scores_model)):
            view.activated.connect(  # Enter: the department's page
                lambda index, m=model: self._department_activated(m.row_at(index.row())))
        self.gaps = QListWidget()
        self.gaps.setObjectName("officeNotInspected")
        self.gaps.setAccessibleName(tr("Departments nobody inspected this month"))
        self.gaps.setWordWrap(True)  # a long name wraps in the short list instead of being cut
        self.gaps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.departments_box = boxed(tr("Points ranking (tally checklists)"), self.departments_table)
        self.scores_box = boxed(tr("Score ranking (scored checklists)"), self.scores_table)
        self.persons_box = boxed(tr("Staff"), self.persons_table)
        self.gaps_box = boxed(tr("Not inspected"), self.gaps)
        left = QSplitter(Qt.Orientation.Vertical)
        for box, stretch in ((self.departments_box, 3), (self.scores_box, 2), (self.persons_box, 3)):
            left.addWidget(box)
            left.setStretchFactor(left.count() - 1, stretch)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.gaps_box)
        split.setSizes([1000, 220])
        split.setStretchFactor(0, 1)  # a narrower window narrows the tables, not the short list
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.figures)
        layout.addWidget(self.state_label)
        layout.addWidget(split, 1)
        self._services()

    def first_field(self) -> QWidget:
        return self.month

    def _services(self) -> None:
        """Buttons for services not built yet say so instead of failing."""
        for button, service in ((self.close_button, "inspector_app.office.month"),
                                (self.bulletin_button, "inspector_app.office.bulletin"),
                                (self.pay_button, "inspector_app.office.pay_list")):
            present = available(service)
            button.setEnabled(present)
            button.setToolTip("" if present else tr("Not available in this version yet."))

    # -- loading ------------------------------------------------------------------------------------------
    def central_opened(self, choices: Choices) -> None:
        refill(self.month, [(month, month) for month in choices.months], everything=False)
        self.reload()

    def reload(self) -> None:
        from inspector_app.office.browse import not_inspected

        month, central = self.month.currentData(), self.workspace.central
        if central is None or month is None:
            return
        self._token += 1
        token = self._token

        def work(progress: Any) -> tuple[MonthlySummary, list[tuple[str, str]]]:
            summary = self.workspace.summary(month)
            progress.check()
            return summary, not_inspected(central, month)

        def done(result: tuple[MonthlySummary, list[tuple[str, str]]]) -> None:
            if token == self._token:
                self.show_month(month, *result)

        self.workspace.run(tr("Opening {month}", month=month), work, done)
        if available("inspector_app.office.month"):
            self._load_state(month, token)

    def _load_state(self, month: str, token: int) -> None:
        from inspector_app.office.month import month_state

        central, share = self.workspace.central, self.ctx_share()

        def done(state: Any) -> None:
            if token == self._token:
                self.show_state(state)

        self.workspace.run(tr("Checking what is still open"),
                           lambda progress: month_state(central, month, reachable(share)), done)

    def ctx_share(self) -> Path | None:
        """The share as set; whether it is there is asked in the work, off the GUI thread (reachable)."""
        folder = self.workspace.ctx.ws.settings.share_folder
        return Path(folder) if folder else None

    def show_month(self, month: str, summary: MonthlySummary, gaps: list[tuple[str, str]]) -> None:
        self.summary = summary
        ranked = summary.tally_ranking()
        self.departments_model.set_rows(ranked)
        self.scores_model.set_rows(summary.scored_ranking())
        self.persons_model.set_rows(sorted(summary.persons, key=lambda p: (p.rank or 10**9, p.staff_no)))
        self.gaps.clear()
        self.gaps.addItems([f"{name}（{code}）" for code, name in gaps])
        self.figures.setText(tr("<b>{month}</b>: {inspections} inspections, {occurrences} deductions, {points} points; "
                                "{departments} departments inspected, {gaps} not inspected.", month=month,
                                inspections=summary.inspections, occurrences=summary.occurrences,
                                points=number(round(summary.total_points, 2)),
                                departments=sum(1 for d in summary.departments if d.inspections), gaps=len(gaps)))
        self.departments_box.setTitle(tr("Points ranking, tally checklists ({count})", count=len(ranked)))
        self.scores_box.setTitle(tr("Score ranking, scored checklists ({count})", count=self.scores_model.rowCount()))
        self.persons_box.setTitle(tr("Staff with deductions ({count})", count=len(summary.persons)))
        self.gaps_box.setTitle(tr("Not inspected ({count})", count=len(gaps)))
        fit(self.departments_table)
        fit(self.scores_table)
        fit(self.persons_table)
        self.workspace.loaded.emit("month")

    def _department_activated(self, row: Any) -> None:
        if row is not None:
            self.workspace.show_department(row.code)

    def show_state(self, state: Any) -> None:
        self.state = state
        if state.closed:
            text = tr("Closed on {at} by {by}.", at=f"{state.closed_at.astimezone():%Y-%m-%d %H:%M}", by=state.closed_by)
            if state.late_entries:
                text += " " + tr("{n} entries arrived after the close: the next month carries them.",
                                 n=state.late_entries)
        else:
            text = " ".join([tr("Open."), *state.blockers()])
        if state.carried:
            text += " " + tr("Carries {n} corrections of earlier months.", n=state.carried)
        self.state_label.setText(text)
        self.close_button.setEnabled(not state.closed)
        self.workspace.loaded.emit("month-state")

    # -- actions ------------------------------------------------------------------------------------------
    def close_month(self) -> None:
        from inspector_app.office.month import close_month

        month, central = self.month.currentData(), self.workspace.central
        if month is None or central is None:
            return
        name, ok = QInputDialog.getText(self, tr("Close month"), tr("Who closes {month}?", month=month),
                                        QLineEdit.EchoMode.Normal, self.workspace.ctx.ws.settings.inspector.name)
        if not ok or not name.strip():
            return
        blockers = self.state.blockers() if self.state is not None else []
        question = tr("Close {month}? Its figures are then frozen; later entries become corrections.", month=month)
        if blockers:
            question = "\n".join([*blockers, tr("Close {month} anyway?", month=month)])
        if not confirm(self, tr("Close month"), question):
            return
        share, today, lang = self.ctx_share(), date.today(), language()

        def done(state: Any) -> None:
            self.workspace.forget(month)
            self.reload()
            self.workspace.message.setText(tr("{month} closed.", month=month))

        self.workspace.run(tr("Closing {month}", month=month),
                           lambda progress: close_month(central, month, closed_by=name, today=today,
                                                        share=reachable(share), force=bool(blockers),
                                                        lang=lang), done)

    def export_pay_list(self) -> None:
        from inspector_app.gui.office.exports import export_pay_list

        export_pay_list(self)

    def export_bulletin(self) -> None:
        from inspector_app.gui.office.exports import export_bulletin

        export_bulletin(self)
