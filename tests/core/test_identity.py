"""The inspector's signing identity and the office's enrolment, with real keys and certificates (no mocks)."""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from hypothesis import given
from hypothesis import strategies as st

from inspector_app.core.errors import AppError, InputError, StateError
from inspector_app.core.i18n import tr
from inspector_app.core.identity import (
    DEMO_PASSPHRASE,
    PASSPHRASE_ENV,
    asn1_certificate,
    certs,
    change_passphrase,
    create_identity,
    ensure_demo_identity,
    export_enrolment_request,
    identity_status,
    import_certificate,
    load_office_certificate,
    load_signing_identity,
    office_enrol,
    office_init,
    passphrase,
    resolve_passphrase,
    storage,
    trusted_office_certs,
)
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import FAST

SECRET = "Zq7-inspector-passphrase"
OFFICE_SECRET = "Kx9-office-passphrase"
OFFICE_NAME = "示例市人民医院 综合办公室"


def open_inspector(data_dir: Path, name: str = "张三", staff_no: str = "1001") -> Workspace:
    ws = Workspace.open(data_dir)
    ws.update_settings(inspector={"name": name, "staff_no": staff_no, "office": "综合办公室"})
    return ws


@pytest.fixture
def inspector(workspace: Workspace) -> Workspace:
    workspace.update_settings(inspector={"name": "张三", "staff_no": "1001", "office": "综合办公室"})
    create_identity(workspace, SECRET)
    return workspace


@pytest.fixture
def office(tmp_path: Path) -> Path:
    folder = tmp_path / "office"
    office_init(folder, OFFICE_NAME, OFFICE_SECRET)
    return folder


def enrol(ws: Workspace, office_dir: Path, tmp: Path) -> Path:
    """request → office → bundle file; returns the bundle (not yet imported)."""
    request, bundle = tmp / f"{ws.data_dir.parent.name}-req.csr.pem", tmp / f"{ws.data_dir.parent.name}-cert.pem"
    export_enrolment_request(ws, SECRET, request)
    office_enrol(office_dir, OFFICE_SECRET, request, bundle)
    return bundle


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix == ".pem"}


def office_key(folder: Path):
    return storage.load_private_key(folder / storage.OFFICE_KEY_FILE, OFFICE_SECRET.encode(), "wrong")


# -- the identity ----------------------------------------------------------------------------------------
def test_create_and_load_with_the_right_passphrase(inspector: Workspace) -> None:
    status = identity_status(inspector)
    assert status.exists and status.self_signed and not status.enrolled
    assert (status.subject_name, status.staff_no, status.hospital) == ("张三", "1001", "示例市人民医院")
    assert status.not_after is not None and status.not_after - dt.datetime.now(dt.timezone.utc) > dt.timedelta(days=4 * 365)
    signing = load_signing_identity(inspector, SECRET)
    assert signing.self_signed and signing.chain == [] and not signing.enrolled
    cert = signing.certificate
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert storage.same_key(cert.public_key(), signing.private_key.public_key())
    name = cert.subject
    assert certs.name_part(name, x509.NameOID.SERIAL_NUMBER) == "1001"
    assert certs.name_part(name, x509.NameOID.ORGANIZATIONAL_UNIT_NAME) == "综合办公室"
    assert SECRET not in repr(signing)


def test_wrong_passphrase_is_a_plain_error(inspector: Workspace) -> None:
    with pytest.raises(AppError) as caught:
        load_signing_identity(inspector, "not-the-passphrase")
    message = str(caught.value)
    assert "passphrase" in message.lower() or "口令" in message
    assert "BEGIN" not in message and caught.value.__cause__ is None and caught.value.__suppress_context__


def test_passphrase_too_short(workspace: Workspace) -> None:
    workspace.update_settings(inspector={"name": "张三", "staff_no": "1001"})
    with pytest.raises(AppError, match="8"):
        create_identity(workspace, "short")
    assert not identity_status(workspace).exists


def test_name_and_staff_number_are_needed(workspace: Workspace) -> None:
    with pytest.raises(AppError):
        create_identity(workspace, SECRET)
    assert not (workspace.data_dir / "identity" / "inspector.key.pem").exists()


def test_key_file_is_encrypted_private_and_passphrase_stored_nowhere(inspector: Workspace) -> None:
    key_file = inspector.data_dir / "identity" / "inspector.key.pem"
    text = key_file.read_text()
    assert "BEGIN ENCRYPTED PRIVATE KEY" in text and "BEGIN PRIVATE KEY" not in text
    if os.name == "posix":
        assert key_file.stat().st_mode & 0o777 == 0o600
    change_passphrase(inspector, SECRET, SECRET + "-2")
    for path in inspector.data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data and (SECRET + "-2").encode() not in data, path


def test_existing_identity_is_kept_unless_overwrite(inspector: Workspace) -> None:
    before = identity_status(inspector).fingerprint
    with pytest.raises(StateError):
        create_identity(inspector, SECRET)
    assert identity_status(inspector).fingerprint == before
    create_identity(inspector, "another-passphrase", overwrite=True)
    assert identity_status(inspector).fingerprint != before
    load_signing_identity(inspector, "another-passphrase")


def test_change_passphrase(inspector: Workspace) -> None:
    key_before = (inspector.data_dir / "identity" / "inspector.key.pem").read_bytes()
    with pytest.raises(AppError):
        change_passphrase(inspector, "wrong-old-passphrase", "new-passphrase-1")
    with pytest.raises(AppError):
        change_passphrase(inspector, SECRET, "short")
    assert (inspector.data_dir / "identity" / "inspector.key.pem").read_bytes() == key_before
    fingerprint = identity_status(inspector).key_fingerprint
    change_passphrase(inspector, SECRET, "新的口令-new-passphrase")
    with pytest.raises(AppError):
        load_signing_identity(inspector, SECRET)
    signing = load_signing_identity(inspector, "新的口令-new-passphrase")
    assert storage.key_fingerprint(signing.private_key.public_key()) == fingerprint
    if os.name == "posix":
        assert (inspector.data_dir / "identity" / "inspector.key.pem").stat().st_mode & 0o777 == 0o600


# -- enrolment -------------------------------------------------------------------------------------------
def test_office_certificate_is_a_restricted_root(office: Path) -> None:
    cert = load_office_certificate(office)
    constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    assert usage.critical and usage.value.key_cert_sign and usage.value.crl_sign and not usage.value.digital_signature
    assert certs.name_part(cert.subject, x509.NameOID.COMMON_NAME) == OFFICE_NAME
    assert "ENCRYPTED" in (office / "office.key.pem").read_text()
    with pytest.raises(StateError):
        office_init(office, "another", OFFICE_SECRET)


def test_enrolment_round_trip_through_files(inspector: Workspace, office: Path, tmp_path: Path) -> None:
    key_before = identity_status(inspector).key_fingerprint
    request = tmp_path / "me.csr.pem"
    info = export_enrolment_request(inspector, SECRET, request)
    assert info.key_fingerprint == key_before and "CERTIFICATE REQUEST" in request.read_text()
    bundle = tmp_path / "me.cert.pem"
    issued = office_enrol(office, OFFICE_SECRET, request, bundle)
    assert issued.key_fingerprint == key_before and (issued.subject_name, issued.staff_no) == ("张三", "1001")
    assert len(x509.load_pem_x509_certificates(bundle.read_bytes())) == 2
    status = import_certificate(inspector, bundle)
    office_cert = load_office_certificate(office)
    assert status.enrolled and not status.self_signed and status.key_fingerprint == key_before
    assert status.office_fingerprint == storage.fingerprint(office_cert)
    assert trusted_office_certs(inspector) == [office_cert]
    assert (inspector.data_dir / "trust" / f"{office_cert.fingerprint(hashes.SHA256()).hex()}.pem").exists()
    signing = load_signing_identity(inspector, SECRET)
    assert signing.enrolled and signing.chain == [office_cert] and not signing.self_signed
    assert import_certificate(inspector, bundle).enrolled  # importing again is harmless


def test_certificate_for_another_key_is_refused(inspector: Workspace, office: Path, tmp_path: Path) -> None:
    other = open_inspector(tmp_path / "other" / "data", "李四", "1002")
    try:
        create_identity(other, SECRET)
        bundle = enrol(other, office, tmp_path)
    finally:
        other.close()
    before = snapshot(inspector.data_dir)
    with pytest.raises(InputError) as caught:
        import_certificate(inspector, bundle)
    assert caught.value.problems[0].file == str(bundle)
    assert "someone else" in caught.value.problems[0].reason or "他人" in caught.value.problems[0].reason
    assert snapshot(inspector.data_dir) == before and not identity_status(inspector).enrolled


def test_certificate_from_another_office_is_refused(inspector: Workspace, office: Path, tmp_path: Path) -> None:
    rogue = tmp_path / "rogue"
    office_init(rogue, OFFICE_NAME, OFFICE_SECRET)  # same name: only the signature can tell them apart
    request = tmp_path / "me.csr.pem"
    export_enrolment_request(inspector, SECRET, request)
    office_enrol(rogue, OFFICE_SECRET, request, tmp_path / "rogue.pem")
    leaf = x509.load_pem_x509_certificates((tmp_path / "rogue.pem").read_bytes())[0]
    forged = tmp_path / "forged.pem"  # the rogue's certificate with the real office's certificate attached
    forged.write_bytes(storage.cert_pem(leaf, load_office_certificate(office)))
    before = snapshot(inspector.data_dir)
    with pytest.raises(InputError) as caught:
        import_certificate(inspector, forged)
    assert caught.value.problems[0].file == str(forged)
    assert caught.value.problems[0].reason == tr("the certificate was not issued by the office certificate in the file")
    only_leaf = tmp_path / "only-leaf.pem"
    only_leaf.write_bytes(storage.cert_pem(leaf))
    with pytest.raises(InputError):
        import_certificate(inspector, only_leaf)
    assert snapshot(inspector.data_dir) == before


