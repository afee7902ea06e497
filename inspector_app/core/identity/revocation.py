"""The office withdrawing a certificate it issued: `office revoke`, the list it keeps, and what `verify` makes
of a signature whose certificate was revoked.

`revocations.json` in the office folder is append-only: each entry names the certificate, the person, the
moment the revocation takes effect, the reason (an RFC 5280 reason code, so the CRL carries it) and who
recorded it and when (the audit of the revocation). The CRL the office publishes lists them with their own
dates, so a signature made before a revocation still verifies and one made after it is refused.

When is a signature "before"? A document timestamp from the office that precedes the revocation proves it.
Without one, only the laptop's clock says when it was signed: that is believed for a person who left, a key
replaced or an office closed, but not for a compromised key (or an unspecified reason), since whoever holds
a stolen key can set the clock back.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
)
from pydantic import BaseModel, ConfigDict, Field

from inspector_app.core.errors import AppError, NotFoundError
from inspector_app.core.fileformat import load_model
from inspector_app.core.i18n import tr
from inspector_app.core.identity import certs, storage

REVOCATIONS_FILE = "revocations.json"
LEGACY_FILE = "revoked.txt"  # hex serials one a line, as offices kept them before `office revoke`
Reason = Literal["key-compromise", "left", "superseded", "ceased", "unspecified"]
REASONS: tuple[Reason, ...] = ("key-compromise", "left", "superseded", "ceased", "unspecified")
_FLAGS = {"key-compromise": x509.ReasonFlags.key_compromise, "left": x509.ReasonFlags.affiliation_changed,
          "superseded": x509.ReasonFlags.superseded, "ceased": x509.ReasonFlags.cessation_of_operation,
          "unspecified": x509.ReasonFlags.unspecified}
_BY_FLAG = {flag.value: reason for reason, flag in _FLAGS.items()}  # asn1crypto's native names are the same
STRICT = {"key-compromise", "unspecified"}  # only a timestamp before the revocation proves "before"


def reason_label(reason: str) -> str:
    labels = {"key-compromise": tr("the key was compromised"), "left": tr("the holder left the post"),
              "superseded": tr("the certificate was replaced"), "ceased": tr("the certificate is no longer used"),
              "unspecified": tr("no reason given")}
    return labels.get(reason, reason)


class Revocation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    serial: str = Field(pattern=r"^[0-9a-f]{1,40}$", description="certificate serial number, lowercase hex")
    name: str = Field(max_length=64)
    staff_no: str = Field(max_length=32)
    revoked_at: dt.datetime = Field(description="when the revocation takes effect (UTC)")
    reason: Reason
    note: str = Field(default="", max_length=500)
    recorded_at: dt.datetime
    recorded_by: str = Field(max_length=64)


class RevocationList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    revocations: list[Revocation] = Field(default_factory=list, max_length=100_000)


def load_revocations(folder: Path | str) -> list[Revocation]:
    """Every revocation the office recorded, and those of a hand-kept `revoked.txt` (effective from the file's
    last change, reason unspecified)."""
    base = Path(folder)
    path = base / REVOCATIONS_FILE
    found = load_model(path, RevocationList).revocations if path.is_file() else []
    known = {entry.serial for entry in found}
    legacy = base / LEGACY_FILE
    if legacy.is_file():
        moment = dt.datetime.fromtimestamp(legacy.stat().st_mtime, dt.timezone.utc)
        for line in legacy.read_text(encoding="utf-8", errors="replace").splitlines():
            text = line.split("#", 1)[0].strip().lower()
            try:
                serial = f"{int(text, 16):x}"
            except ValueError:
                continue
            if serial not in known:
                known.add(serial)
                found.append(Revocation(serial=serial, name="", staff_no="", revoked_at=moment, reason="unspecified",
                                        recorded_at=moment, recorded_by=LEGACY_FILE))
    return found


def crl_entries(folder: Path | str) -> list[x509.RevokedCertificate]:
    """The CRL's entries: each serial with its own date and reason."""
    entries = []
    for entry in load_revocations(folder):
        builder = x509.RevokedCertificateBuilder().serial_number(int(entry.serial, 16)).revocation_date(entry.revoked_at)
        if entry.reason != "unspecified":
            builder = builder.add_extension(x509.CRLReason(_FLAGS[entry.reason]), critical=False)
        entries.append(builder.build())
    return entries


def _issued(folder: Path) -> list[x509.Certificate]:
    issued = folder / storage.ISSUED_DIR
    return [storage.load_own_certificate(path) for path in sorted(issued.glob("*.pem"))] if issued.is_dir() else []


