"""The office's own time-stamping authority and certificate revocation list, for signatures that last.

A sheet signed on a laptop carries only the laptop's clock, and its certificate expires after five years. The
office therefore adds, when it issues or receives a document, two things nobody else needs to provide:
- revocation data: a CRL signed by the office root (`office.crl.pem`), saying which certificates were revoked
  as of now, embedded in the PDF's Document Security Store with the certificates of every signature;
- a document timestamp from its own time-stamping key (`office-tsa.*.pem`, RSA: pyHanko's local time-stamp
  signer is RSA-only), issued by the office root for time-stamping only (critical EKU, RFC 3161).
The document then reaches PAdES B-LT(A) and verifies offline, years later, with only the office certificate
trusted: no network, no outside TSA. Both files are made on first use beside the root, like the signer key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from inspector_app.core.i18n import tr
from inspector_app.core.identity import certs, storage
from inspector_app.core.identity.office import unlock_office_root
from inspector_app.core.identity.revocation import publish_crl

if TYPE_CHECKING:
    from pyhanko.sign.timestamps.api import TimeStamper

TSA_KEY_FILE, TSA_CERT_FILE = "office-tsa.key.pem", "office-tsa.cert.pem"
TSA_KEY_BITS = 3072


@dataclass(frozen=True)
class OfficeSeal:
    """What the office adds to a document: its CRL, its TSA, and the certificates to embed."""

    root: x509.Certificate
    tsa_certificate: x509.Certificate
    crl: x509.CertificateRevocationList
    timestamper: TimeStamper = field(repr=False)


def _tsa_certificate(root_key: CertificateIssuerPrivateKeyTypes, root: x509.Certificate,
                     key: rsa.RSAPrivateKey) -> x509.Certificate:
    office = certs.name_part(root.subject, NameOID.COMMON_NAME)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{office} TSA"[:certs.MAX_NAME]),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, office[:certs.MAX_NAME])])
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    builder = certs._builder(name, root.subject, key.public_key(), root_key.public_key(), root.not_valid_after_utc)
    return (builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(root_key, hashes.SHA256()))


def _tsa_identity(folder: Path, secret: bytes, root_key: CertificateIssuerPrivateKeyTypes,
                  root: x509.Certificate) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key_file, cert_file = folder / TSA_KEY_FILE, folder / TSA_CERT_FILE
    if key_file.exists() and cert_file.exists():
        cert = storage.load_own_certificate(cert_file)
        key = storage.load_private_key(key_file, secret, tr("The office passphrase is wrong."))
        if (isinstance(key, rsa.RSAPrivateKey) and certs.issued_by(cert, root) and certs.valid_now(cert)
                and storage.same_key(key.public_key(), cert.public_key())):
            return key, cert
    key = rsa.generate_private_key(public_exponent=65537, key_size=TSA_KEY_BITS)
    cert = _tsa_certificate(root_key, root, key)
    storage.write_atomic(key_file, storage.encrypted_pem(key, secret), private=True)
    storage.write_atomic(cert_file, storage.cert_pem(cert))
    return key, cert


def load_office_seal(folder: Path | str, passphrase: str) -> OfficeSeal:
    """Unlock the office root, make (once) the TSA key, publish a fresh CRL and return the local TSA."""
    from asn1crypto import keys as asn1_keys
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from inspector_app.core.identity.inspector import asn1_certificate

    base = Path(folder)
    root, root_key, secret = unlock_office_root(base, passphrase)
    tsa_key, tsa_cert = _tsa_identity(base, secret, root_key, root)  # type: ignore[arg-type]
    crl = publish_crl(base, root_key, root)  # type: ignore[arg-type]
    der = tsa_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    timestamper = _office_timestamper(asn1_certificate(tsa_cert), asn1_keys.PrivateKeyInfo.load(der),
                                      SimpleCertificateStore.from_certs([asn1_certificate(root)]))
    return OfficeSeal(root, tsa_cert, crl, timestamper)


def _office_timestamper(cert, key, chain) -> TimeStamper:
    """pyHanko's in-process TSA ("dummy" only in that it answers every request itself, which is exactly a
    local office TSA): RFC 3161 tokens signed with the office TSA key, the office root embedded."""
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    return DummyTimeStamper(tsa_cert=cert, tsa_key=key, certs_to_embed=chain)
