"""The office sealing the signed sheets it merged: its CRL and its timestamp on each (PAdES B-LTA).

A merged sheet is kept under the files folder by its content hash, exactly as the laptop signed it; the sealed
copy goes beside it in `sealed/`, so the laptop's file is never rewritten and a merge stays repeatable. Each
seal, and each sheet that could not be sealed, is an office event (`seal_sheet` / `seal_failed`) with the
sheet's number and hashes: that is the audit, and "pending" means a merged sheet with no `seal_sheet` event.

Sealing comes after the merge's transaction: a sheet that does not verify (altered, its signer revoked
before signing, a file missing) is reported and left pending, and the rows it came with stay merged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select

from inspector_app.core.documents.signing import seal_pdf
from inspector_app.core.documents.verification import verify_pdf
from inspector_app.core.files import read_limited, write_atomic
from inspector_app.core.i18n import tr
from inspector_app.core.merge import models as m
from inspector_app.core.merge.database import CentralDB
from inspector_app.core.store.models import utcnow

if TYPE_CHECKING:
    from inspector_app.core.identity.timestamping import OfficeSeal

SEALED_DIR = "sealed"
SEAL_ACTION, FAILED_ACTION = "seal_sheet", "seal_failed"
MAX_SHEET_BYTES = 256 * 1024 * 1024
Status = Literal["sealed", "failed"]


@dataclass(frozen=True)
class SealOutcome:
    document_id: str
    number: str
    status: Status
    path: Path | None = None  # the sealed copy
    message: str = ""


def sealed_path(files_dir: Path, sha256: str) -> Path:
    return files_dir / SEALED_DIR / sha256[:2] / f"{sha256}.pdf"


def pending_sheets(central: CentralDB, batch_ids: Iterable[str] | None = None) -> list[m.Document]:
    """Merged signed sheets without a seal, oldest first; only those of `batch_ids` when given."""
    wanted = None if batch_ids is None else set(batch_ids)
    with central.read() as session:
        done = set(session.scalars(select(m.OfficeEvent.subject).where(m.OfficeEvent.action == SEAL_ACTION)))
        query = select(m.Document).where(m.Document.kind == "sheet").order_by(m.Document.created_at, m.Document.id)
        if wanted is not None:
            if not wanted:
                return []
            query = query.join(m.Inspection, m.Inspection.id == m.Document.inspection_id).where(
                m.Inspection.batch_id.in_(sorted(wanted)))
        return [doc for doc in session.scalars(query) if doc.id not in done]


def _seal_one(document: m.Document, files_dir: Path, seal: OfficeSeal) -> tuple[bytes, str]:
    """The sealed sheet and its level; AppError-free: a reason string in place of bytes on failure."""
    if not document.file_path or not (files_dir / document.file_path).is_file():
        return b"", tr("the signed file is not in the files folder")
    data = read_limited(files_dir / document.file_path, MAX_SHEET_BYTES)
    if hashlib.sha256(data).hexdigest() != document.sha256:
        return b"", tr("the file in the files folder is not the one the laptop registered (SHA-256 differs)")
    check = verify_pdf(data, [seal.root], [seal.crl])
    if not check.ok:
        return b"", "; ".join(check.problems)
    sealed = seal_pdf(data, seal)
    after = verify_pdf(sealed, [seal.root], [seal.crl])
    if not after.ok:
        return b"", "; ".join(after.problems)
    return sealed, after.level


def seal_sheets(central: CentralDB, files_dir: Path, seal: OfficeSeal, documents: Iterable[m.Document], *,
                by: str = "", progress: Callable[[int, int], bool | None] | None = None) -> list[SealOutcome]:
    """Seal each sheet (one at a time: a failure touches only its own sheet) and record it; `progress`
    returning False stops after the sheet in hand (the rest stay pending)."""
    items = list(documents)
    outcomes: list[SealOutcome] = []
    actor = (by.strip() or "office")[:64]
    for index, document in enumerate(items, start=1):
        sealed, detail = _seal_one(document, files_dir, seal)
        event = {"number": document.number, "sha256": document.sha256}
        if sealed:
            target = sealed_path(files_dir, document.sha256)
            write_atomic(target, sealed)
            event |= {"sealed_sha256": hashlib.sha256(sealed).hexdigest(), "level": detail,
                      "file": target.relative_to(files_dir).as_posix()}
            outcomes.append(SealOutcome(document.id, document.number, "sealed", target))
        else:
            event |= {"reason": detail[:2000]}
            outcomes.append(SealOutcome(document.id, document.number, "failed", message=detail))
        action = SEAL_ACTION if sealed else FAILED_ACTION
        central.transaction(lambda session, action=action, event=event, subject=document.id: session.add(
            m.OfficeEvent(at=utcnow(), actor=actor, action=action, subject=subject, detail=event)))
        if progress is not None and progress(index, len(items)) is False:
            break
    return outcomes


def warm_up() -> None:
    """Import what sealing imports lazily, from the thread that calls this (the GUI thread, before it starts
    sealing on a worker: PySide's import hook must not run in a second thread while the GUI thread works)."""
    import asn1crypto.crl
    import asn1crypto.keys  # noqa: F401
    import pyhanko.pdf_utils.decode_limits
    import pyhanko.pdf_utils.incremental_writer
    import pyhanko.pdf_utils.reader
    import pyhanko.sign.signers.pdf_signer
    import pyhanko.sign.timestamps.dummy_client
    import pyhanko.sign.validation
    import pyhanko.sign.validation.errors
    import pyhanko.sign.validation.status  # noqa: F401
    import pyhanko_certvalidator.registry  # noqa: F401

    import inspector_app.core.identity.inspector
    import inspector_app.core.identity.revocation
    import inspector_app.core.identity.timestamping  # noqa: F401


def describe(outcome: SealOutcome) -> str:
    if outcome.status == "sealed":
        return tr("{number}: sealed (office timestamp and revocation data): {path}", number=outcome.number,
                  path=outcome.path)
    return tr("{number}: not sealed, left pending: {reason}", number=outcome.number, reason=outcome.message)
