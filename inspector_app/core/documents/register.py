"""Register numbers (发文字号) of official documents and the register of issued documents.

A rectification notice is numbered as the office numbers its documents: ``院办督改〔2026〕3012号`` — the office's
prefix (setting documents.notice_prefix; a bulletin's: documents.bulletin_prefix), the year of issue, and a number from this laptop's block. The
office gives every laptop a block (setting documents.register_block, 1–999; block 3 numbers 3001–3999 in
each year), so two laptops never issue the same number, with no network. A laptop without a block yet
still issues unique numbers — its device id goes into the number (``督改〔2026〕3fa2c1-12号``) — until the
office assigns one (`inspector-app documents block N`). The device id is also kept in each PDF's metadata.

The register is the documents table (number, kind, department, time, SHA-256) with one document_prints
row per print: the first issue and each 补打 (reprint), with the copies. Both live in the data folder, so
they move with it to a new laptop, and the device id (stored there too) keeps the numbering going.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from inspector_app.core.errors import InputError, NotFoundError, StateError
from inspector_app.core.i18n import tr, tr_lang
from inspector_app.core.store.models import Department, Document, DocumentPrint, utcnow
from inspector_app.core.workspace import Workspace

REGISTER_NUMBER = re.compile(r"〔(?P<year>\d{4})〕(?:(?P<device>[0-9a-f]{6})-)?(?P<n>\d+)号$")
BLOCK_SIZE = 1000


def device_tag(device_id: str) -> str:
    return device_id.replace("-", "")[:6]


def register_number(ws: Workspace, kind: str, year: int) -> str:
    """The next register number of `kind` for `year` on this laptop (not yet taken: record_document takes it)."""
    settings = ws.settings.documents
    block, device = settings.register_block, ws.device_id
    tag = device_tag(device)
    used = [0]
    with ws.db.read() as session:
        for number in session.scalars(select(Document.number).where(Document.kind == kind,
                                                                    Document.device_id == device)):
            found = REGISTER_NUMBER.search(number)
            if found is None or int(found["year"]) != year:
                continue
            n = int(found["n"])
            if block is not None and found["device"] is None and n // BLOCK_SIZE == block:
                used.append(n % BLOCK_SIZE)
            elif block is None and found["device"] == tag:
                used.append(n)
    k = max(used) + 1
    prefix = settings.bulletin_prefix if kind == "bulletin" else settings.notice_prefix
    if block is None:
        return f"{prefix}〔{year}〕{tag}-{k}号"
    if k >= BLOCK_SIZE:
        raise StateError(tr("This laptop has used every number of its block {block} for {year}: ask the office "
                            "for another block (inspector-app documents block N).", block=block, year=year))
    return f"{prefix}〔{year}〕{block * BLOCK_SIZE + k}号"


def file_stem(number: str, kind: str) -> str:
    """An ASCII file name for a register number (〔〕 and 号 travel badly through zip files and shares)."""
    found = REGISTER_NUMBER.search(number)
    if found is None:
        return number
    device = f"{found['device']}-" if found["device"] else ""
    return f"{kind}-{found['year']}-{device}{found['n']}"


def record_print(ws: Workspace, document_id: str, copies: int, *, reprint: bool,
                 when: datetime | None = None) -> None:
    if copies < 1:
        raise InputError.single("--copies", tr("at least one copy"))
    with ws.db.write() as session:
        session.add(DocumentPrint(document_id=document_id, printed_at=when or utcnow(), copies=copies,
                                  reprint=reprint, printed_by=ws.settings.inspector.name or None))


@dataclass(frozen=True)
class RegisterRow:
    number: str
    kind: str
    department: str
    issued_at: datetime
    sha256: str
    copies: int  # all prints together
    reprints: tuple[datetime, ...]
    path: str


def document_register(ws: Workspace, kind: str | None = None) -> list[RegisterRow]:
    """Every document issued on this data folder, oldest first, with its prints."""
    with ws.db.read() as session:
        query = select(Document).order_by(Document.created_at, Document.seq)
        if kind:
            query = query.where(Document.kind == kind)
        documents = list(session.scalars(query))
        names = {d.id: d.name for d in session.scalars(select(Department))}
        prints: dict[str, list[DocumentPrint]] = {}
        for row in session.scalars(select(DocumentPrint).order_by(DocumentPrint.printed_at)):
            prints.setdefault(row.document_id, []).append(row)
    rows = []
    for document in documents:
        made = prints.get(document.id, [])
        rows.append(RegisterRow(document.number, document.kind, names.get(document.department_id or "", ""),
                                document.created_at, document.sha256, sum(p.copies for p in made) or 1,
                                tuple(p.printed_at for p in made if p.reprint), document.path))
    return rows


def kind_text(kind: str, lang: str) -> str:
    return {"sheet": tr_lang(lang, "Inspection sheet"), "notice": tr_lang(lang, "Rectification notice"),
            "bulletin": tr_lang(lang, "Monthly bulletin")}.get(kind, kind)


def register_header(lang: str) -> list[str]:
    return [tr_lang(lang, "Number"), tr_lang(lang, "Kind"), tr_lang(lang, "Department / window"),
            tr_lang(lang, "Issued at"), tr_lang(lang, "SHA-256"), tr_lang(lang, "Copies"),
            tr_lang(lang, "Reprinted (补打)")]


def register_cells(row: RegisterRow, lang: str) -> list[object]:
    def local(moment: datetime) -> str:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M")

    return [row.number, kind_text(row.kind, lang), row.department, local(row.issued_at), row.sha256, row.copies,
            "、".join(local(r) for r in row.reprints)]


def export_register(rows: list[RegisterRow], path: Path, lang: str) -> Path:
    """The register as .csv (UTF-8 with BOM, which Excel opens as Chinese) or .xlsx."""
    from inspector_app.core.spreadsheet import csv_cell

    path = Path(path)
    header, body = register_header(lang), [register_cells(r, lang) for r in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        from inspector_app.core.spreadsheet import write_sheets

        book = Workbook()
        book.remove(book.active)
        write_sheets(book, [(tr_lang(lang, "Document register"), header, body)])
        book.save(path)
    elif path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([[csv_cell(c) for c in row] for row in body])
    else:
        raise InputError.single(str(path), tr("the register is exported as .csv or .xlsx"))
    return path


def find_document(ws: Workspace, number: str) -> Document:
    with ws.db.read() as session:
        document = session.scalar(select(Document).where(Document.number == number))
    if document is None:
        raise NotFoundError(tr("No document numbered {number} was issued on this laptop.", number=number))
    return document


def same_as_registered(document: Document, pdf: bytes) -> bool:
    return hashlib.sha256(pdf).hexdigest() == document.sha256
