"""The trust store `<data>/trust/`: office certificates this laptop accepts as issuers of inspectors.

Files are named by the certificate's SHA-256, so adding the same office twice is harmless. Any other .pem
an administrator drops there is read too; files that hold no office (CA) certificate are skipped and
logged, so one stray file cannot make the app unusable.
"""

from __future__ import annotations

import logging
from pathlib import Path

from cryptography import x509

from inspector_app.core.errors import InputError
from inspector_app.core.i18n import tr
from inspector_app.core.identity.certs import is_ca, issued_by
from inspector_app.core.identity.storage import (
    CRL_FILE,
    cert_pem,
    default_office_dir,
    fingerprint_hex,
    load_certificates,
    trust_dir,
    write_atomic,
)
from inspector_app.core.workspace import Workspace

log = logging.getLogger(__name__)


def trusted_in(data_dir: Path) -> list[x509.Certificate]:
    """Office certificates from every .pem file in `<data>/trust/` (each once)."""
    folder = trust_dir(data_dir)
    if not folder.is_dir():
        return []
    found: dict[str, x509.Certificate] = {}
    for path in sorted(folder.glob("*.pem")):
        try:
            certs = load_certificates(path)
        except InputError as exc:
            log.warning("trust store: skipped %s", exc)
            continue
        for cert in certs:
            if is_ca(cert):
                found.setdefault(fingerprint_hex(cert), cert)
            else:
                log.warning("trust store: %s holds a certificate that is not an office (CA) certificate", path)
    return list(found.values())


def trusted_office_certs(ws: Workspace) -> list[x509.Certificate]:
    return trusted_in(ws.data_dir)


def local_crls(data_dir: Path, extra: list[Path] | None = None) -> list[x509.CertificateRevocationList]:
    """The offices' revocation lists this machine holds: `<data>/trust/*.crl.pem`, the office folder's own
    `office.crl.pem` (on the office's machine) and any named. `verify` counts only those a trusted office
    signed; an unreadable file is skipped and logged (a named one is an error)."""
    found: list[x509.CertificateRevocationList] = []
    candidates = [*sorted(trust_dir(data_dir).glob("*.crl.pem")), default_office_dir(data_dir) / CRL_FILE]
    for path in candidates:
        if not path.is_file():
            continue
        try:
            found.append(x509.load_pem_x509_crl(path.read_bytes()))
        except (OSError, ValueError) as exc:
            log.warning("revocation list %s skipped: %r", path, exc)
    for path in extra or []:
        try:
            found.append(x509.load_pem_x509_crl(path.read_bytes()))
        except (OSError, ValueError):
            raise InputError.single(str(path), tr("not a PEM certificate revocation list")) from None
    return found


def add_trusted(data_dir: Path, office: x509.Certificate) -> Path:
    path = trust_dir(data_dir) / f"{fingerprint_hex(office)}.pem"
    if not path.exists():
        write_atomic(path, cert_pem(office))
    return path


def issuing_office(cert: x509.Certificate, offices: list[x509.Certificate]) -> x509.Certificate | None:
    """The trusted office whose key signed `cert`, if any."""
    for office in offices:
        if office.subject == cert.issuer and issued_by(cert, office):
            return office
    return None
