"""Document numbers and the register of issued documents.

A number must be unique across every inspector's laptop without a network, so it is built from who issues
it (the inspector's 工号), which device (the data folder's id) and that device's own sequence:
``D001-3fa2c1-DC-000123``. Issued files are kept under ``documents/<yyyy-mm>/<number>.pdf`` and registered
with their SHA-256 and an audit event, so a printed copy can later be matched to the stored one.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from inspector_app.core.errors import InputError
from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import tr
from inspector_app.core.store import audit
from inspector_app.core.store.models import Document, utcnow
from inspector_app.core.workspace import Workspace

KIND_CODES = {"sheet": "DC", "notice": "ZG", "bulletin": "TB"}  # 督查 / 整改 / 通报
DOCUMENT_DIR = "documents"
DEVICE_CHARS = 6
SEQ_DIGITS = 6
_PREFIX_UNSAFE = re.compile(r"[^A-Za-z0-9_.]")


def _bad(field: str, reason: str) -> InputError:
    return InputError.single(tr("document"), reason, field=field)


def _kind_code(kind: str) -> str:
    try:
        return KIND_CODES[kind]
    except KeyError:
        raise _bad("kind", tr("unknown document kind {kind}", kind=kind)) from None


def number_prefix(ws: Workspace) -> str:
    """The inspector's 工号 (letters and digits only, so the number is also a safe file name), else DEV."""
    prefix = _PREFIX_UNSAFE.sub("", ws.settings.inspector.staff_no or "")
    return prefix or "DEV"


def next_document_number(ws: Workspace, kind: str) -> str:
    """A new number for a document of `kind` (sheet / notice / bulletin), increasing on this device.

    Documents share the device's sequence with inspections and deductions, so numbers never repeat, even
    after the data folder is reopened.
    """
    code = _kind_code(kind)
    device = ws.device_id
    seq = ws.take_sequence()  # resumes after every number this device issued, documents included
    return f"{number_prefix(ws)}-{device.replace('-', '')[:DEVICE_CHARS]}-{code}-{seq:0{SEQ_DIGITS}d}"


def sequence_of(number: str) -> int:
    """The device sequence a number was made from (its last part)."""
    try:
        return int(number.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        raise _bad("number", tr("{number} is not a document number", number=number)) from None


def document_path(number: str, when: datetime | None = None) -> str:
    """Where an issued document is kept, relative to the data folder (by month of issue)."""
    moment = (when or utcnow()).astimezone()
    return f"{DOCUMENT_DIR}/{moment:%Y-%m}/{number}.pdf"


def record_document(ws: Workspace, *, number: str, kind: str, pdf_bytes: bytes, inspection_id: str | None = None,
                    department_id: str | None = None, month: str | None = None, path: str | None = None,
                    signed_by: str | None = None, created_at: datetime | None = None) -> Document:
    """Store the file (when it is not there already) and register it, with its audit event, in one transaction.

    `path` is relative to the data folder (default: documents/<yyyy-mm>/<number>.pdf); the file is written
    before the row is committed, so a crash can leave an unregistered file, never a row without its file.
    """
    _kind_code(kind)
    # a register number (〔2026〕3012号) has no device sequence in it: the document takes the next one
    seq = ws.take_sequence() if "〔" in number else sequence_of(number)
    created = created_at or utcnow()
    relative = path or document_path(number, created)
    target = (ws.data_dir / relative).resolve()
    if Path(relative).is_absolute() or not target.is_relative_to(ws.data_dir.resolve()):
        raise _bad("path", tr("documents are kept inside the data folder, not at {path}", path=relative))
    if not target.exists() or target.read_bytes() != pdf_bytes:
        write_atomic(target, pdf_bytes)
    device = ws.device_id
    with ws.db.write() as session:
        if session.scalar(select(Document.id).where(Document.number == number)) is not None:
            raise _bad("number", tr("document number {number} was already issued", number=number))
        document = Document(number=number, kind=kind, inspection_id=inspection_id, department_id=department_id,
                            month=month, device_id=device, seq=seq, sha256=hashlib.sha256(pdf_bytes).hexdigest(),
                            path=relative, signed_by=signed_by, created_at=created)
        session.add(document)
        audit.record(session, ws.settings.inspector.name or "inspector", "issue", "document", document)
    return document
