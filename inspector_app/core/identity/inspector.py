"""The inspector's signing identity in `<data>/identity/`: an encrypted EC key and its certificate.

The key never leaves the laptop unencrypted and the passphrase is never stored: every use asks for it.
The certificate is self-signed until the office enrols it; then the office certificate (in the trust store)
is the chain that lets the office prove who signed a sheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import NameOID

from inspector_app.core.errors import AppError, StateError
from inspector_app.core.i18n import tr
from inspector_app.core.identity import certs, storage
from inspector_app.core.identity.passphrase import check_new, encode, normalise
from inspector_app.core.identity.trust import issuing_office, trusted_in
from inspector_app.core.workspace import Workspace

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.signers import SimpleSigner


@dataclass(frozen=True)
class IdentityStatus:
    """What the profile page shows: whether there is an identity, who it names, enrolled or not."""

    exists: bool
    enrolled: bool = False  # issued by an office certificate in the trust store
    self_signed: bool = False
    subject_name: str = ""
    staff_no: str = ""
    hospital: str = ""
    office: str = ""
    issuer_name: str = ""
    fingerprint: str = ""  # SHA-256 of the certificate, AB:CD:…
    key_fingerprint: str = ""  # SHA-256 of the public key: compare with the office when enrolling
    office_fingerprint: str = ""
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None
    expired: bool = False
    problem: str = ""  # a damaged certificate file, in plain words
    key_sealed: bool = False  # the key file is also sealed by Windows (DPAPI) for this user on this computer


@dataclass(frozen=True)
class SigningIdentity:
    """An unlocked identity, ready to sign; keep it only as long as signing takes."""

    private_key: PrivateKeyTypes = field(repr=False)
    certificate: x509.Certificate
    chain: list[x509.Certificate]  # the issuing office certificate when enrolled, else empty
    self_signed: bool

    @property
    def enrolled(self) -> bool:
        return bool(self.chain)

    def as_pyhanko_signer(self) -> SimpleSigner:
        """A pyHanko signer with this key, certificate and chain (for `PdfSigner` / `sign_pdf`)."""
        from asn1crypto import keys as asn1_keys
        from pyhanko.sign.signers import SimpleSigner
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        der = self.private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
        return SimpleSigner(signing_cert=asn1_certificate(self.certificate),
                            signing_key=asn1_keys.PrivateKeyInfo.load(der),
                            cert_registry=SimpleCertificateStore.from_certs([asn1_certificate(c) for c in self.chain]))


def asn1_certificate(cert: x509.Certificate) -> asn1_x509.Certificate:
    """The asn1crypto form pyHanko wants (e.g. `ValidationContext(trust_roots=[...])`)."""
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def person_of(ws: Workspace) -> certs.Person:
    """The certificate subject from the settings; name and 工号 are required to tell inspectors apart."""
    inspector = ws.settings.inspector
    if not inspector.name.strip() or not inspector.staff_no.strip():
        raise AppError(tr("Enter the inspector's name and staff number in the settings first."))
    return certs.Person(inspector.name, inspector.staff_no, ws.settings.hospital, inspector.office)


def has_identity(ws: Workspace) -> bool:
    return storage.key_path(ws.data_dir).exists() and storage.cert_path(ws.data_dir).exists()


def create_identity(ws: Workspace, passphrase: str, *, overwrite: bool = False) -> IdentityStatus:
    """A new key and self-signed certificate; an existing identity is replaced only with `overwrite`."""
    return create_for(ws, passphrase, person_of(ws), overwrite=overwrite)


def create_for(ws: Workspace, passphrase: str, person: certs.Person, *, overwrite: bool = False) -> IdentityStatus:
    secret = check_new(passphrase)
    key_file = storage.key_path(ws.data_dir)
    if key_file.exists() and not overwrite:
        raise StateError(tr("A signing identity already exists in {path}; it was kept.", path=key_file.parent))
    key = certs.new_key()
    cert = certs.self_signed(key, person)
    storage.make_private_dir(key_file.parent)
    # certificate first, key last: "the key exists" then always means the identity is complete
    storage.write_atomic(storage.cert_path(ws.data_dir), storage.cert_pem(cert))
    storage.write_private_key(key_file, key, secret, for_this_user=True)
    return identity_status(ws)


def describe(cert: x509.Certificate, offices: list[x509.Certificate]) -> IdentityStatus:
    office = None if certs.is_self_signed(cert) else issuing_office(cert, offices)
    person = certs.Person.from_name(cert.subject)
    return IdentityStatus(
        exists=True, enrolled=office is not None, self_signed=certs.is_self_signed(cert),
        subject_name=person.name, staff_no=person.staff_no, hospital=person.hospital, office=person.office,
        issuer_name=certs.name_part(cert.issuer, NameOID.COMMON_NAME),
        fingerprint=storage.fingerprint(cert), key_fingerprint=storage.key_fingerprint(cert.public_key()),
        office_fingerprint=storage.fingerprint(office) if office is not None else "",
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        expired=certs.now() > cert.not_valid_after_utc)


def identity_status(ws: Workspace) -> IdentityStatus:
    if not has_identity(ws):
        return IdentityStatus(exists=False)
    try:
        cert = storage.load_own_certificate(storage.cert_path(ws.data_dir))
    except AppError as exc:
        return IdentityStatus(exists=True, problem=str(exc))
    return replace(describe(cert, trusted_in(ws.data_dir)),
                   key_sealed=storage.key_sealed(storage.key_path(ws.data_dir)))


def unlock_key(ws: Workspace, passphrase: str) -> PrivateKeyTypes:
    if not has_identity(ws):
        raise StateError(tr("There is no signing identity yet: create one first (profile init)."))
    path = storage.key_path(ws.data_dir)
    key = storage.load_private_key(path, encode(passphrase), tr("The passphrase is wrong."))
    try:
        storage.seal_for_this_user(path)  # a key written before DPAPI sealing (Windows): sealed from now on
    except OSError:
        pass  # stays as it was: still encrypted with the passphrase; the next unlock tries again
    return key


def load_signing_identity(ws: Workspace, passphrase: str) -> SigningIdentity:
    """Unlock the key; refuses a certificate that is not this key's or is not valid today."""
    key = unlock_key(ws, passphrase)
    path = storage.cert_path(ws.data_dir)
    cert = storage.load_own_certificate(path)
    if not storage.same_key(cert.public_key(), key.public_key()):
        raise AppError(tr("The certificate {path} does not belong to your key; import the certificate the "
                          "office issued for this laptop, or create the identity again.", path=path))
    if not certs.valid_now(cert):
        raise AppError(tr("Your certificate is valid from {start} to {end}, not today: ask the office for a "
                          "new one (profile request).", start=cert.not_valid_before_utc.date(),
                          end=cert.not_valid_after_utc.date()))
    self_signed = certs.is_self_signed(cert)
    office = None if self_signed else issuing_office(cert, trusted_in(ws.data_dir))
    return SigningIdentity(private_key=key, certificate=cert, chain=[office] if office is not None else [],
                           self_signed=self_signed)


def change_passphrase(ws: Workspace, old: str, new: str) -> None:
    """Re-encrypt the key with a new passphrase (the key and certificate stay the same)."""
    key = unlock_key(ws, old)
    secret = check_new(new)
    if normalise(old) == normalise(new):
        raise AppError(tr("The new passphrase is the same as the old one; nothing was changed."))
    storage.write_private_key(storage.key_path(ws.data_dir), key, secret, for_this_user=True)
