"""Issuing documents: number → render → (sign) → store and register. One path for the CLI and the GUI.

Only a finished (locked) inspection gets a signed sheet: what was signed can no longer change. Notices and
bulletins are printed and handed out; they are numbered and registered but not signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from inspector_app.core.documents.bulletin import render_bulletin, write_bulletin_xlsx
from inspector_app.core.documents.bulletin_narrative import BulletinNarrative
from inspector_app.core.documents.notice import notice_departments, render_notice
from inspector_app.core.documents.numbering import (
    DOCUMENT_DIR,
    next_document_number,
    record_document,
)
from inspector_app.core.documents.register import (
    file_stem,
    find_document,
    record_print,
    register_number,
    same_as_registered,
)
from inspector_app.core.documents.sheet import render_sheet_for_signing
from inspector_app.core.documents.signing import SignatureBox, sign_pdf
from inspector_app.core.documents.stamp import StampText, content_digest, render_stamp
from inspector_app.core.errors import NotFoundError, StateError
from inspector_app.core.i18n import tr
from inspector_app.core.identity import SigningIdentity
from inspector_app.core.store.models import Department, Inspection, utcnow
from inspector_app.core.summary import parse_month
from inspector_app.core.workspace import Workspace


@dataclass(frozen=True)
class Issued:
    number: str
    path: Path  # absolute, inside the data folder
    signed_by: str | None = None
    self_signed: bool = False


def _inspection(ws: Workspace, inspection_id: str) -> Inspection:
    with ws.db.read() as session:
        inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFoundError(tr("No inspection with id {id}", id=inspection_id))
    return inspection


def issue_sheet(ws: Workspace, inspection_id: str, passphrase: str | None = None, *, lang: str = "zh",
                identity: SigningIdentity | None = None, now: datetime | None = None) -> Issued:
    """The inspection sheet, certified (PAdES) with the inspector's key (unlocked with `passphrase`, or an
    `identity` already unlocked when many sheets are signed in a row). It shows the signature: name, time
    and a verification line with a QR code, and its date lines carry the signing time."""
    from inspector_app.core.identity import load_signing_identity

    inspection = _inspection(ws, inspection_id)
    if inspection.status != "finished":
        raise StateError(tr("Finish the inspection before signing its sheet: a signed sheet cannot change."))
    if identity is None:  # a wrong passphrase stops here, before a number is used
        identity = load_signing_identity(ws, passphrase or "")
    number = next_document_number(ws, "sheet")
    moment = (now or utcnow()).astimezone().replace(microsecond=0)
    pdf, (page, box) = render_sheet_for_signing(ws, inspection_id, number, moment, lang=lang)
    appearance = render_stamp(_stamp_text(identity, moment, number, content_digest(pdf)), box[2] - box[0],
                              box[3] - box[1], lang=lang)
    signed = sign_pdf(pdf, identity.as_pyhanko_signer(), number=number, moment=moment,
                      box=SignatureBox(page, box, appearance),
                      reason=tr("Inspection sheet {number}", number=number), location=ws.settings.hospital)
    signer = ws.settings.inspector.name or None
    document = record_document(ws, number=number, kind="sheet", pdf_bytes=signed, inspection_id=inspection_id,
                               department_id=inspection.department_id, signed_by=signer)
    return Issued(number, ws.data_dir / document.path, signer, identity.self_signed)


def _stamp_text(identity: SigningIdentity, moment: datetime, number: str, digest: str) -> StampText:
    from cryptography.x509.oid import NameOID

    from inspector_app.core.identity.certs import Person, name_part

    person = Person.from_name(identity.certificate.subject)
    issuer = "" if identity.self_signed else name_part(identity.certificate.issuer, NameOID.COMMON_NAME)
    return StampText(person.name, person.staff_no, issuer, moment, number, digest)


def issue_notices(ws: Workspace, inspection_id: str, department: str | None = None, *, lang: str = "zh",
                  copies: int = 1, now: datetime | None = None) -> list[Issued]:
    """One rectification notice per department with live deductions (or only `department`), each with the
    next register number; the number is taken only once its PDF is made, so a refusal leaves no gap."""
    inspection = _inspection(ws, inspection_id)
    if inspection.status != "finished":
        raise StateError(tr("Finish the inspection before issuing rectification notices."))
    targets = notice_departments(ws, inspection_id)
    if not targets:
        raise StateError(tr("This inspection found no problems: there is nothing to rectify, so no notice was "
                            "issued."))
    if department:
        targets = [t for t in targets if department in t]
        if not targets:
            raise NotFoundError(tr("This inspection found no problems in {department}.", department=department))
    moment = (now or utcnow()).astimezone()
    issued = []
    for code, _name in targets:
        number = register_number(ws, "notice", moment.year)
        pdf = render_notice(ws, inspection_id, code, number, lang=lang, today=moment.date(), created=moment,
                            device_id=ws.device_id)
        with ws.db.read() as session:
            department_id = session.query(Department.id).filter(Department.code == code).scalar()
        relative = f"{DOCUMENT_DIR}/{moment:%Y-%m}/{file_stem(number, 'notice')}.pdf"
        document = record_document(ws, number=number, kind="notice", pdf_bytes=pdf, inspection_id=inspection_id,
                                   department_id=department_id, path=relative, created_at=moment)
        record_print(ws, document.id, copies, reprint=False, when=moment)
        issued.append(Issued(number, ws.data_dir / document.path))
    return issued


def reprint_notice(ws: Workspace, number: str, *, lang: str = "zh", copies: int = 1,
                   now: datetime | None = None) -> bytes:
    """A notice printed again (补打): the same number and content, marked with the reprint's date.

    It is made again from the inspection, and first checked to be byte for byte the registered document
    (same SHA-256): a notice whose inspection changed since cannot be reprinted as if it had not."""
    document = find_document(ws, number)
    if document.kind != "notice":
        raise StateError(tr("{number} is not a rectification notice; print its stored file {path} instead.",
                            number=number, path=document.path))
    with ws.db.read() as session:
        code = session.get(Department, document.department_id).code
    issued_at = document.created_at.astimezone()
    args = {"lang": lang, "today": issued_at.date(), "created": issued_at, "device_id": document.device_id}
    if not same_as_registered(document, render_notice(ws, document.inspection_id, code, number, **args)):
        raise StateError(tr("Notice {number} can no longer be made exactly as it was issued (its inspection or "
                            "the settings changed since, or it was issued in the other language); print the stored "
                            "copy {path}.", number=number, path=document.path))
    moment = (now or utcnow()).astimezone()
    pdf = render_notice(ws, document.inspection_id, code, number, reprint_on=moment.date(), **args)
    record_print(ws, document.id, copies, reprint=True, when=moment)
    return pdf


def issue_bulletin(ws: Workspace, month: str, *, lang: str = "zh", today: date | None = None,
                   now: datetime | None = None, narrative: BulletinNarrative | None = None) -> Issued:
    """The month's bulletin with the next register number of this laptop (documents.bulletin_prefix, its
    block), the narrative given or drafted from the month."""
    month = parse_month(month)
    moment = (now or utcnow()).astimezone()
    number = register_number(ws, "bulletin", moment.year)
    pdf = render_bulletin(ws, month, number, lang=lang, today=today or moment.date(), created=moment,
                          narrative=narrative)
    relative = f"{DOCUMENT_DIR}/{moment:%Y-%m}/{file_stem(number, 'bulletin')}.pdf"
    document = record_document(ws, number=number, kind="bulletin", pdf_bytes=pdf, month=month, path=relative,
                               created_at=moment)
    record_print(ws, document.id, 1, reprint=False, when=moment)
    return Issued(number, ws.data_dir / document.path)


def bulletin_xlsx(ws: Workspace, month: str, out: Path, *, lang: str = "zh") -> Path:
    write_bulletin_xlsx(ws, parse_month(month), out, lang=lang)
    return out
