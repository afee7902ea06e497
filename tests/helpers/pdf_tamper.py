"""Changes made to a signed PDF the way an editor would make them, for the verification tests."""

from __future__ import annotations

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import NameObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter


def add_annotation(data: bytes) -> bytes:
    """A text annotation (a comment) added to the first page in an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    annot = generic.DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Text"),
        NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (100, 100, 120, 120)]),
        NameObject("/Contents"): generic.TextStringObject("改为合格")})
    writer.register_annotation(writer.find_page_for_modification(0)[0], writer.add_object(annot))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def overlay(data: bytes) -> bytes:
    """A white box drawn over the first page in an incremental update (a content stream appended)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.add_stream_to_page(0, writer.add_object(generic.StreamObject(stream_data=b"q 1 1 1 rg 60 500 300 80 re f Q")))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def change_byte(data: bytes) -> bytes:
    """One bit flipped inside the first content stream (the certified revision)."""
    changed = bytearray(data)
    changed[data.index(b"stream") + 40] ^= 0x01  # inside the first page's content (the certified revision)
    return bytes(changed)


def foreign_countersignature(data: bytes, signer, *, stray_annotation: bool = False) -> bytes:
    """A countersignature made the way another program makes it: pyHanko's standard signer with its defaults
    (adbe.pkcs7.detached, its own text stamp), a new visible signature field whose widget joins page 1's
    /Annots; with `stray_annotation`, a comment slipped into the same incremental update."""
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    if stray_annotation:
        annot = generic.DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (100, 100, 120, 120)]),
            NameObject("/Contents"): generic.TextStringObject("不合格改为合格")})
        writer.register_annotation(writer.find_page_for_modification(0)[0], writer.add_object(annot))
    meta = signers.PdfSignatureMetadata(field_name="HeadSignature", reason="已阅")
    spec = fields.SigFieldSpec("HeadSignature", on_page=0, box=(300, 40, 520, 100))
    return signers.sign_pdf(writer, meta, signer=signer, new_field_spec=spec).getvalue()
