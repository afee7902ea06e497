"""Documents from the window: the signature pad, signing a sheet, notices and the bulletin with print preview.

Real core throughout (identity, signing, rendering, the register); only modal exec() and file dialogs
are patched, and the preview "prints" to a PDF file instead of a printer.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPointingDevice, QTabletEvent
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from sqlalchemy import func, select

from inspector_app.core.documents.signatures import hand_signatures
from inspector_app.core.documents.signing import verify_pdf
from inspector_app.core.i18n import set_language, tr
from inspector_app.core.identity import create_identity, trusted_office_certs
from inspector_app.core.inspection_state import load_state
from inspector_app.core.store.models import Document, HandSignature
from inspector_app.gui.pages.sign_dialog import SignDialog
from inspector_app.gui.pages.summary_page import SummaryPage
from inspector_app.gui.printing import print_pdf, render_pages
from inspector_app.gui.reports import BulletinDialog, open_sign_dialog
from inspector_app.gui.widgets.signature_pad import SignaturePad
from tests.gui.pages_fixtures import month_start, record_finished, this_month
from tests.gui.test_inspection_flow import accept_review, record, start

PASSPHRASE = "correct horse 8"


def draw(qtbot, pad: SignaturePad, points=((20, 60), (60, 20), (100, 80), (160, 30), (220, 70))) -> None:
    canvas = pad.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(*points[0]))
    for x, y in points[1:]:
        qtbot.mouseMove(canvas, QPoint(x, y))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]))


def documents(ws, kind: str | None = None) -> list[Document]:
    with ws.db.read() as session:
        query = select(Document)
        if kind:
            query = query.where(Document.kind == kind)
        return list(session.scalars(query))


def hand_signature_rows(ws) -> int:
    with ws.db.read() as session:
        return session.scalar(select(func.count()).select_from(HandSignature))


@pytest.fixture
def previews(monkeypatch, tmp_path):
    """The print preview "prints" (paintRequested, as the dialog does) to a PDF instead of showing itself."""
    shown: list[tuple[str, Path]] = []

    def fake_exec(dialog: QPrintPreviewDialog) -> int:
        out = tmp_path / f"printed-{len(shown)}.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        dialog.paintRequested.emit(printer)
        shown.append((dialog.windowTitle(), out))
        return 0

    monkeypatch.setattr(QPrintPreviewDialog, "exec", fake_exec)
    return shown


def page_count(path: Path) -> int:
    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


# -- the pad --------------------------------------------------------------------------------------------------
def test_signature_pad_turns_a_drawing_into_a_cropped_png(qtbot):
    pad = SignaturePad("signature")
    qtbot.addWidget(pad)
    pad.show()
    qtbot.waitExposed(pad)
    assert pad.is_empty() and pad.to_png() == b"" and not pad.clear_button.isEnabled()
    draw(qtbot, pad)
    assert not pad.is_empty() and pad.clear_button.isEnabled()
    with Image.open(io.BytesIO(pad.to_png())) as image:
        assert image.format == "PNG"
        assert image.width <= 800 and image.height <= 300
        assert image.width < pad.canvas.width()  # cropped to the drawing
        on_paper = Image.new("RGBA", image.size, "white")
        on_paper.alpha_composite(image.convert("RGBA"))
        dark = sum(1 for value in on_paper.convert("L").tobytes() if value < 100)
    assert dark > 50
    pad.clear_button.click()
    assert pad.is_empty() and pad.accessibleName() == "signature"


def test_signature_pad_takes_a_pen(qtbot):
    pad = SignaturePad("signature")
    qtbot.addWidget(pad)
    device = QPointingDevice.primaryPointingDevice()
    for kind, x, y in ((QTabletEvent.Type.TabletPress, 10, 10), (QTabletEvent.Type.TabletMove, 60, 40),
                       (QTabletEvent.Type.TabletRelease, 110, 20)):
        event = QTabletEvent(kind, device, QPointF(x, y), QPointF(x, y), 0.5, 0.0, 0.0, 0.0, 0.0, 0.0,
                             Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton)
        QApplication.sendEvent(pad.canvas, event)
        assert event.isAccepted()  # no synthesized mouse event draws the stroke twice
    assert not pad.is_empty() and len(pad.canvas.strokes) == 1


# -- signing after finishing ------------------------------------------------------------------------------------
def finish_one(window, qtbot, monkeypatch) -> str:
    page = start(window, qtbot)
    record(page, qtbot, "胸牌", staff=["1002"], note="未戴胸牌")
    inspection_id = page.state.id
    accept_review(monkeypatch)
    window.finish_inspection(inspection_id)
    return inspection_id


def test_finishing_opens_the_sign_dialog_and_the_signed_sheet_verifies(main_window, qtbot, monkeypatch):
    ws = main_window.ctx.ws
    inspection_id = finish_one(main_window, qtbot, monkeypatch)
    dialog = main_window.reports.sign_dialog
    assert isinstance(dialog, SignDialog) and dialog.isVisible()
    assert dialog.creating and dialog.confirm.isVisible()  # no identity yet: created here
    assert dialog.inspector_name.text() == "测试督查员"
    draw(qtbot, dialog.inspector_pad)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.confirm.setText(PASSPHRASE + "x")
    dialog.sign_button.click()
    assert "differ" in dialog.message.text() or "不一致" in dialog.message.text()
    dialog.confirm.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.signed, timeout=20000) as signed:
        dialog.sign_button.click()
    issued = signed.args[0]
    assert issued.path.is_file() and issued.self_signed
    check = verify_pdf(issued.path.read_bytes(), trusted_office_certs(ws))
    assert check.intact and check.covers_whole_file and check.self_signed and not check.ok
    assert check.document_number == issued.number
    assert hand_signatures(ws, inspection_id)["inspector"].name == "测试督查员"
    assert [d.number for d in documents(ws, "sheet")] == [issued.number]
    assert issued.number in dialog.result.text() and dialog.done_page.isVisible()
    assert load_state(ws, inspection_id).status == "finished"


def test_wrong_passphrase_keeps_the_dialog_and_registers_nothing(main_window, qtbot, monkeypatch):
    ws = main_window.ctx.ws
    create_identity(ws, PASSPHRASE)
    inspection_id = finish_one(main_window, qtbot, monkeypatch)
    dialog = main_window.reports.sign_dialog
    assert not dialog.creating and not dialog.confirm.isVisible()
    assert "T001" in dialog.identity.text()
    draw(qtbot, dialog.inspector_pad)
    dialog.passphrase.setText("not the passphrase")
    dialog.sign_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
    assert dialog.message.text() == tr("The passphrase is wrong.")
    assert dialog.isVisible() and not dialog.inspector_pad.is_empty()  # nothing lost
    assert documents(ws) == [] and load_state(ws, inspection_id).status == "finished"
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.signed, timeout=20000):
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)  # Enter signs
    assert len(documents(ws, "sheet")) == 1
    assert hand_signature_rows(ws) == 1  # the same drawing is stored once, though signing ran twice


def test_keyboard_only_signing_and_sign_later(main_window, qtbot, monkeypatch):
    ws = main_window.ctx.ws
    create_identity(ws, PASSPHRASE)
    finish_one(main_window, qtbot, monkeypatch)
    main_window.reports.sign_dialog.later_button.click()  # sign later: nothing is issued
    assert not main_window.reports.sign_dialog.isVisible() and documents(ws) == []
    main_window.sign_action.trigger()  # Documents → Sign inspection sheet… (the last finished one)
    dialog = main_window.reports.sign_dialog
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(dialog.signed, timeout=20000):
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert len(documents(ws, "sheet")) == 1 and hand_signature_rows(ws) == 0


def test_a_draft_cannot_be_signed(main_window, qtbot):
    page = start(main_window, qtbot)
    record(page, qtbot, "胸牌", staff=["1002"])
    draft = page.state.id
    finished = record_finished(main_window.ctx.ws, "W-ADM", "A1")
    main_window.nav.setCurrentRow(1)
    history = main_window.history_page
    history.reload()
    rows = {history.model.row_at(r).id: r for r in range(history.model.rowCount())}
    history.table.setCurrentIndex(history.model.index(rows[draft], 0))
    assert not history.sign_button.isEnabled() and not history.notices_button.isEnabled()
    history.table.setCurrentIndex(history.model.index(rows[finished], 0))
    assert history.sign_button.isEnabled() and history.notices_button.isEnabled()
    assert open_sign_dialog(main_window.ctx, main_window, draft) is None  # refused, with the reason
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert tr("Finish the inspection before signing its sheet: a signed sheet cannot change.") == box.text()
    box.close()


# -- printing -------------------------------------------------------------------------------------------------
def test_notices_from_history_are_issued_and_previewed(main_window, qtbot, previews, tmp_path):
    ws = main_window.ctx.ws
    finished = record_finished(ws, "W-REG", "A3", staff_nos=("1002",), note="未戴胸牌")
    main_window.nav.setCurrentRow(1)
    history = main_window.history_page
    history.reload()
    row = next(r for r in range(history.model.rowCount()) if history.model.row_at(r).id == finished)
    history.table.setCurrentIndex(history.model.index(row, 0))
    history.notices_button.click()
    qtbot.waitUntil(lambda: bool(previews), timeout=20000)
    notices = documents(ws, "notice")
    assert len(notices) >= 1 and all(n.inspection_id == finished for n in notices)
    title, printed = previews[0]
    assert notices[0].number in title
    pages = render_pages(ws.data_dir / notices[0].path, dpi=72)
    assert len(pages) >= 1
    assert abs(pages[0].height() / pages[0].width() - 297 / 210) < 0.01  # A4, portrait
    assert printed.stat().st_size > 1000 and page_count(printed) >= len(notices)

    out = tmp_path / "direct.pdf"
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    print_pdf(printer, pages + pages)
    assert out.read_bytes().startswith(b"%PDF") and page_count(out) == 2 * len(pages)


def test_bulletin_pdf_from_the_summary_page(qtbot, pages_ctx, previews):
    page = SummaryPage(pages_ctx)
    qtbot.addWidget(page)
    record_finished(pages_ctx.ws, "W-ADM", "A1", when=month_start(page.selected_month()))
    assert not page.bulletin_button.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.show_button.click()
    page.bulletin_button.click()
    qtbot.waitUntil(lambda: bool(previews), timeout=30000)
    bulletins = documents(pages_ctx.ws, "bulletin")
    assert [b.month for b in bulletins] == [page.selected_month()]
    assert (pages_ctx.ws.data_dir / bulletins[0].path).is_file()
    assert page_count(previews[0][1]) >= 1


def test_bulletin_dialog_saves_excel(qtbot, pages_ctx, monkeypatch, tmp_path):
    target = tmp_path / "bulletin"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    parent = QWidget()
    qtbot.addWidget(parent)
    before = this_month()
    dialog = BulletinDialog(pages_ctx, parent)
    assert dialog.selected_month() in {before, this_month()}
    dialog.save_excel()
    qtbot.waitUntil(lambda: pages_ctx.ops.running == 0, timeout=20000)  # results delivered, not just written
    assert target.with_suffix(".xlsx").is_file()
    assert documents(pages_ctx.ws) == []  # a spreadsheet is a working copy, not an issued document


# -- the dialog itself ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sign_dialog_is_named_and_fits_a_laptop(qtbot, gui_workspace, make_ctx, lang):
    set_language(lang)
    try:
        inspection_id = record_finished(gui_workspace, "W-REG", "A3", staff_nos=("1002",))
        dialog = SignDialog(make_ctx(gui_workspace), inspection_id)
        qtbot.addWidget(dialog)
        dialog.show()
        hint = dialog.minimumSizeHint()
        assert hint.width() <= 1366 - 40 and hint.height() <= 768 - 80, hint
        interactive = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView)
        unnamed = [w for w in dialog.findChildren(QWidget) if isinstance(w, interactive)
                   and not (w.accessibleName() or "").strip()]
        assert unnamed == []
        assert dialog.inspector_pad.canvas.accessibleName() and dialog.department_pad.canvas.accessibleName()
        assert dialog.passphrase.echoMode() == QLineEdit.EchoMode.Password
    finally:
        set_language("zh")
