"""Signing a document someone else certified: the department head's countersignature, the office's seal.

Both add a revision the inspector's certification allows, and both first check the document as it is: a
sheet that does not verify is not countersigned or sealed, since that would lend it a signature it has not
earned.
"""

from __future__ import annotations

from pathlib import Path

from inspector_app.core.documents.signing import countersign_pdf, seal_pdf
from inspector_app.core.documents.verification import Verification, verify_pdf
from inspector_app.core.errors import AppError
from inspector_app.core.files import read_limited
from inspector_app.core.i18n import tr
from inspector_app.core.identity import load_signing_identity, trusted_office_certs
from inspector_app.core.identity.trust import local_crls
from inspector_app.core.workspace import Workspace

MAX_DOCUMENT_BYTES = 256 * 1024 * 1024  # a sheet with photos is a few MB


def _refuse_unless_valid(check: Verification, path: Path | str) -> None:
    if not check.ok:
        raise AppError(tr("{path} does not verify, so it was left as it is: {problems}", path=path,
                          problems="; ".join(check.problems)))


def countersign_file(ws: Workspace, source: Path, passphrase: str) -> bytes:
    """The document with this laptop's signature added (e.g. the inspected department head acknowledging
    the sheet); its signer must be enrolled for `verify` to accept it."""
    data = read_limited(source, MAX_DOCUMENT_BYTES)
    check = verify_pdf(data, trusted_office_certs(ws), local_crls(ws.data_dir))
    _refuse_unless_valid(check, source)
    identity = load_signing_identity(ws, passphrase)
    number = check.document_number or source.name
    return countersign_pdf(data, identity.as_pyhanko_signer(), location=ws.settings.hospital,
                           reason=tr("Acknowledged: {number}", number=number))


def seal_file(source: Path, office_dir: Path, passphrase: str) -> bytes:
    """The document with the office's CRL and timestamp added (PAdES B-LT), checked first against the
    office certificate alone."""
    from inspector_app.core.identity.timestamping import load_office_seal

    data = read_limited(source, MAX_DOCUMENT_BYTES)
    seal = load_office_seal(office_dir, passphrase)
    _refuse_unless_valid(verify_pdf(data, [seal.root], [seal.crl]), source)
    return seal_pdf(data, seal)
