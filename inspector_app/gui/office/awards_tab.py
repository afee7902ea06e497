"""季度评选: the quarter's candidates for 优质服务窗口 and 服务标兵 judged against 000's criteria (office/awards.py),
each with the evidence for and against; the office picks (or withdraws) and the pick is recorded."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import language, tr
from inspector_app.gui.messages import confirm
from inspector_app.gui.office.common import (
    ColumnsModel,
    LoadedTab,
    choice_combo,
    fit,
    labelled,
    number,
    refill,
    table,
)
from inspector_app.gui.widgets.buttons import push_button

if TYPE_CHECKING:
    from inspector_app.gui.office.workspace import OfficeWorkspace
    from inspector_app.office.awards import Candidate, Pick, Selection
    from inspector_app.office.browse import Choices


def quarters(months: list[str]) -> list[str]:
    """The quarters (YYYY-Qn) of the months merged, newest first."""
    return sorted({f"{m[:4]}-Q{(int(m[5:7]) - 1) // 3 + 1}" for m in months}, reverse=True)


def yes(flag: bool) -> str:
    return tr("yes") if flag else ""


class AwardsTab(LoadedTab):
    def __init__(self, workspace: OfficeWorkspace):
        super().__init__(workspace)
        self.selection: Selection | None = None
        self.picked: dict[tuple[str, str], Pick] = {}
        self.quarter = choice_combo(tr("Quarter"), 8)
        self.kind = choice_combo(tr("Award"), 18)
        refill(self.kind, [(tr("Model service windows"), "window"), (tr("Service stars"), "person")],
               everything=False)
        quarter_label, kind_label = QLabel(tr("&Quarter")), QLabel(tr("Awar&d"))
        quarter_label.setBuddy(self.quarter)
        kind_label.setBuddy(self.kind)
        self.summary = QLabel()
        self.pick_button = push_button(tr("&Pick…"), tr("Pick the selected candidate"), self.pick)
        self.withdraw_button = push_button(tr("&Withdraw…"), tr("Withdraw the pick of the selected candidate"),
                                           self.withdraw)
        bar = QHBoxLayout()
        for widget in (quarter_label, self.quarter, kind_label, self.kind):
            bar.addWidget(widget)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.pick_button)
        bar.addWidget(self.withdraw_button)
        self.quarter.currentIndexChanged.connect(lambda _: self.reload())
        self.kind.currentIndexChanged.connect(lambda _: self.show_kind())
        self.model = ColumnsModel([
            (tr("Rank"), lambda c: c.rank or ""),
            (tr("Code / staff no."), lambda c: c.subject),
            (tr("Name"), lambda c: c.name),
            (tr("Department / window"), lambda c: c.department),
            (tr("Inspections"), lambda c: c.inspections),
            (tr("Points"), lambda c: number(c.points)),
            (tr("Eligible"), lambda c: yes(c.eligible)),
            (tr("Proposed"), lambda c: yes(c.proposed)),
            (tr("Picked"), self._picked_text),
            (tr("Criteria not met"), lambda c: "、".join(
                [*(r.short(language()) for r in c.failed),
                 *(tr("{criterion} (not shown every month)", criterion=r.short(language())) for r in c.unproven)])),
        ], numeric=(0, 4, 5), greyed=lambda c: not c.eligible)
        self.table = table(self.model, tr("Candidates"), stretch=9)
        self.evidence = QTextBrowser()
        self.evidence.setAccessibleName(tr("Evidence for and against"))
        self.table.selectionModel().currentRowChanged.connect(lambda current, _: self.show_evidence(current.row()))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.evidence)
        split.setStretchFactor(0, 2)  # a narrower window narrows the evidence more than the candidates
        split.setStretchFactor(1, 1)
        split.setSizes([820, 420])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    @staticmethod
    def title() -> str:
        return tr("Quarterly selection")

    def first_field(self) -> QWidget:
        return self.table

    def _picked_text(self, candidate: Candidate) -> str:
        found = self.picked.get((candidate.kind, candidate.subject))
        return tr("picked by {by}", by=found.picked_by) if found is not None and found.active else ""

    def central_opened(self, choices: Choices) -> None:
        self.quarter.blockSignals(True)
        refill(self.quarter, [(q, q) for q in quarters(choices.months)], everything=False)
        self.quarter.blockSignals(False)
        self.stale()

    def reload(self) -> None:
        from inspector_app.core.roster_store import current_roster
        from inspector_app.office.awards import candidates, picks

        quarter, central = self.quarter.currentData(), self.workspace.central
        if central is None or quarter is None:
            return
        roster, lang = current_roster(self.workspace.ctx.ws), language()
        roster = roster if roster.staff else None

        def done(found: tuple[Selection, list[Pick]]) -> None:
            self.selection = found[0]
            self.picked = {(p.kind, p.subject): p for p in found[1]}
            self.show_kind()

        self.load(tr("Judging the quarter's candidates"),
                  lambda progress: (candidates(central, quarter, roster=roster, lang=lang), picks(central, quarter)),
                  done)

    def show_kind(self) -> None:
        selection = self.selection
        if selection is None:
            return
        kind = self.kind.currentData()
        rows = selection.windows if kind == "window" else selection.persons
        self.model.set_rows(rows)
        self.table.setColumnHidden(3, kind == "window")  # a window is its own department
        active = sum(1 for p in self.picked.values() if p.kind == kind and p.active)
        self.summary.setText(tr("{eligible} eligible, {proposed} proposed, {picked} picked", eligible=sum(
            c.eligible for c in rows), proposed=sum(c.proposed for c in rows), picked=active))
        if rows:
            fit(self.table)
            self.table.setCurrentIndex(self.model.index(0, 0))
        else:
            self.evidence.clear()
        self.workspace.loaded.emit("awards")

    def show_evidence(self, row: int) -> None:
        candidate = self.model.row_at(row)
        if candidate is None:
            self.evidence.clear()
            return
        lang = language()
        outcome = {"met": tr("met"), "failed": tr("not met"), "not_measured": tr("not measured"),
                   "pending": tr("pending (under investigation)")}
        parts = [f"<h3>{escape(candidate.name)}（{escape(candidate.subject)}）</h3>"]
        for result in candidate.criteria:
            verdict = outcome.get(result.outcome.value, "") + (f" — {result.note}" if result.note else "")
            parts.append(f"<p><b>{escape(result.criterion.label(lang))}</b>{escape(labelled('', verdict))}</p>")
            lines = [(tr("for"), e) for e in result.evidence_for] + [(tr("against"), e)
                                                                      for e in result.evidence_against]
            if lines:
                parts.append("<ul>" + "".join(
                    f"<li>[{side}] {escape(e.date)} {escape(e.text)}"
                    f"{' · ' + escape(e.inspector) if e.inspector else ''}</li>" for side, e in lines) + "</ul>")
        self.evidence.setHtml("".join(parts))

    def _selected(self) -> Candidate | None:
        return self.model.row_at(self.table.currentIndex().row())

    def _actor(self) -> str:
        return self.workspace.ctx.ws.settings.inspector.name or tr("the office")

    def pick(self) -> None:
        from inspector_app.office.awards import pick

        candidate, quarter, central = self._selected(), self.quarter.currentData(), self.workspace.central
        if candidate is None or quarter is None:
            return
        prompt = (tr("Why is {name} picked though not eligible?", name=candidate.name) if not candidate.eligible
                  else tr("Note on picking {name} (optional):", name=candidate.name))
        text, ok = QInputDialog.getText(self, tr("Pick"), prompt, QLineEdit.EchoMode.Normal, "")
        if not ok or (not candidate.eligible and not text.strip()):
            return
        by, lang, now = self._actor(), language(), datetime.now().astimezone()
        override = text if not candidate.eligible else None
        note = "" if override else text
        self.workspace.run(tr("Recording the pick"), lambda progress: pick(
            central, quarter, candidate.kind, candidate.subject, picked_by=by, now=now, note=note,
            override_reason=override, lang=lang), lambda _: self.reload())

    def withdraw(self) -> None:
        from inspector_app.office.awards import withdraw

        candidate, quarter, central = self._selected(), self.quarter.currentData(), self.workspace.central
        if candidate is None or quarter is None:
            return
        if not confirm(self, tr("Withdraw"), tr("Withdraw the pick of {name}?", name=candidate.name)):
            return
        by, lang, now = self._actor(), language(), datetime.now().astimezone()
        self.workspace.run(tr("Withdrawing the pick"), lambda progress: withdraw(
            central, quarter, candidate.kind, candidate.subject, withdrawn_by=by, now=now, lang=lang),
            lambda _: self.reload())
