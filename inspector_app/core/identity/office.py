"""The office (综合办公室) as a small certificate authority in a folder it chooses.

`office.key.pem` (encrypted) and `office.cert.pem` (self-signed root, issuing inspectors only). Every issued
certificate is also kept in `issued/<serial>.pem`, so the office can later see whom it enrolled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from inspector_app.core.errors import AppError, StateError
from inspector_app.core.i18n import tr
from inspector_app.core.identity import certs, storage
from inspector_app.core.identity.passphrase import check_new, encode

if TYPE_CHECKING:
    from inspector_app.core.identity.inspector import SigningIdentity


@dataclass(frozen=True)
class OfficeStatus:
    folder: Path
    exists: bool
    name: str = ""
    fingerprint: str = ""
    not_after: dt.datetime | None = None
    issued: int = 0


@dataclass(frozen=True)
class Enrolment:
    """An issued certificate: the office compares `key_fingerprint` with the one the inspector reads out."""

    path: Path
    subject_name: str
    staff_no: str
    fingerprint: str
    key_fingerprint: str
    not_after: dt.datetime


def office_paths(folder: Path | str) -> tuple[Path, Path]:
    base = Path(folder)
    return base / storage.OFFICE_KEY_FILE, base / storage.OFFICE_CERT_FILE


def office_init(folder: Path | str, name: str, passphrase: str) -> OfficeStatus:
    """Create the office key and root certificate; an existing office is never replaced (it would orphan
    every inspector it enrolled)."""
    secret = check_new(passphrase)
    if not name.strip():
        raise AppError(tr("The office needs a name, e.g. the hospital and the office."))
    key_file, cert_file = office_paths(folder)
    if key_file.exists() or cert_file.exists():
        raise StateError(tr("An office already exists in {path}; it was kept.", path=Path(folder)))
    key = certs.new_key()
    cert = certs.office_root(key, name)
    storage.make_private_dir(Path(folder))
    storage.write_atomic(cert_file, storage.cert_pem(cert))
    storage.write_atomic(key_file, storage.encrypted_pem(key, secret), private=True)
    return office_status(folder)


def load_office_certificate(folder: Path | str) -> x509.Certificate:
    """The office root certificate: what the office trusts when it verifies signed sheets."""
    _, cert_file = office_paths(folder)
    if not cert_file.exists():
        raise StateError(tr("There is no office in {path}: create it first (office init).", path=Path(folder)))
    return storage.load_own_certificate(cert_file)


SIGNER_KEY_FILE, SIGNER_CERT_FILE = "office-signer.key.pem", "office-signer.cert.pem"


def unlock_office_root(folder: Path | str, passphrase: str) -> tuple[x509.Certificate, Any, bytes]:
    """The office root certificate, its private key and the encoded passphrase (which opens the office's other
    keys too); a wrong passphrase, or a key and certificate that differ, is refused with a plain reason."""
    base = Path(folder)
    key_file, _ = office_paths(base)
    root = load_office_certificate(base)
    secret = encode(passphrase)
    root_key = storage.load_private_key(key_file, secret, tr("The office passphrase is wrong."))
    if not storage.same_key(root_key.public_key(), root.public_key()):
        raise AppError(tr("The office key and certificate in {path} do not belong together.", path=base))
    return root, root_key, secret


def load_office_identity(folder: Path | str, passphrase: str) -> SigningIdentity:
    """The office's document-signing identity (a closed month's pay list): a key of its own with a certificate
    the office root issued (the root signs certificates, not documents), made on first use beside the root and
    encrypted with the same passphrase. A signed document then verifies like an enrolled inspector's sheet."""
    from inspector_app.core.identity.inspector import SigningIdentity

    base = Path(folder)
    root, root_key, secret = unlock_office_root(base, passphrase)
    signer_key_file, signer_cert_file = base / SIGNER_KEY_FILE, base / SIGNER_CERT_FILE
    if signer_key_file.exists() and signer_cert_file.exists():
        cert = storage.load_own_certificate(signer_cert_file)
        key = storage.load_private_key(signer_key_file, secret, tr("The office passphrase is wrong."))
        if certs.issued_by(cert, root) and certs.valid_now(cert) and storage.same_key(key.public_key(),
                                                                                      cert.public_key()):
            return SigningIdentity(key, cert, [root], self_signed=False)
    office = certs.name_part(root.subject, NameOID.COMMON_NAME)
    key = certs.new_key()
    cert = certs.issue(root_key, root, certs.Person(name=office, office=office).x509_name(),  # type: ignore[arg-type]
                       key.public_key())
    storage.write_atomic(signer_key_file, storage.encrypted_pem(key, secret), private=True)
    storage.write_atomic(signer_cert_file, storage.cert_pem(cert))
    return SigningIdentity(key, cert, [root], self_signed=False)


def office_status(folder: Path | str) -> OfficeStatus:
    base = Path(folder)
    key_file, cert_file = office_paths(base)
    if not (key_file.exists() and cert_file.exists()):
        return OfficeStatus(base, exists=False)
    cert = load_office_certificate(base)
    issued = len(list((base / storage.ISSUED_DIR).glob("*.pem"))) if (base / storage.ISSUED_DIR).is_dir() else 0
    return OfficeStatus(base, True, certs.name_part(cert.subject, x509.NameOID.COMMON_NAME),
                        storage.fingerprint(cert), cert.not_valid_after_utc, issued)


def check_request(path: Path, csr: x509.CertificateSigningRequest) -> None:
    """A request the office will sign: intact, an acceptable key, and naming a person with a 工号."""
    if not csr.is_signature_valid:
        raise storage.problem(path, tr("the request's signature does not match its key (damaged or altered)"))
    if not certs.acceptable_key(csr.public_key()):
        raise storage.problem(path, tr("the request's key type is not accepted"))
    person = certs.Person.from_name(csr.subject)
    if not person.name or not person.staff_no:
        raise storage.problem(path, tr("the request does not name the inspector and the staff number"))


def office_enrol(folder: Path | str, passphrase: str, request_path: Path | str, out_path: Path | str) -> Enrolment:
    """Issue a certificate for an inspector's request; writes it with the office certificate appended."""
    request_file, target = Path(request_path), Path(out_path)
    office_cert = load_office_certificate(folder)
    csr = storage.load_request(request_file)
    check_request(request_file, csr)
    if not certs.valid_now(office_cert):
        raise AppError(tr("The office certificate expired on {date}; create a new office.",
                          date=office_cert.not_valid_after_utc.date()))
    _, office_key, _ = unlock_office_root(folder, passphrase)
    cert = certs.issue(office_key, office_cert, csr.subject, csr.public_key())  # type: ignore[arg-type]
    storage.write_output(target, storage.cert_pem(cert, office_cert))
    storage.write_atomic(Path(folder) / storage.ISSUED_DIR / f"{cert.serial_number:032x}.pem", storage.cert_pem(cert))
    person = certs.Person.from_name(cert.subject)
    return Enrolment(target, person.name, person.staff_no, storage.fingerprint(cert),
                     storage.key_fingerprint(cert.public_key()), cert.not_valid_after_utc)