def find_certificates(folder: Path | str, target: str) -> list[x509.Certificate]:
    """The issued certificates a serial (hex) or a 工号 names; a 工号 names every certificate of that person."""
    text = target.strip()
    issued = _issued(Path(folder))
    by_staff = [cert for cert in issued if certs.Person.from_name(cert.subject).staff_no == text]
    if by_staff:
        return by_staff
    try:
        serial = int(text.lower().removeprefix("0x"), 16)
    except ValueError:
        serial = None
    by_serial = [cert for cert in issued if cert.serial_number == serial]
    if not by_serial:
        raise NotFoundError(tr("The office issued no certificate with serial number or staff number {target}.",
                               target=text))
    return by_serial


def revoke(folder: Path | str, passphrase: str, target: str, reason: Reason, *, note: str = "",
           at: dt.datetime | None = None, by: str | None = None) -> list[Revocation]:
    """Revoke the certificates `target` names (those not revoked yet), record it, and publish a fresh CRL
    signed by the office root. The passphrase is checked before anything is written."""
    from inspector_app.core.identity.office import unlock_office_root

    base = Path(folder)
    root, root_key, _ = unlock_office_root(base, passphrase)
    if reason not in REASONS:
        raise AppError(tr("Unknown reason {reason}: use one of {choices}.", reason=reason,
                          choices=", ".join(REASONS)))
    now = certs.now()
    moment = (at or now).astimezone(dt.timezone.utc)
    if moment > now:
        raise AppError(tr("A revocation cannot take effect in the future ({when}).", when=moment.isoformat()))
    existing = load_revocations(base)
    done = {entry.serial for entry in existing}
    added = []
    for cert in find_certificates(base, target):
        serial = f"{cert.serial_number:x}"
        if serial in done:
            continue
        person = certs.Person.from_name(cert.subject)
        added.append(Revocation(serial=serial, name=person.name[:64], staff_no=person.staff_no[:32],
                                revoked_at=moment, reason=reason, note=note.strip()[:500], recorded_at=now,
                                recorded_by=(by or _user())[:64]))
    if not added:
        raise AppError(tr("Every certificate {target} names is already revoked.", target=target.strip()))
    path = base / REVOCATIONS_FILE
    kept = load_model(path, RevocationList).revocations if path.is_file() else []
    storage.write_atomic(path, RevocationList(revocations=[*kept, *added]).model_dump_json(indent=2).encode())
    publish_crl(base, root_key, root)
    return added


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this system: still record the revocation
        return "?"


@dataclass(frozen=True)
class Revoked:
    """A signature's certificate found on a trusted CRL, and whether the signature still stands."""

    reason: str
    revoked_at: dt.datetime
    stands: bool


def revocation_of(cert, trust_roots: list[x509.Certificate], crls: list[x509.CertificateRevocationList],
                  *, proven_before: dt.datetime | None, claimed: dt.datetime | None) -> Revoked | None:
    """Look the certificate (asn1crypto) up on every CRL signed by a trusted office; None when none lists it.

    `proven_before`: a trusted office timestamp after the signature; `claimed`: the signer's own clock."""
    serial, issuer = int(cert.serial_number), cert.issuer.dump()
    from asn1crypto import x509 as asn1_x509

    for crl in crls:
        office = next((root for root in trust_roots if root.subject == crl.issuer
                       and crl.is_signature_valid(root.public_key())), None)  # type: ignore[arg-type]
        if office is None or asn1_x509.Name.load(office.subject.public_bytes()).dump() != issuer:
            continue
        entry = crl.get_revoked_certificate_by_serial_number(serial)
        if entry is None:
            continue
        try:
            flag = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.value
        except x509.ExtensionNotFound:
            flag = "unspecified"
        reason = _BY_FLAG.get(flag, "unspecified")
        when = entry.revocation_date_utc
        if proven_before is not None and proven_before < when:
            stands = True
        else:
            stands = reason not in STRICT and claimed is not None and claimed < when
        return Revoked(reason, when, stands)
    return None


def publish_crl(folder: Path, root_key: CertificateIssuerPrivateKeyTypes, root: x509.Certificate,
                when: dt.datetime | None = None) -> x509.CertificateRevocationList:
    """A fresh CRL (as of `when`) listing the revoked certificates, each with its own date and reason
    (revocation.py), written to `office.crl.pem`.

    Its next update is the root's expiry: the office has no server to publish on, so a CRL is a statement
    "not revoked when this document was sealed", proven in time by the timestamp that follows it."""
    moment = when or certs.now()
    builder = (x509.CertificateRevocationListBuilder().issuer_name(root.subject)
               .last_update(moment - dt.timedelta(seconds=1)).next_update(root.not_valid_after_utc)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                              critical=False)
               .add_extension(x509.CRLNumber(int(moment.timestamp() * 1000)), critical=False))
    for entry in crl_entries(folder):
        builder = builder.add_revoked_certificate(entry)
    crl = builder.sign(root_key, hashes.SHA256())
    storage.write_atomic(folder / storage.CRL_FILE, crl.public_bytes(serialization.Encoding.PEM))
    return crl