def _issue(office_dir: Path, public_key, subject: x509.Name, start: dt.datetime, end: dt.datetime) -> x509.Certificate:
    office_cert = load_office_certificate(office_dir)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(office_cert.subject)
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), True))
    return builder.sign(office_key(office_dir), hashes.SHA256())


def test_expired_certificate_is_refused(inspector: Workspace, office: Path, tmp_path: Path) -> None:
    own = x509.load_pem_x509_certificate((inspector.data_dir / "identity" / "inspector.cert.pem").read_bytes())
    now = dt.datetime.now(dt.timezone.utc)
    expired = _issue(office, own.public_key(), own.subject, now - dt.timedelta(days=800), now - dt.timedelta(days=1))
    path = tmp_path / "expired.pem"
    path.write_bytes(storage.cert_pem(expired, load_office_certificate(office)))
    before = snapshot(inspector.data_dir)
    with pytest.raises(InputError) as caught:
        import_certificate(inspector, path)
    assert caught.value.problems[0].file == str(path)
    assert snapshot(inspector.data_dir) == before
    fresh = _issue(office, own.public_key(), own.subject, now - dt.timedelta(days=1), now + dt.timedelta(days=30))
    path.write_bytes(storage.cert_pem(fresh, load_office_certificate(office)))
    assert import_certificate(inspector, path).enrolled  # the same checks accept a valid one


@pytest.mark.parametrize("content", [
    b"\x00\x01garbage\xff" * 20,
    b"",
    b"-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n",
    "just some text 中文\n".encode(),
])
def test_bad_files_are_refused_naming_the_file(inspector: Workspace, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.pem"
    path.write_bytes(content)
    before = snapshot(inspector.data_dir)
    with pytest.raises(InputError) as caught:
        import_certificate(inspector, path)
    assert caught.value.problems[0].file == str(path) and caught.value.problems[0].reason
    assert snapshot(inspector.data_dir) == before


def test_a_key_or_a_request_is_not_a_certificate(inspector: Workspace, office: Path, tmp_path: Path) -> None:
    request = tmp_path / "me.csr.pem"
    export_enrolment_request(inspector, SECRET, request)
    for wrong in (office / "office.key.pem", request, tmp_path / "missing.pem"):
        with pytest.raises(InputError) as caught:
            import_certificate(inspector, wrong)
        assert caught.value.problems[0].file == str(wrong)
    with pytest.raises(InputError) as caught:  # the office is handed a certificate instead of a request
        office_enrol(office, OFFICE_SECRET, office / "office.cert.pem", tmp_path / "out.pem")
    assert caught.value.problems[0].file == str(office / "office.cert.pem")


def test_altered_request_and_wrong_office_passphrase(inspector: Workspace, office: Path, tmp_path: Path) -> None:
    request = tmp_path / "me.csr.pem"
    export_enrolment_request(inspector, SECRET, request)
    der = x509.load_pem_x509_csr(request.read_bytes()).public_bytes(serialization.Encoding.DER)
    altered = x509.load_der_x509_csr(der.replace(b"1001", b"9999"))  # another 工号, same signature
    (tmp_path / "altered.csr.pem").write_bytes(altered.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(InputError):
        office_enrol(office, OFFICE_SECRET, tmp_path / "altered.csr.pem", tmp_path / "out.pem")
    with pytest.raises(AppError):
        office_enrol(office, "wrong-office-passphrase", request, tmp_path / "out.pem")
    assert not (tmp_path / "out.pem").exists()


def test_trust_store_reads_dropped_files_and_skips_junk(inspector: Workspace, office: Path) -> None:
    trust = inspector.data_dir / "trust"
    trust.mkdir()
    (trust / "office-from-admin.pem").write_bytes((office / "office.cert.pem").read_bytes())
    (trust / "junk.pem").write_text("nonsense")
    (trust / "leaf.pem").write_bytes((inspector.data_dir / "identity" / "inspector.cert.pem").read_bytes())
    assert trusted_office_certs(inspector) == [load_office_certificate(office)]


# -- passphrases -----------------------------------------------------------------------------------------
def test_resolve_passphrase_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "pass.txt"
    file.write_text("  from-the-file  \nsecond line\n", encoding="utf-8")
    monkeypatch.setenv(PASSPHRASE_ENV, "from-the-env")
    assert resolve_passphrase("from-the-gui", str(file), prompt="?") == "from-the-gui"
    assert resolve_passphrase(None, str(file), prompt="?") == "from-the-file"
    assert resolve_passphrase(None, None, prompt="?") == "from-the-env"
    with pytest.raises(InputError) as caught:
        resolve_passphrase(None, str(tmp_path / "nope.txt"), prompt="?")
    assert caught.value.problems[0].file == str(tmp_path / "nope.txt")
    (tmp_path / "empty.txt").write_text("\n")
    with pytest.raises(InputError):
        resolve_passphrase(None, str(tmp_path / "empty.txt"), prompt="?")


def test_no_terminal_and_no_source_fails_at_once(monkeypatch: pytest.MonkeyPatch, english: None) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal
    with pytest.raises(AppError, match="--passphrase-file FILE or set INSPECTOR_APP_PASSPHRASE"):
        resolve_passphrase(None, None, prompt="?")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_prompt_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(sys, "stdin", _Terminal())
    answers = iter(["typed-passphrase", "typed-passphrase", "typed-passphrase", "different-one"])
    monkeypatch.setattr(passphrase.getpass, "getpass", lambda prompt="": next(answers))
    assert resolve_passphrase(None, None, prompt="?", confirm=True) == "typed-passphrase"
    with pytest.raises(AppError):
        resolve_passphrase(None, None, prompt="?", confirm=True)


@FAST
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40)
       .map(str.strip).filter(bool))
