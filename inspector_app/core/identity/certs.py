"""Building the certificates: the inspector's (self-signed or office-issued), the office's root, requests.

Inspector certificates allow signing documents only (digitalSignature + nonRepudiation, which pyHanko and
PDF readers expect for document signatures); the office certificate may only issue certificates, and only
to inspectors (path length 0).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    PublicKeyTypes,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

INSPECTOR_YEARS = 5
OFFICE_YEARS = 10
CLOCK_SKEW = dt.timedelta(minutes=10)  # a laptop clock a few minutes behind must not see a "future" certificate
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # RFC 9336 id-kp-documentSigning
MAX_NAME = 64  # X.520 upper bound for these attributes


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _years(start: dt.datetime, years: int) -> dt.datetime:
    return start + dt.timedelta(days=365 * years + years // 4)


@dataclass(frozen=True)
class Person:
    """Who a certificate names: 督查员 name, 工号, hospital and office."""

    name: str
    staff_no: str = ""
    hospital: str = ""
    office: str = ""

    def x509_name(self) -> x509.Name:
        parts = [(NameOID.ORGANIZATION_NAME, self.hospital), (NameOID.ORGANIZATIONAL_UNIT_NAME, self.office),
                 (NameOID.COMMON_NAME, self.name), (NameOID.SERIAL_NUMBER, self.staff_no)]
        return x509.Name([x509.NameAttribute(oid, value.strip()[:MAX_NAME]) for oid, value in parts
                          if value and value.strip()])

    @classmethod
    def from_name(cls, name: x509.Name) -> Person:
        return cls(name=name_part(name, NameOID.COMMON_NAME), staff_no=name_part(name, NameOID.SERIAL_NUMBER),
                   hospital=name_part(name, NameOID.ORGANIZATION_NAME),
                   office=name_part(name, NameOID.ORGANIZATIONAL_UNIT_NAME))


def name_part(name: x509.Name, oid: ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _builder(subject: x509.Name, issuer: x509.Name, public_key: PublicKeyTypes, issuer_key: PublicKeyTypes,
             not_after: dt.datetime) -> x509.CertificateBuilder:
    start = now() - CLOCK_SKEW
    return (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1 or 1)
            .not_valid_before(start).not_valid_after(not_after)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key), critical=False))


def _signing_extensions(builder: x509.CertificateBuilder) -> x509.CertificateBuilder:
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    return (builder
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]),
                           critical=False))


def self_signed(key: ec.EllipticCurvePrivateKey, person: Person) -> x509.Certificate:
    """The inspector's certificate before enrolment: proves integrity, not yet who signed."""
    name = person.x509_name()
    builder = _builder(name, name, key.public_key(), key.public_key(), _years(now(), INSPECTOR_YEARS))
    return _signing_extensions(builder).sign(key, hashes.SHA256())


def issue(office_key: CertificateIssuerPrivateKeyTypes, office_cert: x509.Certificate, subject: x509.Name,
          public_key: PublicKeyTypes) -> x509.Certificate:
    """An inspector certificate issued by the office (never outliving the office certificate)."""
    not_after = min(_years(now(), INSPECTOR_YEARS), office_cert.not_valid_after_utc)
    builder = _builder(subject, office_cert.subject, public_key, office_key.public_key(), not_after)
    return _signing_extensions(builder).sign(office_key, hashes.SHA256())


def office_root(key: ec.EllipticCurvePrivateKey, office_name: str) -> x509.Certificate:
    """The office's self-signed root: may issue inspector certificates and nothing below them."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, office_name.strip()[:MAX_NAME])])
    usage = x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                          encipher_only=False, decipher_only=False)
    builder = _builder(name, name, key.public_key(), key.public_key(), _years(now(), OFFICE_YEARS))
    return (builder
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(usage, critical=True)
            .sign(key, hashes.SHA256()))


def request(key: ec.EllipticCurvePrivateKey, person: Person) -> x509.CertificateSigningRequest:
    return x509.CertificateSigningRequestBuilder().subject_name(person.x509_name()).sign(key, hashes.SHA256())


# -- checks ---------------------------------------------------------------------------------------------
def is_ca(cert: x509.Certificate) -> bool:
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return constraints.ca and usage.key_cert_sign


def can_sign_documents(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return usage.digital_signature and usage.content_commitment


def issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """True when `issuer`'s key really signed `cert` (names alone prove nothing)."""
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):  # names or algorithm differ, key type, bad signature
        return False
    return True


def is_self_signed(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject and issued_by(cert, cert)


def acceptable_key(public_key: PublicKeyTypes) -> bool:
    """Keys an office will certify: EC P-256/P-384 (what the app makes) or RSA of 2048 bits and more."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return isinstance(public_key.curve, (ec.SECP256R1, ec.SECP384R1))
    return isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size >= 2048


def valid_now(cert: x509.Certificate, at: dt.datetime | None = None) -> bool:
    moment = at or now()
    return cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc
