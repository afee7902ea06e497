"""The trainer's calibration screen: attempts of several trainees over the same pack → accuracy per trainee
and per item, agreement with the key and Cohen's kappa between every pair; "Export PDF" writes the report
in the background (core/documents/calibration_report.py), with the same figures."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.documents.calibration_report import (
    LOW_AGREEMENT,
    kappa_text,
    percent,
    rater_name,
    write_calibration,
)
from inspector_app.core.errors import AppError
from inspector_app.core.i18n import language, tr
from inspector_app.core.training import (
    KEY,
    Attempt,
    Calibration,
    Pack,
    calibrate,
    load_attempts,
)
from inspector_app.core.training.drills import attempts_by_trainee, stored_attempts
from inspector_app.core.training.mode import is_training
from inspector_app.gui.context import GuiContext
from inspector_app.gui.geometry import size_on_screen
from inspector_app.gui.messages import show_error
from inspector_app.gui.operations import Operation
from inspector_app.gui.widgets.buttons import button_row, push_button
from inspector_app.gui.widgets.tables import compact_combo, fill_table, text_table

LOW = QColor("#f6d9d6")
ATTEMPT_FILTER = "JSON (*.json)"


def _fit_columns(table: QTableWidget, stretch: int | None) -> None:
    """Figures fit their text; `stretch` (a text column) takes the rest and is cut with "…" when narrow.
    Without one the table asks for its whole width, so the layout gives it room instead of a scroll bar."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)
    if stretch is None:
        table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        table.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