def test_passphrase_file_round_trip(tmp_path_factory: pytest.TempPathFactory, value: str) -> None:
    path = tmp_path_factory.mktemp("pp") / "pass.txt"
    path.write_text(value + "\r\n", encoding="utf-8")
    if len(value.splitlines()) == 1:
        assert passphrase.read_passphrase_file(str(path)) == value


def test_nfc_and_nfd_passphrases_open_the_same_key(workspace: Workspace) -> None:
    workspace.update_settings(inspector={"name": "张三", "staff_no": "1001"})
    create_identity(workspace, "Café-口令-1234")  # NFC é
    load_signing_identity(workspace, "Cafe\u0301-口令-1234")  # NFD e + combining accent


# -- demo ------------------------------------------------------------------------------------------------
def test_demo_identity_is_enrolled_and_idempotent(workspace: Workspace) -> None:
    ensure_demo_identity(workspace)
    first = identity_status(workspace)
    assert first.enrolled and first.subject_name
    ensure_demo_identity(workspace)
    assert identity_status(workspace) == first
    signing = load_signing_identity(workspace, DEMO_PASSPHRASE)
    assert signing.chain == [load_office_certificate(workspace.data_dir / "office")]


def test_demo_leaves_a_real_identity_alone(inspector: Workspace) -> None:
    before = snapshot(inspector.data_dir)
    ensure_demo_identity(inspector)
    assert snapshot(inspector.data_dir) == before and not (inspector.data_dir / "office").exists()


# -- signing a PDF with pyHanko ---------------------------------------------------------------------------
def tiny_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pageCompression=0)  # uncompressed, so the test can alter the text
    page.drawString(72, 720, "Inspection sheet: Score 95")
    page.showPage()
    page.save()
    return buffer.getvalue()


def sign_and_validate(ws: Workspace, trust_root: x509.Certificate, secret: str = SECRET, tamper: bool = False):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signer = load_signing_identity(ws, secret)
    writer = IncrementalPdfFileWriter(io.BytesIO(tiny_pdf()))
    signed = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Inspector"),
                              signer=signer.as_pyhanko_signer()).getvalue()
    if tamper:
        assert b"Score 95" in signed
        signed = signed.replace(b"Score 95", b"Score 15")
    reader = PdfFileReader(io.BytesIO(signed))
    context = ValidationContext(trust_roots=[asn1_certificate(trust_root)])
    return validate_pdf_signature(reader.embedded_signatures[0], context)


def test_enrolled_identity_signs_a_pdf_the_office_can_verify(inspector: Workspace, office: Path,
                                                             tmp_path: Path) -> None:
    import_certificate(inspector, enrol(inspector, office, tmp_path))
    status = sign_and_validate(inspector, load_office_certificate(office))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    tampered = sign_and_validate(inspector, load_office_certificate(office), tamper=True)
    assert not tampered.intact and not tampered.bottom_line


def test_self_signed_signature_is_intact_but_not_trusted_by_the_office(inspector: Workspace, office: Path) -> None:
    status = sign_and_validate(inspector, load_office_certificate(office))
    assert status.intact and not status.trusted and not status.bottom_line


def test_demo_identity_signs_and_verifies(workspace: Workspace) -> None:
    ensure_demo_identity(workspace)
    status = sign_and_validate(workspace, load_office_certificate(workspace.data_dir / "office"), DEMO_PASSPHRASE)
    assert status.bottom_line
