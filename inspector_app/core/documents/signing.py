"""PAdES signatures over whole PDF files (pyHanko): the inspector's certification, countersignatures, the
office's long-term seal. Verification is in verification.py (re-exported here).

The first signature certifies the document (DocMDP, P=2): later revisions may only fill in forms and sign
(an enrolled department head's countersignature) or add validation data and document timestamps (which
PAdES always allows). Anything else — an annotation, an overlay, a changed byte — breaks the certification
and `verify` says which it was.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from inspector_app.core.documents.verification import Verification, verify_pdf

if TYPE_CHECKING:
    from inspector_app.core.identity.timestamping import OfficeSeal

log = logging.getLogger(__name__)
FIELD_NAME = "InspectorSignature"
COUNTERSIGNATURE_FIELD = "Countersignature"
__all__ = ["COUNTERSIGNATURE_FIELD", "FIELD_NAME", "SignatureBox", "Verification", "countersign_pdf",
           "seal_pdf", "sign_pdf", "verify_pdf"]


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: a page (0-based), its box in points, and the appearance (a one-page
    PDF of the box's size, stamp.render_stamp)."""

    page: int
    box: tuple[float, float, float, float]
    appearance: bytes


def _appearance(pdf: bytes):
    """The stamp PDF's page as the widget's appearance (pyHanko's ImportedPdfPage reads a file name only)."""
    from pyhanko.pdf_utils import content
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.pdf_utils.reader import PdfFileReader

    class _Page(content.ImportedPdfPage):
        def render(self) -> bytes:
            xobject = self._ensure_writer.import_page_as_xobject(PdfFileReader(io.BytesIO(pdf)), page_ix=0)
            name = "/Stamp"
            self.resources.xobject[name] = xobject
            x1, y1, x2, y2 = xobject.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return name.encode("ascii") + b" Do"

    return _Page("", 0)


def _signer_at(meta, signer, moment: datetime | None, box: SignatureBox | None, field_name: str):
    """A PdfSigner whose signing time is `moment` (the time the sheet prints), with the visible box."""
    from pyhanko.pdf_utils import layout
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    class _AtMoment(signers.PdfSigner):
        def init_signing_session(self, *args, **kwargs):
            session = super().init_signing_session(*args, **kwargs)
            if moment is not None:
                session.system_time = moment
            return session

    if box is None:
        return _AtMoment(meta, signer=signer)
    style = StaticStampStyle(background=_appearance(box.appearance), border_width=0, background_opacity=1.0,
                             background_layout=layout.SimpleBoxLayoutRule(
                                 x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                                 margins=layout.Margins.uniform(0)))
    spec = fields.SigFieldSpec(field_name, on_page=box.page, box=box.box)
    return _AtMoment(meta, signer=signer, stamp_style=style, new_field_spec=spec)


def sign_pdf(pdf: bytes, signer, *, number: str, reason: str, location: str, moment: datetime | None = None,
             box: SignatureBox | None = None, certify: bool = True) -> bytes:
    """Sign the whole file with `signer` (a pyHanko Signer), certifying it (form filling and signing allowed
    afterwards, nothing else). The document number goes into the signed revision's metadata, so it cannot be
    changed without breaking the signature; `moment` is the signing time the sheet already prints."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.document_meta.subject = number
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, reason=reason, location=location,
                                        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
                                        certify=certify,
                                        docmdp_permissions=fields.MDPPerm.FILL_FORMS)
    return _signer_at(meta, signer, moment, box, FIELD_NAME).sign_pdf(writer).getvalue()


def _next_field(data: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    taken = {sig.field_name for sig in PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures}
    index = 1
    while f"{COUNTERSIGNATURE_FIELD}{index}" in taken:
        index += 1
    return f"{COUNTERSIGNATURE_FIELD}{index}"


def countersign_pdf(data: bytes, signer, *, reason: str, location: str = "",
                    box: SignatureBox | None = None) -> bytes:
    """Add a countersignature (e.g. the inspected department head's) in a new signature field: a revision
    the inspector's certification allows. The file's earlier signatures stay valid."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    name = _next_field(data)
    meta = signers.PdfSignatureMetadata(field_name=name, reason=reason, location=location,
                                        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    return _signer_at(meta, signer, None, box, name).sign_pdf(writer).getvalue()


def seal_pdf(data: bytes, seal: OfficeSeal) -> bytes:
    """The office's long-term seal: one revision with the Document Security Store (every signer's
    certificate chain, the office TSA's certificate and the office's fresh CRL) and a document timestamp
    from the office TSA over it all. The result is PAdES B-LT (the timestamp also covers the DSS: B-LTA)."""
    from asn1crypto import crl as asn1_crl
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
    from pyhanko.sign.validation import DocumentSecurityStore

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    found: dict[bytes, asn1_x509.Certificate] = {}
    for signature in reader.embedded_signatures:
        for cert in [signature.signer_cert, *signature.other_embedded_certs]:
            found.setdefault(cert.dump(), cert)
    for cert in (_asn1(seal.root), _asn1(seal.tsa_certificate)):
        found.setdefault(cert.dump(), cert)
    crl = asn1_crl.CertificateList.load(seal.crl.public_bytes(Encoding.DER))
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    DocumentSecurityStore.supply_dss_in_writer(writer, None, certs=list(found.values()), crls=[crl])
    return PdfTimeStamper(seal.timestamper).timestamp_pdf(writer, "sha256").getvalue()
