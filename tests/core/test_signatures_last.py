"""Signatures that last (issue 16): a real sheet issued on a laptop with an enrolled key, countersigned by a
department head the office enrolled, sealed by the office (its CRL and its own timestamp). pyHanko validates
it offline with only the office certificate; tampering is refused, each kind with its own reason.

The documents are made once per module (signing and RSA key generation take seconds).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    read_certification_data,
    validate_pdf_signature,
)
from sqlalchemy import select

from inspector_app.core.demo import generate
from inspector_app.core.documents.countersign import seal_file
from inspector_app.core.documents.signing import countersign_pdf, seal_pdf
from inspector_app.core.documents.stamp import SHORT_DIGEST, first_revision
from inspector_app.core.documents.verification import verify_pdf
from inspector_app.core.errors import AppError
from inspector_app.core.identity import (
    DEMO_PASSPHRASE,
    SigningIdentity,
    certs,
    default_office_dir,
    storage,
)
from inspector_app.core.identity.inspector import asn1_certificate
from inspector_app.core.identity.office import load_office_certificate, office_enrol
from inspector_app.core.identity.revocation import find_certificates, revoke
from inspector_app.core.identity.storage import CRL_FILE
from inspector_app.core.identity.timestamping import load_office_seal
from inspector_app.core.store.models import Document
from tests.helpers.fixtures import open_demo_workspace
from tests.helpers.pdf_tamper import (
    add_annotation,
    change_byte,
    foreign_countersignature,
    overlay,
)


def _enrolled(office: Path, folder: Path, name: str, staff_no: str) -> SigningIdentity:
    """A person the office enrols the ordinary way (request file → office_enrol → certificate file)."""
    key = certs.new_key()
    request, issued = folder / f"{staff_no}.csr.pem", folder / f"{staff_no}.cert.pem"
    request.write_bytes(certs.request(key, certs.Person(name, staff_no, "示例市人民医院", "门诊部"))
                        .public_bytes(serialization.Encoding.PEM))
    office_enrol(office, DEMO_PASSPHRASE, request, issued)
    cert = storage.load_certificates(issued)[0]
    return SigningIdentity(key, cert, [load_office_certificate(office)], self_signed=False)


@dataclass
class Documents:
    office: Path
    root: object
    sheet: bytes
    countersigned: bytes
    sealed: bytes
    stranger: bytes  # countersigned by someone the office never enrolled
    signed_at: dt.datetime
    head: SigningIdentity


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Documents:
    root = tmp_path_factory.mktemp("last")
    ws = open_demo_workspace(root / "data")
    try:
        generate(ws, 1, seed=3, sign_sheets=True)  # issue_sheet with the demo inspector's enrolled key
        with ws.db.read() as session:
            document = session.scalars(select(Document).where(Document.kind == "sheet")).one()
        sheet = (ws.data_dir / document.path).read_bytes()
        office = default_office_dir(ws.data_dir)
    finally:
        ws.close()
    head = _enrolled(office, root, "李主任", "K042")
    countersigned = countersign_pdf(sheet, head.as_pyhanko_signer(), reason="已阅")
    sealed = seal_pdf(countersigned, load_office_seal(office, DEMO_PASSPHRASE))
    stranger_key = certs.new_key()
    stranger_cert = certs.self_signed(stranger_key, certs.Person("路人", "X1"))
    stranger = countersign_pdf(sheet, SigningIdentity(stranger_key, stranger_cert, [], True).as_pyhanko_signer(),
                               reason="?")
    signed_at = PdfFileReader(io.BytesIO(sheet)).embedded_signatures[0].self_reported_timestamp
    return Documents(office, load_office_certificate(office), sheet, countersigned, sealed, stranger, signed_at,
                     head)


def _text(pdf: bytes, page: int = 0) -> str:
    """The page's text with its annotations' appearances (the visible signature) flattened into it."""
    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    try:
        document[page].flatten()
        return document[page].get_textpage().get_text_range()
    finally:
        document.close()


def test_the_sheet_is_certified_allowing_form_filling_and_signing_only(docs: Documents) -> None:
    reader = PdfFileReader(io.BytesIO(docs.sheet))
    assert read_certification_data(reader).permission == MDPPerm.FILL_FORMS


def test_the_signature_is_visible_with_name_time_number_and_digest_and_leaves_the_text_free(docs: Documents) -> None:
    reader = PdfFileReader(io.BytesIO(docs.sheet))
    signature = reader.embedded_signatures[0]
    widget = signature.sig_field
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 > 400 and y2 - y1 > 60  # a box across the page, not an invisible signature
    number = str(reader.document_meta_view.subject)
    digest = hashlib.sha256(first_revision(docs.sheet)).hexdigest()
    check = verify_pdf(docs.sheet, [docs.root])
    assert check.content_sha256 == digest
    pages = len(pdfium.PdfDocument(docs.sheet))
    text = "".join(_text(docs.sheet, index) for index in range(pages)).replace("\r", "")
    assert "演示督查员" in text and number in text and digest[:SHORT_DIGEST] in text
    local = docs.signed_at.astimezone()
    assert local.strftime("%Y-%m-%d %H:%M:%S") in text  # the stamp's time
    assert text.count(local.strftime("%Y-%m-%d %H:%M")) >= 2  # and the inspector's date line
    unsigned = pdfium.PdfDocument(first_revision(docs.sheet))  # the page as drawn before the stamp
    page_index = next(i for i in range(pages) if widget["/P"] == reader.root["/Pages"]["/Kids"][i])
    under = unsigned[page_index].get_textpage().get_text_bounded(x1, y1, x2, y2)
    assert under.strip() == ""


def test_verify_reports_every_signature_and_accepts_countersignature_and_seal(docs: Documents) -> None:
    result = verify_pdf(docs.sealed, [docs.root])
    assert result.ok, result.problems
    kinds = [(r.kind, r.signer, r.signer_number) for r in result.signatures]
    assert kinds[0] == ("certification", "演示督查员", "D001")
    assert kinds[1] == ("countersignature", "李主任", "K042")
    assert kinds[2][0] == "timestamp" and kinds[2][1].endswith("TSA")
    assert result.signer == "演示督查员"  # the document's signer stays the inspector
    assert all(r.intact and r.trusted and r.certificate for r in result.signatures)
    assert [r.revision for r in result.signatures] == [2, 3, 4] and result.signatures[0].revisions == 4
    assert result.level == "PAdES B-LTA"
    countersigned = verify_pdf(docs.countersigned, [docs.root])
    assert countersigned.ok and countersigned.level == "PAdES B-B", countersigned.problems


def test_a_timestamp_alone_and_a_countersignature_after_the_seal_are_allowed(docs: Documents) -> None:
    seal = load_office_seal(docs.office, DEMO_PASSPHRASE)
    stamped = verify_pdf(seal_pdf(docs.sheet, seal), [docs.root])
    assert stamped.ok and len(stamped.signatures) == 2 and stamped.level == "PAdES B-LTA", stamped.problems


@pytest.mark.parametrize("years", [0, 9])
def test_pyhanko_long_term_validation_offline_now_and_in_nine_years(docs: Documents, years: int) -> None:
    """PAdES B-LT as a validator does it with a document timestamp: the office timestamp is checked at the
    validation time (its TSA certificate lives as long as the office certificate), then each signature as of
    the timestamp's time, with revocation data from the file's DSS only (CRL required, no fetching). In nine
    years the inspector's and the head's five-year certificates have long expired; the sheet still passes.

    (pyHanko's AdES LTA validator insists on a signature timestamp inside the CMS, which a laptop without a
    network cannot get; the document timestamp is the PAdES way for that case.)"""
    from pyhanko.sign.validation import validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(docs.sealed))
    dss = DocumentSecurityStore.read_dss(reader)
    assert len(dss.crls) == 1 and len(list(dss.load_certs())) >= 4  # both signers, the TSA, the office

    def context(moment: dt.datetime) -> ValidationContext:
        return dss.as_validation_context({"trust_roots": [asn1_certificate(docs.root)], "allow_fetching": False,
                                          "revocation_mode": "require", "moment": moment})

    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=365 * years + 3)
    *signatures, timestamp = reader.embedded_signatures
    stamp = validate_pdf_timestamp(timestamp, context(later))
    assert stamp.intact and stamp.valid and stamp.trusted and stamp.coverage.name == "ENTIRE_FILE"
    for signature in signatures:
        expired = signature.signer_cert["tbs_certificate"]["validity"]["not_after"].native < later
        assert expired == (years == 9)
        status = validate_pdf_signature(signature, context(stamp.timestamp))
        assert status.bottom_line and status.docmdp_ok, status.pretty_print_details()
        assert status.signer_reported_dt <= stamp.timestamp


def test_a_countersigner_the_office_never_enrolled_is_refused(docs: Documents, english: None) -> None:
    result = verify_pdf(docs.stranger, [docs.root])
    assert not result.ok
    assert result.signatures[1].signer == "路人" and not result.signatures[1].trusted
    assert any("countersignature by 路人" in p and "not enrolled" in p for p in result.problems)


REASONS = {"byte": "signature is broken", "annotation": "an annotation", "overlay": "drawn over page"}


@pytest.mark.parametrize("change", ["byte", "annotation", "overlay"])
def test_each_change_is_refused_with_its_own_reason(docs: Documents, english: None, change: str) -> None:
    tamper = {"byte": change_byte, "annotation": add_annotation, "overlay": overlay}[change]
    result = verify_pdf(tamper(docs.sealed), [docs.root])
    assert not result.ok
    text = " | ".join(result.problems)
    assert REASONS[change] in text, text
    assert not any(REASONS[other] in text for other in REASONS if other != change), text
    assert "cannot be read" not in text and "PdfReadError" not in text


def _office_copy(docs: Documents, tmp_path: Path) -> Path:
    """The office folder copied, so a revocation stays inside one test."""
    office = tmp_path / "office"
    shutil.copytree(docs.office, office)
    return office


def _after(moment: dt.datetime) -> None:
    """Wait until the clock is past `moment`'s second (a CRL's dates have whole seconds)."""
    while dt.datetime.now(dt.timezone.utc).replace(microsecond=0) <= moment:
        time.sleep(0.05)


def test_a_person_who_left_signs_nothing_after_the_revocation(docs: Documents, tmp_path: Path,
                                                              english: None) -> None:
    """`office revoke` by 工号 or serial: a countersignature made before the revocation still verifies (the
    laptop's clock is believed for someone who left), one made after it is refused with the reason."""
    office = _office_copy(docs, tmp_path)
    head_cert = PdfFileReader(io.BytesIO(docs.countersigned)).embedded_signatures[1].signer_cert
    _after(docs.signed_at)
    assert [c.serial_number for c in find_certificates(office, f"{head_cert.serial_number:x}")] == [
        head_cert.serial_number]  # a serial names the certificate, a 工号 every certificate of the person
    done = revoke(office, DEMO_PASSPHRASE, "K042", "left", note="调离门诊部")
    assert [(e.staff_no, e.reason, e.note) for e in done] == [("K042", "left", "调离门诊部")]
    crl = x509.load_pem_x509_crl((office / CRL_FILE).read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(head_cert.serial_number) is not None
    before = verify_pdf(docs.countersigned, [docs.root], [crl])
    assert before.ok, before.problems
    assert before.signatures[1].revoked_reason == "left" and before.signatures[1].revoked_stands
    key = docs.head
    _after(done[0].revoked_at)
    after = verify_pdf(countersign_pdf(docs.sheet, key.as_pyhanko_signer(), reason="已阅"), [docs.root], [crl])
    assert not after.ok
    text = " | ".join(after.problems)
    assert "李主任 (K042) was revoked by the office" in text and "the holder left the post" in text, text
    assert "made after that" in text and "does not chain" not in text, text
    sealed_after = seal_pdf(docs.countersigned, load_office_seal(office, DEMO_PASSPHRASE))  # CRL lists K042 now
    late = verify_pdf(sealed_after, [docs.root])
    assert late.ok and late.signatures[1].trusted, late.problems  # signed before, sealed after: still stands
    with pytest.raises(AppError, match="does not verify"):
        seal_file(_written(tmp_path, countersign_pdf(docs.sheet, key.as_pyhanko_signer(), reason="x")), office,
                  DEMO_PASSPHRASE)
    with pytest.raises(AppError, match="already revoked"):
        revoke(office, DEMO_PASSPHRASE, "K042", "left")


def test_a_compromised_key_needs_an_office_timestamp_from_before(docs: Documents, tmp_path: Path,
                                                                 english: None) -> None:
    """A stolen key can sign with the clock set back: after `key-compromise` only a seal made before the
    revocation keeps a signature, whatever time it claims."""
    office = _office_copy(docs, tmp_path)
    _after(docs.signed_at)
    revoke(office, DEMO_PASSPHRASE, "K042", "key-compromise")
    crl = x509.load_pem_x509_crl((office / CRL_FILE).read_bytes())
    sealed_before = verify_pdf(docs.sealed, [docs.root], [crl])
    assert sealed_before.ok, sealed_before.problems
    unsealed = verify_pdf(docs.countersigned, [docs.root], [crl])
    assert not unsealed.ok
    assert any("the key was compromised" in p and "no office timestamp" in p for p in unsealed.problems)
    sealed_late = verify_pdf(seal_pdf(docs.countersigned, load_office_seal(office, DEMO_PASSPHRASE)), [docs.root])
    assert not sealed_late.ok and any("the key was compromised" in p for p in sealed_late.problems)


def _written(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "late.pdf"
    path.write_bytes(data)
    return path


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_pdfsig_agrees(docs: Documents, tmp_path: Path) -> None:
    """pdfsig knows no DocMDP and no office trust: it checks each signature's bytes, and says so."""
    def pdfsig(data: bytes) -> str:
        path = tmp_path / "check.pdf"
        path.write_bytes(data)
        return subprocess.run(["pdfsig", str(path)], check=False, capture_output=True, text=True).stdout

    out = pdfsig(docs.countersigned)
    assert out.count("Signature is Valid") == 2 and "李主任" in out and "演示督查员" in out
    assert "Total document signed" in out  # the countersignature covers the whole file
    out = pdfsig(change_byte(docs.sealed))
    assert "Signature is Valid" not in out.split("Signature #2")[0]


def test_a_visible_countersignature_made_by_another_program_is_accepted(docs: Documents) -> None:
    """pyHanko's standard signer (not our helper): a visible field and widget in an incremental update, as
    Acrobat makes it. It is the form filling a P=2 certification allows, and the office can still seal it."""
    signed = foreign_countersignature(docs.sheet, docs.head.as_pyhanko_signer())
    result = verify_pdf(signed, [docs.root])
    assert result.ok, result.problems
    assert [(r.kind, r.signer) for r in result.signatures] == [("certification", "演示督查员"),
                                                               ("countersignature", "李主任")]
    sealed = verify_pdf(seal_pdf(signed, load_office_seal(docs.office, DEMO_PASSPHRASE)), [docs.root])
    assert sealed.ok and sealed.level == "PAdES B-LTA", sealed.problems


def test_a_countersignature_that_slips_in_an_annotation_is_refused_for_the_annotation(
        docs: Documents, english: None) -> None:
    result = verify_pdf(foreign_countersignature(docs.sheet, docs.head.as_pyhanko_signer(), stray_annotation=True),
                        [docs.root])
    assert not result.ok
    text = " | ".join(result.problems)
    assert "an annotation" in text and "page 1" in text, text
    assert result.signatures[1].intact and result.signatures[1].trusted  # the signature itself is fine
