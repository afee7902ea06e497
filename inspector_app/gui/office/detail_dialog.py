"""One merged inspection, read-only: every entry with its item and clause, its photos, hand signatures and the
signed sheet, as the laptop sent them (office/browse.inspection_detail). Nothing here can change it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QIcon,
    QImageReader,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.i18n import tr
from inspector_app.gui.geometry import size_on_screen
from inspector_app.gui.office.common import (
    ColumnsModel,
    fit,
    labelled,
    number,
    person,
    result_text,
    table,
)
from inspector_app.gui.widgets.buttons import push_button
from inspector_app.gui.widgets.inspection_view import mode_text
from inspector_app.office.browse import EntryDetail, InspectionDetail, StoredFile

THUMB = 96


def rectification_text(entry: EntryDetail) -> str:
    names = {"open": tr("open"), "rectified": tr("rectified"), "verified": tr("verified"), "void": tr("void")}
    if not entry.rectification:
        return ""
    if entry.rectification == "void":
        return names["void"]
    return tr("{status}, due {deadline}", status=names.get(entry.rectification, entry.rectification),
              deadline=entry.deadline)


def thumbnail(file: StoredFile, height: int = THUMB) -> QPixmap | None:
    """A small picture of a sent image, decoded at the size shown; None when not sent or unreadable."""
    if file.path is None:
        return None
    reader = QImageReader(str(file.path))
    size = reader.size()
    if size.isValid() and size.height() > height:
        reader.setScaledSize(size.scaled(QSize(height * 4, height), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else QPixmap.fromImage(image)


def placeholder() -> QPixmap:
    """A grey card where a photo that was not sent would be."""
    picture = QPixmap(THUMB * 3 // 2, THUMB)
    picture.fill(QColor(225, 225, 225))
    painter = QPainter(picture)
    painter.setPen(QColor(120, 120, 120))
    painter.drawText(picture.rect(), Qt.AlignmentFlag.AlignCenter, "—")
    painter.end()
    return picture


def open_file(file: StoredFile) -> None:
    if file.path is not None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(file.path)))


class DetailDialog(QDialog):
    def __init__(self, detail: InspectionDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.detail = detail
        self.setObjectName("officeInspectionDetail")
        self.setWindowTitle(tr("Inspection record (read-only)"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.header = QLabel(self._header_html())
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.entries_model = ColumnsModel([
            (tr("Time"), lambda e: e.time[11:]),
            (tr("Item"), lambda e: e.item_code),
            (tr("Person / department"), lambda e: person(e.person, e.staff_no) if e.staff_no else tr("the department")),
            (tr("Times"), lambda e: e.count),
            (tr("Points"), lambda e: number(e.points)),
            (tr("Counted"), lambda e: number(e.counted_points)),
            (tr("Note"), lambda e: (f"[{labelled(tr('void'), e.void_reason)}] " if e.voided else "") + e.note),
            (tr("Rectification"), rectification_text),
            (tr("Photos"), lambda e: len(e.photos) or ""),
            (tr("What is checked"), lambda e: e.item_text),
        ], numeric=(3, 4, 5, 8), greyed=lambda e: e.voided)
        self.entries_model.set_rows(detail.entries)
        self.entries = table(self.entries_model, tr("Entries of this inspection"), stretch=9)
        self.entries.setObjectName("officeDetailEntries")
        self.clause = QLabel()
        self.clause.setObjectName("officeDetailClause")
        self.clause.setWordWrap(True)
        self.clause.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.entries.selectionModel().currentRowChanged.connect(lambda current, _: self._show_clause(current.row()))

        self.photos = QListWidget()
        self.photos.setObjectName("officeDetailPhotos")
        self.photos.setAccessibleName(tr("Photos"))
        self.photos.setViewMode(QListView.ViewMode.IconMode)
        self.photos.setIconSize(QSize(THUMB * 3 // 2, THUMB))
        self.photos.setFlow(QListView.Flow.LeftToRight)
        self.photos.setWrapping(False)
        self.photos.setFixedHeight(THUMB + 48)
        self.photos.itemActivated.connect(lambda item: open_file(item.data(Qt.ItemDataRole.UserRole)))
        for entry in detail.entries:
            for photo in entry.photos:
                picture = thumbnail(photo)
                caption = f"{entry.item_code} {entry.person}".strip()
                item = QListWidgetItem(caption if picture is not None else f"{caption}\n{tr('not sent')}")
                item.setIcon(QIcon(picture if picture is not None else placeholder()))
                item.setToolTip(str(photo.path) if photo.path else tr("This photo was not sent with the batch."))
                item.setData(Qt.ItemDataRole.UserRole, photo)
                self.photos.addItem(item)
        photos_label = QLabel(tr("Photos ({count}); Enter opens one", count=self.photos.count())
                              if self.photos.count() else tr("No photos."))

        signatures = QHBoxLayout()
        self.signature_labels: list[QLabel] = []
        for signature in detail.signatures:
            role = tr("Inspector") if signature.role == "inspector" else tr("Department")
            box = QVBoxLayout()
            picture = QLabel()
            pixmap = thumbnail(signature.file, 56)
            if pixmap is not None:
                picture.setPixmap(pixmap)
            else:
                picture.setText(tr("not sent"))
            picture.setAccessibleName(tr("Hand signature: {role}", role=role))
            self.signature_labels.append(picture)
            void = f" [{tr('void')}]" if signature.voided else ""
            box.addWidget(picture)
            box.addWidget(QLabel(labelled(role, f"{signature.signer} · {signature.signed_at}{void}")))
            signatures.addLayout(box)
        if not detail.signatures:
            signatures.addWidget(QLabel(tr("No hand signatures.")))
        signatures.addStretch(1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        sheets = [d for d in detail.documents if d.kind == "sheet"]
        self.sheet_button = None
        if sheets:
            sheet = sheets[-1]
            self.sheet_button = push_button(tr("Open the &signed sheet ({number})", number=sheet.number),
                                            tr("Open the signed inspection sheet"), lambda: open_file(sheet.file))
            self.sheet_button.setEnabled(sheet.file.path is not None)
            if sheet.file.path is None:
                self.sheet_button.setToolTip(tr("The signed sheet was not sent with the batch."))
            buttons.addButton(self.sheet_button, QDialogButtonBox.ButtonRole.ActionRole)
        else:
            signatures.addWidget(QLabel(tr("No signed sheet was sent.")))

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.entries, 1)
        layout.addWidget(self.clause)
        layout.addWidget(photos_label)
        layout.addWidget(self.photos)
        layout.addLayout(signatures)
        layout.addWidget(buttons)
        fit(self.entries)
        if detail.entries:
            self.entries.setCurrentIndex(self.entries_model.index(0, 0))
        self.entries.setFocus()
        width = parent.window().width() - 40 if parent is not None else 1180
        self.resize(size_on_screen(parent, max(760, min(1180, width)), 680))

    def _header_html(self) -> str:
        d, row = self.detail, self.detail.row
        co = tr(", with {name}", name=d.co_inspector) if d.co_inspector else ""
        place = f" · {escape(d.location)}" if d.location else ""
        result = result_text(row) or tr("{points} points in {count} entries", points=number(row.points),
                                        count=row.entries)
        return (f"<b>{escape(row.department)}（{escape(row.department_code)}）</b> · {escape(row.checklist)} · "
                f"{mode_text(row.mode)} · {escape(row.started)} – {escape(d.finished[11:])}{place}<br>"
                f"{escape(labelled(tr('Inspector'), person(row.inspector, row.inspector_no) + co))} · "
                f"{escape(result)}<br>"
                f"<small>{escape(tr('Sent in {bundle}, merged {at}', bundle=d.batch, at=d.merged_at))}</small>")

    def _show_clause(self, row: int) -> None:
        entry = self.entries_model.row_at(row)
        if entry is None:
            self.clause.clear()
            return
        parts = [f"<b>{escape(entry.item_code)}</b> {escape(entry.item_text)}"]
        if entry.clause:
            parts.append(escape(labelled(tr("Clause"), entry.clause)))
        if entry.note:
            parts.append(escape(labelled(tr("Note"), entry.note)))
        self.clause.setText("<br>".join(parts))
