"""PAdES signing and verification, cross-checked with poppler's pdfsig and pyHanko's own validator."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st
from pyhanko.sign.signers.pdf_cms import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfgen import canvas

from inspector_app.core.documents.signing import sign_pdf, verify_pdf

NOW = dt.datetime.now(dt.timezone.utc)


def _name(common: str, number: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COMMON_NAME, common)]
    if number:
        parts.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, number))
    return x509.Name(parts)


def _cert(subject: x509.Name, key, issuer: x509.Name, issuer_key, ca: bool) -> x509.Certificate:  # noqa: ANN001
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(NOW - dt.timedelta(days=1))
               .not_valid_after(NOW + dt.timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True))
    usage = (x509.KeyUsage(False, False, False, False, False, True, True, False, False) if ca else
             x509.KeyUsage(True, True, False, False, False, False, False, False, False))
    return builder.add_extension(usage, critical=True).sign(issuer_key, hashes.SHA256())


def _der(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _signer(key, cert: x509.Certificate, chain: list[x509.Certificate]) -> SimpleSigner:  # noqa: ANN001
    raw = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return SimpleSigner(signing_cert=_der(cert), signing_key=asn1_keys.PrivateKeyInfo.load(raw),
                        cert_registry=SimpleCertificateStore.from_certs([_der(c) for c in chain]))


@pytest.fixture(scope="module")
def pki():
    office_key = ec.generate_private_key(ec.SECP256R1())
    office_name = _name("示例市人民医院 综合办公室")
    office = _cert(office_name, office_key, office_name, office_key, ca=True)
    inspector_key = ec.generate_private_key(ec.SECP256R1())
    enrolled = _cert(_name("王督查", "D001"), inspector_key, office_name, office_key, ca=False)
    self_signed = _cert(_name("王督查", "D001"), inspector_key, _name("王督查", "D001"), inspector_key, ca=False)
    return {"office": office, "enrolled": _signer(inspector_key, enrolled, [office]),
            "self_signed": _signer(inspector_key, self_signed, [])}


def _pdf(text: str = "督查记录表") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def signed(pki) -> bytes:
    return sign_pdf(_pdf(), pki["enrolled"], number="D001-abc123-DC-000042", reason="督查记录表",
                    location="示例市人民医院")


def test_enrolled_signature_verifies_and_names_signer_time_and_number(pki, signed):
    result = verify_pdf(signed, [pki["office"]])
    assert result.ok, result.problems
    assert (result.signer, result.signer_number, result.document_number) == ("王督查", "D001", "D001-abc123-DC-000042")
    assert result.issuer == "示例市人民医院 综合办公室"
    assert abs((result.signing_time - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 300


def test_without_the_office_certificate_it_is_not_trusted(signed):
    result = verify_pdf(signed, [])
    assert not result.ok and result.intact and not result.trusted
    assert any("trusted office" in p or "办公室" in p for p in result.problems)


def test_self_signed_is_reported_as_not_enrolled(pki, english):
    data = sign_pdf(_pdf(), pki["self_signed"], number="N1", reason="r", location="l")
    result = verify_pdf(data, [pki["office"]])
    assert not result.ok and result.intact and result.self_signed
    assert any("not enrolled" in p for p in result.problems)


def test_appended_data_is_reported(pki, signed, english):
    result = verify_pdf(signed + b"\n%% appended after signing\n", [pki["office"]])
    assert not result.ok and result.intact and not result.covers_whole_file
    assert any("added to the file after it was signed" in p for p in result.problems)


def test_changing_the_document_number_breaks_the_signature(pki, signed):
    tampered = signed.replace(b"D001-abc123-DC-000042", b"D001-abc123-DC-000043")
    assert tampered != signed
    result = verify_pdf(tampered, [pki["office"]])
    assert not result.ok


@pytest.mark.slow  # date-agnostic: CI runs it once, not again under each faked date
@settings(max_examples=60, deadline=None)
@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_a_flipped_bit_anywhere_fails(pki, signed, position, bit):
    data = bytearray(signed)
    data[position % len(data)] ^= 1 << bit
    assert not verify_pdf(bytes(data), [pki["office"]]).ok


def test_garbage_and_unsigned_files_give_reasons(pki, english):
    assert verify_pdf(b"not a pdf at all", [pki["office"]]).problems
    unsigned = verify_pdf(_pdf(), [pki["office"]])
    assert not unsigned.ok and "no signature" in unsigned.problems[0]


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_poppler_agrees(pki, signed, tmp_path):
    """pdfsig exits 0 even for broken signatures: read what it says."""
    good = tmp_path / "good.pdf"
    good.write_bytes(signed)
    out = subprocess.run(["pdfsig", str(good)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out and "Total document signed" in out and "王督查" in out
    appended = tmp_path / "appended.pdf"
    appended.write_bytes(signed + b"\n% more\n")
    out = subprocess.run(["pdfsig", str(appended)], capture_output=True, text=True).stdout
    assert "Not total document signed" in out
    broken = bytearray(signed)
    broken[signed.index(b"stream") + 12] ^= 0xFF  # inside the first (signed) page content
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(broken))
    out = subprocess.run(["pdfsig", str(bad)], capture_output=True, text=True).stdout
    assert "Signature is Valid" not in out
    assert not verify_pdf(bytes(broken), [pki["office"]]).ok
