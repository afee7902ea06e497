"""Verifying a signed document: every signature reported, allowed later revisions accepted, any change to the
content refused with its true reason.

A document is trusted only when all of these hold: every signature and timestamp is intact and chains to an
office certificate this machine trusts; the first signature (the inspector's certification) allows what
came after it (countersignatures, validation data, document timestamps); and nothing but such revisions was
added. When the office sealed the document (its CRL in the Document Security Store, its timestamp after the
signatures), each signature is checked as of that timestamp with revocation data from the file alone, so a
certificate that expired since does not matter: that is what makes it long-term (PAdES B-LT/B-LTA).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509

from inspector_app.core.documents import changes
from inspector_app.core.documents.cms_shape import gap_is_canonical
from inspector_app.core.documents.stamp import content_digest, first_revision
from inspector_app.core.i18n import tr

log = logging.getLogger(__name__)
CERTIFICATION, COUNTERSIGNATURE, TIMESTAMP = "certification", "countersignature", "timestamp"


@dataclass
class SignatureReport:
    """One signature or document timestamp of the file, as `verify` lists it."""

    field_name: str
    kind: str  # CERTIFICATION, COUNTERSIGNATURE (any later signature) or TIMESTAMP
    signer: str | None = None
    signer_number: str | None = None  # 工号 (certificate serialNumber)
    issuer: str | None = None
    certificate: str = ""  # serial number of the signer's certificate, hex
    signing_time: datetime | None = None  # a timestamp's: the TSA's time
    intact: bool = False
    trusted: bool = False
    self_signed: bool = False
    revision: int = 0  # 1-based: the file's revision this signature closes
    revisions: int = 0
    long_term: bool = False  # checked as of a later office timestamp with the file's own revocation data
    revoked_reason: str = ""  # the certificate is on a trusted office CRL (revocation.py reason code)
    revoked_at: datetime | None = None
    revoked_stands: bool = True  # the signature was made before the revocation, as far as can be shown


@dataclass
class Verification:
    """What `inspector-app verify` prints: who signed, when, which document, and whether to trust it.

    The flat fields describe the first signature (the inspector's); `signatures` lists all of them."""

    ok: bool = False
    problems: list[str] = field(default_factory=list)
    signer: str | None = None
    signer_number: str | None = None
    issuer: str | None = None
    signing_time: datetime | None = None
    document_number: str | None = None
    intact: bool = False
    covers_whole_file: bool = False
    trusted: bool = False
    self_signed: bool = False
    signatures: list[SignatureReport] = field(default_factory=list)
    level: str = ""  # "PAdES B-B" … "PAdES B-LTA"
    content_sha256: str = ""  # the unsigned sheet's digest, as printed in its verification line


def _name_part(name, key: str) -> str | None:
    return name.native.get(key)


def _document_number(reader, revision: int) -> str | None:
    """The /Subject as signed (a later revision may rewrite the Info dictionary; it does not count)."""
    try:
        info = reader.get_historical_resolver(revision).trailer_view.get("/Info")
        subject = info.get_object().get("/Subject") if info is not None else None
    except Exception:  # noqa: BLE001 - an unreadable Info dictionary only loses the number
        return None
    return str(subject) if subject else None


def _context(trust_roots: list[x509.Certificate], dss, moment: datetime | None):
    from pyhanko_certvalidator import ValidationContext

    from inspector_app.core.identity.inspector import asn1_certificate

    kwargs = {"trust_roots": [asn1_certificate(c) for c in trust_roots], "allow_fetching": False,
              "revocation_mode": "require" if dss is not None and dss.crls else "soft-fail"}
    if moment is not None:
        kwargs["moment"] = moment
    if dss is None:
        return ValidationContext(**kwargs)
    return dss.as_validation_context(kwargs)


def _read_dss(reader):
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None


def _describe(report: SignatureReport, signature) -> None:
    cert = signature.signer_cert
    report.signer = _name_part(cert.subject, "common_name")
    report.signer_number = _name_part(cert.subject, "serial_number")
    report.issuer = _name_part(cert.issuer, "common_name")
    report.certificate = f"{cert.serial_number:x}"
    report.self_signed = cert.subject == cert.issuer


def _check_timestamp(signature, report: SignatureReport, trust_roots, dss):
    from pyhanko.sign.validation import validate_pdf_timestamp

    status = validate_pdf_timestamp(signature, _context(trust_roots, dss, None), skip_diff=True)
    report.signing_time = status.timestamp
    report.intact, report.trusted = bool(status.intact and status.valid), bool(status.trusted)
    return status


def _check_signature(signature, report: SignatureReport, trust_roots, dss, sealed_at):
    from pyhanko.sign.validation import validate_pdf_signature

    status = validate_pdf_signature(signature, _context(trust_roots, dss, sealed_at),
                                    diff_policy=changes.diff_policy())
    report.signing_time = status.signer_reported_dt
    report.intact, report.trusted = bool(status.intact and status.valid), bool(status.trusted)
    report.long_term = report.trusted and sealed_at is not None and dss is not None and bool(dss.crls)
    return status


def _revoked_problem(report: SignatureReport) -> str:
    from inspector_app.core.identity.revocation import STRICT, reason_label

    values = {"who": _who(report), "when": report.revoked_at.astimezone().strftime("%Y-%m-%d %H:%M")
              if report.revoked_at else "?", "reason": reason_label(report.revoked_reason)}
    if report.revoked_reason in STRICT:
        return tr("the certificate of {who} was revoked by the office on {when} ({reason}), and no office "
                  "timestamp shows this signature was made before that", **values)
    return tr("the certificate of {who} was revoked by the office on {when} ({reason}); this signature was made "
              "after that", **values)


def _who(report: SignatureReport) -> str:
    who = report.signer or "?"
    return f"{who} ({report.signer_number})" if report.signer_number else who


def _problems_of(report: SignatureReport) -> list[str]:
    who = report.signer or "?"
    if not report.intact:
        if report.kind == TIMESTAMP:
            return [tr("the document timestamp by {who} is broken: the file was changed after it", who=who)]
        return [tr("the signature is broken: the file was changed after it was signed")]
    if report.revoked_reason and not report.revoked_stands:
        return [_revoked_problem(report)]
    if report.kind == CERTIFICATION:
        if report.self_signed:
            return [tr("signed with a self-signed certificate: the inspector is not enrolled by the office")]
        if not report.trusted:
            return [tr("the signer's certificate does not chain to a trusted office certificate")]
        return []
    if report.trusted:
        return []
    if report.kind == TIMESTAMP:
        return [tr("the document timestamp by {who} does not come from a trusted office", who=who)]
    return [tr("the countersignature by {who} does not chain to a trusted office certificate (not enrolled)",
               who=who)]


def _level(reports: list[SignatureReport], sealed_last: bool) -> str:
    signed = [r for r in reports if r.kind != TIMESTAMP]
    stamped = [r for r in reports if r.kind == TIMESTAMP and r.intact and r.trusted]
    if not signed or not stamped or stamped[-1].revision < signed[-1].revision:
        return "PAdES B-B"
    if not all(r.long_term for r in signed):
        return "PAdES B-T"
    return "PAdES B-LTA" if sealed_last else "PAdES B-LT"


def verify_pdf(data: bytes, trust_roots: list[x509.Certificate],
               crls: list[x509.CertificateRevocationList] | None = None) -> Verification:
    """Check a signed PDF against the trusted office certificates; never raises for a bad file.

    `crls`: the offices' latest revocation lists this machine holds (the file's own, from a seal, are read
    too); only one signed by a trusted office counts."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    result = Verification()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - the parser meets hostile bytes: any failure is "unreadable"
        result.problems.append(tr("not a readable PDF file ({detail})", detail=type(exc).__name__))
        return result
    if not signatures:
        result.problems.append(tr("the file carries no signature"))
        return result
    result.document_number = _document_number(reader, signatures[0].signed_revision)
    result.content_sha256 = content_digest(first_revision(data))
    try:
        dss = _read_dss(reader)
        _verify_each(data, reader, signatures, trust_roots, dss, result, list(crls or []))
    except Exception as exc:  # noqa: BLE001 - a hostile file must end in a report, not a crash
        log.info("signature could not be validated: %r", exc)
        result.problems.append(tr("the signature cannot be read ({detail})", detail=type(exc).__name__))
        return result
    result.ok = not result.problems
    return result


def _file_crls(dss) -> list[x509.CertificateRevocationList]:
    from pyhanko.pdf_utils.decode_limits import DecodePurpose

    found = []
    for item in dss.crls if dss is not None else ():
        try:
            found.append(x509.load_der_x509_crl(item.get_object().read_data(DecodePurpose.CRL)))
        except Exception as exc:  # noqa: BLE001 - an unreadable CRL proves nothing; the validator reports it
            log.info("a CRL in the file could not be read: %r", exc)
    return found


def _check_revocation(signature, report: SignatureReport, trust_roots, crls, sealed_at):
    """A certificate on a trusted CRL: the signature stands when it was made before the revocation
    (revocation.py says how that is shown). None, or the status of a signature that stands although the
    file's own CRL (sealed after the revocation) made the validator refuse it: checked again as of its
    signing time without that CRL, as an unsealed sheet would be."""
    from inspector_app.core.identity.revocation import revocation_of

    found = revocation_of(signature.signer_cert, trust_roots, crls, proven_before=sealed_at,
                          claimed=report.signing_time)
    if found is None:
        return None
    report.revoked_reason, report.revoked_at, report.revoked_stands = found.reason, found.revoked_at, found.stands
    if found.stands and report.intact and not report.trusted and report.signing_time is not None:
        return _check_signature(signature, report, trust_roots, None, report.signing_time)
    return None


def _verify_each(data: bytes, reader, signatures, trust_roots, dss, result: Verification,
                 crls: list[x509.CertificateRevocationList]) -> None:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    revisions = reader.xrefs.total_revisions
    reports: list[SignatureReport] = []
    timestamps = []
    for index, signature in enumerate(signatures):
        is_ts = signature.sig_object.get("/Type") == "/DocTimeStamp"
        kind = TIMESTAMP if is_ts else CERTIFICATION if index == 0 else COUNTERSIGNATURE
        report = SignatureReport(signature.field_name, kind, revision=signature.signed_revision + 1,
                                 revisions=revisions)
        _describe(report, signature)
        if is_ts:
            _check_timestamp(signature, report, trust_roots, dss)
            timestamps.append(report)
        reports.append(report)
    statuses = {}
    for signature, report in zip(signatures, reports, strict=True):
        if report.kind == TIMESTAMP:
            continue
        sealed = next((t for t in timestamps if t.revision > report.revision and t.intact and t.trusted), None)
        sealed_at = sealed.signing_time if sealed else None
        statuses[report.field_name] = _check_signature(signature, report, trust_roots, dss, sealed_at)
        again = _check_revocation(signature, report, trust_roots, [*_file_crls(dss), *crls], sealed_at)
        if again is not None:
            statuses[report.field_name] = again
    for signature, report in zip(signatures, reports, strict=True):
        # the gap's shape is judged against the trusted office: a signer nobody trusts is refused for that,
        # not also said to be altered (its office certificate, not being trusted, fails the shape)
        if report.intact and report.trusted and not gap_is_canonical(data, signature, trust_roots, timestamp=report.kind == TIMESTAMP,
                                                    countersignature=report.kind == COUNTERSIGNATURE):
            result.problems.append(tr("the signature field of {who} was altered after signing",
                                      who=report.signer or "?"))
        result.problems += _problems_of(report)
    first, status = reports[0], statuses.get(reports[0].field_name)
    result.signatures = reports
    result.signer, result.signer_number, result.issuer = first.signer, first.signer_number, first.issuer
    result.signing_time, result.self_signed, result.trusted = first.signing_time, first.self_signed, first.trusted
    result.intact = all(r.intact for r in reports)
    last = signatures[-1]
    result.covers_whole_file = last.coverage == SignatureCoverageLevel.ENTIRE_FILE or changes.ends_with_revision(data)
    if status is not None and first.intact:
        reason = changes.disallowed_change(reader, signatures[0], status)
        if reason:
            result.problems.append(reason)
    if result.intact and not result.covers_whole_file:
        result.problems.append(tr("data was added to the file after it was signed"))
    result.level = _level(reports, last.sig_object.get("/Type") == "/DocTimeStamp"
                          and last.coverage == SignatureCoverageLevel.ENTIRE_FILE)
