"""PAdES signatures over whole PDF files (pyHanko), and verification that says exactly what is wrong.

A sheet is trusted only when all of these hold: the signature is intact (the signed bytes are unchanged),
it covers the entire file (nothing appended after signing), and the signer's certificate chains to an
office certificate this machine trusts. A self-signed inspector (not yet enrolled by the office) still
signs, but verification says so and does not pass.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from inspector_app.core.i18n import tr

log = logging.getLogger(__name__)
FIELD_NAME = "InspectorSignature"


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def sign_pdf(pdf: bytes, signer, *, number: str, reason: str, location: str) -> bytes:
    """Sign the whole file with `signer` (a pyHanko Signer); the document number goes into the signed
    revision's metadata, so it cannot be changed without breaking the signature."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.document_meta.subject = number
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, reason=reason, location=location,
                                        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


@dataclass
class Verification:
    """What `inspector-app verify` prints: who signed, when, which document, and whether to trust it."""

    ok: bool = False
    problems: list[str] = field(default_factory=list)
    signer: str | None = None
    signer_number: str | None = None  # 工号 (certificate serialNumber)
    issuer: str | None = None
    signing_time: datetime | None = None
    document_number: str | None = None
    intact: bool = False
    covers_whole_file: bool = False
    trusted: bool = False
    self_signed: bool = False


def _name_part(name: asn1_x509.Name, key: str) -> str | None:
    return name.native.get(key)


def verify_pdf(data: bytes, trust_roots: list[x509.Certificate]) -> Verification:
    """Check a signed PDF against the trusted office certificates; never raises for a bad file."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    result = Verification()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        subject = reader.document_meta_view.subject
        result.document_number = str(subject) if subject else None
    except Exception as exc:  # noqa: BLE001 - the parser meets hostile bytes: any failure is "unreadable"
        result.problems.append(tr("not a readable PDF file ({detail})", detail=type(exc).__name__))
        return result
    if not signatures:
        result.problems.append(tr("the file carries no signature"))
        return result
    if len(signatures) > 1:
        result.problems.append(tr("the file carries {count} signatures; an inspection sheet has one",
                                  count=len(signatures)))
    signature = signatures[-1]
    try:
        cert = signature.signer_cert
        result.signer = _name_part(cert.subject, "common_name")
        result.signer_number = _name_part(cert.subject, "serial_number")
        result.issuer = _name_part(cert.issuer, "common_name")
        result.self_signed = cert.subject == cert.issuer
        status = _validate(signature, trust_roots)
    except Exception as exc:  # noqa: BLE001 - a hostile file must end in a report, not a crash
        log.info("signature could not be validated: %r", exc)
        result.problems.append(tr("the signature cannot be read ({detail})", detail=type(exc).__name__))
        return result
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if not _gap_is_canonical(data, signature, trust_roots):
        result.problems.append(tr("the signature field was altered after signing"))
    result.signing_time = status.signer_reported_dt
    result.intact = bool(status.intact and status.valid)
    result.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    result.trusted = bool(status.trusted)
    if not result.intact:
        result.problems.append(tr("the signature is broken: the file was changed after it was signed"))
    if result.intact and not result.covers_whole_file:
        result.problems.append(tr("data was added to the file after it was signed"))
    if result.self_signed:
        result.problems.append(tr("signed with a self-signed certificate: the inspector is not enrolled by the "
                                  "office"))
    elif not result.trusted:
        result.problems.append(tr("the signer's certificate does not chain to a trusted office certificate"))
    result.ok = not result.problems
    return result


_HEX_GAP = re.compile(rb"<([0-9A-F]*)>")


def _gap_is_canonical(data: bytes, signature, trust_roots: list[x509.Certificate]) -> bool:
    """The one region the byte range leaves out (the signature's own hex string) must be exactly what our
    signer writes. The signature itself protects only its signed attributes; without these checks a byte
    could change in the padding, a length field, an unsigned field or a spare certificate and still verify.
    """
    from asn1crypto import cms

    try:
        start, first, second_start, _ = (int(v) for v in signature.sig_object["/ByteRange"])
        match = _HEX_GAP.fullmatch(data[start + first:second_start])
        if match is None:
            return False  # not uppercase hex in one string: not what a signer writes
        raw = bytes.fromhex(match.group(1).decode("ascii"))
        info = cms.ContentInfo.load(raw, strict=False)
        canonical = info.dump(force=True)  # re-encoded from its values: lengths and tags must agree
        if raw[:len(canonical)] != canonical or any(raw[len(canonical):]):
            return False
        return _shape_is_ours(cms.ContentInfo.load(canonical, strict=True), trust_roots)
    except Exception:  # noqa: BLE001 - anything unparseable there is an alteration
        return False


def _shape_is_ours(info, trust_roots: list[x509.Certificate]) -> bool:
    """Exactly the structure our signer produces (CMS SignedData v1, one SignerInfo v1 naming the signer
    by issuer and serial, detached data, no unsigned attributes, only the office certificate besides the
    signer's). Validators ignore these fields, so any change there must be caught here."""
    signed = info["content"]
    if info["content_type"].native != "signed_data" or len(signed["signer_infos"]) != 1:
        return False
    signer_info = signed["signer_infos"][0]
    if signed["version"].native != "v1" or signer_info["version"].native != "v1":
        return False
    digests = [algorithm.dump() for algorithm in signed["digest_algorithms"]]
    encapsulated = signed["encap_content_info"]
    if digests != [signer_info["digest_algorithm"].dump()] or signer_info["unsigned_attrs"].native is not None:
        return False
    if encapsulated["content_type"].native != "data" or encapsulated["content"].native is not None:
        return False
    sid = signer_info["sid"]
    if sid.name != "issuer_and_serial_number":
        return False
    trusted = {c.public_bytes(Encoding.DER) for c in trust_roots}
    signers = 0
    for choice in signed["certificates"]:
        cert = choice.chosen
        if cert.issuer.dump() == sid.chosen["issuer"].dump() and cert.serial_number == sid.chosen["serial_number"].native:
            signers += 1
        elif cert.dump() not in trusted:
            return False  # besides the signer's, only byte-identical trusted office certificates
    return signers == 1


def _validate(signature, trust_roots: list[x509.Certificate]):
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=[_asn1(c) for c in trust_roots], allow_fetching=False,
                                revocation_mode="soft-fail")
    return validate_pdf_signature(signature, context)
