"""The first-run wizard: language, inspector profile with the signing passphrase, share folder, roster.

Shown by gui/app.run() when the data folder was never set up (core/first_run.needs_first_run). The pages
only collect; Finish hands everything to core/first_run.apply_first_run in the background, so Cancel (or
closing the window) leaves the data folder exactly as it was. The language applies as soon as it is chosen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from inspector_app.core.errors import AppError
from inspector_app.core.first_run import (
    FirstRunChoices,
    apply_first_run,
    check_profile,
    needs_first_run,
)
from inspector_app.core.i18n import LANGUAGES, language, set_language, tr
from inspector_app.core.identity.passphrase import check_new
from inspector_app.core.roster import load_roster, read_roster_table
from inspector_app.core.roster.table import TableImport
from inspector_app.core.workspace import Workspace
from inspector_app.gui.geometry import size_on_screen
from inspector_app.gui.imports import TABLES
from inspector_app.gui.messages import show_error
from inspector_app.gui.operations import Operations
from inspector_app.gui.style import styled


def _named(widget: QWidget, name: str) -> QWidget:
    widget.setAccessibleName(name)
    return widget


class LanguagePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.buttons = QButtonGroup(self)
        layout = QVBoxLayout(self)
        for code, label in LANGUAGES.items():
            button = QRadioButton(label)
            button.setObjectName(f"language_{code}")
            button.setChecked(code == language())
            button.toggled.connect(lambda on, code=code: on and self._choose(code))
            self.buttons.addButton(button)
            layout.addWidget(button)
        layout.addStretch(1)

    def _choose(self, code: str) -> None:
        set_language(code)
        wizard = self.wizard()
        if isinstance(wizard, FirstRunWizard):
            wizard.retranslate()

    def retranslate(self) -> None:
        self.setTitle(tr("Welcome"))
        self.setSubTitle(tr("This laptop is not set up yet. Choose the language of the app."))
        for button in self.buttons.buttons():
            button.setAccessibleName(tr("Language: {name}", name=button.text()))


class ProfilePage(QWizardPage):
    """Name and 工号 for the signing certificate; the passphrase twice, checked as it is typed."""

    def __init__(self) -> None:
        super().__init__()
        self.name, self.staff_no = QLineEdit(), QLineEdit()
        self.passphrase, self.repeat = QLineEdit(), QLineEdit()
        for edit in (self.passphrase, self.repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.verdict = QLabel()
        styled(self.verdict, "passphraseVerdict")
        self.verdict.setWordWrap(True)
        self.form = QFormLayout(self)
        for edit in (self.name, self.staff_no, self.passphrase, self.repeat):
            edit.textChanged.connect(self._changed)
            self.form.addRow(QLabel(), edit)
        self.form.addRow(self.verdict)

    def retranslate(self) -> None:
        self.setTitle(tr("Inspector"))
        self.setSubTitle(tr("Your name and staff number go on every signed inspection sheet. The passphrase "
                            "protects your signing key; it is never stored, so keep it in mind."))
        labels = (tr("Inspector &name"), tr("&Staff no."), tr("&Passphrase"), tr("&Repeat passphrase"))
        for row, (label, edit) in enumerate(zip(labels, (self.name, self.staff_no, self.passphrase, self.repeat))):
            text = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            assert isinstance(text, QLabel)
            text.setText(label)
            text.setBuddy(edit)
            edit.setAccessibleName(label.replace("&", ""))
        self.verdict.setAccessibleName(tr("Passphrase check"))
        self._changed()

    def initializePage(self) -> None:
        self.name.setFocus()

    def problem(self) -> str:
        """What still stops the next page, in plain words ('' when nothing)."""
        try:
            check_profile(self.name.text(), self.staff_no.text())
            if not self.passphrase.text():
                return tr("Choose a passphrase.")
            check_new(self.passphrase.text())
        except AppError as exc:
            return str(exc)
        if self.repeat.text() != self.passphrase.text():
            return tr("The two passphrases differ.")
        return ""

    def _changed(self) -> None:
        problem = self.problem()
        self.verdict.setText(problem or tr("Passphrase accepted."))
        self.verdict.setProperty("ok", not problem)  # green once accepted (gui/style.py)
        self.verdict.style().polish(self.verdict)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.problem()


class SharePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.folder = QLineEdit()
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        self.note = QLabel()
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        self.label = QLabel()
        self.label.setBuddy(self.folder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def retranslate(self) -> None:
        self.setTitle(tr("Share folder"))
        self.setSubTitle(tr("Finished inspections are sent to the office through a shared network folder or a "
                            "USB stick. You can leave this empty and set it later in the settings."))
        self.label.setText(tr("Share &folder (optional)"))
        self.browse.setText(tr("Browse…"))
        _named(self.folder, tr("Share folder"))
        _named(self.browse, tr("Choose the share folder"))
        self.folder.setPlaceholderText(tr("network folder or USB stick, optional"))

    def initializePage(self) -> None:
        self.folder.setFocus()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Share folder"), self.folder.text() or str(Path.home()))
        if folder:
            self.folder.setText(folder)


class RosterPage(QWizardPage):
    """The demo hospital, or a roster file read in the background and shown row by row before use."""

    def __init__(self, ops: Operations) -> None:
        super().__init__()
        self.ops = ops
        self.table: TableImport | None = None
        self.loaded = None  # a Roster from a YAML/JSON file, or the table's good rows
        self.demo, self.file = QRadioButton(), QRadioButton()
        self.demo.setChecked(True)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.choose = QPushButton()
        self.choose.clicked.connect(lambda: self.read_file())
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setObjectName("rosterReport")
        self.good_rows = QCheckBox()
        self.good_rows.setVisible(False)
        for signal in (self.demo.toggled, self.good_rows.toggled):
            signal.connect(self.completeChanged)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.choose)
        layout = QVBoxLayout(self)
        layout.addWidget(self.demo)
        layout.addWidget(self.file)
        layout.addLayout(row)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.good_rows)

    def retranslate(self) -> None:
        self.setTitle(tr("Roster"))
        self.setSubTitle(tr("The departments, windows and staff you inspect. Start with the demo hospital to "
                            "try the app, or import the hospital's roster (CSV, Excel or YAML)."))
        self.demo.setText(tr("Use the &demo hospital (示例市人民医院, fictional)"))
        self.file.setText(tr("&Import a roster file"))
        self.choose.setText(tr("Ch&oose file…"))
        self.good_rows.setText(tr("Import only the valid rows"))
        for widget, name in ((self.demo, tr("Use the demo hospital")), (self.file, tr("Import a roster file")),
                             (self.path, tr("Roster file")), (self.choose, tr("Choose the roster file")),
                             (self.report, tr("What was read from the roster file")),
                             (self.good_rows, tr("Import only the valid rows"))):
            widget.setAccessibleName(name)

    def initializePage(self) -> None:
        (self.demo if self.demo.isChecked() else self.file).setFocus()

    def read_file(self, path: str | None = None) -> None:
        """Read a roster file in the background and show what was found (nothing is imported yet)."""
        path = path or QFileDialog.getOpenFileName(self, tr("Import roster"), str(Path.home()), TABLES)[0]
        if not path:
            return
        file = Path(path)
        self.file.setChecked(True)
        self.path.setText(str(file))
        self.table = self.loaded = None
        self.good_rows.setChecked(False)
        self.good_rows.setVisible(False)
        self.report.setPlainText(tr("Reading…"))
        self.completeChanged.emit()
        if file.suffix.lower() in (".yaml", ".yml", ".json"):
            self.ops.run(tr("Reading roster"), lambda progress: load_roster(file), on_done=self._roster_read,
                         on_error=self._failed)
        else:
            self.ops.run(tr("Reading roster"), lambda progress: read_roster_table(file), on_done=self._table_read,
                         on_error=self._failed)

    def _roster_read(self, roster) -> None:  # a core Roster
        self.loaded = roster
        self.report.setPlainText(tr("{departments} departments and {staff} staff read; nothing is wrong.",
                                    departments=len(roster.departments), staff=len(roster.staff)))
        self.completeChanged.emit()

    def _table_read(self, table: TableImport) -> None:
        self.table, self.loaded = table, table.roster
        lines = [tr("{good} of {total} rows are valid: {departments} departments, {staff} staff.",
                    good=table.rows_good, total=table.rows_total, departments=len(table.roster.departments),
                    staff=len(table.roster.staff))]
        lines += [problem.plain() for problem in table.problems]
        self.report.setPlainText("\n".join(lines))
        self.good_rows.setVisible(bool(table.problems))
        self.completeChanged.emit()

    def _failed(self, message: str) -> None:
        self.report.setPlainText(message)
        self.completeChanged.emit()

    def chosen_roster(self):  # a core Roster, or None: the demo hospital
        return None if self.demo.isChecked() else self.loaded

    def isComplete(self) -> bool:
        if self.demo.isChecked():
            return True
        if self.loaded is None or not (self.loaded.departments or self.loaded.staff):
            return False
        return not (self.table and self.table.problems) or self.good_rows.isChecked()


SUBTITLE_MARGINS = 80  # the wizard's frame and the header's indent beside a subtitle (pixels)


class FirstRunWizard(QWizard):
    """Collects the first-run choices; Finish applies them (in the background), Cancel changes nothing."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.ops = Operations(self)
        self.setObjectName("firstRunWizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.language_page, self.profile_page = LanguagePage(), ProfilePage()
        self.share_page, self.roster_page = SharePage(), RosterPage(self.ops)
        for page in (self.language_page, self.profile_page, self.share_page, self.roster_page):
            self.addPage(page)
        self.applied = False
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Set up the inspection app"))
        self.setAccessibleName(tr("Set up the inspection app"))
        for page in (self.language_page, self.profile_page, self.share_page, self.roster_page):
            page.retranslate()
        for which, text in ((QWizard.WizardButton.BackButton, tr("< &Back")),
                            (QWizard.WizardButton.NextButton, tr("&Next >")),
                            (QWizard.WizardButton.FinishButton, tr("&Finish")),
                            (QWizard.WizardButton.CancelButton, tr("Cancel"))):
            self.setButtonText(which, text)
            self.button(which).setAccessibleName(text.replace("&", "").strip("<> "))
        self.resize(self.fitting_size())

    def fitting_size(self) -> QSize:
        """Wide enough that each page's subtitle takes two lines at most (the wizard's header does not grow for a
        third: at font size 16 the English ones were cut off mid-sentence), within the screen's free area."""
        metrics = self.fontMetrics()
        longest = max(metrics.horizontalAdvance(self.page(page).subTitle()) for page in self.pageIds())
        return size_on_screen(self.parentWidget(), max(640, longest * 10 // 17 + SUBTITLE_MARGINS), 480)

    def choices(self) -> FirstRunChoices:
        return FirstRunChoices(
            language=language(), name=self.profile_page.name.text(), staff_no=self.profile_page.staff_no.text(),
            passphrase=self.profile_page.passphrase.text(), share_folder=self.share_page.folder.text().strip() or None,
            roster=self.roster_page.chosen_roster())

    def accept(self) -> None:
        """Finish: apply everything in the background; the wizard closes only when it all worked."""
        if self.ops.running:
            return
        choices = self.choices()
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self.ops.run(tr("Setting up"), lambda progress: apply_first_run(self.ws, choices), on_done=self._applied,
                     on_error=self._failed, cancellable=False)

    def _applied(self, _changes: object) -> None:
        self.applied = True
        super().accept()

    def _failed(self, message: str) -> None:
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        show_error(self, message)

    def reject(self) -> None:
        if not self.ops.running:  # never close while the settings are being written
            super().reject()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.ops.running:
            return
        super().keyPressEvent(event)


def run_first_run_wizard(ws: Workspace) -> bool:
    """Show the wizard when the data folder was never set up; False when the user cancelled it."""
    if not needs_first_run(ws):
        return True
    from inspector_app.gui.fonts import install_font

    app = QApplication.instance()
    if isinstance(app, QApplication):  # the main window's font and look: Chinese renders without a system CJK font
        install_font(app, ws.settings.font_size)  # with the style sheet for that size
    wizard = FirstRunWizard(ws)
    wizard.exec()
    wizard.ops.wait()
    return wizard.applied
