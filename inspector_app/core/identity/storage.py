"""Where identity files live and how they are read and written.

Writes are atomic (a crash leaves the old file, never half a key) and private keys get mode 0600; on Windows
the inspector's key is also sealed with DPAPI for the current user (dpapi.py). Reads of files the user brings
(requests, certificates) report the file and the reason as a `Problem`, so a bad file is refused with plain
words and nothing is changed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.types import (
    PrivateKeyTypes,
    PublicKeyTypes,
)

from inspector_app.core.errors import AppError, InputError
from inspector_app.core.files import read_limited, write_atomic  # noqa: F401 - write_atomic re-exported
from inspector_app.core.i18n import tr
from inspector_app.core.identity import dpapi
from inspector_app.core.identity.acl import restrict_to_owner

IDENTITY_DIR = "identity"
KEY_FILE = "inspector.key.pem"
CERT_FILE = "inspector.cert.pem"
TRUST_DIR = "trust"
OFFICE_DIR = "office"
OFFICE_KEY_FILE = "office.key.pem"
OFFICE_CERT_FILE = "office.cert.pem"
CRL_FILE = "office.crl.pem"  # the office's revocation list (revocation.publish_crl)
ISSUED_DIR = "issued"
MAX_PEM_BYTES = 1024 * 1024  # certificates and requests are a few KB; anything bigger is not one


def identity_dir(data_dir: Path) -> Path:
    return data_dir / IDENTITY_DIR


def key_path(data_dir: Path) -> Path:
    return identity_dir(data_dir) / KEY_FILE


def cert_path(data_dir: Path) -> Path:
    return identity_dir(data_dir) / CERT_FILE


def trust_dir(data_dir: Path) -> Path:
    return data_dir / TRUST_DIR


def default_office_dir(data_dir: Path) -> Path:
    return data_dir / OFFICE_DIR


def key_storage_warning(folder: Path) -> str | None:
    """A warning when private keys are kept on a removable or network drive (issue #18): file permissions
    (0600/0700) mean nothing on FAT or a share, so anyone with the drive can copy the key file; there only the
    passphrase guards it, and, for an inspector's key on Windows, the DPAPI seal. None on this computer's own
    disk."""
    from inspector_app.core.files import on_network, on_removable

    try:
        network, removable = on_network(folder), on_removable(folder)
    except OSError:
        return None
    if not (network or removable):
        return None
    if key_sealed(key_path(folder)):
        return tr("Warning: {path} is on a removable or network drive, where anyone with the drive can copy the "
                  "private key file; it is sealed for this Windows user on this computer and needs the passphrase, "
                  "but keep the data folder on this computer's own disk.", path=folder)
    return tr("Warning: {path} is on a removable or network drive, where only the passphrase protects the private "
              "key. Keep the data folder on this computer's own disk, and use a long passphrase.", path=folder)


def make_private_dir(folder: Path) -> None:
    """A folder only the user can list: mode 0700 (POSIX), an owner-only ACL on Windows (acl.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    restrict_to_owner(folder)


def write_output(path: Path, data: bytes) -> None:
    """Write a file the user chose (request, issued certificate); a failure names the file."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise problem(path, tr("cannot write the file: {detail}", detail=exc.strerror or str(exc))) from None


def problem(path: Path | str, reason: str) -> InputError:
    return InputError.single(str(path), reason)


def read_small(path: Path) -> bytes:
    """A user-supplied file's bytes, or InputError naming it (missing, unreadable, too large)."""
    return read_limited(path, MAX_PEM_BYTES)


def _kind_problem(path: Path, data: bytes, expected: str) -> InputError | None:
    """A plain reason when the file is obviously something else than `expected`."""
    if b"-----BEGIN" not in data:
        return problem(path, tr("not a PEM text file (it should start with -----BEGIN {kind}-----)", kind=expected))
    if b"PRIVATE KEY-----" in data:
        if expected == "CERTIFICATE":
            return problem(path, tr("this file holds a private key, not a certificate; never hand out private keys"))
        return problem(path, tr("this file holds a private key, not an enrolment request; never hand out "
                                "private keys"))
    if expected != "CERTIFICATE REQUEST" and b"BEGIN CERTIFICATE REQUEST" in data:
        return problem(path, tr("this is an enrolment request, not a certificate"))
    if expected == "CERTIFICATE REQUEST" and b"BEGIN CERTIFICATE-----" in data:
        return problem(path, tr("this is a certificate, not an enrolment request"))
    return None


def load_certificates(path: Path) -> list[x509.Certificate]:
    """All certificates of a PEM file (one or a bundle), or InputError naming the file and the reason."""
    data = read_small(path)
    wrong = _kind_problem(path, data, "CERTIFICATE")
    if wrong is not None:
        raise wrong
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError:
        raise problem(path, tr("the certificate is damaged or not a certificate")) from None


def load_request(path: Path) -> x509.CertificateSigningRequest:
    data = read_small(path)
    wrong = _kind_problem(path, data, "CERTIFICATE REQUEST")
    if wrong is not None:
        raise wrong
    try:
        return x509.load_pem_x509_csr(data)
    except ValueError:
        raise problem(path, tr("the enrolment request is damaged or not a request")) from None


def load_private_key(path: Path, passphrase: bytes, wrong_message: str) -> PrivateKeyTypes:
    """Decrypt a key file; a wrong passphrase gives `wrong_message` and nothing about the key's bytes."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AppError(tr("The key file {path} is missing.", path=path)) from None
    except OSError as exc:
        raise AppError(tr("Cannot read the key file {path}: {detail}", path=path,
                          detail=exc.strerror or str(exc))) from None
    if dpapi.is_sealed(data):
        data = _unsealed(path, data)
    if b"-----BEGIN ENCRYPTED PRIVATE KEY-----" not in data:
        raise AppError(tr("The key file {path} is damaged or not protected by a passphrase; it was not used.",
                          path=path))
    try:
        return serialization.load_pem_private_key(data, password=passphrase)
    except (ValueError, TypeError):
        raise AppError(wrong_message) from None


def _unsealed(path: Path, data: bytes) -> bytes:
    """The PEM inside a DPAPI-sealed key file, or why it cannot be opened here (another user or computer)."""
    sealer = dpapi.backend()
    elsewhere = tr("The key file {path} is sealed by Windows for another user or another computer, so it cannot "
                   "be used here. Create a new signing identity on this computer (profile init --force) and ask "
                   "the office to enrol it.", path=path)
    if sealer is None:
        raise AppError(elsewhere)
    try:
        return dpapi.unseal(data, sealer)
    except OSError:
        raise AppError(elsewhere) from None
    except ValueError:
        raise AppError(tr("The key file {path} is damaged or not protected by a passphrase; it was not used.",
                          path=path)) from None


def write_private_key(path: Path, key: PrivateKeyTypes, passphrase: bytes, *, for_this_user: bool) -> None:
    """Write a key encrypted with the passphrase (mode 0600); `for_this_user`: also sealed with DPAPI where
    Windows offers it (the inspector's key, see dpapi.py), wherever the folder is: a copy taken off a stick or
    a share cannot be tried elsewhere either."""
    data = encrypted_pem(key, passphrase)
    sealer = dpapi.backend() if for_this_user else None
    if sealer is not None:
        data = dpapi.seal(data, sealer)
    write_atomic(path, data, private=True)


def seal_for_this_user(path: Path) -> bool:
    """Seal an existing key file with DPAPI (a key written before this version); True when it was sealed now.
    Only the file's bytes are sealed: no passphrase is needed."""
    sealer = dpapi.backend()
    if sealer is None:
        return False
    data = path.read_bytes()
    if dpapi.is_sealed(data) or b"-----BEGIN ENCRYPTED PRIVATE KEY-----" not in data:
        return False
    write_atomic(path, dpapi.seal(data, sealer), private=True)
    return True


def key_sealed(path: Path) -> bool:
    """True when the key file is sealed by Windows for this user (profile show says how the key is kept)."""
    try:
        return dpapi.is_sealed(path.read_bytes())
    except OSError:
        return False


def encrypted_pem(key: PrivateKeyTypes, passphrase: bytes) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(passphrase))


def load_own_certificate(path: Path) -> x509.Certificate:
    """The single certificate in one of our own files (damaged → AppError naming it)."""
    if not path.exists():
        raise AppError(tr("The certificate file {path} is missing.", path=path))
    certs = load_certificates(path)
    return certs[0]


def cert_pem(*certs: x509.Certificate) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


def _colon_hex(digest: bytes) -> str:
    return ":".join(f"{byte:02X}" for byte in digest)


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate, as people compare it over the phone (AB:CD:…)."""
    return _colon_hex(cert.fingerprint(hashes.SHA256()))


def fingerprint_hex(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def key_fingerprint(public_key: PublicKeyTypes) -> str:
    """SHA-256 of the public key: the same for a request and the certificate issued for it."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return _colon_hex(hashlib.sha256(der).digest())


def same_key(a: PublicKeyTypes, b: PublicKeyTypes) -> bool:
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return a.public_bytes(*fmt) == b.public_bytes(*fmt)