class CalibrationDialog(QDialog):
    def __init__(self, ctx: GuiContext, packs: list[Pack], parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.packs = packs
        self.attempts: list[Attempt] = []
        self.result: Calibration | None = None
        self.setWindowTitle(tr("Calibration of trainees"))
        self.resize(size_on_screen(parent, 1100, 680))
        self.pack = compact_combo(24)
        self.pack.setAccessibleName(tr("Scenario pack"))
        for pack in packs:
            self.pack.addItem(pack.data.title.get(language()), pack.id)
        self.pack.currentIndexChanged.connect(lambda _: self.refresh())
        add = push_button(tr("Add attempt files…"), tr("Add trainees' attempt files"), self._choose_files)
        stored = push_button(tr("Drills stored here"), tr("Use the drills stored in this training workspace"),
                             self.use_stored)
        stored.setEnabled(is_training(ctx.ws))
        clear = push_button(tr("Clear"), tr("Clear the attempts"), lambda: self.set_attempts([]))
        self.pdf_button = push_button(tr("Export PDF…"), tr("Export the calibration report as PDF"),
                                      lambda: self.export_pdf())
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Scenario pack")))
        top.addWidget(self.pack, 1)
        for button in (add, stored, clear, self.pdf_button):
            top.addWidget(button)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.trainees = text_table(tr("Accuracy per trainee"), [tr("Trainee"), tr("Scenarios"), tr("Average score"),
                                                            tr("Agreement with the key"), tr("κ with the key")])
        self.items = text_table(tr("Accuracy per item"), [tr("Item"), tr("What is checked"), tr("Decisions right")])
        self.kappa = text_table(tr("Cohen's kappa between raters"), [])
        _fit_columns(self.trainees, stretch=None)
        _fit_columns(self.items, stretch=1)
        self.close_button = push_button(tr("Close"), tr("Close"), self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        middle = QHBoxLayout()
        # the trainees' table as wide as its figures, the item texts take the rest
        for title, table, stretch in ((tr("Trainees"), self.trainees, 0), (tr("Accuracy per item"), self.items, 1)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(table)
            middle.addWidget(box, stretch)
        layout.addLayout(middle, 3)
        box = QGroupBox(tr("Agreement (Cohen's kappa)"))
        QVBoxLayout(box).addWidget(self.kappa)
        layout.addWidget(box, 2)
        layout.addLayout(button_row(self.close_button))
        self.refresh()

    # -- attempts -------------------------------------------------------------------------------------------------
    @property
    def current_pack(self) -> Pack | None:
        return self.packs[self.pack.currentIndex()] if self.packs and self.pack.currentIndex() >= 0 else None

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, tr("Trainees' attempt files"), str(Path.home()),
                                                ATTEMPT_FILTER)
        if names:
            self.add_files([Path(n) for n in names])

    def add_files(self, paths: list[Path]) -> bool:
        """Read attempt files (all of them, or none when one is bad); True when added."""
        try:
            found = [a for path in paths for a in load_attempts(path)]
        except AppError as exc:
            show_error(self, str(exc))
            return False
        self.set_attempts(self.attempts + found)
        return True

    def use_stored(self) -> None:
        try:
            self.set_attempts(stored_attempts(self.ctx.ws))
        except AppError as exc:
            show_error(self, str(exc))

    def set_attempts(self, attempts: list[Attempt]) -> None:
        self.attempts = attempts
        packs = [a.pack for a in attempts]
        pack = self.current_pack
        if attempts and (pack is None or pack.id not in packs):  # show the pack the attempts are for
            index = self.pack.findData(packs[0])
            if index >= 0:
                self.pack.setCurrentIndex(index)  # refreshes
                return
        self.refresh()

    # -- figures ------------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        pack = self.current_pack
        mine = [a for a in self.attempts if pack is not None and a.pack == pack.id]
        self.result = None
        if pack is not None and mine:
            try:
                self.result = calibrate(pack, attempts_by_trainee(mine))
            except AppError as exc:
                show_error(self, str(exc))
        other = len(self.attempts) - len(mine)
        if self.result is None:
            self.summary.setText(tr("Add the trainees' attempt files (or the drills stored here) to see how "
                                    "they agree with the key and with each other."))
        else:
            self.summary.setText(tr("{attempts} attempt(s) by {trainees} trainee(s), {units} decision(s).",
                                    attempts=len(mine), trainees=len(self.result.scores), units=self.result.units)
                                 + (" " + tr("{count} attempt(s) for other packs are not counted.", count=other)
                                    if other else ""))
        self.pdf_button.setEnabled(self.result is not None)
        self._show(pack)

    def _show(self, pack: Pack | None) -> None:
        result = self.result
        if result is None or pack is None:
            for table in (self.trainees, self.items, self.kappa):
                table.setRowCount(0)
            return
        fill_table(self.trainees, [[name, str(result.attempted.get(name, 0)), f"{result.scores[name]:g}",
                               percent(result.accuracy.get(name)), kappa_text(result.kappa[name][KEY])]
                              for name in result.scores])
        rows = []
        for code, value in sorted(result.item_accuracy.items(), key=lambda pair: (pair[1], pair[0])):
            try:
                text = pack.checklist.item(code).text.get(language())
            except KeyError:
                text = tr("(not in the checklist)")
            rows.append([code, text, percent(value)])
        fill_table(self.items, rows)
        for row, (_, text, _) in enumerate(rows):  # a long text is cut in its column: in full on hover
            self.items.item(row, 1).setToolTip(text)
        raters = list(result.kappa)
        self.kappa.setColumnCount(len(raters) + 1)
        self.kappa.setHorizontalHeaderLabels([""] + [rater_name(r, language()) for r in raters])
        fill_table(self.kappa, [[rater_name(r1, language())] + [kappa_text(result.kappa[r1][r2]) for r2 in raters]
                           for r1 in raters])
        header = self.kappa.horizontalHeader()  # the raters' columns share the width equally
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for i, r1 in enumerate(raters):
            for j, r2 in enumerate(raters):
                value = result.kappa[r1][r2]
                if r1 != r2 and value is not None and value < LOW_AGREEMENT:
                    self.kappa.item(i, j + 1).setBackground(QBrush(LOW))

    # -- PDF ----------------------------------------------------------------------------------------------------
    def export_pdf(self, path: Path | None = None) -> Operation | None:
        """Write the calibration report in the background; asks where when no path is given."""
        pack, result = self.current_pack, self.result
        if pack is None or result is None:
            return None
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, tr("Export PDF…"), str(Path.home() / "calibration.pdf"),
                                                  "PDF (*.pdf)")
            if not name:
                return None
            path = Path(name if name.lower().endswith(".pdf") else name + ".pdf")
        hospital, lang = self.ctx.ws.settings.hospital, language()

        def work(progress):
            return write_calibration(path, pack, result, hospital=hospital, lang=lang)

        def done(written: Path) -> None:
            self.summary.setText(self.summary.text() + "\n" + tr("Written: {path}", path=written))

        return self.ctx.ops.run(tr("Calibration report"), work, on_done=done, cancellable=False,
                                on_error=lambda message: show_error(self, message))
