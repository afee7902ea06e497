"""Offline enrolment, inspector side: export a request file, import the certificate the office issued.

Files travel on the share or a USB stick, so everything imported is checked before anything changes: the
certificate must carry this laptop's public key, be signed by the office certificate that comes with it
(or one already trusted), allow document signing and be valid today.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from inspector_app.core.errors import AppError, StateError
from inspector_app.core.i18n import tr
from inspector_app.core.identity import certs, storage
from inspector_app.core.identity.inspector import (
    IdentityStatus,
    has_identity,
    identity_status,
    person_of,
    unlock_key,
)
from inspector_app.core.identity.trust import add_trusted, issuing_office, trusted_in
from inspector_app.core.workspace import Workspace


@dataclass(frozen=True)
class RequestInfo:
    """What was written, and the key fingerprint the inspector reads out to the office to confirm it."""

    path: Path
    subject_name: str
    staff_no: str
    key_fingerprint: str


def export_enrolment_request(ws: Workspace, passphrase: str, path: Path | str) -> RequestInfo:
    """Write a PKCS#10 request (PEM) signed by the inspector's key, naming the inspector from the settings."""
    key = unlock_key(ws, passphrase)
    own = storage.load_own_certificate(storage.cert_path(ws.data_dir))
    if not storage.same_key(own.public_key(), key.public_key()):
        raise AppError(tr("The certificate {path} does not belong to your key; create the identity again.",
                          path=storage.cert_path(ws.data_dir)))
    try:
        person = person_of(ws)
    except AppError:  # settings emptied since the identity was made: keep the certificate's names
        person = certs.Person.from_name(own.subject)
    csr = certs.request(key, person)  # type: ignore[arg-type]  # the app only makes EC keys
    target = Path(path)
    storage.write_output(target, csr.public_bytes(serialization.Encoding.PEM))
    return RequestInfo(target, person.name, person.staff_no, storage.key_fingerprint(key.public_key()))


def _check_validity(path: Path, cert: x509.Certificate, *, office: bool) -> None:
    if certs.valid_now(cert):
        return
    start, end = cert.not_valid_before_utc.date(), cert.not_valid_after_utc.date()
    if office:
        raise storage.problem(path, tr("the office certificate is valid from {start} to {end}, not today",
                                       start=start, end=end))
    raise storage.problem(path, tr("the certificate is valid from {start} to {end}, not today", start=start, end=end))


def check_bundle(path: Path, bundle: list[x509.Certificate], own: x509.Certificate,
                 trusted: list[x509.Certificate]) -> tuple[x509.Certificate, x509.Certificate]:
    """(inspector certificate, issuing office) from a bundle, or InputError naming the file and the reason."""
    mine = [c for c in bundle if storage.same_key(c.public_key(), own.public_key()) and not certs.is_ca(c)]
    if not mine:
        raise storage.problem(path, tr("this certificate belongs to someone else: it is not for the key of "
                                       "this laptop's identity"))
    leaf = mine[0]
    if certs.is_self_signed(leaf):
        raise storage.problem(path, tr("this certificate is self-signed; it must be issued by the office"))
    offices = [c for c in bundle if c is not leaf and certs.is_ca(c)]
    office = issuing_office(leaf, offices) or issuing_office(leaf, trusted)
    if office is None:
        raise storage.problem(path, tr("the certificate was not issued by the office certificate in the file"))
    if not certs.is_self_signed(office):
        raise storage.problem(path, tr("the office certificate in the file is not a root certificate"))
    if not certs.can_sign_documents(leaf):
        raise storage.problem(path, tr("the certificate does not allow signing documents"))
    _check_validity(path, leaf, office=False)
    _check_validity(path, office, office=True)
    return leaf, office


def import_certificate(ws: Workspace, bundle_path: Path | str) -> IdentityStatus:
    """Install the office-issued certificate and trust its office; on any fault nothing changes."""
    if not has_identity(ws):
        raise StateError(tr("There is no signing identity yet: create one first (profile init)."))
    path = Path(bundle_path)
    own = storage.load_own_certificate(storage.cert_path(ws.data_dir))
    leaf, office = check_bundle(path, storage.load_certificates(path), own, trusted_in(ws.data_dir))
    add_trusted(ws.data_dir, office)
    storage.write_atomic(storage.cert_path(ws.data_dir), storage.cert_pem(leaf))
    return identity_status(ws)
