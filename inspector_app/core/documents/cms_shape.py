"""The one region a signature's byte range leaves out — its own hex string — must be exactly what our signers
write. The signature protects only its signed attributes; without these checks a byte could change in the
padding, a length field, an unsigned field or a spare certificate and still verify.
"""

from __future__ import annotations

import re

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

_HEX_GAP = re.compile(rb"<([0-9A-F]*)>")


def gap_is_canonical(data: bytes, signature, trust_roots: list[x509.Certificate], *,
                     timestamp: bool = False, countersignature: bool = False) -> bool:
    """Uppercase hex in one string, DER that re-encodes to itself, zero padding, and our signers' shape."""
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
        info = cms.ContentInfo.load(canonical, strict=True)
        if countersignature:
            return shape_is_standard(info)
        return shape_is_ours(info, trust_roots, timestamp=timestamp)
    except Exception:  # noqa: BLE001 - anything unparseable there is an alteration
        return False


def shape_is_ours(info, trust_roots: list[x509.Certificate], *, timestamp: bool = False) -> bool:
    """Exactly the structure our signers produce: one SignerInfo v1 naming the signer by issuer and serial,
    no unsigned attributes, only trusted office certificates besides the signer's; a signature is SignedData
    v1 with detached data, a document timestamp (the office TSA) SignedData v3 carrying its TSTInfo.
    Validators ignore these fields, so any change there must be caught here."""
    signed = info["content"]
    if info["content_type"].native != "signed_data" or len(signed["signer_infos"]) != 1:
        return False
    signer_info = signed["signer_infos"][0]
    if signed["version"].native != ("v3" if timestamp else "v1") or signer_info["version"].native != "v1":
        return False
    digests = [algorithm.dump() for algorithm in signed["digest_algorithms"]]
    encapsulated = signed["encap_content_info"]
    if digests != [signer_info["digest_algorithm"].dump()] or signer_info["unsigned_attrs"].native is not None:
        return False
    if timestamp:
        if encapsulated["content_type"].native != "tst_info" or encapsulated["content"].native is None:
            return False
    elif encapsulated["content_type"].native != "data" or encapsulated["content"].native is not None:
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


_ALLOWED_UNSIGNED = {"signature_time_stamp_token"}


def shape_is_standard(info) -> bool:
    """A countersignature may come from any PDF program (Acrobat, pyHanko's defaults, a CA's tool): one
    SignerInfo over detached data, its chain in `certificates` and at most a signature timestamp as unsigned
    attribute (which validators check themselves). Extra certificates cannot make an untrusted signer trusted,
    and the document's bytes are covered by the byte range whatever the gap holds."""
    signed = info["content"]
    if info["content_type"].native != "signed_data" or len(signed["signer_infos"]) != 1:
        return False
    signer_info = signed["signer_infos"][0]
    encapsulated = signed["encap_content_info"]
    if encapsulated["content_type"].native != "data" or encapsulated["content"].native is not None:
        return False
    unsigned = signer_info["unsigned_attrs"]
    return unsigned.native is None or all(attr["type"].native in _ALLOWED_UNSIGNED for attr in unsigned)
